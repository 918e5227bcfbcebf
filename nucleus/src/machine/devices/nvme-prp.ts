/**
 * NVMe 1.4 PRP (Physical Region Page) walking, 4.3: a transfer of `length`
 * bytes described by PRP1 (which may start inside a page), PRP2 (the second
 * page when two suffice, else a pointer to a PRP list), and PRP lists whose
 * last entry chains to the next list page when more entries follow.
 */
export const NVME_PAGE = 4096;

export class PrpError extends Error {}

/** Reads 8-byte entries of a PRP list page. */
export type ListReader = (address: number, count: number) => number[];

/** The (address, length) segments of a transfer, in order. */
export function prpSegments(prp1: number, prp2: number, length: number, readList: ListReader): { address: number; length: number }[] {
  if (length <= 0) return [];
  const first = Math.min(length, NVME_PAGE - (prp1 % NVME_PAGE));
  const segs = [{ address: prp1, length: first }];
  let left = length - first;
  if (left === 0) return segs;
  if (left <= NVME_PAGE) {
    if (prp2 % NVME_PAGE !== 0) throw new PrpError(`PRP2 0x${prp2.toString(16)} is not page aligned`);
    segs.push({ address: prp2, length: left });
    return segs;
  }
  // PRP2 points at a list; entries must be page aligned (offset 0), list pointer may have an offset.
  if (prp2 % 8 !== 0) throw new PrpError(`PRP list pointer 0x${prp2.toString(16)} is not 8-byte aligned`);
  let list = prp2;
  while (left > 0) {
    const slots = (NVME_PAGE - (list % NVME_PAGE)) / 8;
    const pages = Math.ceil(left / NVME_PAGE);
    const chains = pages > slots;
    const entries = readList(list, chains ? slots : pages);
    const data = chains ? entries.slice(0, -1) : entries;
    for (const e of data) {
      if (e % NVME_PAGE !== 0) throw new PrpError(`PRP entry 0x${e.toString(16)} is not page aligned`);
      const n = Math.min(NVME_PAGE, left);
      segs.push({ address: e, length: n });
      left -= n;
    }
    if (chains) list = entries[entries.length - 1]!;
  }
  return segs;
}
