/**
 * What uiserver's drivers need of a device they were granted: the MMIO, DMA and
 * IRQ operations of one ordered device session. The platform's DeviceSession
 * (one DeviceBroker stream per device) has exactly these methods; the drivers
 * take this interface so they depend on nothing else of it.
 */
export interface DevicePort {
  mmioRead(bar: number, offset: number, size?: number): Promise<number>;
  mmioWrite(bar: number, offset: number, value: number, size?: number): Promise<void>;
  /** A block write into a prefetchable BAR; rows of `rowBytes` every `stride` bytes when rowBytes > 0. */
  mmioWriteBlock(bar: number, offset: number, data: Uint8Array, rowBytes?: number, stride?: number): Promise<void>;
  dmaAlloc(length: number): Promise<{ address: number; length: number }>;
  dmaRead(address: number, length: number): Promise<Uint8Array>;
  irqSubscribe(): Promise<number>;
  irqAck(): Promise<void>;
  onInterrupt: (e: unknown) => void;
}
