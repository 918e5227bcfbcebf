/**
 * A userspace driver's handle on one device: a DeviceBroker session stream
 * (ordered, so pixels land before the registers that present them and a
 * doorbell after the queue entry it announces), with MMIO, DMA and IRQ calls
 * matched to their answers by id. Interrupts arrive on the same stream and go
 * to `onInterrupt`. A refused request rejects with the broker's reason.
 */
import type { grpc } from './grpc.js';
import type { ServiceContext } from './service.js';
import type { DeviceRequest } from './gen/rustos/v1/DeviceRequest.js';
import type { DeviceReply__Output } from './gen/rustos/v1/DeviceReply.js';

/** What a driver needs of a device it was granted (the drivers take this, not the class). */
export interface DevicePort {
  mmioRead(bar: number, offset: number, size?: number): Promise<number>;
  mmioWrite(bar: number, offset: number, value: number, size?: number): Promise<void>;
  /** A block write into a prefetchable BAR; rows of `rowBytes` every `stride` bytes when rowBytes > 0. */
  mmioWriteBlock(bar: number, offset: number, data: Uint8Array, rowBytes?: number, stride?: number): Promise<void>;
  dmaAlloc(length: number): Promise<{ address: number; length: number }>;
  dmaRead(address: number, length: number): Promise<Uint8Array>;
  dmaWrite(address: number, data: Uint8Array): Promise<void>;
  irqSubscribe(): Promise<number>;
  irqAck(): Promise<void>;
  onInterrupt: (e: unknown) => void;
}

export class DeviceError extends Error {
  constructor(readonly errno: number, message: string) { super(message); }
}

/** Which device to open: a BDF, or the caller's index-th device bound to a driver. */
export type DeviceSelector = { bdf: string } | { driver: string; index?: number };

export class DeviceSession implements DevicePort {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: DeviceReply__Output) => void; reject: (e: Error) => void; what: string }>();
  private ended: Error | undefined;
  onInterrupt: (e: unknown) => void = () => {};
  bdf = '';

  private constructor(private readonly ctx: ServiceContext, private readonly stream: grpc.ClientDuplexStream<DeviceRequest, DeviceReply__Output>) {
    stream.on('data', (r: DeviceReply__Output) => {
      if (r.id === 0) return this.onInterrupt({ vector: r.interrupt });
      const p = this.pending.get(r.id);
      if (!p) return;
      this.pending.delete(r.id);
      if (r.errno) p.reject(new DeviceError(r.errno, `${p.what}: ${r.message}`));
      else p.resolve(r);
    });
    const fail = (err: Error) => {
      this.ended ??= new DeviceError(5, `device session ${this.bdf} ended: ${err.message}`);
      for (const p of this.pending.values()) p.reject(this.ended);
      this.pending.clear();
    };
    stream.on('error', fail);
    stream.on('end', () => fail(new Error('closed by the nucleus')));
  }

  static async open(ctx: ServiceContext, which: DeviceSelector): Promise<DeviceSession> {
    const s = new DeviceSession(ctx, ctx.nucleus.devices.Session());
    const open = 'bdf' in which ? { bdf: which.bdf } : { driver: which.driver, index: which.index ?? 0 };
    const r = await s.request({ header: ctx.header('broker.mmio'), open }, `open ${JSON.stringify(open)}`);
    s.bdf = r.bdf;
    return s;
  }

  private request(req: Omit<DeviceRequest, 'id'>, what: string): Promise<DeviceReply__Output> {
    if (this.ended) return Promise.reject(this.ended);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, what });
      this.stream.write({ ...req, id });
    });
  }

  async mmioRead(bar: number, offset: number, size = 4): Promise<number> {
    return (await this.request({ mmioRead: { bar, offset, size } }, `mmio read BAR${bar}+0x${offset.toString(16)}`)).value;
  }

  async mmioWrite(bar: number, offset: number, value: number, size = 4): Promise<void> {
    await this.request({ mmioWrite: { bar, offset, value, size } }, `mmio write BAR${bar}+0x${offset.toString(16)}`);
  }

  async mmioWriteBlock(bar: number, offset: number, data: Uint8Array, rowBytes = 0, stride = 0): Promise<void> {
    await this.request({ mmioWriteBlock: { bar, offset, data, rowBytes, stride } }, `mmio block write BAR${bar}+0x${offset.toString(16)}`);
  }

  async dmaAlloc(length: number): Promise<{ address: number; length: number }> {
    const r = await this.request({ header: this.ctx.header('broker.dma'), dmaAlloc: { length } }, `dma alloc ${length}`);
    return { address: r.address, length: r.length };
  }

  async dmaRead(address: number, length: number): Promise<Uint8Array> {
    const r = await this.request({ dmaRead: { address, length } }, `dma read ${length} at 0x${address.toString(16)}`);
    return new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength);
  }

  async dmaWrite(address: number, data: Uint8Array): Promise<void> {
    await this.request({ dmaWrite: { address, data } }, `dma write ${data.length} at 0x${address.toString(16)}`);
  }

  async irqSubscribe(): Promise<number> {
    return (await this.request({ header: this.ctx.header('broker.irq'), irqSubscribe: {} }, 'irq subscribe')).value;
  }

  async irqAck(): Promise<void> {
    await this.request({ irqAck: {} }, 'irq ack');
  }

  close(): void {
    this.stream.end();
  }
}

export function openDevice(ctx: ServiceContext, which: DeviceSelector): Promise<DeviceSession> {
  return DeviceSession.open(ctx, which);
}
