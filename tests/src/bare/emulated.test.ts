// The acceptance of the emulated machine: every whole-program case runs natively and
// on each CPU engine through the test shim, and stdout, stderr and the exit status
// must be byte-identical. A mismatch names the first divergence (see compare.ts).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { busyboxCases, buildPrograms, programCases } from './cases.js';
import { explainMismatch } from './compare.js';
import { engines, unavailable } from './machine.js';
import { type NativeResult, runNative } from './native.js';
import { runProgram } from './shim.js';

const cases = [...programCases(buildPrograms()), ...busyboxCases()];
const uid = process.getuid?.() ?? 0;
const gid = process.getgid?.() ?? 0;
const natives = new Map<string, NativeResult>();
// The largest program runs about 10^8 instructions natively; a run ten times longer is a hang.
const MAX_INSTRUCTIONS = 1e9;

if (engines.length === 0) test('emulated whole programs', { skip: unavailable }, () => {});

for (const engine of engines) {
  for (const c of cases) {
    test(`${engine.name}: ${c.title}`, () => {
      let native = natives.get(c.title);
      if (!native) natives.set(c.title, (native = runNative(c)));
      const emu = runProgram(engine.create(), readFileSync(c.path), {
        argv: c.argv,
        envp: c.envp,
        exe: c.path,
        stdin: c.stdin,
        uid,
        gid,
        maxInstructions: MAX_INSTRUCTIONS,
      });
      const why = explainMismatch(native, emu, c.transcendental);
      assert.equal(why, '', `${c.title} on the ${engine.name}:\n${why}`);
    });
  }
}
