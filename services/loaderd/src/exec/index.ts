/** The exec path as a library, for the cross-service tests that drive it against a real nucleus. */
export type { ExecFile, ExecFiles } from './files.js';
export type { ProcBuilder, MapRequest, CommitRequest, PrepareRequest } from './builder.js';
export { BrokerError } from './builder.js';
export { runExec, isFailed, failureLine, type ExecResult, type ExecFailed, type LoaderDeps } from './loader.js';
export { procBroker } from './proc-broker.js';
export { machineFacts } from './machine.js';
