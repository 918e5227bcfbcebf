/**
 * Launching a program with its stdio attached to the caller (`rustos run`, the
 * shell on `npm start`, autostart apps): a vfsd session (a terminal, or three
 * pipes), loaderd's Spawn bound to it, the session's output relayed to the caller
 * and its input to the session, and the exit status from the process's PROC_EXIT.
 */
import { Errno, errnoName, grpc, rustos, unaryCall, type ServiceContext } from '@rustos/platform';
import type { RunInput__Output } from '@rustos/platform/gen/rustos/v1/RunInput.js';
import type { RunOutput } from '@rustos/platform/gen/rustos/v1/RunOutput.js';
import type { RunExit } from '@rustos/platform/gen/rustos/v1/RunExit.js';
import type { SessionInfo__Output } from '@rustos/platform/gen/rustos/v1/SessionInfo.js';
import type { SessionOutput__Output } from '@rustos/platform/gen/rustos/v1/SessionOutput.js';
import type { SessionInput } from '@rustos/platform/gen/rustos/v1/SessionInput.js';
import type { VfsdClient } from '@rustos/platform/gen/rustos/v1/Vfsd.js';
import { spawnFromPath } from './spawn.js';
import type { Catalogs } from './catalogs.js';

/** Where a bare command name is looked for when the environment sets no PATH (execvp's default, with the sbin directories). */
const DEFAULT_PATH = '/bin:/usr/bin:/sbin:/usr/sbin';

/** Exit statuses of launched processes, as PROC_EXIT reports them (wait status encoding). */
const exits = new Map<number, number>();
const exitWaiters = new Map<number, (status: number) => void>();

export function processExited(pid: number, status: number): void {
  const w = exitWaiters.get(pid);
  exitWaiters.delete(pid);
  if (w) w(status); else exits.set(pid, status);
}

function waitExit(pid: number): Promise<number> {
  const known = exits.get(pid);
  exits.delete(pid);
  if (known !== undefined) return Promise.resolve(known);
  return new Promise((resolve) => exitWaiters.set(pid, resolve));
}

/** A wait status as a shell reports it. */
export function shellStatus(status: number): RunExit {
  const sig = status & 0x7f;
  if (sig) return { status: 128 + sig, signal: sig, core: (status & 0x80) !== 0, message: '' };
  return { status: (status >> 8) & 0xff, signal: 0, core: false, message: '' };
}

function vfsd(ctx: ServiceContext) {
  return (fn: (c: VfsdClient, md: grpc.Metadata) => Promise<unknown>) => ctx.peers.call('vfsd.files', rustos().Vfsd, fn as never, { idempotent: true });
}

export function runHandler(ctx: ServiceContext, catalogs: () => Catalogs): grpc.handleBidiStreamingCall<RunInput__Output, RunOutput> {
  return (call) => {
    let started = false;
    let attach: grpc.ClientDuplexStream<SessionInput, SessionOutput__Output> | undefined;
    const pendingInput: SessionInput[] = [];
    let pid = 0;
    let session = 0;
    const send = (m: SessionInput) => (attach ? attach.write(m) : pendingInput.push(m));
    const fail = (message: string, status: number) => {
      call.write({ exited: { status, signal: 0, core: false, message } });
      call.end();
    };

    call.on('data', (m: RunInput__Output) => {
      if (!started) {
        if (m.body !== 'start' || !m.start) return fail('rustos run: the first message must name the program', 2);
        started = true;
        void start(m.start).catch((err: Error) => fail(`rustos run: ${err.message}`, 125));
        return;
      }
      if (m.body === 'stdin') send({ data: m.stdin! });
      else if (m.body === 'resize') send({ resize: { rows: m.resize!.rows, cols: m.resize!.cols } });
      else if (m.body === 'eof') send({ eof: true });
      else if (m.body === 'signal' && pid) {
        ctx.peers.call('syscalld.linux', rustos().Syscalld, (c, md) => unaryCall((cb) => c.Kill({ pid: -pid, signo: m.signal! }, md, cb)), { idempotent: false })
          .catch((err: Error) => ctx.log.warn(`signal ${m.signal} to ${pid}: ${err.message}`));
      }
    });
    call.on('end', () => { if (!attach) call.end(); });
    call.on('cancelled', () => attach?.cancel());

    const start = async (req: NonNullable<RunInput__Output['start']>) => {
      const s = await vfsd(ctx)((c, md) => unaryCall<SessionInfo__Output>((cb) => c.CreateSession({ tty: req.tty, rows: req.rows, cols: req.cols, label: req.path }, md, cb))) as SessionInfo__Output;
      if (s.errno) return fail(`rustos run: no session: ${errnoName(s.errno)}`, 125);
      session = s.session;
      const env = { ...catalogs().env, ...req.env };
      const argv = req.argv.length ? req.argv : [req.path];
      const spawned = await spawnFromPath(ctx, req.path, env.PATH ?? DEFAULT_PATH, { argv, envp: Object.entries(env).map(([k, v]) => `${k}=${v}`), cwd: req.cwd || '/', session });
      if (spawned.errno) {
        await vfsd(ctx)((c, md) => unaryCall((cb) => c.CloseSession({ session }, md, cb))).catch(() => undefined);
        const status = spawned.errno === Errno.ENOENT ? 127 : 126;
        if (spawned.step === 'cwd') return fail(`rustos run: working directory ${req.cwd}: ${errnoName(spawned.errno)}`, status);
        return fail(spawned.message || `rustos run: ${req.path}: ${errnoName(spawned.errno)}`, status);
      }
      pid = spawned.pid;
      call.write({ started: pid });
      ctx.milestone('runtimed.launched', req.path, `pid ${pid}`);
      let open = req.tty ? 1 : 2;
      const ended = new Set<string>();
      let exited: RunExit | undefined;
      const finish = () => {
        if (open > 0 || !exited) return;
        call.write({ exited });
        call.end();
        void vfsd(ctx)((c, md) => unaryCall((cb) => c.CloseSession({ session }, md, cb))).catch(() => undefined);
      };
      // vfsd sends again what we did not acknowledge (after its restart too): keep only what lies past what we have.
      const have = { STDOUT: 0, STDERR: 0 };
      let acking = false;
      const acknowledge = () => {
        if (acking) return;
        acking = true;
        setImmediate(() => {
          acking = false;
          attach?.write({ stdoutHave: have.STDOUT, stderrHave: have.STDERR });
        });
      };
      const fresh = (o: SessionOutput__Output): Buffer => {
        const key = o.stream === 'STDERR' ? 'STDERR' : 'STDOUT';
        const skip = Math.max(0, have[key] - Number(o.offset));
        const data = skip ? o.data.subarray(Math.min(skip, o.data.length)) : o.data;
        have[key] = Math.max(have[key], Number(o.offset) + o.data.length);
        return data;
      };
      const connect = () => {
        ctx.peers.resolve('vfsd.files').then((r) => {
          const c = ctx.peers.client(rustos().Vfsd, r);
          attach = c.Attach(ctx.peers.metadata(r));
          attach.write({ session, stdoutHave: have.STDOUT, stderrHave: have.STDERR });
          for (const m of pendingInput.splice(0)) attach.write(m);
          attach.on('data', (o: SessionOutput__Output) => {
            const data = fresh(o);
            if (data.length) call.write(o.stream === 'STDERR' ? { stderr: data } : { stdout: data });
            if (o.data.length) acknowledge();
            if (o.eof && !ended.has(o.stream)) { ended.add(o.stream); open--; finish(); }
          });
          attach.on('error', (err: grpc.ServiceError) => {
            // vfsd restarted: attach again; nothing it buffered is lost.
            if (err.code === grpc.status.CANCELLED || open <= 0) return;
            attach = undefined;
            setTimeout(connect, 50);
          });
        }, (err: Error) => fail(`rustos run: vfsd unreachable: ${err.message}`, 125));
      };
      connect();
      exited = shellStatus(await waitExit(pid));
      ctx.milestone('runtimed.exited', req.path, `pid ${pid} status ${exited.status}`);
      // Output may still be on its way: the session's end-of-file says it is all here.
      setTimeout(() => { open = 0; finish(); }, 2000).unref();
      finish();
    };
  };
}
