/**
 * One exec, start to end: prepare (read, validate, plan), then build through the
 * PROC brokers. A failure is answered, never thrown, and logged as exactly one
 * line naming the step and the errno, which Spawn also returns so `rustos run`
 * can print it.
 */
import { randomFillSync } from 'node:crypto';
import { errnoName, Errno } from '@rustos/platform';
import { ExecFailure, fail } from '../elf/index.js';
import { buildProcess, type BuildTarget } from './build.js';
import type { ProcBuilder } from './builder.js';
import type { ExecFiles } from './files.js';
import { prepareExec, type ExecRequest, type MachineFacts } from './prepare.js';

export interface ExecFailed {
  errno: number;
  step: string;
  /** The log line: `loaderd: elf step failed exec=<path> step=<step> errno=<NAME>`. */
  line: string;
  detail: string;
}

export type ExecResult = { pid: number; tid: number } | ExecFailed;

export const isFailed = (r: ExecResult): r is ExecFailed => 'errno' in r;

export interface LoaderDeps {
  files: ExecFiles;
  builder: ProcBuilder;
  machine: () => Promise<MachineFacts>;
  /** Where the failure line goes (the service log). */
  log: (line: string, detail: string) => void;
  /** AT_RANDOM's 16 bytes. */
  random?: () => Uint8Array;
}

const text = new TextDecoder();

export function failureLine(path: string, step: string, errno: number): string {
  return `loaderd: elf step failed exec=${path} step=${step} errno=${errnoName(errno)}`;
}

export async function runExec(deps: LoaderDeps, req: ExecRequest, target: BuildTarget): Promise<ExecResult> {
  const random = deps.random ?? (() => randomFillSync(new Uint8Array(16)));
  try {
    const machine = await deps.machine().catch((err: Error) => fail('build', Errno.EIO, `cannot learn the machine's facts from the nucleus: ${err.message}`));
    const prep = await prepareExec(deps.files, req, machine, random());
    return await buildProcess(deps.builder, prep, target);
  } catch (err) {
    // Anything but an ExecFailure is a loaderd bug: still a clean answer for the caller.
    const f = err instanceof ExecFailure ? err : new ExecFailure('build', Errno.EIO, `internal error: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    const line = failureLine(text.decode(req.filename), f.step, f.errno);
    deps.log(line, f.detail);
    return { errno: f.errno, step: f.step, line, detail: f.detail };
  }
}
