import { test } from "node:test";
import assert from "node:assert/strict";
import { Code, ModuleBuilder, Op, T } from "./encoder.js";

function instantiate(m: ModuleBuilder, mem: WebAssembly.Memory, imports: Record<string, (...a: never[]) => unknown> = {}): Record<string, unknown> {
  const bytes = m.encode(1);
  assert.ok(WebAssembly.validate(bytes), "the module validates");
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { mem, ...imports } }).exports;
}

test("i64 constants of every magnitude round-trip through memory (signed LEB128)", () => {
  const values = [0n, 1n, -1n, 63n, 64n, -64n, -65n, 0x7fffffffn, 0x80000000n, -0x80000000n, 0xffffffffn, 1n << 52n, -(1n << 63n), (1n << 63n) - 1n, 0x123456789abcdefn];
  const m = new ModuleBuilder();
  const c = new Code(0);
  values.forEach((v, k) => {
    const u = BigInt.asUintN(64, v);
    c.i32(k * 8).i64(Number(BigInt.asIntN(32, u)), Number(BigInt.asIntN(32, u >> 32n))).mem(Op.i64_store);
  });
  m.func({ params: [], results: [] }, c, "run");
  const mem = new WebAssembly.Memory({ initial: 1, maximum: 1 });
  (instantiate(m, mem).run as () => void)();
  const got = new BigInt64Array(mem.buffer, 0, values.length);
  assert.deepEqual([...got], values);
});

test("i32 constants, locals, loops, br_table and imported calls", () => {
  const m = new ModuleBuilder();
  const seen: number[] = [];
  const note = m.importFunc("note", { params: [T.I32], results: [] });
  // f(n): calls note(k) for k in n..1 and returns case(n & 3) of [10, 20, 30] (else -7).
  const c = new Code(1);
  const k = c.local(T.I32);
  c.get(0).set(k);
  c.block().loop();
  c.get(k).op(Op.i32_eqz).brIf(1);
  c.get(k).call(note);
  c.get(k).i32(-1).op(Op.i32_add).set(k);
  c.br(0).end().end();
  c.block().block().block().block();
  c.get(0).i32(3).op(Op.i32_and).brTable([0, 1, 2], 3);
  c.end().i32(10).op(Op.return);
  c.end().i32(20).op(Op.return);
  c.end().i32(30).op(Op.return);
  c.end().i32(-7);
  m.func({ params: [T.I32], results: [T.I32] }, c, "f");
  const f = instantiate(m, new WebAssembly.Memory({ initial: 1, maximum: 1 }), { note: (v: number) => { seen.push(v); } }).f as (n: number) => number;
  assert.deepEqual([f(4), f(5), f(6), f(3), f(8)], [10, 20, 30, -7, 10]);
  assert.deepEqual(seen.slice(0, 4), [4, 3, 2, 1]);
});
