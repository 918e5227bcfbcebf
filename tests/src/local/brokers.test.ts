/**
 * Broker calls are gated: a caller without the capability gets PERMISSION_DENIED,
 * malformed requests get INVALID_ARGUMENT with a message, and the nucleus keeps
 * serving. A rootd-granted caller (the probe) builds and discards a process with
 * the PROC brokers; fault injection fires where its rules say, as milestones.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { grpc, unaryCall, connectNucleus, type ServiceContext } from '@rustos/platform';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalSystem } from './system.js';
import { startProbe } from './probe.js';

let sys: LocalSystem;
let probe: ServiceContext;
before(async () => {
  sys = await LocalSystem.boot({ tools: true, env: { RUSTOS_FAULTS: 'broker.proc.abort=fail-after:1' } });
  probe = await startProbe({ ...sys.env, RUSTOS_NUCLEUS: `unix:${join(sys.home, 'run', 'nucleus.sock')}`, RUSTOS_SECRET: readFileSync(join(sys.home, 'secret'), 'utf8').trim() });
});
after(async () => {
  await probe?.shutdown();
  await sys?.down();
});

const mapRequest = (capability: string, extra: object = {}) => ({
  header: { abiVersion: 1, capability }, id: 1, pid: 1, map: { addr: 0x400000, length: 4096, prot: 3 }, ...extra,
});

async function expectError(p: Promise<unknown>, code: grpc.status, message: RegExp): Promise<void> {
  await assert.rejects(p, (err: grpc.ServiceError) => {
    assert.equal(err.code, code, `expected ${grpc.status[code]}, got ${grpc.status[err.code]}: ${err.details}`);
    assert.match(err.details, message);
    return true;
  });
}

test('an ungranted caller of the MM broker gets PERMISSION_DENIED, and the nucleus keeps serving', async () => {
  const stranger = connectNucleus(`unix:${join(sys.home, 'run', 'nucleus.sock')}`);
  try {
    await expectError(unaryCall((cb) => stranger.mm.Call(mapRequest(''), cb)), grpc.status.PERMISSION_DENIED, /needs capability "broker.mm", caller presented no capability/);
    await expectError(unaryCall((cb) => stranger.mm.Call(mapRequest('cap_forged'), cb)), grpc.status.PERMISSION_DENIED, /unknown or revoked capability/);
    // A real capability for another right does not open the MM broker.
    await expectError(unaryCall((cb) => stranger.mm.Call(mapRequest(probe.capability('broker.proc')), cb)), grpc.status.PERMISSION_DENIED, /probe generation 1 \(holds "broker.proc"\)/);
    // File sections are vfsd's (broker.mm.section): broker.mm alone does not reach them.
    const section = { header: { abiVersion: 1, capability: probe.capability('broker.mm') }, id: 9, pid: 0, sectionRead: { file: { path: '', device: 1, inode: 1, offset: 0 }, offset: 0, length: 4096 } };
    await expectError(unaryCall((cb) => stranger.mm.Call(section, cb)), grpc.status.PERMISSION_DENIED, /needs capability "broker.mm.section"/);
  } finally {
    stranger.close();
  }
  const status = await sys.status();
  assert.equal(status.ready, true);
  assert.ok((status.counters.denied ?? 0) >= 3, 'denials are counted');
});

test('malformed requests get INVALID_ARGUMENT with a message', async () => {
  const mm = probe.nucleus.mm;
  const cap = probe.capability('broker.mm');
  await expectError(unaryCall((cb) => mm.Call({ id: 1, pid: 1, map: { addr: 0, length: 4096 } }, cb)), grpc.status.INVALID_ARGUMENT, /missing header/);
  await expectError(unaryCall((cb) => mm.Call({ ...mapRequest(cap), header: { abiVersion: 7, capability: cap } }, cb)), grpc.status.INVALID_ARGUMENT, /ABI version 7 is not supported/);
  await expectError(unaryCall((cb) => mm.Call({ header: { abiVersion: 1, capability: cap }, id: 1, pid: 0 }, cb)), grpc.status.INVALID_ARGUMENT, /missing operation/);
  const proc = probe.nucleus.proc;
  const pcap = probe.capability('broker.proc');
  const { pid } = await unaryCall<{ pid: number }>((cb) => proc.Prepare({ header: { abiVersion: 1, capability: pcap }, name: 'x', argv: ['x'] }, cb));
  const big = Buffer.alloc(65 * 1024 * 1024);
  await expectError(unaryCall((cb) => proc.Map({ header: { abiVersion: 1, capability: pcap }, pid, map: { addr: 0x400000, length: big.length + 4096, prot: 1, content: big } }, cb)),
    grpc.status.INVALID_ARGUMENT, /content of 68157440 bytes exceeds/);
  await expectError(unaryCall((cb) => proc.Map({ header: { abiVersion: 1, capability: pcap }, pid, map: { addr: 0x400001, length: 4096, prot: 1 } }, cb)),
    grpc.status.INVALID_ARGUMENT, /not page aligned/);
  await expectError(unaryCall((cb) => proc.Map({ header: { abiVersion: 1, capability: pcap }, pid, map: { addr: 0x400000, length: 4096, prot: 1, content: Buffer.alloc(8192) } }, cb)),
    grpc.status.INVALID_ARGUMENT, /does not fit the mapping/);
  await expectError(unaryCall((cb) => proc.Prepare({ header: { abiVersion: 1, capability: pcap }, name: '', argv: [] }, cb)), grpc.status.INVALID_ARGUMENT, /missing field "name"/);
  assert.equal((await sys.status()).ready, true);
});

test('the PROC brokers build a process only for the generation that prepared it; fault injection fires as configured', async () => {
  const proc = probe.nucleus.proc;
  const header = { abiVersion: 1, capability: probe.capability('broker.proc') };
  const { pid } = await unaryCall<{ pid: number }>((cb) => proc.Prepare({ header, name: 'hello', exe: '/bin/hello', argv: ['hello'] }, cb));
  assert.ok(pid > 1);
  const mapped = await unaryCall<{ errno: number; addr: number }>((cb) => proc.Map({ header, pid, map: { addr: 0x400000, length: 8192, prot: 5, content: Buffer.from('\x7fELF') } }, cb));
  assert.deepEqual({ errno: mapped.errno, addr: mapped.addr }, { errno: 0, addr: 0x400000 });
  // The MM broker works on running processes only; a prepared one is not visible to it.
  const viaMm = await unaryCall<{ errno: number }>((cb) => probe.nucleus.mm.Call({ header: { abiVersion: 1, capability: probe.capability('broker.mm') }, id: 5, pid, regions: {} }, cb));
  assert.equal(viaMm.errno, 3, 'ESRCH');
  await unaryCall((cb) => proc.Abort({ header, pid, reason: 'test' }, cb));
  await expectError(unaryCall((cb) => proc.Commit({ header, pid, entry: 0x400000, stackPointer: 0x7ffff000 }, cb)), grpc.status.NOT_FOUND, /no process/);
  // The rule broker.proc.abort=fail-after:1 lets one abort through and fails the next.
  const second = await unaryCall<{ pid: number }>((cb) => proc.Prepare({ header, name: 'again', argv: [] }, cb));
  await expectError(unaryCall((cb) => proc.Abort({ header, pid: second.pid, reason: 'test' }, cb)), grpc.status.UNAVAILABLE, /failed by fault injection \(broker.proc.abort=fail-after:1\)/);
  const fired = (await sys.milestones()).filter((m) => m.name === 'faults.fired');
  assert.equal(fired.length, 1);
  assert.equal(fired[0]!.subject, 'broker.proc.abort');
});

test('enrollment with the wrong secret is refused', async () => {
  const n = connectNucleus(`unix:${join(sys.home, 'run', 'nucleus.sock')}`);
  try {
    const stream = n.control.Attach();
    const err = await new Promise<grpc.ServiceError>((resolve) => {
      stream.on('error', resolve);
      stream.on('data', () => undefined);
      stream.write({ hello: { abiVersion: 1, name: 'syscalld', secret: 'wrong', pid: 1, host: 'x', endpoint: 'x' } });
    });
    assert.equal(err.code, grpc.status.PERMISSION_DENIED);
    assert.match(err.details, /wrong platform secret/);
  } finally {
    n.close();
  }
});
