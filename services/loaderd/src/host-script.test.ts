// "#!" lines against Linux's binfmt_script: seeded random first lines (spaces,
// tabs, NULs, arguments, lines longer than the 256-byte buffer, with and
// without a newline) naming a real interpreter or a missing one. Each script is
// exec'd natively and by loaderd: the same errno, or the same argv.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { errnoName } from '@rustos/platform';
import fc from 'fast-check';
import { ExecFailure } from './elf/index.js';
import { ENVP, nativeArgv, plan } from './testing/compare.js';
import { hostPrograms, nativeExec } from './testing/host.js';

const bins = hostPrograms();
const PROBE = bins['exec-probe']!;
const dir = mkdtempSync('/tmp/s');
const interp = join(dir, 'i');
symlinkSync(bins['hello-static']!, interp);

const ws = fc.array(fc.constantFrom(' ', '\t'), { maxLength: 4 }).map((a) => a.join(''));
const word = fc.array(fc.constantFrom('a', 'b', '-', '=', '/', '.', ' ', '\t', '\0', 'é'), { maxLength: 12 }).map((a) => a.join(''));
const line = fc.record({
  lead: ws,
  name: fc.oneof(fc.constant(interp), fc.constant(interp), fc.constant(join(dir, 'missing')), fc.constant(''), word),
  rest: fc.oneof(fc.constant(''), fc.tuple(ws, word).map(([a, b]) => `${a}${b}`)),
  trail: ws,
  // Long lines: padding inside the argument, or a name too long for the buffer.
  pad: fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 180, max: 300 })),
  longName: fc.oneof(fc.constant(''), fc.constant(''), fc.constant(''), fc.integer({ min: 200, max: 300 }).map((n) => 'n'.repeat(n))),
  end: fc.constantFrom('\n', '', '\nmore text\n', '\0\n'),
}).map((l) => `#!${l.lead}${l.name}${l.longName}${l.rest}${' '.repeat(l.pad)}${l.trail}${l.end}`);

test('"#!" lines are read as Linux reads them (seeded property, native oracle)', async () => {
  let n = 0;
  const outcomes = new Map<string, number>();
  await fc.assert(fc.asyncProperty(line, fc.array(fc.constantFrom('x', 'y z', ''), { maxLength: 3 }), async (text, args) => {
    const path = join(dir, `script${n++}`);
    writeFileSync(path, text);
    chmodSync(path, 0o755);
    const argv = ['script', ...args];
    const native = nativeExec(PROBE, path, argv, ENVP);
    const ours = await plan(path, argv, ENVP).then((p) => p.argv.map((a) => Buffer.from(a)), (err: unknown) => err);
    if ('errno' in native) {
      assert.ok(ours instanceof ExecFailure, `${JSON.stringify(text)}: native ${errnoName(native.errno)}, loaderd accepted it`);
      assert.equal(errnoName(ours.errno), errnoName(native.errno), JSON.stringify(text));
      outcomes.set(errnoName(native.errno), (outcomes.get(errnoName(native.errno)) ?? 0) + 1);
    } else {
      assert.ok('rip' in native, `${JSON.stringify(text)}: native ${JSON.stringify(native)}`);
      assert.ok(Array.isArray(ours), `${JSON.stringify(text)}: native ran, loaderd refused: ${String(ours)}`);
      assert.deepEqual(ours.map((a) => a.toString('latin1')), nativeArgv(native).map((a) => a.toString('latin1')), JSON.stringify(text));
      outcomes.set('ran', (outcomes.get('ran') ?? 0) + 1);
    }
  }), { numRuns: 250, seed: 0x5eed });
  // The generator must reach every outcome, or the property proves little.
  for (const o of ['ran', 'ENOENT', 'ENOEXEC']) assert.ok((outcomes.get(o) ?? 0) > 10, `${o}: ${JSON.stringify([...outcomes])}`);
});
