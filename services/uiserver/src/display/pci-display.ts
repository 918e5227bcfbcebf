/**
 * The display driver: the PCI display adapter's linear framebuffer (BAR 0,
 * XRGB8888, which is the compositor's pixel format byte for byte) and its
 * register block (BAR 1) as a Display. Presenting writes each damaged
 * rectangle's rows into the framebuffer, then the rectangle into the damage
 * registers and PRESENT; the device interrupts only when a present fails.
 * Register layout: the devices' framebuffer (nucleus/src/machine/devices/framebuffer.ts).
 */
import type { Display } from '../render/compositor.js';
import type { Rect } from '../render/rect.js';
import type { DevicePort } from './device-port.js';

const VRAM = 0, REGS = 1;
const enum Reg { Id = 0x00, Width = 0x04, Height = 0x08, Stride = 0x0c, Format = 0x10, IrqEnable = 0x1c, IrqStatus = 0x20,
  DamageX = 0x24, DamageY = 0x28, DamageW = 0x2c, DamageH = 0x30, Present = 0x34, Errors = 0x38 }
const FB_ID = 0x52464231;            // 'RFB1'
const XRGB8888 = 0x34325258;         // DRM fourcc 'XR24'
const PRESENT_ERROR = 2;

export class PciDisplay implements Display {
  private constructor(private readonly port: DevicePort, readonly width: number, readonly height: number, readonly stride: number) {}

  static async open(port: DevicePort, log: (msg: string) => void): Promise<PciDisplay> {
    const id = await port.mmioRead(REGS, Reg.Id);
    if (id !== FB_ID) throw new Error(`display: not a framebuffer adapter (id 0x${id.toString(16)})`);
    const format = await port.mmioRead(REGS, Reg.Format);
    if (format !== XRGB8888) throw new Error(`display: pixel format 0x${format.toString(16)} is not XRGB8888`);
    const d = new PciDisplay(port, await port.mmioRead(REGS, Reg.Width), await port.mmioRead(REGS, Reg.Height), await port.mmioRead(REGS, Reg.Stride));
    port.onInterrupt = () => void d.presentFailed(log);
    await port.irqSubscribe();
    await port.mmioWrite(REGS, Reg.IrqEnable, PRESENT_ERROR);
    return d;
  }

  async present(rects: readonly Rect[], frame: Uint32Array): Promise<void> {
    const pitch = this.stride >> 2;
    const writes: Promise<void>[] = [];
    for (const r of rects) {
      const rowBytes = r.w * 4;
      const data = new Uint8Array(rowBytes * r.h);
      const bytes = new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength);
      for (let y = 0; y < r.h; y++) {
        const from = ((r.y + y) * pitch + r.x) * 4;
        data.set(bytes.subarray(from, from + rowBytes), y * rowBytes);
      }
      // One ordered stream: the pixels land before the registers that present them.
      writes.push(this.port.mmioWriteBlock(VRAM, r.y * this.stride + r.x * 4, data, rowBytes, this.stride),
        this.port.mmioWrite(REGS, Reg.DamageX, r.x), this.port.mmioWrite(REGS, Reg.DamageY, r.y),
        this.port.mmioWrite(REGS, Reg.DamageW, r.w), this.port.mmioWrite(REGS, Reg.DamageH, r.h),
        this.port.mmioWrite(REGS, Reg.Present, 1));
    }
    await Promise.all(writes);
  }

  private async presentFailed(log: (msg: string) => void): Promise<void> {
    try {
      const status = await this.port.mmioRead(REGS, Reg.IrqStatus);
      if (status & PRESENT_ERROR) log(`display: a present failed (${await this.port.mmioRead(REGS, Reg.Errors)} so far)`);
      await this.port.mmioWrite(REGS, Reg.IrqStatus, status);   // write one to clear
      await this.port.irqAck();
    } catch (err) {
      log(`display: ${(err as Error).message}`);
    }
  }
}
