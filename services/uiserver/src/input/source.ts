/**
 * Where input events come from and go to. The web page (and any other host-side
 * source) injects events; the console consumes what the input devices report.
 * With the emulated keyboard and pointer (pci-input.ts), injection goes through
 * the nucleus's input-inject broker into the devices and comes back from their
 * event rings.
 */
export type InputEvent =
  | { kind: 'key'; code: number; down: boolean }
  | { kind: 'pointer'; x: number; y: number; buttons: number };

export interface InputSource {
  /** Feed a host-side event into the input devices. */
  inject(e: InputEvent): void | Promise<void>;
  /** Events as the input devices report them. */
  onEvent(fn: (e: InputEvent) => void): void;
}
