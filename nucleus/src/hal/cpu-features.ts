/**
 * CPU feature detection, as a kernel does at boot: read CPUID and derive what the
 * loader puts in the auxiliary vector (AT_HWCAP is leaf 1 EDX on x86-64) and what
 * /proc/cpuinfo lists.
 */
import { cpuidLeaf } from '../machine/cpu/exec/cpuid.js';
import type { CpuFeatures } from '../executive/kernel.js';

const LEAF1_EDX = ['fpu', 'vme', 'de', 'pse', 'tsc', 'msr', 'pae', 'mce', 'cx8', 'apic', '', 'sep', 'mtrr', 'pge', 'mca', 'cmov',
  'pat', 'pse36', 'pn', 'clflush', '', 'dts', 'acpi', 'mmx', 'fxsr', 'sse', 'sse2', 'ss', 'ht', 'tm', 'ia64', 'pbe'];
const LEAF1_ECX = ['pni', 'pclmulqdq', 'dtes64', 'monitor', 'ds_cpl', 'vmx', 'smx', 'est', 'tm2', 'ssse3', 'cid', 'sdbg', 'fma', 'cx16', 'xtpr', 'pdcm',
  '', 'pcid', 'dca', 'sse4_1', 'sse4_2', 'x2apic', 'movbe', 'popcnt', 'tsc_deadline_timer', 'aes', 'xsave', 'osxsave', 'avx', 'f16c', 'rdrand', 'hypervisor'];
const EXT_EDX: Record<number, string> = { 11: 'syscall', 20: 'nx', 26: 'pdpe1gb', 27: 'rdtscp', 29: 'lm' };
const EXT_ECX: Record<number, string> = { 0: 'lahf_lm', 5: 'abm', 8: '3dnowprefetch' };

function bits(value: number, names: string[] | Record<number, string>): string[] {
  const out: string[] = [];
  for (let b = 0; b < 32; b++) {
    const name = Array.isArray(names) ? names[b] : names[b];
    if (name && (value >>> b) & 1) out.push(name);
  }
  return out;
}

export function cpuFeatures(vcpus: number): CpuFeatures {
  const l1 = [...cpuidLeaf(1, 0, 0, vcpus)];
  const ext = [...cpuidLeaf(0x80000001, 0, 0, vcpus)];
  let model = '';
  for (let leaf = 0x80000002; leaf <= 0x80000004; leaf++) {
    for (const w of cpuidLeaf(leaf, 0, 0, vcpus)) for (let k = 0; k < 4; k++) model += String.fromCharCode((w >>> (8 * k)) & 0xff);
  }
  return {
    hwcap: l1[3]! >>> 0,
    hwcap2: 0,
    model: model.replace(/\0+$/, '').trim(),
    flags: [...bits(l1[3]!, LEAF1_EDX), ...bits(l1[2]!, LEAF1_ECX), ...bits(ext[3]!, EXT_EDX), ...bits(ext[2]!, EXT_ECX)],
  };
}
