/**
 * The ACPI bytes against the layouts of ACPI 6.4 5.2.5 (RSDP), 5.2.8 (XSDT),
 * 5.2.12 (MADT) and the PCI Firmware spec's MCFG: every table found by
 * following the pointers, its length and checksum right; and, where Debian's
 * acpica-tools is installed, ACPICA's own disassembler reading them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAcpi } from './acpi.js';

const sum = (b: Uint8Array) => b.reduce((s, x) => (s + x) & 0xff, 0);
const sig = (b: Uint8Array, at: number, n = 4) => String.fromCharCode(...b.subarray(at, at + n));

test('RSDP -> XSDT -> MADT and MCFG, every checksum zero, CPUs and IOAPIC listed', () => {
  const base = 0xe0000;
  const t = buildAcpi({ vcpus: 3, ioapicAddress: 0xfec00000, ioapicId: 3, localApicAddress: 0xfee00000, ecamBase: 0xe0000000, base });
  const b = t.bytes;
  const v = new DataView(b.buffer);
  const at = (addr: number) => addr - base;
  assert.equal(sig(b, 0, 8), 'RSD PTR ');
  assert.equal(sum(b.subarray(0, 20)), 0, 'ACPI 1.0 checksum');
  assert.equal(v.getUint8(15), 2);
  assert.equal(v.getUint32(20, true), 36);
  assert.equal(sum(b.subarray(0, 36)), 0, 'extended checksum');
  const xsdt = at(Number(v.getBigUint64(24, true)));
  assert.equal(sig(b, xsdt), 'XSDT');
  const xlen = v.getUint32(xsdt + 4, true);
  assert.equal(sum(b.subarray(xsdt, xsdt + xlen)), 0);
  const entries = (xlen - 36) / 8;
  const found = new Map<string, number>();
  for (let i = 0; i < entries; i++) {
    const a = at(Number(v.getBigUint64(xsdt + 36 + i * 8, true)));
    const len = v.getUint32(a + 4, true);
    assert.equal(sum(b.subarray(a, a + len)), 0, `${sig(b, a)} checksum`);
    assert.equal(sig(b, a + 10, 6), 'RUSTOS');
    found.set(sig(b, a), a);
  }
  assert.deepEqual([...found.keys()].sort(), ['APIC', 'MCFG']);
  const madt = found.get('APIC')!;
  assert.equal(v.getUint32(madt + 36, true), 0xfee00000);
  const end = madt + v.getUint32(madt + 4, true);
  const cpus: number[] = [];
  let ioapic = -1;
  for (let p = madt + 44; p < end; p += v.getUint8(p + 1)) {
    if (v.getUint8(p) === 0) { assert.equal(v.getUint8(p + 1), 8); cpus.push(v.getUint8(p + 3)); assert.equal(v.getUint32(p + 4, true) & 1, 1); }
    if (v.getUint8(p) === 1) { assert.equal(v.getUint8(p + 1), 12); ioapic = v.getUint32(p + 4, true); assert.equal(v.getUint8(p + 2), 3); }
  }
  assert.deepEqual(cpus, [0, 1, 2]);
  assert.equal(ioapic, 0xfec00000);
  const mcfg = found.get('MCFG')!;
  assert.equal(v.getUint32(mcfg + 4, true), 36 + 8 + 16);
  assert.equal(Number(v.getBigUint64(mcfg + 44, true)), 0xe0000000);
  assert.equal(v.getUint8(mcfg + 54), 0);   // start bus
  assert.equal(v.getUint8(mcfg + 55), 0);   // end bus
});

test('a vCPU count the MADT cannot describe is refused', () => {
  assert.throws(() => buildAcpi({ vcpus: 0, ioapicAddress: 0, ioapicId: 0, localApicAddress: 0, ecamBase: 0, base: 0 }), /1\.\.255/);
});

const iasl = spawnSync('iasl', ['-v'], { encoding: 'utf8' });
test('ACPICA\'s disassembler (iasl -d) reads XSDT, MADT and MCFG with correct checksums and the fields we meant', { skip: iasl.error ? 'iasl (Debian acpica-tools) is not installed' : false }, () => {
  const base = 0xe0000;
  const t = buildAcpi({ vcpus: 2, ioapicAddress: 0xfec00000, ioapicId: 2, localApicAddress: 0xfee00000, ecamBase: 0xe0000000, base });
  const dir = mkdtempSync(join(tmpdir(), 'acpi-'));
  const dsl = (sig: string) => {
    const at = t.tables.get(sig)! - base;
    const len = new DataView(t.bytes.buffer).getUint32(at + 4, true);
    const file = join(dir, `${sig.toLowerCase()}.dat`);
    writeFileSync(file, t.bytes.subarray(at, at + len));
    const r = spawnSync('iasl', ['-d', file], { encoding: 'utf8', cwd: dir });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const text = readFileSync(file.replace(/\.dat$/, '.dsl'), 'utf8');
    assert.doesNotMatch(text, /Incorrect checksum|Invalid|Unknown/i);
    return text;
  };
  const xsdt = dsl('XSDT');
  assert.match(xsdt, /ACPI Table Address {3}0 : 0+E00[0-9A-F]{2}/);
  assert.match(xsdt, /ACPI Table Address {3}1 : /);
  const madt = dsl('APIC');
  assert.match(madt, /Local Apic Address : FEE00000/);
  assert.equal([...madt.matchAll(/Subtable Type : 00 \[Processor Local APIC\]/g)].length, 2);
  assert.match(madt, /Local Apic ID : 01/);
  assert.match(madt, /Subtable Type : 01 \[I\/O APIC\][\s\S]*I\/O Apic ID : 02[\s\S]*Address : FEC00000/);
  const mcfg = dsl('MCFG');
  assert.match(mcfg, /Base Address : 00000000E0000000/);
  assert.match(mcfg, /Start Bus Number : 00/);
});
