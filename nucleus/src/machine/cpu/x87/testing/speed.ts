/**
 * Throughput of the Fpu methods, in ns per instruction on this machine:
 * `node nucleus/dist/machine/cpu/x87/testing/speed.js`. Each row runs a short
 * instruction sequence in a loop over varied operands, so rounding paths and
 * operand classes mix the way they do in real code.
 */
import { ArithOp, Const, Fpu } from '../fpu.js';

const f = new Fpu();
// Operands: a spread of magnitudes with full 64-bit significands.
const N = 64;
const lo = new Uint32Array(N), hi = new Uint32Array(N), se = new Uint16Array(N);
let seed = 12345;
const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0));
for (let i = 0; i < N; i++) {
  lo[i] = rnd();
  hi[i] = (rnd() | 0x80000000) >>> 0;
  se[i] = 0x3fff - 20 + (rnd() % 40) + (i & 1 ? 0x8000 : 0);
}

function time(label: string, perIteration: number, iterations: number, body: (i: number) => void): void {
  for (let i = 0; i < Math.min(iterations, 2000); i++) body(i); // warm up
  const t = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) body(i);
  const ns = Number(process.hrtime.bigint() - t) / (iterations * perIteration);
  console.log(`${label.padEnd(34)} ${ns.toFixed(1).padStart(8)} ns/instruction`);
}

const load2 = (i: number) => {
  f.fninit();
  f.fldF80(lo[i & 63], hi[i & 63], se[i & 63]);
  f.fldF80(lo[(i + 7) & 63], hi[(i + 7) & 63], se[(i + 7) & 63]);
};

time('fld m80 x2 + fninit', 3, 1e6, load2);
time('fadd/fsub/fmul st0,st1 (+loads)', 6, 1e6, (i) => {
  load2(i);
  f.arithSt0(ArithOp.Add, 1);
  f.arithSt0(ArithOp.Sub, 1);
  f.arithSt0(ArithOp.Mul, 1);
});
time('fdiv st0,st1 (+loads)', 4, 5e5, (i) => {
  load2(i);
  f.arithSt0(ArithOp.Div, 1);
});
time('fsqrt (+loads)', 4, 5e5, (i) => {
  load2(i);
  f.fabs();
  f.fsqrt();
});
time('fld m64 / fstp m64', 3, 1e6, (i) => {
  f.fninit();
  f.fldF64(lo[i & 63], hi[i & 63] & 0x7fefffff);
  f.fstF64(true);
});
time('fild m32 / fistp m32', 3, 1e6, (i) => {
  f.fninit();
  f.fildI32(lo[i & 63]);
  f.fist(32, true, false);
});
time('fcomi st1 (+loads)', 4, 1e6, (i) => {
  load2(i);
  f.fcomi(1, false, false);
});
time('fxch + fchs + fabs (+loads)', 6, 1e6, (i) => {
  load2(i);
  f.fxch(1);
  f.fchs();
  f.fabs();
});
time('fprem (+loads)', 4, 2e5, (i) => {
  load2(i);
  f.fprem(false);
});
time('frndint (+loads)', 4, 5e5, (i) => {
  load2(i);
  f.frndint();
});
time('fldpi + fsin', 3, 2e4, (i) => {
  f.fninit();
  f.fldF80(lo[i & 63], hi[i & 63], (se[i & 63] & 0x7fff) - 10);
  f.fsin();
});
time('f2xm1', 2, 2e4, (i) => {
  f.fninit();
  f.fldF80(lo[i & 63], hi[i & 63], 0x3ffe - (i & 7));
  f.f2xm1();
});
time('fyl2x', 3, 2e4, (i) => {
  load2(i);
  f.fabs();
  f.fyl2x();
});
time('fpatan', 3, 2e4, (i) => {
  load2(i);
  f.fpatan();
});
time('fldl2e (constant)', 2, 1e6, () => {
  f.fninit();
  f.fldConst(Const.L2E);
});
