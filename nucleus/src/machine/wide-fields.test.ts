import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

/**
 * Optimised code that reads a CPU state or an MMU must stay valid when every such
 * object of one guest program is gone and the next program makes new ones: the
 * hidden classes widenFields prepared must outlive a GC. Runs in a child Node with
 * V8's test natives (%-calls), which are not valid syntax in the test itself.
 */
const url = (path: string) => JSON.stringify(new URL(path, import.meta.url).href);
const KINDS = {
  CpuState: {
    setup: `const { CpuState } = await import(${url('./cpu/state.js')});`,
    make: 'const o = new CpuState(); o.rip = 2 ** 40; o.fA = -(2 ** 31); return o;',
    read: 'return o.lo[0] + o.rip + o.fA + o.budget;',
  },
  Mmu: {
    setup: `const { Mmu } = await import(${url('./mmu.js')}); const { PhysicalMemory } = await import(${url('./memory.js')});`,
    make: 'const o = new Mmu(new PhysicalMemory(1 << 16)); o.hi64 = -(2 ** 31); return o;',
    read: 'return o.tlbReadTag[0] + o.hi64 + o.root;',
  },
};

/** Optimises a reader on one instance, frees it, collects, and asks whether a new instance keeps the reader optimised. */
const child = (k: { setup: string; make: string; read: string }) => `${k.setup}
function make() { ${k.make} }
function read(o) { ${k.read} }
let a = make();
%PrepareFunctionForOptimization(read);
read(a); read(a);
%OptimizeFunctionOnNextCall(read);
read(a);
const before = (%GetOptimizationStatus(read) & 16) !== 0;
a = null;
for (let i = 0; i < 4; i++) gc();
read(make());
console.log(JSON.stringify({ before, after: (%GetOptimizationStatus(read) & 16) !== 0 }));
`;

test('optimised code keeps the CPU state and MMU hidden classes across a GC that frees every instance', () => {
  for (const [name, kind] of Object.entries(KINDS)) {
    const r = spawnSync(process.execPath, ['--allow-natives-syntax', '--expose-gc', '--input-type=module', '-e', child(kind)], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const { before, after } = JSON.parse(r.stdout) as { before: boolean; after: boolean };
    assert.ok(before, `${name}: the reader was not optimised to begin with`);
    assert.ok(after, `${name}: a new instance after the GC deoptimised the reader (its hidden class was rebuilt)`);
  }
});
