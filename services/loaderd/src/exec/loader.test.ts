// One exec through the loader with doubles for vfsd and the PROC brokers: what
// is prepared, mapped and committed for real programs; the failure answer and
// its one log line; an abort after any broker failure, so nothing half-built
// remains; and internal errors still answered as errors.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Errno } from '@rustos/platform';
import { bytesOf, STACK_TOP } from '../elf/index.js';
import { RecordingBuilder } from '../testing/builder.js';
import { HostFiles, MemoryFiles, hostPrograms } from '../testing/host.js';
import type { ExecFiles } from './files.js';
import { CONTENT_CHUNK } from './build.js';
import { isFailed, runExec, type LoaderDeps } from './loader.js';

const bins = hostPrograms();
const machine = { hwcap: 0x178bfbff, hwcap2: 2, platform: 'x86_64', clockTicks: 100, memoryBytes: 2 ** 32 };

function deps(files: ExecFiles = new HostFiles(), builder = new RecordingBuilder()): LoaderDeps & { builder: RecordingBuilder; lines: Array<[string, string]> } {
  const lines: Array<[string, string]> = [];
  return { files, builder, machine: async () => machine, log: (line, detail) => lines.push([line, detail]), lines, random: () => new Uint8Array(16).fill(9) };
}

const request = (path: string, argv = ['prog']) => ({ pid: 7, filename: bytesOf(path), argv: argv.map(bytesOf), envp: ['A=1'].map(bytesOf), creds: { uid: 1000, euid: 1000, gid: 100, egid: 100 } });

test('a dynamic program is built: prepared with comm, exe and argv, the stack and both images mapped, committed at ld.so\'s entry', async () => {
  const d = deps();
  const r = await runExec(d, request(bins['hello-dynamic']!, ['hello', 'x']), { parentPid: 3, replacePid: 0 });
  assert.ok(!isFailed(r), JSON.stringify(r));
  const [p] = [...d.builder.processes.values()];
  assert.equal(p!.state, 'COMMITTED');
  assert.deepEqual(p!.request, { name: 'hello-dynamic', exe: bins['hello-dynamic'], argv: ['hello', 'x'], parentPid: 3, replacePid: 0 });
  const stack = p!.maps[0]!;
  assert.equal(stack.name, '[stack]');
  assert.equal(stack.flags, 2, 'the stack grows down');
  assert.equal(stack.addr + stack.length, STACK_TOP);
  assert.equal(stack.prot, 3);
  const ldso = readFileSync('/lib64/ld-linux-x86-64.so.2');
  const interpMaps = p!.maps.filter((m) => m.file?.path.endsWith('ld-linux-x86-64.so.2'));
  assert.ok(interpMaps.length >= 4, 'every ld.so segment');
  for (const m of interpMaps) assert.ok(Buffer.from(m.content).equals(ldso.subarray(m.file!.offset, m.file!.offset + m.content.length)), 'content is the file at its offset');
  assert.ok(interpMaps.every((m) => m.file!.inode > 0 && m.name === m.file!.path));
  const entry = ldso.readBigUInt64LE(24);
  assert.equal(p!.commit!.entry, interpMaps[0]!.addr + Number(entry));
  assert.equal(p!.commit!.stackPointer % 16, 0);
  assert.equal(p!.commit!.brk, 0x555555559000, 'the break after the PIE');
  assert.deepEqual(d.lines, []);
});

test('execve replaces the caller: Prepare carries replace_pid', async () => {
  const d = deps();
  const r = await runExec(d, request(bins['hello-static']!), { parentPid: 0, replacePid: 7 });
  assert.ok(!isFailed(r) && r.pid === 7);
  assert.equal([...d.builder.processes.values()][0]!.request.replacePid, 7);
});

test('a failure answers errno and step, and logs exactly one line', async () => {
  const d = deps(new MemoryFiles(new Map([['/bin/text', bytesOf('hello\n')]])));
  const r = await runExec(d, request('/bin/text'), { parentPid: 0, replacePid: 7 });
  assert.ok(isFailed(r));
  assert.equal(r.errno, Errno.ENOEXEC);
  assert.equal(r.line, 'loaderd: elf step failed exec=/bin/text step=ident errno=ENOEXEC');
  assert.deepEqual(d.lines.map(([l]) => l), [r.line]);
  assert.match(d.lines[0]![1], /no ELF magic/);
  assert.equal(d.builder.processes.size, 0, 'nothing was prepared');
  const missing = await runExec(d, request('/bin/nothing'), { parentPid: 0, replacePid: 7 });
  assert.ok(isFailed(missing) && missing.line === 'loaderd: elf step failed exec=/bin/nothing step=open errno=ENOENT');
});

for (const method of ['prepare', 'map', 'commit'] as const) {
  test(`a ${method} failure aborts the prepared process and answers its errno at step build`, async () => {
    const d = deps();
    d.builder.failure = { method, count: method === 'map' ? 3 : 1, errno: Errno.ENOMEM };
    const r = await runExec(d, request(bins['hello-static']!), { parentPid: 1, replacePid: 0 });
    assert.ok(isFailed(r));
    assert.equal(`${r.step} ${r.errno}`, `build ${Errno.ENOMEM}`);
    assert.deepEqual(d.builder.halfBuilt(), [], 'nothing half-built remains');
    if (method !== 'prepare') assert.equal([...d.builder.processes.values()][0]!.state, 'ABORTED');
    assert.equal(d.lines.length, 1);
  });
}

test('a file service that throws, a machine that cannot be asked, and a bug are all answered as errors', async () => {
  const broken: ExecFiles = { openExec: async () => { throw new Error('connection reset'); } };
  const r1 = await runExec(deps(broken), request('/x'), { parentPid: 0, replacePid: 0 });
  assert.ok(isFailed(r1) && r1.step === 'open' && r1.errno === Errno.EIO);
  const d = deps();
  d.machine = async () => { throw new Error('nucleus unreachable'); };
  const r2 = await runExec(d, request(bins['hello-static']!), { parentPid: 0, replacePid: 0 });
  assert.ok(isFailed(r2) && r2.step === 'build' && r2.errno === Errno.EIO);
  const buggy: ExecFiles = { openExec: async () => ({ path: '/x', bytes: undefined as unknown as Uint8Array, device: 0, inode: 0, mode: 0 }) };
  const r3 = await runExec(deps(buggy), request('/x'), { parentPid: 0, replacePid: 0 });
  assert.ok(isFailed(r3) && r3.errno === Errno.EIO && /internal error/.test(r3.detail));
});

test('content larger than a broker message goes in consecutive pieces of the same mapping', async () => {
  // A program whose only segment carries 70 MiB of file bytes.
  const size = 70 * 1024 * 1024;
  const file = new Uint8Array(size);
  const elf = Buffer.from(readFileSync(bins['hello-static']!).subarray(0, 64 + 56));
  elf.writeUInt16LE(1, 56); // one program header
  elf.writeBigUInt64LE(0x400000n + 64n + 56n, 24); // entry inside the segment
  const ph = 64;
  elf.writeUInt32LE(1, ph); elf.writeUInt32LE(5, ph + 4);
  elf.writeBigUInt64LE(0n, ph + 8); elf.writeBigUInt64LE(0x400000n, ph + 16); elf.writeBigUInt64LE(0x400000n, ph + 24);
  elf.writeBigUInt64LE(BigInt(size), ph + 32); elf.writeBigUInt64LE(BigInt(size), ph + 40); elf.writeBigUInt64LE(0x1000n, ph + 48);
  file.set(elf);
  for (let i = 4096; i < size; i += 4096) file[i] = i / 4096 & 0xff;
  const d = deps(new MemoryFiles(new Map([['/big', file]])));
  const r = await runExec(d, request('/big'), { parentPid: 0, replacePid: 0 });
  assert.ok(!isFailed(r), JSON.stringify(r));
  const maps = [...d.builder.processes.values()][0]!.maps.filter((m) => m.file);
  assert.deepEqual(maps.map((m) => [m.addr - 0x400000, m.length, m.file!.offset]), [[0, CONTENT_CHUNK, 0], [CONTENT_CHUNK, CONTENT_CHUNK, CONTENT_CHUNK], [2 * CONTENT_CHUNK, size - 2 * CONTENT_CHUNK, 2 * CONTENT_CHUNK]]);
  for (const m of maps) assert.ok(Buffer.from(m.content).equals(Buffer.from(file.subarray(m.file!.offset, m.file!.offset + m.length))));
});
