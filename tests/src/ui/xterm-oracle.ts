/**
 * xterm.js (headless) as a reference terminal: feed it the same bytes as the
 * console's terminal model and read back its screen, cursor, cell attributes and
 * the replies it sent. Nobody here wrote it; it is the tests' oracle.
 */
import xterm from '@xterm/headless';
import { Terminal } from '@rustos/uiserver/dist/terminal/terminal.js';
import { Color, Flag } from '@rustos/uiserver/dist/terminal/cells.js';

export interface Snapshot {
  lines: string[];
  cursor: [number, number];
  alt: boolean;
  /** Per cell: "fg/bg/flags" in the model's colour encoding. */
  attrs: string[];
  replies: string;
}

export class Oracle {
  private readonly term: InstanceType<typeof xterm.Terminal>;
  private replies = '';

  constructor(readonly cols: number, readonly rows: number) {
    this.term = new xterm.Terminal({ cols, rows, allowProposedApi: true, scrollback: 100 });
    this.term.onData((d) => { this.replies += d; });
  }

  write(data: Uint8Array): Promise<void> {
    return new Promise((resolve) => this.term.write(data, resolve));
  }

  snapshot(): Snapshot {
    const b = this.term.buffer.active;
    const lines: string[] = [];
    const attrs: string[] = [];
    for (let y = 0; y < this.rows; y++) {
      const line = b.getLine(b.baseY + y)!;
      lines.push(line.translateToString(true));
      for (let x = 0; x < this.cols; x++) {
        const c = line.getCell(x)!;
        const fg = c.isFgDefault() ? Color.DEFAULT : c.isFgRGB() ? Color.RGB | c.getFgColor() : Color.PALETTE | c.getFgColor();
        const bg = c.isBgDefault() ? Color.DEFAULT : c.isBgRGB() ? Color.RGB | c.getBgColor() : Color.PALETTE | c.getBgColor();
        const flags = (c.isBold() ? Flag.BOLD : 0) | (c.isDim() ? Flag.DIM : 0) | (c.isItalic() ? Flag.ITALIC : 0)
          | (c.isUnderline() ? Flag.UNDERLINE : 0) | (c.isBlink() ? Flag.BLINK : 0) | (c.isInverse() ? Flag.INVERSE : 0)
          | (c.isInvisible() ? Flag.INVISIBLE : 0) | (c.isStrikethrough() ? Flag.STRIKE : 0);
        attrs.push(`${fg.toString(16)}/${bg.toString(16)}/${flags}`);
      }
    }
    return { lines, cursor: [b.cursorX, b.cursorY], alt: b.type === 'alternate', attrs, replies: this.replies };
  }

  dispose(): void { this.term.dispose(); }
}

/** The model under test, driven and read the same way. */
export class Model {
  private replies = '';
  readonly term: Terminal;

  constructor(readonly cols: number, readonly rows: number) {
    this.term = new Terminal(cols, rows, (r) => { this.replies += r; });
  }

  write(data: Uint8Array): void { this.term.write(data); }

  snapshot(): Snapshot {
    const s = this.term.screen;
    const g = s.grid;
    const lines: string[] = [];
    const attrs: string[] = [];
    for (let y = 0; y < this.rows; y++) {
      lines.push(g.rowText(y));
      for (let x = 0; x < this.cols; x++) {
        const i = y * this.cols + x;
        attrs.push(`${g.fg[i]!.toString(16)}/${g.bg[i]!.toString(16)}/${g.flags[i]}`);
      }
    }
    return { lines, cursor: [s.cursorX, s.cursorY], alt: s.altScreen, attrs, replies: this.replies };
  }
}

/** The first difference between two snapshots, described, or undefined. */
export function difference(want: Snapshot, got: Snapshot, cols: number): string | undefined {
  for (let y = 0; y < want.lines.length; y++) {
    if (want.lines[y] !== got.lines[y]) return `row ${y}: xterm ${JSON.stringify(want.lines[y])}, model ${JSON.stringify(got.lines[y])}`;
  }
  if (want.cursor[0] !== got.cursor[0] || want.cursor[1] !== got.cursor[1]) return `cursor: xterm ${want.cursor}, model ${got.cursor}`;
  if (want.alt !== got.alt) return `screen: xterm ${want.alt ? 'alternate' : 'normal'}, model ${got.alt ? 'alternate' : 'normal'}`;
  for (let i = 0; i < want.attrs.length; i++) {
    if (want.attrs[i] !== got.attrs[i]) return `cell (${i % cols},${Math.floor(i / cols)}) fg/bg/flags: xterm ${want.attrs[i]}, model ${got.attrs[i]}`;
  }
  if (want.replies !== got.replies) return `replies: xterm ${JSON.stringify(want.replies)}, model ${JSON.stringify(got.replies)}`;
  return undefined;
}
