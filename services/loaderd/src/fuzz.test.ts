// Fuzzing the loader with mutated real images — busybox (static), a static-pie
// and a dynamic program with its ld.so — flipped bytes, truncations, and header
// and program-header fields set to absurd or boundary values. Seeded, thousands
// of cases. Every answer must be a clean refusal (ExecFailure with a step and
// an errno Linux uses) or a plan whose every mapping the brokers would accept;
// never another exception, never a slow case. The same images then go through
// the service's handler path (mailbox → loader → PROC broker double): answered
// with 0 or -errno, one exact log line per failure, nothing left half-built.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Errno, errnoName } from '@rustos/platform';
import fc from 'fast-check';
import {
  ArgStrings, ExecFailure, MMAP_MIN_ADDR, PAGE, STACK_TOP, TASK_SIZE, bytesOf, parseElf, planExec, type ExecPlan, type StackFacts,
} from './elf/index.js';
import { execMailbox } from './mailbox.js';
import { RecordingBuilder } from './testing/builder.js';
import { MemoryFiles, hostPrograms } from './testing/host.js';

const bins = hostPrograms();
const LDSO_PATH = '/lib64/ld-linux-x86-64.so.2';
const LDSO = new Uint8Array(readFileSync(LDSO_PATH));
const SEEDS: Array<[string, Uint8Array]> = [
  ['busybox', new Uint8Array(readFileSync('/bin/busybox'))],
  ['static-pie', new Uint8Array(readFileSync(bins['hello-static-pie']!))],
  ['dynamic', new Uint8Array(readFileSync(bins['hello-dynamic']!))],
];
const FACTS: StackFacts = { hwcap: 0x178bfbff, hwcap2: 2, platform: 'x86_64', clockTicks: 100, minSigStackSize: 1456, uid: 0, euid: 0, gid: 0, egid: 0, random: new Uint8Array(16) };
const MEMORY = 1024 * 1024 * 1024;
const ALLOWED = new Set<number>([Errno.ENOEXEC, Errno.EINVAL, Errno.ENOMEM, Errno.EPERM, Errno.EEXIST, Errno.EIO, Errno.ELIBBAD, Errno.ENOENT]);
const SLOW_MS = 500;

/** Where a mutation may write: a header field, or a field of program header i (u32 or u64). */
const HEADER_FIELDS: Array<[number, number]> = [[16, 2], [18, 2], [24, 8], [32, 8], [54, 2], [56, 2], [4, 1], [5, 1], [6, 1], [7, 1]];
const PHDR_FIELDS: Array<[number, number]> = [[0, 4], [4, 4], [8, 8], [16, 8], [32, 8], [40, 8], [48, 8]];
const u64 = (n: bigint): bigint => BigInt.asUintN(64, n);
const INTERESTING = [0n, 1n, 2n, 3n, 7n, 0x40n, 0xfffn, 0x1000n, 0x1001n, 0x10000n, 0x400000n, 0x7ffffffff000n, 0x7fffffffe000n, 0x800000000000n, 0x555555554000n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n + 1n, 2n ** 63n, u64(-1n), u64(-4096n), 0x6474e551n, 0x70000000n];

type Mutation =
  | { kind: 'byte'; at: number; value: number }
  | { kind: 'truncate'; fraction: number }
  | { kind: 'header'; field: number; value: bigint }
  | { kind: 'phdr'; index: number; field: number; value: bigint; relative: boolean };

const value = fc.oneof(fc.constantFrom(...INTERESTING), fc.bigInt({ min: 0n, max: u64(-1n) }), fc.bigInt({ min: -8192n, max: 8192n }));
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('byte' as const), at: fc.nat(1023), value: fc.nat(255) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), fraction: fc.double({ min: 0, max: 1, noNaN: true }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('header' as const), field: fc.nat(HEADER_FIELDS.length - 1), value }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('phdr' as const), index: fc.nat(15), field: fc.nat(PHDR_FIELDS.length - 1), value, relative: fc.boolean() }) },
);

function write(b: Buffer, at: number, size: number, v: bigint): void {
  if (at + size > b.length) return;
  if (size === 8) b.writeBigUInt64LE(u64(v), at);
  else if (size === 4) b.writeUInt32LE(Number(BigInt.asUintN(32, v)), at);
  else if (size === 2) b.writeUInt16LE(Number(BigInt.asUintN(16, v)), at);
  else b[at] = Number(BigInt.asUintN(8, v));
}
function read(b: Buffer, at: number, size: number): bigint {
  if (at + size > b.length) return 0n;
  return size === 8 ? b.readBigUInt64LE(at) : size === 4 ? BigInt(b.readUInt32LE(at)) : size === 2 ? BigInt(b.readUInt16LE(at)) : BigInt(b[at]!);
}

function mutate(seed: Uint8Array, mutations: Mutation[]): Uint8Array {
  let b = Buffer.from(seed);
  for (const m of mutations) {
    if (m.kind === 'byte') { if (m.at < b.length) b[m.at] = m.value; }
    else if (m.kind === 'truncate') b = b.subarray(0, Math.floor(b.length * m.fraction));
    else if (m.kind === 'header') write(b, HEADER_FIELDS[m.field]![0], HEADER_FIELDS[m.field]![1], m.value);
    else {
      const phoff = b.length >= 40 ? Number(BigInt.asUintN(32, b.readBigUInt64LE(32))) : 0;
      const [off, size] = PHDR_FIELDS[m.field]!;
      const at = phoff + m.index * 56 + off;
      // Relative changes keep a field near its real value: just past a boundary is where bugs live.
      write(b, at, size, m.relative ? read(b, at, size) + BigInt.asIntN(16, m.value) : m.value);
    }
  }
  return b;
}

/** What the PROC brokers check of every mapping, and the plan's own promises. */
function assertSanePlan(plan: ExecPlan): void {
  for (const m of plan.mappings) {
    assert.ok(m.addr % PAGE === 0 && m.length > 0 && m.length % PAGE === 0, `mapping 0x${m.addr.toString(16)}+0x${m.length.toString(16)} is page aligned`);
    assert.ok(m.addr >= MMAP_MIN_ADDR && m.addr + m.length <= TASK_SIZE, `mapping 0x${m.addr.toString(16)} is in the user space`);
    assert.ok((m.prot & ~7) === 0);
    assert.ok(m.contentOffset + (m.content?.length ?? 0) <= m.length, 'content fits its mapping');
  }
  const stack = plan.mappings[0]!;
  assert.ok(stack.growsDown && stack.addr + stack.length === STACK_TOP);
  assert.ok(plan.stackPointer % 16 === 0 && plan.stackPointer > stack.addr && plan.stackPointer < STACK_TOP);
  assert.ok(plan.entry < TASK_SIZE && plan.brk % PAGE === 0 && plan.brk < TASK_SIZE);
}

/** One case of the pure core: a plan or an ExecFailure; the outcome counted by step. */
function runCore(program: Uint8Array, interp: Uint8Array, outcomes: Map<string, number>): void {
  const started = performance.now();
  let outcome = 'planned';
  try {
    const image = parseElf(program, 'program');
    const interpImage = image.interp ? parseElf(interp, 'interp') : undefined;
    const args = new ArgStrings(bytesOf('/bin/prog'), [bytesOf('prog'), bytesOf('arg')], [bytesOf('HOME=/')]);
    assertSanePlan(planExec({ program: image, interp: interpImage, args, facts: FACTS, memoryLimit: MEMORY }));
  } catch (err) {
    if (!(err instanceof ExecFailure)) throw err;
    assert.ok(ALLOWED.has(err.errno), `${err.step}: errno ${errnoName(err.errno)} (${err.message})`);
    outcome = err.step;
  }
  const ms = performance.now() - started;
  assert.ok(ms < SLOW_MS, `a case took ${ms.toFixed(0)} ms`);
  outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
}

for (const [name, seed] of SEEDS) {
  test(`fuzz the ELF core: mutated ${name} (4000 seeded cases)`, () => {
    const outcomes = new Map<string, number>();
    fc.assert(fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), fc.array(mutation, { maxLength: 2 }), (m, mi) => {
      runCore(mutate(seed, m), mi.length ? mutate(LDSO, mi) : LDSO, outcomes);
    }), { numRuns: 4000, seed: 0x10ade7 + name.length });
    // A fuzzer that never gets past the header proves little: the deep steps must be reached too.
    const reached = [...outcomes.keys()];
    for (const step of ['planned', 'ident', 'header', 'phdrs', 'load']) assert.ok(reached.includes(step), `${step} never reached: ${JSON.stringify([...outcomes])}`);
    if (name === 'dynamic') for (const step of ['interp', 'interp-elf', 'interp-load']) assert.ok(reached.includes(step), `${step} never reached: ${JSON.stringify([...outcomes])}`);
  });
}

test('fuzz the handler path: mutated images through the exec mailbox (1500 seeded cases)', async () => {
  const outcomes = new Map<number, number>();
  await fc.assert(fc.asyncProperty(fc.nat(SEEDS.length - 1), fc.array(mutation, { minLength: 1, maxLength: 5 }), fc.array(mutation, { maxLength: 2 }), async (which, m, mi) => {
    const program = mutate(SEEDS[which]![1], m);
    const files = new MemoryFiles(new Map([['/bin/prog', program], [LDSO_PATH, mi.length ? mutate(LDSO, mi) : LDSO]]));
    const builder = new RecordingBuilder();
    const lines: string[] = [];
    const handler = execMailbox({ files, builder, machine: async () => ({ ...FACTS, memoryBytes: MEMORY }), log: (line) => lines.push(line) });
    const started = performance.now();
    const answer = await handler({ id: 1, endpoint: '', pid: 9, tid: 9, op: 59, args: [0, 0, 0], inputs: [Buffer.from('/bin/prog'), Buffer.from('prog\0x\0'), Buffer.from('A=1\0')], context: {} });
    assert.ok(performance.now() - started < SLOW_MS, 'never slow');
    const result = Number(answer.result);
    assert.deepEqual(builder.halfBuilt(), [], 'nothing half-built');
    if (result === 0) {
      assert.equal([...builder.processes.values()].filter((p) => p.state === 'COMMITTED').length, 1);
      assert.deepEqual(lines, []);
    } else {
      assert.ok(result < 0 && ALLOWED.has(-result), `answer ${result}`);
      assert.equal(lines.length, 1);
      assert.match(lines[0]!, new RegExp(`^loaderd: elf step failed exec=/bin/prog step=[a-z-]+ errno=${errnoName(-result)}$`));
    }
    outcomes.set(result, (outcomes.get(result) ?? 0) + 1);
  }), { numRuns: 1500, seed: 0xe7ec });
  assert.ok((outcomes.get(0) ?? 0) > 10 && outcomes.size > 3, `outcomes: ${JSON.stringify([...outcomes])}`);
});
