// Reading ELF images against binutils' readelf (real programs), and every
// refusal of image.ts with its step and errno: a program's format errors are
// ENOEXEC, an interpreter's ELIBBAD (EIO when it is too short to read), a bad
// PT_INTERP ENOEXEC, or EIO when it lies outside the file — Linux's answers.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Errno, errnoName } from '@rustos/platform';
import { hostPrograms } from '../testing/host.js';
import { ExecFailure } from './failure.js';
import { PType, parseElf, type Role } from './image.js';

const bins = hostPrograms();
const samples = [bins['hello-static']!, bins['hello-static-pie']!, bins['hello-dynamic']!, bins['hello-execstack']!, '/bin/busybox', '/usr/bin/ls', '/lib64/ld-linux-x86-64.so.2'];

interface ReadelfPhdr { type: string; offset: number; vaddr: number; filesz: number; memsz: number; flags: string; align: number }

function readelf(path: string): { type: string; entry: number; phdrs: ReadelfPhdr[]; interp?: string } {
  const out = execFileSync('readelf', ['-hlW', path], { encoding: 'utf8' });
  const phdrs = [...out.matchAll(/^\s+([A-Z_]+|LOOS\+0x\w+|0x[0-9a-f]+)\s+(0x\S+)\s+(0x\S+)\s+0x\S+\s+(0x\S+)\s+(0x\S+)\s+([RWE ]+?)\s+(0x[0-9a-f]+)$/gm)].map((m) => ({
    type: m[1]!, offset: Number(m[2]), vaddr: Number(m[3]), filesz: Number(m[4]), memsz: Number(m[5]), flags: m[6]!.replace(/ /g, ''), align: Number(m[7]),
  }));
  return {
    type: /Type:\s+(\w+)/.exec(out)![1]!,
    entry: Number(/Entry point address:\s+(0x[0-9a-f]+)/.exec(out)![1]),
    phdrs,
    interp: /Requesting program interpreter: (.*)\]/.exec(out)?.[1],
  };
}

const flagString = (f: number): string => `${f & 4 ? 'R' : ''}${f & 2 ? 'W' : ''}${f & 1 ? 'E' : ''}`;
const TYPES: Record<number, string> = { 1: 'LOAD', 2: 'DYNAMIC', 3: 'INTERP', 4: 'NOTE', 6: 'PHDR', 7: 'TLS', 0x6474e550: 'GNU_EH_FRAME', 0x6474e551: 'GNU_STACK', 0x6474e552: 'GNU_RELRO', 0x6474e553: 'GNU_PROPERTY' };

for (const path of samples) {
  test(`parseElf agrees with readelf: ${path.split('/').pop()}`, () => {
    const image = parseElf(readFileSync(path), 'program');
    const ref = readelf(path);
    assert.equal(image.type === 3 ? 'DYN' : 'EXEC', ref.type);
    assert.equal(image.entry, ref.entry);
    assert.equal(image.phnum, ref.phdrs.length);
    assert.deepEqual(
      image.phdrs.map((p) => ({ type: TYPES[p.type] ?? `0x${p.type.toString(16)}`, offset: p.offset, vaddr: p.vaddr, filesz: p.filesz, memsz: p.memsz, flags: flagString(p.flags), align: p.align })),
      ref.phdrs,
    );
    assert.equal(image.interp && Buffer.from(image.interp).toString(), ref.interp);
    const stack = image.phdrs.find((p) => p.type === PType.GnuStack);
    assert.equal(image.execStack, stack !== undefined && (stack.flags & 1) !== 0);
  });
}

const base = readFileSync(bins['hello-static']!);
const dynamic = readFileSync(bins['hello-dynamic']!);

function refusal(bytes: Uint8Array, role: Role): string {
  try {
    parseElf(bytes, role);
  } catch (err) {
    assert.ok(err instanceof ExecFailure, `threw ${String(err)}`);
    return `${err.step} ${errnoName(err.errno)}`;
  }
  return 'accepted';
}

function edit(from: Buffer, f: (b: Buffer) => Buffer | void): Buffer {
  const b = Buffer.from(from);
  return f(b) ?? b;
}

const interpHeader = (b: Buffer): number => {
  const phoff = Number(b.readBigUInt64LE(32));
  for (let i = 0; ; i++) if (b.readUInt32LE(phoff + i * 56) === PType.Interp) return phoff + i * 56;
};

const cases: Array<[string, Buffer, string, string]> = [
  ['empty', Buffer.alloc(0), 'ident ENOEXEC', 'interp-elf EIO'],
  ['magic only', Buffer.from([0x7f, 0x45, 0x4c, 0x46]), 'ident ENOEXEC', 'interp-elf EIO'],
  ['bad magic', edit(base, (b) => { b[3] = 0; }), 'ident ENOEXEC', 'interp-elf ELIBBAD'],
  ['ELFCLASS32', edit(base, (b) => { b[4] = 1; }), 'ident ENOEXEC', 'interp-elf ELIBBAD'],
  ['big-endian', edit(base, (b) => { b[5] = 2; }), 'ident ENOEXEC', 'interp-elf ELIBBAD'],
  ['EI_VERSION 0', edit(base, (b) => { b[6] = 0; }), 'ident ENOEXEC', 'interp-elf ELIBBAD'],
  ['EI_OSABI FreeBSD', edit(base, (b) => { b[7] = 9; }), 'ident ENOEXEC', 'interp-elf ELIBBAD'],
  ['EI_OSABI GNU', edit(base, (b) => { b[7] = 3; }), 'accepted', 'accepted'],
  ['ET_REL', edit(base, (b) => { b.writeUInt16LE(1, 16); }), 'header ENOEXEC', 'interp-elf ELIBBAD'],
  ['EM_386', edit(base, (b) => { b.writeUInt16LE(3, 18); }), 'header ENOEXEC', 'interp-elf ELIBBAD'],
  ['e_phentsize 32', edit(base, (b) => { b.writeUInt16LE(32, 54); }), 'header ENOEXEC', 'interp-elf ELIBBAD'],
  ['e_phnum 0', edit(base, (b) => { b.writeUInt16LE(0, 56); }), 'header ENOEXEC', 'interp-elf ELIBBAD'],
  ['e_phnum 1171', edit(base, (b) => { b.writeUInt16LE(1171, 56); }), 'header ENOEXEC', 'interp-elf ELIBBAD'],
  ['e_phnum 1170 (64 KiB of headers, past the file)', edit(base.subarray(0, 60000), (b) => { b.writeUInt16LE(1170, 56); }), 'phdrs ENOEXEC', 'interp-elf ELIBBAD'],
  ['e_phoff 2^64-1', edit(base, (b) => { b.writeBigUInt64LE(2n ** 64n - 1n, 32); }), 'phdrs ENOEXEC', 'interp-elf ELIBBAD'],
  ['headers cut', base.subarray(0, 64 + 56 * 3), 'phdrs ENOEXEC', 'interp-elf ELIBBAD'],
  ['PT_INTERP of 1 byte', edit(dynamic, (b) => { b.writeBigUInt64LE(1n, interpHeader(b) + 32); }), 'interp ENOEXEC', 'accepted'],
  ['PT_INTERP of 4097 bytes', edit(dynamic, (b) => { b.writeBigUInt64LE(4097n, interpHeader(b) + 32); }), 'interp ENOEXEC', 'accepted'],
  ['PT_INTERP past the file', edit(dynamic, (b) => { b.writeBigUInt64LE(BigInt(b.length - 2), interpHeader(b) + 8); }), 'interp EIO', 'accepted'],
  ['PT_INTERP offset 2^63', edit(dynamic, (b) => { b.writeBigUInt64LE(2n ** 63n, interpHeader(b) + 8); }), 'interp EIO', 'accepted'],
  ['PT_INTERP without its NUL', edit(dynamic, (b) => { const h = interpHeader(b); b[Number(b.readBigUInt64LE(h + 8) + b.readBigUInt64LE(h + 32)) - 1] = 0x78; }), 'interp ENOEXEC', 'accepted'],
];

for (const [title, bytes, asProgram, asInterp] of cases) {
  test(`parseElf refuses with step and errno: ${title}`, () => {
    assert.equal(refusal(bytes, 'program'), asProgram, 'as the program');
    assert.equal(refusal(bytes, 'interp'), asInterp, 'as an interpreter');
  });
}

test('the PT_INTERP path ends at its first NUL, and a short file reads as zeros', () => {
  const b = Buffer.from(dynamic);
  const h = interpHeader(b);
  const at = Number(b.readBigUInt64LE(h + 8));
  b.write('/x\0y', at, 'latin1');
  assert.equal(Buffer.from(parseElf(b, 'program').interp!).toString(), '/x');
  // 20 bytes: magic and ident fine, e_type reads as 0 from the zero padding.
  assert.equal(refusal(base.subarray(0, 20), 'program'), 'header ENOEXEC');
  assert.equal(Errno.ELIBBAD, 80);
});
