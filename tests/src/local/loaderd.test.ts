/**
 * loaderd's exec path against a real nucleus: a program (busybox, and a dynamic
 * one with its ld.so) planned by loaderd is built with the real PROC brokers
 * under a granted caller's capability (the probe). Each mapping must land in
 * the prepared address space exactly as asked (the nucleus's own region view,
 * Processes.List); then the commit runs the process, or — while this nucleus
 * has no scheduler — fails, and the prepared process is aborted so nothing
 * half-built remains.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { accessSync, constants, readFileSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Errno, errnoName, unaryCall, type ServiceContext } from '@rustos/platform';
import type { ProcessList__Output } from '@rustos/platform/gen/rustos/v1/ProcessList.js';
import { isFailed, machineFacts, procBroker, runExec, type ExecFiles, type MapRequest, type ProcBuilder } from '@rustos/loaderd/exec';
import { bytesOf } from '@rustos/loaderd/elf';
import { LocalSystem } from './system.js';
import { startProbe } from './probe.js';

let sys: LocalSystem;
let probe: ServiceContext;
before(async () => {
  sys = await LocalSystem.boot({ tools: true });
  probe = await startProbe({ ...sys.env, RUSTOS_NUCLEUS: `unix:${join(sys.home, 'run', 'nucleus.sock')}`, RUSTOS_SECRET: readFileSync(join(sys.home, 'secret'), 'utf8').trim() });
});
after(async () => {
  await probe?.shutdown();
  await sys?.down();
});

/** Host files, standing in for vfsd's OpenExec. */
const hostFiles: ExecFiles = {
  async openExec(_pid, path) {
    try {
      accessSync(path, constants.X_OK);
      const st = statSync(path);
      return { path: realpathSync(path), bytes: new Uint8Array(readFileSync(path)), device: Number(st.dev), inode: Number(st.ino), mode: st.mode };
    } catch {
      return Errno.ENOENT;
    }
  },
};

async function processes(pid = 0, regions = false): Promise<ProcessList__Output['processes']> {
  const r = await unaryCall<ProcessList__Output>((cb) => probe.nucleus.processes.List({ header: probe.header('procinfo'), pid, regions }, cb));
  return r.processes;
}

for (const path of ['/bin/busybox', '/usr/bin/ls']) {
  test(`a planned exec of ${path} is built by the real PROC brokers exactly as planned`, async () => {
    const real = procBroker(probe);
    const maps: MapRequest[] = [];
    let regions: ProcessList__Output['processes'][number]['regions'] = [];
    // The real brokers, with a look at the prepared process just before the commit.
    const builder: ProcBuilder = {
      prepare: (r) => real.prepare(r),
      map: (pid, m) => { maps.push(m); return real.map(pid, m); },
      async commit(pid, c) {
        regions = (await processes(pid, true))[0]!.regions;
        return real.commit(pid, c);
      },
      abort: (pid, reason) => real.abort(pid, reason),
    };
    const lines: string[] = [];
    const r = await runExec({ files: hostFiles, builder, machine: machineFacts(probe), log: (l) => lines.push(l) },
      { pid: 0, filename: bytesOf(path), argv: [bytesOf(path.split('/').pop()!), bytesOf('--help')], envp: [bytesOf('HOME=/')], creds: { uid: 0, euid: 0, gid: 0, egid: 0 } },
      { parentPid: 0, replacePid: 0 });

    // Every mapping is a region of the prepared process, with its protection and name.
    const hex = (n: number) => n.toString(16);
    const asked = maps.map((m) => `${hex(m.addr)}-${hex(m.addr + m.length)} ${m.prot} ${m.name}`).sort();
    const got = regions.map((g) => `${hex(g.start)}-${hex(g.end)} ${g.prot} ${g.name}`).sort();
    for (const a of asked) assert.ok(got.includes(a), `region ${a} is in the nucleus: ${got.join(', ')}`);
    assert.ok(maps.some((m) => m.name === '[stack]') && maps.some((m) => m.file?.inode));

    if (isFailed(r)) {
      // No scheduler yet in this nucleus: the commit is refused, and loaderd aborts.
      assert.equal(`${r.step} ${errnoName(r.errno)}`, 'build ENOSYS', r.detail);
      assert.deepEqual(lines, [`loaderd: elf step failed exec=${path} step=build errno=ENOSYS`]);
      assert.deepEqual((await processes()).filter((p) => p.state === 'PREPARED'), [], 'nothing half-built remains');
    } else {
      const [p] = await processes(r.pid);
      assert.ok(p && p.state !== 'PREPARED', `process ${r.pid} was committed`);
      assert.equal(p.exe, realpathSync(path));
    }
  });
}
