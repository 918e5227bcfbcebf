/**
 * Loading a static program into a bare Space with loaderd's ELF core
 * (@rustos/loaderd/elf), the one ELF implementation: its plan (segments, bss,
 * the initial stack, exactly as Linux lays them out) applied to the Space. The
 * stack region gets the whole 8 MiB stack limit up front, since a bare Space
 * does not grow stacks on faults.
 */
import { ArgStrings, bytesOf, parseElf, planExec, STACK_LIMIT, STACK_TOP } from '@rustos/loaderd/elf';
import { Prot, type Space } from './ports.js';

export interface LoadOptions {
  argv: string[];
  envp: string[];
  /** AT_EXECFN. */
  exe: string;
  uid: number;
  gid: number;
  /** CPUID.1:EDX of the emulated CPU. */
  hwcap: number;
  random: Uint8Array;
}

export interface Loaded {
  /** Where the image is relative to its p_vaddr (0 for ET_EXEC). */
  bias: number;
  /** The program headers in memory (AT_PHDR). */
  phdr: number;
  entry: number;
  /** rsp at entry. */
  sp: number;
  /** The initial program break. */
  brk: number;
  /** Where top-down mmap may start: below any image placed in the mmap area (static-pie). */
  mmapTop: number;
}

export function loadProgram(space: Space, file: Uint8Array, o: LoadOptions): Loaded {
  const program = parseElf(file, 'program');
  if (program.interp) throw new Error('dynamically linked (PT_INTERP): the bare shim runs static programs only');
  const plan = planExec({
    program,
    args: new ArgStrings(bytesOf(o.exe), o.argv.map(bytesOf), o.envp.map(bytesOf)),
    facts: { hwcap: o.hwcap, hwcap2: 0, platform: 'x86_64', clockTicks: 100, minSigStackSize: 2048, uid: o.uid, euid: o.uid, gid: o.gid, egid: o.gid, random: o.random },
    memoryLimit: 2 ** 32,
  });
  if (!space.map(STACK_TOP - STACK_LIMIT, STACK_LIMIT, Prot.Read | Prot.Write)) throw new Error('no memory for the stack');
  for (const m of plan.mappings) {
    const content = m.content && m.contentOffset === 0 ? m.content : undefined;
    if (!space.map(m.addr, m.length, m.prot, content)) throw new Error(`no memory for the mapping at 0x${m.addr.toString(16)}`);
    if (m.content && m.contentOffset !== 0 && !space.write(m.addr + m.contentOffset, m.content)) throw new Error('cannot write the initial stack');
  }
  return { bias: plan.program.bias, phdr: plan.program.phdrAddr, entry: plan.entry, sp: plan.stackPointer, brk: plan.brk, mmapTop: plan.mmapTop };
}
