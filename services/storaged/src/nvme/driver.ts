/**
 * The NVMe driver: brings a controller up the way NVMe 1.4 section 7.6.1
 * orders it (disable and wait for CSTS.RDY = 0, admin queues in AQA/ASQ/ACQ,
 * enable and wait for CSTS.RDY = 1 within CAP.TO, Identify Controller and
 * Namespace, one I/O completion and submission queue pair), then serves block
 * reads, writes and flushes. Completions arrive by interrupt; a command that
 * does not complete within its timeout, or completes with an error status,
 * rejects with the command and the status.
 *
 * One command at a time uses the data buffer (a DMA window of up to 1 MiB with
 * a PRP list written once at start-up), so transfers larger than MDTS are split.
 * Requests on the session are ordered, so data, entry and doorbell go out
 * back to back without waiting for each answer.
 */
import type { BlockDevice, DevicePort } from '@rustos/platform';
import { QueuePair, encodeSubmission, CQE_BYTES, SQE_BYTES, type Completion, type SubmissionFields } from './queue.js';
import { NvmeCommandError, describeStatus } from './status.js';

const REG = { CAP: 0x00, VS: 0x08, INTMC: 0x10, CC: 0x14, CSTS: 0x1c, AQA: 0x24, ASQ: 0x28, ACQ: 0x30, DOORBELL: 0x1000 } as const;
const PAGE = 4096;
const ADMIN_DEPTH = 32;
const IO_DEPTH = 64;
const MAX_TRANSFER = 1024 * 1024;
const OP = { FLUSH: 0x00, WRITE: 0x01, READ: 0x02, DELETE_SQ: 0x00, CREATE_SQ: 0x01, DELETE_CQ: 0x04, CREATE_CQ: 0x05, IDENTIFY: 0x06 } as const;

export interface NvmeIdentify {
  version: string;
  serial: string;
  model: string;
  firmware: string;
  namespaces: number;
  maxTransfer: number;
  blocks: number;
  blockSize: number;
}

export interface NvmeOptions {
  /** How long a command may take before it fails (ms). */
  commandTimeoutMs?: number;
  log?: (msg: string) => void;
}

const text = (b: Uint8Array, from: number, len: number) => new TextDecoder().decode(b.subarray(from, from + len)).trimEnd();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class NvmeDriver implements BlockDevice {
  blockSize = 512;
  blocks = 0;
  identify!: NvmeIdentify;
  private admin!: QueuePair;
  private io!: QueuePair;
  private buffer = 0;
  private prpList = 0;
  private nextCid = 1;
  private readonly waiting = new Map<string, { resolve: (c: Completion) => void; reject: (e: Error) => void; timer: NodeJS.Timeout; what: string }>();
  private lock: Promise<unknown> = Promise.resolve();
  private draining: Promise<void> = Promise.resolve();
  private readonly timeoutMs: number;
  private readonly log: (msg: string) => void;

  private constructor(private readonly port: DevicePort, opts: NvmeOptions) {
    this.timeoutMs = opts.commandTimeoutMs ?? 5000;
    this.log = opts.log ?? (() => {});
  }

  static async open(port: DevicePort, opts: NvmeOptions = {}): Promise<NvmeDriver> {
    const d = new NvmeDriver(port, opts);
    await d.init();
    return d;
  }

  private async reg64(off: number): Promise<number> {
    const lo = await this.port.mmioRead(0, off);
    const hi = await this.port.mmioRead(0, off + 4);
    return hi * 2 ** 32 + lo;
  }

  private async setReg64(off: number, v: number): Promise<void> {
    await this.port.mmioWrite(0, off, v % 2 ** 32);
    await this.port.mmioWrite(0, off + 4, Math.floor(v / 2 ** 32));
  }

  private async waitReady(ready: boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const csts = await this.port.mmioRead(0, REG.CSTS);
      if (csts & 2) throw new Error(`nvme: controller fatal status (CSTS.CFS) while waiting for CSTS.RDY=${ready ? 1 : 0}`);
      if (((csts & 1) === 1) === ready) return;
      if (Date.now() > deadline) throw new Error(`nvme: CSTS.RDY did not become ${ready ? 1 : 0} within ${timeoutMs} ms (CAP.TO)`);
      await sleep(1);
    }
  }

  private async init(): Promise<void> {
    const cap = await this.reg64(REG.CAP);
    const mqes = (cap % 2 ** 16) + 1;
    const timeout = (Math.floor(cap / 2 ** 24) & 0xff) * 500 || 500;
    const dstrd = Math.floor(cap / 2 ** 32) & 0xf;
    if (dstrd !== 0) throw new Error(`nvme: CAP.DSTRD=${dstrd} (only a doorbell stride of 4 bytes is supported)`);
    if (!(Math.floor(cap / 2 ** 37) & 1)) throw new Error('nvme: the controller does not support the NVM command set (CAP.CSS)');
    const vs = await this.port.mmioRead(0, REG.VS);

    await this.port.mmioWrite(0, REG.CC, 0);
    await this.waitReady(false, timeout);

    const admin = await this.port.dmaAlloc(2 * PAGE);
    const io = await this.port.dmaAlloc(2 * PAGE);
    const data = await this.port.dmaAlloc(MAX_TRANSFER + PAGE);
    this.admin = new QueuePair(0, ADMIN_DEPTH, admin.address, admin.address + PAGE);
    const ioDepth = Math.min(IO_DEPTH, mqes, PAGE / SQE_BYTES);
    this.io = new QueuePair(1, ioDepth, io.address, io.address + PAGE);
    this.buffer = data.address;
    this.prpList = data.address + MAX_TRANSFER;
    // The PRP list for any transfer from the buffer's start: pages 1..n-1 of the buffer.
    const list = new Uint8Array(PAGE);
    const lv = new DataView(list.buffer);
    for (let i = 1; i < MAX_TRANSFER / PAGE; i++) lv.setBigUint64((i - 1) * 8, BigInt(this.buffer + i * PAGE), true);
    await this.port.dmaWrite(this.prpList, list);

    await this.port.mmioWrite(0, REG.AQA, ((ADMIN_DEPTH - 1) << 16) | (ADMIN_DEPTH - 1));
    await this.setReg64(REG.ASQ, this.admin.sq);
    await this.setReg64(REG.ACQ, this.admin.cq);
    this.port.onInterrupt = () => { this.draining = this.draining.then(() => this.drain()).catch((err: Error) => this.log(`nvme: interrupt: ${err.message}`)); };
    await this.port.irqSubscribe();
    await this.port.mmioWrite(0, REG.INTMC, 1);
    // CC: EN, CSS NVM (0), MPS 4 KiB (0), IOSQES 2^6, IOCQES 2^4.
    await this.port.mmioWrite(0, REG.CC, 1 | (6 << 16) | (4 << 20));
    await this.waitReady(true, timeout);

    const ctrl = await this.adminData({ opcode: OP.IDENTIFY, cid: 0, cdw10: 1 }, 'Identify Controller (CNS 01h)');
    const cv = new DataView(ctrl.buffer, ctrl.byteOffset);
    const mdts = ctrl[77]!;
    const ns = await this.adminData({ opcode: OP.IDENTIFY, cid: 0, nsid: 1, cdw10: 0 }, 'Identify Namespace 1 (CNS 00h)');
    const nv = new DataView(ns.buffer, ns.byteOffset);
    const flbas = ns[26]! & 0xf;
    const lbads = (nv.getUint32(128 + flbas * 4, true) >>> 16) & 0xff;
    this.blockSize = 2 ** lbads;
    this.blocks = Number(nv.getBigUint64(0, true));
    this.identify = {
      version: `${vs >>> 16}.${(vs >>> 8) & 0xff}.${vs & 0xff}`, serial: text(ctrl, 4, 20), model: text(ctrl, 24, 40), firmware: text(ctrl, 64, 8),
      namespaces: cv.getUint32(516, true), maxTransfer: mdts ? Math.min(MAX_TRANSFER, PAGE * 2 ** mdts) : MAX_TRANSFER, blocks: this.blocks, blockSize: this.blockSize,
    };

    await this.adminCommand({ opcode: OP.CREATE_CQ, cid: 0, prp1: this.io.cq, cdw10: ((ioDepth - 1) << 16) | 1, cdw11: 0b11 }, 'Create I/O Completion Queue 1');
    await this.adminCommand({ opcode: OP.CREATE_SQ, cid: 0, prp1: this.io.sq, cdw10: ((ioDepth - 1) << 16) | 1, cdw11: (1 << 16) | 1 }, 'Create I/O Submission Queue 1');
  }

  /** Submit on a queue and wait for its completion (interrupt driven, with a timeout). */
  private async submit(q: QueuePair, f: SubmissionFields, what: string): Promise<Completion> {
    const cid = this.nextCid;
    this.nextCid = (this.nextCid % 0xfffe) + 1;
    const key = `${q.id}:${cid}`;
    const done = new Promise<Completion>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(key);
        reject(new NvmeCommandError(what, -1, `no completion within ${this.timeoutMs} ms (command id ${cid} on queue ${q.id})`));
      }, this.timeoutMs);
      this.waiting.set(key, { resolve, reject, timer, what });
    });
    const slot = q.nextSubmission();
    // One ordered session: the entry lands before the doorbell that announces it, with no wait between.
    const [, , c] = await Promise.all([
      this.port.dmaWrite(slot.address, encodeSubmission({ ...f, cid })),
      this.port.mmioWrite(0, REG.DOORBELL + q.id * 8, slot.tail),
      done,
    ]);
    if (c.status !== 0) throw new NvmeCommandError(what, c.status, `status ${describeStatus(c.status)}`);
    return c;
  }

  /** The interrupt handler: consume new completions on every queue, ring the head doorbells, EOI. */
  private async drain(): Promise<void> {
    for (const q of [this.admin, this.io]) {
      if (!q) continue;
      const bytes = await this.port.dmaRead(q.cq, q.depth * CQE_BYTES);
      const done = q.takeCompletions(bytes);
      if (!done.length) continue;
      // Not awaited: the head doorbell is ordered before the EOI below on the same session.
      const head = this.port.mmioWrite(0, REG.DOORBELL + q.id * 8 + 4, q.cqHead);
      head.catch((err: Error) => this.log(`nvme: completion queue ${q.id} head doorbell: ${err.message}`));
      for (const c of done) {
        const w = this.waiting.get(`${q.id}:${c.cid}`);
        if (!w) { this.log(`nvme: completion for unknown command ${c.cid} on queue ${q.id}`); continue; }
        this.waiting.delete(`${q.id}:${c.cid}`);
        clearTimeout(w.timer);
        w.resolve(c);
      }
    }
    await this.port.irqAck();
  }

  /** Commands that use the data buffer run one at a time. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => {});
    return run;
  }

  private prps(length: number): { prp1: number; prp2: number } {
    return { prp1: this.buffer, prp2: length <= PAGE ? 0 : length <= 2 * PAGE ? this.buffer + PAGE : this.prpList };
  }

  private adminCommand(f: SubmissionFields, what: string): Promise<Completion> {
    return this.submit(this.admin, f, what);
  }

  private adminData(f: SubmissionFields, what: string): Promise<Uint8Array> {
    return this.exclusive(async () => {
      await this.submit(this.admin, { ...f, ...this.prps(PAGE) }, what);
      return this.port.dmaRead(this.buffer, PAGE);
    });
  }

  private checkRange(lba: number, count: number, what: string): void {
    if (!Number.isInteger(lba) || !Number.isInteger(count) || lba < 0 || count < 0 || lba + count > this.blocks) {
      throw new RangeError(`nvme: ${what} of ${count} blocks at LBA ${lba} is outside the namespace's ${this.blocks} blocks`);
    }
  }

  async read(lba: number, count: number): Promise<Uint8Array> {
    this.checkRange(lba, count, 'read');
    const out = new Uint8Array(count * this.blockSize);
    const per = this.identify.maxTransfer / this.blockSize;
    for (let done = 0; done < count; done += per) {
      const n = Math.min(per, count - done);
      const bytes = n * this.blockSize;
      const chunk = await this.exclusive(async () => {
        await this.submit(this.io, { opcode: OP.READ, cid: 0, nsid: 1, ...this.prps(bytes), cdw10: (lba + done) % 2 ** 32, cdw11: Math.floor((lba + done) / 2 ** 32), cdw12: n - 1 },
          `Read (opcode 02h) LBA ${lba + done} count ${n}`);
        return this.port.dmaRead(this.buffer, bytes);
      });
      out.set(chunk, done * this.blockSize);
    }
    return out;
  }

  async write(lba: number, data: Uint8Array): Promise<void> {
    if (data.length % this.blockSize !== 0) throw new RangeError(`nvme: write of ${data.length} bytes is not a multiple of the ${this.blockSize}-byte block`);
    const count = data.length / this.blockSize;
    this.checkRange(lba, count, 'write');
    const per = this.identify.maxTransfer / this.blockSize;
    for (let done = 0; done < count; done += per) {
      const n = Math.min(per, count - done);
      const bytes = n * this.blockSize;
      await this.exclusive(async () => {
        // The data lands before the entry and doorbell that follow it on the session: no wait between.
        await Promise.all([
          this.port.dmaWrite(this.buffer, data.subarray(done * this.blockSize, done * this.blockSize + bytes)),
          this.submit(this.io, { opcode: OP.WRITE, cid: 0, nsid: 1, ...this.prps(bytes), cdw10: (lba + done) % 2 ** 32, cdw11: Math.floor((lba + done) / 2 ** 32), cdw12: n - 1 },
            `Write (opcode 01h) LBA ${lba + done} count ${n}`),
        ]);
      });
    }
  }

  /**
   * NUSE of a thin-provisioned namespace whose deallocated blocks read as zeroes
   * (NSFEAT.THINP, DLFEAT 001b); undefined for any other namespace, where NUSE says
   * nothing about what reads as zero.
   */
  async allocatedBlocks(): Promise<number | undefined> {
    const ns = await this.adminData({ opcode: OP.IDENTIFY, cid: 0, nsid: 1, cdw10: 0 }, 'Identify Namespace 1 (CNS 00h)');
    if (!(ns[24]! & 1) || (ns[33]! & 7) !== 1) return undefined;
    return Number(new DataView(ns.buffer, ns.byteOffset).getBigUint64(16, true));
  }

  async flush(): Promise<void> {
    await this.submit(this.io, { opcode: OP.FLUSH, cid: 0, nsid: 1 }, 'Flush (opcode 00h)');
  }

  /** Orderly stop: delete the I/O queues and disable the controller. */
  async close(): Promise<void> {
    await this.adminCommand({ opcode: OP.DELETE_SQ, cid: 0, cdw10: 1 }, 'Delete I/O Submission Queue 1').catch(() => {});
    await this.adminCommand({ opcode: OP.DELETE_CQ, cid: 0, cdw10: 1 }, 'Delete I/O Completion Queue 1').catch(() => {});
    await this.port.mmioWrite(0, REG.CC, 0);
  }
}
