/**
 * The console's keyboard: key presses and releases (Linux key codes, as the
 * keyboard device reports them) become the bytes a VT/xterm terminal sends,
 * with the US layout of Debian's console keymap. Modifier keys are tracked here,
 * as a terminal tracks them; cursor keys follow the application-cursor mode the
 * program set (DECCKM). Ctrl-C is 0x03: the guest's line discipline turns it
 * into SIGINT for the foreground process group.
 */
import { KEY } from './keycodes.js';

/** Unshifted and shifted characters of the US layout, by key code. */
const US: Record<number, [string, string]> = {};
const rows: [number, string, string][] = [
  [KEY[1], '1234567890-=', '!@#$%^&*()_+'],
  [KEY.Q, 'qwertyuiop[]', 'QWERTYUIOP{}'],
  [KEY.A, "asdfghjkl;'`", 'ASDFGHJKL:"~'],
  [KEY.BACKSLASH, '\\zxcvbnm,./', '|ZXCVBNM<>?'],
];
for (const [first, plain, shifted] of rows) for (let i = 0; i < plain.length; i++) US[first + i] = [plain[i]!, shifted[i]!];
US[KEY.SPACE] = [' ', ' '];
US[KEY['102ND']] = ['<', '>'];

/** Keypad keys with Num Lock on (the console's default). */
const KEYPAD: Record<number, string> = {
  [KEY.KP0]: '0', [KEY.KP1]: '1', [KEY.KP2]: '2', [KEY.KP3]: '3', [KEY.KP4]: '4', [KEY.KP5]: '5', [KEY.KP6]: '6',
  [KEY.KP7]: '7', [KEY.KP8]: '8', [KEY.KP9]: '9', [KEY.KPDOT]: '.', [KEY.KPSLASH]: '/', [KEY.KPASTERISK]: '*',
  [KEY.KPMINUS]: '-', [KEY.KPPLUS]: '+',
};

/** Ctrl with a non-letter: the control characters of the Linux console's US keymap. */
const CTRL: Record<string, number> = {
  ' ': 0x00, '2': 0x00, '@': 0x00, '`': 0x00, '3': 0x1b, '[': 0x1b, '4': 0x1c, '\\': 0x1c, '5': 0x1d, ']': 0x1d,
  '6': 0x1e, '^': 0x1e, '7': 0x1f, '_': 0x1f, '-': 0x1f, '8': 0x7f, '/': 0x7f, '?': 0x7f, "'": 0x07,
};

/** Cursor keys: the final byte of CSI x / SS3 x. */
const CURSOR: Record<number, string> = { [KEY.UP]: 'A', [KEY.DOWN]: 'B', [KEY.RIGHT]: 'C', [KEY.LEFT]: 'D', [KEY.HOME]: 'H', [KEY.END]: 'F' };
/** Editing and function keys sent as CSI n ~. */
const TILDE: Record<number, number> = {
  [KEY.INSERT]: 2, [KEY.DELETE]: 3, [KEY.PAGEUP]: 5, [KEY.PAGEDOWN]: 6, [KEY.F5]: 15, [KEY.F6]: 17, [KEY.F7]: 18,
  [KEY.F8]: 19, [KEY.F9]: 20, [KEY.F10]: 21, [KEY.F11]: 23, [KEY.F12]: 24,
};
const SS3_FN: Record<number, string> = { [KEY.F1]: 'P', [KEY.F2]: 'Q', [KEY.F3]: 'R', [KEY.F4]: 'S' };

export interface KeyModes { appCursorKeys: boolean }

export class Keyboard {
  private shift = 0;   // how many shift keys are down (left and right count separately)
  private ctrl = 0;
  private alt = 0;
  private capsLock = false;

  /** A key went down (`down`) or up; returns the bytes to send, or '' for none. */
  key(code: number, down: boolean, modes: KeyModes): string {
    const d = down ? 1 : -1;
    switch (code) {
      case KEY.LEFTSHIFT: case KEY.RIGHTSHIFT: this.shift = Math.max(0, this.shift + d); return '';
      case KEY.LEFTCTRL: case KEY.RIGHTCTRL: this.ctrl = Math.max(0, this.ctrl + d); return '';
      case KEY.LEFTALT: case KEY.RIGHTALT: this.alt = Math.max(0, this.alt + d); return '';
      case KEY.CAPSLOCK: if (down) this.capsLock = !this.capsLock; return '';
      default: break;
    }
    if (!down) return '';
    const bytes = this.translate(code, modes);
    // Alt (Meta) prefixes ESC, as xterm's metaSendsEscape and the Linux console do.
    return bytes && this.alt && !bytes.startsWith('\x1b') ? `\x1b${bytes}` : bytes;
  }

  private translate(code: number, modes: KeyModes): string {
    const shift = this.shift > 0, ctrl = this.ctrl > 0;
    const mod = 1 + (shift ? 1 : 0) + (this.alt ? 2 : 0) + (ctrl ? 4 : 0);   // xterm's modifier parameter
    const us = US[code];
    if (us) {
      let ch = shift ? us[1] : us[0];
      if (this.capsLock && /^[a-z]$/i.test(ch)) ch = shift ? ch.toLowerCase() : ch.toUpperCase();
      if (ctrl) {
        if (/^[a-z]$/i.test(ch)) return String.fromCharCode(ch.toUpperCase().charCodeAt(0) & 0x1f);
        const c = CTRL[ch];
        return c === undefined ? ch : String.fromCharCode(c);
      }
      return ch;
    }
    const kp = KEYPAD[code];
    if (kp) return kp;
    const cursor = CURSOR[code];
    if (cursor) {
      if (mod > 1) return `\x1b[1;${mod}${cursor}`;
      return modes.appCursorKeys ? `\x1bO${cursor}` : `\x1b[${cursor}`;
    }
    const tilde = TILDE[code];
    if (tilde !== undefined) return mod > 1 ? `\x1b[${tilde};${mod}~` : `\x1b[${tilde}~`;
    const fn = SS3_FN[code];
    if (fn) return mod > 1 ? `\x1b[1;${mod}${fn}` : `\x1bO${fn}`;
    switch (code) {
      case KEY.ENTER: case KEY.KPENTER: return '\r';
      case KEY.BACKSPACE: return '\x7f';
      case KEY.TAB: return shift ? '\x1b[Z' : '\t';
      case KEY.ESC: return '\x1b';
      default: return '';
    }
  }
}
