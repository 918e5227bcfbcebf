/**
 * Comparing loaderd's plan of an exec with the same exec done by Linux
 * (testing/host.ts's exec-probe): the address space, every mapped byte, the
 * initial stack word by word and string by string, the entry point and brk.
 */
import assert from 'node:assert/strict';
import { At, STACK_TOP, bytesOf } from '../elf/index.js';
import { MIN_SIGSTACK_SIZE, prepareExec, type PreparedExec } from '../exec/prepare.js';
import { PlannedSpace } from './address-space.js';
import { HostFiles, type NativeImage } from './host.js';

export const ENVP = ['HOME=/root', 'PATH=/usr/bin:/bin', 'LANG=C', 'TERM=dumb'];
const NATIVE_ONLY_AUXV = new Set([33, 27, 28]); // AT_SYSINFO_EHDR, AT_RSEQ_FEATURE_SIZE, AT_RSEQ_ALIGN

/** loaderd's exec of `path`, with a native run's hwcaps (`auxv`), AT_RANDOM zeros and the caller's credentials. */
export async function plan(path: string, argv: string[], envp: string[], opts: { auxv?: Array<[number, number]>; cwd?: string } = {}): Promise<PreparedExec> {
  const aux = new Map(opts.auxv ?? []);
  const machine = { hwcap: aux.get(At.HWCAP) ?? 0, hwcap2: aux.get(At.HWCAP2) ?? 0, platform: 'x86_64', clockTicks: 100, memoryBytes: 2 ** 36 };
  const creds = { uid: process.getuid!(), euid: process.geteuid!(), gid: process.getgid!(), egid: process.getegid!() };
  return prepareExec(new HostFiles(opts.cwd), { pid: 1, filename: bytesOf(path), argv: argv.map(bytesOf), envp: envp.map(bytesOf), creds }, machine, new Uint8Array(16));
}

const hex = (n: number): string => n.toString(16);

function nativeMaps(native: NativeImage): string[] {
  return native.maps
    .filter((l) => !/\[(vvar|vvar_vclock|vdso|vsyscall)\]/.test(l))
    .map((l) => {
      const [range, perms, offset, , inode, ...name] = l.trim().split(/\s+/);
      const [start, end] = range!.split('-');
      return `${start}-${end} ${perms} ${Number.parseInt(offset!, 16)} ${inode} ${name.join(' ')}`.trimEnd();
    });
}

function plannedMaps(prep: PreparedExec): string[] {
  const space = new PlannedSpace(prep.plan.mappings, (m) => (m.image === 'program' ? prep.program.path : m.image === 'interp' ? prep.interp!.path : m.name ?? ''));
  const inode = (name: string): number => (name === prep.program.path ? prep.program.inode : name === prep.interp?.path ? prep.interp.inode : 0);
  return space.maps().map((v) => `${hex(v.start).padStart(8, '0')}-${hex(v.end).padStart(8, '0')} ${v.perms} ${v.offset} ${inode(v.name)} ${v.name}`.trimEnd());
}

/** The words of an initial stack: argc, argv, envp, auxv, and where the vector ends. */
function parseStack(bytes: Uint8Array, sp: number): { argv: number[]; envp: number[]; auxv: Array<[number, number]>; end: number } {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const word = (): number => {
    const v = dv.getUint32(at, true) + dv.getUint32(at + 4, true) * 2 ** 32;
    at += 8;
    return v;
  };
  const argc = word();
  const argv = Array.from({ length: argc }, word);
  assert.equal(word(), 0, 'argv ends in NULL');
  const envp: number[] = [];
  for (let p = word(); p !== 0; p = word()) envp.push(p);
  const auxv: Array<[number, number]> = [];
  for (;;) {
    const k = word();
    const v = word();
    if (k === At.NULL) break;
    auxv.push([k, v]);
  }
  return { argv, envp, auxv, end: sp + at };
}

export function assertLikeNative(native: NativeImage, prep: PreparedExec): void {
  const plan = prep.plan;
  assert.deepEqual(plannedMaps(prep), nativeMaps(native), '/proc/<pid>/maps');
  assert.equal(hex(plan.entry), hex(native.rip), 'first instruction');
  assert.equal(hex(plan.brk), hex(native.brk), 'start_brk');

  const space = new PlannedSpace(plan.mappings, () => '');
  assert.ok(native.memory.length > 0, 'the native run read its memory (exec-probe -m)');
  for (const region of native.memory) {
    if (region.bytes === null) continue;
    const ours = space.read(region.start, region.bytes.length);
    assert.ok(ours, `0x${hex(region.start)} is mapped`);
    const at = Buffer.from(ours).compare(region.bytes) === 0 ? -1 : ours.findIndex((b, i) => b !== region.bytes![i]);
    assert.equal(at, -1, `memory at 0x${hex(region.start + at)} differs`);
  }

  assert.equal(hex(native.rsp), hex(plan.stackPointer - 48), 'stack pointer (48 bytes of native-only auxv entries)');
  const stack = space.read(plan.stackPointer, STACK_TOP - plan.stackPointer)!;
  const ours = parseStack(stack, plan.stackPointer);
  const theirs = parseStack(native.stack, native.rsp);
  assert.deepEqual(ours.argv.map(hex), theirs.argv.map(hex), 'argv pointers');
  assert.deepEqual(ours.envp.map(hex), theirs.envp.map(hex), 'envp pointers');
  const expected = theirs.auxv.filter(([k]) => !NATIVE_ONLY_AUXV.has(k)).map(([k, v]): [number, number] => [k, k === At.MINSIGSTKSZ ? MIN_SIGSTACK_SIZE : v]);
  assert.deepEqual(ours.auxv.map(([k, v]) => `${k}=${hex(v)}`), expected.map(([k, v]) => `${k}=${hex(v)}`), 'auxiliary vector');
  assert.equal(ours.end, theirs.end, 'the vector ends at the same address');
  // Above the vector: padding, the random bytes (masked), the platform string and every string.
  const random = new Map(ours.auxv).get(At.RANDOM)!;
  const mask = (b: Uint8Array, base: number): Uint8Array => {
    const c = Uint8Array.from(b.subarray(ours.end - base));
    c.fill(0, random - ours.end, random - ours.end + 16);
    return c;
  };
  assert.deepEqual(mask(stack, plan.stackPointer), mask(native.stack, native.rsp), 'stack strings');
}


/** argv as the native process has it on its stack. */
export function nativeArgv(native: NativeImage): Buffer[] {
  const { argv } = parseStack(native.stack, native.rsp);
  return argv.map((p) => {
    const at = p - native.rsp;
    return native.stack.subarray(at, native.stack.indexOf(0, at));
  });
}
