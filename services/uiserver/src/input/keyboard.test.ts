/**
 * The keyboard against references: key numbers against <linux/input-event-codes.h>,
 * characters against Debian's US console keymap compiled by kbd's loadkeys, and
 * special keys against xterm's terminfo entry (infocmp).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { BTN, KEY, keyFromBrowserCode, BROWSER_CODES } from './keycodes.js';
import { Keyboard } from './keyboard.js';

test('key codes are the kernel\'s', () => {
  const header = readFileSync('/usr/include/linux/input-event-codes.h', 'utf8');
  const defined = new Map<string, number>();
  for (const m of header.matchAll(/^#define\s+((?:KEY|BTN)_\w+)\s+(0x[0-9a-f]+|\d+)/gim)) defined.set(m[1]!, Number(m[2]));
  for (const [name, code] of Object.entries(KEY)) assert.equal(code, defined.get(`KEY_${name}`), `KEY_${name}`);
  for (const [name, code] of Object.entries(BTN)) assert.equal(code, defined.get(`BTN_${name}`), `BTN_${name}`);
});

test('every browser key code maps to a key', () => {
  for (const c of BROWSER_CODES) assert.ok(keyFromBrowserCode(c), c);
  assert.equal(keyFromBrowserCode('KeyA'), KEY.A);
  assert.equal(keyFromBrowserCode('Enter'), KEY.ENTER);
  assert.equal(keyFromBrowserCode('toString'), undefined);
  assert.equal(keyFromBrowserCode('LaunchMail'), undefined);
});

/** loadkeys' compiled tables: keymap name -> keysym per key code. */
function compiledKeymap(): Map<string, number[]> {
  const c = execFileSync('loadkeys', ['--mktable', '/usr/share/keymaps/i386/qwerty/us.kmap.gz'], { encoding: 'utf8' });
  const maps = new Map<string, number[]>();
  for (const m of c.matchAll(/(\w+)_map\[NR_KEYS\] = \{([^}]*)\}/g)) maps.set(m[1]!, [...m[2]!.matchAll(/0x([0-9a-f]+)/g)].map((x) => parseInt(x[1]!, 16)));
  return maps;
}

function press(kb: Keyboard, code: number, mods: number[] = [], appCursorKeys = false): string {
  for (const m of mods) kb.key(m, true, { appCursorKeys });
  const out = kb.key(code, true, { appCursorKeys });
  kb.key(code, false, { appCursorKeys });
  for (const m of mods) kb.key(m, false, { appCursorKeys });
  return out;
}

test('characters follow Debian\'s US console keymap (plain, shift, control)', () => {
  const maps = compiledKeymap();
  const kb = new Keyboard();
  let checked = 0;
  for (const [name, mods] of [['plain', []], ['shift', [KEY.LEFTSHIFT]], ['ctrl', [KEY.LEFTCTRL]]] as const) {
    const table = maps.get(name)!;
    assert.ok(table, `loadkeys produced no ${name} map`);
    // Key codes of the main block: digits to slash, and space.
    for (let code: number = KEY[1]; code <= KEY.SPACE; code++) {
      const sym = table[code]!;
      const type = sym >> 8;
      // KT_LATIN (0xf0) and KT_LETTER (0xfb) carry a character; others are functions (Enter, shift…).
      if (type !== 0xf0 && type !== 0xfb) continue;
      if (code === KEY.TAB && name === 'shift') continue;   // back-tab is xterm's kcbt, checked against terminfo below
      assert.equal(press(kb, code, [...mods]), String.fromCharCode(sym & 0xff), `${name} key ${code}`);
      checked++;
    }
  }
  assert.ok(checked > 100, `only ${checked} keys checked`);
});

test('special keys send what xterm\'s terminfo says (application mode, as smkx sets it)', () => {
  const info = execFileSync('infocmp', ['-1', '-x', 'xterm'], { encoding: 'utf8' });
  const cap = (name: string) => {
    const m = new RegExp(`^\\s+${name}=(.*),$`, 'm').exec(info);
    assert.ok(m, `xterm has no ${name}`);
    return m[1]!.replace(/\\E/g, '\x1b').replace(/\^\?/g, '\x7f');
  };
  const kb = new Keyboard();
  assert.equal(press(kb, KEY.UP, [], true), cap('kcuu1'));
  assert.equal(press(kb, KEY.DOWN, [], true), cap('kcud1'));
  assert.equal(press(kb, KEY.RIGHT, [], true), cap('kcuf1'));
  assert.equal(press(kb, KEY.LEFT, [], true), cap('kcub1'));
  assert.equal(press(kb, KEY.HOME, [], true), cap('khome'));
  assert.equal(press(kb, KEY.END, [], true), cap('kend'));
  assert.equal(press(kb, KEY.INSERT), cap('kich1'));
  assert.equal(press(kb, KEY.DELETE), cap('kdch1'));
  assert.equal(press(kb, KEY.PAGEUP), cap('kpp'));
  assert.equal(press(kb, KEY.PAGEDOWN), cap('knp'));
  assert.equal(press(kb, KEY.BACKSPACE), cap('kbs'));
  assert.equal(press(kb, KEY.TAB, [KEY.LEFTSHIFT]), cap('kcbt'));
  for (let f = 1; f <= 12; f++) assert.equal(press(kb, KEY[`F${f}` as keyof typeof KEY], []), cap(`kf${f}`), `F${f}`);
  // With a modifier: xterm's kUP5 (Ctrl-Up), kDC3 (Alt-Delete).
  assert.equal(press(kb, KEY.UP, [KEY.LEFTCTRL], true), cap('kUP5'));
  assert.equal(press(kb, KEY.DELETE, [KEY.LEFTALT]), cap('kDC3'));
});

test('cursor keys in normal mode, Enter, Ctrl-C, Alt and Caps Lock', () => {
  const kb = new Keyboard();
  assert.equal(press(kb, KEY.UP), '\x1b[A');
  assert.equal(press(kb, KEY.ENTER), '\r');
  assert.equal(press(kb, KEY.C, [KEY.RIGHTCTRL]), '\x03');
  assert.equal(press(kb, KEY.X, [KEY.LEFTALT]), '\x1bx');
  press(kb, KEY.CAPSLOCK);
  assert.equal(press(kb, KEY.A), 'A');
  assert.equal(press(kb, KEY.A, [KEY.LEFTSHIFT]), 'a');
  assert.equal(press(kb, KEY[1]), '1');
  press(kb, KEY.CAPSLOCK);
  assert.equal(press(kb, KEY.A), 'a');
  // A release without its press (a lost event) leaves no modifier stuck.
  kb.key(KEY.LEFTSHIFT, false, { appCursorKeys: false });
  assert.equal(press(kb, KEY.B), 'b');
});
