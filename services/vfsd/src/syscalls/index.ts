/**
 * The syscalls vfsd answers, by x86-64 number. The nucleus's ABI table
 * (nucleus/src/ps/linux/table/vfsd.ts) routes exactly these here and says which
 * guest memory travels with each; a test keeps the two lists equal.
 */
import type { Handler } from './call.js';
import * as rw from './rw.js';
import * as op from './open.js';
import * as fd from './fd.js';
import * as st from './stat.js';
import * as dirs from './dirs.js';
import * as attrs from './attrs.js';
import * as poll from './poll.js';
import * as sock from './socket.js';
import { memfdCreate } from './memfd.js';

export const HANDLERS: ReadonlyMap<number, Handler> = new Map<number, Handler>([
  [0, rw.read], [1, rw.write], [2, op.open], [3, op.close], [4, st.stat], [5, st.fstat], [6, st.lstat],
  [7, poll.poll], [8, rw.lseek], [16, fd.ioctl], [17, rw.pread64], [18, rw.pwrite64], [19, rw.readv],
  [20, rw.writev], [21, st.access], [22, fd.pipe], [23, poll.select], [32, fd.dup], [33, fd.dup2],
  [40, rw.sendfile], [41, sock.socket], [42, sock.connect], [43, sock.accept], [44, sock.sendto],
  [45, sock.recvfrom], [46, sock.sendmsg], [47, sock.recvmsg], [48, sock.shutdown], [49, sock.bind], [50, sock.listen],
  [51, sock.getsockname], [52, sock.getpeername], [53, sock.socketpair], [54, sock.setsockopt], [55, sock.getsockopt], [72, fd.fcntl], [73, attrs.flock], [74, attrs.fsync], [75, attrs.fsync],
  [76, attrs.truncate], [77, attrs.ftruncate], [79, dirs.getcwd], [80, dirs.chdir], [81, dirs.fchdir],
  [82, dirs.rename], [83, dirs.mkdir], [84, dirs.rmdir], [85, op.creat], [86, dirs.link], [87, dirs.unlink],
  [88, dirs.symlink], [89, st.readlink], [90, attrs.chmod], [91, attrs.fchmod], [92, attrs.chown],
  [93, attrs.fchown], [94, attrs.lchown], [95, attrs.umask], [132, attrs.utime], [133, dirs.mknod],
  [137, st.statfs], [138, st.fstatfs], [162, attrs.sync], [188, attrs.setxattr], [189, attrs.lsetxattr],
  [190, attrs.fsetxattr], [191, attrs.getxattr], [192, attrs.lgetxattr], [193, attrs.fgetxattr],
  [194, attrs.listxattr], [195, attrs.llistxattr], [196, attrs.flistxattr], [197, attrs.removexattr],
  [198, attrs.lremovexattr], [199, attrs.fremovexattr], [217, dirs.getdents64], [221, attrs.fadvise64],
  [235, attrs.utimes], [257, op.openat], [258, dirs.mkdirat], [259, dirs.mknodat], [260, attrs.fchownat],
  [261, attrs.futimesat], [262, st.newfstatat], [263, dirs.unlinkat], [264, dirs.renameat], [265, dirs.linkat],
  [266, dirs.symlinkat], [267, st.readlinkat], [268, attrs.fchmodat], [269, st.faccessat], [270, poll.pselect6],
  [271, poll.ppoll], [280, attrs.utimensat], [285, attrs.fallocate], [288, sock.accept4], [292, fd.dup3], [293, fd.pipe2],
  [295, rw.preadv], [296, rw.pwritev], [306, attrs.syncfs], [316, dirs.renameat2], [319, memfdCreate], [326, rw.copyFileRange],
  [327, rw.preadv2], [328, rw.pwritev2], [332, st.statx], [436, op.closeRange], [439, st.faccessat2],
  [452, attrs.fchmodat2],
]);
