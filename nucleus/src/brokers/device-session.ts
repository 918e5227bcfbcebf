/**
 * The device session (broker.mmio, broker.irq, broker.dma): one ordered
 * stream per opened device, for the userspace driver driverd bound it to. The
 * first request opens the device (enabling memory space and bus mastering, as
 * pci_enable_device does); then MMIO on its BARs, DMA windows granted to this
 * session only (the device's DMA and the driver's reads are confined to them),
 * and its interrupt. Every refused request is answered in-band with an errno
 * and the reason; the stream, the device and the nucleus carry on. Closing the
 * stream (or the driver dying) releases the device, its windows and its pin.
 */
import { grpc, RpcError } from '@rustos/platform';
import type { DeviceRequest__Output } from '@rustos/platform/gen/rustos/v1/DeviceRequest.js';
import type { DeviceReply } from '@rustos/platform/gen/rustos/v1/DeviceReply.js';
import type { Kernel } from '../executive/kernel.js';
import { CMD_BUS_MASTER, CMD_MEMORY } from '../machine/pci/config-space.js';
import { DmaDomain, DmaError } from '../machine/devices/dma.js';
import { DeviceAccessError, type PciDevice } from '../machine/devices/pci-device.js';
import { ConfigAccessError } from '../machine/pci/bus.js';
import type { Capability } from '../object/capabilities.js';
import { authorize } from './guard.js';
import { machineDevices } from './pci.js';

const EPERM = 1, EIO = 5, EBADF = 9, EFAULT = 14, EBUSY = 16, ENODEV = 19, EINVAL = 22;

class SessionError extends Error {
  constructor(readonly errno: number, message: string) { super(message); }
}

interface Open { bdf: string; device: PciDevice; holder: Capability; dma: DmaDomain; subscribed: boolean; closed: boolean; interrupt: (vector: number) => void; close(): void }

/** The open sessions by BDF: one driver per device at a time. */
export class DeviceSessions {
  readonly open = new Map<string, Open>();
}

export function sessionHandler(k: Kernel): grpc.handleBidiStreamingCall<DeviceRequest__Output, DeviceReply> {
  return (call) => {
    let s: Open | undefined;
    const reply = (r: DeviceReply) => { if (!call.writableEnded) call.write(r); };
    const run = (req: DeviceRequest__Output): DeviceReply => {
      if (req.op === 'open') {
        if (s) throw new SessionError(EBUSY, `this session already holds ${s.bdf}`);
        s = open(k, req, (vector) => reply({ id: 0, interrupt: vector }));
        return { id: req.id, bdf: s.bdf };
      }
      if (!s) throw new SessionError(EINVAL, `${req.op ?? 'a request with no operation'} before open: the first request must open a device`);
      if (s.closed) throw new SessionError(EBADF, `${s.bdf} was released (a newer generation of ${s.holder.holder} opened it)`);
      return { id: req.id, ...operate(k, s, req) };
    };
    call.on('data', (req: DeviceRequest__Output) => {
      try {
        reply(run(req));
      } catch (err) {
        if (err instanceof RpcError && err.code === grpc.status.PERMISSION_DENIED) {
          reply({ id: req.id, errno: EPERM, message: err.details });
        } else {
          const errno = err instanceof SessionError ? err.errno : err instanceof DmaError ? EFAULT : err instanceof DeviceAccessError || err instanceof ConfigAccessError ? EINVAL : err instanceof RpcError && err.code === grpc.status.INVALID_ARGUMENT ? EINVAL : EIO;
          if (errno === EIO) k.log.error({ err }, `device session ${s?.bdf ?? ''}: ${(err as Error).message}`);
          reply({ id: req.id, errno, message: err instanceof RpcError ? err.details : (err as Error).message });
        }
      }
    });
    const end = () => { s?.close(); s = undefined; };
    call.on('end', () => { end(); call.end(); });
    call.on('cancelled', end);
    call.on('error', end);
    call.on('close', end);
  };
}

function open(k: Kernel, req: DeviceRequest__Output, interrupt: (vector: number) => void): Open {
  const holder = authorize(k, req.header, 'broker.mmio', 'DeviceBroker.Session open');
  const o = req.open!;
  const d = machineDevices(k);
  const binding = o.bdf ? k.bindings.get(o.bdf) : k.bindings.find(holder.holder, o.driver, o.index);
  const bdf = o.bdf || binding?.bdf;
  if (!bdf) throw new SessionError(ENODEV, `no device bound to driver "${o.driver}" (#${o.index}) for ${holder.holder}: driverd has not bound one`);
  const device = d.pciDevice(bdf);
  if (!binding || binding.service !== holder.holder) {
    throw new SessionError(EPERM, `${bdf} (${device.description}) is ${binding ? `bound to driver ${binding.driver} for ${binding.service || 'no userspace driver'}` : 'bound to no driver'}; ${holder.holder} may not open it`);
  }
  const held = k.deviceSessions.open.get(bdf);
  if (held) {
    // A new generation of the same driver takes over from its dead predecessor.
    if (held.holder.holder !== holder.holder || held.holder.generation >= holder.generation) throw new SessionError(EBUSY, `${bdf} is open by ${held.holder.holder} generation ${held.holder.generation}`);
    held.close();
  }
  const dma = new DmaDomain(k.ram, k.frames, `${holder.holder} generation ${holder.generation} (${bdf})`);
  device.detach();
  device.dma = dma;
  device.config.write(0x04, 2, device.config.command | CMD_MEMORY | CMD_BUS_MASTER);
  const s: Open = {
    bdf, device, holder, dma, subscribed: false, closed: false, interrupt,
    close: () => {
      if (s.closed) return;
      s.closed = true;
      if (s.subscribed) d.irq.unroute(device.irqPin);
      device.detach();
      device.config.write(0x04, 2, device.config.command & ~(CMD_MEMORY | CMD_BUS_MASTER));
      dma.release();
      if (k.deviceSessions.open.get(bdf) === s) k.deviceSessions.open.delete(bdf);
      k.milestones.emit({ name: 'io.device.close', subject: bdf, detail: `${holder.holder} released ${device.description}` });
    },
  };
  k.deviceSessions.open.set(bdf, s);
  k.milestones.emit({ name: 'io.device.open', subject: bdf, detail: `${holder.holder} generation ${holder.generation} opened ${device.description} (driver ${binding.driver})` });
  return s;
}

function operate(k: Kernel, s: Open, req: DeviceRequest__Output): Omit<DeviceReply, 'id'> {
  const d = machineDevices(k);
  switch (req.op) {
    case 'mmioRead': {
      const a = req.mmioRead!;
      return { value: s.device.mmioRead(a.bar, a.offset, a.size || 4) };
    }
    case 'mmioWrite': {
      const a = req.mmioWrite!;
      s.device.mmioWrite(a.bar, a.offset, a.value, a.size || 4);
      return {};
    }
    case 'mmioWriteBlock': {
      const a = req.mmioWriteBlock!;
      s.device.mmioWriteBlock(a.bar, a.offset, a.data, a.rowBytes, a.stride);
      return {};
    }
    case 'dmaAlloc': {
      authorize(k, req.header, 'broker.dma', 'DeviceBroker.Session dma_alloc');
      const w = s.dma.allocate(req.dmaAlloc!.length);
      return { address: w.address, length: w.length };
    }
    case 'dmaRead': {
      const a = req.dmaRead!;
      return { data: s.dma.read(a.address, a.length) };
    }
    case 'dmaWrite': {
      const a = req.dmaWrite!;
      s.dma.write(a.address, a.data);
      return {};
    }
    case 'irqSubscribe': {
      authorize(k, req.header, 'broker.irq', 'DeviceBroker.Session irq_subscribe');
      s.subscribed = true;
      return { value: d.irq.route(s.device.irqPin, s.interrupt) };
    }
    case 'irqAck': {
      if (!s.subscribed) throw new SessionError(EINVAL, `irq_ack on ${s.bdf} without irq_subscribe`);
      d.irq.eoi(s.device.irqPin);
      return {};
    }
    default:
      throw new SessionError(EINVAL, `unknown device operation ${String(req.op)}`);
  }
}
