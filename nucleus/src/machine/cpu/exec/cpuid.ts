/**
 * CPUID: a consistent GenuineIntel Nehalem-class CPU (Core i7 920: family 6,
 * model 0x1A, stepping 5) without AVX/XSAVE, so glibc picks its SSE2/SSE4 paths.
 *
 * Instruction-set feature bits are not written by hand: each is reported exactly
 * when every decoder form tagged with that feature has a registered handler
 * (FEATURE_BITS below), so they turn on when the SSE/x87 handlers land.
 * The topology (leaf 1 EBX, leaf 4, leaf 0xB) follows the configured vCPU count.
 */
import type { CpuState } from "../state.js";
import { forms } from "../decode/forms.js";
import { isImplemented } from "./registry.js";

/** [leaf, register (0 eax 1 ebx 2 ecx 3 edx), bit, decoder feature tag]. */
const FEATURE_BITS: readonly [number, number, number, string][] = [
  [1, 3, 0, "fpu"], [1, 3, 8, "cx8"], [1, 3, 15, "cmov"], [1, 3, 19, "clfsh"], [1, 3, 23, "mmx"],
  [1, 3, 24, "fxsr"], [1, 3, 25, "sse"], [1, 3, 26, "sse2"],
  [1, 2, 0, "sse3"], [1, 2, 1, "pclmul"], [1, 2, 9, "ssse3"], [1, 2, 13, "cx16"], [1, 2, 19, "sse41"],
  [1, 2, 20, "sse42"], [1, 2, 22, "movbe"], [1, 2, 23, "popcnt"], [1, 2, 30, "rdrand"],
  [0x80000001, 3, 27, "rdtscp"],
];

/** Feature bits that do not depend on instruction handlers: what the machine has. */
const FIXED_BITS: readonly [number, number, number][] = [
  [1, 3, 3], // PSE: the MMU walks 2M/1G pages
  [1, 3, 4], // TSC
  [1, 3, 6], // PAE
  [1, 3, 13], // PGE
  [0x80000001, 2, 0], // LAHF/SAHF in 64-bit mode
  [0x80000001, 3, 11], // SYSCALL/SYSRET
  [0x80000001, 3, 20], // NX
  [0x80000001, 3, 29], // long mode
];

/** Forms tagged #cx16 are the same form as CMPXCHG8B (REX.W selects 16 bytes). */
const TAG_ALIASES: Record<string, string> = { cx16: "cx8" };

function featureImplemented(tag: string): boolean {
  const t = TAG_ALIASES[tag] ?? tag;
  let any = false;
  for (const f of forms) {
    if (!f.features.includes(t)) continue;
    any = true;
    if (!isImplemented(f)) return false;
  }
  return any;
}

let cached: Map<number, number> | null = null;

/** Map key (leaf << 2 | reg) -> mask of reported feature bits. Computed once handlers are registered. */
function featureMasks(): Map<number, number> {
  if (cached) return cached;
  const m = new Map<number, number>();
  const add = (leaf: number, reg: number, bit: number) => {
    const k = leaf * 4 + reg;
    m.set(k, ((m.get(k) ?? 0) | (1 << bit)) >>> 0);
  };
  for (const [leaf, reg, bit, tag] of FEATURE_BITS) if (featureImplemented(tag)) add(leaf, reg, bit);
  for (const [leaf, reg, bit] of FIXED_BITS) add(leaf, reg, bit);
  cached = m;
  return m;
}

/** Forget cached feature bits (after registering more handlers, e.g. in tests). */
export function refreshCpuidFeatures(): void {
  cached = null;
}

function features(leaf: number, reg: number): number {
  return featureMasks().get(leaf * 4 + reg) ?? 0;
}

const MAX_BASIC = 0xb;
const MAX_EXT = 0x80000008;
const BRAND = "Intel(R) Core(TM) i7 CPU         920  @ 2.67GHz";

function str4(text: string, at: number): number {
  let v = 0;
  for (let k = 0; k < 4; k++) v |= (text.charCodeAt(at + k) || 0) << (8 * k);
  return v >>> 0;
}

/** [type, level, ways, sets, line, shared-by-all] of the data caches reported by leaf 4. */
const CACHES: readonly [number, number, number, number, number, boolean][] = [
  [1, 1, 8, 64, 64, false],   // L1d 32K
  [2, 1, 4, 128, 64, false],  // L1i 32K
  [3, 2, 8, 512, 64, false],  // L2 256K
  [3, 3, 16, 8192, 64, true], // L3 8M
];

export const out = new Int32Array(4);

/** Fills `out` with eax, ebx, ecx, edx for the leaf/subleaf. */
export function cpuidLeaf(leaf: number, sub: number, cpu: number, vcpus: number): Int32Array {
  out.fill(0);
  if (leaf >= 0x80000000) {
    if (leaf > MAX_EXT) return cpuidLeaf(MAX_BASIC, sub, cpu, vcpus);
  } else if (leaf > MAX_BASIC) {
    return cpuidLeaf(MAX_BASIC, sub, cpu, vcpus);
  }
  const o = out;
  switch (leaf) {
    case 0:
      o[0] = MAX_BASIC;
      o[1] = str4("GenuineIntel", 0); o[3] = str4("GenuineIntel", 4); o[2] = str4("GenuineIntel", 8);
      break;
    case 1: {
      o[0] = 0x000106a5;
      const htt = vcpus > 1;
      o[1] = (8 << 8) | ((htt ? Math.min(vcpus, 255) : 0) << 16) | ((cpu & 0xff) << 24);
      o[2] = features(1, 2);
      o[3] = features(1, 3) | (htt ? 1 << 28 : 0);
      break;
    }
    case 2:
      // One iteration; descriptor 0xFF: "use leaf 4 for cache parameters".
      o[0] = 0x00feff01;
      break;
    case 4: {
      const c = CACHES[sub];
      if (!c) break;
      const [type, level, ways, sets, line, shared] = c;
      const cores = Math.min(vcpus, 64);
      o[0] = type | (level << 5) | (1 << 8) | ((shared ? cores - 1 : 0) << 14) | ((cores - 1) << 26);
      o[1] = ((ways - 1) << 22) | (line - 1);
      o[2] = sets - 1;
      o[3] = level === 3 ? 2 : 0;
      break;
    }
    case 0xb: {
      o[3] = cpu;
      o[2] = sub & 0xff;
      if (sub === 0) { o[0] = 0; o[1] = 1; o[2] |= 1 << 8; }
      else if (sub === 1) { o[0] = vcpus > 1 ? 32 - Math.clz32(vcpus - 1) : 0; o[1] = vcpus; o[2] |= 2 << 8; }
      break;
    }
    case 0x80000000: o[0] = MAX_EXT; break;
    case 0x80000001: o[2] = features(0x80000001, 2); o[3] = features(0x80000001, 3); break;
    case 0x80000002: case 0x80000003: case 0x80000004: {
      const base = (leaf - 0x80000002) * 16;
      for (let k = 0; k < 4; k++) o[k] = str4(BRAND, base + 4 * k);
      break;
    }
    case 0x80000006: o[2] = (256 << 16) | (6 << 12) | 64; break;
    case 0x80000007: o[3] = 1 << 8; break;
    case 0x80000008: o[0] = (48 << 8) | 39; break;
  }
  return o;
}

export function executeCpuid(s: CpuState): void {
  const o = cpuidLeaf(s.lo[0] >>> 0, s.lo[1] >>> 0, s.cpuIndex, s.vcpus);
  for (let k = 0; k < 4; k++) {
    // eax, ebx, ecx, edx = registers 0, 3, 1, 2; 32-bit writes zero the upper halves.
    const r = k === 0 ? 0 : k === 1 ? 3 : k === 2 ? 1 : 2;
    s.lo[r] = o[k];
    s.hi[r] = 0;
  }
}
