// Bad executables against Linux: each crafted file (a mutation of a real
// program, a script, a missing or unusable interpreter, oversized arguments) is
// exec'd natively and by loaderd. Where Linux refuses before its point of no
// return, execve's errno is the oracle and loaderd must give the same one.
// Where Linux fails after it (the process is already replaced and dies with
// SIGSEGV), loaderd refuses with the errno Linux's code has at that point, the
// caller survives. Where Linux would start an image that cannot run correctly,
// loaderd's refusal is a documented deviation, asserted as such.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Errno, errnoName } from '@rustos/platform';
import { ExecFailure, MAX_ARG_STRLEN } from './elf/index.js';
import { ENVP, assertLikeNative, plan } from './testing/compare.js';
import { hostPrograms, nativeExec } from './testing/host.js';

const bins = hostPrograms();
const PROBE = bins['exec-probe']!;
const dir = mkdtempSync(join(tmpdir(), 'loaderd-bad-'));
/** Interpreters must fit the 28-byte PT_INTERP of the dynamic program: a short directory for them. */
const short = mkdtempSync('/tmp/l');

function file(name: string, bytes: Uint8Array | string, mode = 0o755): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  chmodSync(path, mode);
  return path;
}

/** A copy of `from` changed by `edit`, which gets the bytes and the offset of program header i. */
function mutant(name: string, from: string, edit: (b: Buffer, ph: (i: number) => number, find: (type: number) => number) => Buffer | void): string {
  const b = Buffer.from(readFileSync(from));
  const phoff = Number(b.readBigUInt64LE(32));
  const ph = (i: number): number => phoff + i * 56;
  const find = (type: number): number => {
    for (let i = 0; i < b.readUInt16LE(56); i++) if (b.readUInt32LE(ph(i)) === type) return ph(i);
    throw new Error(`no program header of type ${type} in ${from}`);
  };
  return file(name, edit(b, ph, find) ?? b);
}

const STATIC = bins['hello-static']!;
const DYNAMIC = bins['hello-dynamic']!;
const PT_LOAD = 1;
const PT_INTERP = 3;
const setU64 = (b: Buffer, at: number, v: bigint): void => { b.writeBigUInt64LE(v, at); };
/** The first PT_LOAD with the given flags (4 R, 5 RX, 6 RW). */
const loadWithFlags = (b: Buffer, ph: (i: number) => number, flags: number): number => {
  for (let i = 0; ; i++) if (b.readUInt32LE(ph(i)) === PT_LOAD && b.readUInt32LE(ph(i) + 4) === flags) return ph(i);
};
/** An interpreter path of exactly the PT_INTERP size of the dynamic program, padded with slashes. */
function interpPath(target: string): Buffer {
  const b = readFileSync(DYNAMIC);
  const phoff = Number(b.readBigUInt64LE(32));
  let size = 0;
  for (let i = 0; i < b.readUInt16LE(56); i++) if (b.readUInt32LE(phoff + i * 56) === PT_INTERP) size = Number(b.readBigUInt64LE(phoff + i * 56 + 32));
  const path = `${'/'.repeat(size - 1 - target.length)}${target}\0`;
  assert.ok(path.length === size, `${target} fits the PT_INTERP slot`);
  return Buffer.from(path);
}
/** The dynamic program with its interpreter replaced by a copy of `bytes` (or nothing) under a short name. */
function withInterp(name: string, bytes: Uint8Array | undefined, mode = 0o755): string {
  const target = join(short, name.slice(0, 8));
  name = `interp-${name}`;
  if (bytes) {
    writeFileSync(target, bytes);
    chmodSync(target, mode);
  }
  return mutant(name, DYNAMIC, (b, _ph, find) => { interpPath(target).copy(b, Number(b.readBigUInt64LE(find(PT_INTERP) + 8))); });
}

type Native = 'refuses' | 'dies' | 'runs';
interface Case {
  title: string;
  path: string;
  argv?: string[];
  envp?: string[];
  errno: number;
  step: string;
  native: Native;
}

mkdirSync(join(dir, 'adir'), { mode: 0o755 });
const notElf = file('notelf', 'just some text\n');
const ldso = readFileSync('/lib64/ld-linux-x86-64.so.2');
const i386 = Buffer.from(ldso);
i386.writeUInt16LE(3, 18);
const scripts: string[] = [];
for (let i = 0; i < 6; i++) scripts.push(file(`chain${i}`, `#!${i === 0 ? STATIC : join(dir, `chain${i - 1}`)}\n`));
const argvOf = (n: number, size: number): string[] => Array.from({ length: n }, () => 'a'.repeat(size - 1));

const cases: Case[] = [
  { title: 'a missing file', path: join(dir, 'missing'), errno: Errno.ENOENT, step: 'open', native: 'refuses' },
  { title: 'a directory', path: join(dir, 'adir'), errno: Errno.EACCES, step: 'open', native: 'refuses' },
  { title: 'a file without exec permission', path: file('noexec', readFileSync(STATIC), 0o644), errno: Errno.EACCES, step: 'open', native: 'refuses' },
  { title: 'a path through a regular file', path: join(STATIC, 'x'), errno: Errno.ENOTDIR, step: 'open', native: 'refuses' },
  { title: 'an empty file', path: file('empty', ''), errno: Errno.ENOEXEC, step: 'ident', native: 'refuses' },
  { title: 'random bytes with exec permission', path: file('random', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) & 0xff))), errno: Errno.ENOEXEC, step: 'ident', native: 'refuses' },
  { title: 'text with exec permission', path: notElf, errno: Errno.ENOEXEC, step: 'ident', native: 'refuses' },
  { title: 'truncated inside the ELF header', path: mutant('trunc40', STATIC, (b) => b.subarray(0, 40)), errno: Errno.ENOEXEC, step: 'header', native: 'refuses' },
  { title: 'truncated inside the program headers', path: mutant('trunc200', STATIC, (b) => b.subarray(0, 200)), errno: Errno.ENOEXEC, step: 'phdrs', native: 'refuses' },
  { title: 'bad magic', path: mutant('magic', STATIC, (b) => { b[1] = 0x46; }), errno: Errno.ENOEXEC, step: 'ident', native: 'refuses' },
  { title: 'e_machine EM_386', path: mutant('i386', STATIC, (b) => { b.writeUInt16LE(3, 18); }), errno: Errno.ENOEXEC, step: 'header', native: 'refuses' },
  { title: 'e_machine AArch64', path: mutant('aarch64', STATIC, (b) => { b.writeUInt16LE(183, 18); }), errno: Errno.ENOEXEC, step: 'header', native: 'refuses' },
  { title: 'e_type ET_REL', path: mutant('rel', STATIC, (b) => { b.writeUInt16LE(1, 16); }), errno: Errno.ENOEXEC, step: 'header', native: 'refuses' },
  { title: 'e_type ET_CORE', path: mutant('core', STATIC, (b) => { b.writeUInt16LE(4, 16); }), errno: Errno.ENOEXEC, step: 'header', native: 'refuses' },
  { title: 'e_phentsize 55', path: mutant('phentsize', STATIC, (b) => { b.writeUInt16LE(55, 54); }), errno: Errno.ENOEXEC, step: 'header', native: 'refuses' },
  { title: 'e_phnum 0', path: mutant('phnum0', STATIC, (b) => { b.writeUInt16LE(0, 56); }), errno: Errno.ENOEXEC, step: 'header', native: 'refuses' },
  { title: 'e_phnum 1171 (more than 64 KiB of headers)', path: mutant('phnum1171', STATIC, (b) => { b.writeUInt16LE(1171, 56); }), errno: Errno.ENOEXEC, step: 'header', native: 'refuses' },
  { title: 'e_phnum 65535', path: mutant('phnumffff', STATIC, (b) => { b.writeUInt16LE(0xffff, 56); }), errno: Errno.ENOEXEC, step: 'header', native: 'refuses' },
  { title: 'e_phoff past the end of the file', path: mutant('phoff', STATIC, (b) => { setU64(b, 32, BigInt(b.length)); }), errno: Errno.ENOEXEC, step: 'phdrs', native: 'refuses' },
  { title: 'e_phoff absurd (2^63)', path: mutant('phoff63', STATIC, (b) => { setU64(b, 32, 1n << 63n); }), errno: Errno.ENOEXEC, step: 'phdrs', native: 'refuses' },
  { title: 'a missing interpreter', path: withInterp('missing', undefined), errno: Errno.ENOENT, step: 'interp-open', native: 'refuses' },
  { title: 'an interpreter without exec permission', path: withInterp('noexec', ldso, 0o644), errno: Errno.EACCES, step: 'interp-open', native: 'refuses' },
  { title: 'an interpreter that is not ELF', path: withInterp('text', Buffer.from('not an ELF file, and longer than its 64-byte header would be'.repeat(2))), errno: Errno.ELIBBAD, step: 'interp-elf', native: 'refuses' },
  { title: 'an interpreter shorter than an ELF header', path: withInterp('short', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1])), errno: Errno.EIO, step: 'interp-elf', native: 'refuses' },
  { title: 'an interpreter for another machine', path: withInterp('i386', i386), errno: Errno.ELIBBAD, step: 'interp-elf', native: 'refuses' },
  { title: 'PT_INTERP not NUL-terminated', path: mutant('interp-nonul', DYNAMIC, (b, _ph, find) => { const p = find(PT_INTERP); b[Number(b.readBigUInt64LE(p + 8) + b.readBigUInt64LE(p + 32)) - 1] = 0x41; }), errno: Errno.ENOEXEC, step: 'interp', native: 'refuses' },
  { title: 'PT_INTERP of 1 byte', path: mutant('interp-1', DYNAMIC, (b, _ph, find) => { setU64(b, find(PT_INTERP) + 32, 1n); }), errno: Errno.ENOEXEC, step: 'interp', native: 'refuses' },
  { title: 'PT_INTERP longer than PATH_MAX', path: mutant('interp-long', DYNAMIC, (b, _ph, find) => { setU64(b, find(PT_INTERP) + 32, 4097n); }), errno: Errno.ENOEXEC, step: 'interp', native: 'refuses' },
  { title: 'PT_INTERP past the end of the file', path: mutant('interp-eof', DYNAMIC, (b, _ph, find) => { setU64(b, find(PT_INTERP) + 8, BigInt(b.length - 4)); }), errno: Errno.EIO, step: 'interp', native: 'refuses' },
  { title: 'a PT_LOAD whose offset and address disagree modulo the page', path: mutant('congruence', STATIC, (b, ph) => { setU64(b, loadWithFlags(b, ph, 5) + 8, b.readBigUInt64LE(loadWithFlags(b, ph, 5) + 8) + 8n); }), errno: Errno.EINVAL, step: 'load', native: 'dies' },
  { title: 'a PT_LOAD with filesz > memsz', path: mutant('filesz', STATIC, (b, ph) => { const p = loadWithFlags(b, ph, 6); setU64(b, p + 32, b.readBigUInt64LE(p + 40) + 1n); }), errno: Errno.EINVAL, step: 'load', native: 'dies' },
  { title: 'a PT_LOAD above the user address space', path: mutant('high', STATIC, (b, ph) => { const p = loadWithFlags(b, ph, 6); setU64(b, p + 16, 0x800000000000n + (b.readBigUInt64LE(p + 16) & 0xfffn)); }), errno: Errno.EINVAL, step: 'load', native: 'dies' },
  { title: 'a PT_LOAD with an absurd memsz', path: mutant('memsz', STATIC, (b, ph) => { setU64(b, loadWithFlags(b, ph, 6) + 40, 1n << 62n); }), errno: Errno.EINVAL, step: 'load', native: 'dies' },
  { title: 'the entry point beyond the user address space', path: mutant('entry', STATIC, (b) => { setU64(b, 24, 0xffffffff80000000n); }), errno: Errno.EINVAL, step: 'entry', native: 'dies' },
  { title: 'a PT_LOAD reaching past the end of the file', path: mutant('trunc-load', STATIC, (b) => b.subarray(0, 0x2000)), errno: Errno.ENOEXEC, step: 'load', native: 'dies' },
  { title: 'overlapping PT_LOADs', path: mutant('overlap', STATIC, (b, ph) => { const p = loadWithFlags(b, ph, 4); setU64(b, p + 40, 0x2000n); setU64(b, p + 32, 0x2000n); }), errno: Errno.ENOEXEC, step: 'load', native: 'runs' },
  { title: 'EI_CLASS ELFCLASS32 on an x86-64 image', path: mutant('class32', STATIC, (b) => { b[4] = 1; }), errno: Errno.ENOEXEC, step: 'ident', native: 'runs' },
  { title: 'a "#!" line naming a missing interpreter', path: file('script-missing', '#!/no/such/shell -x\necho\n'), errno: Errno.ENOENT, step: 'interp-open', native: 'refuses' },
  { title: 'a "#!" line naming nothing', path: file('script-empty', '#!   \t \necho\n'), errno: Errno.ENOEXEC, step: 'script', native: 'refuses' },
  { title: 'a "#!" interpreter path cut off by the 256-byte buffer', path: file('script-long', `#!/${'x'.repeat(300)}`), errno: Errno.ENOEXEC, step: 'script', native: 'refuses' },
  { title: 'a "#!" interpreter that is a text file', path: file('script-text', `#!${notElf}\n`), errno: Errno.ENOEXEC, step: 'ident', native: 'refuses' },
  { title: 'six nested "#!" scripts', path: scripts[5]!, errno: Errno.ELOOP, step: 'script', native: 'refuses' },
  { title: `an argument of ${MAX_ARG_STRLEN} bytes without its NUL`, path: STATIC, argv: ['x', 'a'.repeat(MAX_ARG_STRLEN)], errno: Errno.E2BIG, step: 'args', native: 'refuses' },
  { title: 'arguments beyond a quarter of the stack limit', path: STATIC, argv: argvOf(17, 128 * 1024), errno: Errno.E2BIG, step: 'args', native: 'refuses' },
  { title: 'environment beyond a quarter of the stack limit', path: STATIC, argv: ['x'], envp: argvOf(300_000, 8), errno: Errno.E2BIG, step: 'args', native: 'refuses' },
  { title: 'E2BIG before ENOEXEC (arguments are copied before the file is read)', path: notElf, argv: ['x', 'a'.repeat(MAX_ARG_STRLEN)], errno: Errno.E2BIG, step: 'args', native: 'refuses' },
  { title: 'ENOENT before E2BIG (the file is opened first)', path: join(dir, 'missing'), argv: ['x', 'a'.repeat(MAX_ARG_STRLEN)], errno: Errno.ENOENT, step: 'open', native: 'refuses' },
];

for (const c of cases) {
  test(`bad exec like Linux: ${c.title} → ${errnoName(c.errno)} at ${c.step}`, async () => {
    const argv = c.argv ?? ['prog'];
    const envp = c.envp ?? ENVP;
    const native = nativeExec(PROBE, c.path, argv, envp);
    const kind: Native = 'errno' in native ? 'refuses' : 'signal' in native ? 'dies' : 'runs';
    assert.equal(kind, c.native, `natively the exec ${JSON.stringify(native).slice(0, 200)}`);
    if ('errno' in native) assert.equal(errnoName(native.errno), errnoName(c.errno), 'native errno');
    const ours = await plan(c.path, argv, envp).then(() => undefined, (err: unknown) => err);
    assert.ok(ours instanceof ExecFailure, `loaderd ${ours === undefined ? 'accepted it' : `threw ${String(ours)}`}`);
    assert.equal(`${ours.step} ${errnoName(ours.errno)}`, `${c.step} ${errnoName(c.errno)}`, ours.message);
  });
}

test('five nested "#!" scripts run, each script name passed on as Linux does', async () => {
  const native = nativeExec(PROBE, scripts[4]!, ['s4', 'arg'], ENVP, { memory: true });
  assert.ok('rip' in native, JSON.stringify(native));
  const prep = await plan(scripts[4]!, ['s4', 'arg'], ENVP, { auxv: native.auxv });
  assert.deepEqual(prep.argv.map((a) => Buffer.from(a).toString()), [STATIC, ...scripts.slice(0, 5), 'arg']);
  assertLikeNative(native, prep);
});
