// The syscall shim against Linux's documented semantics (man 2 pages), without a CPU:
// handlers run on a Process over a PageMap, and the run loop is driven by a scripted
// CPU that issues syscalls and faults. Keeps shim bugs from being mistaken for CPU bugs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { buildPrograms } from './cases.js';
import { createSpace } from './machine.js';
import { MmSpace } from './mm-space.js';
import { PageMap, protAt } from './page-map.js';
import { parseElf } from './elf.js';
import { type BareCpu, Exit, type Machine, type Regs, type Space, reg, sreg } from './ports.js';
import { MMAP_TOP, Process, runProgram } from './shim.js';
import { SYSCALLS } from './syscalls.js';

const ARGS = [7, 6, 2, 10, 8, 9];

function regs(): Regs {
  return { lo: new Int32Array(16), hi: new Int32Array(16), rip: 0, fsBase: 0, gsBase: 0 };
}
function setArg(r: Regs, i: number, v: number): void {
  r.lo[ARGS[i]!] = v | 0;
  r.hi[ARGS[i]!] = Math.floor(v / 2 ** 32) | 0;
}

type MakeSpace = () => Space;
const spaces: Array<[string, MakeSpace]> = [['PageMap', () => new PageMap()], ['mm', () => new MmSpace(createSpace())]];

/** Registers the test once per Space implementation. */
function eachSpace(title: string, body: (make: MakeSpace) => void): void {
  for (const [kind, make] of spaces) test(`${title} (${kind})`, () => body(make));
}

function process(make: MakeSpace, stdin = ''): { p: Process; space: Space; call: (nr: number, ...args: number[]) => number } {
  const space = make();
  const cpu: BareCpu = { regs: regs(), run: () => Exit.Budget, trapVector: 0, trapError: 0, trapAddr: 0 };
  const machine: Machine = { cpu, space, engine: 'none' };
  const p = new Process(machine, { argv: ['prog'], envp: [], exe: '/bin/prog', uid: 0, gid: 0, stdin: Buffer.from(stdin) });
  const call = (nr: number, ...args: number[]): number => {
    args.forEach((v, i) => setArg(cpu.regs, i, v));
    return SYSCALLS.get(nr)!.handler(p);
  };
  return { p, space, call };
}

const BUF = 0x10000;
const u64 = (b: Uint8Array, at: number): number => Number(Buffer.from(b).readBigUInt64LE(at));

eachSpace('write, writev and read move bytes between guest memory and the streams', (make) => {
  const { p, space, call } = process(make, 'hello, stdin');
  space.map(BUF, 4096, 3);
  space.write(BUF, Buffer.from('abcdef'));
  assert.equal(call(1, 1, BUF, 3), 3);
  assert.equal(call(1, 2, BUF + 3, 3), 3);
  assert.equal(call(1, 7, BUF, 3), -9, 'EBADF');
  assert.equal(call(1, 1, 0x5000000, 3), -14, 'EFAULT');
  // writev: two iovecs
  const iov = Buffer.alloc(32);
  iov.writeBigUInt64LE(BigInt(BUF + 4), 0);
  iov.writeBigUInt64LE(2n, 8);
  iov.writeBigUInt64LE(BigInt(BUF), 16);
  iov.writeBigUInt64LE(1n, 24);
  space.write(BUF + 100, iov);
  assert.equal(call(20, 1, BUF + 100, 2), 3);
  assert.equal(Buffer.concat(p.stdout).toString(), 'abcefa');
  assert.equal(Buffer.concat(p.stderr).toString(), 'def');
  assert.equal(call(0, 0, BUF + 200, 5), 5);
  assert.equal(call(0, 0, BUF + 205, 100), 7);
  assert.equal(call(0, 0, BUF + 205, 100), 0, 'end of input');
  assert.equal(Buffer.from(space.read(BUF + 200, 12)!).toString(), 'hello, stdin');
  // dup2(1, 2): stderr writes now land in stdout, as busybox arranges for its usage text.
  assert.equal(call(33, 1, 2), 2);
  call(1, 2, BUF, 1);
  assert.equal(Buffer.concat(p.stdout).toString(), 'abcefaa');
  assert.equal(call(3, 2), 0);
  assert.equal(call(1, 2, BUF, 1), -9);
});

eachSpace('brk grows and shrinks the heap and refuses to go below its start', (make) => {
  const { p, space, call } = process(make);
  p.brkStart = p.brk = 0x600000;
  assert.equal(call(12, 0), 0x600000);
  assert.equal(call(12, 0x600d40), 0x600d40);
  assert.ok(space.write(0x600d00, new Uint8Array(64)), 'the new break is writable');
  assert.equal(call(12, 0x623000), 0x623000);
  assert.ok(space.isMapped(0x600000, 0x23000));
  assert.equal(call(12, 0x601000), 0x601000);
  assert.ok(!space.isMapped(0x601000, 4096), 'shrinking unmaps');
  assert.equal(call(12, 0x500000), 0x601000, 'failure returns the old break');
});

eachSpace('mmap, mremap, munmap, mprotect and madvise(DONTNEED) on anonymous memory', (make) => {
  const { space, call } = process(make);
  const a = call(9, 0, 10000, 3, 0x22, -1, 0);
  assert.ok(a > 0 && a % 4096 === 0 && a + 12288 <= MMAP_TOP);
  assert.ok(space.isMapped(a, 12288));
  assert.equal(call(9, 0, 4096, 3, 0x02, 3, 0), -19, 'file mappings are not supported');
  assert.equal(call(9, 0, 0, 3, 0x22, -1, 0), -22);
  space.write(a, Buffer.from('keep me'));
  const b = call(25, a, 12288, 40960, 1); // MREMAP_MAYMOVE
  assert.ok(b > 0);
  assert.equal(Buffer.from(space.read(b, 7)!).toString(), 'keep me');
  assert.ok(!space.isMapped(a, 4096), 'the old range is gone after a move');
  assert.equal(call(25, b, 40960, 4096, 0), b, 'shrinking stays in place');
  assert.equal(call(10, b, 4096, 1), 0);
  assert.equal(protAt(space, b), 1);
  assert.equal(call(10, b + 4096, 4096, 1), -12, 'mprotect of unmapped memory is ENOMEM');
  assert.equal(call(10, b, 4096, 3), 0);
  space.write(b, Buffer.from('dirty'));
  assert.equal(call(28, b, 4096, 4), 0);
  assert.deepEqual(space.read(b, 5), new Uint8Array(5), 'DONTNEED pages read back as zero');
  const fixed = 0x70000000;
  assert.equal(call(9, fixed, 8192, 3, 0x32, -1, 0), fixed);
  assert.equal(call(9, fixed, 4096, 3, 0x100022, -1, 0), -17, 'MAP_FIXED_NOREPLACE over a mapping');
  assert.equal(call(11, fixed, 8192), 0);
  assert.ok(!space.isMapped(fixed, 4096));
});

eachSpace('identity, limits, clocks, uname, readlink, stat and arch_prctl', (make) => {
  const { p, space, call } = process(make);
  space.map(BUF, 8192, 3);
  assert.equal(call(302, 0, 3, 0, BUF), 0);
  const lim = space.read(BUF, 16)!;
  assert.equal(u64(lim, 0), 8 * 1024 * 1024);
  assert.equal(Buffer.from(lim).readBigUInt64LE(8), 0xffffffffffffffffn, 'RLIM_INFINITY');
  assert.equal(call(63, BUF), 0);
  const uts = space.read(BUF, 390)!;
  assert.equal(Buffer.from(uts.subarray(0, 5)).toString(), 'Linux');
  assert.equal(Buffer.from(uts.subarray(4 * 65, 4 * 65 + 6)).toString(), 'x86_64');
  space.write(BUF + 1000, Buffer.from('/proc/self/exe\0'));
  assert.equal(call(89, BUF + 1000, BUF + 2000, 100), 9);
  assert.equal(Buffer.from(space.read(BUF + 2000, 9)!).toString(), '/bin/prog');
  assert.equal(call(89, BUF + 1000, BUF + 2000, 4), 4, 'truncated to the buffer, no NUL');
  space.write(BUF + 1000, Buffer.from('/etc/passwd\0'));
  assert.equal(call(257, -100, BUF + 1000, 0), -2);
  assert.equal(call(5, 1, BUF), 0);
  const st = Buffer.from(space.read(BUF, 144)!);
  assert.equal(st.readUInt32LE(24) & 0o170000, 0o140000, 'the streams are sockets, as under Node spawn');
  assert.equal(st.readBigInt64LE(56), 4096n);
  space.write(BUF + 1000, Buffer.from('\0'));
  assert.equal(call(262, 1, BUF + 1000, BUF + 300, 0x1000), 0, 'newfstatat(fd, "", AT_EMPTY_PATH)');
  assert.equal(call(16, 1, 0x5401, BUF), -25, 'TCGETS: not a tty');
  assert.equal(call(16, 9, 0x5401, BUF), -9);
  assert.equal(call(158, 0x1002, 0x7000_1234_5000), 0);
  assert.equal(p.machine.cpu.regs.fsBase, 0x7000_1234_5000);
  assert.equal(call(158, 0x1003, BUF), 0);
  assert.equal(u64(space.read(BUF, 8)!, 0), 0x7000_1234_5000);
  assert.equal(call(228, 1, BUF), 0);
  const t1 = space.read(BUF, 16)!;
  call(228, 1, BUF);
  const t2 = space.read(BUF, 16)!;
  assert.ok(u64(t2, 0) * 1e9 + u64(t2, 8) > u64(t1, 0) * 1e9 + u64(t1, 8), 'the clock moves forward');
  assert.equal(call(318, BUF, 16, 0), 16);
  assert.equal(call(202, BUF, 1, 1), 0, 'FUTEX_WAKE with nobody waiting');
  assert.equal(call(334, BUF, 32, 0, 0), -38, 'rseq is ENOSYS');
  assert.equal(call(157, 16, BUF), 0);
  assert.equal(Buffer.from(space.read(BUF, 5)!).toString(), 'prog\0');
});

eachSpace('exit statuses and self-sent signals', (make) => {
  const { p, call } = process(make);
  call(231, 300);
  assert.equal(p.exitCode, 300 & 0xff);
  const other = process(make);
  assert.equal(other.call(234, 1000, 1000, 17), 0);
  assert.equal(other.p.killedBy, null, 'SIGCHLD is ignored by default');
  assert.equal(other.call(234, 1000, 1000, 6), 0);
  assert.equal(other.p.killedBy, 'SIGABRT');
  assert.equal(other.call(234, 42, 42, 6), -3, 'ESRCH for another process');
});

/** A CPU that plays a script: each step sets registers and names the exit. */
function scripted(steps: Array<(r: Regs) => Exit | [Exit, number, number, number]>): BareCpu & { seen: number[] } {
  const cpu = {
    regs: regs(),
    trapVector: 0,
    trapError: 0,
    trapAddr: 0,
    seen: [] as number[],
    run(): Exit {
      cpu.seen.push(sreg(cpu.regs, 0));
      const step = steps.shift();
      if (!step) throw new Error('script ran out');
      const r = step(cpu.regs);
      if (typeof r === 'number') return r;
      [cpu.trapVector, cpu.trapError, cpu.trapAddr] = [r[1], r[2], r[3]];
      return r[0];
    },
  };
  return cpu;
}

const program = readFileSync(buildPrograms().get('int_arith')!);

test('the run loop: syscall results in rax, unknown syscalls counted, exit ends the run', () => {
  const sys = (nr: number, ...args: number[]) => (r: Regs): Exit => {
    r.lo[0] = nr;
    r.hi[0] = 0;
    args.forEach((v, i) => setArg(r, i, v));
    return Exit.Syscall;
  };
  const cpu = scripted([
    (r) => {
      assert.equal(reg(r, 4) % 16, 0, 'rsp is aligned at entry');
      assert.equal(r.rip, parseElf(program).entry, 'rip at the entry point');
      return Exit.Budget;
    },
    sys(39),
    sys(999, 1, 2, 3),
    sys(12, 0),
    sys(231, 7),
  ]);
  const space = new PageMap();
  const result = runProgram({ cpu, space, engine: 'script' }, program, { argv: ['int_arith'], envp: [] });
  assert.equal(result.exitCode, 7);
  assert.equal(result.signal, null);
  assert.equal(cpu.seen[2], 1000, 'getpid returned in rax');
  assert.equal(cpu.seen[3], -38, 'ENOSYS for an unknown syscall');
  assert.deepEqual([...result.unknownSyscalls], [['sys_999', 1]]);
  assert.ok(cpu.seen[4]! > 0x400000, 'brk(0) returns the break after the image');
  assert.match(result.trace.join('\n'), /getpid\(.*\) = 0x3e8\nsys_999\(0x1, 0x2, 0x3\) = -ENOSYS/);
});

test('the run loop: unresolvable faults end the run with the signal and the instruction bytes', () => {
  for (const [vector, signal, detail] of [[6, 'SIGILL', /#UD at rip 0x[0-9a-f]+; bytes at rip: [0-9a-f ]+/], [14, 'SIGSEGV', /#PF at rip .* addr 0x8 error 0x6/], [0, 'SIGFPE', /#DE/]] as const) {
    const cpu = scripted([() => [Exit.Fault, vector, vector === 14 ? 6 : 0, vector === 14 ? 8 : 0]]);
    const result = runProgram({ cpu, space: new PageMap(), engine: 'script' }, program, { argv: ['x'], envp: [] });
    assert.equal(result.signal, signal);
    assert.equal(result.exitCode, null);
    assert.match(result.message, detail);
  }
});
