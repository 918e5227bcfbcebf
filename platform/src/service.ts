/**
 * The shared service runtime: everything a userspace service does that is not its
 * policy. It starts the process's gRPC server (health + reflection + the service's
 * own API behind a gate), attaches to the nucleus's control stream, enrolls, waits
 * for rootd to admit it with its capabilities, registers its endpoints, runs the
 * service's start hook, reports ready, and obeys kill/stop directives. A service's
 * own folder then holds only its policy.
 */
import { hostname } from 'node:os';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { Writable } from 'node:stream';
import { grpc, unavailable, stale, denied, unaryCall, CAP_KEY, GENERATION_KEY, ABI_VERSION } from './grpc.js';
import { connectNucleus, type NucleusClients } from './clients.js';
import { createLogger, type Logger } from './log.js';
import { loadManifests, type Manifest } from './manifest.js';
import { manifestsDir, nucleusAddress, secret, unixAddress } from './config.js';
import { startServer, type Gate, type Served, type ProcessServer } from './server.js';
import { Peers } from './peers.js';
import { watchLauncher } from './launcher-watch.js';
import type { Directive__Output } from './gen/rustos/v1/Directive.js';
import type { Admitted__Output } from './gen/rustos/v1/Admitted.js';
import type { ServiceReport } from './gen/rustos/v1/ServiceReport.js';
import type { LeaseEvent__Output } from './gen/rustos/v1/LeaseEvent.js';
import type { PeerEvent__Output } from './gen/rustos/v1/PeerEvent.js';
import type { CallHeader } from './gen/rustos/v1/CallHeader.js';



/** How long a call that arrived before the admission waits for it. */
const ADMISSION_WAIT_MS = 2000;

/** Exit codes the platform (local launcher, Docker restart policy on-failure) acts on. */
export const EXIT = { SHUTDOWN: 0, FAILED: 0, RESTART: 75, LOST_NUCLEUS: 70 } as const;

export interface Endpointed extends Served {
  /** The endpoint (from the manifest's `endpoints`) this gRPC service implements. */
  endpoint: string;
}

export interface ServiceContext {
  readonly name: string;
  readonly manifest: Manifest;
  readonly manifests: Map<string, Manifest>;
  readonly log: Logger;
  readonly nucleus: NucleusClients;
  readonly peers: Peers;
  readonly generation: number;
  readonly rights: ReadonlyMap<string, string>;
  /** The capability handle for `right`; throws when the manifest did not grant it. */
  capability(right: string): string;
  /** A CallHeader for a broker/IPC call made with `right`. */
  header(right: string): CallHeader;
  milestone(name: string, subject?: string, detail?: string): void;
  /** Leave the system: stop serving, detach from the nucleus (and exit, unless embedded). */
  shutdown(): Promise<void>;
  /** Leave as a failed generation: the platform starts the service again. */
  restart(why: string): Promise<void>;
}

export interface ServiceSpec {
  name: string;
  /** Runs inside another program (a test, a benchmark): never calls process.exit or takes signals. */
  embedded?: boolean;
  /** The gRPC services this process serves; built once, gated until admission. */
  serve?: (ctx: ServiceContext) => Endpointed[];
  /** Policy start-up, after admission and endpoint registration, before ready. */
  start?: (ctx: ServiceContext) => Promise<void>;
  /** Work that follows readiness, once the ready message is sent (initd launching runtimed, rootd admitting services). */
  afterReady?: (ctx: ServiceContext) => void;
  /** rootd only: every enrollment, readiness, exit and launch request in the system. */
  onLease?: (ctx: ServiceContext, event: LeaseEvent__Output) => void;
  /** A dependency restarted or exited. */
  onPeer?: (ctx: ServiceContext, event: PeerEvent__Output) => void;
  stop?: (ctx: ServiceContext) => Promise<void>;
}

/** A writable that forwards pino lines to the nucleus in small batches (for `rustos logs`). */
class LogForwarder extends Writable {
  private pending: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  sink: ((lines: string[]) => void) | undefined;

  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    if (this.pending.length < 1000) this.pending.push(chunk.toString('utf8').trimEnd());
    this.timer ??= setTimeout(() => this.flush(), 50);
    done();
  }

  flush(): void {
    this.timer = undefined;
    if (!this.sink || this.pending.length === 0) return;
    const lines = this.pending;
    this.pending = [];
    this.sink(lines);
  }
}

/**
 * Containers start in any order, so the nucleus's DNS name may not exist yet.
 * Wait until it resolves before opening the channel: a grpc-js channel whose
 * first resolution failed was seen waiting forever (waitForReady), never
 * resolving again. Unix sockets and literal addresses pass at once.
 */
async function nameResolves(address: string): Promise<void> {
  const host = /^(?:dns:)?([^:/]+):\d+$/.exec(address)?.[1];
  if (!host || isIP(host)) return;
  for (;;) {
    try {
      await lookup(host);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export async function runService(spec: ServiceSpec): Promise<ServiceContext> {
  if (!spec.embedded) process.title = `rustos:${spec.name}`;
  const forwarder = new LogForwarder();
  const log = createLogger(spec.name, forwarder);
  const manifests = loadManifests(manifestsDir());
  const manifest = manifests.get(spec.name);
  if (!manifest) throw new Error(`no manifest for service ${spec.name} in ${manifestsDir()}`);

  await nameResolves(nucleusAddress());
  const nucleus = connectNucleus(nucleusAddress());
  const rights = new Map<string, string>();
  let generation = 0;
  let admitted = false;
  let stopping = false;
  let control: grpc.ClientDuplexStream<ServiceReport, Directive__Output> | undefined;

  const send = (report: ServiceReport) => control?.write(report);
  forwarder.sink = (lines) => send({ logs: { lines } });

  const ctx: ServiceContext = {
    name: spec.name, manifest, manifests, log, nucleus,
    peers: undefined as unknown as Peers,
    get generation() { return generation; },
    rights,
    capability(right) {
      // The root task's root capability authorises every right.
      const handle = rights.get(right) ?? rights.get('root');
      if (!handle) throw new Error(`${spec.name} holds no capability "${right}" (not in its manifest)`);
      return handle;
    },
    header(right) {
      return { abiVersion: ABI_VERSION, capability: ctx.capability(right) };
    },
    milestone(name, subject = '', detail = '') {
      log.info({ milestone: name, subject, detail }, name);
      send({ milestone: { name, subject, detail } });
    },
    shutdown: () => exit(EXIT.SHUTDOWN, 'shutdown requested'),
    restart: (why) => exit(EXIT.RESTART, why),
  };
  (ctx as { peers: Peers }).peers = new Peers(ctx);

  // Calls on this process's endpoints must come after admission, address this
  // generation, and present a capability for the endpoint (or be its owner's).
  // A call that arrives while the admission is on its way (the nucleus registers
  // the endpoints as it admits) waits for it, for a while.
  let onAdmission!: () => void;
  const admission = new Promise<void>((resolve) => { onAdmission = resolve; });
  const untilAdmitted = () => new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), ADMISSION_WAIT_MS);
    void admission.then(() => { clearTimeout(timer); resolve(true); });
  });
  const gateFor = (endpoint: string): Gate => function gate(call, method): ReturnType<Gate> {
    if (!admitted) return untilAdmitted().then((ok) => (ok ? gate(call, method) : unavailable(`${spec.name} is not admitted yet`)));
    const target = call.metadata.get(GENERATION_KEY)[0];
    if (target !== undefined && Number(target) !== generation) {
      return stale(`${spec.name} generation ${target} is gone; this is generation ${generation}`);
    }
    const handle = call.metadata.get(CAP_KEY)[0];
    if (typeof handle !== 'string' || !handle) return denied(`${spec.name}: call to ${endpoint} carries no capability`);
    return ctx.peers.checkCapability(handle, [`use:${endpoint}`, `endpoint:${endpoint}`])
      .then((ok) => (ok ? undefined : denied(`${spec.name}: capability does not grant ${endpoint}`)));
  };

  const served = spec.serve?.(ctx) ?? [];
  for (const s of served) {
    if (!manifest.endpoints.includes(s.endpoint)) throw new Error(`${spec.name} serves ${s.endpoint}, which its manifest does not declare`);
  }
  const listen = process.env.RUSTOS_LISTEN ?? unixAddress(spec.name);
  const server: ProcessServer = await startServer(listen, served.map((s) => ({ ...s, gate: gateFor(s.endpoint) })));
  const advertise = process.env.RUSTOS_ADVERTISE
    ?? (listen.startsWith('unix:') ? listen : listen.replace(/^(0\.0\.0\.0|\[::\])/, hostname()).replace(/:0$/, `:${server.port}`));

  const exit = async (code: number, why: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ code }, `${spec.name} exiting: ${why}`);
    forwarder.flush();
    try { await spec.stop?.(ctx); } catch (err) { log.error({ err }, 'stop hook failed'); }
    server.health.setStatus('', 'NOT_SERVING');
    await server.close();
    control?.end();
    nucleus.close();
    if (!spec.embedded) setTimeout(() => process.exit(code), 20);
  };
  if (!spec.embedded) {
    process.once('SIGTERM', () => void exit(EXIT.SHUTDOWN, 'SIGTERM'));
    process.once('SIGINT', () => void exit(EXIT.SHUTDOWN, 'SIGINT'));
    watchLauncher((why) => void exit(EXIT.SHUTDOWN, why));
  }

  const onAdmitted = async ({ capabilities, env, registered }: Admitted__Output) => {
    for (const c of capabilities) rights.set(c.right, c.handle);
    Object.assign(process.env, env);
    for (const endpoint of manifest.endpoints) {
      if (registered.includes(endpoint)) continue;
      await unaryCall((cb) => nucleus.ipc.Create({ header: ctx.header(`endpoint:${endpoint}`), name: endpoint }, cb));
      await unaryCall((cb) => nucleus.ipc.Register({ header: ctx.header(`endpoint:${endpoint}`), name: endpoint, address: advertise }, cb));
    }
    admitted = true;
    onAdmission();
    await spec.start?.(ctx);
    server.health.setStatus('', 'SERVING');
    for (const s of served) server.health.setStatus(s.endpoint, 'SERVING');
    // What follows readiness waits until the ready message is on the socket: a long first
    // step (uiserver's first frame) must not hold it in this process. grpc-js calls back
    // once http2 has the message; the session writes it to the socket in the same turn's
    // immediates, so the next turn (a timer) comes after.
    control!.write({ ready: {} }, () => setTimeout(() => spec.afterReady?.(ctx), 0));
    log.info({ milestone: `${spec.name}.ready`, generation }, `${spec.name} ready`);
  };

  await new Promise<void>((resolve, reject) => {
    const attach = (attempt: number) => {
      // The nucleus may not be up yet (containers start in any order): wait for it.
      const stream = nucleus.control.Attach(new grpc.Metadata({ waitForReady: true }));
      control = stream;
      let enrolled = false;
      stream.on('data', (d: Directive__Output) => {
        switch (d.body) {
          case 'enrolled':
            enrolled = true;
            generation = d.enrolled!.generation;
            log.info({ generation }, `${spec.name} enrolled, generation ${generation}; waiting for admission`);
            // The local launcher starts the next service of a boot when this one has loaded and enrolled.
            if (!spec.embedded && process.connected) process.send?.({ enrolled: spec.name }, () => process.disconnect());
            resolve();
            break;
          case 'admitted':
            onAdmitted(d.admitted!).catch((err) => {
              log.error({ err }, `${spec.name} failed to start after admission`);
              void exit(EXIT.RESTART, `start failed: ${(err as Error).message}`);
            });
            break;
          case 'revoked':
            ctx.peers.forget(d.revoked!.handles);
            break;
          case 'peer':
            ctx.peers.onPeer(d.peer!);
            spec.onPeer?.(ctx, d.peer!);
            break;
          case 'leaseEvent':
            spec.onLease?.(ctx, d.leaseEvent!);
            break;
          case 'kill':
            log.warn(`${spec.name} killed by the nucleus: ${d.kill!.reason}`);
            if (spec.embedded) void exit(EXIT.SHUTDOWN, 'killed');
            else process.kill(process.pid, 'SIGKILL');
            break;
          case 'stop': {
            const why = d.stop!.why;
            void exit(why === 'RESTART' ? EXIT.RESTART : why === 'FAILED' ? EXIT.FAILED : EXIT.SHUTDOWN, `${why}: ${d.stop!.detail}`);
            break;
          }
        }
      });
      stream.on('error', (err: grpc.ServiceError) => {
        if (stopping) return;
        if (!enrolled && (err.code === grpc.status.UNAVAILABLE) && attempt < 600) {
          setTimeout(() => attach(attempt + 1), 50);
          return;
        }
        if (!enrolled) return reject(new Error(`${spec.name}: enrollment refused: ${err.details || err.message}`));
        log.error(`${spec.name} lost the nucleus (${err.details || err.message}): exiting`);
        void exit(EXIT.LOST_NUCLEUS, 'lost the nucleus');
      });
      stream.on('end', () => {
        if (!stopping) void exit(EXIT.LOST_NUCLEUS, 'control stream closed by the nucleus');
      });
      stream.write({ hello: { abiVersion: ABI_VERSION, name: spec.name, secret: secret(), pid: process.pid, host: hostname(), endpoint: advertise } });
    };
    attach(0);
  });
  return ctx;
}

/** For entry files: run the service, and exit with a clear message if it cannot start. */
export function main(spec: ServiceSpec): void {
  runService(spec).catch((err: Error) => {
    process.stderr.write(`${spec.name}: ${err.message}\n`);
    process.exit(EXIT.RESTART);
  });
}
