/** The Loaderd peer API: Spawn starts a program as a new process (for runtimed). */
import { Errno, errnoName, unary } from '@rustos/platform';
import type { LoaderdHandlers } from '@rustos/platform/gen/rustos/v1/Loaderd.js';
import type { SpawnReply } from '@rustos/platform/gen/rustos/v1/SpawnReply.js';
import { failureLine, isFailed, runExec, type LoaderDeps } from './exec/loader.js';
import { fail } from './elf/index.js';

const utf8 = new TextEncoder();
/** A string crossing into the guest as C does: up to its first NUL. */
const cbytes = (s: string): Uint8Array => utf8.encode(s.includes('\0') ? s.slice(0, s.indexOf('\0')) : s);

export function spawnHandlers(deps: LoaderDeps): LoaderdHandlers {
  return {
    Spawn: unary(async (req): Promise<SpawnReply> => {
      const path = req.path.startsWith('/') || !req.cwd ? req.path : `${req.cwd.replace(/\/+$/, '')}/${req.path}`;
      if (!path) {
        const line = failureLine(req.path, 'open', Errno.ENOENT);
        return { pid: 0, tid: 0, errno: Errno.ENOENT, errnoName: 'ENOENT', step: 'open', message: line, detail: 'empty path' };
      }
      const r = await runExec(deps,
        { pid: req.parentPid, filename: cbytes(path), argv: req.argv.map(cbytes), envp: req.envp.map(cbytes), creds: { uid: req.uid, euid: req.uid, gid: req.gid, egid: req.gid } },
        {
          parentPid: req.parentPid, replacePid: 0,
          beforeCommit: req.session ? async (pid) => {
            const cwd = req.cwd || '/';
            const r = await deps.files.bindSession?.(req.session, pid, cwd) ?? { errno: Errno.ENOSYS, cwd: false };
            if (r.errno && r.cwd) fail('cwd', r.errno, `entering the working directory ${cwd} failed`);
            if (r.errno) fail('session', r.errno, `binding session ${req.session} to pid ${pid} failed`);
          } : undefined,
        });
      if (isFailed(r)) return { pid: 0, tid: 0, errno: r.errno, errnoName: errnoName(r.errno), step: r.step, message: r.line, detail: r.detail };
      return { pid: r.pid, tid: r.tid, errno: 0, errnoName: '', step: '', message: '', detail: '' };
    }),
  };
}
