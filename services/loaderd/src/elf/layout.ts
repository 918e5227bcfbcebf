/**
 * The x86-64 Linux user address space as binfmt_elf sees it with address-space
 * randomisation off (`setarch -R`, or randomize_va_space=0) and the default
 * 8 MiB stack limit: where the stack ends, where top-down mmap starts, where a
 * PIE with an interpreter goes. RustOS-TS never randomises, so these are the
 * addresses every process gets; they match what a native run under
 * `setarch -R` shows in /proc/<pid>/maps (checked in host.test.ts).
 */
export const PAGE = 4096;

/** One past the highest user address (TASK_SIZE with 4-level paging). */
export const TASK_SIZE = 0x7ffffffff000;

/** The lowest address a mapping may have (the kernel's default vm.mmap_min_addr). */
export const MMAP_MIN_ADDR = 0x10000;

/** The stack ends at the top of the user space (STACK_TOP, no random offset). */
export const STACK_TOP = TASK_SIZE;

/** RLIMIT_STACK's default soft limit. */
export const STACK_LIMIT = 8 * 1024 * 1024;

/** setup_arg_pages grows the fresh stack by this much below the argument strings. */
export const STACK_EXPAND = 128 * 1024;

/**
 * Top of the top-down mmap area: TASK_SIZE minus a gap of the stack limit plus
 * the stack guard gap, raised to the 128 MiB minimum (arch/x86/mm/mmap.c).
 * ELF interpreters and static-pie programs are placed right below it.
 */
export const MMAP_BASE = TASK_SIZE - 128 * 1024 * 1024;

/**
 * ELF_ET_DYN_BASE: two thirds of the address space. A PIE that has an
 * interpreter is loaded at this (page-rounded down, 0x555555554000); a program
 * without one (static-pie, or ld.so run directly) starts its brk here instead.
 */
export const ELF_ET_DYN_BASE = Math.floor(TASK_SIZE / 3) * 2;

export const pageDown = (a: number): number => a - (a % PAGE);
export const pageUp = (a: number): number => pageDown(a + PAGE - 1);
export const alignDown = (a: number, align: number): number => a - (a % align);

/** For u64 fields held in doubles, where bitwise operators would truncate to 32 bits. */
export function isPowerOfTwo(n: number): boolean {
  let m = n;
  while (m > 1 && m % 2 === 0) m /= 2;
  return m === 1;
}

/** PROT_* bits, as the MM broker takes them. */
export const enum Prot { Read = 1, Write = 2, Exec = 4 }
