/**
 * The ELF core of loaderd: reading, validating and planning the load of an
 * x86-64 Linux executable exactly as Linux's binfmt_elf and binfmt_script do,
 * with no I/O. Also used by the bare-machine tests (tests/src/bare) as their loader.
 */
export { ExecFailure, fail, type Step } from './failure.js';
export * from './layout.js';
export { type ElfImage, ElfType, type Phdr, PType, PFlag, type Role, parseElf } from './image.js';
export { ArgStrings, MAX_ARG_STRLEN, bytesOf } from './args.js';
export { type Shebang, BINPRM_BUF_SIZE, MAX_INTERPRETER_DEPTH, parseShebang } from './script.js';
export { type Mapping } from './mapping.js';
export { type LoadedImage, protOf } from './segments.js';
export { At, type StackFacts, type InitialStack, buildStack } from './stack.js';
export { type ExecInput, type ExecPlan, planExec } from './plan.js';
