import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StateJournal } from './state-journal.js';
import { settle } from './test-support.js';

test('changes are written in one batch a few ms later, each key produced at write time', async () => {
  const puts: [Record<string, string>, string[]][] = [];
  const j = new StateJournal(async (set, del) => {
    puts.push([Object.fromEntries(Object.entries(set).map(([k, v]) => [k, v.toString()])), del]);
  }, 3);
  let value = 'first';
  for (let i = 0; i < 1000; i++) j.touch('k', () => Buffer.from(value));
  j.touch('gone', () => null);
  value = 'last';
  assert.equal(puts.length, 0, 'nothing is written synchronously');
  await settle(20);
  assert.deepEqual(puts, [[{ k: 'last' }, ['gone']]]);
});

test('a failed write is tried again, with whatever changed meanwhile', async () => {
  const puts: string[][] = [];
  let fail = true;
  const errors: unknown[] = [];
  const j = new StateJournal(async (set) => {
    puts.push(Object.keys(set).sort());
    if (fail) {
      fail = false;
      throw new Error('nucleus busy');
    }
  }, 1, (e) => errors.push(e));
  j.touch('a', () => Buffer.from('1'));
  await settle(10);
  j.touch('b', () => Buffer.from('2'));
  await j.flush();
  await settle(150);
  assert.equal(errors.length, 1);
  assert.deepEqual(puts, [['a'], ['a', 'b']]);
});

test('once it rides the mailbox, a batch goes at once and in order, after a Put still on its way; a closed mailbox falls back to Put', async () => {
  const log: string[] = [];
  let release!: () => void;
  const j = new StateJournal(async (set) => {
    log.push(`put ${Object.keys(set).join()}`);
    await new Promise<void>((r) => { release = r; });
  }, 1);
  j.touch('a', () => Buffer.from('1'));
  const first = j.settled();
  assert.ok(first, 'a Put is on its way');
  let open = true;
  j.rideOn(({ set }) => { if (open) log.push(`ride ${Object.keys(set).join()}`); return open; });
  j.touch('b', () => Buffer.from('2'));
  const second = j.settled();
  assert.ok(second, 'the mailbox batch waits for the Put before it (order)');
  release();
  await second;
  assert.deepEqual(log, ['put a', 'ride b']);
  j.touch('c', () => Buffer.from('3'));
  assert.equal(j.settled(), undefined, 'sent ahead of any later reply: nothing to wait for');
  assert.deepEqual(log, ['put a', 'ride b', 'ride c']);
  j.touch('e', () => Buffer.from('5'));
  j.touch('gone', () => null);
  assert.deepEqual(j.take(), { set: { e: Buffer.from('5') }, del: ['gone'] }, 'taken to travel inside an answer');
  assert.equal(j.take(), undefined, 'nothing left');
  assert.equal(j.settled(), undefined);
  open = false;
  j.touch('d', () => Buffer.from('4'));
  const last = j.settled();
  assert.ok(last);
  release();
  await last;
  assert.deepEqual(log, ['put a', 'ride b', 'ride c', 'put d']);
});
