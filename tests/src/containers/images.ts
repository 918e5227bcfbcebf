/**
 * Builds the system's container images for the container tests: stages the
 * compiled tree (deploy/stage.mjs) and builds every target of deploy/Dockerfile
 * with the Docker CLI, offline, from the base image named by RUSTOS_BASE_IMAGE
 * (.ci/run fabricates one from the host's Node: deploy/make-base-image.sh).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '@rustos/platform';

export const TARGETS = ['nucleus', 'rootd', 'syscalld', 'vfsd', 'loaderd', 'devmgrd', 'driverd', 'storaged', 'initd', 'runtimed', 'uiserver', 'executor'];
export const SERVICES = TARGETS.filter((t) => t !== 'nucleus' && t !== 'executor');
export const TAG = 'test';

function sh(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

export function baseImage(): string {
  return process.env.RUSTOS_BASE_IMAGE ?? 'rustos/node-base:local';
}

export function buildImages(): void {
  if (spawnSync('docker', ['image', 'inspect', baseImage()], { stdio: 'ignore' }).status !== 0) {
    sh('bash', [join(ROOT, 'deploy', 'make-base-image.sh'), baseImage()]);
  }
  sh(process.execPath, [join(ROOT, 'deploy', 'stage.mjs')]);
  for (const target of TARGETS) {
    sh('docker', ['build', '-q', '-f', 'deploy/Dockerfile', '--target', target, '--build-arg', `BASE_IMAGE=${baseImage()}`, '-t', `rustos-ts/${target}:${TAG}`, 'build/image']);
  }
}

export function docker(...args: string[]): string {
  return sh('docker', args);
}
