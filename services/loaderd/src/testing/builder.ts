/**
 * A ProcBuilder double that keeps the nucleus's rules (only a prepared process
 * may be mapped, committed or aborted; mappings must be page aligned and inside
 * the user address space, content must fit) and records everything, so tests can
 * ask what was built and whether anything half-built remains. It can be told to
 * fail one call with an errno.
 */
import { Errno } from '@rustos/platform';
import { PAGE, TASK_SIZE } from '../elf/index.js';
import { BrokerError, type CommitRequest, type MapRequest, type PrepareRequest, type ProcBuilder } from '../exec/builder.js';

export interface BuiltProcess {
  pid: number;
  request: PrepareRequest;
  maps: MapRequest[];
  state: 'PREPARED' | 'COMMITTED' | 'ABORTED';
  commit?: CommitRequest;
  abortReason?: string;
}

export class RecordingBuilder implements ProcBuilder {
  readonly processes = new Map<number, BuiltProcess>();
  private nextPid = 100;
  /** Fail the `count`-th call (1-based) of `method` with `errno`. */
  failure: { method: 'prepare' | 'map' | 'commit'; count: number; errno: number } | undefined;
  private readonly counts = { prepare: 0, map: 0, commit: 0 };

  private check(method: 'prepare' | 'map' | 'commit'): void {
    const n = ++this.counts[method];
    if (this.failure?.method === method && this.failure.count === n) throw new BrokerError(this.failure.errno, `injected ${method} failure`);
  }

  private prepared(pid: number): BuiltProcess {
    const p = this.processes.get(pid);
    if (!p || p.state !== 'PREPARED') throw new BrokerError(Errno.ESRCH, `no prepared process ${pid}`);
    return p;
  }

  async prepare(request: PrepareRequest): Promise<number> {
    this.check('prepare');
    const pid = this.nextPid++;
    this.processes.set(pid, { pid, request, maps: [], state: 'PREPARED' });
    return pid;
  }

  async map(pid: number, m: MapRequest): Promise<void> {
    const p = this.prepared(pid);
    this.check('map');
    const ok = m.addr % PAGE === 0 && m.length > 0 && m.length % PAGE === 0 && m.addr + m.length <= TASK_SIZE
      && (m.prot & ~7) === 0 && m.contentOffset + m.content.length <= m.length;
    if (!ok) throw new BrokerError(Errno.EINVAL, `bad mapping ${JSON.stringify({ ...m, content: m.content.length })}`);
    p.maps.push(m);
  }

  async commit(pid: number, c: CommitRequest): Promise<{ pid: number; tid: number }> {
    const p = this.prepared(pid);
    this.check('commit');
    if (!(c.entry > 0 && c.entry < TASK_SIZE && c.stackPointer > 0 && c.stackPointer < TASK_SIZE)) throw new BrokerError(Errno.EINVAL, 'bad entry or stack pointer');
    p.state = 'COMMITTED';
    p.commit = c;
    return { pid: p.request.replacePid || pid, tid: p.request.replacePid || pid };
  }

  async abort(pid: number, reason: string): Promise<void> {
    const p = this.prepared(pid);
    p.state = 'ABORTED';
    p.abortReason = reason;
  }

  /** Processes still PREPARED: built halfway and left behind. */
  halfBuilt(): BuiltProcess[] {
    return [...this.processes.values()].filter((p) => p.state === 'PREPARED');
  }
}
