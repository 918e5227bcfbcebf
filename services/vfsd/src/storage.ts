/**
 * /data: the ext2 filesystem on storaged's block service. The device is reached
 * through the platform's client runtime (a restarted storaged is found again and
 * the idempotent Read/Write/Flush repeated); the mount is tried once storaged
 * has registered, and a refusal (a corrupt image) is logged as
 * "vfsd: mount /data failed: …" with the system running on without /data.
 */
import { errnoName, rustos, unaryCall, type ServiceContext } from '@rustos/platform';
import type { StoragedClient } from '@rustos/platform/gen/rustos/v1/Storaged.js';
import { makedev } from './abi.js';
import type { BlockDevice } from './fs/ext2/device.js';
import { Ext2Fs } from './fs/ext2/fs.js';
import { mountExt2 } from './fs/ext2/mount.js';
import { holdsUnsynced, Unsynced } from './fs/ext2/unsynced.js';
import { refersTo } from './procs.js';
import type { Vfs } from './vfs.js';

const ENDPOINT = 'storaged.blocks';
export const DATA_DEV = makedev(254, 3);
/** Dirty blocks older than this are written back without anyone asking (Linux's dirty_expire is 30 s). */
const WRITEBACK_MS = Number(process.env.VFSD_WRITEBACK_MS) || 5000;
/** Where /data's unsynced blocks are journalled (fs/ext2/unsynced.ts). */
const JOURNAL_PREFIX = 'ext2/data/';

class DeviceError extends Error {}

/** storaged's block service as a BlockDevice. */
async function remoteDevice(ctx: ServiceContext): Promise<BlockDevice> {
  const call = <R extends { errno: number }>(what: string, f: (c: StoragedClient, md: import('@rustos/platform').grpc.Metadata,
    cb: (err: import('@rustos/platform').grpc.ServiceError | null, res?: R) => void) => void): Promise<R> =>
    ctx.peers.call(ENDPOINT, rustos().Storaged, async (client: StoragedClient, md) => {
      const r = await unaryCall<R>((cb) => f(client, md, cb));
      if (r.errno) throw new DeviceError(`storaged ${what}: ${errnoName(r.errno)}`);
      return r;
    }, { idempotent: true, attempts: 8 });
  const deadline = () => ({ deadline: Date.now() + 30_000 });
  type Described = { blockSize: number; blocks: number; backend: string; allocationKnown: boolean; allocatedBlocks: number; errno: number };
  const describe = () => call<Described>('describe', (c, md, cb) => c.Describe({}, md, deadline(), cb));
  const d = await describe();
  ctx.log.info(`/data device: ${d.backend}, ${d.blocks} blocks of ${d.blockSize} bytes`);
  return {
    blockSize: d.blockSize,
    blocks: Number(d.blocks),
    read: async (lba, count) => (await call<{ data: Buffer; errno: number }>('read', (c, md, cb) => c.Read({ lba, count }, md, deadline(), cb))).data,
    write: async (lba, data) => { await call('write', (c, md, cb) => c.Write({ lba, data }, md, deadline(), cb)); },
    flush: async () => { await call('flush', (c, md, cb) => c.Flush({}, md, deadline(), cb)); },
    allocatedBlocks: async () => { const now = await describe(); return now.allocationKnown ? Number(now.allocatedBlocks) : undefined; },
  };
}

export class DataMount {
  fs: Ext2Fs | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly ctx: ServiceContext) {}

  /**
   * Must /data be mounted before descriptors are restored (a vfsd restart: a descriptor or
   * cwd on it, or blocks a guest wrote that no commit has put on the device yet)?
   */
  needed(entries: Map<string, Buffer>): boolean {
    return holdsUnsynced(entries, JOURNAL_PREFIX) || refersTo(entries, '/data');
  }

  /** Is storaged there (registered, or back within `waitMs` when it restarts too)? */
  async present(waitMs: number): Promise<boolean> {
    try {
      await this.ctx.peers.resolve(ENDPOINT, 0, waitMs);
      return true;
    } catch {
      return false;
    }
  }

  /** Mount /data into `vfs`, with the blocks an earlier generation journalled; a failure is logged and /data stays absent. */
  async mount(vfs: Vfs, entries: Map<string, Buffer>): Promise<void> {
    const started = performance.now();
    try {
      await this.ctx.peers.resolve(ENDPOINT, 0, 120_000);
      const dev = await remoteDevice(this.ctx);
      const m = await mountExt2(dev, (err) => this.ctx.log.error(`vfsd: /data writeback failed: ${err.message}`));
      const laid = new Unsynced(m.volume, vfs.journal, JOURNAL_PREFIX).restore(entries);
      const fs = new Ext2Fs(m.volume, m.committer, DATA_DEV, '/dev/nvme0n1');
      vfs.mounts.add('/data', fs, fs.root(), 'rw,relatime');
      this.fs = fs;
      this.timer = setInterval(() => { if (m.volume.dirty.size) fs.committer.sync(); }, WRITEBACK_MS);
      this.timer.unref();
      const how = (m.formatted ? 'formatted the empty device, ' : m.replayed ? `replayed ${m.replayed} logged blocks, ` : '')
        + (laid ? `${laid} unsynced blocks back from the journal, ` : '');
      this.ctx.milestone('vfsd.data.mounted', '', `ext2 at /data: ${how}${m.volume.blocksCount} blocks of ${m.volume.blockSize} bytes in ${(performance.now() - started).toFixed(0)} ms`);
    } catch (err) {
      const line = `vfsd: mount /data failed: ${(err as Error).message}`;
      this.ctx.log.error(line);
      this.ctx.milestone('vfsd.data.failed', '', line);
    }
  }

  /** Orderly stop: what is dirty goes to the device, if it can within the shutdown grace (unsynced data may be lost). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    const fs = this.fs;
    if (!fs) return;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => { timer = setTimeout(resolve, 2000); });
    await Promise.race([fs.committer.writeback().catch((err: Error) => this.ctx.log.warn(`vfsd: /data writeback at stop failed: ${err.message}`)), late]);
    clearTimeout(timer);
  }
}
