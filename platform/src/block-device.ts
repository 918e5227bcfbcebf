/**
 * What a block driver offers the block service and the filesystem: fixed-size
 * blocks addressed by LBA, and a flush that makes every completed write
 * durable. storaged's NVMe driver implements it; vfsd's ext2 reaches storaged's
 * block service through it.
 */
export interface BlockDevice {
  readonly blockSize: number;
  readonly blocks: number;
  read(lba: number, count: number): Promise<Uint8Array>;
  write(lba: number, data: Uint8Array): Promise<void>;
  flush(): Promise<void>;
  /**
   * How many blocks hold data, where every other block reads as zeroes (a thin
   * provisioned or sparse disk); undefined when the device cannot tell. A
   * filesystem uses it to know a blank disk without reading it.
   */
  allocatedBlocks?(): Promise<number | undefined>;
}
