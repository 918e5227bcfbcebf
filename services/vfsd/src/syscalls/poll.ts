/**
 * Readiness: poll, ppoll, select, pselect6. Each looks at every descriptor; if
 * none is ready and the timeout allows, the call waits on all their queues and
 * looks again when one changes, until one is ready or the time is up. The
 * remaining time is written back where Linux writes it (select's and pselect6's
 * timeout; ppoll's). ppoll's and pselect6's signal masks are syscalld's business.
 */
import { Errno, POLL } from '../abi.js';
import { fail } from '../fail.js';
import { NOFILE } from '../procs.js';
import { timespec, timespecMs, timeval, timevalMs } from '../structs.js';
import { EINTR, Wait, type Answer, type Outcome, type WaitQueue } from '../wait.js';
import { int, type Call } from './call.js';

/** Scan descriptors: fill in results, count the ready ones, collect where to wait. */
type Scan = (queues: WaitQueue[]) => { ready: number; outputs: Buffer[] };

function waitFor(c: Call, scan: Scan, timeoutMs: number, remaining?: (left: number) => Buffer): Outcome {
  const deadline = timeoutMs < 0 ? Infinity : c.since + timeoutMs;
  const finish = (r: { ready: number; outputs: Buffer[] }): Answer => {
    const outputs = remaining ? [...r.outputs, remaining(Math.max(0, deadline - performance.now()))] : r.outputs;
    return { result: r.ready, outputs };
  };
  const step = (): Outcome => {
    const queues: WaitQueue[] = [];
    const r = scan(queues);
    if (r.ready > 0 || timeoutMs === 0 || performance.now() >= deadline) return finish(r);
    return new Wait(queues, step, () => EINTR, deadline, () => finish(scan([])));
  };
  return step();
}

function pollScan(c: Call, fds: Buffer, n: number): Scan {
  return (queues) => {
    const out = Buffer.from(fds);
    let ready = 0;
    for (let i = 0; i < n; i++) {
      const fd = out.readInt32LE(i * 8);
      const events = out.readUInt16LE(i * 8 + 4);
      let revents = 0;
      if (fd >= 0) {
        const slot = c.p.table.slots.get(fd);
        if (!slot) {
          revents = POLL.NVAL;
        } else {
          const f = slot.file;
          revents = f.obj.poll(f) & (events | POLL.ERR | POLL.HUP);
          if (!revents) queues.push(...f.obj.queues(f));
        }
      }
      out.writeUInt16LE(revents, i * 8 + 6);
      if (revents) ready++;
    }
    return { ready, outputs: [out] };
  };
}

function nfds(c: Call): number {
  const n = c.args[1]!;
  if (n < 0 || n > NOFILE) fail(Errno.EINVAL);
  return n;
}

export function poll(c: Call): Outcome {
  const n = nfds(c);
  return waitFor(c, pollScan(c, c.inputs[0]!, n), int(c, 2) < 0 ? -1 : int(c, 2));
}

export function ppoll(c: Call): Outcome {
  const n = nfds(c);
  const t = c.inputs[1]!;
  const ms = t.length === 16 ? timespecMs(t) : -1;
  if (t.length === 16 && ms < 0) fail(Errno.EINVAL);
  return waitFor(c, pollScan(c, c.inputs[0]!, n), ms, t.length === 16 ? timespec : undefined);
}

const READ_READY = POLL.IN | POLL.RDNORM | POLL.HUP | POLL.ERR;
const WRITE_READY = POLL.OUT | POLL.WRNORM | POLL.ERR;
const EXCEPT_READY = POLL.PRI;

function selectScan(c: Call, n: number, sets: Buffer[]): Scan {
  // Every fd named in a set must be open.
  for (const set of sets) {
    for (let fd = 0; fd < n && fd < set.length * 8; fd++) {
      if (set[fd >> 3]! & (1 << (fd & 7)) && !c.p.table.slots.has(fd)) fail(Errno.EBADF);
    }
  }
  const masks = [READ_READY, WRITE_READY, EXCEPT_READY];
  return (queues) => {
    const outs = sets.map((s) => Buffer.from(s));
    let ready = 0;
    for (let fd = 0; fd < n; fd++) {
      let wanted = false;
      let got = false;
      let ev = -1;
      for (let k = 0; k < 3; k++) {
        const set = sets[k]!;
        if (fd >= set.length * 8 || !(set[fd >> 3]! & (1 << (fd & 7)))) continue;
        wanted = true;
        const f = c.p.table.slots.get(fd)!.file;
        if (ev < 0) ev = f.obj.poll(f);
        if (ev & masks[k]!) {
          ready++;
          got = true;
        } else {
          outs[k]![fd >> 3]! &= ~(1 << (fd & 7));
        }
      }
      if (wanted && !got) {
        const f = c.p.table.slots.get(fd)!.file;
        queues.push(...f.obj.queues(f));
      }
    }
    return { ready, outputs: outs };
  };
}

export function select(c: Call): Outcome {
  const n = int(c, 0);
  if (n < 0) fail(Errno.EINVAL);
  const t = c.inputs[3]!;
  const ms = t.length === 16 ? timevalMs(t) : -1;
  if (t.length === 16 && ms < 0) fail(Errno.EINVAL);
  return waitFor(c, selectScan(c, Math.min(n, NOFILE), c.inputs.slice(0, 3) as Buffer[]), ms, t.length === 16 ? timeval : undefined);
}

export function pselect6(c: Call): Outcome {
  const n = int(c, 0);
  if (n < 0) fail(Errno.EINVAL);
  const t = c.inputs[3]!;
  const ms = t.length === 16 ? timespecMs(t) : -1;
  if (t.length === 16 && ms < 0) fail(Errno.EINVAL);
  return waitFor(c, selectScan(c, Math.min(n, NOFILE), c.inputs.slice(0, 3) as Buffer[]), ms, t.length === 16 ? timespec : undefined);
}
