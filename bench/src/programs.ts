/**
 * Whole-program speed: a few of the test programs timed natively, under qemu-x86_64
 * (user mode, a JIT) and on the emulated machine (each CPU engine, through the test
 * shim: the interpreter, the translator as the product runs it, with WebAssembly
 * regions, and the translator with JS regions), side by side in one run. Prints milliseconds and the slowdown against
 * native and against qemu. Each emulated run is also checked against the native
 * output, so a fast wrong answer cannot pass as a result. For the emulator, the first
 * of its runs is printed too: later runs of the same program reuse the translator's
 * compiled code (nucleus/src/machine/cpu/translate/factories.ts), the first does not.
 * The emulator runs in a process set up as the nucleus is (lib/nucleus-process.ts).
 *
 *   node bench/dist/programs.js [program...]
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { buildPrograms, ENVP, type Case } from '@rustos/tests/bare/cases.js';
import { explainMismatch } from '@rustos/tests/bare/compare.js';
import { benchEngines as engines, unavailable } from '@rustos/tests/bare/machine.js';
import { runNative, runQemu } from '@rustos/tests/bare/native.js';
import { runProgram } from '@rustos/tests/bare/shim.js';
import { asNucleusProcess } from './lib/nucleus-process.js';

asNucleusProcess();

const DEFAULT = ['int_bench', 'sha256_crc', 'vm_lz77', 'sort_hash'];
const names = process.argv.length > 2 ? process.argv.slice(2) : DEFAULT;
const bins = buildPrograms();
const haveQemu = spawnSync('qemu-x86_64', ['--version']).status === 0;

/** Wall times in ms of `runs` calls, in call order. */
function times(runs: number, body: () => void): number[] {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    body();
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return ms;
}

const median = (ms: number[]): number => [...ms].sort((a, b) => a - b)[Math.floor(ms.length / 2)]!;
const time = (runs: number, body: () => void): number => median(times(runs, body));

const fmt = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1)).padStart(8);
const ratio = (a: number, b: number): string => `${(a / b).toFixed(1)}x`.padStart(8);

const columns = ['program', 'native ms', 'qemu ms', 'vs native', ...engines.flatMap((e) => [`${e.name} ms`, 'vs native', 'vs qemu', 'first ms', 'vs qemu'])];
console.log(columns.map((c, i) => (i === 0 ? c.padEnd(14) : c.padStart(Math.max(8, c.length)))).join(' '));
for (const name of names) {
  const path = bins.get(name);
  if (!path) throw new Error(`no program ${name}`);
  const c: Case = { title: name, path, argv: [name], envp: ENVP };
  const reference = runNative(c);
  const native = time(5, () => runNative(c));
  const qemu = haveQemu ? time(3, () => runQemu(c)) : NaN;
  const row = [name.padEnd(14), fmt(native), fmt(qemu), ratio(qemu, native)];
  const file = readFileSync(path);
  for (const engine of engines) {
    let mismatch = '';
    const all = times(3, () => {
      const r = runProgram(engine.create(), file, { argv: c.argv, envp: c.envp, exe: path });
      mismatch = explainMismatch(reference, r);
    });
    const ms = median(all);
    row.push(fmt(ms), ratio(ms, native), ratio(ms, qemu), fmt(all[0]!), ratio(all[0]!, qemu));
    if (mismatch) console.error(`${name} on ${engine.name} does not match native:\n${mismatch}`);
  }
  console.log(row.map((v, i) => (i === 0 ? v : v.padStart(Math.max(8, columns[i]!.length)))).join(' '));
}
if (engines.length === 0) console.log(`(no emulated column: ${unavailable})`);
