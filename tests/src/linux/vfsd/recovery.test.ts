/**
 * The recovery contract with a real program: busybox `sh -c 'while …; done'`
 * (native, unmodified, its file syscalls answered by vfsd through the tracer)
 * keeps writing to its session while vfsd is killed and a new generation takes
 * over from what the old one journalled. A call in flight fails with EINTR, as the
 * nucleus fails it; everything else goes on: the loop's fds (stored before the
 * calls that change them answer), its pipe to the launcher, the re-attach.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dispatcher } from '@rustos/vfsd/dist/dispatch.js';
import { StateJournal } from '@rustos/vfsd/dist/state-journal.js';
import { Vfs } from '@rustos/vfsd/dist/vfs.js';
import { Traced, type Kernel } from './traced.js';

const BUSYBOX = '/bin/busybox';
const ENV = ['PATH=/bin:/usr/bin', 'LANG=C', 'LC_ALL=C', 'TZ=UTC', 'HOME=/tmp'];
const TICKS = 60;

/** A StateStore stand-in shared by the generations; a killed generation writes nothing more. */
function generation(dir: string, store: Map<string, Buffer>, saved?: Map<string, Buffer>): Kernel & { kill(): void } {
  let alive = true;
  const journal = new StateJournal(async (set, del) => {
    if (!alive) return;
    for (const k of del) store.delete(k);
    for (const [k, v] of Object.entries(set)) store.set(k, Buffer.from(v));
  });
  const v = new Vfs({ rootDir: join(dir, 'root'), homeDir: join(dir, 'home'), journal });
  if (saved) v.restore(saved);
  const d = new Dispatcher(v, (err) => { throw err; });
  return { v, d, kill: () => { alive = false; } };
}

test('sh -c \'while …; done\' writing to its session keeps working across a vfsd restart', { skip: !existsSync(BUSYBOX) && 'no busybox' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vfsd-recovery-'));
  mkdirSync(join(dir, 'root'));
  const store = new Map<string, Buffer>();
  const first = generation(dir, store);
  const script = `i=0; while [ $i -lt ${TICKS} ]; do echo "tick $i" >> /tmp/log; echo "tick $i"; i=$((i+1)); usleep 1000; done; echo done`;
  const run = new Traced(first, [BUSYBOX, 'sh', '-c', script], { cwd: '/', env: ENV });
  await run.ready;
  while (!run.output().includes('tick 15')) await new Promise((r) => setTimeout(r, 5));

  // rustos kill vfsd: nothing more from the old generation; a new one from what it journalled.
  first.kill();
  const second = generation(dir, store, new Map(store));
  run.restart(second);
  const result = await run.finish().finally(() => rmSync(dir, { recursive: true, force: true }));

  const ticks = new Set([...result.stdout.matchAll(/^tick (\d+)$/gm)].map((m) => Number(m[1])));
  process.stdout.write(`# ${ticks.size}/${TICKS} ticks reached the launcher; stderr: ${JSON.stringify(result.stderr)}\n`);
  assert.match(result.stdout, /\ndone\n$/, 'the loop ran to its end');
  assert.equal(result.status, 0);
  for (let i = 0; i < 15; i++) assert.ok(ticks.has(i), `tick ${i} (before the restart)`);
  for (let i = TICKS - 20; i < TICKS; i++) assert.ok(ticks.has(i), `tick ${i} (after the restart)`);
  // What a kill costs: the one call in flight (EINTR). Descriptors are stored before calls that change them answer.
  assert.ok(ticks.size >= TICKS - 1, `${TICKS - ticks.size} ticks lost`);
  for (const line of result.stderr.split('\n').filter((l) => l)) assert.match(line, /Interrupted system call/);
  const log = second.v.walker.resolve({ pid: 0, uid: 0, gid: 0 }, second.v.walker.root(), '/tmp/log', true);
  const lines = (log.node as unknown as { data: Buffer; size: number }).data.subarray(0, (log.node as unknown as { size: number }).size).toString().trim().split('\n');
  assert.ok(lines.length >= TICKS - 1, `the tmpfs file kept ${lines.length} lines across the restart`);
});
