/**
 * rootd — the root task, modelled after an seL4 initial task and MINIX 3's
 * reincarnation server.
 *
 * Responsible for: admitting every service in the order its manifest gives
 * (launcher, order, dependencies), granting each exactly the capabilities its
 * manifest names, holding a lease per service, and re-admitting a restarted
 * service with fresh capabilities within its restart budget and backoff.
 *
 * Never: blocks on a service it supervises (every call it makes goes to the
 * nucleus, with a deadline); executes a restart itself (the platform — the local
 * launcher or Docker's restart policy — re-executes processes; rootd is the
 * authority that re-admits them); grants a right no manifest names.
 */
import { main, unaryCall, rustos, type ServiceContext } from '@rustos/platform';
import type { RootdHandlers } from '@rustos/platform/gen/rustos/v1/Rootd.js';
import type { LeaseEvent__Output } from '@rustos/platform/gen/rustos/v1/LeaseEvent.js';
import { LeaseBook, type Transition } from './leases.js';

let book: LeaseBook | undefined;
let started = false;
let wakeup: NodeJS.Timeout | undefined;
let reportTimer: NodeJS.Timeout | undefined;
const queued: LeaseEvent__Output[] = [];

const deadline = () => ({ deadline: Date.now() + 5000 });

function note(ctx: ServiceContext, t: Transition): void {
  ctx.milestone('rootd.lease', t.name, `${t.from} -> ${t.to} (${t.why})`);
}

function report(ctx: ServiceContext): void {
  if (!started) return;
  reportTimer ??= setTimeout(() => {
    reportTimer = undefined;
    ctx.nucleus.supervision.ReportLeases({ header: ctx.header('root'), leases: book!.table() }, deadline(), (err) => {
      if (err) ctx.log.warn(`lease report failed: ${err.message}`);
    });
  }, 5);
}

function stop(ctx: ServiceContext, name: string, generation: number, why: 'FAILED', detail: string): void {
  ctx.nucleus.supervision.Stop({ header: ctx.header('root'), name, generation, stop: { why, detail } }, deadline(), (err) => {
    if (err) ctx.log.warn(`stop ${name} failed: ${err.message}`);
  });
}

function handle(ctx: ServiceContext, ev: LeaseEvent__Output): void {
  const b = book!;
  switch (ev.kind) {
    case 'ENROLLED': {
      const verdict = b.enrolled(ev.name, ev.generation);
      if (verdict === 'unknown') {
        ctx.log.warn(`${ev.name} enrolled but no manifest names it: refused`);
        stop(ctx, ev.name, ev.generation, 'FAILED', 'no manifest names this service');
      } else if (verdict === 'failed') {
        stop(ctx, ev.name, ev.generation, 'FAILED', 'restart budget exhausted');
      }
      break;
    }
    case 'READY':
      b.ready(ev.name, ev.generation);
      break;
    case 'EXITED':
      for (const t of b.exited(ev.name, ev.generation, ev.detail)) note(ctx, t);
      break;
    case 'LAUNCH_REQUESTED': {
      const verdict = b.launchRequested(ev.name, ev.detail, ev.env);
      if (verdict !== 'ok') ctx.log.warn(`launch of ${ev.name} by ${ev.detail} refused: ${verdict}`);
      break;
    }
  }
}

/** Admit whoever may be admitted now; called after every event and at backoff expiry. */
function pump(ctx: ServiceContext): void {
  if (!started) return;
  const b = book!;
  const now = b.now();
  for (const a of b.admissible(now)) {
    const t = b.admitted(a.name, a.generation);
    ctx.nucleus.supervision.Admit({ header: ctx.header('root'), name: a.name, generation: a.generation, rights: a.rights, env: a.env }, deadline(), (err) => {
      if (err) ctx.log.warn(`admission of ${a.name} generation ${a.generation} failed: ${err.message}`);
      else note(ctx, t);
    });
  }
  clearTimeout(wakeup);
  const at = b.nextWakeup(now);
  if (at !== undefined) wakeup = setTimeout(() => pump(ctx), Math.max(0, at - Date.now()));
  report(ctx);
}

main({
  name: 'rootd',
  serve: () => [{
    endpoint: 'rootd.supervisor',
    definition: rustos().Rootd.service,
    handlers: { Leases: (_call, cb) => cb(null, { leases: book?.table() ?? [] }) } satisfies RootdHandlers,
  }],
  onLease(ctx, ev) {
    book ??= new LeaseBook(ctx.manifests);
    if (!started) {
      queued.push(ev);
      return;
    }
    handle(ctx, ev);
    pump(ctx);
  },
  async start(ctx) {
    book ??= new LeaseBook(ctx.manifests);
    ctx.log.info(`rootd holds ${book.leases.size} leases`);
    await unaryCall((cb) => ctx.nucleus.supervision.ReportLeases({ header: ctx.header('root'), leases: book!.table() }, cb));
  },
  async stop() {
    started = false;
    clearTimeout(wakeup);
    clearTimeout(reportTimer);
  },
  // Admissions begin once rootd itself is ready, so rootd.ready precedes them.
  afterReady(ctx) {
    started = true;
    for (const ev of queued.splice(0)) handle(ctx, ev);
    pump(ctx);
  },
});
