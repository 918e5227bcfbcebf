/**
 * IPC_* endpoint management: create, register, look up and wait for named
 * endpoints, watch them, and attach to an endpoint's mailbox (Serve).
 */
import { grpc, invalid, notFound, failed, unary, RpcError, toStatus } from '@rustos/platform';
import type { IpcHandlers } from '@rustos/platform/gen/rustos/v1/Ipc.js';
import type { MailboxReply__Output } from '@rustos/platform/gen/rustos/v1/MailboxReply.js';
import type { Kernel } from '../executive/kernel.js';
import type { EndpointRecord } from '../ipc/endpoints.js';
import { authorize, injectFaults, requireString } from './guard.js';
import { storeState } from './state.js';

const ENDPOINT = /^[a-z][a-z0-9-]*\.[a-z][a-z0-9.-]*$/;

function endpointName(name: string, what: string): string {
  requireString(name, 'name', what, 128);
  if (!ENDPOINT.test(name)) throw invalid(`${what}: "${name}" is not an endpoint name (<service>.<name>)`);
  return name;
}

export function ipcHandlers(k: Kernel): IpcHandlers {
  return {
    Create: unary(async (req) => {
      const name = endpointName(req.name, 'Ipc.Create');
      const cap = authorize(k, req.header, `endpoint:${name}`, 'Ipc.Create');
      await injectFaults(k, 'ipc.create');
      const rec = k.endpoints.create(name, cap.holder, cap.generation);
      if (rec === 'taken') throw failed(`Ipc.Create: ${name} is owned by another service`, 17);
      return rec;
    }),
    Register: unary(async (req) => {
      const name = endpointName(req.name, 'Ipc.Register');
      const cap = authorize(k, req.header, `endpoint:${name}`, 'Ipc.Register');
      requireString(req.address, 'address', 'Ipc.Register', 512);
      await injectFaults(k, 'ipc.register');
      const rec = k.endpoints.register(name, cap.holder, cap.generation, req.address);
      if (rec === 'unknown') throw notFound(`Ipc.Register: ${name} was not created`);
      if (rec === 'not-owner') throw failed(`Ipc.Register: ${name} belongs to another owner or generation`, 1);
      return rec;
    }),
    Lookup: unary(async (req) => {
      const name = endpointName(req.name, 'Ipc.Lookup');
      authorize(k, req.header, 'ipc', 'Ipc.Lookup');
      await injectFaults(k, 'ipc.lookup');
      const rec = k.endpoints.lookup(name);
      if (!rec) throw notFound(`Ipc.Lookup: no endpoint named ${name}`);
      return rec;
    }),
    WaitFor: unary(async (req) => {
      const name = endpointName(req.name, 'Ipc.WaitFor');
      authorize(k, req.header, 'ipc', 'Ipc.WaitFor');
      const timeout = Math.min(req.timeoutMs || 10_000, 600_000);
      const rec = await k.endpoints.waitFor(name, req.afterGeneration, timeout);
      if (!rec) throw new RpcError(grpc.status.DEADLINE_EXCEEDED, `Ipc.WaitFor: ${name} not live after generation ${req.afterGeneration} within ${timeout} ms`, 62);
      return rec;
    }),
    Watch(call) {
      try {
        authorize(k, call.request.header, 'ipc', 'Ipc.Watch');
      } catch (err) {
        return call.emit('error', toStatus(err));
      }
      for (const e of k.endpoints.all()) call.write(e);
      const stop = k.endpoints.watch((e: EndpointRecord) => call.write(e));
      call.on('cancelled', stop);
      call.on('close', stop);
    },
    Serve(call) {
      // First reply attaches: it names the endpoint and carries the owner's capability.
      let attached: { endpoint: string; rx: ReturnType<Kernel['mailboxes']['attach']> } | undefined;
      call.on('data', (r: MailboxReply__Output) => {
        if (attached) {
          if (r.state) {
            // Stored before the reply that follows it on this stream; a refusal is the owner's bug, logged.
            try { storeState(k, r.state, 'Ipc.Serve state'); } catch (err) { k.log.error(`${attached.endpoint}: ${(err as Error).message}`); }
          }
          if (r.id) k.mailboxes.reply(attached.rx, r);
          return;
        }
        try {
          const endpoint = endpointName(r.endpoint, 'Ipc.Serve');
          const cap = authorize(k, r.header, `endpoint:${endpoint}`, 'Ipc.Serve');
          const rx = k.mailboxes.attach(endpoint, cap.holder, cap.generation, (m) => call.write(m));
          attached = { endpoint, rx };
          call.write({ id: 0, endpoint });
        } catch (err) {
          call.emit('error', toStatus(err));
        }
      });
      const detach = () => {
        if (attached) k.mailboxes.detach(attached.endpoint, attached.rx, 'receiver detached');
        attached = undefined;
      };
      call.on('end', () => { detach(); call.end(); });
      call.on('cancelled', detach);
      call.on('close', detach);
    },
  };
}
