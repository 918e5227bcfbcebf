/**
 * initd — Linux-style init.
 *
 * Responsible for: starting only after the foundational services (its manifest's
 * dependencies) are up, then launching the runtime service manager (every service
 * whose manifest names initd as launcher), in order.
 *
 * Never: falls back on the nucleus for bootstrap policy; launches applications
 * (runtimed does).
 */
import { main, launch, launchedBy } from '@rustos/platform';

main({
  name: 'initd',
  afterReady(ctx) {
    void (async () => {
      for (const m of launchedBy(ctx, 'initd')) {
        const generation = await launch(ctx, m.name);
        ctx.milestone('initd.launched', m.name, `generation ${generation}`);
      }
    })().catch((err: Error) => ctx.log.error(`initd could not launch: ${err.message}`));
  },
});
