/**
 * The life of a service object, as the nucleus sees it: enrollment (a new
 * generation), admission by rootd (capabilities issued), readiness, and the end
 * of the generation (capabilities revoked, endpoints no longer live, dependants
 * and rootd told). rootd holds the policy (leases, budgets, order); this file
 * only keeps the mechanism consistent.
 */
import type { Directive } from '@rustos/platform/gen/rustos/v1/Directive.js';
import type { LeaseEvent } from '@rustos/platform/gen/rustos/v1/LeaseEvent.js';
import type { Stop__Output } from '@rustos/platform/gen/rustos/v1/Stop.js';
import type { Kernel } from '../executive/kernel.js';
import { ROOT_RIGHT, type Capability } from './capabilities.js';
import type { ServiceObject } from './services.js';

/** The root task: admitted by the nucleus's init bootstrap task, not by itself. */
export const ROOT_TASK = 'rootd';

/**
 * An admitted service's endpoints are those its grant names: the nucleus creates
 * and registers them at the address the service enrolled with, saving each
 * service two round trips per endpoint on the boot's critical path.
 */
const ENDPOINT_RIGHT = 'endpoint:';

interface LaunchWaiter {
  resolve(svc: ServiceObject): void;
}

const launchWaiters = new WeakMap<Kernel, Map<string, Set<LaunchWaiter>>>();

function waitersOf(k: Kernel): Map<string, Set<LaunchWaiter>> {
  let m = launchWaiters.get(k);
  if (!m) launchWaiters.set(k, (m = new Map()));
  return m;
}

/**
 * The last launch request for each service (who asked, with what env): a restarted
 * rootd is told of them again, or it would never re-admit a service a launcher
 * started (runtimed, uiserver) once that service restarts.
 */
interface LaunchRequest {
  requester: string;
  env: Record<string, string>;
}

const launchRequests = new WeakMap<Kernel, Map<string, LaunchRequest>>();

function launchRequestsOf(k: Kernel): Map<string, LaunchRequest> {
  let m = launchRequests.get(k);
  if (!m) launchRequests.set(k, (m = new Map()));
  return m;
}

function toRootd(k: Kernel, ev: LeaseEvent): void {
  k.services.live(ROOT_TASK)?.send({ leaseEvent: ev });
}

export function enroll(k: Kernel, name: string, pid: number, host: string, endpoint: string, send: (d: Directive) => void): ServiceObject {
  const old = k.services.live(name);
  if (old) {
    // A new process of the same name supersedes the old one (e.g. its container was
    // restarted before the old stream's end was noticed): end the old generation.
    old.send({ kill: { reason: `superseded by a new ${name} process (pid ${pid})` } });
    exited(k, old, 'superseded');
  }
  const svc = k.services.enroll(name, pid, host, endpoint, send);
  send({ enrolled: { generation: svc.generation } });
  k.milestones.emit({ name: 'nucleus.enroll', subject: name, detail: `pid ${pid} on ${host}`, pid, generation: svc.generation });
  if (name === ROOT_TASK) {
    // Init bootstrap task: the root task gets the root capability, and is told
    // about the launches asked for and every service that enrolled before it (it
    // may have been restarted).
    admit(k, svc, [ROOT_RIGHT, 'ipc'], {});
    for (const [other, { requester, env }] of launchRequestsOf(k)) send({ leaseEvent: { name: other, kind: 'LAUNCH_REQUESTED', detail: requester, env } });
    for (const other of k.services.all()) {
      if (other === svc || other.state === 'EXITED') continue;
      send({ leaseEvent: { name: other.name, generation: other.generation, kind: 'ENROLLED', pid: other.pid } });
      if (other.state === 'READY') send({ leaseEvent: { name: other.name, generation: other.generation, kind: 'READY', pid: other.pid } });
    }
  } else {
    toRootd(k, { name, generation: svc.generation, kind: 'ENROLLED', pid });
  }
  return svc;
}

export function admit(k: Kernel, svc: ServiceObject, rights: string[], env: Record<string, string>): Capability[] {
  const caps = rights.map((r) => k.caps.issue(svc.name, svc.generation, r));
  k.services.setState(svc, 'ADMITTED');
  const endpoints = rights.filter((r) => r.startsWith(ENDPOINT_RIGHT)).map((r) => r.slice(ENDPOINT_RIGHT.length));
  const registered = svc.endpoint ? endpoints.filter((name) => k.endpoints.create(name, svc.name, svc.generation) !== 'taken') : [];
  svc.send({ admitted: { generation: svc.generation, capabilities: caps, env, registered } });
  k.milestones.emit({ name: 'nucleus.admit', subject: svc.name, detail: rights.join(' '), pid: svc.pid, generation: svc.generation });
  // After the directive, so the service hears it is admitted before a caller
  // woken by the registration can reach it.
  for (const name of registered) k.endpoints.register(name, svc.name, svc.generation, svc.endpoint);
  return caps;
}

export function ready(k: Kernel, svc: ServiceObject): void {
  if (svc.state !== 'ADMITTED') return;
  k.services.setState(svc, 'READY');
  k.milestones.emit({ name: `${svc.name}.ready`, pid: svc.pid, generation: svc.generation });
  toRootd(k, { name: svc.name, generation: svc.generation, kind: 'READY', pid: svc.pid });
  k.services.broadcast({ peer: { name: svc.name, generation: svc.generation, state: 'ready' } }, svc.name);
  const waiting = waitersOf(k).get(svc.name);
  for (const w of waiting ?? []) w.resolve(svc);
  waiting?.clear();
}

/**
 * Tells a service to exit (restart, shutdown, or FAILED: do not come back). It
 * closes its server before it exits (up to a second while calls drain), so its
 * endpoints leave service now: callers wait for the next generation instead of
 * dialling a closed socket.
 */
export function stop(k: Kernel, svc: ServiceObject, why: Stop__Output['why'], detail: string): void {
  svc.expectedExit = why === 'RESTART' ? 'restart requested' : why.toLowerCase();
  svc.send({ stop: { why, detail } });
  k.endpoints.ownerExited(svc.name, svc.generation);
}

export function exited(k: Kernel, svc: ServiceObject, reason: string): void {
  if (svc.state === 'EXITED') return;
  if (svc.expectedExit) reason = `${svc.expectedExit} (${reason})`;
  k.services.setState(svc, 'EXITED', reason);
  const revoked = k.caps.revokeHolder(svc.name);
  k.endpoints.ownerExited(svc.name, svc.generation);
  k.milestones.emit({ name: 'nucleus.exit', subject: svc.name, detail: reason, pid: svc.pid, generation: svc.generation });
  if (revoked.length) k.services.broadcast({ revoked: { handles: revoked } } satisfies Directive);
  k.services.broadcast({ peer: { name: svc.name, generation: svc.generation, state: 'exited' } }, svc.name);
  // Nobody will commit what a dead generation was building.
  for (const p of k.processes.preparedBy(`${svc.name}#${svc.generation}`)) {
    p.space.destroy();
    k.processes.remove(p.pid);
  }
  if (svc.name !== ROOT_TASK) toRootd(k, { name: svc.name, generation: svc.generation, kind: 'EXITED', detail: reason, pid: svc.pid });
}

/**
 * A launcher (initd, runtimed) asks for a service: rootd decides, and the answer
 * comes when the service is ready (or the timeout passes).
 */
export function requestLaunch(k: Kernel, requester: string, name: string, env: Record<string, string>, timeoutMs: number): Promise<ServiceObject | undefined> {
  const running = k.services.live(name);
  if (running?.state === 'READY') return Promise.resolve(running);
  return new Promise((resolve) => {
    const set = waitersOf(k).get(name) ?? new Set<LaunchWaiter>();
    waitersOf(k).set(name, set);
    const w: LaunchWaiter = { resolve: (svc) => { clearTimeout(timer); set.delete(w); resolve(svc); } };
    const timer = setTimeout(() => { set.delete(w); resolve(undefined); }, timeoutMs);
    set.add(w);
    k.milestones.emit({ name: `${requester}.launch`, subject: name, detail: Object.entries(env).map(([key, v]) => `${key}=${v}`).join(' ') });
    launchRequestsOf(k).set(name, { requester, env });
    toRootd(k, { name, kind: 'LAUNCH_REQUESTED', detail: requester, env });
  });
}
