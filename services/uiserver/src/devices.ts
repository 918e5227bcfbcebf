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
  input: PciInput;
  sessions: DeviceSession[];
}

export async function openUiDevices(ctx: ServiceContext): Promise<UiDevices> {
  const log = (m: string) => ctx.log.warn(m);
  const sessions: DeviceSession[] = [];
  const open = async (driver: string) => {
    const s = await openDevice(ctx, { driver });
    sessions.push(s);
    return s;
  };
  try {
    const display = await PciDisplay.open(await open('rustos-display'), log);
    const keyboard = await PciInputDevice.open(await open('rustos-keyboard'), 'keyboard', log);
    const pointer = await PciInputDevice.open(await open('rustos-pointer'), 'pointer', log);
    const injector: Injector = async (device, events) => {
      await unaryCall((cb) => ctx.nucleus.devices.InputInject({ header: ctx.header('broker.input.inject'), device, events }, cb));
    };
    return { display, input: new PciInput(keyboard, pointer, injector, display), sessions };
  } catch (err) {
    for (const s of sessions) s.close();
    throw err;
  }
}
