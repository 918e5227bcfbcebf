// The guest's /etc: who the users are, what the machine is called, what the
// system says it is, and what a login shell starts with. Plain text, generated
// here so the tree holds nothing of the build host's identity.

/** guest path -> file text; `version` is the project's (package.json). */
export function etcFiles(version) {
  return {
    '/etc/passwd': [
      'root:x:0:0:root:/root:/bin/sh',
      'user:x:1000:1000:user:/home/user:/bin/sh',
      'nobody:x:65534:65534:nobody:/nonexistent:/bin/false',
    ],
    '/etc/group': ['root:x:0:', 'tty:x:5:', 'users:x:100:user', 'user:x:1000:', 'nogroup:x:65534:'],
    '/etc/hostname': ['rustos'],
    '/etc/hosts': ['127.0.0.1\tlocalhost', '127.0.1.1\trustos', '::1\tlocalhost ip6-localhost ip6-loopback'],
    '/etc/os-release': [
      'NAME="RustOS-TS"',
      'ID=rustos',
      `VERSION_ID="${version}"`,
      `PRETTY_NAME="RustOS-TS ${version}"`,
    ],
    '/etc/profile': [
      '# Login shells (busybox ash) on RustOS-TS.',
      'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      "export PS1='\\u@\\h:\\w\\$ '",
      'umask 022',
    ],
    '/etc/shells': ['/bin/sh', '/bin/ash'],
    // glibc (the dynamic tools) reads users and groups from files only.
    '/etc/nsswitch.conf': ['passwd: files', 'group: files', 'shadow: files', 'hosts: files', 'networks: files', 'services: files'],
  };
}
