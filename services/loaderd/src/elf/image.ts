/**
 * Reading an ELF64 x86-64 image: the checks binfmt_elf makes before the point of
 * no return of an exec (so their errno is what a native execve returns), plus
 * the e_ident checks Linux leaves implicit. What is read here is only described,
 * never trusted: every offset and size is checked before use, and the segment
 * checks that Linux makes while mapping live in segments.ts.
 */
import { Errno } from '@rustos/platform';
import { fail, type Step } from './failure.js';

export const enum ElfType { Exec = 2, Dyn = 3 }
export const enum PType { Load = 1, Interp = 3, Tls = 7, GnuStack = 0x6474e551 }
export const enum PFlag { X = 1, W = 2, R = 4 }

const EM_X86_64 = 62;
const PHDR_SIZE = 56;
const EHDR_SIZE = 64;
const PATH_MAX = 4096;
/** load_elf_phdrs: at most 64 KiB of program headers (recent kernels dropped the one-page limit). */
const MAX_PHDR_BYTES = 65536;

export interface Phdr {
  type: number;
  flags: number;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
  align: number;
}

export interface ElfImage {
  bytes: Uint8Array;
  type: ElfType;
  entry: number;
  phoff: number;
  phnum: number;
  phdrs: Phdr[];
  /** The PT_INTERP path (bytes up to its first NUL), for a program that has one. */
  interp: Uint8Array | undefined;
  /** PT_GNU_STACK with PF_X: the stack is mapped executable. */
  execStack: boolean;
}

/** Whose image this is: a refused interpreter is ELIBBAD, a refused program ENOEXEC. */
export type Role = 'program' | 'interp';

/**
 * A u64 field as a double: exact below 2^53, and any larger value is far beyond
 * every file length and the user address space, which is all it is compared with.
 */
function u64(dv: DataView, at: number): number {
  return dv.getUint32(at + 4, true) * 2 ** 32 + dv.getUint32(at, true);
}

export function parseElf(bytes: Uint8Array, role: Role): ElfImage {
  const refuse = (step: Step, detail: string): never =>
    role === 'program' ? fail(step, Errno.ENOEXEC, detail) : fail('interp-elf', Errno.ELIBBAD, `interpreter ${detail}`);
  if (role === 'interp' && bytes.length < EHDR_SIZE) fail('interp-elf', Errno.EIO, `interpreter is ${bytes.length} bytes, shorter than an ELF header`);
  // exec reads the first bytes of a program into a zeroed buffer: a short file reads as zeros.
  const head = new Uint8Array(EHDR_SIZE);
  head.set(bytes.subarray(0, EHDR_SIZE));
  const dv = new DataView(head.buffer);

  if (head[0] !== 0x7f || head[1] !== 0x45 || head[2] !== 0x4c || head[3] !== 0x46) refuse('ident', 'has no ELF magic');
  if (head[4] !== 2) refuse('ident', `EI_CLASS ${head[4]} is not ELFCLASS64`);
  if (head[5] !== 1) refuse('ident', `EI_DATA ${head[5]} is not little-endian`);
  if (head[6] !== 1) refuse('ident', `EI_VERSION ${head[6]} is not EV_CURRENT`);
  // SYSV and GNU/Linux are the ABIs of Linux programs; Linux itself ignores the byte.
  if (head[7] !== 0 && head[7] !== 3) refuse('ident', `EI_OSABI ${head[7]} is neither SYSV nor GNU/Linux`);

  const type = dv.getUint16(16, true);
  if (type !== ElfType.Exec && type !== ElfType.Dyn) refuse('header', `e_type ${type} is neither ET_EXEC nor ET_DYN`);
  const machine = dv.getUint16(18, true);
  if (machine !== EM_X86_64) refuse('header', `e_machine ${machine} is not EM_X86_64`);
  const phentsize = dv.getUint16(54, true);
  if (phentsize !== PHDR_SIZE) refuse('header', `e_phentsize ${phentsize} is not ${PHDR_SIZE}`);
  const phnum = dv.getUint16(56, true);
  const tableBytes = phnum * PHDR_SIZE;
  if (phnum === 0 || tableBytes > MAX_PHDR_BYTES) refuse('header', `e_phnum ${phnum} is not within 1..${MAX_PHDR_BYTES / PHDR_SIZE}`);

  const phoff = u64(dv, 32);
  if (phoff + tableBytes > bytes.length) refuse('phdrs', `program headers at ${phoff}+${tableBytes} lie outside the ${bytes.length}-byte file`);
  const table = new DataView(bytes.buffer, bytes.byteOffset + phoff, tableBytes);
  const phdrs: Phdr[] = [];
  for (let at = 0; at < tableBytes; at += PHDR_SIZE) {
    phdrs.push({
      type: table.getUint32(at, true),
      flags: table.getUint32(at + 4, true),
      offset: u64(table, at + 8),
      vaddr: u64(table, at + 16),
      filesz: u64(table, at + 32),
      memsz: u64(table, at + 40),
      align: u64(table, at + 48),
    });
  }

  let execStack = false;
  for (const p of phdrs) if (p.type === PType.GnuStack) execStack = (p.flags & PFlag.X) !== 0;
  const interpHeader = role === 'program' ? phdrs.find((p) => p.type === PType.Interp) : undefined;
  return { bytes, type, entry: u64(dv, 24), phoff, phnum, phdrs, interp: interpHeader && interpPath(bytes, interpHeader), execStack };
}

/** The PT_INTERP string, checked as load_elf_binary does (a short read there is EIO). */
function interpPath(bytes: Uint8Array, p: Phdr): Uint8Array {
  if (p.filesz > PATH_MAX || p.filesz < 2) fail('interp', Errno.ENOEXEC, `PT_INTERP size ${p.filesz} is not within 2..${PATH_MAX}`);
  if (p.offset + p.filesz > bytes.length) fail('interp', Errno.EIO, `PT_INTERP at ${p.offset}+${p.filesz} lies outside the ${bytes.length}-byte file`);
  const path = bytes.subarray(p.offset, p.offset + p.filesz);
  if (path[path.length - 1] !== 0) fail('interp', Errno.ENOEXEC, 'PT_INTERP path is not NUL-terminated');
  return path.subarray(0, path.indexOf(0));
}
