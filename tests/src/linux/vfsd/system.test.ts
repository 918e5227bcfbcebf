/**
 * vfsd in a running local system, through its peer API (the probe holds
 * `uses: vfsd.files`): trees copied in and out (`rustos cp`'s contract), the
 * loader's OpenExec, sessions; then `rustos kill vfsd` — the new generation
 * restores tmpfs, sessions and their buffered input from the nucleus StateStore.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { grpc, rustos, unaryCall, type ServiceContext } from '@rustos/platform';
import type { VfsdClient } from '@rustos/platform/gen/rustos/v1/Vfsd.js';
import type { CopyChunk } from '@rustos/platform/gen/rustos/v1/CopyChunk.js';
import type { CopyChunk__Output } from '@rustos/platform/gen/rustos/v1/CopyChunk.js';
import type { CopyReply__Output } from '@rustos/platform/gen/rustos/v1/CopyReply.js';
import type { SessionOutput__Output } from '@rustos/platform/gen/rustos/v1/SessionOutput.js';
import { LocalSystem } from '../../local/system.js';
import { startProbeOn, vfsdPeer } from '../../local/probe.js';

let sys: LocalSystem;
let probe: ServiceContext;
before(async () => {
  sys = await LocalSystem.boot({ tools: true });
  probe = await startProbeOn(sys);
});
after(async () => {
  await probe?.shutdown();
  await sys?.down();
});

const vfsd = () => vfsdPeer(probe);

const unary = <Req, Res>(method: 'OpenExec' | 'ReadFile' | 'CreateSession' | 'BindSession' | 'CloseSession', req: Req) =>
  probe.peers.call('vfsd.files', rustos().Vfsd, (c: VfsdClient, md) => unaryCall<Res>((cb) =>
    (c[method] as unknown as (r: Req, m: grpc.Metadata, cb2: (e: grpc.ServiceError | null, r?: Res) => void) => void).call(c, req, md, cb)), { idempotent: true });

async function copyIn(target: string, name: string, chunks: CopyChunk[]): Promise<CopyReply__Output> {
  const { client, md } = await vfsd();
  return new Promise((resolve, reject) => {
    const call = client.CopyIn(md, (err, reply) => (err ? reject(err) : resolve(reply!)));
    call.write({ target: { path: target, name } });
    for (const c of chunks) call.write(c);
    call.end();
  });
}

async function copyOut(path: string): Promise<CopyChunk__Output[]> {
  const { client, md } = await vfsd();
  return new Promise((resolve, reject) => {
    const got: CopyChunk__Output[] = [];
    const call = client.CopyOut({ path }, md);
    call.on('data', (c: CopyChunk__Output) => got.push(c));
    call.on('error', reject);
    call.on('end', () => resolve(got));
  });
}

const file = (path: string, text: string, mode = 0o644): CopyChunk[] => [
  { entry: { path, kind: 'FILE', mode, size: Buffer.byteLength(text), mtimeMs: 1_700_000_000_000 } },
  { data: Buffer.from(text) },
];

test('cp: a tree into /tmp and /home and back out; OpenExec reads what was copied', async () => {
  const tree = [
    { entry: { path: '.', kind: 'DIRECTORY' as const, mode: 0o755, mtimeMs: 1_700_000_000_000 } },
    ...file('hello.sh', '#!/bin/sh\necho hi\n', 0o755),
    { entry: { path: 'lib', kind: 'DIRECTORY' as const, mode: 0o700, mtimeMs: 1_700_000_000_000 } },
    ...file('lib/data', 'payload'),
    { entry: { path: 'lnk', kind: 'SYMLINK' as const, mode: 0o777, target: 'hello.sh', mtimeMs: 1_700_000_000_000 } },
  ];
  const reply = await copyIn('/tmp', 'kit', tree);
  assert.deepEqual([reply.errno, reply.entries, Number(reply.bytes)], [0, 5, 25]);
  assert.equal((await copyIn('/home', 'kit', tree)).errno, 0);
  assert.equal((await copyIn('/', 'kit', tree)).errno, 30, 'the root image is read-only: EROFS');

  const back = await copyOut('/tmp/kit');
  const entries = back.filter((c) => c.entry).map((c) => `${c.entry!.path} ${c.entry!.kind} ${c.entry!.mode.toString(8)}`).sort();
  assert.deepEqual(entries, ['. DIRECTORY 755', 'hello.sh FILE 755', 'lib DIRECTORY 700', 'lib/data FILE 644', 'lnk SYMLINK 777']);
  assert.equal(Buffer.concat(back.filter((c) => c.data).map((c) => c.data!)).toString().length, 25);

  const exec = await unary<object, { errno: number; path: string; data: Buffer; mode: number }>('OpenExec', { pid: 0, path: '/tmp/kit/lnk' });
  assert.deepEqual([exec.errno, exec.path, exec.data.toString(), exec.mode], [0, '/tmp/kit/hello.sh', '#!/bin/sh\necho hi\n', 0o100755]);
  const noexec = await unary<object, { errno: number }>('OpenExec', { pid: 0, path: '/tmp/kit/lib/data' });
  assert.equal(noexec.errno, 13);
  const home = join(sys.home, 'home', 'kit', 'lib', 'data');
  assert.equal(readFileSync(home, 'utf8'), 'payload', '/home is RUSTOS_HOME/home on the host');
});

test('rustos cp that cannot be done says which path and why, in both directions', () => {
  const host = join(sys.home, 'cp-source.txt');
  writeFileSync(host, 'x');
  const out = sys.cli('cp', ':/no/such/file', join(sys.home, 'cp-out'));
  assert.deepEqual([out.status, out.stderr], [1, 'rustos cp: /no/such/file: ENOENT\n']);
  const into = sys.cli('cp', host, ':/no/such/dir/x');
  assert.deepEqual([into.status, into.stderr], [1, 'rustos cp: /no/such/dir/x: ENOENT\n']);
  // As docker cp: a host destination's directory is not made for it.
  const nowhere = join(sys.home, 'no', 'such', 'dir');
  const parentless = sys.cli('cp', ':/etc/hostname', join(nowhere, 'x'));
  assert.deepEqual([parentless.status, parentless.stderr], [1, `rustos cp: ${nowhere}: no such directory\n`]);
  assert.equal(existsSync(join(sys.home, 'no')), false, 'nothing was created on the host');
});

test('rustos kill vfsd: the next generation restores tmpfs and sessions (with their buffered input) from the state store', async () => {
  await copyIn('/tmp', 'survivor', file('.', 'still here'));
  const session = await unary<object, { errno: number; session: number; tty: string }>('CreateSession', { tty: true, rows: 40, cols: 120, label: 'test' });
  assert.equal(session.errno, 0);
  assert.match(session.tty, /^\/dev\/pts\/\d+$/);
  assert.equal((await unary<object, { errno: number }>('BindSession', { session: session.session, pid: 4242 })).errno, 0);
  {
    const { client, md } = await vfsd();
    const call = client.Attach(md);
    const echoed = new Promise<string>((resolve) => call.on('data', (o: SessionOutput__Output) => resolve(o.data.toString())));
    call.on('error', () => undefined);
    call.write({ session: session.session, data: Buffer.from('typed before the kill') });
    assert.equal(await echoed, 'typed before the kill', 'the terminal echoes');
    call.write({ stdoutHave: 'typed before the kill'.length });
    call.end();
  }
  await new Promise((r) => setTimeout(r, 50));

  const before = (await sys.status()).services.find((s) => s.name === 'vfsd')!;
  const killed = Date.now();
  assert.equal(sys.cli('kill', 'vfsd').status, 0);
  await sys.until('vfsd back', async () => {
    const s = (await sys.status()).services.find((x) => x.name === 'vfsd');
    return s && s.generation > before.generation && s.state === 'READY' ? true : undefined;
  });
  const took = Date.now() - killed;
  const restored = (await sys.milestones()).filter((m) => m.name === 'vfsd.restored').pop()!;
  assert.equal(restored.generation, before.generation + 1);
  // This test's process and session, and uiserver's console shell with its own session when it runs.
  const counts = /(\d+) processes, \d+ open files, 0 pipes, (\d+) sessions/.exec(restored.detail);
  assert.ok(counts && Number(counts[1]) >= 1 && Number(counts[2]) >= 1, restored.detail);
  process.stdout.write(`# vfsd back in ${took} ms; ${restored.detail}\n`);

  const back = await copyOut('/tmp/survivor');
  assert.equal(back.find((c) => c.data)!.data!.toString(), 'still here');
  // The session is there, with the line still being edited: finishing it echoes the newline.
  const { client, md } = await vfsd();
  const call = client.Attach(md);
  const out = new Promise<string>((resolve) => call.on('data', (o: SessionOutput__Output) => resolve(o.data.toString())));
  call.on('error', () => undefined);
  call.write({ session: session.session, data: Buffer.from('\x12') });
  assert.equal(await out, '^R\r\ntyped before the kill', 'VREPRINT shows the line typed before the restart');
  call.end();
  assert.equal((await unary<object, { errno: number }>('CloseSession', { session: session.session })).errno, 0);
});
