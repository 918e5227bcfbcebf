// The test loader against references: binutils' readelf for the headers, the ELF
// bytes themselves for what lands in memory, and Linux's binfmt_elf rules for the
// initial stack. Corrupt images must be refused with ElfError and nothing else.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { buildPrograms } from './cases.js';
import { At, ElfError, buildStack, loadElf, parseElf, PIE_BASE } from './elf.js';
import { createSpace } from './machine.js';
import { MmSpace } from './mm-space.js';
import { PageMap, protAt } from './page-map.js';
import type { Space } from './ports.js';
import { PAGE } from './ports.js';

const bins = buildPrograms();
const samples = ['int_arith', 'env_argv-pie', 'sse_intrin'].map((n) => bins.get(n)!);
samples.push('/bin/busybox');

interface ReadelfLoad { offset: number; vaddr: number; filesz: number; memsz: number; flags: string }

function readelf(path: string): { type: string; entry: number; loads: ReadelfLoad[] } {
  const out = execFileSync('readelf', ['-hlW', path], { encoding: 'utf8' });
  const type = /Type:\s+(\w+)/.exec(out)![1]!;
  const entry = Number(/Entry point address:\s+(0x[0-9a-f]+)/.exec(out)![1]);
  const loads = [...out.matchAll(/^\s+LOAD\s+(0x\S+)\s+(0x\S+)\s+0x\S+\s+(0x\S+)\s+(0x\S+)\s+([RWE ]+?)\s+0x/gm)].map((m) => ({
    offset: Number(m[1]), vaddr: Number(m[2]), filesz: Number(m[3]), memsz: Number(m[4]), flags: m[5]!.replace(/ /g, ''),
  }));
  return { type, entry, loads };
}

const spaces: Array<[string, () => Space]> = [['PageMap', () => new PageMap()], ['mm', () => new MmSpace(createSpace())]];

const flagString = (f: number): string => `${f & 4 ? 'R' : ''}${f & 2 ? 'W' : ''}${f & 1 ? 'E' : ''}`;

for (const path of samples) {
  test(`parseElf agrees with readelf: ${path.split('/').pop()}`, () => {
    const image = parseElf(readFileSync(path));
    const ref = readelf(path);
    assert.equal(image.pie, ref.type === 'DYN');
    assert.equal(image.entry, ref.entry);
    const loads = image.segments.filter((s) => s.type === 1);
    assert.deepEqual(
      loads.map((s) => ({ offset: s.offset, vaddr: s.vaddr, filesz: s.filesz, memsz: s.memsz, flags: flagString(s.flags) })),
      ref.loads,
    );
  });

  for (const [kind, makeSpace] of spaces) test(`loadElf maps file bytes, zeroed bss and permissions (${kind}): ${path.split('/').pop()}`, () => {
    const file = readFileSync(path);
    const image = parseElf(file);
    const space = makeSpace();
    const loaded = loadElf(space, file, image);
    const base = image.pie ? PIE_BASE : 0;
    assert.equal(loaded.base, base);
    assert.equal(loaded.entry, base + image.entry);
    let end = 0;
    for (const s of image.segments.filter((x) => x.type === 1)) {
      const va = base + s.vaddr;
      assert.deepEqual(space.read(va, s.filesz)!, new Uint8Array(file.subarray(s.offset, s.offset + s.filesz)));
      assert.ok(space.read(va + s.filesz, s.memsz - s.filesz)!.every((b) => b === 0), 'bss is zero');
      const prot = (s.flags & 4 ? 1 : 0) | (s.flags & 2 ? 2 : 0) | (s.flags & 1 ? 4 : 0);
      assert.equal(protAt(space, va + s.memsz - 1), prot);
      end = Math.max(end, va + s.memsz);
    }
    assert.equal(loaded.brk, Math.ceil(end / PAGE) * PAGE);
    // AT_PHDR must point at the program headers as they are in the file.
    assert.deepEqual(space.read(loaded.phdr, image.phnum * 56)!, new Uint8Array(file.subarray(image.phoff, image.phoff + image.phnum * 56)));
  });
}

test('buildStack lays out argc/argv/envp/auxv and strings like binfmt_elf', () => {
  const file = readFileSync(bins.get('int_arith')!);
  const image = parseElf(file);
  const space = new PageMap();
  const loaded = loadElf(space, file, image);
  const top = 0x7ffffffff000;
  for (const argv of [['prog'], ['prog', 'a', '', 'ccc'], ['x'.repeat(77)]]) {
    for (const envp of [[], ['A=1'], ['HOME=/h', 'PATH=/bin', 'Z=']]) {
      const random = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
      const spec = { argv, envp, execfn: '/some/path/prog', random, uid: 5, gid: 6, hwcap: 0x1234, hwcap2: 2, minsigstksz: 2048 };
      const st = buildStack(top, loaded, image, spec);
      assert.equal(st.sp % 16, 0, 'sp is 16-byte aligned');
      assert.equal(st.sp + st.bytes.length, top);
      const dv = new DataView(st.bytes.buffer);
      const word = (va: number): number => Number(dv.getBigUint64(va - st.sp, true));
      const str = (va: number): string => {
        let end = va - st.sp;
        while (st.bytes[end] !== 0) end++;
        return Buffer.from(st.bytes.subarray(va - st.sp, end)).toString();
      };
      let at = st.sp;
      assert.equal(word(at), argv.length);
      const argPtrs = argv.map((_, i) => word(at + 8 + i * 8));
      assert.deepEqual(argPtrs.map(str), argv);
      at += 8 + argv.length * 8;
      assert.equal(word(at), 0);
      at += 8;
      const envPtrs = envp.map((_, i) => word(at + i * 8));
      assert.deepEqual(envPtrs.map(str), envp);
      at += envp.length * 8;
      assert.equal(word(at), 0);
      at += 8;
      const aux = new Map<number, number>();
      const order: number[] = [];
      for (;;) {
        const [k, v] = [word(at), word(at + 8)];
        at += 16;
        if (k === At.NULL) break;
        aux.set(k, v);
        order.push(k);
      }
      // Linux's order (create_elf_tables), without the vDSO entry.
      assert.deepEqual(order, [51, 16, 6, 17, 3, 4, 5, 7, 8, 9, 11, 12, 13, 14, 23, 25, 26, 31, 15]);
      assert.equal(aux.get(At.PHDR), loaded.phdr);
      assert.equal(aux.get(At.PHNUM), image.phnum);
      assert.equal(aux.get(At.PHENT), 56);
      assert.equal(aux.get(At.ENTRY), loaded.entry);
      assert.equal(aux.get(At.PAGESZ), 4096);
      assert.equal(aux.get(At.UID), 5);
      assert.equal(aux.get(At.EGID), 6);
      assert.equal(aux.get(At.HWCAP), 0x1234);
      assert.equal(aux.get(At.SECURE), 0);
      assert.equal(aux.get(At.BASE), 0);
      const rnd = aux.get(At.RANDOM)!;
      assert.deepEqual(st.bytes.subarray(rnd - st.sp, rnd - st.sp + 16), random);
      const platform = aux.get(At.PLATFORM)!;
      assert.equal(str(platform), 'x86_64');
      assert.equal(rnd + 16, platform, 'random bytes sit right below the platform string');
      assert.equal((platform + 7) % 16, 0, 'the platform string ends on the aligned boundary');
      assert.ok(rnd >= at && rnd - at < 16, 'the auxv block ends within 16 bytes of the random bytes');
      const execfn = aux.get(At.EXECFN)!;
      assert.equal(str(execfn), '/some/path/prog');
      assert.equal(execfn + '/some/path/prog'.length + 1, top - 8, 'execfn ends 8 bytes below the top');
      assert.deepEqual(st.bytes.subarray(st.bytes.length - 8), new Uint8Array(8));
      // argv strings, then env strings, then execfn, contiguous.
      let expect = argPtrs[0]!;
      for (const [i, p] of [...argPtrs, ...envPtrs].entries()) {
        assert.equal(p, expect, `string ${i} is contiguous`);
        expect = p + str(p).length + 1;
      }
      assert.equal(execfn, expect);
    }
  }
});

test('parseElf refuses what it cannot load, with ElfError', () => {
  const good = readFileSync(bins.get('int_arith')!);
  const bad = (mutate: (b: Buffer) => Buffer | Uint8Array, why: RegExp): void => {
    assert.throws(() => parseElf(mutate(Buffer.from(good))), (e: unknown) => e instanceof ElfError && why.test(e.message));
  };
  bad((b) => b.subarray(0, 40), /shorter/);
  bad((b) => ((b[1] = 0), b), /magic/);
  bad((b) => ((b[4] = 1), b), /ELFCLASS64/);
  bad((b) => ((b[5] = 2), b), /little-endian/);
  bad((b) => (b.writeUInt16LE(3, 18), b), /x86-64/);
  bad((b) => (b.writeUInt16LE(1, 16), b), /e_type/);
  bad((b) => b.subarray(0, 2000), /outside the file|program headers/);
  bad((b) => (b.writeUInt16LE(0xffff, 56), b), /program headers outside/);
  assert.throws(() => parseElf(readFileSync('/bin/true')), (e: unknown) => e instanceof ElfError && /PT_INTERP/.test(e.message));
});

test('parseElf never throws anything but ElfError on corrupt headers (property)', () => {
  const good = readFileSync(bins.get('int_arith')!).subarray(0, 8192);
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(1023), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 12 }), (edits) => {
      const b = Buffer.from(good);
      for (const [at, v] of edits) b[at] = v;
      try {
        parseElf(b);
      } catch (e) {
        if (!(e instanceof ElfError)) throw e;
      }
    }),
    { numRuns: 2000 },
  );
});
