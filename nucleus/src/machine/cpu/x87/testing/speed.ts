/**
 * Cost of the Fpu methods, in ns per instruction on this machine (best of
 * three rounds): `node nucleus/dist/machine/cpu/x87/testing/speed.js`. Each row
 * runs over 64 operands of mixed magnitude, sign and full-width significands,
 * net of the cost of loading them.
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

/** Best-of-five average ns per iteration of body, after a warm-up. */
function measure(iterations: number, body: (i: number) => void): number {
  for (let i = 0; i < Math.min(iterations, 5000); i++) body(i);
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) body(i);
    best = Math.min(best, Number(process.hrtime.bigint() - t) / iterations);
  }
  return best;
}

/** Prints the cost of `count` instructions per iteration, net of the operand set-up when `setup`. */
function time(label: string, count: number, iterations: number, body: (i: number) => void, setup = true): void {
  const base = setup ? measure(iterations, load2) : 0;
  const ns = (measure(iterations, body) - base) / count;
  console.log(`${label.padEnd(30)} ${ns.toFixed(1).padStart(8)} ns`);
}

const load2 = (i: number) => {
  f.fninit();
  f.fldF80(lo[i & 63], hi[i & 63], se[i & 63]);
  f.fldF80(lo[(i + 7) & 63], hi[(i + 7) & 63], se[(i + 7) & 63]);
};

time('fninit + 2 x fld m80', 3, 1e6, load2, false);
time('fadd st0,st1', 1, 1e6, (i) => { load2(i); f.arithSt0(ArithOp.Add, 1); });
time('fmul st0,st1', 1, 1e6, (i) => { load2(i); f.arithSt0(ArithOp.Mul, 1); });
time('fdiv st0,st1', 1, 5e5, (i) => { load2(i); f.arithSt0(ArithOp.Div, 1); });
time('fsqrt', 1, 2e5, (i) => { load2(i); f.fsqrt(); });
time('fcomi st1', 1, 1e6, (i) => { load2(i); f.fcomi(1, false, false); });
time('fxch st1', 1, 1e6, (i) => { load2(i); f.fxch(1); });
time('fprem', 1, 5e5, (i) => { load2(i); f.fprem(false); });
time('frndint', 1, 5e5, (i) => { load2(i); f.frndint(); });
time('fld m64 + fstp m64', 2, 1e6, (i) => {
  f.fninit();
  f.fldF64(lo[i & 63], hi[i & 63] & 0x7fefffff);
  f.fstF64(true);
}, false);
time('fild m32 + fistp m32', 2, 1e6, (i) => {
  f.fninit();
  f.fildI32(lo[i & 63]);
  f.fist(32, true, false);
}, false);
time('fldl2e', 1, 1e6, () => {
  f.fninit();
  f.fldConst(Const.L2E);
}, false);
time('fsin', 1, 2e4, (i) => {
  f.fninit();
  f.fldF80(lo[i & 63], hi[i & 63], (se[i & 63] & 0x7fff) - 10);
  f.fsin();
}, false);
time('f2xm1', 1, 1e4, (i) => {
  f.fninit();
  f.fldF80(lo[i & 63], hi[i & 63], 0x3ffe - (i & 7));
  f.f2xm1();
}, false);
time('fyl2x', 1, 1e4, (i) => {
  load2(i);
  f.fabs();
  f.fyl2x();
});
time('fpatan', 1, 1e4, (i) => {
  load2(i);
  f.fpatan();
});
