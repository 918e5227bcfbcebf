/**
 * The MM broker (SYS_RUSTOS_MM_BROKER): address-space mutation on behalf of
 * syscalld, which owns Linux MM policy (where a mapping goes, limits, brk). The
 * broker checks the capability and the request's bounds, then asks the process's
 * address space to do exactly that. Also the user-copy primitives (read/write)
 * policy services need. Answers carry the errno in-band; the persistent stream is
 * the hot path.
 */
import { grpc, invalid, unary, toStatus, RpcError, errnoName } from '@rustos/platform';
import type { MmBrokerHandlers } from '@rustos/platform/gen/rustos/v1/MmBroker.js';
import type { MmRequest__Output } from '@rustos/platform/gen/rustos/v1/MmRequest.js';
import type { MmMap__Output } from '@rustos/platform/gen/rustos/v1/MmMap.js';
import type { MmReply } from '@rustos/platform/gen/rustos/v1/MmReply.js';
import type { Kernel } from '../executive/kernel.js';
import type { AddressSpace } from '../mm/address-space.js';
import { MapFlag, type Region } from '../mm/regions.js';
import { sectionKey, type Sections } from '../mm/sections.js';
import type { MmRegion } from '@rustos/platform/gen/rustos/v1/MmRegion.js';
import { authorize, injectFaults } from './guard.js';
import { MAX_CONTENT_BYTES, MAX_COPY_BYTES, MAX_USER_ADDRESS } from './limits.js';

const PAGE = 4096;
const ESRCH = 3;

function range(addr: number, length: number, what: string): void {
  if (addr % PAGE !== 0) throw invalid(`${what}: addr 0x${addr.toString(16)} is not page aligned`);
  if (!(length > 0) || length > MAX_USER_ADDRESS || addr + length > MAX_USER_ADDRESS) {
    throw invalid(`${what}: range 0x${addr.toString(16)}+0x${length.toString(16)} is empty or beyond the user address space`);
  }
}

/** Map a request's protection and flags onto the address space's, after checking bounds. */
export function mapInto(space: AddressSpace, m: MmMap__Output, what: string, sections?: Sections): number {
  range(m.addr, m.length, what);
  if (m.prot & ~7) throw invalid(`${what}: prot 0x${m.prot.toString(16)} has bits beyond READ|WRITE|EXEC`);
  if (m.flags & ~15) throw invalid(`${what}: flags 0x${m.flags.toString(16)} has unknown bits`);
  const sectioned = (m.flags & 8) !== 0;
  if (sectioned && (!(m.flags & 1) || !m.file || !sections)) throw invalid(`${what}: a section mapping must be shared and name its file`);
  if (m.content.length > MAX_CONTENT_BYTES) throw invalid(`${what}: content of ${m.content.length} bytes exceeds ${MAX_CONTENT_BYTES}`);
  if (m.contentOffset + m.content.length > m.length) throw invalid(`${what}: content (${m.content.length} bytes at ${m.contentOffset}) does not fit the mapping of ${m.length} bytes`);
  const flags = (m.flags & 1 ? MapFlag.Shared : MapFlag.Private) | (m.flags & 2 ? MapFlag.GrowsDown : 0) | (m.file ? 0 : MapFlag.Anonymous);
  return space.map(m.addr, m.length, m.prot, flags, {
    content: m.content.length ? new Uint8Array(m.content.buffer, m.content.byteOffset, m.content.length) : undefined,
    offset: m.contentOffset,
    populate: (m.flags & 4) !== 0,
    name: m.name,
    file: m.file ? { path: m.file.path, device: m.file.device, inode: m.file.inode, offset: m.file.offset } : undefined,
    section: sectioned ? { sections: sections!, key: sectionKey(m.file!.device, m.file!.inode) } : undefined,
  });
}

/** A region as the contracts describe it: flags in MmMap's terms (1 shared, 2 grows down). */
export function regionOnTheWire(r: Region): MmRegion {
  return { start: r.start, end: r.end, prot: r.prot, flags: (r.flags & MapFlag.Shared ? 1 : 0) | (r.flags & MapFlag.GrowsDown ? 2 : 0), name: r.name, file: r.file ?? null };
}

function result(id: number, r: number, op: string): MmReply {
  return r < 0 ? { id, errno: -r, message: `${op}: ${errnoName(-r)}` } : { id, errno: 0, addr: r };
}

/**
 * One MM operation. Throws RpcError for malformed or unauthorised requests.
 * Synchronous unless a fault-injection rule delays or fails it.
 */
export function mmOperation(k: Kernel, req: MmRequest__Output): MmReply | Promise<MmReply> {
  if (req.op === 'sectionRead' || req.op === 'sectionWrite' || req.op === 'sectionDrop') {
    authorize(k, req.header, 'broker.mm.section', 'MmBroker');
    return sectionOperation(k, req);
  }
  authorize(k, req.header, 'broker.mm', 'MmBroker');
  const fault = injectFaults(k, 'broker.mm');
  return fault ? fault.then(() => perform(k, req)) : perform(k, req);
}

function perform(k: Kernel, req: MmRequest__Output): MmReply {
  k.count('broker.mm');
  if (!req.op) throw invalid('MmBroker: missing operation (one of map, unmap, protect, regions, read, write, findFree)');
  const proc = k.processes.get(req.pid);
  if (!proc || proc.state !== 'RUNNING') return { id: req.id, errno: ESRCH, message: `MmBroker: no running process ${req.pid}` };
  const space = proc.space;
  switch (req.op) {
    case 'map': return result(req.id, mapInto(space, req.map!, 'MmBroker.map', k.sections) || req.map!.addr, 'map');
    case 'unmap': range(req.unmap!.addr, req.unmap!.length, 'MmBroker.unmap'); return result(req.id, space.unmap(req.unmap!.addr, req.unmap!.length), 'unmap');
    case 'protect': {
      const p = req.protect!;
      range(p.addr, p.length, 'MmBroker.protect');
      if (p.prot & ~7) throw invalid(`MmBroker.protect: prot 0x${p.prot.toString(16)} has bits beyond READ|WRITE|EXEC`);
      return result(req.id, space.protect(p.addr, p.length, p.prot), 'protect');
    }
    case 'regions':
      return { id: req.id, errno: 0, regions: space.regions().map(regionOnTheWire) };
    case 'read': {
      const { addr, length } = req.read!;
      if (length > MAX_COPY_BYTES) throw invalid(`MmBroker.read: ${length} bytes exceeds ${MAX_COPY_BYTES}`);
      const data = space.copyIn(addr, length);
      return typeof data === 'number' ? result(req.id, data, 'read') : { id: req.id, errno: 0, data: Buffer.from(data.buffer, data.byteOffset, data.length) };
    }
    case 'write': {
      const { addr, data } = req.write!;
      if (data.length > MAX_COPY_BYTES) throw invalid(`MmBroker.write: ${data.length} bytes exceeds ${MAX_COPY_BYTES}`);
      return result(req.id, space.copyOut(addr, new Uint8Array(data.buffer, data.byteOffset, data.length)), 'write');
    }
    case 'findFree': {
      const f = req.findFree!;
      if (!(f.length > 0) || f.length > MAX_USER_ADDRESS) throw invalid(`MmBroker.findFree: length ${f.length} out of range`);
      return result(req.id, f.below ? space.findFree(f.length, f.below, 'below') : space.findFree(f.length, f.hint, 'above'), 'findFree');
    }
    default:
      throw invalid('MmBroker: missing operation (one of map, unmap, protect, regions, read, write, findFree)');
  }
}

/** vfsd reading and writing a sectioned file's bytes, and dropping a gone file's section. */
function sectionOperation(k: Kernel, req: MmRequest__Output): MmReply {
  k.count('broker.mm.section');
  const file = req.sectionRead?.file ?? req.sectionWrite?.file ?? req.sectionDrop;
  if (!file) throw invalid(`MmBroker.${req.op}: no file identity`);
  const key = sectionKey(file.device, file.inode);
  if (req.op === 'sectionDrop') {
    k.sections.drop(key);
    return { id: req.id, errno: 0 };
  }
  if (req.op === 'sectionWrite') {
    const w = req.sectionWrite!;
    if (w.data.length > MAX_COPY_BYTES) throw invalid(`MmBroker.sectionWrite: ${w.data.length} bytes exceeds ${MAX_COPY_BYTES}`);
    k.sections.write(key, w.offset, new Uint8Array(w.data.buffer, w.data.byteOffset, w.data.length));
    return { id: req.id, errno: 0 };
  }
  const r = req.sectionRead!;
  if (r.length > MAX_COPY_BYTES) throw invalid(`MmBroker.sectionRead: ${r.length} bytes exceeds ${MAX_COPY_BYTES}`);
  const pages = k.sections.read(key, r.offset, r.length);
  return { id: req.id, errno: 0, pages: pages.map((p) => p.index), data: Buffer.concat(pages.map((p) => p.bytes)) };
}

export function mmHandlers(k: Kernel): MmBrokerHandlers {
  return {
    Call: unary((req) => mmOperation(k, req)),
    Stream(call) {
      // A malformed request is answered in-band (the stream is syscalld's hot path);
      // an unauthorised one ends the stream.
      const failed = (req: MmRequest__Output, err: unknown) => {
        if (err instanceof RpcError && err.code !== grpc.status.PERMISSION_DENIED) {
          call.write({ id: req.id, errno: err.code === grpc.status.INVALID_ARGUMENT ? 22 : 5, message: err.details });
        } else {
          call.emit('error', toStatus(err));
        }
      };
      call.on('data', (req: MmRequest__Output) => {
        let reply: MmReply | Promise<MmReply>;
        try {
          reply = mmOperation(k, req);
        } catch (err) {
          return failed(req, err);
        }
        if (reply instanceof Promise) reply.then((r) => call.write(r), (err: unknown) => failed(req, err));
        else call.write(reply);
      });
      call.on('end', () => call.end());
    },
  };
}
