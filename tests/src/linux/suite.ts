/**
 * The differential suite against a system: every case of the table run natively
 * and through `rustos`, compared byte for byte (stdout, stderr, exit status) after
 * the case's rules. One table, any target: the local system (system.test.ts) or a
 * container deployment reached through its endpoint (containers/linux-suite.test.ts).
 * A failing case reports its first differing line per stream; nothing is skipped.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CASES } from './cases/index.js';
import { buildRootfs, scratchBase } from './native.js';
import type { Target } from './guest.js';
import { prepareTarget, runBoth } from './differential.js';

/** How the suite reaches its system: started (or found) before the cases, released after. */
export interface System {
  connect(): Promise<Target>;
  release(): Promise<void>;
}

/** Registers the suite's hooks and one test per case. */
export function defineSuite(sys: System): void {
  const base = scratchBase();
  const stage = mkdtempSync(join(tmpdir(), 'rustos-suite-stage-'));
  let prepared: Error | undefined;
  let system: Target;

  before(async () => {
    buildRootfs();
    system = await sys.connect();
    try {
      prepareTarget(system, base);
    } catch (err) {
      prepared = err as Error;
    }
  });

  after(async () => {
    await sys.release();
    rmSync(base, { recursive: true, force: true });
    rmSync(stage, { recursive: true, force: true });
  });

  for (const c of CASES) {
    test(`${c.id} [${c.area}]: ${c.title}`, () => {
      if (prepared) throw new Error(`the guest directories could not be made on the ${system.name}: ${prepared.message}`);
      const { guest, diffs } = runBoth(system, c, base, stage);
      if (diffs.length) {
        assert.fail(`${c.id} differs on the ${system.name}:\n  ${diffs.join('\n  ')}\n` +
          `rustos stderr (first 600 bytes): ${JSON.stringify(guest.stderr.slice(0, 600))}`);
      }
    });
  }
}
