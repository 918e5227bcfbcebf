/**
 * Loads a CommonJS bundle through V8 with a code cache kept next to it
 * (`<bundle>.v8cache`), so a process does not recompile the same megabyte of
 * JavaScript each time it starts: this system starts a dozen processes at boot and
 * one at every restart. A missing or rejected cache (another Node binary) only
 * costs the compile; the process then writes a fresh one once it has warmed up,
 * so the functions it actually ran are in it. V8 checks only the source's length
 * against a cache, so the cache starts with a digest of the bundle it belongs to:
 * a rebuilt bundle of the same length must not run the old one's code.
 */
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { isAscii } from 'node:buffer';
import { Script } from 'node:vm';
import Module from 'node:module';
import { dirname } from 'node:path';

// Long enough for a process to have started (a boot takes ~2 s); a short-lived one
// (a boot followed at once by `rustos down`) must still leave its cache behind.
const WARM_UP_MS = 1000;

export function loadBundle(file: string, parent: NodeModule): unknown {
  const cacheFile = `${file}.v8cache`;
  // Digest the bytes: a string would be encoded back to UTF-8 first (a few ms a megabyte).
  const bytes = readFileSync(file);
  const digest = createHash('sha1').update(bytes).digest();
  // The bundles are ASCII (scripts/bundle.mjs): latin1 decodes them without UTF-8's checks.
  const source = bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
  let cachedData: Buffer | undefined;
  try {
    const saved = readFileSync(cacheFile);
    if (saved.subarray(0, digest.length).equals(digest)) cachedData = saved.subarray(digest.length);
  } catch {
    cachedData = undefined;
  }
  const script = new Script(Module.wrap(source), { filename: file, cachedData });
  const mod = new Module(file, parent);
  mod.filename = file;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(file));
  const wrapper = script.runInThisContext() as (e: unknown, r: NodeRequire, m: NodeModule, f: string, d: string) => void;
  wrapper.call(mod.exports, mod.exports, ((id: string) => mod.require(id)) as NodeRequire, mod, file, dirname(file));
  mod.loaded = true;
  if (!cachedData || script.cachedDataRejected) {
    setTimeout(() => {
      try {
        const tmp = `${cacheFile}.${process.pid}`;
        writeFileSync(tmp, Buffer.concat([digest, script.createCachedData()]));
        renameSync(tmp, cacheFile);
      } catch {
        // A read-only tree just goes without a cache.
      }
    }, WARM_UP_MS).unref();
  }
  return mod.exports;
}
