/**
 * struct termios as the TCGETS/TCSETS ioctls carry it on x86-64 (the kernel's
 * 36-byte layout: four flag words, c_line, c_cc[19]; glibc converts its own larger
 * struct) and the defaults Linux gives a new pseudo-terminal (tty_std_termios).
 */
export const I = {
  IGNBRK: 0x1, BRKINT: 0x2, IGNPAR: 0x4, PARMRK: 0x8, INPCK: 0x10, ISTRIP: 0x20, INLCR: 0x40,
  IGNCR: 0x80, ICRNL: 0x100, IUCLC: 0x200, IXON: 0x400, IXANY: 0x800, IXOFF: 0x1000, IMAXBEL: 0x2000, IUTF8: 0x4000,
} as const;

export const OF = { OPOST: 0x1, OLCUC: 0x2, ONLCR: 0x4, OCRNL: 0x8, ONOCR: 0x10, ONLRET: 0x20 } as const;

export const L = {
  ISIG: 0x1, ICANON: 0x2, XCASE: 0x4, ECHO: 0x8, ECHOE: 0x10, ECHOK: 0x20, ECHONL: 0x40, NOFLSH: 0x80,
  TOSTOP: 0x100, ECHOCTL: 0x200, ECHOPRT: 0x400, ECHOKE: 0x800, FLUSHO: 0x1000, PENDIN: 0x4000, IEXTEN: 0x8000,
} as const;

/** Indexes into c_cc. */
export const V = {
  INTR: 0, QUIT: 1, ERASE: 2, KILL: 3, EOF: 4, TIME: 5, MIN: 6, SWTC: 7, START: 8, STOP: 9,
  SUSP: 10, EOL: 11, REPRINT: 12, DISCARD: 13, WERASE: 14, LNEXT: 15, EOL2: 16,
} as const;

export const NCCS = 19;
export const TERMIOS_SIZE = 36;

export interface Termios {
  iflag: number;
  oflag: number;
  cflag: number;
  lflag: number;
  line: number;
  cc: number[];
}

/** B38400 | CS8 | CREAD | HUPCL */
const CFLAG_DEFAULT = 0o17 | 0o60 | 0o200 | 0o2000;

export function defaultTermios(): Termios {
  return {
    iflag: I.ICRNL | I.IXON,
    oflag: OF.OPOST | OF.ONLCR,
    cflag: CFLAG_DEFAULT,
    lflag: L.ISIG | L.ICANON | L.ECHO | L.ECHOE | L.ECHOK | L.ECHOCTL | L.ECHOKE | L.IEXTEN,
    line: 0,
    cc: [3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0, 0, 0],
  };
}

export function encodeTermios(t: Termios): Buffer {
  const b = Buffer.alloc(TERMIOS_SIZE);
  b.writeUInt32LE(t.iflag >>> 0, 0);
  b.writeUInt32LE(t.oflag >>> 0, 4);
  b.writeUInt32LE(t.cflag >>> 0, 8);
  b.writeUInt32LE(t.lflag >>> 0, 12);
  b[16] = t.line;
  for (let i = 0; i < NCCS; i++) b[17 + i] = t.cc[i] ?? 0;
  return b;
}

export function decodeTermios(b: Buffer): Termios {
  return {
    iflag: b.readUInt32LE(0), oflag: b.readUInt32LE(4), cflag: b.readUInt32LE(8), lflag: b.readUInt32LE(12),
    line: b[16]!, cc: [...b.subarray(17, 17 + NCCS)],
  };
}

export interface WinSize {
  rows: number;
  cols: number;
  xpixel: number;
  ypixel: number;
}

export function encodeWinsize(w: WinSize): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt16LE(w.rows, 0);
  b.writeUInt16LE(w.cols, 2);
  b.writeUInt16LE(w.xpixel, 4);
  b.writeUInt16LE(w.ypixel, 6);
  return b;
}

export function decodeWinsize(b: Buffer): WinSize {
  return { rows: b.readUInt16LE(0), cols: b.readUInt16LE(2), xpixel: b.readUInt16LE(4), ypixel: b.readUInt16LE(6) };
}
