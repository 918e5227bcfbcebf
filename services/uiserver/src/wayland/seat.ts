/**
 * wl_seat with the pointer capability, and wl_pointer: the web page's pointer
 * (absolute screen positions and a button mask) routed to the window under it,
 * in surface-local coordinates, as enter/leave/motion/button/frame with
 * serials. While a button is held the pointer stays with the window it was
 * pressed on (an implicit grab), as in other compositors.
 */
import type { Implementation, Resource } from './resource.js';
import type { Window, WindowStack } from './windows.js';

/** Linux input event codes (linux/input-event-codes.h) for the DOM's button mask bits 0, 1, 2. */
const BUTTONS = [0x110 /* BTN_LEFT */, 0x111 /* BTN_RIGHT */, 0x112 /* BTN_MIDDLE */];

export const SEAT_NAME = 'seat0';

export class PointerRouter {
  /** Every bound wl_pointer, live. */
  readonly pointers = new Set<Resource>();
  private focus?: { window: Window; surface: Resource };
  private buttons = 0;

  constructor(private readonly windows: WindowStack, private readonly nextSerial: () => number, private readonly now: () => number) {}

  readonly implementations: Record<string, Implementation> = {
    wl_seat: {
      get_pointer: (_seat: Resource, pointer: Resource) => {
        this.pointers.add(pointer);
        pointer.onDestroy(() => this.pointers.delete(pointer));
      },
      get_keyboard: (seat: Resource) => { throw seat.error('missing_capability', 'the seat has no keyboard'); },
      get_touch: (seat: Resource) => { throw seat.error('missing_capability', 'the seat has no touch'); },
    },
    wl_pointer: {
      set_cursor: () => { /* accepted: the page draws the host's cursor */ },
    },
  };

  bind(seat: Resource): void {
    seat.send('capabilities', 1);
    seat.send('name', SEAT_NAME);
  }

  /** A pointer event from the input devices: position in screen pixels, buttons as a mask (1 left, 2 right, 4 middle). */
  input(x: number, y: number, buttons: number): void {
    const hit = this.windows.at(x, y);
    const grabbed = this.buttons !== 0 && this.focus && this.focus.window.view;
    if (!grabbed) this.setFocus(hit?.window, hit ? hit.sx : 0, hit ? hit.sy : 0);
    const f = this.focus;
    const changed = this.buttons ^ buttons;
    this.buttons = buttons;
    if (!f?.window.view) return;
    const sx = x - f.window.view.x, sy = y - f.window.view.y;
    const time = this.now();
    for (const p of this.of(f.surface)) {
      p.send('motion', time, sx, sy);
      BUTTONS.forEach((code, bit) => {
        if (changed & (1 << bit)) p.send('button', this.nextSerial(), time, code, buttons & (1 << bit) ? 1 : 0);
      });
      p.send('frame');
    }
  }

  private setFocus(window: Window | undefined, sx: number, sy: number): void {
    if (this.focus?.window === window) return;
    if (this.focus && !this.focus.surface.destroyed) {
      for (const p of this.of(this.focus.surface)) { p.send('leave', this.nextSerial(), this.focus.surface.id); p.send('frame'); }
    }
    this.focus = window ? { window, surface: window.owner as Resource } : undefined;
    if (this.focus) for (const p of this.of(this.focus.surface)) p.send('enter', this.nextSerial(), this.focus.surface.id, sx, sy);
  }

  /** The wl_pointers of the client that owns `surface`. */
  private *of(surface: Resource): Iterable<Resource> {
    for (const p of this.pointers) if (p.client === surface.client) yield p;
  }
}
