/** The ProcBuilder of the running system: the nucleus's PROC brokers, with loaderd's "broker.proc" capability. */
import { Errno, ERRNO_KEY, unaryCall, type grpc, type ServiceContext } from '@rustos/platform';
import type { MmReply__Output } from '@rustos/platform/gen/rustos/v1/MmReply.js';
import type { ProcCommitReply__Output } from '@rustos/platform/gen/rustos/v1/ProcCommitReply.js';
import type { ProcPrepareReply__Output } from '@rustos/platform/gen/rustos/v1/ProcPrepareReply.js';
import { BrokerError, type CommitRequest, type MapRequest, type PrepareRequest, type ProcBuilder } from './builder.js';

const DEADLINE_MS = 30_000;

/** A broker's gRPC failure as the errno its trailer names (EIO when it names none). */
function brokerError(what: string, err: unknown): BrokerError {
  const e = err as grpc.ServiceError;
  const name = e.metadata?.get(ERRNO_KEY)[0];
  const errno = typeof name === 'string' && name in Errno ? Errno[name as keyof typeof Errno] : Errno.EIO;
  return new BrokerError(errno, `${what}: ${e.details || e.message}`);
}

export function procBroker(ctx: ServiceContext): ProcBuilder {
  const proc = ctx.nucleus.proc;
  const header = () => ctx.header('broker.proc');
  const deadline = () => ({ deadline: Date.now() + DEADLINE_MS });
  const call = async <T>(what: string, start: (cb: (err: grpc.ServiceError | null, res?: T) => void) => void): Promise<T> => {
    try {
      return await unaryCall<T>(start);
    } catch (err) {
      throw brokerError(what, err);
    }
  };
  return {
    async prepare(req: PrepareRequest) {
      const r = await call<ProcPrepareReply__Output>('ProcBroker.Prepare', (cb) => proc.Prepare({ header: header(), ...req }, deadline(), cb));
      return r.pid;
    },
    async map(pid: number, m: MapRequest) {
      const r = await call<MmReply__Output>('ProcBroker.Map', (cb) => proc.Map({ header: header(), pid, map: { ...m, content: Buffer.from(m.content.buffer, m.content.byteOffset, m.content.length) } }, deadline(), cb));
      if (r.errno) throw new BrokerError(r.errno, `ProcBroker.Map at 0x${m.addr.toString(16)}: ${r.message}`);
    },
    async commit(pid: number, c: CommitRequest) {
      const r = await call<ProcCommitReply__Output>('ProcBroker.Commit', (cb) => proc.Commit({ header: header(), pid, entry: c.entry, stackPointer: c.stackPointer, brk: c.brk, abi: 'linux' }, deadline(), cb));
      return { pid: r.pid, tid: r.tid };
    },
    async abort(pid: number, reason: string) {
      await call('ProcBroker.Abort', (cb) => proc.Abort({ header: header(), pid, reason: reason.slice(0, 1000) }, deadline(), cb));
    },
  };
}
