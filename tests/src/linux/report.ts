/**
 * The suite as a report for people rather than a test run: every case (or those
 * whose id contains one of the arguments) natively and on a system, one line per
 * case with the first differing line of each stream, then counts by area.
 *   node tests/dist/linux/report.js [--endpoint HOST:PORT] [id-part...]
 * Without --endpoint it boots a local system for the run and shuts it down after.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalSystem } from '../local/system.js';
import { CASES } from './cases/index.js';
import { buildRootfs, scratchBase } from './native.js';
import { endpointTarget, localTarget } from './guest.js';
import { prepareTarget, runBoth } from './differential.js';

const args = process.argv.slice(2);
const at = args.indexOf('--endpoint');
const endpoint = at >= 0 ? args.splice(at, 2)[1] : undefined;
const cases = args.length ? CASES.filter((c) => args.some((a) => c.id.includes(a))) : CASES;

buildRootfs();
const local = endpoint ? undefined : await LocalSystem.boot();
const target = endpoint ? endpointTarget(endpoint) : localTarget(local!.env);
const base = scratchBase();
const stage = mkdtempSync(join(tmpdir(), 'rustos-suite-stage-'));
const tally = new Map<string, { pass: number; total: number }>();
try {
  prepareTarget(target, base, cases);
  for (const c of cases) {
    const started = Date.now();
    let line: string;
    try {
      const { diffs } = runBoth(target, c, base, stage);
      line = diffs.length ? `FAIL ${c.id}: ${diffs.join(' | ')}` : `PASS ${c.id}`;
    } catch (err) {
      line = `FAIL ${c.id}: ${(err as Error).message.split('\n').slice(0, 3).join(' ')}`;
    }
    const t = tally.get(c.area) ?? { pass: 0, total: 0 };
    t.total++;
    if (line.startsWith('PASS')) t.pass++;
    tally.set(c.area, t);
    console.log(`${line} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
} catch (err) {
  console.log(`the target could not be prepared: ${(err as Error).message}`);
} finally {
  await local?.down();
  rmSync(base, { recursive: true, force: true });
  rmSync(stage, { recursive: true, force: true });
}
console.log([...tally].map(([area, t]) => `${area} ${t.pass}/${t.total}`).join(', '));
