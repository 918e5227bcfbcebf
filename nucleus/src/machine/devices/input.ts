/**
 * The input functions: a keyboard (KIND 1) and an absolute pointer (KIND 2).
 * Each writes evdev-style records (u64 microseconds, u16 type, u16 code, s32
 * value: Linux's struct input_event on 64-bit with the time packed) into a
 * ring of RING_SIZE records in DMA memory the driver gave it, at TAIL modulo
 * the size, and holds its level interrupt while HEAD (moved by the driver)
 * differs from TAIL. Events come from the host (the web page, through the
 * input-inject broker); each injected batch ends with EV_SYN as a real
 * device's report does. A full ring drops the batch and counts it.
 *
 * BAR 0 registers (32-bit): 00 ID 'RIN1', 04 KIND, 08 CTRL (bit 0 enable,
 * bit 1 interrupts), 10 RING_LO, 14 RING_HI, 18 RING_SIZE, 1C HEAD, 20 TAIL,
 * 24 ABS_MAX_X, 28 ABS_MAX_Y, 2C DROPPED.
 */
import { PciDevice, type FaultCheck } from './pci-device.js';
import type { IrqController } from './irq-controller.js';

export const INPUT_ID = 0x52494e31;
export const INPUT_REG = { ID: 0x00, KIND: 0x04, CTRL: 0x08, RING_LO: 0x10, RING_HI: 0x14, RING_SIZE: 0x18, HEAD: 0x1c, TAIL: 0x20, ABS_MAX_X: 0x24, ABS_MAX_Y: 0x28, DROPPED: 0x2c } as const;
export const RECORD = 16;
const EV_SYN = 0;
export const ABS_MAX = 32767;

export interface EvdevRecord { type: number; code: number; value: number }

export class InputError extends Error {}

export class InputFunction extends PciDevice {
  private ctrl = 0;
  private ring = 0;
  private size = 0;
  private head = 0;
  private tail = 0;
  dropped = 0;

  constructor(irq: IrqController, pin: number, readonly kind: 'keyboard' | 'pointer', private readonly faults: FaultCheck) {
    super(`${kind} input`, { vendor: 0x1234, device: kind === 'keyboard' ? 0x1112 : 0x1113, subsystemVendor: 0x1af4, subsystem: 0x1100,
      classCode: 0x09, subclass: kind === 'keyboard' ? 0x00 : 0x02, progIf: 0x00, revision: 1 }, [{ size: 4096 }], irq, pin);
  }

  read(_bar: number, off: number): number {
    switch (off) {
      case INPUT_REG.ID: return INPUT_ID;
      case INPUT_REG.KIND: return this.kind === 'keyboard' ? 1 : 2;
      case INPUT_REG.CTRL: return this.ctrl;
      case INPUT_REG.RING_LO: return this.ring % 2 ** 32;
      case INPUT_REG.RING_HI: return Math.floor(this.ring / 2 ** 32);
      case INPUT_REG.RING_SIZE: return this.size;
      case INPUT_REG.HEAD: return this.head;
      case INPUT_REG.TAIL: return this.tail;
      case INPUT_REG.ABS_MAX_X: case INPUT_REG.ABS_MAX_Y: return this.kind === 'pointer' ? ABS_MAX : 0;
      case INPUT_REG.DROPPED: return this.dropped;
      default: return 0;
    }
  }

  write(_bar: number, off: number, value: number): void {
    switch (off) {
      case INPUT_REG.CTRL: this.ctrl = value & 3; break;
      case INPUT_REG.RING_LO: this.ring = Math.floor(this.ring / 2 ** 32) * 2 ** 32 + value; break;
      case INPUT_REG.RING_HI: this.ring = (this.ring % 2 ** 32) + value * 2 ** 32; break;
      case INPUT_REG.RING_SIZE: this.size = value; break;
      case INPUT_REG.HEAD: this.head = value >>> 0; break;
      case INPUT_REG.TAIL: this.tail = value >>> 0; break;   // a driver may start anywhere
      default: return;
    }
    this.updateIrq();
  }

  /** Host events into the ring; answers how many records were queued (0 when dropped). */
  inject(events: EvdevRecord[]): number {
    if (!(this.ctrl & 1) || this.size === 0) throw new InputError(`${this.description}: the driver has not enabled the device`);
    const fault = this.faults('input.event.enqueue');
    const records = [...events, { type: EV_SYN, code: 0, value: 0 }];
    const free = this.size - ((this.tail - this.head) >>> 0);
    if (fault?.fail || fault?.drop || records.length > free) {
      this.dropped += records.length;
      return 0;
    }
    const now = BigInt(Math.round(performance.timeOrigin * 1000 + performance.now() * 1000));
    const buf = new Uint8Array(RECORD);
    const v = new DataView(buf.buffer);
    for (const e of records) {
      v.setBigUint64(0, now, true);
      v.setUint16(8, e.type, true);
      v.setUint16(10, e.code, true);
      v.setInt32(12, e.value, true);
      this.dmaWrite(this.ring + (this.tail % this.size) * RECORD, buf);
      this.tail = (this.tail + 1) >>> 0;
    }
    this.updateIrq();
    return records.length;
  }

  override detach(): void {
    this.ctrl = 0;
    this.size = 0;
    super.detach();
  }

  private updateIrq(): void {
    this.setIrq((this.ctrl & 2) !== 0 && this.head !== this.tail);
  }
}
