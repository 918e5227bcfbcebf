/**
 * Where an image goes (its load bias), as load_elf_binary and load_elf_interp
 * decide with randomisation off:
 *
 * - ET_EXEC: at its own addresses (bias 0);
 * - a PIE with an interpreter: at ELF_ET_DYN_BASE aligned down to its largest
 *   PT_LOAD p_align, minus the first segment's page (0x555555554000 usually);
 * - an ET_DYN without an interpreter (static-pie, or ld.so run as a program) and
 *   an ET_DYN interpreter: where a top-down mmap of the whole image span lands,
 *   i.e. right below the mmap base or the image above it (0x7ffff7fc....). A
 *   program image there is aligned down to its largest p_align; an interpreter
 *   whose first segment has a non-zero vaddr gets that address if it is free
 *   (the mmap hint Linux passes).
 */
import { Errno } from '@rustos/platform';
import { fail } from './failure.js';
import { type ElfImage, ElfType, type Role } from './image.js';
import { ELF_ET_DYN_BASE, MMAP_BASE, MMAP_MIN_ADDR, PAGE, TASK_SIZE, alignDown, isPowerOfTwo, pageDown, pageUp } from './layout.js';
import type { Occupied } from './mapping.js';
import { loadsOf } from './segments.js';

/** total_mapping_size: from the first segment's page to the end of the highest one. */
export function totalMappingSize(image: ElfImage): number {
  const loads = loadsOf(image);
  if (loads.length === 0) return 0;
  const low = Math.min(...loads.map((p) => pageDown(p.vaddr)));
  const high = Math.max(...loads.map((p) => p.vaddr + p.memsz));
  return Math.max(0, high - low);
}

/** maximum_alignment: the largest power-of-two p_align of the PT_LOADs, at least a page. */
function maximumAlignment(image: ElfImage): number {
  let align = 0;
  for (const p of loadsOf(image)) {
    if (isPowerOfTwo(p.align)) align = Math.max(align, p.align);
  }
  return Math.max(PAGE, align);
}

export interface Placement {
  bias: number;
  /** The first segment must not land on an existing mapping. */
  noReplace: boolean;
  /** Placed by the top-down search: later mmaps go below it. */
  topDown: boolean;
}

/** `programBias`: for an interpreter, the program's load bias (Linux's no_base). */
export function place(image: ElfImage, role: Role, occupied: Occupied, hasInterp: boolean, programBias = 0): Placement {
  const step = role === 'program' ? 'load' : 'interp-load';
  if (image.type === ElfType.Exec) return { bias: 0, noReplace: role === 'program', topDown: false };
  const loads = loadsOf(image);
  const total = totalMappingSize(image);
  if (total === 0) fail(step, Errno.EINVAL, 'the PT_LOAD segments span no memory');
  const firstPage = pageDown(loads[0]!.vaddr);
  if (role === 'program' && hasInterp) {
    return { bias: pageDown(alignDown(ELF_ET_DYN_BASE, maximumAlignment(image)) - loads[0]!.vaddr), noReplace: true, topDown: false };
  }
  const size = pageUp(total);
  if (role === 'interp' && programBias === 0 && firstPage !== 0) {
    // load_elf_interp passes the segment's own address as a hint when the program had no bias.
    if (firstPage >= MMAP_MIN_ADDR && firstPage + size <= TASK_SIZE && !occupied.overlaps(firstPage, firstPage + size)) return { bias: 0, noReplace: false, topDown: false };
  }
  const at = occupied.topDown(size, MMAP_BASE);
  if (at === undefined) fail(step, Errno.ENOMEM, `no room for a ${size}-byte image below 0x${MMAP_BASE.toString(16)}`);
  const align = role === 'program' ? maximumAlignment(image) : PAGE;
  return { bias: alignDown(at, align) - firstPage, noReplace: role === 'program', topDown: true };
}
