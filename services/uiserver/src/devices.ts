/**
 * uiserver's devices: the display adapter, keyboard and pointer driverd bound
 * to it, each opened as a device session and driven by the PCI drivers; host
 * input (the web page's) goes in through the input-inject broker.
 */
import { openDevice, unaryCall, type ServiceContext, type DeviceSession } from '@rustos/platform';
import { PciDisplay } from './display/pci-display.js';
import { PciInput, PciInputDevice, type Injector } from './input/pci-input.js';

export interface UiDevices {
  display: PciDisplay;
  /** The display adapter's PCI function. */
  displayBdf: string;
  input: PciInput;
  sessions: DeviceSession[];
}

export async function openUiDevices(ctx: ServiceContext): Promise<UiDevices> {
  const log = (m: string) => ctx.log.warn(m);
  const sessions: DeviceSession[] = [];
  let displayBdf = '';
  const open = async (driver: string) => {
    const s = await openDevice(ctx, { driver });
    sessions.push(s);
    return s;
  };
  // The three functions come up at once: each takes a few round trips to the nucleus.
  const [display, keyboard, pointer] = await Promise.allSettled([
    open('rustos-display').then((s) => { displayBdf = s.bdf; return PciDisplay.open(s, log); }),
    open('rustos-keyboard').then((s) => PciInputDevice.open(s, 'keyboard', log)),
    open('rustos-pointer').then((s) => PciInputDevice.open(s, 'pointer', log)),
  ]);
  if (display.status === 'rejected' || keyboard.status === 'rejected' || pointer.status === 'rejected') {
    for (const s of sessions) s.close();
    throw [display, keyboard, pointer].find((r) => r.status === 'rejected')!.reason;
  }
  const injector: Injector = async (device, events) => {
    await unaryCall((cb) => ctx.nucleus.devices.InputInject({ header: ctx.header('broker.input.inject'), device, events }, cb));
  };
  return { display: display.value, displayBdf, input: new PciInput(keyboard.value, pointer.value, injector, display.value), sessions };
}
