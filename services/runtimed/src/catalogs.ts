/**
 * The desktop catalog (applications: what to run, with which arguments, and
 * whether it starts with the desktop) and the registry catalog (environment and
 * settings every application inherits), read from services/runtimed/catalog/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '@rustos/platform';

export interface App {
  name: string;
  exec: string;
  args: string[];
  autostart: boolean;
  terminal: boolean;
}

export interface Catalogs {
  apps: App[];
  env: Record<string, string>;
}

export function loadCatalogs(dir = process.env.RUSTOS_CATALOGS ?? join(ROOT, 'services', 'runtimed', 'catalog')): Catalogs {
  const desktop = JSON.parse(readFileSync(join(dir, 'desktop.json'), 'utf8')) as { apps?: Partial<App>[] };
  const registry = JSON.parse(readFileSync(join(dir, 'registry.json'), 'utf8')) as { env?: Record<string, string> };
  const apps = (desktop.apps ?? []).map((a, i) => {
    if (typeof a.name !== 'string' || typeof a.exec !== 'string') throw new Error(`desktop catalog: app #${i} needs "name" and "exec"`);
    return { name: a.name, exec: a.exec, args: a.args ?? [], autostart: a.autostart === true, terminal: a.terminal === true };
  });
  return { apps, env: registry.env ?? {} };
}
