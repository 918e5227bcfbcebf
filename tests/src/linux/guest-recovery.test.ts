/**
 * The recovery contract seen from a guest (docs/LINUX-ABI.md, "When an owner
 * dies"): a busybox `sh -c 'while …; done'` loop keeps running on the system
 * while syscalld, then vfsd, are killed under it. Each iteration makes calls
 * both services answer (fork/exec/wait, files in /tmp, writes to the session).
 * Every iteration's line comes, in order, except where a call in flight failed
 * with EINTR/EIO and the shell reported it; the loop never hangs, the nucleus
 * never goes down, and the system is ready again afterwards. An operator's
 * `rustos run` that arrives while runtimed restarts waits for it.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '@rustos/platform';
import { LocalSystem } from '../local/system.js';

const CLI = join(ROOT, 'cli', 'bin', 'rustos.js');
const ITERATIONS = 150;
const LOOP = `i=0; while [ $i -lt ${ITERATIONS} ]; do i=$((i+1)); echo $i > /tmp/loop.$$; /bin/busybox cat /tmp/loop.$$; done; echo loop-done`;
/** An emulated loop of this size takes seconds; a run this long is a hang. */
const HANG_MS = 240_000;

let sys: LocalSystem;
before(async () => { sys = await LocalSystem.boot(); });
after(async () => { await sys?.down(); });

function runLoop(): Promise<{ status: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, [CLI, 'run', '--', '/bin/busybox', 'sh', '-c', LOOP], { env: sys.env });
  let stdout = '', stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const timer = setTimeout(() => child.kill('SIGKILL'), HANG_MS);
  return new Promise((resolve) => child.on('close', (status) => {
    clearTimeout(timer);
    resolve({ status, stdout, stderr, ms: Date.now() - started });
  }));
}

for (const victim of ['syscalld', 'vfsd']) {
  test(`a guest shell loop survives killing ${victim}: every iteration prints or its failed call names EINTR/EIO, never hangs`, async () => {
    const loop = runLoop();
    // Let the loop get going, then kill the service under it.
    await sys.until('the loop running', async () => ((await sys.status()).counters['ps.processes'] ?? 0) > 0 || undefined, 20_000);
    await new Promise((r) => setTimeout(r, 1500));
    const k = sys.cli('kill', victim);
    assert.equal(k.status, 0, k.stderr);
    const r = await loop;
    assert.notEqual(r.status, null, `the loop hung (killed after ${HANG_MS} ms); output so far:\n${r.stdout.slice(-500)}\n${r.stderr}`);
    // A call that failed does not stop the shell (it reports it and goes on), so the loop
    // may finish with status 0 yet miss the iterations whose call failed: one error line each.
    const errors = r.stderr.split('\n').filter((l) => l !== '');
    for (const e of errors) assert.match(e, /Interrupted system call|I\/O error|Input\/output error/, `a failure names EINTR or EIO:\n${r.stderr}`);
    const lines = r.stdout.split('\n').filter((l) => l !== '');
    if (r.status === 0) assert.equal(lines.pop(), 'loop-done', 'a completed loop ran to its end');
    const printed = lines.map(Number);
    printed.forEach((n, i) => assert.ok(n >= 1 && n <= ITERATIONS && (i === 0 || n > printed[i - 1]!), `iterations in order, none twice: ${lines.join(' ')}`));
    const missing = (r.status === 0 ? ITERATIONS : printed.at(-1) ?? 0) - printed.length;
    assert.ok(missing <= errors.length, `${missing} iterations missing, ${errors.length} failures reported:\n${r.stderr}`);
    process.stdout.write(`# ${victim}: status ${r.status}, ${printed.length} iterations printed, ${errors.length} calls failed, ${r.ms} ms\n`);
    await sys.until(`${victim} back and the system ready`, async () => ((await sys.status()).ready ? true : undefined), 20_000);
    const after = sys.cli('run', '--', '/bin/busybox', 'echo', 'still-here');
    assert.equal(after.stdout, 'still-here\n', after.stderr);
  });
}

test('`rustos run` right after `rustos kill runtimed` waits for the new runtimed instead of failing', async () => {
  for (let k = 0; k < 3; k++) {
    assert.equal(sys.cli('kill', 'runtimed').status, 0);
    const r = sys.cli('run', '--', '/bin/busybox', 'echo', `round-${k}`);
    // On failure, the logs' tails: rootd's lease steps say whether runtimed came back (a
    // CI run once found the third new runtimed not serving within 15 s; not reproduced since).
    if (r.stdout !== `round-${k}\n`) assert.fail(`round ${k}: status ${r.status}: ${r.stderr}\n${LocalSystem.logsOf(sys.home)}`);
    // runtimed serves launches before it has finished starting (uiserver's bootstrap):
    // the next kill comes once it is ready, as an operator's would.
    await sys.until('runtimed ready again', async () => ((await sys.status()).ready ? true : undefined), 20_000);
  }
});
