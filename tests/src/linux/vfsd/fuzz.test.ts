/**
 * Bad input never breaks vfsd: random calls to every syscall it owns — random
 * descriptors, flags, sizes, offsets and paths (including /proc, /dev and
 * missing ones), random bytes where structs go — marshalled by the ABI table
 * as the nucleus does. Every call must be answered (now, or after a CANCEL) with
 * an integer result, no handler may fail with an exception (the dispatcher would
 * answer EIO and report a bug), and no output may be longer than its table
 * entry lets the nucleus copy.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VFSD_SYSCALLS } from '@rustos/nucleus/dist/ps/linux/table/vfsd.js';

/** sendmsg/recvmsg carry a msghdr the nucleus marshals (nested pointers): the guest suite covers them. */
const FUZZED = VFSD_SYSCALLS.filter((e) => ![...(e.in ?? []), ...(e.out ?? [])].some((s) => s.kind === 'msghdr'));
import { CONTROL, Dispatcher } from '@rustos/vfsd/dist/dispatch.js';
import { Vfs } from '@rustos/vfsd/dist/vfs.js';
import { chmodSync, lstatSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeMemory, marshalIn, marshalOut } from './fake-memory.js';

/** A small deterministic PRNG (xorshift32), so a failure can be replayed by its seed. */
function rng(seed: number) {
  let x = seed || 1;
  const next = () => {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(a: readonly T[]) => a[Math.floor(next() * a.length)]! };
}

const PATHS = ['/tmp/a', '/tmp/d', '/tmp/d/f', '/tmp', '/', '/etc/passwd', '/proc/self/fd/0', '/proc/self/status', '/proc/1/maps',
  '/dev/null', '/dev/tty', '/dev/zero', '/home/x', 'rel', '.', '..', '', '/tmp/a/', '/nope/nope', 'x'.repeat(300), '/proc/self/fd',
  '/dev/stdin', '/tmp/fifo', '/proc', '/dev/pts/0'];

/**
 * What symlinks point at. A host symlink made through /home is followed by the host
 * if vfsd ever lets it; they lead only into this test's own directory, where a
 * canary file must come through untouched.
 */
const targets = (outside: string) => ['rel', 'a', 'd/f', '..', '.', outside, join(outside, 'canary')];

const SEED = Number(process.env.VFSD_FUZZ_SEED ?? 12345);
const CALLS = Number(process.env.VFSD_FUZZ_CALLS ?? 20000);

test(`${CALLS} random calls (seed ${SEED}): always answered, never a handler exception, outputs within their specs`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vfsd-fuzz-'));
  mkdirSync(join(dir, 'root', 'etc'), { recursive: true });
  writeFileSync(join(dir, 'root', 'etc', 'passwd'), 'root:x:0:0::/root:/bin/sh\n');
  const outside = join(dir, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'canary'), 'secret');
  chmodSync(join(outside, 'canary'), 0o600);
  const v = new Vfs({ rootDir: join(dir, 'root'), homeDir: join(dir, 'home') });
  const bugs: string[] = [];
  const d = new Dispatcher(v, (err, op) => bugs.push(`op ${op}: ${(err as Error).stack ?? String(err)}`));
  const r = rng(SEED);
  const pids = [10, 11, 12];
  const s = v.sessions.create(true, undefined, 'fuzz');
  v.sessions.bind(s.id, 10);
  let id = 1;
  const pending = new Set<number>();
  const value = (): number => r.pick([
    () => r.int(8), () => r.int(40), () => -1, () => -100, () => 0, () => 0x7fffffff, () => 2 ** 40, () => r.int(1 << 16),
    () => 0o100 | 0o2, () => 0o4000, () => 0o200000, () => 0x5401 + r.int(0x60), () => 0x1000, () => 0x100,
  ])();
  for (let n = 0; n < CALLS; n++) {
    const spec = r.pick(FUZZED);
    const mem = new FakeMemory();
    const args: number[] = [];
    for (let i = 0; i < 6; i++) args.push(value());
    // Pointer arguments point at something: a path, or random bytes big enough for what the spec reads.
    const pointers = new Set<number>();
    for (const sp of spec.in ?? []) {
      if (sp.kind === 'cstr') {
        const isTarget = (spec.name === 'symlink' || spec.name === 'symlinkat') && sp.ptr === 0;
        args[sp.ptr] = r.next() < 0.05 ? 0 : mem.alloc(Buffer.from(`${isTarget ? r.pick(targets(outside)) : r.pick(PATHS)}\0`));
        pointers.add(sp.ptr);
      } else if (sp.kind === 'iov') {
        pointers.add(sp.ptr);
        const count = r.int(4);
        const vec = Buffer.alloc(count * 16);
        for (let i = 0; i < count; i++) {
          const len = r.int(64);
          vec.writeBigUInt64LE(BigInt(mem.alloc(Buffer.alloc(len, 0x41))), i * 16);
          vec.writeBigUInt64LE(BigInt(len), i * 16 + 8);
        }
        args[sp.count] = count;
        args[sp.ptr] = mem.alloc(vec);
      }
    }
    for (const sp of [...(spec.in ?? []), ...(spec.out ?? [])]) {
      if (sp.kind === 'cstr' || sp.kind === 'iov' || sp.kind === 'cstrv') continue;
      if (pointers.has(sp.ptr)) continue;
      pointers.add(sp.ptr);
      const size = sp.kind === 'struct' ? sp.size : 4096;
      const lenArg = sp.kind === 'buf' ? ('len' in sp ? sp.len : sp.max) : undefined;
      if (typeof lenArg === 'number') args[lenArg] = r.int(300);
      if (typeof lenArg === 'object' && 'arg' in lenArg) args[lenArg.arg] = r.int(4);
      const bytes = Buffer.alloc(Math.max(size, 2048));
      for (let i = 0; i < bytes.length; i += 4) bytes.writeUInt32LE((r.next() * 2 ** 32) >>> 0, i);
      args[sp.ptr] = r.next() < 0.05 ? 0 : mem.alloc(bytes);
    }
    let inputs: Buffer[];
    try {
      inputs = marshalIn(mem, args, spec.in);
    } catch {
      continue; // a NULL where memory must be: the nucleus answers EFAULT without asking vfsd
    }
    const msg = { id: id++, pid: r.pick(pids), tid: 0, op: spec.nr, args, inputs, context: {} };
    const a = d.handle(msg);
    const check = (ans: { result: number; outputs?: Buffer[] }) => {
      assert.equal(Number.isInteger(ans.result), true, `${spec.name} answered ${ans.result}`);
      if (ans.result < 0) return;
      let copied = 0;
      try {
        copied = marshalOut(mem, args, spec.out, ans.outputs ?? []);
      } catch {
        return; // copying to a NULL pointer: EFAULT in the guest
      }
      assert.notEqual(copied, -22, `${spec.name} output longer than its spec`);
    };
    if (a instanceof Promise) {
      pending.add(msg.id);
      void a.then((ans) => { pending.delete(msg.id); check(ans); });
      // Blocked calls are interrupted, as a signal would.
      if (r.next() < 0.5) void d.handle({ id: id++, pid: 0, tid: 0, op: CONTROL.CANCEL, args: [msg.id], inputs: [], context: {} });
    } else {
      check(a);
    }
    if (r.next() < 0.002) {
      const child = 20 + r.int(5);
      void d.handle({ id: id++, pid: 0, tid: 0, op: CONTROL.PROC_FORK, args: [r.pick(pids), child, r.next() < 0.3 ? 0x400 : 0], inputs: [], context: {} });
      pids.push(child);
    }
    if (r.next() < 0.001) void d.handle({ id: id++, pid: 0, tid: 0, op: CONTROL.PROC_EXEC, args: [r.pick(pids)], inputs: [], context: {} });
    if (r.next() < 0.001 && pids.length > 1) {
      const gone = pids.splice(r.int(pids.length), 1)[0]!;
      void d.handle({ id: id++, pid: 0, tid: 0, op: CONTROL.PROC_EXIT, args: [gone, 0], inputs: [], context: {} });
    }
    if (n % 500 === 0) await new Promise((res) => setImmediate(res));
  }
  for (const p of [...pending]) void d.handle({ id: id++, pid: 0, tid: 0, op: CONTROL.CANCEL, args: [p], inputs: [], context: {} });
  await new Promise((res) => setTimeout(res, 50));
  const canary = [readFileSync(join(outside, 'canary'), 'utf8'), lstatSync(join(outside, 'canary')).mode & 0o7777, readdirSync(outside)];
  rmSync(dir, { recursive: true, force: true });
  assert.deepEqual(canary, ['secret', 0o600, ['canary']], 'nothing outside the guest tree was touched');
  assert.deepEqual(bugs.slice(0, 3), []);
  assert.equal(pending.size, 0, 'every call was answered');
});
