// npm test: build, then run every suite in stages — unit tests of each part,
// cross-part tests (CPU against the host, whole programs, multi-process local
// systems), and container tests (images, Testcontainers, compose) — and print one
// summary line. Set RUSTOS_TEST_STAGES=unit,integration,containers to choose.
import { readdirSync, existsSync, readFileSync, mkdtempSync } from 'node:fs';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { build, ROOT, run } from './lib.mjs';

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.test.js'))
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .sort();
}

// The tests are found in the build output, so the build comes first: on a clean
// clone there is no dist/ before it (and a run that finds no tests must not pass).
build();
const workspaces = ['platform', 'nucleus', 'cli', ...readdirSync(join(ROOT, 'services')).map((s) => join('services', s))];
const stages = {
  unit: workspaces.flatMap((w) => testFiles(join(ROOT, w, 'dist'))),
  integration: testFiles(join(ROOT, 'tests', 'dist')).filter((f) => !f.includes(`${join('dist', 'containers')}`)),
  containers: testFiles(join(ROOT, 'tests', 'dist', 'containers')),
};

function dockerAvailable() {
  return spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0;
}

const wanted = (process.env.RUSTOS_TEST_STAGES ?? 'unit,integration,containers').split(',');
const results = [];
let failed = false;
for (const stage of wanted) {
  const files = stages[stage];
  if (!files?.length) {
    console.error(`no test files for stage "${stage}"`);
    failed = true;
    results.push(`${stage}: no tests found`);
    continue;
  }
  if (stage === 'containers' && !dockerAvailable()) {
    if (process.env.CI) {
      console.error('container tests need a Docker engine, and CI must run them: none answers (`docker info` failed)');
      failed = true;
      results.push(`${stage}: no docker`);
      continue;
    }
    console.log(`\n== ${stage}: skipped — no Docker engine answers here (CI runs them; see .ci/run)`);
    results.push(`${stage}: skipped (no docker)`);
    continue;
  }
  console.log(`\n== ${stage}: ${files.length} files\n${files.map((f) => `   ${relative(ROOT, f)}`).join('\n')}`);
  const tap = join(mkdtempSync(join(tmpdir(), 'rustos-test-')), `${stage}.tap`);
  const status = run(process.execPath, ['--test', '--test-timeout=1200000', '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...files], { env: { ...process.env, RUSTOS_TEST_STAGE: stage } });
  const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  const count = (key) => Number(new RegExp(`^# ${key} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  results.push(`${stage} ${count('pass')}/${count('tests')} passed${count('skipped') ? `, ${count('skipped')} skipped` : ''}`);
  if (status !== 0) failed = true;
}
console.log(`\ntest summary: ${failed ? 'FAILED' : 'ok'} — ${results.join('; ')}`);
process.exit(failed ? 1 : 0);
