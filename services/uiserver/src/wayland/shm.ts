/**
 * wl_shm, wl_shm_pool and wl_buffer: shared memory a client passed as a file
 * descriptor (a memfd it also maps MAP_SHARED), buffers carved out of it, and
 * reading a buffer's pixels at commit time. Formats: ARGB8888 and XRGB8888
 * (little-endian 0xAARRGGBB words; windows are opaque, so alpha is dropped).
 */
import type { PassedFd } from './connection.js';
import type { Implementation, Resource } from './resource.js';
import type { FdValue } from './wire.js';

export const FORMATS = { argb8888: 0, xrgb8888: 1 } as const;

/** A pool's memory, shared by the pool and its buffers: the fd is closed when the last of them goes. */
export class Pool {
  private refs = 1;
  constructor(readonly fd: PassedFd, public size: number) {}
  ref(): void { this.refs++; }
  unref(): void { if (--this.refs === 0) this.fd.close(); }
}

export interface BufferData { pool: Pool; offset: number; width: number; height: number; stride: number; format: number }

/** The buffer's pixels as 0x00RRGGBB, read from the shared memory now. */
export async function readPixels(b: BufferData): Promise<Uint32Array> {
  let bytes = await b.pool.fd.read(b.offset, b.stride * b.height);
  if (bytes.byteOffset % 4 !== 0) bytes = new Uint8Array(bytes);   // a Buffer inside a gRPC message may sit at any offset (and Buffer's slice() is a view)
  // The host is little-endian (as the guest): each word is 0xAARRGGBB / 0xXXRRGGBB.
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 2);
  const out = new Uint32Array(b.width * b.height);
  const pitch = b.stride >> 2;
  for (let y = 0; y < b.height; y++) {
    let from = y * pitch, to = y * b.width;
    for (let n = b.width; n > 0; n--) out[to++] = words[from++]! & 0xffffff;
  }
  return out;
}

export const shmImplementations: Record<string, Implementation> = {
  wl_shm: {
    async create_pool(shm: Resource, pool: Resource, fd: FdValue, size: number) {
      const file = fd.fd as PassedFd;
      if (size <= 0) { file.close(); throw shm.error('invalid_stride', `invalid pool size ${size}`); }
      const have = await file.size();
      if (have < size) { file.close(); throw shm.error('invalid_fd', `pool of ${size} bytes on a file of ${have} bytes`); }
      pool.data = new Pool(file, size);
      pool.onDestroy(() => (pool.data as Pool).unref());
    },
  },
  wl_shm_pool: {
    create_buffer(pool: Resource, buffer: Resource, offset: number, width: number, height: number, stride: number, format: number) {
      const p = pool.data as Pool;
      if (format !== FORMATS.argb8888 && format !== FORMATS.xrgb8888) throw pool.error('invalid_format', `invalid format 0x${(format >>> 0).toString(16)}`, 'wl_shm');
      if (offset < 0 || width <= 0 || height <= 0 || stride < width * 4 || stride % 4 !== 0 || offset + stride * height > p.size) {
        throw pool.error('invalid_stride', `invalid width, height or stride (${width}x${height}, stride ${stride}, offset ${offset}) for a pool of ${p.size} bytes`, 'wl_shm');
      }
      p.ref();
      buffer.data = { pool: p, offset, width, height, stride, format } satisfies BufferData;
      buffer.onDestroy(() => p.unref());
    },
    async resize(pool: Resource, size: number) {
      const p = pool.data as Pool;
      if (size < p.size) throw pool.error('invalid_stride', `shrinking pool from ${p.size} to ${size} bytes`, 'wl_shm');
      const have = await p.fd.size();
      if (have < size) throw pool.error('invalid_fd', `pool of ${size} bytes on a file of ${have} bytes`, 'wl_shm');
      p.size = size;
    },
  },
};
