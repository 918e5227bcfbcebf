/**
 * The initial stack, byte for byte as fs/binfmt_elf.c's create_elf_tables
 * writes it with randomisation off. From the top of the stack down:
 *
 *   8 zero bytes; the file name (AT_EXECFN); the environment strings; the
 *   argument strings (argv[0] lowest) — laid out by args.ts;
 *   then, 16-byte aligned: the platform string "x86_64", 16 random bytes
 *   (AT_RANDOM);
 *   then, with the lowest word 16-byte aligned: argc, argv[], NULL, envp[], NULL,
 *   the auxiliary vector ending in AT_NULL.
 *
 * The auxiliary vector has Linux's entries in Linux's order, without
 * AT_SYSINFO_EHDR (there is no vDSO: glibc then makes real syscalls) and without
 * the rseq entries (glibc assumes the defaults).
 */
import type { ArgStrings } from './args.js';
import { PAGE, STACK_TOP } from './layout.js';

/** Auxiliary vector keys (include/uapi/linux/auxvec.h). */
export const enum At {
  NULL = 0, PHDR = 3, PHENT = 4, PHNUM = 5, PAGESZ = 6, BASE = 7, FLAGS = 8, ENTRY = 9,
  UID = 11, EUID = 12, GID = 13, EGID = 14, PLATFORM = 15, HWCAP = 16, CLKTCK = 17,
  SECURE = 23, RANDOM = 25, HWCAP2 = 26, EXECFN = 31, MINSIGSTKSZ = 51,
}

/** What the machine and the caller's credentials put in the auxiliary vector. */
export interface StackFacts {
  hwcap: number;
  hwcap2: number;
  platform: string;
  clockTicks: number;
  minSigStackSize: number;
  uid: number;
  euid: number;
  gid: number;
  egid: number;
  /** 16 bytes for AT_RANDOM. */
  random: Uint8Array;
}

/** Where the loaded program is, for AT_PHDR, AT_PHNUM, AT_ENTRY and AT_BASE. */
export interface LoadFacts {
  phdr: number;
  phnum: number;
  entry: number;
  interpBase: number;
}

export interface InitialStack {
  /** rsp at the first instruction: points at argc. */
  sp: number;
  /** The bytes from sp up to STACK_TOP. */
  bytes: Uint8Array;
  /** The lowest string byte: the stack mapping reaches 128 KiB below its page. */
  stringsBottom: number;
  auxv: Array<[number, number]>;
}

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

export function buildStack(args: ArgStrings, load: LoadFacts, facts: StackFacts): InitialStack {
  const stringsBottom = args.bottom;
  // The strings, in address order: argv, envp, execfn.
  const strings = [...args.argv, ...args.envp, args.execfn];
  const addrs: number[] = [];
  let at = stringsBottom;
  for (const s of strings) {
    addrs.push(at);
    at += s.length + 1;
  }
  let p = stringsBottom - (stringsBottom % 16);
  const platform = ascii(`${facts.platform}\0`);
  p -= platform.length;
  const platformAt = p;
  p -= 16;
  const randomAt = p;

  const argc = args.argv.length;
  const envc = args.envp.length;
  const auxv: Array<[number, number]> = [
    [At.MINSIGSTKSZ, facts.minSigStackSize],
    [At.HWCAP, facts.hwcap],
    [At.PAGESZ, PAGE],
    [At.CLKTCK, facts.clockTicks],
    [At.PHDR, load.phdr],
    [At.PHENT, 56],
    [At.PHNUM, load.phnum],
    [At.BASE, load.interpBase],
    [At.FLAGS, 0],
    [At.ENTRY, load.entry],
    [At.UID, facts.uid],
    [At.EUID, facts.euid],
    [At.GID, facts.gid],
    [At.EGID, facts.egid],
    [At.SECURE, 0],
    [At.RANDOM, randomAt],
    [At.HWCAP2, facts.hwcap2],
    [At.EXECFN, addrs[addrs.length - 1]!],
    [At.PLATFORM, platformAt],
    [At.NULL, 0],
  ];
  const words = auxv.length * 2 + (argc + 1) + (envc + 1) + 1;
  const sp = p - words * 8 - ((p - words * 8) % 16);

  const bytes = new Uint8Array(STACK_TOP - sp);
  const dv = new DataView(bytes.buffer);
  let w = 0;
  const word = (v: number): void => {
    dv.setUint32(w, v % 2 ** 32, true);
    dv.setUint32(w + 4, Math.floor(v / 2 ** 32), true);
    w += 8;
  };
  word(argc);
  for (let i = 0; i < argc; i++) word(addrs[i]!);
  word(0);
  for (let i = 0; i < envc; i++) word(addrs[argc + i]!);
  word(0);
  for (const [k, v] of auxv) {
    word(k);
    word(v);
  }
  strings.forEach((s, i) => bytes.set(s, addrs[i]! - sp));
  bytes.set(platform, platformAt - sp);
  bytes.set(facts.random.subarray(0, 16), randomAt - sp);
  return { sp, bytes, stringsBottom, auxv };
}
