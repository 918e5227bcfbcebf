/**
 * More of vfsd against the host kernel: devices, readiness (poll, select, ppoll,
 * pselect6 with zero timeouts), files that outlive their names, sendfile and
 * copy_file_range.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AT_FDCWD, both, bytes, call, decoded, fdAt, out, res, str, type Line } from './script.js';

const O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0o100, O_APPEND = 0o2000, O_NONBLOCK = 0o4000;
const SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2;

async function same(lines: Line[]): Promise<void> {
  const { native, vfsd } = await both(lines);
  assert.deepEqual(vfsd, native);
}

const pollfd = (...entries: [number, number][]) => {
  const b = Buffer.alloc(entries.length * 8);
  entries.forEach(([fd, events], i) => {
    b.writeInt32LE(fd, i * 8);
    b.writeInt16LE(events, i * 8 + 4);
  });
  return bytes(b, true);
};

const fdset = (...fds: number[]) => {
  const b = Buffer.alloc(128);
  for (const fd of fds) b[fd >> 3]! |= 1 << (fd & 7);
  return bytes(b, true);
};

const zeroTime = () => bytes(Buffer.alloc(16), true);

test('devices: /dev/null, /dev/zero, /dev/full, /dev/urandom', () => same([
  call('openat', AT_FDCWD, str('/dev/null'), O_RDWR),
  call('read', res(0), out(8), 8),
  call('write', res(0), bytes('abc'), 3),
  call('lseek', res(0), 100, SEEK_SET),
  call('lseek', res(0), 5, SEEK_CUR),
  decoded('stat', 'fstat', res(0), out(144)),
  call('fcntl', res(0), 3, 0),
  call('openat', AT_FDCWD, str('/dev/zero'), O_RDONLY),
  call('read', res(7), out(8), 8),
  call('write', res(7), bytes('x'), 1),
  call('openat', AT_FDCWD, str('/dev/full'), O_RDWR),
  call('write', res(10), bytes('x'), 1),
  call('read', res(10), out(4), 4),
  call('openat', AT_FDCWD, str('/dev/urandom'), O_RDONLY),
  call('read', res(13), out(0), 0),
  decoded('stat', 'newfstatat', AT_FDCWD, str('/dev/zero'), out(144), 0),
  decoded('stat', 'newfstatat', AT_FDCWD, str('/dev/full'), out(144), 0),
  decoded('stat', 'newfstatat', AT_FDCWD, str('/dev/random'), out(144), 0),
  call('ioctl', res(0), 0x5401, out(36)),
  call('readlinkat', AT_FDCWD, str('/dev/stdin'), out(32), 32),
  call('readlinkat', AT_FDCWD, str('/dev/fd'), out(32), 32),
  call('openat', AT_FDCWD, str('/dev/null/x'), O_RDONLY),
  call('mkdirat', AT_FDCWD, str('/proc/newdir'), 0o755),
  call('mkdirat', AT_FDCWD, str('/proc/self'), 0o755),
]));

test('readiness: poll, ppoll, select and pselect6 without waiting', () => same([
  call('pipe2', out(8), 0),
  call('openat', AT_FDCWD, str('f'), O_CREAT | O_RDWR, 0o644),
  call('poll', pollfd([3, 1], [4, 4], [5, 5], [-1, 1], [99, 1]), 5, 0),
  call('write', fdAt(0, 4), bytes('x'), 1),
  call('poll', pollfd([3, 1], [4, 1]), 2, 0),
  call('ppoll', pollfd([3, 1]), 1, zeroTime(), null, 8),
  call('select', 6, fdset(3, 5), fdset(4), fdset(3), null),
  call('select', 6, fdset(3), null, null, zeroTime()),
  call('select', 100, fdset(3, 42), null, null, zeroTime()),
  call('select', -1, null, null, null, zeroTime()),
  call('pselect6', 6, fdset(3, 4), fdset(4), null, zeroTime(), null),
  call('read', fdAt(0, 0), out(1), 1),
  call('poll', pollfd([3, 1]), 1, 0),
  call('select', 4, fdset(3), null, null, zeroTime()),
  call('close', fdAt(0, 4)),
  call('poll', pollfd([3, 1]), 1, 0),
  call('select', 4, fdset(3), null, null, zeroTime()),
  call('pipe2', out(8), 0),
  call('close', fdAt(17, 0)),
  call('poll', pollfd([4, 5]), 1, 0),
  call('poll', pollfd(), 0, 0),
  call('poll', pollfd([3, 1]), 100000, 0),
  call('ppoll', pollfd([3, 1]), 1, bytes(Buffer.from('ffffffffffffffff0000000000000000', 'hex')), null, 8),
]));

test('files outlive their names; appends; sendfile; copy_file_range', () => same([
  call('openat', AT_FDCWD, str('f'), O_CREAT | O_RDWR, 0o644),
  call('write', res(0), bytes('0123456789'), 10),
  call('unlinkat', AT_FDCWD, str('f'), 0),
  decoded('stat', 'fstat', res(0), out(144)),
  call('pread64', res(0), out(10), 10, 0),
  call('newfstatat', AT_FDCWD, str('f'), out(144), 0),
  call('openat', AT_FDCWD, str('g'), O_CREAT | O_WRONLY | O_APPEND, 0o644),
  call('write', res(6), bytes('abc'), 3),
  call('pwrite64', res(6), bytes('XY'), 2, 0),
  call('openat', AT_FDCWD, str('g'), O_RDONLY),
  call('read', res(9), out(16), 16),
  call('pipe2', out(8), O_NONBLOCK),
  call('sendfile', fdAt(11, 4), res(0), bytes(Buffer.from('0200000000000000', 'hex'), true), 5),
  call('read', fdAt(11, 0), out(16), 16),
  call('lseek', res(0), 0, SEEK_CUR),
  call('lseek', res(0), 1, SEEK_SET),
  call('sendfile', fdAt(11, 4), res(0), null, 3),
  call('lseek', res(0), 0, SEEK_CUR),
  call('read', fdAt(11, 0), out(16), 16),
  call('sendfile', res(6), res(0), null, 3),
  call('openat', AT_FDCWD, str('h'), O_CREAT | O_RDWR, 0o644),
  call('copy_file_range', res(0), bytes(Buffer.from('0100000000000000', 'hex'), true), res(20), null, 4, 0),
  call('pread64', res(20), out(16), 16, 0),
  call('lseek', res(20), 0, SEEK_CUR),
  call('copy_file_range', res(0), null, res(20), null, 100, 0),
  call('pread64', res(20), out(16), 16, 0),
  call('copy_file_range', res(0), null, res(20), null, 4, 1),
  call('copy_file_range', res(0), null, fdAt(11, 4), null, 4, 0),
  call('lseek', res(20), 0, SEEK_END),
  call('ftruncate', res(20), 20),
  call('pread64', res(20), out(24), 24, 0),
  call('fallocate', res(20), 0, 0, 30),
  decoded('stat', 'fstat', res(20), out(144)),
  call('fallocate', res(20), 1, 0, 100),
  decoded('stat', 'fstat', res(20), out(144)),
  call('fallocate', res(20), 8, 0, 100),
  call('fallocate', res(9), 0, 0, 10),
]));

const S_IFIFO = 0o10000;

test('FIFOs: mknod, non-blocking opens (ENXIO without a reader), data through the file, fstat shows the file', () => same([
  call('mknodat', AT_FDCWD, str('fifo'), S_IFIFO | 0o644, 0),
  decoded('stat', 'newfstatat', AT_FDCWD, str('fifo'), out(144), 0),
  call('openat', AT_FDCWD, str('fifo'), O_WRONLY | O_NONBLOCK),
  call('openat', AT_FDCWD, str('fifo'), O_RDONLY | O_NONBLOCK),
  call('read', res(3), out(8), 8),
  call('openat', AT_FDCWD, str('fifo'), O_WRONLY),
  call('write', res(5), bytes('through'), 7),
  call('read', res(3), out(16), 16),
  decoded('stat', 'fstat', res(3), out(144)),
  call('fcntl', res(3), 3, 0),
  call('fcntl', res(5), 3, 0),
  call('openat', AT_FDCWD, str('fifo'), O_RDWR),
  call('close', res(5)),
  call('read', res(3), out(8), 8),
  call('close', res(11)),
  call('read', res(3), out(8), 8),
  call('lseek', res(3), 0, SEEK_SET),
  call('ftruncate', res(3), 0),
  call('mknodat', AT_FDCWD, str('fifo'), S_IFIFO | 0o644, 0),
  call('mknodat', AT_FDCWD, str('bad'), 0o170000 | 0o644, 0),
]));
