#!/usr/bin/env node
// Assembles the guest's root filesystem in build/rootfs (vfsd mounts it read-only
// as `/`; RUSTOS_ROOTFS overrides where vfsd looks):
//   - Debian's static busybox as /bin/busybox, with a link for every applet it
//     lists, except where a real tool is provided instead (that name then points
//     at the real tool);
//   - a few real dynamic host tools (GNU coreutils, grep, sed) in /usr/bin, and
//     the host's glibc loader and libraries at their usual paths: the ldd closure
//     of every dynamic program in the tree;
//   - the project's test programs (tests/programs, tests/linux-programs) in
//     /opt/rustos/tests, and its guest applications (apps/: wayclick) in /usr/bin;
//   - /etc (etc.mjs), /usr/share/zoneinfo/UTC, empty mount points;
//   - a record of what went in: /usr/share/rustos/rootfs.json.
// Incremental: only what changed is copied; what is no longer wanted is removed.
// Fails loudly when busybox-static, gcc or a library is missing.
//
// Usage: node deploy/rootfs/build.mjs [--quiet]
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { etcFiles } from './etc.mjs';
import { interpreter, libraries } from './elf.mjs';
import { syncTree } from './sync.mjs';
import { build as buildPrograms } from '../../tests/programs/build.mjs';
import { build as buildSuitePrograms } from '../../tests/linux-programs/build.mjs';
import { build as buildApps } from '../../apps/build.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ROOTFS = join(ROOT, 'build', 'rootfs');
const BUSYBOX = '/bin/busybox';
export const TESTS_DIR = '/opt/rustos/tests';
/** Real tools copied from the host's /usr/bin; each displaces the busybox applet of the same name. */
export const REAL_TOOLS = ['cat', 'cut', 'env', 'grep', 'head', 'ls', 'md5sum', 'sed', 'seq', 'sha256sum', 'sort', 'tail', 'tr', 'uniq', 'wc'];
const MOUNT_POINTS = { '/tmp': 0o1777, '/dev': 0o755, '/proc': 0o555, '/data': 0o755, '/home/user': 0o755, '/root': 0o700, '/run/user/1000': 0o700 };

function fail(message) {
  console.error(`rootfs: ${message}`);
  process.exit(1);
}

function busyboxApplets() {
  if (!existsSync(BUSYBOX)) fail(`${BUSYBOX} is missing: install Debian's busybox-static (apt-get install busybox-static)`);
  if (interpreter(BUSYBOX) !== null) fail(`${BUSYBOX} is dynamically linked (Debian's "busybox" package?): install busybox-static instead`);
  const r = spawnSync(BUSYBOX, ['--list-full'], { encoding: 'utf8' });
  if (r.status !== 0) fail(`${BUSYBOX} --list-full failed: ${r.stderr}`);
  const version = spawnSync(BUSYBOX, [], { encoding: 'utf8' }).stdout.split('\n')[0];
  return { applets: r.stdout.split('\n').filter(Boolean).map((p) => `/${p}`), version };
}

/** A relative symlink target from guest path `from` to guest path `to`. */
const linkTo = (from, to) => relative(dirname(from), to);

export function plan() {
  const entries = [];
  const file = (path, source) => entries.push({ path, kind: 'file', source });
  const { applets, version: busyboxVersion } = busyboxApplets();
  file('/bin/busybox', BUSYBOX);
  for (const name of REAL_TOOLS) {
    const source = `/usr/bin/${name}`;
    if (!existsSync(source)) fail(`${source} is missing on the host (coreutils, grep and sed are expected)`);
    file(source, source);
  }
  for (const path of applets) {
    const name = path.slice(path.lastIndexOf('/') + 1);
    const real = REAL_TOOLS.includes(name) ? `/usr/bin/${name}` : null;
    if (path === real || path === '/bin/busybox') continue;
    entries.push({ path, kind: 'symlink', target: linkTo(path, real ?? '/bin/busybox') });
  }
  const programs = [...buildPrograms({ quiet: true }), ...buildSuitePrograms({ quiet: true })];
  for (const p of programs) file(`${TESTS_DIR}/${p.name}`, p.path);
  for (const p of buildApps({ quiet: true })) file(`/usr/bin/${p.name}`, p.path);

  // The loader and library closure of everything dynamic, at the paths ldd names.
  const shared = new Set();
  for (const e of entries.filter((x) => x.kind === 'file')) {
    const interp = interpreter(e.source);
    if (interp === null) continue;
    shared.add(interp);
    for (const lib of libraries(e.source)) shared.add(lib);
  }
  for (const lib of [...shared].sort()) file(lib, lib);

  const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
  for (const [path, lines] of Object.entries(etcFiles(version))) entries.push({ path, kind: 'text', text: `${lines.join('\n')}\n`, mode: 0o644 });
  // glibc reads TZ=UTC from here when it exists (and falls back to the POSIX rule when not).
  if (existsSync('/usr/share/zoneinfo/UTC')) file('/usr/share/zoneinfo/UTC', '/usr/share/zoneinfo/UTC');
  for (const [path, mode] of Object.entries(MOUNT_POINTS)) entries.push({ path, kind: 'dir', mode });

  const tools = { busybox: busyboxVersion, glibc: spawnSync('ldd', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0], gcc: spawnSync('gcc', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0] };
  const record = entries.map((e) => e.kind === 'file'
    ? { path: e.path, kind: 'file', source: e.source, size: statSync(e.source).size, dynamic: interpreter(e.source) !== null }
    : e.kind === 'text' ? { path: e.path, kind: 'text', size: Buffer.byteLength(e.text) }
    : e.kind === 'symlink' ? { path: e.path, kind: 'symlink', target: e.target }
    : { path: e.path, kind: 'dir', mode: e.mode.toString(8) });
  record.sort((a, b) => a.path.localeCompare(b.path));
  entries.push({ path: '/usr/share/rustos/rootfs.json', kind: 'text', text: `${JSON.stringify({ tools, realTools: REAL_TOOLS, entries: record }, null, 1)}\n`, mode: 0o644 });
  return entries;
}

export function buildRootfs({ quiet = false } = {}) {
  const started = Date.now();
  const entries = plan();
  const { written, removed } = syncTree(ROOTFS, entries);
  const bytes = entries.reduce((n, e) => n + (e.kind === 'file' ? statSync(e.source).size : e.kind === 'text' ? e.text.length : 0), 0);
  if (!quiet) {
    console.log(`rootfs: ${entries.length} entries (${(bytes / 1048576).toFixed(1)} MiB) in ${relative(process.cwd(), ROOTFS) || ROOTFS}: ` +
      `${written} written, ${removed} removed, ${Date.now() - started} ms`);
  }
  return ROOTFS;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) buildRootfs({ quiet: process.argv.includes('--quiet') });
