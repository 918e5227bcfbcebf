/**
 * Control.Attach: a service's lifeline. The first report must be `hello` (ABI
 * version, manifest name, the platform secret); the stream then carries the
 * service's readiness, milestones and logs up, and the nucleus's directives down.
 * When the stream breaks, the generation is over.
 */
import { grpc, ABI_VERSION, invalid, denied, toStatus } from '@rustos/platform';
import type { ControlHandlers } from '@rustos/platform/gen/rustos/v1/Control.js';
import type { ServiceReport__Output } from '@rustos/platform/gen/rustos/v1/ServiceReport.js';
import type { Directive } from '@rustos/platform/gen/rustos/v1/Directive.js';
import type { Kernel } from '../executive/kernel.js';
import { enroll, exited, ready } from '../object/lifecycle.js';
import type { ServiceObject } from '../object/services.js';
import { requireString } from './guard.js';

const NAME = /^[a-z][a-z0-9-]{0,31}$/;

function whenAccepting(k: Kernel): Promise<void> {
  if (k.accepting) return Promise.resolve();
  return new Promise((resolve) => {
    const stop = k.milestones.watch(() => {
      if (k.accepting) { stop(); resolve(); }
    });
  });
}

export function controlHandlers(k: Kernel): ControlHandlers {
  return {
    Attach(call) {
      let svc: ServiceObject | undefined;
      let closed = false;
      const send = (d: Directive) => {
        if (!closed) call.write(d);
      };
      const refuse = (err: Error) => {
        closed = true;
        call.emit('error', toStatus(err));
      };
      const finish = (reason: string) => {
        if (closed && !svc) return;
        closed = true;
        if (svc) exited(k, svc, reason);
        svc = undefined;
      };

      call.on('data', (r: ServiceReport__Output) => {
        if (!svc) {
          if (r.body !== 'hello' || !r.hello) return refuse(invalid('control: the first report must be hello'));
          const h = r.hello;
          try {
            if (h.abiVersion !== ABI_VERSION) throw invalid(`control: ABI version ${h.abiVersion} is not supported (this nucleus speaks ${ABI_VERSION})`);
            requireString(h.name, 'name', 'control hello', 32);
            if (!NAME.test(h.name)) throw invalid(`control: "${h.name}" is not a service name`);
            if (h.endpoint.length > 512) throw invalid('control: hello.endpoint is longer than 512 characters');
            if (h.secret !== k.config.secret) {
              k.count('denied');
              k.log.warn({ name: h.name, pid: h.pid }, `enrollment of ${h.name} refused: wrong secret`);
              throw denied(`control: enrollment of ${h.name} refused: wrong platform secret`);
            }
          } catch (err) {
            return refuse(err as Error);
          }
          if (k.shuttingDown) return refuse(new Error('the system is shutting down'));
          void whenAccepting(k).then(() => {
            if (!closed) svc = enroll(k, h.name, h.pid, h.host, h.endpoint, send);
          });
          return;
        }
        switch (r.body) {
          case 'ready':
            ready(k, svc);
            break;
          case 'milestone':
            try {
              k.milestones.emit({ name: r.milestone!.name, subject: r.milestone!.subject, detail: r.milestone!.detail, pid: svc.pid, generation: svc.generation });
            } catch (err) {
              k.log.warn({ svc: svc.name }, (err as Error).message);
            }
            break;
          case 'logs':
            k.logs.append(svc.name, r.logs!.lines);
            break;
        }
      });
      call.on('end', () => { finish('stream closed'); call.end(); });
      call.on('cancelled', () => finish('connection lost'));
      call.on('error', (err: grpc.ServiceError) => finish(`stream error: ${err.message}`));
      call.on('close', () => finish('connection closed'));
    },
  };
}
