/**
 * The emulator adapter's own conversions: the initial state goes into the CPU state
 * and comes back out as the same FXSAVE image (stack order, abridged tags, XMM,
 * MXCSR), and the page tables it writes follow the SDM's 4-level rules.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CODE_BASE, DATA_BASE } from './case.js';
import { loadEmulator } from './emulator-port.js';
import { fxsaveOf, loadState } from './emulator.js';
import { FX_MXCSR_MASK, FX_XMM0 } from './fxsave.js';
import { candidateForms } from './forms.js';
import { generateCases } from './generate.js';
import { buildPageTables } from './page-tables.js';

test('FXSAVE -> CpuState -> FXSAVE is the identity on every compared field', async (t) => {
  const emu = await loadEmulator();
  if (typeof emu === 'string') return t.skip(`NOT RUN: ${emu}`);
  for (const c of generateCases(21, 200, candidateForms())) {
    const s = emu.newState();
    loadState(s, c);
    assert.equal(s.rip, CODE_BASE);
    for (let i = 0; i < 16; i++) assert.equal((BigInt(s.hi[i] >>> 0) << 32n) | BigInt(s.lo[i] >>> 0), c.initial.gpr[i]);
    const back = fxsaveOf(s);
    const dvIn = new DataView(c.initial.fxsave.buffer, c.initial.fxsave.byteOffset);
    const dvOut = new DataView(back.buffer);
    assert.equal(dvOut.getUint16(0, true), dvIn.getUint16(0, true)); // fcw
    // fsw: ES and B are not stored state but say whether an unmasked exception flag is set.
    const fsw = dvIn.getUint16(2, true);
    const pending = (fsw & ~dvIn.getUint16(0, true) & 0x3f) !== 0;
    assert.equal(dvOut.getUint16(2, true), (fsw & ~0x8080) | (pending ? 0x8080 : 0));
    assert.equal(back[4], c.initial.fxsave[4]); // abridged ftw
    assert.deepEqual(back.subarray(24, 28), c.initial.fxsave.subarray(24, 28)); // mxcsr
    for (let st = 0; st < 8; st++) assert.deepEqual(back.subarray(32 + 16 * st, 42 + 16 * st), c.initial.fxsave.subarray(32 + 16 * st, 42 + 16 * st));
    assert.deepEqual(back.subarray(FX_XMM0, FX_XMM0 + 256), c.initial.fxsave.subarray(FX_XMM0, FX_XMM0 + 256));
    assert.equal(new DataView(back.buffer).getUint32(FX_MXCSR_MASK, true), 0xffff);
  }
});

test('page tables map code RWX, data RW/RO NX, user, and nothing else', () => {
  const ram = new Uint8Array(64 * 1024);
  const pages = [
    { va: CODE_BASE, write: true, exec: true },
    { va: DATA_BASE, write: true, exec: false },
    { va: DATA_BASE + 0x2000, write: false, exec: false },
  ];
  const map = buildPageTables(ram, pages);
  const dv = new DataView(ram.buffer);
  const walk = (va: number): { frame: number; rw: boolean; nx: boolean; us: boolean } | undefined => {
    let table = map.cr3;
    let rw = true, us = true, nx = false;
    for (const shift of [39, 30, 21, 12]) {
      const at = table + (Math.floor(va / 2 ** shift) % 512) * 8;
      const lo = dv.getUint32(at, true);
      const hi = dv.getUint32(at + 4, true);
      if (!(lo & 1)) return undefined;
      rw &&= (lo & 2) !== 0;
      us &&= (lo & 4) !== 0;
      nx ||= (hi & 0x80000000) !== 0;
      table = lo & ~0xfff;
    }
    return { frame: table, rw, nx, us };
  };
  for (const p of pages) {
    const w = walk(p.va + 0x123);
    assert.ok(w, `${p.va.toString(16)} mapped`);
    assert.deepEqual(w, { frame: map.frames.get(p.va), rw: p.write, nx: !p.exec, us: true });
  }
  for (const va of [CODE_BASE + 0x1000, DATA_BASE - 0x1000, DATA_BASE + 0x1000, DATA_BASE + 0x3000]) {
    assert.equal(walk(va), undefined, `${va.toString(16)} unmapped`);
  }
});
