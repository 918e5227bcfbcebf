// Stages what the container images hold into build/image: the compiled
// workspaces that run (platform, nucleus, services, cli), their manifests and
// catalogs, the proto contracts, and only the npm packages they need at run time
// (the dependency closure read from package-lock.json), and the guest's root
// filesystem (build/rootfs, where vfsd looks by default under /app). docker build
// then copies this tree without touching any registry.
import { readFileSync, rmSync, mkdirSync, cpSync, existsSync, readdirSync, symlinkSync, lstatSync, readlinkSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'build', 'image');
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')).packages;

const services = readdirSync(join(ROOT, 'services')).map((s) => `services/${s}`);
const workspaces = ['platform', 'nucleus', 'cli', ...services];

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
const copy = (rel, filter) => {
  const from = join(ROOT, rel);
  if (existsSync(from)) cpSync(from, join(OUT, rel), { recursive: true, filter, verbatimSymlinks: true });
};
const noTests = (src) => !/\.test\.(js|d\.ts|js\.map)$/.test(src) && !/\.(tsbuildinfo|v8cache)$/.test(src);

copy('package.json');
copy('proto');
for (const ws of workspaces) {
  if (!existsSync(join(ROOT, ws, 'dist'))) throw new Error(`${ws} is not built: run npm run build first`);
  for (const part of ['package.json', 'manifest.json', 'dist', 'catalog', 'drivers', 'bin', 'rootfs']) copy(join(ws, part), noTests);
}
if (!existsSync(join(ROOT, 'build', 'rootfs', 'bin', 'busybox'))) throw new Error('build/rootfs is not built: run npm run build first');
copy(join('build', 'rootfs'));
// uiserver draws its console with Debian's VGA font (package console-data); the
// uiserver image puts it where the manifest says (/usr/share/consolefonts).
const FONT = '/usr/share/consolefonts/default8x16.psf.gz';
if (!existsSync(FONT)) throw new Error(`${FONT} is missing: install Debian's console-data`);
mkdirSync(join(OUT, 'share', 'consolefonts'), { recursive: true });
cpSync(FONT, join(OUT, 'share', 'consolefonts', 'default8x16.psf.gz'));

// Resolve a dependency the way Node does: nested node_modules first, then upwards.
function resolve(from, name) {
  for (let dir = from; ; dir = dirname(dirname(dir))) {
    const candidate = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
    if (lock[candidate]) return candidate;
    if (!dir || !dir.includes('node_modules')) return lock[`node_modules/${name}`] ? `node_modules/${name}` : undefined;
  }
}

const needed = new Set();
const visit = (key) => {
  if (needed.has(key)) return;
  needed.add(key);
  const entry = lock[key];
  const target = entry.link ? entry.resolved : key;
  for (const dep of Object.keys({ ...lock[target]?.dependencies, ...lock[target]?.optionalDependencies })) {
    const at = resolve(target, dep);
    if (at) visit(at);
  }
};
for (const ws of workspaces) for (const dep of Object.keys(lock[ws]?.dependencies ?? {})) {
  const at = resolve(ws, dep);
  if (at) visit(at);
}
let packages = 0;
for (const key of [...needed].sort()) {
  const src = join(ROOT, key);
  if (!existsSync(src) && !lstatSync(src, { throwIfNoEntry: false })) continue;
  mkdirSync(dirname(join(OUT, key)), { recursive: true });
  if (lstatSync(src).isSymbolicLink()) symlinkSync(readlinkSync(src), join(OUT, key));
  else cpSync(src, join(OUT, key), { recursive: true, verbatimSymlinks: true });
  packages++;
}
console.log(`staged ${workspaces.length} workspaces and ${packages} packages into ${relative(ROOT, OUT)}`);
