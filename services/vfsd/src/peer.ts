/**
 * vfsd's peer API (proto/rustos/v1/vfsd.proto) as gRPC handlers: thin glue from
 * requests to the session, loader and tree policies.
 */
import { errnoName, grpc, notFound, toStatus, unary } from '@rustos/platform';
import type { VfsdHandlers } from '@rustos/platform/gen/rustos/v1/Vfsd.js';
import type { SessionInput__Output } from '@rustos/platform/gen/rustos/v1/SessionInput.js';
import type { SessionOutput } from '@rustos/platform/gen/rustos/v1/SessionOutput.js';
import type { CopyChunk, CopyChunk__Output } from '@rustos/platform/gen/rustos/v1/CopyChunk.js';
import type { CopyReply } from '@rustos/platform/gen/rustos/v1/CopyReply.js';
import type { ListenerInput__Output } from '@rustos/platform/gen/rustos/v1/ListenerInput.js';
import type { ListenerEvent } from '@rustos/platform/gen/rustos/v1/ListenerEvent.js';
import { ServiceListener } from './sockets/service-listener.js';
import { TmpFile } from './fs/tmpfs.js';
import { AT, Errno } from './abi.js';
import { Fail, fail } from './fail.js';
import { hostTick } from './fs/hostfs.js';
import { errnoOr, mapSource, openExec, readFile, writeBack } from './loader.js';
import { TreeIn, treeOut, type EntryKind } from './tree.js';
import type { Vfs } from './vfs.js';
import type { Session } from './session.js';
import { NeedInfo } from './proc/view.js';
import { woken, type Blocked } from './wait.js';

const CHUNK = 1 << 20;

/**
 * The endpoint is live from admission on, while vfsd may still be restoring its state (and
 * waiting up to seconds for /data): a call that arrives meanwhile waits for the restore.
 * grpc-js keeps a stream's messages until the handler listens, so streams wait whole.
 */
export function peerHandlers(state: () => Vfs | undefined, restored: Promise<unknown>): VfsdHandlers {
  const live = Object.entries(liveHandlers(() => state()!)) as Array<[string, (...args: unknown[]) => void]>;
  return Object.fromEntries(live.map(([name, handler]) => [name,
    (...args: unknown[]) => (state() ? handler(...args) : void restored.then(() => handler(...args)))])) as unknown as VfsdHandlers;
}

/** The handlers proper, called only once vfsd is restored. */
function liveHandlers(state: () => Vfs): VfsdHandlers {
  const vfs = () => {
    hostTick();
    return state();
  };
  return {
    CreateSession: unary((req) => errnoOr(() => {
      const size = req.rows || req.cols ? { rows: req.rows || 24, cols: req.cols || 80, xpixel: 0, ypixel: 0 } : undefined;
      const s = vfs().sessions.create(req.tty, size, req.label);
      return { errno: 0, session: s.id, tty: s.tty ? `/dev/pts/${s.tty.index}` : '' };
    }, (errno) => ({ errno, session: 0, tty: '' }))),

    BindSession: unary((req) => vfs().view.complete(() => {
      const v = vfs();
      // Which part failed is the launcher's to report: a working directory is the user's to fix.
      if (req.cwd) {
        const errno = errnoOr(() => { startIn(v, req.pid, req.cwd); return 0; }, (e) => e);
        if (errno) return { errno, cwd: true };
      }
      return errnoOr(() => { v.sessions.bind(req.session, req.pid); return { errno: 0 }; }, (errno) => ({ errno }));
    })),

    CloseSession: unary((req) => errnoOr(() => {
      vfs().sessions.close(req.session);
      return { errno: 0 };
    }, (errno) => ({ errno }))),

    Attach(call: grpc.ServerDuplexStream<SessionInput__Output, SessionOutput>) {
      let detach: (() => void) | undefined;
      let session: Session | undefined;
      call.on('data', (m: SessionInput__Output) => {
        try {
          if (!session) {
            session = vfs().sessions.byId.get(m.session);
            if (!session) throw notFound(`no session ${m.session}`, Errno.ENOENT);
          }
          // Acknowledged first: what an attach sends again is only what the launcher lacks.
          acknowledge(session, m);
          detach ??= session.attach((stream, data, offset) => {
            call.write(data ? { stream, data, offset } : { stream, eof: true, offset });
          });
          if (m.data.length) session.input(m.data);
          if (m.resize) session.resize({ rows: m.resize.rows, cols: m.resize.cols, xpixel: 0, ypixel: 0 });
          if (m.eof) session.endInput();
        } catch (err) {
          call.emit('error', toStatus(err));
        }
      });
      const end = () => detach?.();
      call.on('end', () => { end(); call.end(); });
      call.on('cancelled', end);
      call.on('close', end);
    },

    // Paths may go through /proc/<pid> (busybox re-executes /proc/self/exe): process data is fetched as needed.
    OpenExec: unary(async (req) => reply(await vfs().view.complete(() => openExec(vfs(), req.pid, req.path)))),
    ReadFile: unary(async (req) => reply(await vfs().view.complete(() => readFile(vfs(), req.pid, req.path)))),

    MapSource: unary((req) => {
      const r = mapSource(vfs(), req.pid, req.fd, Number(req.offset), Number(req.length), req.shared);
      return { ...r, file: r.file };
    }),

    WriteBack: unary((req) => ({
      errno: writeBack(vfs(), Number(req.file?.device ?? 0), Number(req.file?.inode ?? 0), Number(req.file?.offset ?? 0), req.data),
    })),

    Listen(call: grpc.ServerDuplexStream<ListenerInput__Output, ListenerEvent>) {
      let listener: ServiceListener | undefined;
      const end = () => listener?.end();
      call.on('data', (m: ListenerInput__Output) => {
        try {
          if (!listener) {
            if (!m.listen) throw notFound('the first message of Listen must be `listen`', Errno.EINVAL);
            const l = m.listen;
            listener = new ServiceListener(vfs(), (e) => call.write(e as ListenerEvent));
            const errno = listener.listen({ path: l.path, uid: l.uid, gid: l.gid, mode: l.mode, dirMode: l.dirMode, backlog: l.backlog });
            if (errno) call.end();
          } else if (m.send) {
            listener.send(m.send.conn, m.send.data, m.send.fds.map(Number), m.send.newFiles);
          } else if (m.body === 'close') {
            listener.close(m.close ?? 0);
          }
        } catch (err) {
          call.emit('error', toStatus(err));
        }
      });
      call.on('end', () => { end(); call.end(); });
      call.on('cancelled', end);
      call.on('close', end);
      call.on('error', end);
    },

    // The guest's latest stores: a sectioned file's pages are pulled from the nucleus first.
    ReadPassedFile: unary(async (req) => {
      const v = vfs();
      const handle = Number(req.handle);
      const f = errnoOr(() => v.passed.get(handle), () => undefined);
      if (f?.obj instanceof TmpFile) await v.sectionSync.pull(f.obj.node, Number(req.offset), Number(req.length));
      return errnoOr(() => {
        const r = v.passed.read(handle, Number(req.offset), Math.min(Number(req.length), 64 << 20));
        return { errno: 0, data: r.data, size: r.size };
      }, (errno) => ({ errno, data: Buffer.alloc(0), size: 0 }));
    }),

    ReleasePassedFile: unary((req) => errnoOr(() => {
      vfs().passed.release(Number(req.handle));
      return { errno: 0 };
    }, (errno) => ({ errno }))),

    async CopyOut(call: grpc.ServerWritableStream<{ path: string }, CopyChunk>) {
      try {
        await vfs().mounts.settled();
        for (const { entry, data } of treeOut(vfs(), call.request.path)) {
          call.write({ entry: { ...entry, kind: entry.kind } });
          for (let at = 0; data && at < data.length; at += CHUNK) call.write({ data: data.subarray(at, at + CHUNK) });
        }
        call.end();
      } catch (err) {
        const errno = err instanceof Fail ? err.errno : Errno.EIO;
        call.emit('error', err instanceof Fail ? notFound(`${call.request.path}: ${errnoText(errno)}`, errno) : toStatus(err));
      }
    },

    CopyIn(call: grpc.ServerReadableStream<CopyChunk__Output, CopyReply>, callback: grpc.sendUnaryData<CopyReply>) {
      let tree: TreeIn | undefined;
      let failed: CopyReply | undefined;
      /** The guest path the copy goes to, named in a failure's message. */
      let target = '';
      // A mount on its way (/data, just after a vfsd restart): the copy waits for it,
      // its stream paused meanwhile (a paused stream stays paused when listened to).
      call.pause();
      void vfs().mounts.settled().then(() => call.resume());
      const attempt = (f: () => void) => {
        if (failed) return;
        try {
          f();
        } catch (err) {
          // A mount that started during the copy cannot be waited for in the middle of its stream.
          const errno = err instanceof Fail ? err.errno : err instanceof NeedInfo ? Errno.EAGAIN : Errno.EIO;
          const message = err instanceof Fail ? `${target && `${target}: `}${errnoText(errno)}` : err instanceof NeedInfo ? 'vfsd is mounting /data: try again' : String(err);
          failed = { errno, message, entries: tree?.entries ?? 0, bytes: tree?.bytes ?? 0 };
        }
      };
      // A filesystem that cannot take more yet (ext2 with much unsynced): the stream pauses until it has.
      let writing: Promise<void> | undefined;
      const drain = async (t: TreeIn, blocked: Blocked) => {
        call.pause();
        let b: Blocked | undefined = blocked;
        while (b && !failed) {
          await woken(b.queues);
          await new Promise(setImmediate);   // never inside the waker's own work
          let next: Blocked | undefined;
          attempt(() => { next = t.more(); });
          b = next;
        }
        writing = undefined;
        call.resume();
      };
      call.on('data', (c: CopyChunk__Output) => attempt(() => {
        if (c.target) {
          target = c.target.path;
          tree = new TreeIn(vfs(), c.target.path, c.target.name);
        }
        else if (!tree) throw new Fail(Errno.EINVAL);
        else if (c.entry) tree.entry({ ...c.entry, kind: c.entry.kind as EntryKind, size: Number(c.entry.size) });
        else if (c.data) {
          const blocked = tree.data(c.data);
          if (blocked) writing = drain(tree, blocked);
        }
      }));
      call.on('end', () => {
        void (writing ?? Promise.resolve()).then(() => {
          attempt(() => (tree ?? (() => { throw new Fail(Errno.EINVAL); })()).end());
          callback(null, failed ?? { errno: 0, message: '', entries: tree!.entries, bytes: tree!.bytes });
        });
      });
    },
  };
}

function reply(r: ReturnType<typeof openExec>) {
  return {
    errno: r.errno, path: r.path, data: r.data, file: r.file,
    mode: r.stat?.mode ?? 0, uid: r.stat?.uid ?? 0, gid: r.stat?.gid ?? 0,
  };
}

const errnoText = errnoName;

/** A launched process's first working directory, chosen by its launcher (runtimed), checked as chdir would be. */
function startIn(v: Vfs, pid: number, cwd: string): void {
  const p = v.procs.get(pid);
  const loc = v.resolve(p, { pid, uid: 0, gid: 0 }, AT.FDCWD, cwd, true);
  if (!loc.node.isDir()) fail(Errno.ENOTDIR);
  p.cwd = loc.path;
  p.cwdLoc = loc;
  v.procs.procChanged(p);
}

/** What the launcher says it has of each stream. */
function acknowledge(session: Session, m: SessionInput__Output): void {
  if (Number(m.stdoutHave)) session.acknowledge('STDOUT', Number(m.stdoutHave));
  if (Number(m.stderrHave)) session.acknowledge('STDERR', Number(m.stderrHave));
}
