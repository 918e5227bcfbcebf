/**
 * Service manifests: the one place that says what a service may do and when it
 * comes up. rootd grants exactly the rights a manifest names; the boot order
 * follows from `launcher`, `order` and `dependencies`; nothing else hard-codes it.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

/** Who brings a service up: the nucleus's init bootstrap task (rootd only), rootd, or a service that launches it. */
export type Launcher = 'nucleus' | 'rootd' | 'initd' | 'runtimed' | 'operator';

export interface RestartPolicy {
  /** Unexpected exits tolerated within `windowMs` before the lease becomes FAILED. */
  budget: number;
  windowMs: number;
  /** Backoff for the second unexpected exit in a row; doubles each time up to maxBackoffMs. The first is restarted at once. */
  backoffMs: number;
  maxBackoffMs: number;
}

export interface Manifest {
  name: string;
  description: string;
  /** Script the platform runs for this service, relative to the repository/image root. */
  entry: string;
  launcher: Launcher;
  /** Position in the launcher's bring-up (ascending); services of one launcher come up one at a time. */
  order: number;
  dependencies: string[];
  /** Broker rights, e.g. "broker.mm", "broker.proc", "broker.driver.load_module". */
  brokers: string[];
  /** Endpoints this service owns (creates, registers and serves). */
  endpoints: string[];
  /** Endpoints of other services it calls. */
  uses: string[];
  env: Record<string, string>;
  restart: RestartPolicy;
  /** Part of the system's boot (false for operator tools). */
  autostart: boolean;
}

const LAUNCHERS: Launcher[] = ['nucleus', 'rootd', 'initd', 'runtimed', 'operator'];
export const BROKER_RIGHTS = [
  'root', 'broker.mm', 'broker.mm.section', 'broker.proc', 'broker.proc.windows_runtime',
  'broker.driver.load_module', 'broker.driver.probe_alias',
  'broker.irq', 'broker.mmio', 'broker.dma', 'broker.pci', 'broker.signal', 'broker.input.inject',
  // not brokers, but nucleus services granted the same way
  'state', 'procinfo',
];

const NAME = /^[a-z][a-z0-9-]{0,31}$/;
const ENDPOINT = /^[a-z][a-z0-9-]*\.[a-z][a-z0-9.-]*$/;

export class ManifestError extends Error {}

function strings(v: unknown, field: string, file: string, pattern?: RegExp): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || (pattern && !pattern.test(x)))) {
    throw new ManifestError(`${file}: "${field}" must be a list of ${pattern ? `names matching ${pattern}` : 'strings'}`);
  }
  return v as string[];
}

export function parseManifest(text: string, file: string): Manifest {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new ManifestError(`${file}: not JSON: ${(err as Error).message}`);
  }
  const name = raw.name;
  if (typeof name !== 'string' || !NAME.test(name)) throw new ManifestError(`${file}: "name" must match ${NAME}`);
  const launcher = raw.launcher as Launcher;
  if (!LAUNCHERS.includes(launcher)) throw new ManifestError(`${file}: "launcher" must be one of ${LAUNCHERS.join(', ')}`);
  if (typeof raw.entry !== 'string' || !raw.entry) throw new ManifestError(`${file}: "entry" is required`);
  const brokers = strings(raw.brokers, 'brokers', file);
  const unknown = brokers.filter((b) => !BROKER_RIGHTS.includes(b));
  if (unknown.length) throw new ManifestError(`${file}: unknown broker rights ${unknown.join(', ')}`);
  const r = (raw.restart ?? {}) as Partial<RestartPolicy>;
  const restart: RestartPolicy = {
    budget: r.budget ?? 5, windowMs: r.windowMs ?? 60_000, backoffMs: r.backoffMs ?? 100, maxBackoffMs: r.maxBackoffMs ?? 5_000,
  };
  if (Object.values(restart).some((n) => typeof n !== 'number' || n < 0)) throw new ManifestError(`${file}: "restart" values must be non-negative numbers`);
  const env = (raw.env ?? {}) as Record<string, string>;
  if (typeof env !== 'object' || Object.values(env).some((v) => typeof v !== 'string')) throw new ManifestError(`${file}: "env" must map names to strings`);
  return {
    name,
    description: typeof raw.description === 'string' ? raw.description : '',
    entry: raw.entry,
    launcher,
    order: typeof raw.order === 'number' ? raw.order : 100,
    dependencies: strings(raw.dependencies, 'dependencies', file, NAME),
    brokers,
    endpoints: strings(raw.endpoints, 'endpoints', file, ENDPOINT),
    uses: strings(raw.uses, 'uses', file, ENDPOINT),
    env,
    restart,
    autostart: raw.autostart !== false,
  };
}

/** Every `<dir>/<service>/manifest.json`, checked for consistency (dependencies and launchers exist). */
export function loadManifests(dir: string): Map<string, Manifest> {
  const all = new Map<string, Manifest>();
  for (const entry of readdirSync(dir)) {
    const file = join(dir, entry, 'manifest.json');
    if (!existsSync(file)) continue;
    const m = parseManifest(readFileSync(file, 'utf8'), file);
    if (all.has(m.name)) throw new ManifestError(`${file}: duplicate service name ${m.name}`);
    all.set(m.name, m);
  }
  for (const m of all.values()) {
    for (const d of m.dependencies) if (!all.has(d)) throw new ManifestError(`${m.name}: depends on unknown service ${d}`);
    if (['initd', 'runtimed'].includes(m.launcher) && !all.has(m.launcher)) throw new ManifestError(`${m.name}: launcher ${m.launcher} has no manifest`);
  }
  return all;
}

/** Every right a service receives at admission: its brokers, its endpoints, the endpoints it uses, and launch rights. */
export function rightsOf(m: Manifest, all: Map<string, Manifest>): string[] {
  const rights = new Set<string>(['ipc', ...m.brokers]);
  for (const e of m.endpoints) rights.add(`endpoint:${e}`);
  for (const e of m.uses) rights.add(`use:${e}`);
  for (const other of all.values()) if (other.launcher === m.name) rights.add(`launch:${other.name}`);
  return [...rights].sort();
}
