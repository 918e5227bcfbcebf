/**
 * An orderly power-off: services are told to stop in waves, users before what
 * they use (vfsd, writing /data back, before storaged; everyone before rootd),
 * then the nucleus exits. What a service uses is its `use:<endpoint>` rights. A
 * service that does not go within the grace period is simply cut off when the
 * nucleus goes, as a machine losing power would do.
 */
import type { Kernel } from './kernel.js';
import type { ServiceObject } from '../object/services.js';
import { stop } from '../object/lifecycle.js';

const GRACE_MS = 3000;

/** Names of the live services each service uses (through a `use:` right on an endpoint another one owns). */
function uses(k: Kernel, live: ServiceObject[]): Map<string, Set<string>> {
  const owner = new Map<string, string>();
  for (const s of live) for (const r of k.caps.rightsOf(s.name)) if (r.startsWith('endpoint:')) owner.set(r.slice(9), s.name);
  return new Map(live.map((s) => [s.name, new Set(k.caps.rightsOf(s.name)
    .filter((r) => r.startsWith('use:')).map((r) => owner.get(r.slice(4))).filter((o): o is string => !!o && o !== s.name))]));
}

/**
 * The next services to stop: those whose every running user is one they use in
 * turn (a cycle such as syscalld and vfsd goes together); a service used from
 * outside its cycle (storaged, used by vfsd) waits for those users.
 */
function nextWave(k: Kernel, running: ServiceObject[]): ServiceObject[] {
  const graph = uses(k, running);
  const reaches = (from: string, to: string, seen = new Set<string>()): boolean => {
    if (seen.has(from)) return false;
    seen.add(from);
    return [...graph.get(from) ?? []].some((n) => n === to || reaches(n, to, seen));
  };
  const users = (name: string) => running.filter((u) => graph.get(u.name)?.has(name)).map((u) => u.name);
  const wave = running.filter((s) => users(s.name).every((u) => reaches(s.name, u)));
  return wave.length ? wave : running;
}

export async function shutdown(k: Kernel, why: string): Promise<void> {
  if (k.shuttingDown) return;
  k.shuttingDown = true;
  k.milestones.emit({ name: 'nucleus.shutdown', detail: why });
  const live = () => k.services.all().filter((s) => s.state !== 'EXITED');
  const deadline = Date.now() + GRACE_MS;
  const told = new Set<ServiceObject>();
  const stopWave = async (wave: ServiceObject[], until: number) => {
    for (const s of wave) {
      told.add(s);
      stop(k, s, 'SHUTDOWN', why);
    }
    while (wave.some((s) => s.state !== 'EXITED') && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  };
  const untold = () => live().filter((s) => s.name !== 'rootd' && !told.has(s));
  while (untold().length && Date.now() < deadline) await stopWave(nextWave(k, untold()), deadline);
  await stopWave(untold(), deadline);   // past the grace period: told all the same, not waited for
  const rootd = k.services.live('rootd');
  if (rootd) await stopWave([rootd], deadline + 1000);
  k.devices?.close();   // the disk file is fsynced and closed
  k.milestones.emit({ name: 'nucleus.halt', detail: `${live().length} services still running` });
  k.onHalt?.();
}
