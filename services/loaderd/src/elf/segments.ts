/**
 * Mapping an image's PT_LOAD segments as binfmt_elf's elf_load/elf_map do, at a
 * load bias chosen by placement.ts:
 *
 * - the file part: the pages from PAGESTART(vaddr) through the last byte of
 *   p_filesz, taken from the file at p_offset - PAGEOFFSET(vaddr) (so the bytes
 *   before vaddr and after p_filesz in those pages are the file's);
 * - if p_memsz > p_filesz: the rest of the last file page is zeroed (padzero,
 *   which silently does nothing for a segment that is not writable), and
 *   anonymous pages cover the bss beyond it, read-write (vm_brk_flags), plus
 *   exec if the segment is executable.
 *
 * Checks follow Linux's per segment, with Linux's errno (EINVAL for bad
 * addresses and offsets, ENOMEM outside the address space, EEXIST over an
 * existing mapping, EPERM below mmap_min_addr). On Linux these come after the
 * point of no return (the caller dies with SIGSEGV); here nothing is replaced
 * yet, so the execve returns them. On top, what Linux would map but cannot run
 * correctly is refused as ENOEXEC: segments reaching past the end of the file,
 * out of order or overlapping, or over the stack, and p_align that is not a
 * power of two.
 */
import { Errno } from '@rustos/platform';
import { fail } from './failure.js';
import { type ElfImage, type Phdr, type Role, PFlag, PType } from './image.js';
import { MMAP_MIN_ADDR, PAGE, Prot, TASK_SIZE, isPowerOfTwo, pageDown, pageUp } from './layout.js';
import type { Mapping, Occupied } from './mapping.js';

export interface LoadedImage {
  mappings: Mapping[];
  bias: number;
  /** The lowest mapped page and one past the highest mapped byte (page aligned). */
  start: number;
  end: number;
  /** Where the program headers are in memory (AT_PHDR): inside the segment that holds e_phoff, else the bias. */
  phdrAddr: number;
  /** One past the highest p_vaddr + p_memsz (the kernel's elf_brk). */
  brkEnd: number;
  entry: number;
}

export const loadsOf = (image: ElfImage): Phdr[] => image.phdrs.filter((p) => p.type === PType.Load);

export function protOf(flags: number): number {
  return (flags & PFlag.R ? Prot.Read : 0) | (flags & PFlag.W ? Prot.Write : 0) | (flags & PFlag.X ? Prot.Exec : 0);
}

/**
 * `noReplace`: the first segment may not land on an existing mapping
 * (MAP_FIXED_NOREPLACE, as for the program); an interpreter's segments replace
 * what is there. `stack` is the planned stack, which no segment may cover.
 */
export function loadSegments(image: ElfImage, role: Role, bias: number, occupied: Occupied, noReplace: boolean, stack: [number, number]): LoadedImage {
  const step = role === 'program' ? 'load' : 'interp-load';
  const mappings: Mapping[] = [];
  const fileLength = image.bytes.length;
  let start = Infinity;
  let end = 0;
  let brkEnd = 0;
  let phdrAddr: number | undefined;
  let previous: Phdr | undefined;
  for (const [i, p] of loadsOf(image).entries()) {
    const what = `PT_LOAD ${i} (vaddr 0x${p.vaddr.toString(16)}, memsz 0x${p.memsz.toString(16)})`;
    const vaddr = bias + p.vaddr;
    const pageOffset = p.vaddr % PAGE;
    // load_elf_binary's sanity check (load_elf_interp makes the same one, answering ENOMEM).
    const insane = p.filesz > p.memsz ? `filesz 0x${p.filesz.toString(16)} exceeds memsz`
      : p.vaddr >= TASK_SIZE || p.memsz > TASK_SIZE || TASK_SIZE - p.memsz < p.vaddr ? 'it reaches beyond the user address space' : undefined;
    if (insane) fail(step, role === 'program' ? Errno.EINVAL : Errno.ENOMEM, `${what}: ${insane}`);
    if (p.filesz > 0 && (p.offset - pageOffset) % PAGE !== 0) {
      fail(step, Errno.EINVAL, `${what}: p_offset 0x${p.offset.toString(16)} and p_vaddr disagree modulo the page size`);
    }
    const mapStart = pageDown(vaddr);
    const mapEnd = pageUp(vaddr + p.memsz);
    if (p.memsz > 0) {
      if (mapStart < MMAP_MIN_ADDR) fail(step, Errno.EPERM, `${what}: 0x${mapStart.toString(16)} is below the lowest mappable address 0x${MMAP_MIN_ADDR.toString(16)}`);
      if (mapEnd > TASK_SIZE) fail(step, Errno.ENOMEM, `${what}: loaded at 0x${vaddr.toString(16)} it reaches beyond the user address space`);
      if (i === 0 && noReplace && occupied.overlaps(mapStart, mapEnd)) fail(step, Errno.EEXIST, `${what}: 0x${mapStart.toString(16)} is already mapped`);
    }
    if (p.offset + p.filesz > fileLength) fail(step, Errno.ENOEXEC, `${what}: file bytes at 0x${p.offset.toString(16)}+0x${p.filesz.toString(16)} lie past the end of the ${fileLength}-byte file`);
    if (p.align > 1 && !isPowerOfTwo(p.align)) fail(step, Errno.ENOEXEC, `${what}: p_align 0x${p.align.toString(16)} is not a power of two`);
    if (previous && p.vaddr < previous.vaddr + previous.memsz) fail(step, Errno.ENOEXEC, `${what}: not above the previous PT_LOAD (they must be sorted and disjoint)`);
    if (p.memsz > 0 && mapStart < stack[1] && stack[0] < mapEnd) fail(step, Errno.ENOEXEC, `${what}: it would cover the stack`);
    previous = p;

    mappings.push(...segmentMappings(image, p, vaddr, role));
    if (p.memsz > 0) {
      start = Math.min(start, mapStart);
      end = Math.max(end, mapEnd);
    }
    brkEnd = Math.max(brkEnd, vaddr + p.memsz);
    if (p.offset <= image.phoff && image.phoff < p.offset + p.filesz) phdrAddr = image.phoff - p.offset + vaddr;
  }
  if (start === Infinity) fail(step, Errno.ENOEXEC, 'no PT_LOAD segment has any bytes');
  for (const m of mappings) occupied.add(m.addr, m.addr + m.length);
  return { mappings, bias, start, end, phdrAddr: phdrAddr ?? bias, brkEnd, entry: bias + image.entry };
}

/** The file pages and bss pages of one segment (elf_load). */
function segmentMappings(image: ElfImage, p: Phdr, vaddr: number, role: Role): Mapping[] {
  const prot = protOf(p.flags);
  const pageOffset = p.vaddr % PAGE;
  const out: Mapping[] = [];
  let zeroStart = pageDown(vaddr);
  if (p.filesz > 0) {
    const addr = pageDown(vaddr);
    const length = pageUp(p.filesz + pageOffset);
    const fileOffset = p.offset - pageOffset;
    // padzero clears the tail of the last file page only when it can write there.
    const cleared = p.memsz > p.filesz && (prot & Prot.Write) !== 0;
    const contentEnd = cleared ? p.offset + p.filesz : Math.min(fileOffset + length, image.bytes.length);
    out.push({ addr, length, prot, content: image.bytes.subarray(fileOffset, contentEnd), contentOffset: 0, image: role, fileOffset });
    zeroStart = vaddr + p.filesz;
  }
  if (p.memsz > p.filesz) {
    const addr = pageUp(zeroStart);
    const end = pageUp(vaddr + p.memsz);
    if (end > addr) out.push({ addr, length: end - addr, prot: Prot.Read | Prot.Write | (prot & Prot.Exec), contentOffset: 0, fileOffset: 0 });
  }
  return out;
}
