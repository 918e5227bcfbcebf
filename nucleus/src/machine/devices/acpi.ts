/**
 * ACPI tables (ACPI 6.4, chapter 5.2) as the bytes firmware would leave in
 * memory: the RSDP (revision 2, both checksums), the XSDT, the MADT listing one
 * Processor Local APIC per vCPU and the IOAPIC, and the MCFG describing the
 * PCI Express ECAM window. Laid out from `base`, each table 16-byte aligned.
 */
export interface AcpiConfig {
  vcpus: number;
  ioapicAddress: number;
  ioapicId: number;
  localApicAddress: number;
  ecamBase: number;
  /** Where the RSDP (and the tables after it) live. */
  base: number;
}

export interface AcpiTables {
  base: number;
  bytes: Uint8Array;
  /** Table signature -> address. */
  tables: Map<string, number>;
}

const OEM_ID = 'RUSTOS';
const OEM_TABLE = 'RUSTOSTS';
const CREATOR = 'RTSC';

function checksum(b: Uint8Array, from = 0, to = b.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s = (s + b[i]!) & 0xff;
  return (0x100 - s) & 0xff;
}

function ascii(v: DataView, at: number, s: string, len: number): void {
  for (let i = 0; i < len; i++) v.setUint8(at + i, i < s.length ? s.charCodeAt(i) : 0x20);
}

/** A system description table: the 36-byte header (5.2.6), then `body`, checksum filled in. */
function sdt(signature: string, revision: number, body: Uint8Array): Uint8Array {
  const t = new Uint8Array(36 + body.length);
  const v = new DataView(t.buffer);
  ascii(v, 0, signature, 4);
  v.setUint32(4, t.length, true);
  v.setUint8(8, revision);
  ascii(v, 10, OEM_ID, 6);
  ascii(v, 16, OEM_TABLE, 8);
  v.setUint32(24, 1, true);
  ascii(v, 28, CREATOR, 4);
  v.setUint32(32, 1, true);
  t.set(body, 36);
  t[9] = checksum(t);
  return t;
}

function madt(c: AcpiConfig): Uint8Array {
  const body = new Uint8Array(8 + c.vcpus * 8 + 12);
  const v = new DataView(body.buffer);
  v.setUint32(0, c.localApicAddress, true);
  v.setUint32(4, 1, true);                   // PCAT_COMPAT: dual 8259s present
  let at = 8;
  for (let cpu = 0; cpu < c.vcpus; cpu++) {
    v.setUint8(at, 0);                       // Processor Local APIC (5.2.12.2)
    v.setUint8(at + 1, 8);
    v.setUint8(at + 2, cpu);                 // ACPI processor UID
    v.setUint8(at + 3, cpu);                 // APIC ID
    v.setUint32(at + 4, 1, true);            // enabled
    at += 8;
  }
  v.setUint8(at, 1);                         // I/O APIC (5.2.12.3)
  v.setUint8(at + 1, 12);
  v.setUint8(at + 2, c.ioapicId);
  v.setUint32(at + 4, c.ioapicAddress, true);
  v.setUint32(at + 8, 0, true);              // global system interrupt base
  return sdt('APIC', 5, body);
}

function mcfg(c: AcpiConfig): Uint8Array {
  const body = new Uint8Array(8 + 16);       // 8 reserved bytes, one allocation (PCI Firmware 3.2, 4.1.2)
  const v = new DataView(body.buffer);
  v.setBigUint64(8, BigInt(c.ecamBase), true);
  v.setUint16(16, 0, true);                  // segment group
  v.setUint8(18, 0);                         // start bus
  v.setUint8(19, 0);                         // end bus
  return sdt('MCFG', 1, body);
}

const align16 = (n: number) => (n + 15) & ~15;

export function buildAcpi(c: AcpiConfig): AcpiTables {
  if (!Number.isInteger(c.vcpus) || c.vcpus < 1 || c.vcpus > 255) throw new RangeError(`${c.vcpus} vCPUs: the MADT's xAPIC entries hold 1..255`);
  const children = [madt(c), mcfg(c)];
  const rsdpLen = 36;
  const xsdtAt = c.base + align16(rsdpLen);
  const xsdtLen = 36 + 8 * children.length;
  const addrs: number[] = [];
  let at = xsdtAt + align16(xsdtLen);
  for (const t of children) { addrs.push(at); at += align16(t.length); }
  const xbody = new Uint8Array(8 * children.length);
  const xv = new DataView(xbody.buffer);
  addrs.forEach((a, i) => xv.setBigUint64(i * 8, BigInt(a), true));
  const xsdt = sdt('XSDT', 1, xbody);

  const rsdp = new Uint8Array(rsdpLen);
  const rv = new DataView(rsdp.buffer);
  ascii(rv, 0, 'RSD PTR ', 8);
  ascii(rv, 9, OEM_ID, 6);
  rv.setUint8(15, 2);                        // revision 2: ACPI 2.0+ (XSDT)
  rv.setUint32(16, 0, true);                 // no RSDT
  rv.setUint32(20, rsdpLen, true);
  rv.setBigUint64(24, BigInt(xsdtAt), true);
  rsdp[8] = checksum(rsdp, 0, 20);           // the ACPI 1.0 part
  rsdp[32] = checksum(rsdp, 0, 36);          // the whole structure

  const bytes = new Uint8Array(at - c.base);
  bytes.set(rsdp, 0);
  bytes.set(xsdt, xsdtAt - c.base);
  children.forEach((t, i) => bytes.set(t, addrs[i]! - c.base));
  const tables = new Map<string, number>([['RSD PTR ', c.base], ['XSDT', xsdtAt], ['APIC', addrs[0]!], ['MCFG', addrs[1]!]]);
  return { base: c.base, bytes, tables };
}
