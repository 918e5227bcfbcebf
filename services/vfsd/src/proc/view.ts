/**
 * What /proc shows of nucleus state (the process table, each process's memory
 * regions, the machine), read from the nucleus Processes service. Policy code is
 * synchronous, so a handler that needs data it does not have throws NeedInfo; the
 * dispatcher fetches it and runs the handler again (handlers look before they
 * change anything). Data is good for the call that fetched it: /proc is never
 * staler than the call that reads it.
 */
import type { ProcessInfo__Output } from '@rustos/platform/gen/rustos/v1/ProcessInfo.js';
import type { MachineInfo__Output } from '@rustos/platform/gen/rustos/v1/MachineInfo.js';

export type ProcessInfo = ProcessInfo__Output;
export type MachineInfo = MachineInfo__Output;

/** Where the data comes from: the nucleus, or a test's fake. */
export interface ProcSource {
  list(pid: number, regions: boolean): Promise<ProcessInfo[]>;
  machine(): Promise<MachineInfo>;
}

export type Need = { what: 'list' } | { what: 'process'; pid: number; regions: boolean } | { what: 'machine' }
  /** Not /proc data: a mount the path crosses is still on its way (fs/mounts.ts). */
  | { what: 'mount'; until: Promise<unknown> };

export class NeedInfo {
  constructor(readonly need: Need) {}
}

/** What one call fetched: good for that call (and its re-runs) only. */
export class CallData {
  listed: ProcessInfo[] | undefined;
  readonly one = new Map<number, { info: ProcessInfo | undefined; regions: boolean }>();
  mach: MachineInfo | undefined;
}

export class ProcView {
  /** The call running now (handlers run synchronously, so one at a time). */
  private data = new CallData();

  constructor(private readonly source: ProcSource | undefined) {}

  /** A new call begins with nothing fetched. */
  begin(): CallData {
    this.data = new CallData();
    return this.data;
  }

  /** A call runs again after its fetch. */
  resume(data: CallData): void {
    this.data = data;
  }

  /** Every process the nucleus knows. */
  all(): ProcessInfo[] {
    if (!this.source) return [];
    return this.data.listed ?? this.need({ what: 'list' });
  }

  /** One process (with its memory regions if asked), or undefined when the nucleus has none by that pid. */
  process(pid: number, regions = false): ProcessInfo | undefined {
    if (!this.source) return undefined;
    const hit = this.data.one.get(pid);
    if (hit && (hit.regions || !regions)) return hit.info;
    if (!regions && this.data.listed) return this.data.listed.find((p) => p.pid === pid);
    return this.need({ what: 'process', pid, regions });
  }

  machine(): MachineInfo | undefined {
    if (!this.source) return undefined;
    return this.data.mach ?? this.need({ what: 'machine' });
  }

  /**
   * Runs a synchronous answer that may read process data (a peer call that walks
   * /proc/self, say): each time it needs data it does not have, fetch and run it again.
   */
  async complete<T>(answer: () => T, fetches = 8): Promise<T> {
    const data = this.begin();
    for (let i = 0; ; i++) {
      try {
        return answer();
      } catch (err) {
        if (!(err instanceof NeedInfo) || i >= fetches) throw err;
        await this.fetch(data, err.need);
        this.resume(data);
      }
    }
  }

  private need(need: Need): never {
    throw new NeedInfo(need);
  }

  async fetch(data: CallData, need: Need): Promise<void> {
    if (need.what === 'mount') return void await need.until;
    const src = this.source!;
    try {
      if (need.what === 'list') {
        data.listed = await src.list(0, false);
      } else if (need.what === 'process') {
        const [info] = await src.list(need.pid, need.regions);
        data.one.set(need.pid, { info, regions: need.regions });
      } else {
        data.mach = await src.machine();
      }
    } catch {
      // The nucleus did not answer: /proc shows what vfsd knows itself.
      if (need.what === 'list') data.listed = [];
      else if (need.what === 'process') data.one.set(need.pid, { info: undefined, regions: true });
      else data.mach = FALLBACK_MACHINE;
    }
  }
}

const FALLBACK_MACHINE: MachineInfo = {
  vcpus: 1, ramBytes: 0, framesTotal: 0, framesFree: 0, hwcap: 0, hwcap2: 0, platform: 'x86_64',
  cpuModel: '', cpuFlags: [], uptimeMs: performance.now(), pageSize: 4096, clockTicks: 100,
};
