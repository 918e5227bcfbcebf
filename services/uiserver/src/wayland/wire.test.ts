/** The wire format against byte layouts written out from the spec ("Wire Format" in the Wayland docs). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeArgs, encodeMessage, readHeader, wireArgs, WireError } from './wire.js';
import { interfaces, type Arg } from './protocol.js';
import { concat } from './test-transport.js';

const le = (...words: number[]) => new Uint8Array(new Uint32Array(words).buffer);

test('header: object id, then size << 16 | opcode, little-endian', () => {
  assert.deepEqual(readHeader(le(7, (20 << 16) | 3), 0), { id: 7, opcode: 3, size: 20 });
  assert.equal(readHeader(new Uint8Array(7), 0), undefined, 'an incomplete header');
});

test('int, uint, fixed (24.8), string (length with NUL, padded), null string, array, object, fd', () => {
  const args: Arg[] = [
    { name: 'i', type: 'int' }, { name: 'u', type: 'uint' }, { name: 'f', type: 'fixed' }, { name: 's', type: 'string' },
    { name: 'n', type: 'string', nullable: true }, { name: 'a', type: 'array' }, { name: 'o', type: 'object', nullable: true }, { name: 'h', type: 'fd' },
  ];
  const body = concat(le(-5 >>> 0, 0xfffffffe, (-2.5 * 256) >>> 0, 5), new Uint8Array([0x68, 0x65, 0x6c, 0x6c, 0, 0, 0, 0]),
    le(0, 3), new Uint8Array([1, 2, 3, 0]), le(0));
  const fds = ['the fd'];
  const v = decodeArgs(args, body, () => fds.shift());
  assert.deepEqual(v, [-5, 0xfffffffe, -2.5, 'hell', null, new Uint8Array([1, 2, 3]), 0, { fd: 'the fd' }]);
  const out: unknown[] = [];
  const bytes = encodeMessage(9, 4, args, v, out);
  assert.deepEqual([...bytes.subarray(8)], [...body], 'encoding gives the same bytes');
  assert.deepEqual(readHeader(bytes, 0), { id: 9, opcode: 4, size: 8 + body.length });
  assert.deepEqual(out, ['the fd'], 'the fd goes beside the bytes');
});

test('malformed arguments are WireErrors naming the argument', () => {
  const s: Arg[] = [{ name: 'title', type: 'string' }];
  assert.throws(() => decodeArgs(s, le(), () => undefined), (e) => e instanceof WireError && /too short for argument title/.test(e.message));
  assert.throws(() => decodeArgs(s, le(40, 0), () => undefined), /40 bytes past the end/);
  assert.throws(() => decodeArgs(s, concat(le(2), new Uint8Array([0x61, 0x62, 0, 0])), () => undefined), /not NUL-terminated/);
  assert.throws(() => decodeArgs(s, le(0), () => undefined), /title may not be null/);
  assert.throws(() => decodeArgs([{ name: 'x', type: 'uint' }], le(1, 2), () => undefined), /4 bytes left over/);
  assert.throws(() => decodeArgs([{ name: 'fd', type: 'fd' }], le(), () => undefined), /no file descriptor received for fd/);
});

test('wl_registry.bind\'s new_id without an interface travels as interface, version, id', () => {
  const bind = interfaces.wl_registry!.requests[0]!;
  assert.deepEqual(wireArgs(bind).map((a) => `${a.name}:${a.type}`), ['name:uint', 'interface:string', 'version:uint', 'id:new_id']);
});
