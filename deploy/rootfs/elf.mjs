// What a dynamic executable needs from the guest: its interpreter (PT_INTERP, read
// from the ELF program headers) and its shared-library closure (asked of the
// host's loader through ldd, which resolves exactly as the program would).
import { openSync, readSync, closeSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const PT_INTERP = 3;

/** The PT_INTERP path of an ELF64 little-endian file, or null for a static one (or not ELF). */
export function interpreter(path) {
  const fd = openSync(path, 'r');
  try {
    const header = Buffer.alloc(64);
    if (readSync(fd, header, 0, 64, 0) < 64 || header.readUInt32BE(0) !== 0x7f454c46 || header[4] !== 2 || header[5] !== 1) return null;
    const phoff = Number(header.readBigUInt64LE(32));
    const phentsize = header.readUInt16LE(54);
    const phnum = header.readUInt16LE(56);
    const table = Buffer.alloc(phentsize * phnum);
    readSync(fd, table, 0, table.length, phoff);
    for (let i = 0; i < phnum; i++) {
      const ph = table.subarray(i * phentsize);
      if (ph.readUInt32LE(0) !== PT_INTERP) continue;
      const name = Buffer.alloc(Number(ph.readBigUInt64LE(32)));
      readSync(fd, name, 0, name.length, Number(ph.readBigUInt64LE(8)));
      return name.toString('latin1').replace(/\0.*$/s, '');
    }
    return null;
  } finally {
    closeSync(fd);
  }
}

/** Absolute paths of every shared library `path` loads (transitively), as ldd resolves them. */
export function libraries(path) {
  const r = spawnSync('ldd', [path], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ldd ${path} failed: ${r.stderr || r.stdout}`);
  const libs = [];
  for (const line of r.stdout.split('\n')) {
    const missing = /^\s*(\S+) => not found/.exec(line);
    if (missing) throw new Error(`${path} needs ${missing[1]}, which the host does not have`);
    const found = /=> (\/\S+) \(0x/.exec(line);
    if (found) libs.push(found[1]);
  }
  return libs;
}
