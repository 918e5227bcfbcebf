/**
 * Typed clients of the nucleus's surface, all over one channel (one HTTP/2
 * connection), so brokers, IPC and control share a connection and its health.
 */
import { grpc, CHANNEL_OPTIONS } from './grpc.js';
import { rustos } from './contracts.js';
import type { ControlClient } from './gen/rustos/v1/Control.js';
import type { CapabilitiesClient } from './gen/rustos/v1/Capabilities.js';
import type { SupervisionClient } from './gen/rustos/v1/Supervision.js';
import type { MilestonesClient } from './gen/rustos/v1/Milestones.js';
import type { AdminClient } from './gen/rustos/v1/Admin.js';
import type { MmBrokerClient } from './gen/rustos/v1/MmBroker.js';
import type { ProcBrokerClient } from './gen/rustos/v1/ProcBroker.js';
import type { DriverBrokerClient } from './gen/rustos/v1/DriverBroker.js';
import type { DeviceBrokerClient } from './gen/rustos/v1/DeviceBroker.js';
import type { IpcClient } from './gen/rustos/v1/Ipc.js';
import type { StateStoreClient } from './gen/rustos/v1/StateStore.js';
import type { ProcessesClient } from './gen/rustos/v1/Processes.js';

export interface NucleusClients {
  address: string;
  channel: grpc.Channel;
  control: ControlClient;
  capabilities: CapabilitiesClient;
  supervision: SupervisionClient;
  milestones: MilestonesClient;
  admin: AdminClient;
  mm: MmBrokerClient;
  proc: ProcBrokerClient;
  driver: DriverBrokerClient;
  devices: DeviceBrokerClient;
  ipc: IpcClient;
  state: StateStoreClient;
  processes: ProcessesClient;
  close(): void;
}

export function channelTo(address: string): grpc.Channel {
  return new grpc.Channel(address, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
}

export function connectNucleus(address: string): NucleusClients {
  const v1 = rustos();
  const channel = channelTo(address);
  const opts = { channelOverride: channel };
  const creds = grpc.credentials.createInsecure();
  return {
    address,
    channel,
    control: new v1.Control(address, creds, opts),
    capabilities: new v1.Capabilities(address, creds, opts),
    supervision: new v1.Supervision(address, creds, opts),
    milestones: new v1.Milestones(address, creds, opts),
    admin: new v1.Admin(address, creds, opts),
    mm: new v1.MmBroker(address, creds, opts),
    proc: new v1.ProcBroker(address, creds, opts),
    driver: new v1.DriverBroker(address, creds, opts),
    devices: new v1.DeviceBroker(address, creds, opts),
    ipc: new v1.Ipc(address, creds, opts),
    state: new v1.StateStore(address, creds, opts),
    processes: new v1.Processes(address, creds, opts),
    close: () => channel.close(),
  };
}

/** Resolves once the channel is connected, or rejects after `timeoutMs`. */
export function waitConnected(channel: grpc.Channel, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = () => {
      const state = channel.getConnectivityState(true);
      if (state === grpc.connectivityState.READY) return resolve();
      if (Date.now() >= deadline) return reject(new Error(`no connection to ${channel.getTarget()} within ${timeoutMs} ms`));
      channel.watchConnectivityState(state, deadline, check);
    };
    check();
  });
}
