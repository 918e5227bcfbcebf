// Helpers shared by the project's scripts (build, start, test, bench): run a
// command visibly, and make sure dependencies are installed and the tree is built.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

export function must(cmd, args, opts) {
  const status = run(cmd, args, opts);
  if (status !== 0) {
    console.error(`${cmd} ${args.join(' ')} failed with status ${status}`);
    process.exit(status);
  }
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Install dependencies when node_modules is missing or older than the lockfile. */
export function ensureInstalled() {
  const marker = join(ROOT, 'node_modules', '.package-lock.json');
  const lock = join(ROOT, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  console.log('installing dependencies (npm ci)…');
  must(npm, ['ci', '--no-audit', '--no-fund']);
}

export function build() {
  ensureInstalled();
  must(process.execPath, [join(ROOT, 'platform', 'scripts', 'gen-proto.mjs')]);
  must(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-b']);
  must(process.execPath, [join(ROOT, 'scripts', 'bundle.mjs')]);
  // The guest's root filesystem (build/rootfs), which vfsd mounts as `/`.
  must(process.execPath, [join(ROOT, 'deploy', 'rootfs', 'build.mjs')]);
}
