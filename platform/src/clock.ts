/**
 * The guest's clocks, the same in every process of the system: CLOCK_MONOTONIC is
 * the host's monotonic clock (process.hrtime: one kernel clock for every process
 * and container on the host), CLOCK_REALTIME the host's wall clock. syscalld
 * answers clock_gettime from here and the nucleus times absolute futex waits
 * against the same clocks.
 */
export function monotonicNs(): bigint {
  return process.hrtime.bigint();
}

export function realtimeNs(): bigint {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e3)) * 1000n;
}
