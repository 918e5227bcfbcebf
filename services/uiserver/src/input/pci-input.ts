/**
 * The input driver: the PCI keyboard and pointer functions, which write
 * evdev-style records (u64 microseconds, u16 type, u16 code, s32 value) into a
 * ring in DMA memory the driver gives them and interrupt while it holds unread
 * records. Events are turned into the console's InputEvents; host-side events
 * (the web page's) are injected into the devices through the input-inject
 * broker and come back this way, as a real keyboard's would.
 * Register layout: the devices' input functions (nucleus/src/machine/devices/input.ts).
 */
import type { DevicePort } from '../display/device-port.js';
import type { InputEvent, InputSource } from './source.js';
import { BTN } from './keycodes.js';

const enum Reg { Id = 0x00, Kind = 0x04, Ctrl = 0x08, RingLo = 0x10, RingHi = 0x14, RingSize = 0x18, Head = 0x1c, Tail = 0x20, AbsMaxX = 0x24, AbsMaxY = 0x28 }
const INPUT_ID = 0x52494e31;   // 'RIN1'
const RECORD = 16;
const EV_SYN = 0, EV_KEY = 1, EV_ABS = 3, ABS_X = 0, ABS_Y = 1;
const BUTTON_BITS: Record<number, number> = { [BTN.LEFT]: 1, [BTN.RIGHT]: 2, [BTN.MIDDLE]: 4 };

export interface EvdevEvent { type: number; code: number; value: number }
/** Feeds events into an input device (the input-inject broker). */
export type Injector = (device: 'keyboard' | 'pointer', events: EvdevEvent[]) => Promise<void>;

/** One input function's ring. */
export class PciInputDevice {
  private head = 0;
  private draining: Promise<void> = Promise.resolve();
  onEvents: (events: EvdevEvent[]) => void = () => {};

  private constructor(private readonly port: DevicePort, readonly kind: 'keyboard' | 'pointer', private readonly ring: number,
    private readonly slots: number, readonly absMax: { x: number; y: number }) {}

  static async open(port: DevicePort, kind: 'keyboard' | 'pointer', log: (msg: string) => void, slots = 256): Promise<PciInputDevice> {
    const id = await port.mmioRead(0, Reg.Id);
    const k = await port.mmioRead(0, Reg.Kind);
    if (id !== INPUT_ID || k !== (kind === 'pointer' ? 2 : 1)) throw new Error(`${kind}: not an input function of that kind (id 0x${id.toString(16)}, kind ${k})`);
    const { address } = await port.dmaAlloc(slots * RECORD);
    const absMax = kind === 'pointer' ? { x: await port.mmioRead(0, Reg.AbsMaxX), y: await port.mmioRead(0, Reg.AbsMaxY) } : { x: 0, y: 0 };
    const d = new PciInputDevice(port, kind, address, slots, absMax);
    await port.mmioWrite(0, Reg.RingLo, address % 2 ** 32);
    await port.mmioWrite(0, Reg.RingHi, Math.floor(address / 2 ** 32));
    await port.mmioWrite(0, Reg.RingSize, slots);
    d.head = await port.mmioRead(0, Reg.Tail);
    await port.mmioWrite(0, Reg.Head, d.head);
    port.onInterrupt = () => { d.draining = d.draining.then(() => d.drain()).catch((err: Error) => log(`${kind}: ${err.message}`)); };
    await port.irqSubscribe();
    await port.mmioWrite(0, Reg.Ctrl, 3);   // enable, interrupts
    return d;
  }

  /** Read the records between HEAD and TAIL, hand them on, move HEAD, acknowledge. */
  private async drain(): Promise<void> {
    const tail = await this.port.mmioRead(0, Reg.Tail);
    const events: EvdevEvent[] = [];
    while (this.head !== tail) {
      const slot = this.head % this.slots;
      const n = Math.min(((tail - this.head) >>> 0), this.slots - slot);
      const bytes = await this.port.dmaRead(this.ring + slot * RECORD, n * RECORD);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (let i = 0; i < n; i++) events.push({ type: view.getUint16(i * RECORD + 8, true), code: view.getUint16(i * RECORD + 10, true), value: view.getInt32(i * RECORD + 12, true) });
      this.head = (this.head + n) >>> 0;
    }
    // One ordered session: HEAD is moved before the EOI that follows it, with no wait between.
    await Promise.all([this.port.mmioWrite(0, Reg.Head, this.head), this.port.irqAck()]);
    if (events.length) this.onEvents(events);
  }
}

/** The keyboard and pointer as the console's input source. */
export class PciInput implements InputSource {
  private readonly listeners: ((e: InputEvent) => void)[] = [];
  private x = 0;
  private y = 0;
  private buttons = 0;       // as the pointer reported them
  private sentButtons = 0;   // as last injected, to send only the changes

  constructor(private readonly keyboard: PciInputDevice | undefined, private readonly pointer: PciInputDevice | undefined,
    private readonly injector: Injector, private readonly screen: { width: number; height: number }) {
    if (keyboard) keyboard.onEvents = (evs) => { for (const e of evs) if (e.type === EV_KEY) this.emit({ kind: 'key', code: e.code, down: e.value !== 0 }); };
    if (pointer) pointer.onEvents = (evs) => this.pointerEvents(evs);
  }

  onEvent(fn: (e: InputEvent) => void): void { this.listeners.push(fn); }

  inject(e: InputEvent): Promise<void> {
    if (e.kind === 'key') return this.injector('keyboard', [{ type: EV_KEY, code: e.code, value: e.down ? 1 : 0 }]);
    const max = this.pointer?.absMax ?? { x: this.screen.width - 1, y: this.screen.height - 1 };
    const events: EvdevEvent[] = [
      { type: EV_ABS, code: ABS_X, value: Math.round(e.x * max.x / Math.max(1, this.screen.width - 1)) },
      { type: EV_ABS, code: ABS_Y, value: Math.round(e.y * max.y / Math.max(1, this.screen.height - 1)) },
    ];
    for (const [code, bit] of Object.entries(BUTTON_BITS)) {
      if ((e.buttons & bit) !== (this.sentButtons & bit)) events.push({ type: EV_KEY, code: Number(code), value: e.buttons & bit ? 1 : 0 });
    }
    this.sentButtons = e.buttons;
    return this.injector('pointer', events);
  }

  private pointerEvents(evs: EvdevEvent[]): void {
    const max = this.pointer!.absMax;
    for (const e of evs) {
      const bit = e.type === EV_KEY ? BUTTON_BITS[e.code] ?? 0 : 0;
      if (e.type === EV_ABS && e.code === ABS_X) this.x = Math.round(e.value * (this.screen.width - 1) / Math.max(1, max.x));
      else if (e.type === EV_ABS && e.code === ABS_Y) this.y = Math.round(e.value * (this.screen.height - 1) / Math.max(1, max.y));
      else if (bit) this.buttons = e.value ? this.buttons | bit : this.buttons & ~bit;
      else if (e.type === EV_SYN) this.emit({ kind: 'pointer', x: this.x, y: this.y, buttons: this.buttons });
    }
  }

  private emit(e: InputEvent): void { for (const fn of this.listeners) fn(e); }
}
