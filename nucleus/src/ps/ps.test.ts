/**
 * The ps part on its own: a freestanding program (testdata/lifecycle.asm, built
 * with nasm) runs on the CPU under the scheduler; its syscalls go through the
 * Linux ABI table, the offloaded ones to owners attached to the nucleus's
 * mailboxes (here small stand-ins for vfsd and syscalld: this tests the nucleus's
 * mechanism, the real services are tested end to end elsewhere).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { Kernel } from '../executive/kernel.js';
import { FaultInjector } from '../core/faults.js';
import { Ps } from './ps.js';
import { AddressSpace } from '../mm/address-space.js';
import { MapFlag } from '../mm/regions.js';
import { Lifecycle } from './lifecycle.js';
import type { Process } from './processes.js';
import { monoMs } from '../core/clock.js';

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, '..', '..', 'src', 'ps', 'testdata', 'lifecycle.asm');

function assemble(): Buffer {
  const out = join(mkdtempSync(join(tmpdir(), 'ps-test-')), 'lifecycle.bin');
  execFileSync('nasm', ['-f', 'bin', '-o', out, source]);
  return readFileSync(out);
}

test('a program writes through an offload, takes a signal through a frame, forks, waits and exits', async () => {
  const k = new Kernel({ listen: '', secret: '', ramMiB: 64, vcpus: 2 }, pino({ level: 'silent' }), new FaultInjector(''));
  const ps = new Ps(k);
  k.scheduler = ps;
  let out = '';
  type Answer = { result: number; context?: Record<string, string> };
  const owner = (endpoint: string, answer: (op: number, args: number[], inputs: Buffer[]) => Answer) => {
    const rx = k.mailboxes.attach(endpoint, endpoint.split('.')[0]!, 1, (m) => {
      const a = answer(m.op!, (m.args ?? []).map(Number), (m.inputs ?? []) as Buffer[]);
      setImmediate(() => k.mailboxes.reply(rx, { id: m.id as number, result: a.result, outputs: [], context: a.context ?? {}, header: null, endpoint: '', state: null }));
    });
  };
  owner('vfsd.files', (op, args, inputs): Answer => {
    if (op === 1) { out += inputs[0]!.toString(); return { result: inputs[0]!.length }; }
    return { result: op >= 1_000_000 ? 0 : -38 };
  });
  owner('syscalld.linux', (op, args, inputs): Answer => {
    if (op === 13) return { result: 0, context: { disposition: `${args[0]},${inputs[0]!.toString('hex')}` } };
    if (op === 62) return { result: 0, context: { 'signal.kill': `${args[0]},${args[1]}` } };
    return { result: op >= 1_000_000 ? 0 : -38 };
  });

  const space = AddressSpace.create(k.frames) as AddressSpace;
  const image = assemble();
  assert.equal(space.map(0x400000, Math.ceil(image.length / 4096) * 4096, 7, MapFlag.Private, { content: image }), 0);
  assert.equal(space.map(0x7ffff0000000, 0x10000, 3, MapFlag.Private | MapFlag.GrowsDown), 0);
  const p: Process = {
    ...Lifecycle.fresh(), pid: 100, ppid: 0, name: 'lifecycle', exe: '/lifecycle', argv: [], state: 'PREPARED', space,
    abi: 'linux', preparedBy: '', replaces: 0, windows: undefined, exitStatus: 0, threads: 0, startMs: monoMs(),
  };
  k.processes.add(p);
  ps.commit(p, { entry: 0x400000, stackPointer: 0x7ffff0010000 - 8, fsBase: 0, registers: [] });

  const deadline = Date.now() + 10_000;
  while (p.state !== 'EXITED' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  assert.equal(p.state, 'EXITED', `the program finished (output so far: ${JSON.stringify(out)})`);
  assert.equal(out, 'hello\nhandler\nafter\nchild\n');
  assert.equal(p.exitStatus, 42 << 8, 'exit status: the child\'s 41, plus one');
});
