/**
 * Loads the contracts (every .proto under proto/) once per process, from the JSON
 * descriptor the build writes next to this file (scripts/gen-proto.mjs): parsing
 * the .proto text at every process start costs ~5x more. Handlers and clients are
 * typed by the types generated from the same files (src/gen).
 */
import { fromJSON, type PackageDefinition } from '@grpc/proto-loader';
import * as grpc from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProtoGrpcType as NucleusProto } from './gen/nucleus.js';
import type { ProtoGrpcType as BrokersProto } from './gen/brokers.js';
import type { ProtoGrpcType as IpcProto } from './gen/ipc.js';
import type { ProtoGrpcType as HealthProto } from './gen/health.js';

export const LOADER_OPTIONS = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
};

type Contracts = NucleusProto & BrokersProto & IpcProto & HealthProto;
let definition: PackageDefinition | undefined;
let loaded: Contracts | undefined;

/** The package definition of every contract (for server reflection). */
export function packageDefinition(): PackageDefinition {
  if (!definition) {
    const file = join(fileURLToPath(new URL('.', import.meta.url)), 'contracts.json');
    const { root } = JSON.parse(readFileSync(file, 'utf8')) as { root: Record<string, unknown> };
    definition = fromJSON(root, LOADER_OPTIONS);
  }
  return definition;
}

/** Every contract: service definitions and client constructors, by package. */
export function contracts<T = Contracts>(): T {
  loaded ??= grpc.loadPackageDefinition(packageDefinition()) as unknown as Contracts;
  return loaded as unknown as T;
}

/** The rustos.v1 package. */
export function rustos(): Contracts['rustos']['v1'] {
  return contracts().rustos.v1;
}
