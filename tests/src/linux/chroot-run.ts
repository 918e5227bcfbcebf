/**
 * Runs cases chrooted into build/rootfs, the guest's own tree, on the host kernel:
 * started by rootfs.test.ts as root inside a private mount namespace (`unshare -m`),
 * it mounts a tmpfs on the tree's /tmp (so nothing is left in the tree) and binds
 * /proc and /dev, then runs each case id given on argv through the launcher at its
 * guest path and prints the results as JSON on stdout.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { CASES } from './cases/index.js';
import { caseDir, exitStatus, launchArgs, LAUNCH, ROOTFS, writeInputs, type RunResult } from './native.js';

function mount(args: string[]): void {
  const r = spawnSync('mount', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`mount ${args.join(' ')}: ${r.stderr}`);
}

const [base, ...ids] = process.argv.slice(2);
mount(['-t', 'tmpfs', 'rustos-suite', `${ROOTFS}/tmp`]);
mount(['--bind', '/proc', `${ROOTFS}/proc`]);
mount(['--bind', '/dev', `${ROOTFS}/dev`]);
const results: Record<string, RunResult> = {};
for (const c of CASES.filter((x) => ids.includes(x.id))) {
  const dir = caseDir(base!, c);
  mkdirSync(ROOTFS + dir, { recursive: true });
  writeInputs(ROOTFS + dir, c);
  const r = spawnSync('chroot', [ROOTFS, LAUNCH, ...launchArgs(c, dir)], { env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' }, input: c.stdin ?? '', maxBuffer: 64 << 20, timeout: 60_000 });
  if (r.error) throw r.error;
  results[c.id] = { stdout: r.stdout.toString('latin1'), stderr: r.stderr.toString('latin1'), status: exitStatus(r.status, r.signal) };
}
process.stdout.write(JSON.stringify(results));
