/**
 * An IOAPIC-style interrupt controller (82093AA datasheet, 3.2.4): 24 input
 * pins, each with a redirection entry holding its vector, mask and trigger
 * mode. A level-triggered pin delivers once and sets Remote IRR until the
 * handler's EOI; if the line is still asserted then, it delivers again. An
 * edge-triggered pin delivers on each rising edge. "Delivery" hands the vector
 * to whoever subscribed the pin (a driver's device session).
 */
export const IOAPIC_PINS = 24;

export interface RedirectionEntry {
  vector: number;
  masked: boolean;
  level: boolean;
  /** Level mode: delivered and not yet EOI'd. */
  remoteIrr: boolean;
}

export class IrqController {
  private readonly entries: RedirectionEntry[] = Array.from({ length: IOAPIC_PINS }, (_, pin) => ({ vector: 0x30 + pin, masked: true, level: true, remoteIrr: false }));
  private readonly asserted = new Uint8Array(IOAPIC_PINS);
  private readonly sinks = new Map<number, (vector: number) => void>();
  delivered = 0;

  entry(pin: number): Readonly<RedirectionEntry> {
    return this.entries[this.pinOk(pin)]!;
  }

  /** Program a pin and route its deliveries to `sink` (unmasks it). */
  route(pin: number, sink: (vector: number) => void, mode: { level: boolean } = { level: true }): number {
    const e = this.entries[this.pinOk(pin)]!;
    e.level = mode.level;
    e.remoteIrr = false;
    this.sinks.set(pin, sink);
    this.setMask(pin, false);
    return e.vector;
  }

  unroute(pin: number): void {
    this.sinks.delete(pin);
    this.setMask(pin, true);
  }

  setMask(pin: number, masked: boolean): void {
    const e = this.entries[this.pinOk(pin)]!;
    e.masked = masked;
    if (!masked) this.evaluate(pin);
  }

  /** A device drives its line: level devices hold it while they need service. */
  setLine(pin: number, high: boolean): void {
    const was = this.asserted[this.pinOk(pin)] === 1;
    this.asserted[pin] = high ? 1 : 0;
    const e = this.entries[pin]!;
    if (high && (e.level || !was)) this.evaluate(pin, !e.level);
  }

  /** End of interrupt for a pin: clears Remote IRR, redelivers if the line is still high. */
  eoi(pin: number): void {
    const e = this.entries[this.pinOk(pin)]!;
    e.remoteIrr = false;
    if (e.level) this.evaluate(pin);
  }

  private evaluate(pin: number, edge = false): void {
    const e = this.entries[pin]!;
    const sink = this.sinks.get(pin);
    if (e.masked || !sink) return;
    if (e.level ? this.asserted[pin] !== 1 || e.remoteIrr : !edge) return;
    if (e.level) e.remoteIrr = true;
    this.delivered++;
    sink(e.vector);
  }

  private pinOk(pin: number): number {
    if (!Number.isInteger(pin) || pin < 0 || pin >= IOAPIC_PINS) throw new RangeError(`IOAPIC pin ${pin} is not 0..${IOAPIC_PINS - 1}`);
    return pin;
  }
}
