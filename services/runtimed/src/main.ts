/**
 * runtimed — the runtime service manager.
 *
 * Responsible for: bootstrapping uiserver synchronously with the environment its
 * manifest names (every service whose launcher is runtimed, in order), loading
 * the desktop and registry catalogs, launching the autostart applications and
 * declaring `desktop.ready`; launching programs for `rustos run` with their stdio
 * attached, and reporting their exit statuses.
 *
 * Never: maps or loads executables itself (loaderd does), or holds file state
 * (sessions are vfsd's).
 */
import { Errno, main, launch, launchedBy, rustos, serveMailbox, unaryCall } from '@rustos/platform';
import type { RuntimeHandlers } from '@rustos/platform/gen/rustos/v1/Runtime.js';
import { loadCatalogs, type Catalogs } from './catalogs.js';
import { processExited, runHandler } from './launch.js';

const PROC_EXIT = 1_000_003;
let catalogs: Catalogs = { apps: [], env: {} };

main({
  name: 'runtimed',
  serve: (ctx) => [{
    endpoint: 'runtimed.launch',
    definition: rustos().Runtime.service,
    handlers: { Run: runHandler(ctx, () => catalogs) } satisfies RuntimeHandlers,
  }],
  async start(ctx) {
    catalogs = loadCatalogs();
    // The exits of the processes runtimed launched arrive in its endpoint's mailbox.
    const mailbox = serveMailbox(ctx, 'runtimed.launch', (m) => {
      if (m.op !== PROC_EXIT) return { result: -Errno.ENOSYS };
      processExited(m.args[0]!, m.args[1]!);
      return { result: 0 };
    });
    await mailbox.attached;
  },
  afterReady(ctx) {
    // A restarted runtimed finds the desktop already up: it does not declare it twice.
    // (Asked now, while the bootstrap runs: only runtimed declares it.)
    const declared = unaryCall<{ milestones: { name: string }[] }>((cb) => ctx.nucleus.milestones.List({ fromSeq: 0 }, cb))
      .then(({ milestones }) => milestones.some((m) => m.name === 'desktop.ready'));
    declared.catch(() => undefined);   // awaited below; handled there
    void (async () => {
      for (const m of launchedBy(ctx, 'runtimed')) {
        // Synchronous: the next step waits until the service is ready.
        const generation = await launch(ctx, m.name, m.env);
        ctx.milestone('runtimed.bootstrap', m.name, `generation ${generation} ready with ${Object.entries(m.env).map(([k, v]) => `${k}=${v}`).join(' ')}`);
      }
      ctx.milestone('runtimed.catalogs', '', `${catalogs.apps.length} apps, ${Object.keys(catalogs.env).length} registry settings`);
      const autostart = catalogs.apps.filter((a) => a.autostart);
      ctx.milestone('runtimed.autostart', '', autostart.length ? autostart.map((a) => a.name).join(' ') : 'no autostart apps');
      if (!(await declared)) ctx.milestone('desktop.ready');
    })().catch((err: Error) => ctx.log.error(`runtimed could not bring the desktop up: ${err.message}`));
  },
});
