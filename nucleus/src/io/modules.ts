/**
 * The in-nucleus module loader for bridge drivers (the seed's .ko loader): bridge
 * modules are compiled into the nucleus and *loaded* (activated) only when driverd
 * asks through DRIVER_LOAD_MODULE; DRIVER_PROBE_ALIAS answers which loaded modules
 * bind a device's modalias. A module declares the alias patterns it binds, in
 * modalias glob syntax (modules.alias's fnmatch patterns).
 */
import { aliasMatches } from '@rustos/platform';

export interface BridgeModule {
  name: string;
  description: string;
  aliases: string[];
  /** Activate the bridge; returns what it set up (for the milestone). */
  load(): string;
}

export class ModuleLoader {
  private readonly available = new Map<string, BridgeModule>();
  private readonly loaded = new Map<string, BridgeModule>();

  /** Make a module available to load (the io part registers its bridges at boot). */
  provide(m: BridgeModule): void {
    this.available.set(m.name, m);
  }

  /** Load a module; returns undefined if no such module exists. Loading twice is a no-op. */
  load(name: string): { module: BridgeModule; detail: string } | undefined {
    const m = this.available.get(name);
    if (!m) return undefined;
    if (this.loaded.has(name)) return { module: m, detail: 'already loaded' };
    const detail = m.load();
    this.loaded.set(name, m);
    return { module: m, detail };
  }

  probe(alias: string): string[] {
    return [...this.loaded.values()].filter((m) => m.aliases.some((p) => aliasMatches(p, alias))).map((m) => m.name);
  }

  names(): string[] {
    return [...this.available.keys()].sort();
  }
}
