/**
 * The byte-stream side of the terminal: UTF-8 decoding and the VT500-series
 * parser state machine (the one DEC terminals and xterm implement; states as in
 * Paul Williams' description at vt100.net). It turns bytes into calls on a
 * Screen. It never throws and never allocates per byte: parameters live in
 * preallocated typed arrays, and a string is built only for OSC payloads.
 */
import type { Screen } from './screen.js';

const enum State {
  GROUND, ESCAPE, ESCAPE_INTERMEDIATE, CSI_ENTRY, CSI_PARAM, CSI_INTERMEDIATE, CSI_IGNORE,
  OSC_STRING, DCS_IGNORE, STRING_IGNORE,
}

const MAX_PARAMS = 32;
const MAX_PARAM = 0x7fffffff;
const MAX_OSC = 4096;

export class VtParser {
  private state = State.GROUND;
  // UTF-8 decoder state.
  private need = 0;
  private cp = 0;
  private min = 0;
  // Control sequence being collected.
  private readonly params = new Int32Array(MAX_PARAMS);
  private readonly sub = new Uint8Array(MAX_PARAMS);
  private count = 0;
  private hasDigit = false;
  private prefix = 0;          // '<', '=', '>' or '?' right after CSI, or 0
  private inter = 0;           // the intermediate bytes, packed (at most 2 kept)
  private osc = '';

  constructor(private readonly screen: Screen) {}

  write(data: Uint8Array): void {
    for (let i = 0; i < data.length; i++) {
      const b = data[i]!;
      if (this.need > 0) {
        if ((b & 0xc0) === 0x80) {
          this.cp = (this.cp << 6) | (b & 0x3f);
          if (--this.need === 0) {
            const cp = this.cp;
            // Overlong forms, surrogates and values past U+10FFFF are not characters.
            this.codePoint(cp < this.min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff ? 0xfffd : cp);
          }
          continue;
        }
        // A sequence cut short: one replacement character, then the byte on its own.
        this.need = 0;
        this.codePoint(0xfffd);
      }
      if (b < 0x80) this.codePoint(b);
      else if ((b & 0xe0) === 0xc0) { this.need = 1; this.cp = b & 0x1f; this.min = 0x80; }
      else if ((b & 0xf0) === 0xe0) { this.need = 2; this.cp = b & 0x0f; this.min = 0x800; }
      else if ((b & 0xf8) === 0xf0) { this.need = 3; this.cp = b & 0x07; this.min = 0x10000; }
      else this.codePoint(0xfffd);
    }
  }

  /** One decoded character through the state machine. */
  codePoint(c: number): void {
    const s = this.screen;
    // Anywhere: CAN and SUB abort a sequence, ESC starts one (and ends a string).
    if (c === 0x18 || c === 0x1a) {
      if (this.state === State.OSC_STRING) this.osc = '';
      this.state = State.GROUND;
      return;
    }
    if (c === 0x1b) {
      // In a string, ESC begins its terminator (ESC \); the string ends here either way.
      if (this.state === State.OSC_STRING) this.oscEnd();
      this.state = State.ESCAPE;
      this.inter = 0;
      return;
    }
    // C1 controls, as decoded code points.
    if (c >= 0x80 && c <= 0x9f) { this.c1(c); return; }

    switch (this.state) {
      case State.GROUND:
        if (c >= 0x20 && c !== 0x7f) s.print(c);
        else this.execute(c);
        return;

      case State.ESCAPE:
        if (c < 0x20) { this.execute(c); return; }
        if (c <= 0x2f) { this.inter = c; this.state = State.ESCAPE_INTERMEDIATE; return; }
        this.state = State.GROUND;
        if (c === 0x5b) { this.csiStart(); return; }                       // [
        if (c === 0x5d) { this.osc = ''; this.state = State.OSC_STRING; return; }   // ]
        if (c === 0x50) { this.state = State.DCS_IGNORE; return; }         // P
        if (c === 0x58 || c === 0x5e || c === 0x5f) { this.state = State.STRING_IGNORE; return; }   // X ^ _
        if (c !== 0x7f) this.escDispatch(c);
        return;

      case State.ESCAPE_INTERMEDIATE:
        if (c < 0x20) { this.execute(c); return; }
        if (c <= 0x2f) { this.inter = (this.inter << 8) | c; return; }
        if (c !== 0x7f) { this.state = State.GROUND; this.escDispatch(c); }
        return;

      case State.CSI_ENTRY:
      case State.CSI_PARAM:
        if (c < 0x20) { this.execute(c); return; }
        if (c >= 0x30 && c <= 0x39) {
          const i = this.count === 0 ? (this.count = 1, 0) : this.count - 1;
          const v = this.params[i]! * 10 + (c - 0x30);
          this.params[i] = v > MAX_PARAM ? MAX_PARAM : v;
          this.hasDigit = true;
          this.state = State.CSI_PARAM;
          return;
        }
        if (c === 0x3b || c === 0x3a) {
          if (this.count === 0) this.count = 1;
          if (this.count < MAX_PARAMS) {
            this.params[this.count] = 0;
            this.sub[this.count] = c === 0x3a ? 1 : 0;
            this.count++;
          }
          this.state = State.CSI_PARAM;
          return;
        }
        if (c >= 0x3c && c <= 0x3f) {
          if (this.state === State.CSI_ENTRY) { this.prefix = c; this.state = State.CSI_PARAM; }
          else this.state = State.CSI_IGNORE;
          return;
        }
        if (c <= 0x2f) { this.inter = c; this.state = State.CSI_INTERMEDIATE; return; }
        if (c !== 0x7f) { this.state = State.GROUND; this.csiDispatch(c); }
        return;

      case State.CSI_INTERMEDIATE:
        if (c < 0x20) { this.execute(c); return; }
        if (c <= 0x2f) { this.inter = (this.inter << 8) | c; return; }
        if (c <= 0x3f) { this.state = State.CSI_IGNORE; return; }
        if (c !== 0x7f) { this.state = State.GROUND; this.csiDispatch(c); }
        return;

      case State.CSI_IGNORE:
        if (c < 0x20) { this.execute(c); return; }
        if (c >= 0x40 && c <= 0x7e) this.state = State.GROUND;
        return;

      case State.OSC_STRING:
        if (c === 0x07) { this.oscEnd(); this.state = State.GROUND; return; }   // xterm accepts BEL as the terminator
        if (c >= 0x20 && this.osc.length < MAX_OSC) this.osc += String.fromCodePoint(c);
        return;

      case State.DCS_IGNORE:
      case State.STRING_IGNORE:
        return;   // device control strings (DECRQSS, sixel…) and SOS/PM/APC are consumed, not acted on
    }
  }

  private csiStart(): void {
    this.state = State.CSI_ENTRY;
    this.count = 0;
    this.params.fill(0);
    this.sub.fill(0);
    this.hasDigit = false;
    this.prefix = 0;
    this.inter = 0;
  }

  private c1(c: number): void {
    if (this.state === State.OSC_STRING && c === 0x9c) { this.oscEnd(); this.state = State.GROUND; return; }
    if (this.state === State.OSC_STRING) return;
    if (this.state === State.DCS_IGNORE || this.state === State.STRING_IGNORE) {
      if (c === 0x9c) this.state = State.GROUND;
      return;
    }
    this.state = State.GROUND;
    switch (c) {
      case 0x84: this.screen.index(); break;
      case 0x85: this.screen.nextLine(); break;
      case 0x88: this.screen.tabSet(); break;
      case 0x8d: this.screen.reverseIndex(); break;
      case 0x90: this.state = State.DCS_IGNORE; break;
      case 0x9b: this.csiStart(); break;
      case 0x9d: this.osc = ''; this.state = State.OSC_STRING; break;
      case 0x98: case 0x9e: case 0x9f: this.state = State.STRING_IGNORE; break;
      default: break;
    }
    this.screen.preceding = 0;
  }

  /** C0 controls. Any of them ends what REP may repeat. */
  private execute(c: number): void {
    const s = this.screen;
    s.preceding = 0;
    switch (c) {
      case 0x08: s.backspace(); break;
      case 0x09: s.tab(); break;
      case 0x0a: case 0x0b: case 0x0c: s.lineFeed(); break;
      case 0x0d: s.carriageReturn(); break;
      case 0x0e: s.shiftOut(); break;
      case 0x0f: s.shiftIn(); break;
      default: break;   // NUL, BEL (no speaker here), DEL and the rest do nothing on the screen
    }
  }

  private escDispatch(final: number): void {
    const s = this.screen;
    const inter = this.inter;
    s.preceding = 0;
    if (inter === 0) {
      switch (final) {
        case 0x37: s.saveCursor(); break;             // 7 DECSC
        case 0x38: s.restoreCursor(); break;          // 8 DECRC
        case 0x44: s.index(); break;                  // D IND
        case 0x45: s.nextLine(); break;               // E NEL
        case 0x48: s.tabSet(); break;                 // H HTS
        case 0x4d: s.reverseIndex(); break;           // M RI
        case 0x63: s.fullReset(); break;              // c RIS
        case 0x3d: s.appKeypad = true; break;         // = DECKPAM
        case 0x3e: s.appKeypad = false; break;        // > DECKPNM
        case 0x6e: s.invoke(2); break;                // n LS2
        case 0x6f: s.invoke(3); break;                // o LS3
        default: break;                               // \ (ST) and the rest
      }
      return;
    }
    if (inter === 0x23 && final === 0x38) { s.alignmentPattern(); return; }   // # 8 DECALN
    const slot = inter === 0x28 ? 0 : inter === 0x29 || inter === 0x2d ? 1 : inter === 0x2a || inter === 0x2e ? 2 : inter === 0x2b ? 3 : -1;
    if (slot >= 0) s.designate(slot, final);
  }

  private csiDispatch(final: number): void {
    const s = this.screen;
    const p = this.params;
    const n = this.count;
    const p0 = p[0]!;
    const one = p0 || 1;   // the usual "missing or zero means 1"
    s.preceding = final === 0x62 ? s.preceding : 0;
    if (this.prefix === 0x3f) {       // ?
      if (this.inter !== 0) return;
      if (final === 0x68 || final === 0x6c) for (let i = 0; i < Math.max(n, 1); i++) s.setPrivateMode(p[i]!, final === 0x68);
      else if (final === 0x6e) s.deviceStatus(p0, true);
      return;
    }
    if (this.prefix === 0x3e) {       // >
      if (final === 0x63 && this.inter === 0 && p0 === 0) s.deviceAttributes(true);
      return;
    }
    if (this.prefix !== 0) return;
    if (this.inter !== 0) {
      if (this.inter === 0x21 && final === 0x70) s.softReset();    // ! p DECSTR
      return;                                                         // SP q (cursor style) and the rest
    }
    switch (final) {
      case 0x40: s.insertChars(one); break;                        // @ ICH
      case 0x41: s.up(one); break;                                 // A CUU
      case 0x42: s.downBy(one); break;                             // B CUD
      case 0x43: case 0x61: s.moveBy(one, 0); break;               // C CUF, a HPR
      case 0x44: s.moveBy(-one, 0); break;                         // D CUB
      case 0x45: s.downBy(one); s.carriageReturn(); break;         // E CNL
      case 0x46: s.up(one); s.carriageReturn(); break;             // F CPL
      case 0x47: case 0x60: s.setColumn(one - 1); break;           // G CHA, ` HPA
      case 0x48: case 0x66: s.moveTo(n >= 2 ? (p[1]! || 1) - 1 : 0, one - 1); break;   // H CUP, f HVP
      case 0x49: s.tab(one); break;                                // I CHT
      case 0x4a: s.eraseInDisplay(p0); break;                      // J ED
      case 0x4b: s.eraseInLine(p0); break;                         // K EL
      case 0x4c: s.insertLines(one); break;                        // L IL
      case 0x4d: s.deleteLines(one); break;                        // M DL
      case 0x50: s.deleteChars(one); break;                        // P DCH
      case 0x53: s.scrollUp(one); break;                           // S SU
      case 0x54: s.scrollDown(one); break;                         // T SD
      case 0x58: s.eraseChars(one); break;                         // X ECH
      case 0x5a: s.backTab(one); break;                            // Z CBT
      case 0x62: s.repeat(one); s.preceding = 0; break;            // b REP
      case 0x63: if (p0 === 0) s.deviceAttributes(false); break;   // c DA1
      case 0x64: s.setRow(one - 1); break;                         // d VPA
      case 0x65: s.moveBy(0, one); break;                          // e VPR
      case 0x67: s.tabClear(p0); break;                            // g TBC
      case 0x68: case 0x6c: for (let i = 0; i < Math.max(n, 1); i++) s.setMode(p[i]!, final === 0x68); break;   // h SM, l RM
      case 0x6d: s.sgr(p, this.sub, n); break;                     // m SGR
      case 0x6e: s.deviceStatus(p0, false); break;                 // n DSR
      case 0x72: s.setScrollRegion(p0, n >= 2 ? p[1]! : 0); break; // r DECSTBM
      case 0x73: s.saveCursor(); break;                            // s SCOSC
      case 0x74: if (p0 === 18) s.reportSize(); break;             // t window ops: only the size report
      case 0x75: s.restoreCursor(); break;                         // u SCORC
      default: break;
    }
  }

  private oscEnd(): void {
    // OSC 0 and 2 set the window title; the console has no title bar, so it is only kept.
    const semi = this.osc.indexOf(';');
    const code = semi < 0 ? this.osc : this.osc.slice(0, semi);
    if (code === '0' || code === '2') this.screen.title = semi < 0 ? '' : this.osc.slice(semi + 1);
    this.osc = '';
  }
}
