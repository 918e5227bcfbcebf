// loaderd's table entries against the host kernel's syscall numbers and the
// mailbox contract loaderd reads (docs/LINUX-ABI.md): path, argv, envp in order.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { LOADERD } from './loaderd.js';

test('execve and execveat: the host\'s numbers, routed to loaderd, with path, argv and envp', () => {
  const unistd = readFileSync('/usr/include/x86_64-linux-gnu/asm/unistd_64.h', 'utf8');
  const nr = (name: string): number => Number(new RegExp(`__NR_${name} (\\d+)`).exec(unistd)![1]);
  for (const e of LOADERD) {
    assert.equal(e.nr, nr(e.name), e.name);
    assert.equal(e.route, 'loaderd');
  }
  const shape = (name: string) => LOADERD.find((e) => e.name === name)!.in!.map((i) => `${i.kind}@${'ptr' in i ? i.ptr : ''}`);
  assert.deepEqual(shape('execve'), ['cstr@0', 'cstrv@1', 'cstrv@2']);
  assert.deepEqual(shape('execveat'), ['cstr@1', 'cstrv@2', 'cstrv@3']);
});
