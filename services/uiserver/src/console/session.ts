/**
 * The console's shell: a guest program on a terminal, launched the way
 * `rustos run -t` launches one (runtimed's Run, which binds it to a vfsd tty
 * session). Its output feeds the console; the console's keystrokes are its input.
 * When it exits, or runtimed goes away, a new one is started after a pause.
 */
import { grpc, rustos, type ServiceContext } from '@rustos/platform';
import type { RunInput } from '@rustos/platform/gen/rustos/v1/RunInput.js';
import type { RunOutput__Output } from '@rustos/platform/gen/rustos/v1/RunOutput.js';

export interface SessionOptions {
  argv: string[];
  env: Record<string, string>;
  rows: number;
  cols: number;
  output(data: Uint8Array): void;
  /** The shell ended (its status), or could not be started (a message). */
  ended(why: string): void;
}

export class ShellSession {
  private call: grpc.ClientDuplexStream<RunInput, RunOutput__Output> | undefined;
  private stopped = false;
  private restartMs = 200;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly ctx: ServiceContext, private readonly o: SessionOptions) {}

  start(): void {
    if (this.stopped) return;
    this.ctx.peers.resolve('runtimed.launch').then((r) => {
      if (this.stopped) return;
      const client = this.ctx.peers.client(rustos().Runtime, r);
      const call = client.Run(this.ctx.peers.metadata(r));
      this.call = call;
      let ended = false;
      const end = (why: string) => {
        if (ended) return;
        ended = true;
        if (this.call === call) this.call = undefined;
        this.o.ended(why);
        this.again();
      };
      call.on('data', (m: RunOutput__Output) => {
        if (m.body === 'stdout') this.o.output(m.stdout!);
        else if (m.body === 'stderr') this.o.output(m.stderr!);
        else if (m.body === 'started') { this.restartMs = 200; this.ctx.milestone('uiserver.console.shell', this.o.argv[0]!, `pid ${m.started}`); }
        else if (m.body === 'exited') end(m.exited!.message || `exited with status ${m.exited!.status}`);
      });
      call.on('end', () => end('the session ended'));
      call.on('error', (err: grpc.ServiceError) => end(`runtimed: ${err.details || err.message}`));
      call.write({ start: { path: this.o.argv[0]!, argv: this.o.argv, env: this.o.env, cwd: '/', tty: true, rows: this.o.rows, cols: this.o.cols } });
    }, (err: Error) => {
      this.o.ended(`runtimed.launch unreachable: ${err.message}`);
      this.again();
    });
  }

  /** Bytes typed at the console. */
  write(data: Uint8Array | string): void {
    this.call?.write({ stdin: typeof data === 'string' ? Buffer.from(data, 'utf8') : data });
  }

  /** The console is going away: hang the shell up (SIGHUP to its process group), as a closing terminal does. */
  stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const call = this.call;
    if (!call) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => { call.cancel(); resolve(); };
      const timer = setTimeout(done, 300);
      call.write({ signal: 1 }, () => { clearTimeout(timer); call.end(); setTimeout(done, 50); });
    });
  }

  private again(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.start(), this.restartMs);
    this.restartMs = Math.min(this.restartMs * 2, 5000);
  }
}
