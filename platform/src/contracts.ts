/**
 * Loads the .proto contracts once per process. Handlers and clients are typed by
 * the types generated from the same files (src/gen, see scripts/gen-proto.mjs).
 */
import { loadSync } from '@grpc/proto-loader';
import * as grpc from '@grpc/grpc-js';
import { join } from 'node:path';
import { ROOT } from './config.js';
import type { ProtoGrpcType as NucleusProto } from './gen/nucleus.js';
import type { ProtoGrpcType as BrokersProto } from './gen/brokers.js';
import type { ProtoGrpcType as IpcProto } from './gen/ipc.js';

export const PROTO_ROOT = join(ROOT, 'proto');

/** Contract files loaded into every process (services add their own with loadContract). */
const CORE = ['rustos/v1/common.proto', 'rustos/v1/nucleus.proto', 'rustos/v1/brokers.proto', 'rustos/v1/ipc.proto'];

export const LOADER_OPTIONS = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_ROOT],
};

export function loadContract<T>(files: string[]): T {
  return grpc.loadPackageDefinition(loadSync(files, LOADER_OPTIONS)) as unknown as T;
}

type Core = NucleusProto & BrokersProto & IpcProto;
let core: Core['rustos']['v1'] | undefined;

/** The rustos.v1 package: service definitions and client constructors. */
export function rustos(): Core['rustos']['v1'] {
  core ??= loadContract<Core>(CORE).rustos.v1;
  return core;
}

/** Every proto file, for server reflection. */
export function contractFiles(): string[] {
  return CORE;
}
