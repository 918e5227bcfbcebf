/**
 * Random encodings for tests: a seeded PRNG and an encoder of decoder-table
 * candidates (prefixes, REX, escape, opcode, ModRM and trailing random bytes
 * for SIB/displacement/immediates; the decoder decides the length).
 */
import { OpMap, Pfx, candidates, type Candidate } from "../decode/forms.js";

/** Deterministic PRNG (mulberry32) returning [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)];
}

export interface EncodeOptions {
  /** Segment prefixes to draw from (default 64, 65, 2E, 3E). */
  segments?: number[];
  lock?: boolean;
}

/** Every (map, opcode, candidate) of the tables. */
export function allCandidates(): { map: number; opcode: number; c: Candidate }[] {
  const out: { map: number; opcode: number; c: Candidate }[] = [];
  for (let map = 0; map < 4; map++) {
    for (let opcode = 0; opcode < 256; opcode++) for (const c of candidates[map][opcode]) out.push({ map, opcode, c });
  }
  return out;
}

export function encodeCandidate(r: () => number, map: number, opcode: number, c: Candidate, o: EncodeOptions = {}): Uint8Array {
  const out: number[] = [];
  const pfxChoices: number[] = [];
  if (c.pfx & Pfx.NP) pfxChoices.push(0);
  if (c.pfx & Pfx.P66) pfxChoices.push(0x66);
  if (c.pfx & Pfx.F3) pfxChoices.push(0xf3);
  if (c.pfx & Pfx.F2) pfxChoices.push(0xf2);
  const mandatory = c.pfx === Pfx.Any ? 0 : pick(r, pfxChoices);
  const isSse = c.pfx !== Pfx.Any;
  const segs = o.segments ?? [0x64, 0x65, 0x2e, 0x3e];
  if (segs.length && r() < 0.2) out.push(pick(r, segs));
  if (r() < 0.2) out.push(0x67);
  if (!isSse && r() < 0.25) out.push(0x66);
  if ((o.lock ?? true) && c.form.lock && r() < 0.3) out.push(0xf0);
  if (c.form.rep && r() < 0.5) out.push(pick(r, [0xf2, 0xf3]));
  if (isSse && c.pfx & Pfx.NP && c.pfx & Pfx.P66 && r() < 0.3) out.push(0x66);
  if (mandatory) out.push(mandatory);
  if (r() < 0.6) {
    let rex = 0x40 | Math.floor(r() * 16);
    if (c.noRexB) rex &= ~1;
    out.push(rex);
  }
  if (map === OpMap.F0) out.push(0x0f);
  if (map === OpMap.F38) out.push(0x0f, 0x38);
  if (map === OpMap.F3A) out.push(0x0f, 0x3a);
  out.push(opcode);
  const needs = c.form.modrm || c.regField >= 0 || c.rmField >= 0 || c.needMem || c.needReg
    || candidates[map][opcode].some((x) => x.form.modrm || x.regField >= 0);
  if (needs) {
    let mod = Math.floor(r() * 4);
    if (c.needReg) mod = 3;
    if (c.needMem && mod === 3) mod = Math.floor(r() * 3);
    const reg = c.regField >= 0 ? c.regField : Math.floor(r() * 8);
    const rm = c.rmField >= 0 ? c.rmField : Math.floor(r() * 8);
    out.push((mod << 6) | (reg << 3) | rm);
  }
  for (let k = 0; k < 12; k++) out.push(Math.floor(r() * 256));
  return Uint8Array.from(out);
}
