/**
 * vfsd's service-side listener (vfsd.proto, Listen and ReadPassedFile), the
 * way uiserver's Wayland socket uses it: this test process is the service (the
 * probe holds `uses: vfsd.files`), a real guest program is the client. The guest
 * connects to /run/user/1000/<name>, passes a memfd it mapped MAP_SHARED,
 * draws into the mapping after the pass; the service reads the pixels through
 * ReadPassedFile (the section, not a copy), passes a file back, says bye and
 * hangs up; a guest that hangs up is seen to. Ending the stream removes the
 * socket file.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { grpc, unaryCall, type ServiceContext } from '@rustos/platform';
import type { ListenerEvent__Output } from '@rustos/platform/gen/rustos/v1/ListenerEvent.js';
import type { ListenerInput } from '@rustos/platform/gen/rustos/v1/ListenerInput.js';
import type { ReadPassedFileReply__Output } from '@rustos/platform/gen/rustos/v1/ReadPassedFileReply.js';
import { CLI, LocalSystem } from '../../local/system.js';
import { startProbeOn, vfsdPeer } from '../../local/probe.js';

let sys: LocalSystem;
let probe: ServiceContext;
before(async () => {
  // Port 0: another system on this machine may hold uiserver's default port.
  sys = await LocalSystem.boot({ tools: true, env: { RUSTOS_UI_HTTP: '127.0.0.1:0' } });
  probe = await startProbeOn(sys);
});
after(async () => {
  await probe?.shutdown();
  await sys?.down();
});

const vfsd = () => vfsdPeer(probe);

/** A Listen stream whose events are awaited one at a time. */
class Listener {
  private readonly events: ListenerEvent__Output[] = [];
  private waiting: (() => void) | undefined;
  ended = false;
  constructor(readonly call: grpc.ClientDuplexStream<ListenerInput, ListenerEvent__Output>) {
    call.on('data', (e: ListenerEvent__Output) => { this.events.push(e); this.waiting?.(); });
    call.on('end', () => { this.ended = true; this.waiting?.(); });
    call.on('error', () => { this.ended = true; this.waiting?.(); });
  }
  async next(timeoutMs = 30_000): Promise<ListenerEvent__Output> {
    const deadline = Date.now() + timeoutMs;
    while (!this.events.length) {
      if (this.ended) throw new Error('the Listen stream ended');
      if (Date.now() > deadline) throw new Error('no listener event in time');
      await new Promise<void>((resolve) => { this.waiting = resolve; setTimeout(resolve, 200); });
    }
    return this.events.shift()!;
  }
  send(m: ListenerInput): void {
    this.call.write(m);
  }
}

async function listen(path: string): Promise<Listener> {
  const { client, md } = await vfsd();
  const l = new Listener(client.Listen(md));
  l.send({ listen: { path, uid: 1000, gid: 1000, mode: 0o755, dirMode: 0o700 } });
  return l;
}

/** `rustos run` without blocking this process's event loop (the service answers while the guest runs). */
function run(...argv: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'run', '--', ...argv], { env: sys.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

async function readPassed(handle: number, offset: number, length: number): Promise<ReadPassedFileReply__Output> {
  const { client, md } = await vfsd();
  return unaryCall<ReadPassedFileReply__Output>((cb) => client.ReadPassedFile({ handle, offset, length }, md, cb));
}

const SOCKET = '/run/user/1000/wayland-test';

test('a guest connects, passes a memfd and draws after the pass; the service reads the pixels and answers with a file', async () => {
  const l = await listen(SOCKET);
  const first = await l.next();
  assert.deepEqual(first.listening, { errno: 0, path: SOCKET });

  // A second listener on the same path is refused; a relative path is EINVAL.
  const dup = await listen(SOCKET);
  assert.equal((await dup.next()).listening?.errno, 98, 'EADDRINUSE');
  const rel = await listen('run/x');
  assert.equal((await rel.next()).listening?.errno, 22, 'EINVAL');

  const guest = run('/opt/rustos/tests/unix_sockets', 'client', SOCKET);
  const accepted = (await l.next()).accepted!;
  assert.ok(accepted.conn > 0 && accepted.pid > 0, `accepted ${JSON.stringify(accepted)}`);

  const hello = (await l.next()).data!;
  assert.equal(hello.data.toString(), 'hello');
  assert.equal(hello.fds.length, 1);
  const pool = hello.fds[0]!;
  assert.equal(pool.kind, 'MEMFD');
  assert.equal(Number(pool.size), 64 * 64 * 4);
  assert.equal(pool.path, '/memfd:wl_shm (deleted)');

  l.send({ send: { conn: accepted.conn, data: Buffer.from('ok'), newFiles: [Buffer.from('keymap-bytes')] } });
  const drawn = (await l.next()).data!;
  assert.equal(drawn.data.toString(), 'drawn');

  // The pixels the guest stored through its mapping after passing the fd.
  const px = await readPassed(Number(pool.handle), 0, 64 * 64 * 4);
  assert.equal(px.errno, 0);
  assert.equal(px.data.length, 64 * 64 * 4);
  let wrong = 0;
  for (let i = 0; i < px.data.length; i++) if (px.data[i] !== ((i * 7 + 3) & 0xff)) wrong++;
  assert.equal(wrong, 0, 'every byte is what the guest drew');
  assert.equal((await readPassed(Number(pool.handle), 16380, 100)).data.length, 4, 'a read past the end is short');
  assert.equal((await readPassed(987654, 0, 1)).errno, 9, 'an unknown handle is EBADF');

  l.send({ send: { conn: accepted.conn, data: Buffer.from('bye') } });
  l.send({ close: accepted.conn });
  const r = await guest;
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.equal(r.stdout, [
    'client: service says ok with 1 fd(s)',
    "client: passed file holds 'keymap-bytes' (12 bytes)",
    'client: service says bye',
    'client: then end of file 0',
    '',
  ].join('\n'));

  // A send to a connection the service closed is an error event, not the end of the stream.
  l.send({ send: { conn: accepted.conn, data: Buffer.from('late') } });
  assert.equal((await l.next()).error?.errno, 107, 'ENOTCONN');

  // A guest that says something and closes: its bytes, then a hang-up.
  const visit = await run('/opt/rustos/tests/unix_sockets', 'connect', SOCKET);
  assert.equal(visit.status, 0, visit.stdout + visit.stderr);
  const second = (await l.next()).accepted!;
  assert.notEqual(second.conn, accepted.conn);
  assert.equal((await l.next()).data?.data.toString(), 'short visit');
  assert.equal((await l.next()).hangup, second.conn);

  const listed = await run('/bin/busybox', 'stat', '-c', '%F %a %u:%g', SOCKET, '/run/user/1000');
  assert.equal(listed.stdout, 'socket 755 1000:1000\ndirectory 700 1000:1000\n');

  l.call.end();
  await new Promise((resolve) => setTimeout(resolve, 300));
  const gone = await run('/opt/rustos/tests/unix_sockets', 'client', SOCKET);
  assert.equal(gone.status, 100);
  assert.match(gone.stdout, /FAILED connect\(.*: ENOENT/, 'the socket file went with the stream');
});
