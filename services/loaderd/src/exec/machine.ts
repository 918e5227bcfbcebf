/** The machine's facts for the auxiliary vector, asked of the nucleus (Processes.Machine, right "procinfo") once. */
import { unaryCall, type ServiceContext } from '@rustos/platform';
import type { MachineInfo__Output } from '@rustos/platform/gen/rustos/v1/MachineInfo.js';
import type { MachineFacts } from './prepare.js';

export function machineFacts(ctx: ServiceContext): () => Promise<MachineFacts> {
  let cached: Promise<MachineFacts> | undefined;
  return () => {
    cached ??= unaryCall<MachineInfo__Output>((cb) => ctx.nucleus.processes.Machine({ header: ctx.header('procinfo') }, { deadline: Date.now() + 10_000 }, cb))
      .then((m) => ({ hwcap: m.hwcap, hwcap2: m.hwcap2, platform: m.platform || 'x86_64', clockTicks: m.clockTicks || 100, memoryBytes: m.ramBytes }));
    // A failed ask is asked again next time.
    cached.catch(() => { cached = undefined; });
    return cached;
  };
}
