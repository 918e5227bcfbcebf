/**
 * One NVMe queue pair as the host sees it (NVMe 1.4, 4.1 and 4.6): submission
 * entries written at the tail, completions consumed at the head while their
 * phase tag matches the expected phase, which flips each time the completion
 * queue wraps. Pure bookkeeping: the driver moves the bytes.
 */
export const SQE_BYTES = 64;
export const CQE_BYTES = 16;

export interface Completion { dw0: number; sqHead: number; sqId: number; cid: number; status: number }

export interface SubmissionFields {
  opcode: number;
  cid: number;
  nsid?: number;
  prp1?: number;
  prp2?: number;
  cdw10?: number;
  cdw11?: number;
  cdw12?: number;
}

export function encodeSubmission(f: SubmissionFields): Uint8Array {
  const b = new Uint8Array(SQE_BYTES);
  const v = new DataView(b.buffer);
  v.setUint32(0, (f.opcode & 0xff) | ((f.cid & 0xffff) << 16) >>> 0, true);
  v.setUint32(4, f.nsid ?? 0, true);
  v.setBigUint64(24, BigInt(f.prp1 ?? 0), true);
  v.setBigUint64(32, BigInt(f.prp2 ?? 0), true);
  v.setUint32(40, (f.cdw10 ?? 0) >>> 0, true);
  v.setUint32(44, (f.cdw11 ?? 0) >>> 0, true);
  v.setUint32(48, (f.cdw12 ?? 0) >>> 0, true);
  return b;
}

export class QueuePair {
  sqTail = 0;
  cqHead = 0;
  phase = 1;

  constructor(readonly id: number, readonly depth: number, readonly sq: number, readonly cq: number) {}

  /** Slot address for the next submission; advances the tail. */
  nextSubmission(): { address: number; tail: number } {
    const address = this.sq + this.sqTail * SQE_BYTES;
    this.sqTail = (this.sqTail + 1) % this.depth;
    return { address, tail: this.sqTail };
  }

  /**
   * The new completions in `bytes` (the whole CQ read from memory), starting at
   * the head: entries whose phase tag equals the expected phase. Advances head
   * and flips the phase on wrap.
   */
  takeCompletions(bytes: Uint8Array): Completion[] {
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const out: Completion[] = [];
    for (;;) {
      const at = this.cqHead * CQE_BYTES;
      const sf = v.getUint16(at + 14, true);
      if ((sf & 1) !== this.phase) break;
      out.push({ dw0: v.getUint32(at, true), sqHead: v.getUint16(at + 8, true), sqId: v.getUint16(at + 10, true), cid: v.getUint16(at + 12, true), status: sf >>> 1 });
      this.cqHead = (this.cqHead + 1) % this.depth;
      if (this.cqHead === 0) this.phase ^= 1;
      if (out.length === this.depth) break;
    }
    return out;
  }
}
