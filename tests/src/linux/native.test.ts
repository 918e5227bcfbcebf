/**
 * The native half of every case, on its own: each case runs twice on the host and
 * must give the same normalised stdout, stderr and status both times (a flaky case
 * is a bug in the case), must exit with the status the case declares, and must
 * print something unless it says it may not. Also checks the table itself.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { CASES } from './cases/index.js';
import { differences, normalised } from './compare.js';
import { buildRootfs, caseDir, runNative, scratchBase } from './native.js';
import type { Area } from './case.js';

const base = scratchBase();
before(() => buildRootfs());
after(() => rmSync(base, { recursive: true, force: true }));

test('the case table: unique ids, at least 60 cases, every area covered', () => {
  const ids = CASES.map((c) => c.id);
  assert.deepEqual(ids.filter((id, i) => ids.indexOf(id) !== i), [], 'duplicate ids');
  assert.ok(CASES.length >= 60, `only ${CASES.length} cases`);
  const areas: Area[] = ['shell', 'text', 'files', 'c-static', 'c-dynamic', 'host-tools'];
  for (const a of areas) assert.ok(CASES.some((c) => c.area === a), `no case in area ${a}`);
  for (const c of CASES) assert.ok(!c.argv.some((a) => a.startsWith('/opt/')), `${c.id}: run test programs through PATH, not by guest path`);
});

for (const c of CASES) {
  test(`${c.id} [${c.area}] natively, twice`, () => {
    const dir = caseDir(base, c);
    const first = normalised(c, runNative(c, dir));
    const second = normalised(c, runNative(c, dir));
    const diffs = differences(first, second, ['first run', 'second run']);
    assert.deepEqual(diffs, [], `unstable natively:\n${diffs.join('\n')}`);
    const context = `\nstdout: ${first.stdout.slice(0, 2000)}\nstderr: ${first.stderr.slice(0, 2000)}`;
    assert.equal(first.status, c.status ?? 0, `native exit status${context}`);
    if (!c.quiet) assert.ok(first.stdout.length > 0, `no output${context}`);
  });
}
