/**
 * The differential suite against a local system booted once for this file (every
 * service its own process), or against the system at RUSTOS_SUITE_ENDPOINT (e.g. a
 * `docker compose up` one: RUSTOS_SUITE_ENDPOINT=127.0.0.1:7700).
 */
import { LocalSystem } from '../local/system.js';
import { defineSuite } from './suite.js';
import { endpointTarget, localTarget } from './guest.js';

const endpoint = process.env.RUSTOS_SUITE_ENDPOINT;
let local: LocalSystem | undefined;

defineSuite({
  async connect() {
    if (endpoint) return endpointTarget(endpoint);
    local = await LocalSystem.boot();
    return localTarget(local.env);
  },
  async release() {
    await local?.down();
  },
});
