/**
 * An orderly power-off: every service is told to stop (dependants before rootd),
 * then the nucleus exits. A service that does not go within the grace period is
 * simply cut off when the nucleus goes, as a machine losing power would do.
 */
import type { Kernel } from './kernel.js';

const GRACE_MS = 3000;

export async function shutdown(k: Kernel, why: string): Promise<void> {
  if (k.shuttingDown) return;
  k.shuttingDown = true;
  k.milestones.emit({ name: 'nucleus.shutdown', detail: why });
  const live = () => k.services.all().filter((s) => s.state !== 'EXITED');
  for (const s of live().filter((s) => s.name !== 'rootd')) {
    s.expectedExit = 'shutdown';
    s.send({ stop: { why: 'SHUTDOWN', detail: why } });
  }
  const deadline = Date.now() + GRACE_MS;
  while (live().some((s) => s.name !== 'rootd') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const rootd = k.services.live('rootd');
  if (rootd) {
    rootd.expectedExit = 'shutdown';
    rootd.send({ stop: { why: 'SHUTDOWN', detail: why } });
    while (k.services.live('rootd') && Date.now() < deadline + 1000) await new Promise((r) => setTimeout(r, 20));
  }
  k.devices?.close();   // the disk file is fsynced and closed
  k.milestones.emit({ name: 'nucleus.halt', detail: `${live().length} services still running` });
  k.onHalt?.();
}
