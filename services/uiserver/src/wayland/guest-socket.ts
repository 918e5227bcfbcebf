/**
 * The Wayland socket in the guest: vfsd's Listen stream makes a guest AF_UNIX
 * socket at a path and hands every guest connection to us as a stream of
 * {bytes, passed files}; ReadPassedFile reads a passed memfd's current bytes
 * (the pages the guest maps MAP_SHARED). Each accepted connection becomes a
 * WaylandConnection. When vfsd restarts the stream breaks (its connections are
 * gone with it): we hang those clients up and listen again. The contract is
 * vfsd.proto's "Service-side listeners".
 */
import { errnoName, rustos, unaryCall, type grpc, type ServiceContext } from '@rustos/platform';
import type { VfsdClient } from '@rustos/platform/gen/rustos/v1/Vfsd.js';
import type { ListenerInput } from '@rustos/platform/gen/rustos/v1/ListenerInput.js';
import type { ListenerEvent__Output as ListenerEvent } from '@rustos/platform/gen/rustos/v1/ListenerEvent.js';
import type { PassedFile__Output as PassedFile } from '@rustos/platform/gen/rustos/v1/PassedFile.js';
import type { ReadPassedFileReply__Output } from '@rustos/platform/gen/rustos/v1/ReadPassedFileReply.js';
import type { PassedFd, WaylandConnection } from './connection.js';

const ENDPOINT = 'vfsd.files';

export interface GuestSocketOptions {
  path: string;
  uid: number;
  gid: number;
  accept(conn: WaylandConnection, peer: string): void;
  /** The socket exists (errno 0), or could not be made (why). */
  listening(errno: number, why: string): void;
  log(message: string): void;
}

export class GuestSocket {
  private call?: grpc.ClientDuplexStream<ListenerInput, ListenerEvent>;
  private stopped = false;
  private retryMs = 200;
  private timer?: NodeJS.Timeout;

  constructor(private readonly ctx: ServiceContext, private readonly o: GuestSocketOptions) {}

  start(): void {
    if (this.stopped) return;
    this.ctx.peers.resolve(ENDPOINT).then((r) => {
      if (this.stopped) return;
      const client = this.ctx.peers.client(rustos().Vfsd, r);
      const md = () => this.ctx.peers.metadata(r);
      const call = client.Listen(md());
      this.call = call;
      const conns = new Map<number, VfsdConnection>();
      let ended = false;
      const end = (why: string) => {
        if (ended) return;
        ended = true;
        for (const c of conns.values()) c.hungUp(why);
        conns.clear();
        if (this.call === call) this.call = undefined;
        this.o.log(`listener on ${this.o.path}: ${why}`);
        this.again();
      };
      call.on('data', (ev: ListenerEvent) => {
        switch (ev.body) {
          case 'listening':
            if (ev.listening!.errno === 0) this.retryMs = 200;
            this.o.listening(ev.listening!.errno, ev.listening!.errno ? errnoName(ev.listening!.errno) : '');
            break;
          case 'accepted': {
            const a = ev.accepted!;
            const conn = new VfsdConnection(a.conn, call, (h) => new VfsdFile(h, client, md));
            conns.set(a.conn, conn);
            this.o.accept(conn, `pid ${a.pid} uid ${a.uid}`);
            break;
          }
          case 'data': conns.get(ev.data!.conn)?.deliver(ev.data!.data, ev.data!.fds); break;
          case 'hangup': conns.get(ev.hangup!)?.hungUp('the guest hung up'); conns.delete(ev.hangup!); break;
          case 'error': this.o.log(`connection ${ev.error!.conn}: ${errnoName(ev.error!.errno)}: ${ev.error!.message}`); break;
        }
      });
      call.on('end', () => end('vfsd ended the stream'));
      call.on('error', (err: grpc.ServiceError) => end(`vfsd: ${err.details || err.message}`));
      call.write({ listen: { path: this.o.path, uid: this.o.uid, gid: this.o.gid, mode: 0o777, dirMode: 0o700 } });
    }, (err: Error) => {
      this.o.log(`${ENDPOINT} unreachable: ${err.message}`);
      this.again();
    });
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.call?.cancel();
  }

  private again(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.start(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, 5000);
  }
}

class VfsdConnection implements WaylandConnection {
  private dataFns: ((b: Uint8Array, fds: PassedFd[]) => void)[] = [];
  private closeFns: ((why: string) => void)[] = [];
  private closed = false;

  constructor(private readonly conn: number, private readonly call: grpc.ClientDuplexStream<ListenerInput, ListenerEvent>,
    private readonly file: (f: PassedFile) => VfsdFile) {}

  onData(fn: (b: Uint8Array, fds: PassedFd[]) => void): void { this.dataFns.push(fn); }
  onClose(fn: (why: string) => void): void { this.closeFns.push(fn); }

  send(bytes: Uint8Array, fds: PassedFd[]): void {
    if (this.closed) return;
    this.call.write({ send: { conn: this.conn, data: bytes, fds: fds.map((f) => (f as VfsdFile).handle) } });
  }

  close(): void {
    if (this.closed) return;
    this.call.write({ close: this.conn });
    this.hungUp('closed by the compositor');
  }

  deliver(data: Uint8Array, files: PassedFile[]): void {
    const fds = files.map((f) => this.file(f));
    if (this.closed) { for (const f of fds) f.close(); return; }
    for (const fn of this.dataFns) fn(data, fds);
  }

  hungUp(why: string): void {
    if (this.closed) return;
    this.closed = true;
    for (const fn of this.closeFns) fn(why);
  }
}

class VfsdFile implements PassedFd {
  constructor(readonly file: PassedFile, private readonly client: VfsdClient, private readonly md: () => grpc.Metadata) {}

  get handle(): number { return this.file.handle; }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const r = await unaryCall<ReadPassedFileReply__Output>((cb) => this.client.ReadPassedFile({ handle: this.handle, offset, length }, this.md(), cb));
    if (r.errno) throw new Error(`reading passed file ${this.file.path}: ${errnoName(r.errno)}`);
    if (r.data.length < length) throw new Error(`passed file ${this.file.path} ends at ${r.size} bytes, before ${offset + length}`);
    return r.data;
  }

  async size(): Promise<number> {
    const r = await unaryCall<ReadPassedFileReply__Output>((cb) => this.client.ReadPassedFile({ handle: this.handle, offset: 0, length: 0 }, this.md(), cb));
    if (r.errno) throw new Error(`passed file ${this.file.path}: ${errnoName(r.errno)}`);
    return r.size;
  }

  close(): void {
    this.client.ReleasePassedFile({ handle: this.handle }, this.md(), () => { /* the handle dies with the stream anyway */ });
  }
}
