/**
 * The DeviceBroker service: PCI access (pci.ts), device sessions
 * (device-session.ts) and input injection (broker.input.inject, uiserver's:
 * the web page's keys and pointer go into the emulated input functions and
 * come back to the driver through their rings, as a real keyboard's would).
 */
import { invalid, unary, failed } from '@rustos/platform';
import type { DeviceBrokerHandlers } from '@rustos/platform/gen/rustos/v1/DeviceBroker.js';
import type { Kernel } from '../executive/kernel.js';
import { InputError } from '../machine/devices/input.js';
import { authorize, injectFaults } from './guard.js';
import { pciHandlers, machineDevices } from './pci.js';
import { sessionHandler } from './device-session.js';

const MAX_EVENTS = 64;

export function deviceHandlers(k: Kernel): DeviceBrokerHandlers {
  return {
    ...pciHandlers(k),
    Session: sessionHandler(k),
    InputInject: unary(async (req) => {
      authorize(k, req.header, 'broker.input.inject', 'DeviceBroker.InputInject');
      if (req.device !== 'keyboard' && req.device !== 'pointer') throw invalid(`DeviceBroker.InputInject: device "${req.device}" is not keyboard or pointer`);
      if (req.events.length === 0 || req.events.length > MAX_EVENTS) throw invalid(`DeviceBroker.InputInject: ${req.events.length} events (1..${MAX_EVENTS} per call)`);
      for (const e of req.events) if (e.type > 0x1f || e.code > 0x2ff) throw invalid(`DeviceBroker.InputInject: event type ${e.type} code ${e.code} is outside evdev's ranges`);
      await injectFaults(k, 'broker.input.inject');
      const dev = machineDevices(k)[req.device];
      try {
        return { queued: dev.inject(req.events) };
      } catch (err) {
        if (err instanceof InputError) throw failed(`DeviceBroker.InputInject: ${err.message}`, 19);
        throw err;
      }
    }),
  };
}
