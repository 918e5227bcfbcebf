/** The nucleus's monotonic clock: milliseconds since the nucleus started. */
import { performance } from 'node:perf_hooks';

const origin = performance.now();

export function monoMs(): number {
  return performance.now() - origin;
}
