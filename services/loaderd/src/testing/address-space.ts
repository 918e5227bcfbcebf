/**
 * A plan applied page by page, as the PROC_MAP broker would apply it (a later
 * mapping replaces the pages of an earlier one): the resulting /proc/<pid>/maps
 * lines, with the kernel's merging of adjacent compatible mappings, and the bytes
 * of any range. For comparing plans with native processes and checking that
 * fuzzed plans are sane.
 */
import { PAGE, type Mapping } from '../elf/index.js';

interface Page {
  mapping: Mapping;
  /** Page index within its mapping. */
  index: number;
}

export class PlannedSpace {
  private readonly pages = new Map<number, Page>();

  constructor(readonly mappings: readonly Mapping[], readonly names: (m: Mapping) => string) {
    for (const m of mappings) for (let i = 0; i < m.length / PAGE; i++) this.pages.set(m.addr / PAGE + i, { mapping: m, index: i });
  }

  /** The bytes at [addr, addr+length); null if any page is unmapped. */
  read(addr: number, length: number): Uint8Array | null {
    const out = new Uint8Array(length);
    for (let at = addr; at < addr + length;) {
      const pageStart = at - (at % PAGE);
      const page = this.pages.get(pageStart / PAGE);
      if (!page) return null;
      const end = Math.min(addr + length, pageStart + PAGE);
      const m = page.mapping;
      const content = m.content ?? new Uint8Array(0);
      for (let a = at; a < end; a++) {
        const i = a - m.addr - m.contentOffset;
        out[a - addr] = i >= 0 && i < content.length ? content[i]! : 0;
      }
      at = end;
    }
    return out;
  }

  /** "start-end rwxp offset name" lines, merged as the kernel merges VMAs. */
  maps(): Array<{ start: number; end: number; perms: string; offset: number; name: string }> {
    const out: Array<{ start: number; end: number; perms: string; offset: number; name: string; file: boolean }> = [];
    for (const vpn of [...this.pages.keys()].sort((a, b) => a - b)) {
      const { mapping: m, index } = this.pages.get(vpn)!;
      const perms = `${m.prot & 1 ? 'r' : '-'}${m.prot & 2 ? 'w' : '-'}${m.prot & 4 ? 'x' : '-'}p`;
      const file = m.image !== undefined;
      const offset = file ? m.fileOffset + index * PAGE : 0;
      const name = this.names(m);
      const last = out[out.length - 1];
      if (last && last.end === vpn * PAGE && last.perms === perms && last.name === name && last.file === file
        && (!file || last.offset + (last.end - last.start) === offset)) {
        last.end += PAGE;
      } else {
        out.push({ start: vpn * PAGE, end: (vpn + 1) * PAGE, perms, offset, name, file });
      }
    }
    return out.map(({ file: _file, ...rest }) => rest);
  }
}
