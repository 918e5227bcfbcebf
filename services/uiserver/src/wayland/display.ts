/**
 * wl_display (sync, get_registry) and wl_registry (the globals, bind with
 * interface and version checks), and wl_callback (no requests).
 */
import type { Implementation, Resource } from './resource.js';
import type { Global } from './server.js';

export function displayImplementations(globals: () => readonly Global[], now: () => number): Record<string, Implementation> {
  return {
    wl_display: {
      sync(_d: Resource, callback: Resource) {
        callback.send('done', now());
        callback.client.destroy(callback);
      },
      get_registry(_d: Resource, registry: Resource) {
        for (const g of globals()) registry.send('global', g.name, g.iface, g.version);
      },
    },
    wl_registry: {
      bind(registry: Resource, name: number, iface: string | null, version: number, id: number) {
        const g = globals().find((x) => x.name === name);
        if (!g) throw registry.client.display.error('invalid_object', `invalid global ${name}`);
        if (iface !== g.iface) throw registry.client.display.error('invalid_object', `invalid interface for global ${name}: have ${iface}, wanted ${g.iface}`);
        if (version < 1 || version > g.version) throw registry.client.display.error('invalid_object', `invalid version for global ${g.iface} (${name}): have ${version}, wanted 1..${g.version}`);
        g.bind(registry.client.create(id, g.iface, version));
      },
    },
  };
}
