/**
 * An NVMe controller following the NVMe 1.4 base specification's subset a
 * driver needs: class 01h/08h/02h, BAR0 registers (CAP, VS, INTMS/INTMC, CC,
 * CSTS, AQA, ASQ, ACQ), doorbells from 1000h with CAP.DSTRD = 0, the admin
 * queue (Identify CNS 00h/01h, Create/Delete I/O CQ/SQ, Set Features number
 * of queues), NVM Read/Write/Flush with PRP1/PRP2 and PRP lists, completions
 * with phase tags, and a level INTx raised while an interrupt-enabled
 * completion queue holds entries the host has not consumed.
 *
 * One namespace, 512-byte blocks, backed by a host file; Flush is its fsync.
 * Fault points block.read / block.write / block.flush complete the command
 * with an error status, as failing media would.
 */
import { fsyncSync, openSync, readSync, writeSync, fstatSync, ftruncateSync, closeSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PciDevice, type FaultCheck } from './pci-device.js';
import type { IrqController } from './irq-controller.js';
import { prpSegments } from './nvme-prp.js';
import { identifyController, identifyNamespace, type NvmeIdentity } from './nvme-identify.js';

export const NVME_REG = { CAP: 0x00, VS: 0x08, INTMS: 0x0c, INTMC: 0x10, CC: 0x14, CSTS: 0x1c, AQA: 0x24, ASQ: 0x28, ACQ: 0x30, DOORBELL: 0x1000 } as const;
export const NVME_VERSION = 0x00010400;
const MQES = 1023;       // 0's based: queues of up to 1024 entries
const MAX_QUEUES = 16;
const SQE = 64, CQE = 16;
const LBA_SHIFT = 9;
const MDTS = 8;          // 2^8 pages = 1 MiB per command

/** Status: (SCT << 8) | SC. */
export const SC = {
  SUCCESS: 0x000, INVALID_OPCODE: 0x001, INVALID_FIELD: 0x002, DATA_TRANSFER_ERROR: 0x004, INTERNAL: 0x006,
  INVALID_NAMESPACE: 0x00b, LBA_OUT_OF_RANGE: 0x080,
  CQ_INVALID: 0x100, INVALID_QID: 0x101, INVALID_QSIZE: 0x102, INVALID_QDELETION: 0x10c,
  WRITE_FAULT: 0x280, UNRECOVERED_READ: 0x281,
} as const;

interface Queue { id: number; base: number; size: number; head: number; tail: number; phase: number; cq: number; ien: boolean }

export interface NvmeOptions { path: string; sizeBytes: number; serial: string; faults: FaultCheck }

export class NvmeController extends PciDevice {
  private readonly fd: number;
  readonly blocks: number;
  private cc = 0;
  private csts = 0;
  private aqa = 0;
  private asq = 0;
  private acq = 0;
  private intMask = 0;
  private readonly sqs = new Map<number, Queue>();
  private readonly cqs = new Map<number, Queue>();
  private readonly identity: NvmeIdentity;
  commands = 0;

  constructor(irq: IrqController, pin: number, private readonly opts: NvmeOptions) {
    super('NVMe controller', { vendor: 0x1b36, device: 0x0010, subsystemVendor: 0x1af4, subsystem: 0x1100, classCode: 0x01, subclass: 0x08, progIf: 0x02, revision: 2 },
      [{ size: 0x4000 }], irq, pin);
    mkdirSync(dirname(opts.path), { recursive: true });
    closeSync(openSync(opts.path, 'a'));   // create if missing, never truncate
    this.fd = openSync(opts.path, 'r+');
    // A new (empty) disk is a sparse file of the configured size; an existing image keeps
    // its size and its bytes, as a VMM leaves a disk image it is given.
    if (fstatSync(this.fd).size === 0) ftruncateSync(this.fd, opts.sizeBytes);
    this.blocks = Math.floor(fstatSync(this.fd).size / 2 ** LBA_SHIFT);
    this.identity = { vendor: 0x1b36, subsystemVendor: 0x1af4, serial: opts.serial, model: 'RustOS-TS NVMe disk', firmware: '1.0', blocks: this.blocks, lbaShift: LBA_SHIFT, mdts: MDTS };
  }

  /** Blocks the host file holds storage for (st_blocks is in 512-byte units); holes read as zeroes. */
  private usedBlocks(): number {
    return Math.min(this.blocks, Math.ceil((fstatSync(this.fd).blocks * 512) / 2 ** LBA_SHIFT));
  }

  get path(): string {
    return this.opts.path;
  }

  close(): void {
    try { fsyncSync(this.fd); closeSync(this.fd); } catch { /* already closed */ }
  }

  read(_bar: number, off: number, size: number): number {
    const reg = (v: number) => (size === 8 ? v : size === 4 ? v % 2 ** 32 : v % 2 ** (size * 8));
    if (off >= NVME_REG.DOORBELL) return 0;   // doorbells are write-only
    const hi = off % 8 === 4;
    const v64 = (v: number) => (hi ? Math.floor(v / 2 ** 32) : reg(v));
    switch (off & ~7) {
      case NVME_REG.CAP: {
        // MQES, CQR (16), TO (31:24) = 20 x 500 ms, DSTRD (35:32) = 0, CSS NVM (37), MPSMIN = MPSMAX = 0 (4 KiB).
        const cap = MQES + 2 ** 16 + 20 * 2 ** 24 + 2 ** 37;
        return v64(cap);
      }
      case 0x08: return hi ? this.intMask : NVME_VERSION;   // VS at 08h, INTMS at 0Ch
      case 0x10: return hi ? this.cc : this.intMask;        // INTMC at 10h, CC at 14h
      case 0x18: return hi ? this.csts : 0;                 // CSTS at 1Ch
      case 0x20: return hi ? this.aqa : 0;                  // AQA at 24h
      case NVME_REG.ASQ: return v64(this.asq);
      case NVME_REG.ACQ: return v64(this.acq);
      default: return 0;
    }
  }

  write(_bar: number, off: number, value: number, size: number): void {
    if (off >= NVME_REG.DOORBELL) return this.doorbell(off - NVME_REG.DOORBELL, value);
    const set64 = (old: number) => (size === 8 ? value : off % 8 === 4 ? (old % 2 ** 32) + value * 2 ** 32 : Math.floor(old / 2 ** 32) * 2 ** 32 + value);
    switch (off) {
      case NVME_REG.INTMS: this.intMask |= value; return this.updateIrq();
      case NVME_REG.INTMC: this.intMask &= ~value; return this.updateIrq();
      case NVME_REG.CC: return this.setCc(value);
      case NVME_REG.AQA: this.aqa = value & 0x0fff0fff; return;
      case NVME_REG.ASQ: case NVME_REG.ASQ + 4: this.asq = set64(this.asq); this.asq -= this.asq % 4096; return;
      case NVME_REG.ACQ: case NVME_REG.ACQ + 4: this.acq = set64(this.acq); this.acq -= this.acq % 4096; return;
      default: return;   // read-only or reserved: ignored
    }
  }

  private setCc(value: number): void {
    const wasEnabled = this.cc & 1;
    this.cc = value >>> 0;
    const shn = (value >>> 14) & 3;
    if (shn) { fsyncSync(this.fd); this.csts = (this.csts & ~0xc) | (2 << 2); }   // shutdown complete
    if ((value & 1) && !wasEnabled) {
      const mps = (value >>> 7) & 0xf, css = (value >>> 4) & 7;
      if (mps !== 0 || css !== 0 || this.aqa === 0 || this.asq === 0 || this.acq === 0) {
        this.csts |= 2;   // CFS: an enable with settings this controller cannot take
        return;
      }
      this.sqs.set(0, { id: 0, base: this.asq, size: (this.aqa & 0xfff) + 1, head: 0, tail: 0, phase: 1, cq: 0, ien: true });
      this.cqs.set(0, { id: 0, base: this.acq, size: ((this.aqa >>> 16) & 0xfff) + 1, head: 0, tail: 0, phase: 1, cq: 0, ien: true });
      this.csts = 1;
    } else if (!(value & 1) && wasEnabled) {
      this.reset();
    }
  }

  /** Controller reset (CC.EN 1 -> 0): every queue deleted, CSTS.RDY cleared. */
  private reset(): void {
    this.sqs.clear();
    this.cqs.clear();
    this.csts = 0;
    this.updateIrq();
  }

  override detach(): void {
    this.reset();
    this.cc = 0;
    super.detach();
  }

  private doorbell(off: number, value: number): void {
    if (off % 4 !== 0) return;
    const qid = Math.floor(off / 8);
    if ((off / 4) % 2 === 0) {
      const sq = this.sqs.get(qid);
      if (!sq || !(this.csts & 1) || value >= sq.size) return;   // an invalid doorbell write is ignored (an async event in real hardware)
      sq.tail = value;
      this.process(sq);
    } else {
      const cq = this.cqs.get(qid);
      if (!cq || value >= cq.size) return;
      cq.head = value;
      this.updateIrq();
    }
  }

  private process(sq: Queue): void {
    while (sq.head !== sq.tail) {
      let cmd: Uint8Array;
      try {
        cmd = this.dmaRead(sq.base + sq.head * SQE, SQE);
      } catch {
        this.csts |= 2;   // CFS: the controller cannot fetch its own queue
        return;
      }
      sq.head = (sq.head + 1) % sq.size;
      this.commands++;
      const v = new DataView(cmd.buffer);
      const cid = v.getUint16(2, true);
      const finish = (status: number, dw0 = 0) => this.complete(sq, cid, status, dw0);
      try {
        if (sq.id === 0) this.admin(v, finish);
        else this.io(v, finish);
      } catch {
        finish(SC.DATA_TRANSFER_ERROR);
      }
    }
  }

  private complete(sq: Queue, cid: number, status: number, dw0: number): void {
    const cq = this.cqs.get(sq.cq);
    if (!cq) return;
    const e = new Uint8Array(CQE);
    const v = new DataView(e.buffer);
    v.setUint32(0, dw0 >>> 0, true);
    v.setUint16(8, sq.head, true);
    v.setUint16(10, sq.id, true);
    v.setUint16(12, cid, true);
    v.setUint16(14, (status << 1) | cq.phase, true);
    try {
      this.dmaWrite(cq.base + cq.tail * CQE, e);
    } catch {
      this.csts |= 2;
      return;
    }
    cq.tail = (cq.tail + 1) % cq.size;
    if (cq.tail === 0) cq.phase ^= 1;
    this.updateIrq();
  }

  private updateIrq(): void {
    let pending = false;
    for (const cq of this.cqs.values()) if (cq.ien && cq.head !== cq.tail) pending = true;
    this.setIrq(pending && !(this.intMask & 1));
  }

  private admin(v: DataView, finish: (status: number, dw0?: number) => void): void {
    const op = v.getUint8(0);
    const cdw10 = v.getUint32(40, true), cdw11 = v.getUint32(44, true);
    const prp1 = Number(v.getBigUint64(24, true)), prp2 = Number(v.getBigUint64(32, true));
    const qid = cdw10 & 0xffff, qsize = (cdw10 >>> 16) + 1;
    switch (op) {
      case 0x06: {   // Identify
        const cns = cdw10 & 0xff;
        const nsid = v.getUint32(4, true);
        let page: Uint8Array;
        if (cns === 1) page = identifyController(this.identity);
        else if (cns === 0 && nsid === 1) page = identifyNamespace(this.identity, this.usedBlocks());
        else if (cns === 0) return finish(SC.INVALID_NAMESPACE);
        else return finish(SC.INVALID_FIELD);
        this.transferOut(prp1, prp2, page);
        return finish(SC.SUCCESS);
      }
      case 0x05: {   // Create I/O Completion Queue
        if (qid === 0 || qid >= MAX_QUEUES || this.cqs.has(qid)) return finish(SC.INVALID_QID);
        if (qsize < 2 || qsize > MQES + 1) return finish(SC.INVALID_QSIZE);
        if (!(cdw11 & 1)) return finish(SC.INVALID_FIELD);   // only physically contiguous queues
        this.cqs.set(qid, { id: qid, base: prp1, size: qsize, head: 0, tail: 0, phase: 1, cq: qid, ien: (cdw11 & 2) !== 0 });
        return finish(SC.SUCCESS);
      }
      case 0x01: {   // Create I/O Submission Queue
        const cqid = cdw11 >>> 16;
        if (qid === 0 || qid >= MAX_QUEUES || this.sqs.has(qid)) return finish(SC.INVALID_QID);
        if (!this.cqs.has(cqid) || cqid === 0) return finish(SC.CQ_INVALID);
        if (qsize < 2 || qsize > MQES + 1) return finish(SC.INVALID_QSIZE);
        if (!(cdw11 & 1)) return finish(SC.INVALID_FIELD);
        this.sqs.set(qid, { id: qid, base: prp1, size: qsize, head: 0, tail: 0, phase: 1, cq: cqid, ien: false });
        return finish(SC.SUCCESS);
      }
      case 0x00: {   // Delete I/O Submission Queue
        if (qid === 0 || !this.sqs.has(qid)) return finish(SC.INVALID_QID);
        this.sqs.delete(qid);
        return finish(SC.SUCCESS);
      }
      case 0x04: {   // Delete I/O Completion Queue
        if (qid === 0 || !this.cqs.has(qid)) return finish(SC.INVALID_QID);
        if ([...this.sqs.values()].some((s) => s.cq === qid)) return finish(SC.INVALID_QDELETION);
        this.cqs.delete(qid);
        this.updateIrq();
        return finish(SC.SUCCESS);
      }
      case 0x09: {   // Set Features
        if ((cdw10 & 0xff) === 0x07) return finish(SC.SUCCESS, ((MAX_QUEUES - 2) << 16) | (MAX_QUEUES - 2));   // number of queues
        return finish(SC.INVALID_FIELD);
      }
      default: return finish(SC.INVALID_OPCODE);
    }
  }

  private io(v: DataView, finish: (status: number) => void): void {
    const op = v.getUint8(0);
    const nsid = v.getUint32(4, true);
    if (op > 0x02) return finish(SC.INVALID_OPCODE);
    if (nsid !== 1) return finish(SC.INVALID_NAMESPACE);
    const point = op === 0x00 ? 'block.flush' : op === 0x01 ? 'block.write' : 'block.read';
    const fault = this.opts.faults(point);
    const fail = fault?.fail || fault?.drop;
    const done = (status: number) => (fault?.delayMs ? void setTimeout(() => finish(status), fault.delayMs) : finish(status));
    if (op === 0x00) {
      if (fail) return done(SC.INTERNAL);
      fsyncSync(this.fd);
      return done(SC.SUCCESS);
    }
    const slba = Number(v.getBigUint64(40, true));
    const nlb = (v.getUint32(48, true) & 0xffff) + 1;
    if (slba + nlb > this.blocks) return finish(SC.LBA_OUT_OF_RANGE);
    const bytes = nlb << LBA_SHIFT;
    if (bytes > 4096 * 2 ** MDTS) return finish(SC.INVALID_FIELD);
    const prp1 = Number(v.getBigUint64(24, true)), prp2 = Number(v.getBigUint64(32, true));
    const pos = slba * 2 ** LBA_SHIFT;
    if (op === 0x02) {
      if (fail) return done(SC.UNRECOVERED_READ);
      const data = new Uint8Array(bytes);
      readSync(this.fd, data, 0, bytes, pos);
      this.transferOut(prp1, prp2, data);
    } else {
      if (fail) return done(SC.WRITE_FAULT);
      const data = this.transferIn(prp1, prp2, bytes);
      writeSync(this.fd, data, 0, bytes, pos);
    }
    done(SC.SUCCESS);
  }

  private segments(prp1: number, prp2: number, length: number) {
    return prpSegments(prp1, prp2, length, (address, count) => {
      const raw = this.dmaRead(address, count * 8);
      const dv = new DataView(raw.buffer);
      return Array.from({ length: count }, (_, i) => Number(dv.getBigUint64(i * 8, true)));
    });
  }

  private transferOut(prp1: number, prp2: number, data: Uint8Array): void {
    let at = 0;
    for (const s of this.segments(prp1, prp2, data.length)) {
      this.dmaWrite(s.address, data.subarray(at, at + s.length));
      at += s.length;
    }
  }

  private transferIn(prp1: number, prp2: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    let at = 0;
    for (const s of this.segments(prp1, prp2, length)) {
      out.set(this.dmaRead(s.address, s.length), at);
      at += s.length;
    }
    return out;
  }
}
