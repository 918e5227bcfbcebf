/**
 * Relays an operator's call (the CLI, through Admin) to the service that owns it:
 * only the nucleus is published outside a container deployment, so `rustos run`
 * and `rustos cp` come here and are passed, stream for stream, to runtimed or
 * vfsd's endpoint with a capability the nucleus holds for itself.
 */
import { grpc, channelTo, toStatus, unavailable, CAP_KEY, GENERATION_KEY, rustos } from '@rustos/platform';
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

/** A client of `ctor` bound to the live owner of `endpoint`, and the metadata to call it with. */
export function peer<C>(k: Kernel, endpoint: string, ctor: new (address: string, creds: grpc.ChannelCredentials, options?: grpc.ClientOptions) => C): { client: C; md: grpc.Metadata } {
  const rec = k.endpoints.lookup(endpoint);
  if (!rec?.live) throw unavailable(`${endpoint} is not being served right now (its owner is starting or restarting)`);
  let channel = channels.get(rec.address);
  if (!channel) channels.set(rec.address, (channel = channelTo(rec.address)));
  const md = new grpc.Metadata();
  md.set(CAP_KEY, capabilityFor(k, endpoint));
  md.set(GENERATION_KEY, String(rec.generation));
  return { client: new ctor(rec.address, grpc.credentials.createInsecure(), { channelOverride: channel }), md };
}

/** Pipe a bidi stream from the operator to `to` and back, ending both together. */
export function relayDuplex<I, O>(from: grpc.ServerDuplexStream<I, O>, to: grpc.ClientDuplexStream<I, O>): void {
  from.on('data', (m: I) => to.write(m));
  from.on('end', () => to.end());
  from.on('cancelled', () => to.cancel());
  to.on('data', (m: O) => from.write(m));
  to.on('end', () => from.end());
  to.on('error', (err: grpc.ServiceError) => { if (err.code !== grpc.status.CANCELLED) from.emit('error', toStatus(err)); });
}

export function runRelay(k: Kernel): grpc.handleBidiStreamingCall<RunInput__Output, RunOutput> {
  return (call) => {
    try {
      const { client, md } = peer(k, 'runtimed.launch', rustos().Runtime);
      relayDuplex(call as unknown as grpc.ServerDuplexStream<unknown, unknown>, client.Run(md) as unknown as grpc.ClientDuplexStream<unknown, unknown>);
    } catch (err) {
      call.emit('error', toStatus(err));
    }
  };
}

/** `rustos cp host :/guest`: the operator's chunks go to vfsd, its answer comes back. */
export function copyInRelay(k: Kernel): grpc.handleClientStreamingCall<CopyChunk__Output, CopyReply> {
  return (call, cb) => {
    try {
      const { client, md } = peer(k, 'vfsd.files', rustos().Vfsd);
      const up = client.CopyIn(md, (err, reply) => (err ? cb(toStatus(err)) : cb(null, reply)));
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
  return (call) => {
    try {
      const { client, md } = peer(k, 'vfsd.files', rustos().Vfsd);
      const down = client.CopyOut(call.request, md);
      down.on('data', (m: CopyChunk) => call.write(m));
      down.on('end', () => call.end());
      down.on('error', (err: grpc.ServiceError) => call.emit('error', toStatus(err)));
      call.on('cancelled', () => down.cancel());
    } catch (err) {
      call.emit('error', toStatus(err));
    }
  };
}
