/**
 * gRPC set-up shared by every process: channel options tuned for a system whose
 * peers restart (grpc-js's default reconnect backoff starts at 1 s, far above our
 * restart budget), and the error surface (status code + errno trailer).
 */
import * as grpc from '@grpc/grpc-js';
import { errnoName } from './errno.js';

export { grpc };

export const MAX_MESSAGE_BYTES = 128 * 1024 * 1024;

/** HTTP/2 receive window of every connection, both sides (server.ts widens the server's). */
export const FLOW_CONTROL_WINDOW = 16 * 1024 * 1024;

export const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.initial_reconnect_backoff_ms': 20,
  'grpc.min_reconnect_backoff_ms': 20,
  'grpc.max_reconnect_backoff_ms': 250,
  'grpc.keepalive_time_ms': 10_000,
  'grpc.keepalive_timeout_ms': 5_000,
  'grpc.keepalive_permit_without_calls': 1,
  'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
  'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  'grpc.enable_retries': 0,
  // HTTP/2's default 64 KiB receive window costs a window update per 64 KiB of a
  // reply: DMA reads, disk blocks and file contents are often a megabyte or more
  // (a 1 MiB reply between two processes: 8.3 → 5.1 ms).
  'grpc-node.flow_control_window': FLOW_CONTROL_WINDOW,
};

export const SERVER_OPTIONS: grpc.ServerOptions = {
  'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
  'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  'grpc.keepalive_permit_without_calls': 1,
  'grpc.http2.min_ping_interval_without_data_ms': 5_000,
};

/** Trailer keys of the error surface. */
export const ERRNO_KEY = 'rustos-errno';
export const ERROR_KEY = 'rustos-error';
/** The distinct error of a call addressed to a generation that no longer exists. */
export const STALE_GENERATION = 'STALE_GENERATION';
/** The ABI version every broker and IPC request carries (proto: Abi.ABI_VERSION). */
export const ABI_VERSION = 1;
/** Metadata of calls between services: the caller's capability and the generation it addresses. */
export const CAP_KEY = 'rustos-cap';
export const GENERATION_KEY = 'rustos-target-generation';

export class RpcError extends Error implements Partial<grpc.StatusObject> {
  readonly code: grpc.status;
  readonly details: string;
  readonly metadata: grpc.Metadata;

  constructor(code: grpc.status, message: string, errno?: number, kind?: string) {
    super(message);
    this.code = code;
    this.details = message;
    this.metadata = new grpc.Metadata();
    if (errno !== undefined) this.metadata.set(ERRNO_KEY, errnoName(errno));
    if (kind) this.metadata.set(ERROR_KEY, kind);
  }
}

export const invalid = (msg: string, errno = 22) => new RpcError(grpc.status.INVALID_ARGUMENT, msg, errno);
export const denied = (msg: string) => new RpcError(grpc.status.PERMISSION_DENIED, msg, 1);
export const notFound = (msg: string, errno = 2) => new RpcError(grpc.status.NOT_FOUND, msg, errno);
export const unavailable = (msg: string) => new RpcError(grpc.status.UNAVAILABLE, msg, 11);
export const failed = (msg: string, errno: number) => new RpcError(grpc.status.FAILED_PRECONDITION, msg, errno);
export const stale = (msg: string) => new RpcError(grpc.status.FAILED_PRECONDITION, msg, 116, STALE_GENERATION);

/** True when a client-side error is the stale-generation answer. */
export function isStale(err: unknown): boolean {
  const md = (err as grpc.ServiceError | undefined)?.metadata;
  return md instanceof grpc.Metadata && md.get(ERROR_KEY)[0] === STALE_GENERATION;
}

/** Wraps a unary handler so thrown RpcErrors (and bugs) become statuses, never crashes. */
export function unary<Req, Res>(fn: (req: Req, call: grpc.ServerUnaryCall<Req, Res>) => Res | Promise<Res>):
  grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    let result: Res | Promise<Res>;
    try {
      result = fn(call.request, call);
    } catch (err) {
      callback(toStatus(err));
      return;
    }
    Promise.resolve(result).then((value) => callback(null, value), (err) => callback(toStatus(err)));
  };
}

export function toStatus(err: unknown): Partial<grpc.StatusObject> {
  if (err instanceof RpcError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new RpcError(grpc.status.INTERNAL, `internal error: ${message}`);
}

/** Promise form of a unary client call: `await unaryCall((cb) => client.Lookup(req, cb))`. */
export function unaryCall<Res>(start: (cb: (err: grpc.ServiceError | null, res?: Res) => void) => unknown): Promise<Res> {
  return new Promise((resolve, reject) => {
    start((err, res) => (err ? reject(err) : resolve(res as Res)));
  });
}
