// Loading with loaderd's ELF core into the bare Spaces (the page map the shim
// tests use and the nucleus mm): the file bytes of every segment, a zeroed bss,
// each segment's protection (the bss pages past the file are read-write, as
// Linux's vm_brk gives them), the program headers where AT_PHDR says, and an
// initial stack whose argv and environment read back. The plan itself is
// compared with Linux in services/loaderd (host.test.ts).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { PAGE as LOADER_PAGE, parseElf, protOf, PType } from '@rustos/loaderd/elf';
import { buildPrograms } from './cases.js';
import { loadProgram } from './load.js';
import { createSpace } from './machine.js';
import { MmSpace } from './mm-space.js';
import { PageMap, protAt } from './page-map.js';
import { PAGE, type Space } from './ports.js';

const bins = buildPrograms();
const samples = ['int_arith', 'env_argv-pie', 'sse_intrin', 'raw_syscalls'].map((n) => bins.get(n)!);
samples.push('/bin/busybox');
const spaces: Array<[string, () => Space]> = [['PageMap', () => new PageMap()], ['mm', () => new MmSpace(createSpace())]];

const options = { argv: ['prog', 'a b', ''], envp: ['A=1', 'HOME=/h'], exe: '/some/prog', uid: 5, gid: 6, hwcap: 0x178bfbff, random: new Uint8Array(16).fill(7) };

test('the bare page size is the loader\'s', () => assert.equal(PAGE, LOADER_PAGE));

for (const path of samples) {
  for (const [kind, makeSpace] of spaces) test(`loadProgram maps file bytes, zeroed bss and permissions (${kind}): ${path.split('/').pop()}`, () => {
    const file = readFileSync(path);
    const image = parseElf(file, 'program');
    const space = makeSpace();
    const loaded = loadProgram(space, file, options);
    assert.equal(loaded.entry, loaded.bias + image.entry);
    let end = 0;
    for (const s of image.phdrs.filter((p) => p.type === PType.Load)) {
      const va = loaded.bias + s.vaddr;
      assert.deepEqual(space.read(va, s.filesz)!, new Uint8Array(file.subarray(s.offset, s.offset + s.filesz)));
      assert.ok(space.read(va + s.filesz, s.memsz - s.filesz)!.every((b) => b === 0), 'bss is zero');
      if (s.filesz > 0) assert.equal(protAt(space, va), protOf(s.flags));
      const bssPage = Math.ceil((va + s.filesz) / PAGE) * PAGE;
      if (bssPage < va + s.memsz) assert.equal(protAt(space, bssPage), 3 | (protOf(s.flags) & 4), 'bss pages past the file are read-write');
      end = Math.max(end, va + s.memsz);
    }
    if (image.type === 2) assert.equal(loaded.brk, Math.ceil(end / PAGE) * PAGE, 'the break follows the image');
    assert.deepEqual(space.read(loaded.phdr, image.phnum * 56)!, new Uint8Array(file.subarray(image.phoff, image.phoff + image.phnum * 56)));

    const word = (va: number): number => Number(Buffer.from(space.read(va, 8)!).readBigUInt64LE());
    const str = (va: number): string => {
      const bytes: number[] = [];
      for (let b = space.read(va, 1)![0]!; b !== 0; b = space.read(va + bytes.length, 1)![0]!) bytes.push(b);
      return Buffer.from(bytes).toString();
    };
    assert.equal(loaded.sp % 16, 0);
    assert.equal(word(loaded.sp), options.argv.length);
    assert.deepEqual(options.argv.map((_, i) => str(word(loaded.sp + 8 + i * 8))), options.argv);
    const envAt = loaded.sp + 8 * (options.argv.length + 2);
    assert.deepEqual(options.envp.map((_, i) => str(word(envAt + i * 8))), options.envp);
  });
}

test('a static-pie goes below the mmap area\'s top, and the shim\'s mmaps go below it', () => {
  const file = readFileSync(bins.get('env_argv-pie')!);
  const loaded = loadProgram(new PageMap(), file, options);
  assert.ok(loaded.bias > 0x7f0000000000 && loaded.mmapTop <= loaded.bias, `static-pie at 0x${loaded.bias.toString(16)}`);
});

test('loadProgram refuses a dynamic program and corrupt images', () => {
  assert.throws(() => loadProgram(new PageMap(), readFileSync('/bin/true'), options), /PT_INTERP/);
  const bad = Buffer.from(readFileSync(bins.get('int_arith')!));
  bad.writeUInt16LE(3, 18);
  assert.throws(() => loadProgram(new PageMap(), bad, options), /e_machine 3/);
});
