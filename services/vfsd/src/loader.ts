/**
 * What the loader and the mmap policy ask of files, outside any syscall:
 * an executable's bytes with the checks execve makes (OpenExec), a whole file
 * (ReadFile), and the bytes a file-backed mapping shows (MapSource). Failures are
 * errno values, as the guest would see them.
 */
import { Errno, O, PAGE, S, X_OK } from './abi.js';
import { Fail, fail } from './fail.js';
import { DeviceFile } from './fs/devfs.js';
import { HostFile } from './fs/hostfs.js';
import { permits } from './fs/perm.js';
import { TmpFile } from './fs/tmpfs.js';
import type { Stat, Who } from './fs/node.js';
import type { Loc } from './fs/walk.js';
import { Blocked } from './wait.js';
import type { Vfs } from './vfs.js';

export interface Identity {
  path: string;
  device: number;
  inode: number;
  offset: number;
}

export interface FileBytes {
  errno: number;
  path: string;
  data: Buffer;
  file: Identity | null;
  stat: Stat | null;
}

export function errnoOr<T>(f: () => T, empty: (errno: number) => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof Fail) return empty(err.errno);
    throw err;
  }
}

function locate(v: Vfs, pid: number, path: string): { loc: Loc; who: Who } {
  const who = { pid, uid: 0, gid: 0 };
  const p = v.procs.procs.get(pid);
  const base = p ? v.cwd(p, who) : v.walker.root();
  return { loc: v.walker.resolve(who, base, path, true), who };
}

/** Every byte of the regular file at `loc`. */
export function wholeFile(v: Vfs, loc: Loc, who: Who): Buffer {
  const f = v.openAt(loc, O.RDONLY, who);
  try {
    const size = f.obj.size();
    const r = f.obj.read(f, size, 0, 0);
    return r instanceof Blocked ? Buffer.alloc(0) : r;
  } finally {
    v.procs.discard(f);
  }
}

function bytes(v: Vfs, pid: number, path: string, exec: boolean): FileBytes {
  return errnoOr<FileBytes>(() => {
    const { loc, who } = locate(v, pid, path);
    const node = loc.node;
    if (node.isDir()) fail(exec ? Errno.EACCES : Errno.EISDIR);
    if ((node.mode() & S.IFMT) !== S.IFREG) fail(exec ? Errno.EACCES : Errno.EINVAL);
    if (exec && !permits(who, node, X_OK)) fail(Errno.EACCES);
    const st = node.stat();
    return {
      errno: 0, path: loc.path, data: wholeFile(v, loc, who),
      file: { path: loc.path, device: st.dev, inode: st.ino, offset: 0 }, stat: st,
    };
  }, (errno) => ({ errno, path: '', data: Buffer.alloc(0), file: null, stat: null }));
}

export const openExec = (v: Vfs, pid: number, path: string) => bytes(v, pid, path, true);
export const readFile = (v: Vfs, pid: number, path: string) => bytes(v, pid, path, false);

export interface MapSource {
  errno: number;
  data: Buffer;
  file: Identity | null;
  readable: boolean;
  writable: boolean;
  size: number;
  anonymous: boolean;
  section: boolean;
}

export function mapSource(v: Vfs, pid: number, fd: number, offset: number, length: number, shared = false): MapSource {
  const none = (errno: number): MapSource => ({ errno, data: Buffer.alloc(0), file: null, readable: false, writable: false, size: 0, anonymous: false, section: false });
  return errnoOr(() => {
    if (offset % PAGE !== 0 || offset < 0 || length <= 0) fail(Errno.EINVAL);
    const p = v.procs.procs.get(pid) ?? fail(Errno.EBADF);
    const f = p.table.slots.get(fd)?.file ?? fail(Errno.EBADF);
    if (f.flags & O.PATH) fail(Errno.EBADF);
    if (!f.readable()) fail(Errno.EACCES);
    const st = f.obj.node.stat();
    const file = { path: f.path, device: st.dev, inode: st.ino, offset };
    if (f.obj instanceof DeviceFile) {
      if (f.obj.device !== 'zero') fail(Errno.ENODEV);
      return { ...none(0), file, readable: true, writable: f.writable(), anonymous: true };
    }
    if (!(f.obj instanceof TmpFile || f.obj instanceof HostFile)) fail(Errno.ENODEV);
    if (f.writable()) v.mapped.set(`${st.dev}:${st.ino}`, new WeakRef(f));
    // tmpfs files (and memfds) share their mappings' frames through a nucleus section.
    const section = shared && f.obj instanceof TmpFile && v.sectionSync.enabled;
    if (section && !(f.obj as TmpFile).node.section) {
      const node = (f.obj as TmpFile).node;
      node.section = true;
      node.fs.changed(node);
    }
    const size = f.obj.size();
    const end = Math.min(offset + length, Math.ceil(size / PAGE) * PAGE);
    const data = Buffer.alloc(Math.max(0, end - offset));
    if (offset < size) {
      f.obj.read(f, Math.min(size, end) - offset, offset).copy(data);
    }
    return { errno: 0, data, file, readable: true, writable: f.writable(), size, anonymous: false, section };
  }, none);
}

/** Writes a shared mapping's pages back into the file it maps, up to the file's end. */
export function writeBack(v: Vfs, device: number, inode: number, offset: number, data: Buffer): number {
  return errnoOr(() => {
    const f = v.mapped.get(`${device}:${inode}`)?.deref() ?? fail(Errno.ESTALE);
    // A sectioned file's mapping is its bytes already (vfsd pulls them when it reads).
    if (f.obj instanceof TmpFile && f.obj.node.section) return 0;
    const n = Math.min(data.length, f.obj.size() - offset);
    if (n > 0) f.obj.write(f, data.subarray(0, n), offset);
    return 0;
  }, (errno) => errno);
}
