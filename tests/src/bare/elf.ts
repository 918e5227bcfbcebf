/**
 * Test-only ELF loader for static x86-64 executables (ET_EXEC and static-pie
 * ET_DYN): parses the headers, maps the PT_LOAD segments into a Space with their
 * p_flags permissions, and builds the initial stack exactly as Linux's
 * fs/binfmt_elf.c does (strings at the top, then platform string, AT_RANDOM bytes,
 * and a 16-byte aligned argc/argv/envp/auxv block). The product's loader (loaderd)
 * is a separate, later piece; this one stays small and refuses what it does not
 * support (dynamic executables with PT_INTERP) with a clear error.
 */
import { PAGE, Prot, type Space, pageDown, pageUp } from './ports.js';

export class ElfError extends Error {}

const PT_LOAD = 1;
const PT_INTERP = 3;
const PF_X = 1;
const PF_W = 2;
const PF_R = 4;

export interface Segment {
  type: number;
  flags: number;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
}

export interface ElfImage {
  /** True for ET_DYN (static-pie): every address is relative to a load base. */
  pie: boolean;
  entry: number;
  phoff: number;
  phentsize: number;
  phnum: number;
  segments: Segment[];
}

/** Validates and parses an ELF64 little-endian x86-64 executable. Throws ElfError. */
export function parseElf(file: Uint8Array): ElfImage {
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const need = (ok: boolean, what: string): void => {
    if (!ok) throw new ElfError(`not a loadable ELF: ${what}`);
  };
  const u64 = (at: number): number => {
    const v = dv.getBigUint64(at, true);
    need(v <= BigInt(Number.MAX_SAFE_INTEGER), `64-bit field at ${at} out of range`);
    return Number(v);
  };
  need(file.length >= 64, 'shorter than an ELF header');
  need(file[0] === 0x7f && file[1] === 0x45 && file[2] === 0x4c && file[3] === 0x46, 'bad magic');
  need(file[4] === 2, 'not ELFCLASS64');
  need(file[5] === 1, 'not little-endian');
  need(file[6] === 1, 'bad EI_VERSION');
  const type = dv.getUint16(16, true);
  need(type === 2 || type === 3, `e_type ${type} is neither ET_EXEC nor ET_DYN`);
  need(dv.getUint16(18, true) === 62, 'e_machine is not x86-64');
  const phoff = u64(32);
  const phentsize = dv.getUint16(54, true);
  const phnum = dv.getUint16(56, true);
  need(phentsize === 56, `e_phentsize ${phentsize}`);
  need(phnum > 0 && phoff + phnum * phentsize <= file.length, 'program headers outside the file');
  const segments: Segment[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    const s: Segment = {
      type: dv.getUint32(at, true),
      flags: dv.getUint32(at + 4, true),
      offset: u64(at + 8),
      vaddr: u64(at + 16),
      filesz: u64(at + 32),
      memsz: u64(at + 40),
    };
    if (s.type === PT_INTERP) throw new ElfError('dynamically linked (PT_INTERP): the test loader runs static programs only');
    if (s.type === PT_LOAD) {
      need(s.filesz <= s.memsz, `segment ${i} filesz > memsz`);
      need(s.offset + s.filesz <= file.length, `segment ${i} outside the file`);
      need(s.offset % PAGE === s.vaddr % PAGE, `segment ${i} offset and vaddr disagree modulo the page size`);
      need(s.vaddr + s.memsz < 2 ** 47, `segment ${i} above the user address space`);
    }
    segments.push(s);
  }
  need(segments.some((s) => s.type === PT_LOAD), 'no PT_LOAD segment');
  return { pie: type === 3, entry: u64(24), phoff, phentsize, phnum, segments };
}

export interface Loaded {
  base: number;
  entry: number;
  /** Where the program headers are in guest memory (AT_PHDR). */
  phdr: number;
  /** The first page after the image: the initial program break. */
  brk: number;
}

/** Where Linux puts a static-pie when address randomization is off (ELF_ET_DYN_BASE). */
export const PIE_BASE = 0x555555554000;

function protOf(flags: number): number {
  return (flags & PF_R ? Prot.Read : 0) | (flags & PF_W ? Prot.Write : 0) | (flags & PF_X ? Prot.Exec : 0);
}

/**
 * Maps every PT_LOAD segment as Linux's load_elf_binary does: the segment's pages
 * with its permissions, holding the file from the page-aligned offset up to the end of
 * the file part, and zeros after it (the bss). A page shared with the previous segment
 * takes the later segment's mapping, as the later mmap replaces it in Linux too.
 */
export function loadElf(space: Space, file: Uint8Array, image: ElfImage, base = image.pie ? PIE_BASE : 0): Loaded {
  const loads = image.segments.filter((s) => s.type === PT_LOAD);
  for (const s of loads) {
    const start = pageDown(base + s.vaddr);
    const fileStart = s.offset - (base + s.vaddr - start);
    const content = file.subarray(fileStart, s.offset + s.filesz);
    if (!space.map(start, pageUp(base + s.vaddr + s.memsz) - start, protOf(s.flags), content)) {
      throw new ElfError(`no memory for the segment at ${(base + s.vaddr).toString(16)}`);
    }
  }

  const holder = loads.find((s) => s.offset <= image.phoff && image.phoff < s.offset + s.filesz);
  if (!holder) throw new ElfError('program headers are not inside a PT_LOAD segment');
  const end = Math.max(...loads.map((s) => base + s.vaddr + s.memsz));
  return { base, entry: base + image.entry, phdr: base + holder.vaddr + (image.phoff - holder.offset), brk: pageUp(end) };
}

/** Auxiliary vector keys (include/uapi/linux/auxvec.h). */
export const enum At {
  NULL = 0, PHDR = 3, PHENT = 4, PHNUM = 5, PAGESZ = 6, BASE = 7, FLAGS = 8, ENTRY = 9,
  UID = 11, EUID = 12, GID = 13, EGID = 14, PLATFORM = 15, HWCAP = 16, CLKTCK = 17,
  SECURE = 23, RANDOM = 25, HWCAP2 = 26, EXECFN = 31, MINSIGSTKSZ = 51,
}

export interface StackSpec {
  argv: string[];
  envp: string[];
  /** The path the program was executed as (AT_EXECFN). */
  execfn: string;
  random: Uint8Array; // 16 bytes for AT_RANDOM
  uid: number;
  gid: number;
  hwcap: number;
  hwcap2: number;
  minsigstksz: number;
}

export interface InitialStack {
  /** rsp at entry: points at argc, 16-byte aligned. */
  sp: number;
  /** The bytes from sp up to the stack top. */
  bytes: Uint8Array;
}

const utf8 = new TextEncoder();
const cstr = (s: string): Uint8Array => {
  const b = utf8.encode(s);
  const z = new Uint8Array(b.length + 1);
  z.set(b);
  return z;
};

/**
 * Lays out the initial stack below `top` in the order binfmt_elf uses:
 *   top-8: 8 zero bytes; execfn; env strings; argv strings (argv[0] lowest);
 *   align 16; "x86_64"; 16 random bytes; then argc, argv[], 0, envp[], 0, auxv
 *   pairs ending in AT_NULL, with the whole block placed so that sp % 16 == 0.
 */
export function buildStack(top: number, loaded: Loaded, image: ElfImage, spec: StackSpec): InitialStack {
  const chunks: Array<{ at: number; bytes: Uint8Array }> = [];
  let p = top - 8;
  const put = (bytes: Uint8Array): number => {
    p -= bytes.length;
    chunks.push({ at: p, bytes });
    return p;
  };
  const execfn = put(cstr(spec.execfn));
  const envPtrs = spec.envp.map(cstr).reverse().map(put).reverse();
  const argPtrs = spec.argv.map(cstr).reverse().map(put).reverse();
  p = Math.floor(p / 16) * 16;
  const platform = put(cstr('x86_64'));
  const random = put(spec.random.subarray(0, 16));

  const aux: Array<[number, number]> = [
    [At.MINSIGSTKSZ, spec.minsigstksz],
    [At.HWCAP, spec.hwcap],
    [At.PAGESZ, PAGE],
    [At.CLKTCK, 100],
    [At.PHDR, loaded.phdr],
    [At.PHENT, image.phentsize],
    [At.PHNUM, image.phnum],
    [At.BASE, 0],
    [At.FLAGS, 0],
    [At.ENTRY, loaded.entry],
    [At.UID, spec.uid],
    [At.EUID, spec.uid],
    [At.GID, spec.gid],
    [At.EGID, spec.gid],
    [At.SECURE, 0],
    [At.RANDOM, random],
    [At.HWCAP2, spec.hwcap2],
    [At.EXECFN, execfn],
    [At.PLATFORM, platform],
    [At.NULL, 0],
  ];
  const words = 1 + argPtrs.length + 1 + envPtrs.length + 1 + aux.length * 2;
  const sp = Math.floor((p - words * 8) / 16) * 16;

  const bytes = new Uint8Array(top - sp);
  const dv = new DataView(bytes.buffer);
  let w = 0;
  const word = (v: number): void => {
    dv.setBigUint64(w, BigInt(v), true);
    w += 8;
  };
  word(spec.argv.length);
  argPtrs.forEach(word);
  word(0);
  envPtrs.forEach(word);
  word(0);
  for (const [k, v] of aux) {
    word(k);
    word(v);
  }
  for (const c of chunks) bytes.set(c.bytes, c.at - sp);
  return { sp, bytes };
}
