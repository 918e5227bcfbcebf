/**
 * The text of /proc's files, in Linux's exact formats (fs/proc/*.c): what ps,
 * top, free, uptime, mount and glibc parse. Inputs are the nucleus's view of
 * processes and the machine plus vfsd's own per-process state.
 */
import { major, minor } from '../abi.js';
import type { MachineInfo, ProcessInfo } from './view.js';

/** What the kernel calls itself; syscalld's uname should say the same. */
export const KERNEL = {
  ostype: 'Linux',
  release: process.env.RUSTOS_KERNEL_RELEASE ?? '6.1.0-rustos',
  hostname: process.env.RUSTOS_HOSTNAME ?? 'rustos',
};

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
const ticks = (ms: number) => Math.floor(ms / 10);

/** The facts about one process that /proc/<pid>/* formats. */
export interface ProcFacts {
  pid: number;
  info: ProcessInfo | undefined;
  umask: number;
  uid: number;
  gid: number;
  /** The controlling terminal's device number (0: none), and its foreground group. */
  ttyNr: number;
  tpgid: number;
  fds: number;
  /** The process reading its own stat is running. */
  self: boolean;
}

function state(f: ProcFacts): [string, string] {
  if (f.info?.state === 'EXITED') return ['Z', 'zombie'];
  return f.self ? ['R', 'running'] : ['S', 'sleeping'];
}

function comm(f: ProcFacts): string {
  return (f.info?.comm ?? '').slice(0, 15);
}

export function commText(f: ProcFacts): string {
  return `${comm(f)}\n`;
}

export function cmdlineText(f: ProcFacts): Buffer {
  const argv = f.info?.argv ?? [];
  return Buffer.from(argv.map((a) => `${a}\0`).join(''));
}

export function statText(f: ProcFacts): string {
  const i = f.info;
  const pages = i ? Number(i.residentPages) : 0;
  const fields = [
    f.pid, `(${comm(f)})`, state(f)[0], i?.ppid ?? 0, f.pid, f.pid, f.ttyNr, f.tpgid || -1, 4194560,
    0, 0, 0, 0, 0, 0, 0, 0, 20, 0, i?.threads ?? 1, 0, ticks(i?.startMs ?? 0),
    i ? Number(i.mappedBytes) : 0, pages, '18446744073709551615', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 17,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, i?.exitStatus ?? 0,
  ];
  return `${fields.join(' ')}\n`;
}

export function statmText(f: ProcFacts): string {
  const size = f.info ? Math.ceil(Number(f.info.mappedBytes) / 4096) : 0;
  const resident = f.info ? Number(f.info.residentPages) : 0;
  return `${size} ${resident} 0 0 0 ${size} 0\n`;
}

const kb = (label: string, v: number) => `${label}:\t${String(v).padStart(8)} kB\n`;

export function statusText(f: ProcFacts): string {
  const i = f.info;
  const [s, name] = state(f);
  const vm = i ? Math.ceil(Number(i.mappedBytes) / 1024) : 0;
  const rss = i ? Number(i.residentPages) * 4 : 0;
  const ids = (v: number) => `${v}\t${v}\t${v}\t${v}`;
  return [
    `Name:\t${comm(f)}\n`, `Umask:\t${f.umask.toString(8).padStart(4, '0')}\n`, `State:\t${s} (${name})\n`,
    `Tgid:\t${f.pid}\n`, 'Ngid:\t0\n', `Pid:\t${f.pid}\n`, `PPid:\t${i?.ppid ?? 0}\n`, 'TracerPid:\t0\n',
    `Uid:\t${ids(f.uid)}\n`, `Gid:\t${ids(f.gid)}\n`, `FDSize:\t${Math.max(64, 2 ** Math.ceil(Math.log2(f.fds + 1)))}\n`, 'Groups:\t\n',
    `NStgid:\t${f.pid}\n`, `NSpid:\t${f.pid}\n`, `NSpgid:\t${f.pid}\n`, `NSsid:\t${f.pid}\n`,
    kb('VmPeak', vm), kb('VmSize', vm), kb('VmLck', 0), kb('VmPin', 0), kb('VmHWM', rss), kb('VmRSS', rss),
    kb('RssAnon', rss), kb('RssFile', 0), kb('RssShmem', 0), kb('VmData', vm), kb('VmStk', 132), kb('VmExe', 0),
    kb('VmLib', 0), kb('VmPTE', 0), kb('VmSwap', 0), 'HugetlbPages:\t       0 kB\n', 'CoreDumping:\t0\n',
    `Threads:\t${i?.threads ?? 1}\n`, 'SigQ:\t0/63382\n',
    'SigPnd:\t0000000000000000\n', 'ShdPnd:\t0000000000000000\n', 'SigBlk:\t0000000000000000\n',
    'SigIgn:\t0000000000000000\n', 'SigCgt:\t0000000000000000\n',
    'CapInh:\t0000000000000000\n', 'CapPrm:\t000001ffffffffff\n', 'CapEff:\t000001ffffffffff\n',
    'CapBnd:\t000001ffffffffff\n', 'CapAmb:\t0000000000000000\n', 'NoNewPrivs:\t0\n', 'Seccomp:\t0\n',
    'Cpus_allowed:\t1\n', 'Cpus_allowed_list:\t0\n', 'Mems_allowed:\t1\n', 'Mems_allowed_list:\t0\n',
    'voluntary_ctxt_switches:\t0\n', 'nonvoluntary_ctxt_switches:\t0\n',
  ].join('');
}

/** /proc/<pid>/maps: one line per region, the name padded to column 73 as show_map_vma does. */
export function mapsText(f: ProcFacts): string {
  let out = '';
  for (const r of f.info?.regions ?? []) {
    const prot = r.prot;
    const perms = `${prot & 1 ? 'r' : '-'}${prot & 2 ? 'w' : '-'}${prot & 4 ? 'x' : '-'}${r.flags & 1 ? 's' : 'p'}`;
    const file = r.file;
    const dev = file ? Number(file.device) : 0;
    const head = `${hex(Number(r.start), 8)}-${hex(Number(r.end), 8)} ${perms} ${hex(file ? Number(file.offset) : 0, 8)} `
      + `${hex(major(dev), 2)}:${hex(minor(dev), 2)} ${file ? Number(file.inode) : 0} `;
    const name = file?.path || r.name;
    out += name ? `${head.padEnd(73)}${name}\n` : `${head}\n`;
  }
  return out;
}

function vendor(model: string): string {
  if (/intel/i.test(model)) return 'GenuineIntel';
  if (/amd/i.test(model)) return 'AuthenticAMD';
  return 'RustOS';
}

export function cpuinfoText(m: MachineInfo): string {
  let out = '';
  const n = Math.max(1, m.vcpus);
  for (let c = 0; c < n; c++) {
    out += [
      `processor\t: ${c}`, `vendor_id\t: ${vendor(m.cpuModel)}`, 'cpu family\t: 6', 'model\t\t: 0',
      `model name\t: ${m.cpuModel || 'RustOS-TS emulated x86-64'}`, 'stepping\t: 0', 'cpu MHz\t\t: 1000.000',
      'cache size\t: 1024 KB', 'physical id\t: 0', `siblings\t: ${n}`, `core id\t\t: ${c}`, `cpu cores\t: ${n}`,
      `apicid\t\t: ${c}`, `initial apicid\t: ${c}`, 'fpu\t\t: yes', 'fpu_exception\t: yes', 'cpuid level\t: 13', 'wp\t\t: yes',
      `flags\t\t: ${m.cpuFlags.join(' ')}`, 'bogomips\t: 2000.00', 'clflush size\t: 64', 'cache_alignment\t: 64',
      'address sizes\t: 48 bits physical, 48 bits virtual', 'power management:', '', '',
    ].join('\n');
  }
  return out;
}

export function meminfoText(m: MachineInfo): string {
  const total = Math.floor(Number(m.ramBytes) / 1024);
  const free = Math.floor(Number(m.framesFree) * (m.pageSize || 4096) / 1024);
  const rows: [string, number][] = [
    ['MemTotal', total], ['MemFree', free], ['MemAvailable', free], ['Buffers', 0], ['Cached', 0], ['SwapCached', 0],
    ['Active', total - free], ['Inactive', 0], ['Active(anon)', total - free], ['Inactive(anon)', 0], ['Active(file)', 0],
    ['Inactive(file)', 0], ['Unevictable', 0], ['Mlocked', 0], ['SwapTotal', 0], ['SwapFree', 0], ['Zswap', 0],
    ['Zswapped', 0], ['Dirty', 0], ['Writeback', 0], ['AnonPages', total - free], ['Mapped', 0], ['Shmem', 0],
    ['KReclaimable', 0], ['Slab', 0], ['SReclaimable', 0], ['SUnreclaim', 0], ['KernelStack', 0], ['PageTables', 0],
    ['SecPageTables', 0], ['NFS_Unstable', 0], ['Bounce', 0], ['WritebackTmp', 0], ['CommitLimit', total],
    ['Committed_AS', total - free], ['VmallocTotal', 34359738367], ['VmallocUsed', 0], ['VmallocChunk', 0],
    ['Percpu', 0], ['AnonHugePages', 0], ['ShmemHugePages', 0], ['ShmemPmdMapped', 0],
    ['FileHugePages', 0], ['FilePmdMapped', 0],
  ];
  let out = rows.map(([k, v]) => meminfoLine(k, v)).join('');
  out += 'HugePages_Total:       0\nHugePages_Free:        0\nHugePages_Rsvd:        0\nHugePages_Surp:        0\n';
  out += `${meminfoLine('Hugepagesize', 2048)}${meminfoLine('Hugetlb', 0)}`;
  return out;
}

/** One /proc/meminfo line: the label and colon padded to 16 columns, the number right-aligned in 8 (show_val_kb). */
export function meminfoLine(label: string, kb: number): string {
  return `${`${label}:`.padEnd(16)}${String(kb).padStart(8)} kB\n`;
}

export function uptimeText(m: MachineInfo): string {
  const up = m.uptimeMs / 1000;
  return `${up.toFixed(2)} ${(up * Math.max(1, m.vcpus)).toFixed(2)}\n`;
}

export function loadavgText(all: ProcessInfo[]): string {
  const live = all.filter((p) => p.state !== 'EXITED');
  const threads = live.reduce((n, p) => n + (p.threads || 1), 0);
  const last = all.reduce((n, p) => Math.max(n, p.pid), 0);
  return `0.00 0.00 0.00 1/${Math.max(1, threads)} ${last}\n`;
}

export function procStatText(m: MachineInfo, all: ProcessInfo[]): string {
  const idle = ticks(m.uptimeMs);
  const n = Math.max(1, m.vcpus);
  const cpu = (name: string, idleTicks: number) => `${name} 0 0 0 ${idleTicks} 0 0 0 0 0 0\n`;
  let out = cpu('cpu ', idle * n);
  for (let c = 0; c < n; c++) out += cpu(`cpu${c}`, idle);
  const btime = Math.floor((Date.now() - m.uptimeMs) / 1000);
  out += `intr 0\nctxt 0\nbtime ${btime}\nprocesses ${all.length}\nprocs_running 1\nprocs_blocked 0\nsoftirq 0 0 0 0 0 0 0 0 0 0 0\n`;
  return out;
}

export function versionText(): string {
  return `${KERNEL.ostype} version ${KERNEL.release} (rustos@rustos) (RustOS-TS on Node ${process.version}) #1 SMP PREEMPT_DYNAMIC\n`;
}

export function filesystemsText(): string {
  return 'nodev\tsysfs\nnodev\ttmpfs\nnodev\tproc\nnodev\tdevtmpfs\nnodev\tdevpts\nnodev\tpipefs\n\text4\n';
}
