/**
 * A stand-in for a guest address space and for the nucleus's marshalling of an
 * offloaded syscall (docs/LINUX-ABI.md): inputs copied from "guest memory" as the
 * ABI table's in-specs say, outputs copied back as its out-specs say. It lets a
 * test drive vfsd's mailbox handler exactly as the nucleus will, table included.
 */
import type { Arg, InSpec, Len, OutSpec, When } from '@rustos/nucleus/dist/ps/linux/spec.js';

const BASE = 0x1000_0000;

export class FakeMemory {
  private readonly regions: { at: number; bytes: Buffer }[] = [];
  private next = BASE;

  /** Place `bytes` in memory; their address. */
  alloc(bytes: Buffer): number {
    const at = this.next;
    this.regions.push({ at, bytes });
    this.next += Math.max(0x1000, (bytes.length + 0xfff) & ~0xfff) + 0x1000;
    return at;
  }

  private region(addr: number): { at: number; bytes: Buffer } {
    const r = this.regions.find((x) => addr >= x.at && addr < x.at + Math.max(1, x.bytes.length));
    if (!r) throw new Error(`fake memory: no region at 0x${addr.toString(16)}`);
    return r;
  }

  read(addr: number, n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
    const r = this.region(addr);
    return Buffer.from(r.bytes.subarray(addr - r.at, addr - r.at + n));
  }

  cstring(addr: number): Buffer {
    const r = this.region(addr);
    const from = addr - r.at;
    const end = r.bytes.indexOf(0, from);
    return Buffer.from(r.bytes.subarray(from, end < 0 ? r.bytes.length : end));
  }

  write(addr: number, data: Buffer): void {
    if (!data.length) return;
    const r = this.region(addr);
    data.copy(r.bytes, addr - r.at);
  }

  iovecs(addr: number, count: number): [number, number][] {
    const raw = this.read(addr, count * 16);
    const out: [number, number][] = [];
    for (let i = 0; i < count; i++) out.push([Number(raw.readBigUInt64LE(i * 16)), Number(raw.readBigUInt64LE(i * 16 + 8))]);
    return out;
  }
}

function length(args: number[], len: Len): number {
  if (typeof len === 'number') return args[len]!;
  if ('const' in len) return len.const;
  return args[len.arg]! * len.times;
}

const applies = (args: number[], when: When | undefined) => !when || when.is.includes(args[when.arg]! | 0);

export function marshalIn(mem: FakeMemory, args: number[], specs: readonly InSpec[] | undefined): Buffer[] {
  return (specs ?? []).map((spec) => {
    const ptr = args[spec.ptr as Arg]!;
    if (!applies(args, spec.when)) return Buffer.alloc(0);
    if ('optional' in spec && spec.optional && ptr === 0) return Buffer.alloc(0);
    switch (spec.kind) {
      case 'cstr': return mem.cstring(ptr);
      case 'cstrv': throw new Error('cstrv is not used by vfsd');
      case 'buf': return mem.read(ptr, length(args, spec.len));
      case 'struct': return mem.read(ptr, spec.size);
      case 'iov': return Buffer.concat(mem.iovecs(ptr, args[spec.count]!).map(([b, n]) => mem.read(b, n)));
      case 'msghdr': throw new Error('msghdr (sendmsg/recvmsg) is not replayed here: the guest suite covers it');
    }
  });
}

/** Copy outputs back; -22 (EINVAL) when an output is longer than its spec allows, as the nucleus answers. */
export function marshalOut(mem: FakeMemory, args: number[], specs: readonly OutSpec[] | undefined, outputs: Buffer[]): number {
  for (const [i, spec] of (specs ?? []).entries()) {
    const data = outputs[i];
    if (!data || data.length === 0 || !applies(args, spec.when)) continue;
    const ptr = args[spec.ptr]!;
    if ('optional' in spec && spec.optional && ptr === 0) continue;
    if (spec.kind === 'iov') {
      let at = 0;
      for (const [base, len] of mem.iovecs(ptr, args[spec.count]!)) {
        if (at >= data.length) break;
        mem.write(base, data.subarray(at, at + len));
        at += len;
      }
      continue;
    }
    if (spec.kind === 'msghdr') throw new Error('msghdr (recvmsg) is not replayed here: the guest suite covers it');
    const max = spec.kind === 'buf' ? length(args, spec.max) : spec.size;
    if (data.length > max) return -22;
    mem.write(ptr, data);
  }
  return 0;
}
