/**
 * The whole plan of an exec, in the order load_elf_binary builds it: the stack
 * (setup_arg_pages), the program's segments, the interpreter's, then the
 * initial stack contents (create_elf_tables). Pure: the caller has read the
 * files and parsed them (image.ts), and applies the plan through the PROC
 * brokers. What Linux checks before its point of no return has been checked by
 * then, so the extra checks here never hide the errno a native exec gives.
 */
import { Errno } from '@rustos/platform';
import type { ArgStrings } from './args.js';
import { fail } from './failure.js';
import { type ElfImage, ElfType, PType, type Role } from './image.js';
import { ELF_ET_DYN_BASE, MMAP_BASE, Prot, STACK_EXPAND, STACK_TOP, TASK_SIZE, isPowerOfTwo, pageDown, pageUp } from './layout.js';
import { type Mapping, Occupied } from './mapping.js';
import { place } from './placement.js';
import { type LoadedImage, loadSegments, loadsOf } from './segments.js';
import { type StackFacts, buildStack } from './stack.js';

export interface ExecInput {
  program: ElfImage;
  /** The program's PT_INTERP, read and parsed. */
  interp?: ElfImage;
  args: ArgStrings;
  facts: StackFacts;
  /** The machine's memory: an image that needs more is ENOMEM. */
  memoryLimit: number;
}

export interface ExecPlan {
  /** To be mapped in this order (a later one replaces pages of an earlier one). */
  mappings: Mapping[];
  /** The first instruction: the interpreter's entry, or the program's. */
  entry: number;
  stackPointer: number;
  /** The initial program break (mm->start_brk). */
  brk: number;
  /** Where a top-down search for free address space starts (below any image placed there). */
  mmapTop: number;
  auxv: Array<[number, number]>;
  program: LoadedImage;
  interp: LoadedImage | undefined;
}

/** PT_TLS as glibc will use it: one, inside the file, its initial bytes inside a PT_LOAD. */
function checkTls(image: ElfImage, role: Role): void {
  const step = 'tls';
  const errno = role === 'program' ? Errno.ENOEXEC : Errno.ELIBBAD;
  const tls = image.phdrs.filter((p) => p.type === PType.Tls);
  if (tls.length === 0) return;
  if (tls.length > 1) fail(step, errno, `${tls.length} PT_TLS headers; a module has at most one`);
  const t = tls[0]!;
  if (t.filesz > t.memsz) fail(step, errno, `PT_TLS filesz 0x${t.filesz.toString(16)} exceeds memsz 0x${t.memsz.toString(16)}`);
  if (t.align > 1 && !isPowerOfTwo(t.align)) fail(step, errno, `PT_TLS p_align 0x${t.align.toString(16)} is not a power of two`);
  if (t.memsz > TASK_SIZE) fail(step, errno, `PT_TLS memsz 0x${t.memsz.toString(16)} is absurd`);
  const inLoad = loadsOf(image).some((l) => l.vaddr <= t.vaddr && t.vaddr + t.filesz <= l.vaddr + l.filesz);
  if (t.filesz > 0 && !inLoad) fail(step, errno, `PT_TLS initial image at 0x${t.vaddr.toString(16)}+0x${t.filesz.toString(16)} is not inside a PT_LOAD's file bytes`);
}

export function planExec(input: ExecInput): ExecPlan {
  const { program, interp, args } = input;

  const occupied = new Occupied();
  let stackStart = pageDown(args.bottom) - STACK_EXPAND;
  occupied.add(stackStart, STACK_TOP);

  const where = place(program, 'program', occupied, interp !== undefined);
  const loaded = loadSegments(program, 'program', where.bias, occupied, where.noReplace, [stackStart, STACK_TOP]);
  let mmapTop = where.topDown ? loaded.start : MMAP_BASE;
  let interpLoaded: LoadedImage | undefined;
  if (interp) {
    const at = place(interp, 'interp', occupied, false, loaded.bias);
    interpLoaded = loadSegments(interp, 'interp', at.bias, occupied, at.noReplace, [stackStart, STACK_TOP]);
    if (at.topDown) mmapTop = Math.min(mmapTop, interpLoaded.start);
  }
  // Linux does not look at PT_TLS (glibc does): checked after everything Linux checks.
  checkTls(program, 'program');
  if (interp) checkTls(interp, 'interp');
  const entry = interpLoaded ? interpLoaded.entry : loaded.entry;
  if (!(entry < TASK_SIZE)) fail('entry', Errno.EINVAL, `entry point 0x${entry.toString(16)} is beyond the user address space`);

  const stack = buildStack(args, { phdr: loaded.phdrAddr, phnum: program.phnum, entry: loaded.entry, interpBase: interpLoaded?.bias ?? 0 }, input.facts);
  // The tables may reach below the 128 KiB the stack starts with: it grows over them, as on Linux.
  stackStart = Math.min(stackStart, pageDown(stack.sp));
  const stackProt = Prot.Read | Prot.Write | (program.execStack ? Prot.Exec : 0);
  const stackMapping: Mapping = {
    addr: stackStart, length: STACK_TOP - stackStart, prot: stackProt, content: stack.bytes,
    contentOffset: stack.sp - stackStart, fileOffset: 0, name: '[stack]', growsDown: true,
  };
  const mappings = [stackMapping, ...loaded.mappings, ...(interpLoaded?.mappings ?? [])];
  const total = mappings.reduce((n, m) => n + m.length, 0);
  if (total > input.memoryLimit) fail('memory', Errno.ENOMEM, `the image needs ${total} bytes of memory; the machine has ${input.memoryLimit}`);

  // A program without an interpreter (static-pie, ld.so run directly) gets its brk away from the mmap area.
  const brk = program.type === ElfType.Dyn && !interp ? pageUp(ELF_ET_DYN_BASE) : pageUp(loaded.brkEnd);
  return { mappings, entry, stackPointer: stack.sp, brk, mmapTop, auxv: stack.auxv, program: loaded, interp: interpLoaded };
}
