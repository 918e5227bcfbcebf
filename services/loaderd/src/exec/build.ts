/**
 * Building the planned process with the PROC brokers: prepare an empty one,
 * map the stack and every segment, commit. Any failure aborts the prepared
 * process, so nothing half-built remains; the failure comes back as step
 * "build" with the broker's errno.
 */
import { Errno } from '@rustos/platform';
import { ExecFailure, fail, type Mapping } from '../elf/index.js';
import { BrokerError, type MapRequest, type ProcBuilder } from './builder.js';
import type { PreparedExec } from './prepare.js';

/** A mapping's content travels in pieces of at most this much (the broker takes 64 MiB, gRPC 128 MiB). */
export const CONTENT_CHUNK = 32 * 1024 * 1024;

const text = new TextDecoder();

export interface BuildTarget {
  parentPid: number;
  replacePid: number;
  /** Work that must happen between the last map and the commit (binding a new process's stdio). */
  beforeCommit?: (pid: number) => Promise<void>;
}

function requests(prep: PreparedExec, m: Mapping): MapRequest[] {
  const source = m.image === 'program' ? prep.program : m.image === 'interp' ? prep.interp : undefined;
  const base: MapRequest = {
    addr: m.addr, length: m.length, prot: m.prot, flags: m.growsDown ? 2 : 0,
    content: m.content ?? new Uint8Array(0), contentOffset: m.contentOffset, name: source?.path ?? m.name ?? '',
    file: source && { path: source.path, device: source.device, inode: source.inode, offset: m.fileOffset },
  };
  if (base.content.length + base.contentOffset <= CONTENT_CHUNK) return [base];
  // Large file contents: consecutive pieces of the same mapping (contentOffset is 0 for files).
  const out: MapRequest[] = [];
  for (let at = 0; at < m.length; at += CONTENT_CHUNK) {
    const length = Math.min(CONTENT_CHUNK, m.length - at);
    out.push({
      ...base, addr: m.addr + at, length, content: base.content.subarray(at, at + length), contentOffset: 0,
      file: base.file && { ...base.file, offset: base.file.offset + at },
    });
  }
  return out;
}

export async function buildProcess(builder: ProcBuilder, prep: PreparedExec, target: BuildTarget): Promise<{ pid: number; tid: number }> {
  let pid = 0;
  try {
    pid = await builder.prepare({
      name: prep.comm, exe: prep.program.path, argv: prep.argv.map((a) => text.decode(a)),
      parentPid: target.parentPid, replacePid: target.replacePid,
    });
    for (const m of prep.plan.mappings) for (const r of requests(prep, m)) await builder.map(pid, r);
    await target.beforeCommit?.(pid);
    return await builder.commit(pid, { entry: prep.plan.entry, stackPointer: prep.plan.stackPointer, brk: prep.plan.brk });
  } catch (err) {
    if (pid) await builder.abort(pid, err instanceof Error ? err.message : String(err)).catch(() => undefined);
    if (err instanceof ExecFailure) throw err;
    if (err instanceof BrokerError) fail('build', err.errno, err.message);
    fail('build', Errno.EIO, `building the process failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
