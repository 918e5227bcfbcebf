/** One case on both sides: natively, then through `rustos` on a target, and how they differ. */
import { CASES } from './cases/index.js';
import type { SuiteCase } from './case.js';
import { differences, normalised } from './compare.js';
import { caseDir, runNative, type RunResult } from './native.js';
import { copyInputs, guestDirsOf, makeGuestDirs, runGuest, type Target } from './guest.js';

/** Makes every case's directory on the target (one `rustos run`); throws with the CLI's output when it cannot. */
export function prepareTarget(target: Target, base: string, cases: SuiteCase[] = CASES): void {
  makeGuestDirs(target, cases.flatMap((c) => guestDirsOf(c, caseDir(base, c))));
}

export interface Outcome {
  native: RunResult;
  guest: RunResult;
  /** Empty when the runs match byte for byte (after the case's rules). */
  diffs: string[];
}

/** Runs `c` natively under `base`, copies its inputs to the target (staged under `stage`) and runs it there. */
export function runBoth(target: Target, c: SuiteCase, base: string, stage: string): Outcome {
  const dir = caseDir(base, c);
  const native = normalised(c, runNative(c, dir));
  copyInputs(target, c, dir, stage);
  const guest = normalised(c, runGuest(target, c, dir));
  return { native, guest, diffs: differences(native, guest, ['native', 'rustos']) };
}
