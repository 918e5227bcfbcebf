/**
 * A region (../translator.ts) compiled to a WebAssembly function instead of JS:
 * V8 compiles WebAssembly in one fast pass (Liftoff) with no warm-up and no
 * deoptimisation, where a JS region costs about 0.4 ms of TurboFan per guest
 * instruction (docs/BENCHMARKS.md). Same shape as the JS region: a loop over a
 * br_table on the block index, exits that record how the region left (the
 * dispatcher chains, chain.ts), and a fault path that stores the registers and
 * the flag record pending at the faulting instruction.
 */
import { formOf } from "../../decode/decoder.js";
import type { Insn } from "../../decode/insn.js";
import type { Block } from "../../blocks.js";
import { endsBlock } from "../../exec/registry.js";
import { Code, ModuleBuilder, Op, T } from "./encoder.js";
import { CALL_ENDS, Imp, P, Status, W, word, local, type ExitInfo, type V, WGen } from "./wgen.js";
import { push64, wasmEmitterFor } from "./wemit.js";
import { isJcc, selfLoop } from "../forms.js";
import "./wsse.js";

/** The signature of a region function and of the imported helpers, in Imp order. */
export const REGION_TYPE = { params: [T.I32, T.I32, T.I32, T.I32], results: [T.I32] };
const IMPORTS: [string, { params: T[]; results: T[] }][] = [
  ["read", { params: [T.I32, T.I32, T.I32, T.I32], results: [T.I32] }],
  ["write", { params: [T.I32, T.I32, T.I32, T.I32, T.I32], results: [T.I32] }],
  ["call", { params: [T.I32], results: [T.I32] }],
  ["cond", { params: [T.I32], results: [T.I32] }],
  ["cf", { params: [], results: [T.I32] }],
  ["gp", { params: [], results: [] }],
  ["bits", { params: [T.I32, T.I32], results: [] }],
];

interface Region {
  blocks: Block[];
  index: Map<number, number>;
}

/**
 * The module's bytes for a region over RAM of `pages` WebAssembly pages
 * (exported as "run"), its exits, and how many of its instructions (block ends
 * aside) call their interpreter handler.
 */
export function regionModule(blocks: Block[], pages: number): { bytes: Uint8Array; exits: ExitInfo[]; handlerRun: number } {
  const r: Region = { blocks, index: new Map(blocks.map((b, j) => [b.va, j])) };
  const g = generate(r);
  g.finish();
  const m = new ModuleBuilder();
  for (const [name, t] of IMPORTS) m.importFunc(name, t);
  m.func(REGION_TYPE, g.c, "run");
  m.globals = 2 * g.links;
  if (g.usesMulHi) {
    m.func(MUL_TYPE, MUL_HI_U);
    m.func(MUL_TYPE, MUL_HI_S);
  }
  return { bytes: m.encode(pages), exits: g.exits, handlerRun: g.handlerRun };
}

const MUL_TYPE = { params: [T.I64, T.I64], results: [T.I64] };

/** High 64 bits of the unsigned 128-bit product of its two i64 parameters (from 32-bit partial products). */
function mulHiU(): Code {
  const c = new Code(2);
  const t = c.local(T.I64), u = c.local(T.I64), v = c.local(T.I64);
  const lo = (x: number) => c.get(x).i64(-1, 0).op(Op.i64_and);
  const hi = (x: number) => c.get(x).i64(32, 0).op(Op.i64_shr_u);
  lo(0); lo(1); c.op(Op.i64_mul).set(t);
  hi(0); lo(1); c.op(Op.i64_mul); hi(t); c.op(Op.i64_add).set(u);
  lo(0); hi(1); c.op(Op.i64_mul); lo(u); c.op(Op.i64_add).set(v);
  hi(0); hi(1); c.op(Op.i64_mul); hi(u); c.op(Op.i64_add); hi(v); c.op(Op.i64_add);
  return c;
}

/** High 64 bits of the signed 128-bit product: the unsigned one, less b when a < 0 and a when b < 0. */
function mulHiS(): Code {
  const c = new Code(2);
  c.get(0).get(1).call(Imp.MulHiU);
  c.get(1).i64(0, 0).get(0).i64(0, 0).op(Op.i64_lt_s, Op.select, Op.i64_sub);
  c.get(0).i64(0, 0).get(1).i64(0, 0).op(Op.i64_lt_s, Op.select, Op.i64_sub);
  return c;
}

const MUL_HI_U = mulHiU();
const MUL_HI_S = mulHiS();

function generate(r: Region): WGen {
  const g = new WGen();
  const c = g.c;
  const n = r.blocks.length;
  g.open("block", "fault");
  g.open("block", "exit");
  g.open("loop", "L");
  for (let j = n - 1; j >= 0; j--) g.open("block", `c${j}`);
  c.get(P.Pc).brTable(r.blocks.map((_, j) => j), 0);
  let k0 = 0;
  r.blocks.forEach((b, j) => {
    g.close();
    g.startBlock();
    const loops = selfLoop(b);
    if (loops) g.open("loop", `S${j}`);
    c.get(P.B).i32(b.insns.length).op(Op.i32_sub).set(P.B);
    const len = b.insns.length;
    for (let k = 0; k < len; k++) {
      const i = b.insns[k];
      g.k = k0 + k;
      g.insn = i;
      g.nextVa = i.va + i.len;
      g.remaining = len - k - 1;
      const key = formOf(i).key;
      if (k === len - 1) {
        emitLast(g, r, j, i, key);
        break;
      }
      const e = wasmEmitterFor(key);
      if (!(e && e(g, i))) fallback(g, g.k, false);
    }
    k0 += len;
    if (loops) g.close();
    c.op(Op.unreachable);
  });
  g.close(); // L
  g.close(); // exit: the registers, the budget, status 0
  g.spill();
  c.get(P.Ctx).get(P.B).mem(Op.i32_store, word(W.Budget));
  c.get(g.ret).op(Op.return);
  g.close(); // fault: the flag record pending at the faulting instruction too
  g.faultFixups();
  g.spill();
  c.get(P.Ctx).get(P.B).mem(Op.i32_store, word(W.Budget));
  c.get(P.Ctx).get(g.f).mem(Op.i32_store, word(W.Fault));
  c.i32(1);
  return g;
}

/** Calls instruction k's interpreter handler (registers and flags through the context). */
function fallback(g: WGen, k: number, terminator: boolean): V {
  const c = g.c;
  if (!terminator) g.handlerRun++;
  g.commit();
  c.i32(k).set(g.f);
  c.i32(terminator ? k | CALL_ENDS : k);
  g.helper(Imp.Call, true);
  // 0: done, 1: fault, 2: this block's code was overwritten, 3: the handler ended the run (syscall, trap).
  const st = g.tmp(T.I32);
  c.tee(st).i32(1).op(Op.i32_eq).brIf(g.depth("fault"));
  g.forgetFlags();
  if (!terminator) {
    c.get(st).i32(2).op(Op.i32_eq);
    g.open("if", "");
    g.exitTo(g.nextVa, -1, -1, -1, g.remaining);
    g.close();
  }
  return local(T.I32, st);
}

/** Leaves block j for a static target: inside the region, or through chaining slot `slot`. */
function staticExit(g: WGen, r: Region, j: number, target: number, slot: number): void {
  const c = g.c;
  g.commit();
  const t = r.index.get(target);
  if (t !== undefined) {
    c.get(P.B).i32(r.blocks[t].insns.length).op(Op.i32_ge_s);
    g.open("if", "");
    if (t === j && selfLoop(r.blocks[j])) g.br(`S${j}`);
    else { c.i32(t).set(P.Pc); g.br("L"); }
    g.close();
    g.exitTo(target, j, -1, -1);
    return;
  }
  const samePage = Math.floor(target / 4096) === r.blocks[j].vpage;
  g.exitTo(target, j, slot, samePage ? -2 : -1);
}

/** Exit to the address in local `rip`; a return to one of the region's blocks continues inside. */
function dynamicExit(g: WGen, r: Region, j: number, inRegion: boolean, rip: V): void {
  const c = g.c;
  g.commit();
  if (inRegion && r.blocks.length > 1) {
    r.blocks.forEach((b, t) => {
      g.push(rip); c.i64(b.va | 0, Math.floor(b.va / 4294967296) | 0).op(Op.i64_eq);
      c.get(P.B).i32(b.insns.length).op(Op.i32_ge_s, Op.i32_and);
      g.open("if", "");
      c.i32(t).set(P.Pc);
      g.br("L");
      g.close();
    });
  }
  g.exitTo(rip, j, 0, -1);
}

/** Pushes a canonical check of the i64 local v: #GP when it is not. */
function canonical(g: WGen, v: V): void {
  const c = g.c;
  // Canonical: bits 63..47 all equal, i.e. (v >> 47) is 0 or -1.
  g.push(v); c.i64(47, 0).op(Op.i64_shr_s).i64(1, 0).op(Op.i64_add).i64(1, 0).op(Op.i64_gt_u);
  g.open("if", "");
  g.c.call(Imp.Gp);
  g.br("fault");
  g.close();
}

function emitLast(g: WGen, r: Region, j: number, i: Insn, key: string): void {
  const b = r.blocks[j];
  const c = g.c;
  if (isJcc(key)) {
    g.cond(i.opcode & 15);
    const t = g.save(T.I32);
    g.commit();
    g.push(t);
    g.open("if", "");
    staticExit(g, r, j, i.target, 0);
    g.close();
    staticExit(g, r, j, b.end, 1);
    return;
  }
  if (key === "JMP Jb" || key === "JMP Jz") {
    staticExit(g, r, j, i.target, 0);
    return;
  }
  if (key === "CALL Jz") {
    g.faultPoint();
    g.nextVa = i.target;
    const ret = i.va + i.len;
    push64(g, { t: T.I64, local: -1, lo: ret | 0, hi: Math.floor(ret / 4294967296) | 0 });
    staticExit(g, r, j, i.target, 0);
    return;
  }
  if (key === "RET -") {
    g.faultPoint();
    const sp = g.offset(4, 0);
    const t = g.load(sp, 8);
    canonical(g, t);
    g.push(sp); c.i64(8, 0).op(Op.i64_add);
    g.setReg(4, 8, g.save(T.I64));
    dynamicExit(g, r, j, true, t);
    return;
  }
  if ((key === "JMP Ev" || key === "CALL Ev") && i.osz === 8) {
    g.faultPoint();
    let t: V;
    if (i.rm >= 0) t = g.regVal(i.rm, 8);
    else t = g.load(g.address(i), 8);
    canonical(g, t);
    if (key === "CALL Ev") {
      const ret = i.va + i.len;
      // A push that rewrites this block's code leaves it at the call's target.
      g.nextVa = t;
      push64(g, { t: T.I64, local: -1, lo: ret | 0, hi: Math.floor(ret / 4294967296) | 0 });
    }
    dynamicExit(g, r, j, true, t);
    return;
  }
  const e = wasmEmitterFor(key);
  const ends = endsBlock(i);
  if (!ends && e && e(g, i)) {
    staticExit(g, r, j, b.end, 1);
    return;
  }
  const st = fallback(g, g.k, ends);
  if (ends) {
    // The handler left the next rip in the context's exit words.
    const nx = g.tmp(T.I64);
    c.get(P.Ctx).mem(Op.i64_load, word(W.NxLo)).set(nx);
    g.push(st); c.i32(3).op(Op.i32_eq);
    g.open("if", "");
    g.exitTo(local(T.I64, nx), j, -1, -1);
    g.close();
    dynamicExit(g, r, j, false, local(T.I64, nx));
  } else {
    staticExit(g, r, j, b.end, 1);
  }
}


/**
 * The driver: `enter(slot, pc, budget, tlb, ctx)` calls the region function in
 * table slot `slot`, and as long as it returns Status.Linked, the one it names
 * in the context (NextF, NextPc) with the budget it left; then records the last
 * slot (LastF) and returns its status. Regions following each other this way
 * never go back to JS in between.
 */
export function driverModule(pages: number): Uint8Array {
  const m = new ModuleBuilder();
  m.table = true;
  const region = m.typeIndex(REGION_TYPE);
  const c = new Code(5);
  const [slot, pc, budget, tlb, ctx] = [0, 1, 2, 3, 4];
  const st = c.local(T.I32);
  c.loop();
  c.get(pc).get(budget).get(tlb).get(ctx).get(slot).callIndirect(region).tee(st);
  c.i32(Status.Linked).op(Op.i32_eq).if();
  c.get(ctx).mem(Op.i32_load, word(W.NextF)).set(slot);
  c.get(ctx).mem(Op.i32_load, word(W.NextPc)).set(pc);
  c.get(ctx).mem(Op.i32_load, word(W.Budget)).set(budget);
  c.br(1).end().end();
  c.get(ctx).get(slot).mem(Op.i32_store, word(W.LastF));
  c.get(st);
  m.func({ params: [T.I32, T.I32, T.I32, T.I32, T.I32], results: [T.I32] }, c, "enter");
  return m.encode(pages);
}
