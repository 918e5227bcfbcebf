/**
 * The mailbox's receive side: a MailboxMessage becomes a handler call (or a
 * process event, or a CANCEL), and its outcome a reply — now, or later for a call
 * that waits. A handler that needs nucleus data for /proc is run again once the
 * data is fetched. A bug in a handler answers EIO (and is logged); it never
 * takes vfsd down or leaves a guest waiting.
 */
import { CLONE_FILES, Errno } from './abi.js';
import { hostTick } from './fs/hostfs.js';
import { TmpFile, type TmpNode } from './fs/tmpfs.js';
import { HANDLERS } from './syscalls/index.js';
import type { Call, Handler } from './syscalls/call.js';
import { NeedInfo } from './proc/view.js';
import type { Vfs } from './vfs.js';
import { Waits, attempt, isWait, type Answer, type Outcome } from './wait.js';

/** Control ops (docs/LINUX-ABI.md), above every syscall number. */
export const CONTROL = { CANCEL: 1_000_000, PROC_FORK: 1_000_001, PROC_EXEC: 1_000_002, PROC_EXIT: 1_000_003 } as const;

/** The fields of a MailboxMessage vfsd reads. */
export interface Message {
  id: number;
  pid: number;
  tid: number;
  op: number;
  args: number[];
  inputs: Buffer[];
  context: Record<string, string>;
}

const EIO: Answer = { result: -Errno.EIO };
const ENOSYS: Answer = { result: -Errno.ENOSYS };
/** How often a call may ask for more /proc data before it is answered EIO. */
const MAX_FETCHES = 4;

/** Calls that read bytes of the file an fd argument names (at these argument indexes). */
const READS: Record<number, number[]> = { 0: [0], 17: [0], 19: [0], 295: [0], 327: [0], 40: [1], 326: [0] };

/** The sectioned tmpfs files call `m` reads: their mappings' stores are pulled in first. */
function sectionedReads(v: Vfs, m: Message): TmpNode[] {
  const reads = READS[m.op];
  if (!reads) return [];
  const table = v.procs.procs.get(m.pid)?.table;
  const nodes: TmpNode[] = [];
  for (const i of reads) {
    const obj = table?.slots.get(m.args[i]! | 0)?.file.obj;
    if (obj instanceof TmpFile && obj.node.section) nodes.push(obj.node);
  }
  return nodes;
}

export class Dispatcher {
  readonly waits: Waits;

  constructor(private readonly v: Vfs, private readonly onBug: (err: unknown, op: number) => void = () => undefined) {
    this.waits = new Waits((err) => this.bug(err, -1));
  }

  private bug(err: unknown, op: number): Answer {
    this.onBug(err, op);
    return EIO;
  }

  /**
   * A sectioned file's bytes (files/sections.ts) are pulled from its mappings
   * before a call reads them, and a call that changed them is answered once
   * they reached the mappings.
   */
  handle(m: Message): Answer | Promise<Answer> {
    const pulls = sectionedReads(this.v, m);
    const pushed = (a: Answer | Promise<Answer>): Answer | Promise<Answer> => {
      const sync = this.v.sectionSync.settled();
      if (!sync) return a;
      return Promise.all([a, sync]).then(([answer]) => answer);
    };
    if (!pulls.length) {
      const a = this.handleNow(m);
      return a instanceof Promise ? a.then(pushed) : pushed(a);
    }
    return (async () => {
      for (const node of pulls) await this.v.sectionSync.pull(node);
      return pushed(await this.handleNow(m));
    })();
  }

  private handleNow(m: Message): Answer | Promise<Answer> {
    const answer = this.run(m);
    // What the call changed is stored with its answer, both or neither (Journal.take), or
    // before it: a write that returned is never lost to a vfsd restart, and a pipe read
    // whose answer never came has not consumed its bytes.
    const stored = (ans: Answer): Answer | Promise<Answer> => {
      const state = this.v.journal.take();
      if (state) return { ...ans, state };
      const p = this.v.journal.settled();
      return p ? p.then(() => ans) : ans;
    };
    return answer instanceof Promise ? answer.then(stored) : stored(answer);
  }

  private run(m: Message): Answer | Promise<Answer> {
    hostTick();
    const a = m.args;
    switch (m.op) {
      case CONTROL.CANCEL:
        this.waits.cancel(a[0]!);
        return { result: 0 };
      case CONTROL.PROC_FORK:
        this.v.procs.fork(a[0]!, a[1]!, ((a[2] ?? 0) & CLONE_FILES) !== 0);
        return { result: 0 };
      case CONTROL.PROC_EXEC:
        this.v.procs.exec(a[0]!);
        return { result: 0 };
      case CONTROL.PROC_EXIT:
        this.waits.dropPid(a[0]!);
        this.v.procs.exit(a[0]!);
        return { result: 0 };
    }
    const handler = HANDLERS.get(m.op);
    if (!handler) return ENOSYS;
    // Checks use the effective ids the nucleus carries for a non-root caller (none: root).
    const uid = Number(m.context.euid ?? 0) | 0;
    const gid = Number(m.context.egid ?? 0) | 0;
    const call: Call = {
      v: this.v, pid: m.pid, p: this.v.procs.get(m.pid), who: { pid: m.pid, uid, gid },
      args: a, inputs: m.inputs, since: performance.now(),
    };
    this.v.view.begin();
    try {
      return this.settle(m, attempt(() => handler(call)));
    } catch (err) {
      if (err instanceof NeedInfo) return this.later(m, handler, call);
      return this.bug(err, m.op);
    }
  }

  private settle(m: Message, o: Outcome): Answer | Promise<Answer> {
    if (!isWait(o)) return o;
    return new Promise((resolve) => this.waits.park(m.id, m.pid, o, resolve));
  }

  /** Fetch what the handler asked for, and run it again. */
  private async later(m: Message, handler: Handler, call: Call): Promise<Answer> {
    try {
      return await this.settle(m, await this.v.view.complete(() => attempt(() => handler(call)), MAX_FETCHES));
    } catch (err) {
      return err instanceof NeedInfo ? EIO : this.bug(err, m.op);
    }
  }

}
