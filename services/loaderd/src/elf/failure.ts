/**
 * Why an exec failed: the step that refused the image and the errno Linux
 * answers there. The ELF core throws these and nothing else; every other
 * exception out of it is a bug (the fuzz tests hold it to that).
 */

/** The steps of an exec, in the order they run (each named in the failure log line). */
export type Step =
  | 'open'         // the file itself (vfsd: ENOENT, EACCES, ENOTDIR, ...)
  | 'args'         // argv/envp against the stack limits (E2BIG)
  | 'script'       // a "#!" line (ENOEXEC) and the interpreter depth (ELOOP)
  | 'ident'        // e_ident: magic, class, data, version, OS ABI
  | 'header'       // e_type, e_machine, e_phentsize, e_phnum
  | 'phdrs'        // the program header table
  | 'cwd'          // Spawn: entering the new process's working directory (vfsd)
  | 'session'      // Spawn: binding the new process's stdio (vfsd)
  | 'interp'       // the PT_INTERP path
  | 'interp-open'  // opening the interpreter
  | 'interp-elf'   // the interpreter's own headers (ELIBBAD)
  | 'tls'          // PT_TLS
  | 'load'         // the program's PT_LOAD segments
  | 'interp-load'  // the interpreter's PT_LOAD segments
  | 'entry'        // the entry point
  | 'memory'       // the whole image against the machine's memory
  | 'build';       // the PROC brokers (prepare, map, commit)

export class ExecFailure extends Error {
  constructor(readonly step: Step, readonly errno: number, readonly detail: string) {
    super(`${step}: ${detail}`);
    this.name = 'ExecFailure';
  }
}

export function fail(step: Step, errno: number, detail: string): never {
  throw new ExecFailure(step, errno, detail);
}
