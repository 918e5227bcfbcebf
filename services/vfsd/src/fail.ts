/**
 * How policy code refuses: `fail(Errno.ENOENT)` throws a Fail that the dispatcher
 * turns into the -errno result. Not an Error: no stack is captured, so refusing
 * (ENOENT from a PATH search, EAGAIN from a non-blocking read) stays cheap.
 */
export class Fail {
  constructor(readonly errno: number) {}
}

const failures: Fail[] = [];

export function fail(errno: number): never {
  throw (failures[errno] ??= new Fail(errno));
}

/** The -errno of a thrown Fail; anything else is rethrown (a bug, reported by the dispatcher). */
export function errnoOf(err: unknown): number {
  if (err instanceof Fail) return -err.errno;
  throw err;
}
