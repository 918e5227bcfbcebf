/**
 * Under the local launcher (RUSTOS_PARENT_PID), a process leaves when the
 * launcher vanishes (killed, crashed) instead of lingering with nobody to stop
 * it: the nucleus powers off, a service shuts down.
 */
export function watchLauncher(onGone: (why: string) => void, everyMs = 500): void {
  const parent = Number(process.env.RUSTOS_PARENT_PID);
  if (!parent) return;
  const timer = setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      clearInterval(timer);
      onGone(`launcher ${parent} is gone`);
    }
  }, everyMs);
  timer.unref();
}
