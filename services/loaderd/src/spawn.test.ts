// Spawn (the peer API for runtimed): a new process, not a replacement; a
// relative path resolved against cwd; a failure answered with the errno, its
// name, the step and the same line loaderd logs.
import assert from 'node:assert/strict';
import { dirname, basename } from 'node:path';
import { test } from 'node:test';
import { Errno, type grpc } from '@rustos/platform';
import type { SpawnReply } from '@rustos/platform/gen/rustos/v1/SpawnReply.js';
import type { SpawnRequest, SpawnRequest__Output } from '@rustos/platform/gen/rustos/v1/SpawnRequest.js';
import { spawnHandlers } from './spawn.js';
import { RecordingBuilder } from './testing/builder.js';
import { HostFiles, hostPrograms } from './testing/host.js';

const bins = hostPrograms();

function spawn(req: SpawnRequest) {
  const builder = new RecordingBuilder();
  const logged: string[] = [];
  const handlers = spawnHandlers({ files: new HostFiles('/nowhere'), builder, machine: async () => ({ hwcap: 0, hwcap2: 0, platform: 'x86_64', clockTicks: 100, memoryBytes: 2 ** 32 }), log: (l) => logged.push(l) });
  return new Promise<{ reply: SpawnReply; builder: RecordingBuilder; logged: string[] }>((resolve, reject) => {
    const call = { request: { path: '', argv: [], envp: [], parentPid: 0, cwd: '', uid: 0, gid: 0, ...req } } as unknown as grpc.ServerUnaryCall<SpawnRequest__Output, SpawnReply>;
    handlers.Spawn(call, (err, reply) => (err ? reject(err) : resolve({ reply: reply as SpawnReply, builder, logged })));
  });
}

test('Spawn builds a new process under its parent and answers its pid', async () => {
  const { reply, builder } = await spawn({ path: bins['hello-static']!, argv: ['hello', 'x'], envp: ['A=1'], parentPid: 12 });
  assert.equal(reply.errno, 0);
  const pid = reply.pid ?? 0;
  assert.ok(pid > 0 && reply.tid === pid);
  const p = builder.processes.get(pid)!;
  assert.deepEqual([p.request.parentPid, p.request.replacePid, p.state], [12, 0, 'COMMITTED']);
});

test('Spawn resolves a relative path against cwd', async () => {
  const path = bins['hello-static']!;
  const { reply } = await spawn({ path: basename(path), cwd: `${dirname(path)}/`, argv: ['x'] });
  assert.equal(reply.errno, 0, reply.message);
});

test('Spawn failures carry errno, name, step and the logged line', async () => {
  const { reply, logged } = await spawn({ path: '/no/such/program', argv: ['x'] });
  assert.deepEqual({ ...reply, detail: '' }, { pid: 0, tid: 0, errno: Errno.ENOENT, errnoName: 'ENOENT', step: 'open', message: 'loaderd: elf step failed exec=/no/such/program step=open errno=ENOENT', detail: '' });
  assert.deepEqual(logged, [reply.message]);
  const empty = await spawn({ path: '' });
  assert.equal(empty.reply.errnoName, 'ENOENT');
  const dir = await spawn({ path: '/usr' });
  assert.equal(dir.reply.errnoName, 'EACCES');
  const text = await spawn({ path: '/etc/passwd' });
  assert.equal(text.reply.errnoName, 'EACCES');
});
