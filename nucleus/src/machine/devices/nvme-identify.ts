/**
 * The Identify data structures of NVMe 1.4 (5.15.2): Identify Controller (CNS
 * 01h) and Identify Namespace (CNS 00h), as the 4096-byte pages a host reads.
 */
export interface NvmeIdentity {
  vendor: number;
  subsystemVendor: number;
  serial: string;
  model: string;
  firmware: string;
  blocks: number;
  /** log2 of the LBA size. */
  lbaShift: number;
  /** Maximum data transfer size, as a power of two of the minimum page (0: no limit). */
  mdts: number;
}

function ascii(out: Uint8Array, at: number, len: number, s: string): void {
  // Fixed-width ASCII, left justified, padded with spaces (1.4, 1.5 "ASCII string").
  for (let i = 0; i < len; i++) out[at + i] = i < s.length ? s.charCodeAt(i) & 0x7f : 0x20;
}

export function identifyController(id: NvmeIdentity): Uint8Array {
  const b = new Uint8Array(4096);
  const v = new DataView(b.buffer);
  v.setUint16(0, id.vendor, true);            // VID
  v.setUint16(2, id.subsystemVendor, true);   // SSVID
  ascii(b, 4, 20, id.serial);                 // SN
  ascii(b, 24, 40, id.model);                 // MN
  ascii(b, 64, 8, id.firmware);               // FR
  b[72] = 0;                                  // RAB
  b[77] = id.mdts;                            // MDTS
  v.setUint16(78, 1, true);                   // CNTLID
  v.setUint32(80, 0x00010400, true);          // VER 1.4.0
  b[111] = 1;                                 // CNTRLTYPE: I/O controller
  b[512] = 0x66;                              // SQES: 64-byte entries
  b[513] = 0x44;                              // CQES: 16-byte entries
  v.setUint32(516, 1, true);                  // NN: one namespace
  v.setUint16(520, 0, true);                  // ONCS
  b[525] = 1;                                 // VWC: a volatile write cache (Flush means something)
  return b;
}

/**
 * The namespace is thin provisioned (a sparse host file): NUSE counts the blocks
 * that hold storage (`used`), and a block never written reads as zeroes (DLFEAT),
 * so a host can tell a blank disk without reading it.
 */
export function identifyNamespace(id: NvmeIdentity, used: number): Uint8Array {
  const b = new Uint8Array(4096);
  const v = new DataView(b.buffer);
  v.setBigUint64(0, BigInt(id.blocks), true);   // NSZE
  v.setBigUint64(8, BigInt(id.blocks), true);   // NCAP
  v.setBigUint64(16, BigInt(used), true);       // NUSE
  b[24] = 1;                                    // NSFEAT: THINP
  b[33] = 1;                                    // DLFEAT: a deallocated block reads as 00h
  b[25] = 0;                                    // NLBAF: one format (0's based)
  b[26] = 0;                                    // FLBAS: format 0
  v.setUint32(128, id.lbaShift << 16, true);    // LBAF0: MS 0, LBADS, RP 0
  return b;
}
