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
