/**
 * What storaged serves blocks from: the NVMe driver, or (until that is wired)
 * a host file. Both answer in whole blocks; write is acknowledged when the device
 * has the data, durable once a later flush resolves.
 */
export interface BlockDevice { readonly blockSize: number; readonly blocks: number; read(lba: number, count: number): Promise<Uint8Array>; write(lba: number, data: Uint8Array): Promise<void>; flush(): Promise<void>; }
