/**
 * Boot progress: milestones as they arrive. On a terminal each one is a line with
 * its time since `up` began, with a status line below that is redrawn; otherwise
 * plain lines only. No gRPC here: `up --detach` prints the launcher's milestones
 * without loading it.
 */
import type { Milestone__Output } from '@rustos/platform/gen/rustos/v1/Milestone.js';
import { BOOT_DONE } from './launcher.js';

const tty = process.stdout.isTTY === true;
const dim = (s: string) => (tty ? `\x1b[2m${s}\x1b[0m` : s);
const bold = (s: string) => (tty ? `\x1b[1m${s}\x1b[0m` : s);

type Shown = Pick<Milestone__Output, 'seq' | 'name' | 'subject' | 'detail' | 'generation' | 'unixMs'> & { monoMs?: number };

export function formatMilestone(m: Shown, origin?: number): string {
  const at = origin !== undefined ? `+${((m.unixMs - origin) / 1000).toFixed(3)}s` : `${((m.monoMs ?? 0) / 1000).toFixed(3)}s`;
  const subject = m.subject ? ` ${m.subject}` : '';
  const detail = m.detail ? ` ${dim(m.detail)}` : '';
  const gen = m.generation ? dim(` gen ${m.generation}`) : '';
  return `${String(m.seq).padStart(4)} ${at.padStart(9)} ${bold(m.name)}${subject}${gen}${detail}`;
}

/** How long a boot may take to reach desktop.ready. */
export const BOOT_TIMEOUT_MS = 120_000;

/** Shows a boot's milestones as they come (nothing when quiet). */
export class BootProgress {
  private count = 0;

  constructor(private readonly origin: number, private readonly quiet: boolean) {}

  show(m: Shown): void {
    if (this.quiet) return;
    this.count++;
    if (tty) process.stdout.write('\r\x1b[2K');
    process.stdout.write(`${formatMilestone(m, this.origin)}\n`);
    if (tty) process.stdout.write(`\r\x1b[2K${dim(`booting… ${this.count} milestones, ${((Date.now() - this.origin) / 1000).toFixed(1)} s`)}`);
  }

  /** The boot is over: clear the status line. */
  end(): void {
    if (tty && !this.quiet) process.stdout.write('\r\x1b[2K');
  }
}

/** `ready`, unless `gone` settles first or the boot deadline passes. */
export function withinBoot<T>(ready: Promise<T>, gone: Promise<never>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${BOOT_DONE} within ${BOOT_TIMEOUT_MS / 1000} s`)), BOOT_TIMEOUT_MS);
    timer.unref();
  });
  return Promise.race([ready, gone, late]).finally(() => clearTimeout(timer));
}
