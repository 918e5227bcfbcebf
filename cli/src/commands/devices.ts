/** `rustos devices`: the PCI functions, devmgrd's modaliases and driverd's bindings. */
import { unaryCall } from '@rustos/platform';
import type { DeviceTree__Output } from '@rustos/platform/gen/rustos/v1/DeviceTree.js';
import type { Args } from '../args.js';
import { connect } from '../endpoint.js';

export async function devices(args: Args): Promise<number> {
  const n = connect(args.flags.get('endpoint'));
  let t: DeviceTree__Output;
  try {
    t = await unaryCall<DeviceTree__Output>((cb) => n.devices.Tree({}, { deadline: Date.now() + 3000 }, cb));
  } finally {
    n.close();
  }
  if (args.flags.has('json')) {
    process.stdout.write(`${JSON.stringify(t, null, 2)}\n`);
    return 0;
  }
  const byBdf = new Map(t.devices.map((d) => [d.bdf, d]));
  const lines = t.functions.map((f) => {
    const d = byBdf.get(f.bdf);
    return [
      `${f.bdf}  ${f.description} [${f.vendor.toString(16).padStart(4, '0')}:${f.device.toString(16).padStart(4, '0')}] irq ${f.irqLine}`,
      `         modalias ${d?.modalias || '(not enumerated by devmgrd)'}`,
      `         driver   ${d?.driver ? `${d.driver} (module ${d.module})${d.service ? `, opened by ${d.service}` : ''}` : '(unbound)'}`,
    ].join('\n');
  });
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
