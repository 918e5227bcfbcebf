/**
 * Relays an operator's call (the CLI, through Admin) to the service that owns it:
 * only the nucleus is published outside a container deployment, so `rustos run`
 * and `rustos cp` come here and are passed, stream for stream, to runtimed or
 * vfsd's endpoint with a capability the nucleus holds for itself.
 */
import { grpc, channelTo, toStatus, unavailable, RpcError, CAP_KEY, ERRNO_KEY, GENERATION_KEY, rustos } from '@rustos/platform';
import type { Kernel } from '../executive/kernel.js';
import type { RunInput__Output } from '@rustos/platform/gen/rustos/v1/RunInput.js';
import type { RunOutput } from '@rustos/platform/gen/rustos/v1/RunOutput.js';
import type { CopyChunk, CopyChunk__Output } from '@rustos/platform/gen/rustos/v1/CopyChunk.js';
import type { CopyReply } from '@rustos/platform/gen/rustos/v1/CopyReply.js';
import type { CopyOutRequest__Output } from '@rustos/platform/gen/rustos/v1/CopyOutRequest.js';

const NUCLEUS = 'nucleus';
const channels = new Map<string, grpc.Channel>();

function capabilityFor(k: Kernel, endpoint: string): string {
  const right = `use:${endpoint}`;
  const existing = k.caps.all().find((c) => c.holder === NUCLEUS && c.right === right);
  return (existing ?? k.caps.issue(NUCLEUS, 0, right)).handle;
}

/**
 * How long an operator's call waits for a restarting owner to serve its endpoint
 * again: above a manifest's longest backoff (5 s) plus a start.
 */
const OWNER_WAIT_MS = 15_000;

type Ctor<C> = new (address: string, creds: grpc.ChannelCredentials, options?: grpc.ClientOptions) => C;

/**
 * A client of `ctor` bound to the live owner of `endpoint`, and the metadata to call
 * it with. An owner that is restarting (`rustos cp` right after `rustos kill vfsd`)
 * is waited for, as the seed's IPC wait-for does, up to OWNER_WAIT_MS.
 */
export async function peer<C>(k: Kernel, endpoint: string, ctor: Ctor<C>): Promise<{ client: C; md: grpc.Metadata }> {
  // An owner whose lease has FAILED is not waited for.
  const owner = k.endpoints.lookup(endpoint)?.owner ?? endpoint.split('.')[0];
  const notServed = (why: string) => unavailable(`${endpoint} is not being served: ${why}`);
  const failure = k.failure(owner);
  if (failure) throw notServed(failure);
  // Its current generation if live, else the next (which may have re-created it already).
  const rec = await k.endpoints.waitFor(endpoint, (k.endpoints.lookup(endpoint)?.generation ?? 0) - 1, OWNER_WAIT_MS);
  if (!rec) throw notServed(k.failure(owner) ?? `its owner did not come back within ${OWNER_WAIT_MS / 1000} s`);
  let channel = channels.get(rec.address);
  if (!channel) channels.set(rec.address, (channel = channelTo(rec.address)));
  const md = new grpc.Metadata();
  md.set(CAP_KEY, capabilityFor(k, endpoint));
  md.set(GENERATION_KEY, String(rec.generation));
  return { client: new ctor(rec.address, grpc.credentials.createInsecure(), { channelOverride: channel }), md };
}

/** errno of a relayed call whose owner went away in the middle of it. */
const ECONNRESET = 104;

/**
 * What the operator is told of a relayed call that failed: the owner's own answer
 * (it carries an errno) as the owner gave it, else that the owner went away.
 */
function peerFailure(endpoint: string, err: grpc.ServiceError): Partial<grpc.StatusObject> {
  if (err.metadata?.get(ERRNO_KEY).length) return { code: err.code, details: err.details, metadata: err.metadata };
  return new RpcError(grpc.status.UNAVAILABLE, `${endpoint}: the call was lost, its owner went away (${err.details || grpc.status[err.code]})`, ECONNRESET);
}

/** Pipe a bidi stream from the operator to `to` (at `endpoint`) and back, ending both together. */
export function relayDuplex<I, O>(endpoint: string, from: grpc.ServerDuplexStream<I, O>, to: grpc.ClientDuplexStream<I, O>): void {
  let operatorLeft = false;
  from.on('data', (m: I) => to.write(m));
  from.on('end', () => to.end());
  from.on('cancelled', () => { operatorLeft = true; to.cancel(); });
  to.on('data', (m: O) => from.write(m));
  to.on('end', () => from.end());
  to.on('error', (err: grpc.ServiceError) => { if (!operatorLeft) from.emit('error', peerFailure(endpoint, err)); });
}

export function runRelay(k: Kernel): grpc.handleBidiStreamingCall<RunInput__Output, RunOutput> {
  return async (call) => {
    try {
      const { client, md } = await peer(k, 'runtimed.launch', rustos().Runtime);
      if (call.cancelled) return;
      relayDuplex('runtimed.launch', call as unknown as grpc.ServerDuplexStream<unknown, unknown>, client.Run(md) as unknown as grpc.ClientDuplexStream<unknown, unknown>);
    } catch (err) {
      call.emit('error', toStatus(err));
    }
  };
}

/** `rustos cp host :/guest`: the operator's chunks go to vfsd, its answer comes back. */
export function copyInRelay(k: Kernel): grpc.handleClientStreamingCall<CopyChunk__Output, CopyReply> {
  return async (call, cb) => {
    try {
      // The operator's chunks stay buffered (the call is not read) while this waits.
      const { client, md } = await peer(k, 'vfsd.files', rustos().Vfsd);
      if (call.cancelled) return;
      const up = client.CopyIn(md, (err, reply) => (err ? cb(peerFailure('vfsd.files', err)) : cb(null, reply)));
      call.on('data', (m: CopyChunk__Output) => up.write(m));
      call.on('end', () => up.end());
      call.on('cancelled', () => up.cancel());
    } catch (err) {
      cb(toStatus(err));
    }
  };
}

/** `rustos cp :/guest host`: vfsd's chunks go back to the operator. */
export function copyOutRelay(k: Kernel): grpc.handleServerStreamingCall<CopyOutRequest__Output, CopyChunk> {
  return async (call) => {
    try {
      const { client, md } = await peer(k, 'vfsd.files', rustos().Vfsd);
      if (call.cancelled) return;
      const down = client.CopyOut(call.request, md);
      down.on('data', (m: CopyChunk) => call.write(m));
      down.on('end', () => call.end());
      down.on('error', (err: grpc.ServiceError) => call.emit('error', peerFailure('vfsd.files', err)));
      call.on('cancelled', () => down.cancel());
    } catch (err) {
      call.emit('error', toStatus(err));
    }
  };
}
