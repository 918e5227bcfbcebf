/**
 * runtimed — the runtime service manager.
 *
 * Responsible for: bootstrapping uiserver synchronously with the environment its
 * manifest names (every service whose launcher is runtimed, in order), loading
 * the desktop and registry catalogs, launching the autostart applications, and
 * declaring `desktop.ready`. Later: every application launch and its exit status.
 *
 * Never: maps or loads executables itself (loaderd does).
 */
import { main, launch, launchedBy, unaryCall } from '@rustos/platform';
import { loadCatalogs } from './catalogs.js';

main({
  name: 'runtimed',
  afterReady(ctx) {
    void (async () => {
      for (const m of launchedBy(ctx, 'runtimed')) {
        // Synchronous: the next step waits until the service is ready.
        const generation = await launch(ctx, m.name, m.env);
        ctx.milestone('runtimed.bootstrap', m.name, `generation ${generation} ready with ${Object.entries(m.env).map(([k, v]) => `${k}=${v}`).join(' ')}`);
      }
      const catalogs = loadCatalogs();
      ctx.milestone('runtimed.catalogs', '', `${catalogs.apps.length} apps, ${Object.keys(catalogs.env).length} registry settings`);
      const autostart = catalogs.apps.filter((a) => a.autostart);
      ctx.milestone('runtimed.autostart', '', autostart.length ? autostart.map((a) => a.name).join(' ') : 'no autostart apps');
      // A restarted runtimed finds the desktop already up: it does not declare it twice.
      const { milestones } = await unaryCall<{ milestones: { name: string }[] }>((cb) => ctx.nucleus.milestones.List({ fromSeq: 0 }, cb));
      if (!milestones.some((m) => m.name === 'desktop.ready')) ctx.milestone('desktop.ready');
    })().catch((err: Error) => ctx.log.error(`runtimed could not bring the desktop up: ${err.message}`));
  },
});
