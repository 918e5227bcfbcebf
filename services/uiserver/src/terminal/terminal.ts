/**
 * A terminal emulator's model: bytes in, a screen of cells out, and the answers
 * a terminal gives (cursor position reports, device attributes) handed to
 * `reply` to be written back to the program's input.
 */
import { Screen } from './screen.js';
import { VtParser } from './parser.js';

export interface ScreenText {
  cols: number;
  rows: number;
  cursor: { x: number; y: number; visible: boolean };
  altScreen: boolean;
  title: string;
  lines: string[];
}

export class Terminal {
  readonly screen: Screen;
  private readonly parser: VtParser;

  constructor(cols: number, rows: number, reply: (answer: string) => void = () => {}) {
    this.screen = new Screen(cols, rows, reply);
    this.parser = new VtParser(this.screen);
  }

  write(data: Uint8Array | string): void {
    this.parser.write(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  }

  /** The visible screen as text (trailing blanks trimmed), with the cursor. */
  text(): ScreenText {
    const s = this.screen;
    const lines: string[] = [];
    for (let y = 0; y < s.rows; y++) lines.push(s.grid.rowText(y));
    return {
      cols: s.cols, rows: s.rows, altScreen: s.altScreen, title: s.title,
      cursor: { x: s.cursorX, y: s.cursorY, visible: s.cursorVisible },
      lines,
    };
  }
}
