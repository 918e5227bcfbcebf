/**
 * What building a process needs of the nucleus (the PROC brokers), as an
 * interface: the exec path is tested against a recording double, and served by
 * the real brokers (proc-broker.ts) in the system. Every method fails with a
 * positive errno (BrokerError).
 */
export class BrokerError extends Error {
  constructor(readonly errno: number, message: string) {
    super(message);
  }
}

export interface PrepareRequest {
  name: string;
  exe: string;
  argv: string[];
  parentPid: number;
  /** execve: the process whose image the new one replaces at commit (0 for a new process). */
  replacePid: number;
}

export interface MapRequest {
  addr: number;
  length: number;
  prot: number;
  /** 2: grows down (the stack). */
  flags: number;
  content: Uint8Array;
  contentOffset: number;
  name: string;
  file?: { path: string; device: number; inode: number; offset: number };
}

export interface CommitRequest {
  entry: number;
  stackPointer: number;
  /** The initial program break, for syscalld's brk. */
  brk: number;
}

export interface ProcBuilder {
  prepare(req: PrepareRequest): Promise<number>;
  map(pid: number, req: MapRequest): Promise<void>;
  commit(pid: number, req: CommitRequest): Promise<{ pid: number; tid: number }>;
  abort(pid: number, reason: string): Promise<void>;
}
