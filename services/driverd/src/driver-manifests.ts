/**
 * Driver manifests: data files (any in the directory RUSTOS_DRIVER_MANIFESTS
 * names, tried first, then drivers/*.json) saying which module binds which modalias
 * patterns — glob patterns as in Linux's modules.alias — and which service
 * drives the device from userspace. A bad file is reported and skipped.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { aliasMatches } from '@rustos/platform';

export interface DriverManifest {
  name: string;
  description: string;
  module: string;
  /** The userspace driver that may open a bound device ("" for a bridge-only driver). */
  service: string;
  aliases: string[];
  file: string;
}

export function loadDriverManifests(dirs: string[], report: (msg: string) => void): DriverManifest[] {
  const out: DriverManifest[] = [];
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
      const file = join(dir, f);
      try {
        const m = JSON.parse(readFileSync(file, 'utf8')) as Partial<DriverManifest>;
        for (const k of ['name', 'module'] as const) if (typeof m[k] !== 'string' || !m[k]) throw new Error(`"${k}" must be a non-empty string`);
        if (!Array.isArray(m.aliases) || !m.aliases.length || m.aliases.some((a) => typeof a !== 'string')) throw new Error('"aliases" must be a non-empty list of patterns');
        out.push({ name: m.name!, description: m.description ?? '', module: m.module!, service: m.service ?? '', aliases: m.aliases, file });
      } catch (err) {
        report(`driver manifest ${file}: ${(err as Error).message}; skipped`);
      }
    }
  }
  return out;
}

export function matchDrivers(manifests: DriverManifest[], modalias: string): DriverManifest[] {
  return manifests.filter((m) => m.aliases.some((p) => aliasMatches(p, modalias)));
}
