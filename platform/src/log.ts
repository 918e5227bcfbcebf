/**
 * pino JSON lines for every process. A line that reports a milestone carries the
 * milestone's name in `milestone`, so logs and the milestone stream read the same.
 */
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

export function createLogger(name: string, extra?: DestinationStream): Logger {
  const level = process.env.RUSTOS_LOG_LEVEL ?? 'info';
  const base = { svc: name, pid: process.pid };
  if (!extra) return pino({ level, base });
  return pino({ level, base }, pino.multistream([{ stream: process.stdout, level }, { stream: extra, level }]));
}
