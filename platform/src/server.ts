/**
 * A process's gRPC server: the standard health service (grpc.health.v1) and server
 * reflection on every process, plus its own services behind one gate that every
 * call passes (admitted yet? right generation? a capability for this endpoint?).
 */
import type { Http2Server, ServerHttp2Session } from 'node:http2';
import { rmSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { grpc, FLOW_CONTROL_WINDOW, SERVER_OPTIONS, toStatus } from './grpc.js';
import { packageDefinition, contracts } from './contracts.js';
import { Health } from './health.js';

/** Decides whether a call may reach its handler; returns an error to refuse it. */
export type Gate = (call: { metadata: grpc.Metadata }, method: string) => Error | undefined | Promise<Error | undefined>;

export interface Served {
  definition: grpc.ServiceDefinition;
  handlers: grpc.UntypedServiceImplementation;
}

function isPromise<T>(v: T | Promise<T>): v is Promise<T> {
  return typeof (v as Promise<T>)?.then === 'function';
}

/** Wrap each method of a service so the gate runs first (synchronously when it can: hot paths). */
export function gated(served: Served, gate: Gate): grpc.UntypedServiceImplementation {
  const out: grpc.UntypedServiceImplementation = {};
  for (const [name, method] of Object.entries(served.definition)) {
    const handler = served.handlers[name] as (...args: unknown[]) => void;
    if (!handler) continue;
    const path = method.path;
    if (!method.requestStream && !method.responseStream) {
      out[name] = ((call: grpc.ServerUnaryCall<unknown, unknown>, cb: grpc.sendUnaryData<unknown>) => {
        const verdict = gate(call, path);
        const go = (err: Error | undefined) => (err ? cb(toStatus(err)) : handler(call, cb));
        if (isPromise(verdict)) verdict.then(go, (e) => cb(toStatus(e))); else go(verdict);
      }) as grpc.handleUnaryCall<unknown, unknown>;
    } else {
      out[name] = ((call: grpc.ServerWritableStream<unknown, unknown> & grpc.ServerReadableStream<unknown, unknown>, cb?: grpc.sendUnaryData<unknown>) => {
        const verdict = gate(call, path);
        const go = (err: Error | undefined) => {
          if (!err) return handler(call, cb);
          if (cb) cb(toStatus(err)); else call.emit('error', toStatus(err));
        };
        if (isPromise(verdict)) verdict.then(go, (e) => go(e as Error)); else go(verdict);
      }) as grpc.UntypedHandleCall;
    }
  }
  return out;
}

export interface ProcessServer {
  server: grpc.Server;
  health: Health;
  address: string;
  /** The port actually bound (TCP), for addresses ending in :0. */
  port: number;
  close(): Promise<void>;
}

/** Start a server with health (NOT_SERVING until told otherwise) and the given services. */
/**
 * The server's side of CHANNEL_OPTIONS' flow-control window: big requests (a
 * framebuffer present, a disk write) otherwise wait on a window update per 64 KiB
 * (a 3 MiB request between two processes: 16 → 11 ms), and small calls on the same
 * connection queue behind them. grpc-js has no server option for it, so each new
 * HTTP/2 session is widened as it opens (the http2 servers are grpc-js's own,
 * `http2Servers`, pinned by the lockfile).
 */
function widenReceiveWindows(server: grpc.Server): void {
  const http2Servers = (server as unknown as { http2Servers?: Map<Http2Server, unknown> }).http2Servers;
  for (const h of http2Servers?.keys() ?? []) {
    h.on('session', (session: ServerHttp2Session) => {
      session.settings({ initialWindowSize: FLOW_CONTROL_WINDOW });
      session.setLocalWindowSize(FLOW_CONTROL_WINDOW);
    });
  }
}

export async function startServer(listen: string, services: Array<Served & { gate?: Gate }>): Promise<ProcessServer> {
  const server = new grpc.Server(SERVER_OPTIONS);
  const health = new Health();
  health.addToServer(server);
  addLazyReflection(server);
  for (const s of services) server.addService(s.definition, s.gate ? gated(s, s.gate) : s.handlers);
  if (listen.startsWith('unix:')) {
    const path = listen.slice('unix:'.length).replace(/^\/\//, '');
    mkdirSync(dirname(path), { recursive: true });
    rmSync(path, { force: true });
  }
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(listen, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  widenReceiveWindows(server);
  return {
    server, health, address: listen, port,
    close: () => new Promise((resolve) => {
      const timer = setTimeout(() => { server.forceShutdown(); resolve(); }, 1000);
      server.tryShutdown(() => { clearTimeout(timer); resolve(); });
    }),
  };
}

/**
 * Server reflection (grpc.reflection.v1 and v1alpha) over every contract. The
 * service is registered from our own contract files at no cost; @grpc/reflection,
 * which indexes every descriptor (~170 ms of CPU per process), is loaded the first
 * time a client asks, not at every process start.
 */
const serviceName = (def: grpc.ServiceDefinition) => Object.values(def)[0]!.path.split('/')[1]!;

function addLazyReflection(server: grpc.Server): void {
  let impls: Promise<Map<string, grpc.UntypedServiceImplementation>> | undefined;
  const load = () => impls ??= Promise.all([import('@grpc/reflection'), packageDefinition()]).then(([{ ReflectionService }, pkg]) => {
    const byService = new Map<string, grpc.UntypedServiceImplementation>();
    const capture = { addService: (def: grpc.ServiceDefinition, impl: grpc.UntypedServiceImplementation) => byService.set(serviceName(def), impl) };
    new ReflectionService(pkg).addToServer(capture as unknown as grpc.Server);
    return byService;
  });
  const reflection = contracts<{ grpc: { reflection: Record<string, { ServerReflection: grpc.ServiceClientConstructor }> } }>().grpc.reflection;
  for (const version of ['v1', 'v1alpha']) {
    const definition = reflection[version]!.ServerReflection.service;
    const name = `grpc.reflection.${version}.ServerReflection`;
    server.addService(definition, {
      ServerReflectionInfo: (call: grpc.ServerDuplexStream<unknown, unknown>) => {
        call.pause();
        load().then((m) => {
          (m.get(name)!.ServerReflectionInfo as (c: typeof call) => void)(call);
          call.resume();
        }, (err: Error) => call.emit('error', toStatus(err)));
      },
    });
  }
}
