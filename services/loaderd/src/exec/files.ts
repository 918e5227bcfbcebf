/**
 * How loaderd reads executables: vfsd opens them on behalf of a process (its
 * cwd, its view of /proc/self, permission to execute), answering the resolved
 * path, the bytes and the file's identity, or an errno. One small interface, so
 * the exec path is tested against host files and served by vfsd in the system.
 */
export interface ExecFile {
  /** The resolved path (/proc/<pid>/exe, and the name of its mappings). */
  path: string;
  bytes: Uint8Array;
  device: number;
  inode: number;
  mode: number;
}

export interface ExecFiles {
  /** Opens `path` for execution as process `pid` sees it: the file, or a positive errno. */
  openExec(pid: number, path: string): Promise<ExecFile | number>;
  /** Makes a vfsd session the new process's fds 0-2 and sets its cwd (Spawn): 0, or a positive errno. */
  bindSession?(session: number, pid: number, cwd: string): Promise<{ errno: number; cwd: boolean }>;
}
