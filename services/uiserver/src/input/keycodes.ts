/**
 * Linux input key codes (the numbers of <linux/input-event-codes.h>, which the
 * keyboard device reports) and the browser's KeyboardEvent.code names for them
 * (the physical key, whatever the browser's layout).
 */
export const KEY = {
  ESC: 1, 1: 2, 2: 3, 3: 4, 4: 5, 5: 6, 6: 7, 7: 8, 8: 9, 9: 10, 0: 11, MINUS: 12, EQUAL: 13, BACKSPACE: 14,
  TAB: 15, Q: 16, W: 17, E: 18, R: 19, T: 20, Y: 21, U: 22, I: 23, O: 24, P: 25, LEFTBRACE: 26, RIGHTBRACE: 27,
  ENTER: 28, LEFTCTRL: 29, A: 30, S: 31, D: 32, F: 33, G: 34, H: 35, J: 36, K: 37, L: 38, SEMICOLON: 39,
  APOSTROPHE: 40, GRAVE: 41, LEFTSHIFT: 42, BACKSLASH: 43, Z: 44, X: 45, C: 46, V: 47, B: 48, N: 49, M: 50,
  COMMA: 51, DOT: 52, SLASH: 53, RIGHTSHIFT: 54, KPASTERISK: 55, LEFTALT: 56, SPACE: 57, CAPSLOCK: 58,
  F1: 59, F2: 60, F3: 61, F4: 62, F5: 63, F6: 64, F7: 65, F8: 66, F9: 67, F10: 68, NUMLOCK: 69, SCROLLLOCK: 70,
  KP7: 71, KP8: 72, KP9: 73, KPMINUS: 74, KP4: 75, KP5: 76, KP6: 77, KPPLUS: 78, KP1: 79, KP2: 80, KP3: 81,
  KP0: 82, KPDOT: 83, '102ND': 86, F11: 87, F12: 88, KPENTER: 96, RIGHTCTRL: 97, KPSLASH: 98, SYSRQ: 99,
  RIGHTALT: 100, HOME: 102, UP: 103, PAGEUP: 104, LEFT: 105, RIGHT: 106, END: 107, DOWN: 108, PAGEDOWN: 109,
  INSERT: 110, DELETE: 111, PAUSE: 119, LEFTMETA: 125, RIGHTMETA: 126,
} as const;

/** Pointer buttons (BTN_LEFT, BTN_RIGHT, BTN_MIDDLE). */
export const BTN = { LEFT: 0x110, RIGHT: 0x111, MIDDLE: 0x112 } as const;

const browser: Record<string, keyof typeof KEY> = {
  Escape: 'ESC', Minus: 'MINUS', Equal: 'EQUAL', Backspace: 'BACKSPACE', Tab: 'TAB', BracketLeft: 'LEFTBRACE',
  BracketRight: 'RIGHTBRACE', Enter: 'ENTER', ControlLeft: 'LEFTCTRL', Semicolon: 'SEMICOLON', Quote: 'APOSTROPHE',
  Backquote: 'GRAVE', ShiftLeft: 'LEFTSHIFT', Backslash: 'BACKSLASH', Comma: 'COMMA', Period: 'DOT', Slash: 'SLASH',
  ShiftRight: 'RIGHTSHIFT', NumpadMultiply: 'KPASTERISK', AltLeft: 'LEFTALT', Space: 'SPACE', CapsLock: 'CAPSLOCK',
  NumLock: 'NUMLOCK', ScrollLock: 'SCROLLLOCK', NumpadSubtract: 'KPMINUS', NumpadAdd: 'KPPLUS', NumpadDecimal: 'KPDOT',
  IntlBackslash: '102ND', NumpadEnter: 'KPENTER', ControlRight: 'RIGHTCTRL', NumpadDivide: 'KPSLASH',
  PrintScreen: 'SYSRQ', AltRight: 'RIGHTALT', Home: 'HOME', ArrowUp: 'UP', PageUp: 'PAGEUP', ArrowLeft: 'LEFT',
  ArrowRight: 'RIGHT', End: 'END', ArrowDown: 'DOWN', PageDown: 'PAGEDOWN', Insert: 'INSERT', Delete: 'DELETE',
  Pause: 'PAUSE', MetaLeft: 'LEFTMETA', MetaRight: 'RIGHTMETA',
};
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') browser[`Key${c}`] = c as keyof typeof KEY;
for (let d = 0; d <= 9; d++) { browser[`Digit${d}`] = String(d) as keyof typeof KEY; browser[`Numpad${d}`] = `KP${d}` as keyof typeof KEY; }
for (let f = 1; f <= 12; f++) browser[`F${f}`] = `F${f}` as keyof typeof KEY;

/** The Linux key code for a browser KeyboardEvent.code, or undefined for keys the keyboard does not have. */
export function keyFromBrowserCode(code: string): number | undefined {
  const name = Object.hasOwn(browser, code) ? browser[code] : undefined;
  return name === undefined ? undefined : KEY[name];
}

export const BROWSER_CODES: readonly string[] = Object.keys(browser);
