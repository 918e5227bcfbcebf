/**
 * The display adapter: a linear framebuffer in BAR 0 (XRGB8888, the DRM
 * fourcc 'XR24', rows `stride` bytes apart) and a register block in BAR 1.
 * The driver writes pixels, then the damage rectangle and PRESENT; the
 * adapter scans the rectangle out (counts the frame, tells watchers). A
 * present that fails (bad rectangle, or the display.present fault point)
 * counts in ERRORS, sets IRQ_STATUS bit 1 and interrupts if enabled; the
 * driver clears the status by writing ones to it.
 *
 * BAR 1 registers (32-bit): 00 ID 'RFB1', 04 WIDTH, 08 HEIGHT, 0C STRIDE,
 * 10 FORMAT, 1C IRQ_ENABLE, 20 IRQ_STATUS (write 1 to clear), 24 DAMAGE_X,
 * 28 DAMAGE_Y, 2C DAMAGE_W, 30 DAMAGE_H, 34 PRESENT (write 1), 38 ERRORS.
 */
import { PciDevice, type FaultCheck } from './pci-device.js';
import type { IrqController } from './irq-controller.js';

export const FB_ID = 0x52464231;
export const XRGB8888 = 0x34325258;
export const FB_REG = { ID: 0x00, WIDTH: 0x04, HEIGHT: 0x08, STRIDE: 0x0c, FORMAT: 0x10, IRQ_ENABLE: 0x1c, IRQ_STATUS: 0x20,
  DAMAGE_X: 0x24, DAMAGE_Y: 0x28, DAMAGE_W: 0x2c, DAMAGE_H: 0x30, PRESENT: 0x34, ERRORS: 0x38 } as const;
export const PRESENT_ERROR = 2;

function pow2(n: number): number {
  return 2 ** Math.ceil(Math.log2(n));
}

export class Framebuffer extends PciDevice {
  readonly vram: Uint8Array;
  readonly stride: number;
  private damage = { x: 0, y: 0, w: 0, h: 0 };
  private irqEnable = 0;
  private irqStatus = 0;
  errors = 0;
  frames = 0;
  private readonly watchers = new Set<(rect: { x: number; y: number; w: number; h: number }) => void>();

  constructor(irq: IrqController, pin: number, readonly width: number, readonly height: number, private readonly faults: FaultCheck) {
    const stride = width * 4;
    super('display adapter', { vendor: 0x1234, device: 0x1111, subsystemVendor: 0x1af4, subsystem: 0x1100, classCode: 0x03, subclass: 0x00, progIf: 0x00, revision: 2 },
      [{ size: pow2(Math.max(stride * height, 4096)), prefetchable: true }, { size: 4096 }], irq, pin);
    this.stride = stride;
    this.vram = new Uint8Array(stride * height);
  }

  /** Called after every successful present with the rectangle scanned out. */
  watch(fn: (rect: { x: number; y: number; w: number; h: number }) => void): () => void {
    this.watchers.add(fn);
    return () => this.watchers.delete(fn);
  }

  read(bar: number, off: number, size: number): number {
    if (bar === 0) {
      if (off + size > this.vram.length) return 0;
      let v = 0;
      for (let i = size - 1; i >= 0; i--) v = v * 256 + this.vram[off + i]!;
      return v;
    }
    switch (off) {
      case FB_REG.ID: return FB_ID;
      case FB_REG.WIDTH: return this.width;
      case FB_REG.HEIGHT: return this.height;
      case FB_REG.STRIDE: return this.stride;
      case FB_REG.FORMAT: return XRGB8888;
      case FB_REG.IRQ_ENABLE: return this.irqEnable;
      case FB_REG.IRQ_STATUS: return this.irqStatus;
      case FB_REG.DAMAGE_X: return this.damage.x;
      case FB_REG.DAMAGE_Y: return this.damage.y;
      case FB_REG.DAMAGE_W: return this.damage.w;
      case FB_REG.DAMAGE_H: return this.damage.h;
      case FB_REG.ERRORS: return this.errors;
      default: return 0;
    }
  }

  write(bar: number, off: number, value: number, size: number): void {
    if (bar === 0) {
      for (let i = 0; i < size && off + i < this.vram.length; i++) this.vram[off + i] = (value / 256 ** i) & 0xff;
      return;
    }
    switch (off) {
      case FB_REG.IRQ_ENABLE: this.irqEnable = value; return this.updateIrq();
      case FB_REG.IRQ_STATUS: this.irqStatus &= ~value; return this.updateIrq();
      case FB_REG.DAMAGE_X: this.damage.x = value; return;
      case FB_REG.DAMAGE_Y: this.damage.y = value; return;
      case FB_REG.DAMAGE_W: this.damage.w = value; return;
      case FB_REG.DAMAGE_H: this.damage.h = value; return;
      case FB_REG.PRESENT: if (value & 1) this.present(); return;
      default: return;
    }
  }

  override writeBlock(bar: number, offset: number, data: Uint8Array, rowBytes: number, stride: number): void {
    if (bar !== 0) return super.writeBlock(bar, offset, data, rowBytes, stride);
    if (rowBytes <= 0) { this.vram.set(data.subarray(0, Math.max(0, this.vram.length - offset)), offset); return; }
    for (let at = 0, row = 0; at < data.length; at += rowBytes, row++) {
      const dst = offset + row * stride;
      if (dst >= this.vram.length) break;
      this.vram.set(data.subarray(at, Math.min(at + rowBytes, data.length, at + this.vram.length - dst)), dst);
    }
  }

  private present(): void {
    const d = { ...this.damage };
    const inside = d.w > 0 && d.h > 0 && d.x + d.w <= this.width && d.y + d.h <= this.height;
    const fault = this.faults('display.present');
    if (!inside || fault?.fail || fault?.drop) {
      this.errors++;
      this.irqStatus |= PRESENT_ERROR;
      return this.updateIrq();
    }
    this.frames++;
    for (const fn of this.watchers) fn(d);
  }

  /** The pixels of a rectangle as XRGB8888 rows (what the screen shows). */
  scanout(x: number, y: number, w: number, h: number): Uint8Array {
    const out = new Uint8Array(w * h * 4);
    for (let r = 0; r < h; r++) out.set(this.vram.subarray((y + r) * this.stride + x * 4, (y + r) * this.stride + (x + w) * 4), r * w * 4);
    return out;
  }

  private updateIrq(): void {
    this.setIrq((this.irqStatus & this.irqEnable) !== 0);
  }
}
