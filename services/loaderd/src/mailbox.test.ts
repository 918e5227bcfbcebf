// The loaderd.exec mailbox with MailboxMessage-shaped input: execve and
// execveat decoded as the ABI table sends them (path cstr, argv and envp
// cstrv), the file name execveat forms from dirfd and flags, the errno of
// malformed calls, and credentials from the message context.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Errno } from '@rustos/platform';
import type { MailboxMessage__Output } from '@rustos/platform/gen/rustos/v1/MailboxMessage.js';
import { readFileSync } from 'node:fs';
import type { ExecFile, ExecFiles } from './exec/files.js';
import { NR_EXECVE, NR_EXECVEAT, execMailbox, splitStrings } from './mailbox.js';
import { RecordingBuilder } from './testing/builder.js';
import { HostFiles, hostPrograms } from './testing/host.js';

const bins = hostPrograms();
const STATIC = bins['hello-static']!;

/** Host files, remembering which paths were asked for. */
class Spy implements ExecFiles {
  readonly asked: string[] = [];
  private readonly host = new HostFiles();
  openExec(pid: number, path: string): Promise<ExecFile | number> {
    this.asked.push(path);
    return this.host.openExec(pid, path.replace(/^\/dev\/fd\/\d+\/?/, '/'));
  }
}

function setup() {
  const files = new Spy();
  const builder = new RecordingBuilder();
  const handler = execMailbox({ files, builder, machine: async () => ({ hwcap: 0, hwcap2: 0, platform: 'x86_64', clockTicks: 100, memoryBytes: 2 ** 32 }), log: () => {} });
  return { files, builder, handler };
}

const cstrv = (list: string[]): Buffer => Buffer.from(list.map((s) => `${s}\0`).join(''));

function message(op: number, args: number[], inputs: Buffer[], context: Record<string, string> = {}): MailboxMessage__Output {
  return { id: 5, endpoint: '', pid: 42, tid: 43, op, args, inputs, context };
}

test('the syscall numbers are the host kernel\'s', () => {
  const unistd = readFileSync('/usr/include/x86_64-linux-gnu/asm/unistd_64.h', 'utf8');
  assert.equal(Number(/__NR_execve (\d+)/.exec(unistd)![1]), NR_EXECVE);
  assert.equal(Number(/__NR_execveat (\d+)/.exec(unistd)![1]), NR_EXECVEAT);
});

test('cstrv splits into strings, empty ones included', () => {
  assert.deepEqual(splitStrings(cstrv(['a', '', 'bc'])).map((b) => Buffer.from(b).toString()), ['a', '', 'bc']);
  assert.deepEqual(splitStrings(new Uint8Array(0)), []);
  assert.deepEqual(splitStrings(Buffer.from('x\0y')).map((b) => Buffer.from(b).toString()), ['x', 'y']);
});

test('execve builds the new image over the caller, with its argv and credentials', async () => {
  const { builder, handler } = setup();
  const answer = await handler(message(NR_EXECVE, [0x1000, 0x2000, 0x3000], [Buffer.from(STATIC), cstrv(['hello', 'a b']), cstrv(['X=1'])], { uid: '1000', gid: '100' }));
  assert.equal(answer.result, 0);
  const [p] = [...builder.processes.values()];
  assert.equal(p!.request.replacePid, 42);
  assert.deepEqual(p!.request.argv, ['hello', 'a b']);
  assert.equal(p!.state, 'COMMITTED');
  // AT_UID and AT_GID from the context, in the stack the plan wrote.
  const stack = Buffer.from(p!.maps[0]!.content);
  const words = Array.from({ length: stack.length / 8 }, (_, i) => Number(stack.readBigUInt64LE(i * 8)));
  const auxAt = 1 + 2 + 1 + 1 + 1;
  const aux = new Map<number, number>();
  for (let i = auxAt; words[i] !== 0; i += 2) aux.set(words[i]!, words[i + 1]!);
  assert.deepEqual([aux.get(11), aux.get(12), aux.get(13), aux.get(14)], [1000, 1000, 100, 100]);
});

test('execve failures answer -errno and leave the caller alone', async () => {
  const { builder, handler } = setup();
  assert.equal((await handler(message(NR_EXECVE, [0, 0, 0], [Buffer.from('/no/such'), cstrv(['x']), cstrv([])]))).result, -Errno.ENOENT);
  assert.equal((await handler(message(NR_EXECVE, [0, 0, 0], [Buffer.alloc(0), cstrv(['x']), cstrv([])]))).result, -Errno.ENOENT);
  assert.equal((await handler(message(NR_EXECVE, [0, 0, 0], [Buffer.from('/etc/passwd'), cstrv(['x']), cstrv([])]))).result, -Errno.EACCES);
  assert.equal((await handler(message(NR_EXECVE, [0, 0, 0], []))).result, -Errno.ENOENT, 'missing inputs read as empty');
  assert.equal(builder.processes.size, 0);
});

test('execveat names the file as Linux does and resolves it through the caller\'s descriptor', async () => {
  const { files, handler } = setup();
  const at = (dirfd: number, path: string, flags: number) => handler(message(NR_EXECVEAT, [dirfd, 0, 0, 0, flags], [Buffer.from(path), cstrv(['x']), cstrv([])]));
  assert.equal((await at(-100, STATIC, 0)).result, 0, 'AT_FDCWD');
  assert.equal((await at(5, STATIC, 0)).result, 0, 'an absolute path ignores dirfd');
  assert.equal((await at(9, STATIC.slice(1), 0)).result, 0, 'relative to dirfd');
  assert.equal((await at(3, '', 0x1000)).result, -Errno.EACCES, 'AT_EMPTY_PATH: the descriptor itself (here /, a directory)');
  assert.deepEqual(files.asked, [STATIC, STATIC, `/dev/fd/9/${STATIC.slice(1)}`, '/dev/fd/3']);
  assert.equal((await at(3, '', 0)).result, -Errno.ENOENT, 'an empty path without AT_EMPTY_PATH');
  assert.equal((await at(3, 'x', 0x4)).result, -Errno.EINVAL, 'unknown flags');
  assert.equal((await at(-1, 'x', 0)).result, -Errno.EBADF, 'a negative dirfd');
});

test('other ops: CANCEL is acknowledged (an exec runs to its end), anything else is ENOSYS', async () => {
  const { handler } = setup();
  assert.equal((await handler(message(1_000_000, [5], []))).result, 0);
  assert.equal((await handler(message(1_000_002, [42], []))).result, -Errno.ENOSYS);
  assert.equal((await handler(message(57, [], []))).result, -Errno.ENOSYS);
});

test('bytes that are not UTF-8 reach the stack untouched', async () => {
  const { builder, handler } = setup();
  const arg = Buffer.from([0x41, 0xff, 0xfe, 0x42]);
  assert.equal((await handler(message(NR_EXECVE, [0, 0, 0], [Buffer.from(STATIC), Buffer.concat([Buffer.from('p\0'), arg, Buffer.from([0])]), cstrv([])]))).result, 0);
  const stack = Buffer.from([...builder.processes.values()][0]!.maps[0]!.content);
  assert.ok(stack.includes(Buffer.concat([Buffer.from('p\0'), arg, Buffer.from([0])])));
});
