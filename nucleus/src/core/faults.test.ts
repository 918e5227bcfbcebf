import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FaultInjector, FaultRuleError } from './faults.js';

test('no rules: every check passes without allocation of a verdict', () => {
  const f = new FaultInjector('');
  assert.equal(f.check('broker.mm'), undefined);
});

test('fail-after:N lets N hits through, then fails every hit', () => {
  const f = new FaultInjector('broker.mm=fail-after:2');
  assert.deepEqual([1, 2, 3, 4].map(() => f.check('broker.mm')?.fail ?? false), [false, false, true, true]);
  assert.equal(f.check('broker.proc.commit'), undefined);
});

test('drop-every:N drops exactly every Nth hit', () => {
  const f = new FaultInjector('ipc.deliver.*=drop-every:3');
  const drops = Array.from({ length: 9 }, () => f.check('ipc.deliver.syscalld.linux')?.drop ?? false);
  assert.deepEqual(drops, [false, false, true, false, false, true, false, false, true]);
});

test('rate:N fails about N per 1000 hits, reproducibly for a seed', () => {
  const count = (seed: number) => {
    const f = new FaultInjector('broker.*=rate:100', seed);
    let n = 0;
    for (let i = 0; i < 10_000; i++) if (f.check('broker.mm')?.fail) n++;
    return n;
  };
  const a = count(7);
  assert.equal(a, count(7));
  assert.ok(a > 850 && a < 1150, `rate:100 fired ${a} times in 10000`);
});

test('delay-ms adds up across matching rules; fail combines', () => {
  const f = new FaultInjector('broker.mm=delay-ms:5;broker.*=delay-ms:7,broker.mm=fail');
  const v = f.check('broker.mm');
  assert.deepEqual({ fail: v?.fail, drop: v?.drop, delayMs: v?.delayMs }, { fail: true, drop: false, delayMs: 12 });
});

test('bad rules are refused with a message naming the rule', () => {
  assert.throws(() => new FaultInjector('broker.mm'), (e: Error) => e instanceof FaultRuleError && /point=action/.test(e.message));
  assert.throws(() => new FaultInjector('broker.mm=explode'), /bad action "explode"/);
  assert.throws(() => new FaultInjector('broker.mm=rate:2000'), /bad action/);
  assert.throws(() => new FaultInjector('Broker MM=fail'), /bad point name/);
});
