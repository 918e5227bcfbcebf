/**
 * The client runtime: how a service reaches another service's endpoint. It looks
 * endpoints up in the nucleus's IPC registry, keeps one channel per address, sends
 * the caller's capability and the target's generation with every call, and when a
 * peer has been restarted (stale generation, or unreachable) it refreshes the
 * endpoint and retries calls that are safe to repeat.
 */
import { grpc, isStale, unaryCall, CAP_KEY, GENERATION_KEY } from './grpc.js';
import { channelTo } from './clients.js';
import type { ServiceContext } from './service.js';
import type { PeerEvent__Output } from './gen/rustos/v1/PeerEvent.js';

export interface Resolved {
  endpoint: string;
  address: string;
  generation: number;
  owner: string;
}

type ClientCtor<C> = new (address: string, creds: grpc.ChannelCredentials, options?: grpc.ClientOptions) => C;

export class Peers {
  private readonly resolved = new Map<string, Resolved>();
  private readonly channels = new Map<string, grpc.Channel>();
  private readonly checked = new Map<string, string>();   // capability handle -> right

  constructor(private readonly ctx: ServiceContext) {}

  /** Where `endpoint` is served now (waits until a live generation has registered it). */
  async resolve(endpoint: string, afterGeneration = 0, timeoutMs = 10_000): Promise<Resolved> {
    const known = this.resolved.get(endpoint);
    if (known && known.generation > afterGeneration) return known;
    const ep = await unaryCall<{ name: string; address: string; generation: number; owner: string }>((cb) =>
      this.ctx.nucleus.ipc.WaitFor({ header: this.ctx.header('ipc'), name: endpoint, afterGeneration, timeoutMs }, cb));
    const r = { endpoint, address: ep.address, generation: ep.generation, owner: ep.owner };
    this.resolved.set(endpoint, r);
    return r;
  }

  client<C>(ctor: ClientCtor<C>, r: Resolved): C {
    let channel = this.channels.get(r.address);
    if (!channel) {
      channel = channelTo(r.address);
      this.channels.set(r.address, channel);
    }
    return new ctor(r.address, grpc.credentials.createInsecure(), { channelOverride: channel });
  }

  /** Metadata for a call to `r`: the caller's capability to use it and the generation it addresses. */
  metadata(r: Resolved): grpc.Metadata {
    const md = new grpc.Metadata();
    md.set(CAP_KEY, this.ctx.capability(`use:${r.endpoint}`));
    md.set(GENERATION_KEY, String(r.generation));
    return md;
  }

  /**
   * Call `endpoint` through `invoke`. A stale-generation answer, or an unreachable
   * peer, refreshes the endpoint; the call is repeated only if it is idempotent.
   * An unavailable peer may be a new generation still restoring its state: the
   * repeats back off (25 ms doubling to 400, under a second in all).
   */
  async call<C, Res>(endpoint: string, ctor: ClientCtor<C>,
    invoke: (client: C, md: grpc.Metadata) => Promise<Res>, opts: { idempotent: boolean; attempts?: number } = { idempotent: false }): Promise<Res> {
    let r = await this.resolve(endpoint);
    for (let attempt = 1; ; attempt++) {
      try {
        return await invoke(this.client(ctor, r), this.metadata(r));
      } catch (err) {
        const stale = isStale(err);
        if (!(stale || (err as grpc.ServiceError).code === grpc.status.UNAVAILABLE) || attempt >= (opts.attempts ?? 6)) throw err;
        this.resolved.delete(endpoint);
        r = await this.resolve(endpoint, stale ? r.generation : 0);
        if (!opts.idempotent) throw err;
        if (!stale) await new Promise((resolve) => setTimeout(resolve, Math.min(400, 25 << (attempt - 1))));
      }
    }
  }

  /** Does `handle` grant one of `rights`? Asked of the nucleus once, then cached until revoked. */
  async checkCapability(handle: string, rights: string[]): Promise<boolean> {
    let right = this.checked.get(handle);
    if (right === undefined) {
      try {
        const cap = await unaryCall<{ right: string }>((cb) =>
          this.ctx.nucleus.capabilities.Check({ header: this.ctx.header('ipc'), handle }, cb));
        right = cap.right;
      } catch (err) {
        if ((err as grpc.ServiceError).code === grpc.status.NOT_FOUND || (err as grpc.ServiceError).code === grpc.status.PERMISSION_DENIED) right = '';
        else throw err;
      }
      this.checked.set(handle, right);
    }
    return rights.includes(right);
  }

  forget(handles: string[]): void {
    for (const h of handles) this.checked.delete(h);
  }

  onPeer(ev: PeerEvent__Output): void {
    for (const [endpoint, r] of this.resolved) if (r.owner === ev.name && r.generation !== ev.generation) this.resolved.delete(endpoint);
  }
}
