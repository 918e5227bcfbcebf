/**
 * Boot progress: milestones as they arrive. On a terminal each one is a line with
 * its time since `up` began, with a status line below that is redrawn; otherwise
 * plain lines only.
 */
import { grpc } from '@rustos/platform';
import type { NucleusClients } from '@rustos/platform';
import type { Milestone__Output } from '@rustos/platform/gen/rustos/v1/Milestone.js';

const tty = process.stdout.isTTY === true;
const dim = (s: string) => (tty ? `\x1b[2m${s}\x1b[0m` : s);
const bold = (s: string) => (tty ? `\x1b[1m${s}\x1b[0m` : s);

export function formatMilestone(m: Milestone__Output, origin?: number): string {
  const at = origin !== undefined ? `+${((m.unixMs - origin) / 1000).toFixed(3)}s` : `${(m.monoMs / 1000).toFixed(3)}s`;
  const subject = m.subject ? ` ${m.subject}` : '';
  const detail = m.detail ? ` ${dim(m.detail)}` : '';
  const gen = m.generation ? dim(` gen ${m.generation}`) : '';
  return `${String(m.seq).padStart(4)} ${at.padStart(9)} ${bold(m.name)}${subject}${gen}${detail}`;
}

/** A boot's end, and how long it may take to get there. */
const READY = 'desktop.ready';
const BOOT_TIMEOUT_MS = 120_000;

/** Follow milestones until desktop.ready (resolves with it) or the boot deadline passes. */
export function followBoot(n: NucleusClients, origin: number, quiet = false): Promise<Milestone__Output> {
  return new Promise((resolve, reject) => {
    const stream = n.milestones.Watch({ fromSeq: 1 }, new grpc.Metadata({ waitForReady: true }), { deadline: Date.now() + BOOT_TIMEOUT_MS });
    let count = 0;
    const status = (text: string) => { if (tty && !quiet) process.stdout.write(`\r\x1b[2K${dim(text)}`); };
    stream.on('data', (m: Milestone__Output) => {
      count++;
      if (!quiet) {
        if (tty) process.stdout.write('\r\x1b[2K');
        process.stdout.write(`${formatMilestone(m, origin)}\n`);
        status(`booting… ${count} milestones, ${((Date.now() - origin) / 1000).toFixed(1)} s`);
      }
      if (m.name === READY) {
        if (tty && !quiet) process.stdout.write('\r\x1b[2K');
        stream.cancel();
        resolve(m);
      }
    });
    stream.on('error', (err: grpc.ServiceError) => {
      if (err.code === grpc.status.CANCELLED) return;
      reject(new Error(err.code === grpc.status.DEADLINE_EXCEEDED ? `no ${READY} within ${BOOT_TIMEOUT_MS / 1000} s` : err.details || err.message));
    });
  });
}
