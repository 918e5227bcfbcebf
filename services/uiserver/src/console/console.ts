/**
 * The console: a terminal emulator drawn into a compositor surface. Guest
 * output goes into the terminal model; dirty cells are painted and presented
 * at most once per turn of the event loop (output that arrives together is
 * drawn together); key events from the input devices become the bytes a VT
 * terminal sends, and the terminal's own answers (cursor reports) go the same way.
 */
import { Terminal } from '../terminal/terminal.js';
import { ConsoleView } from '../render/console-view.js';
import { Compositor, Surface } from '../render/compositor.js';
import type { Font } from '../render/psf.js';
import { Keyboard } from '../input/keyboard.js';
import type { InputEvent } from '../input/source.js';

export class Console {
  readonly term: Terminal;
  readonly surface: Surface;
  private readonly view: ConsoleView;
  private readonly keyboard = new Keyboard();
  private scheduled = false;
  private composing: Promise<unknown> = Promise.resolve();
  /** Where typed bytes go (the shell's input); set once the shell is attached. */
  sink: (bytes: string) => void = () => {};

  constructor(private readonly compositor: Compositor, font: Font) {
    const cols = Math.floor(compositor.width / font.width);
    const rows = Math.floor(compositor.height / font.height);
    this.term = new Terminal(cols, rows, (answer) => this.sink(answer));
    // Centred: the cells rarely divide the screen exactly.
    this.surface = new Surface((compositor.width - cols * font.width) >> 1, (compositor.height - rows * font.height) >> 1, cols * font.width, rows * font.height);
    this.view = new ConsoleView(this.term.screen, font, this.surface);
    compositor.add(this.surface);
  }

  /** Draw the whole console: its first frame (later ones follow output). */
  show(): void {
    this.frame();
  }

  get cols(): number { return this.term.screen.cols; }
  get rows(): number { return this.term.screen.rows; }

  /** Guest output (or a message of uiserver's own). */
  write(data: Uint8Array | string): void {
    this.term.write(data);
    this.frame();
  }

  input(e: InputEvent): void {
    if (e.kind !== 'key') return;   // the console has no use for the pointer (no mouse reporting yet)
    const bytes = this.keyboard.key(e.code, e.down, this.term.screen);
    if (bytes) this.sink(bytes);
  }

  /** Paint and present once this turn's output has been taken in. */
  private frame(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.composing = this.composing.then(async () => {
        for (const r of this.view.paint()) this.compositor.damageSurface(this.surface, r);
        await this.compositor.compose();
      }).catch(() => undefined);
    });
  }

  /** Resolves when everything written so far is on the display (tests). */
  async settled(): Promise<void> {
    await new Promise((r) => setImmediate(r));
    await this.composing;
  }
}
