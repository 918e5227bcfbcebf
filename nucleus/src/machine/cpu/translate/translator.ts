/**
 * The block translator: turns a hot basic block, with the hot blocks of its page
 * it jumps to (a region), into one JS function (`new Function`): a loop over a
 * switch on the block, so jumps inside the region keep the guest registers in
 * locals, and a block looping on itself runs in its own inner loop. Common forms
 * are inlined by their emitters (emitters.ts); any other instruction calls its
 * interpreter handler. Flags stay lazy and a producer's record is stored only
 * when something could observe it (a fault, a handler call, a region exit): flags
 * overwritten before that are never stored, nor are rotates' CF/OF updates. Memory
 * accesses inline the TLB hit path. Exits from the region chain directly to the
 * successor's translated function when it is still valid and mapped.
 */
import { formOf } from "../decode/decoder.js";
import type { Insn } from "../decode/insn.js";
import type { Block, BlockFn } from "../blocks.js";
import type { PhysicalMemory } from "../../memory.js";
import { translateWasm } from "./wasm/link.js";
import { gprFree, isJcc, selfLoop } from "./forms.js";
import { FAULT_CHECK, Gen } from "./gen.js";
import { emitterFor, push64, readE64, spMove } from "./emitters.js";
import "./sse-emitters.js";
import { runtime } from "./runtime.js";
import { regionFunction } from "./factories.js";
import { endsBlock } from "../exec/registry.js";

/** Translations made so far (statistics). */
export let translatedBlocks = 0;

/** When set, receives the source of every translated block (debugging). */
export const debug: { onSource: ((blocks: Block[], src: string) => void) | null } = { onSource: null };

const CANONICAL = 2 ** 47;
/** Region limits: blocks and instructions per generated function. */
const MAX_REGION_BLOCKS = 48;
const MAX_REGION_INSNS = 600;

/** The blocks of one generated function, and where each one's code is. */
class Region {
  readonly index = new Map<number, number>();
  constructor(readonly blocks: Block[]) {
    blocks.forEach((b, j) => this.index.set(b.va, j));
  }
  /** Position of the first instruction of block j in the region's I/H arrays. */
  readonly first: number[] = [];
  /** Some exit continues inside the region (else one block runs straight through). */
  loops = false;
}

/**
 * Every region exit only sets locals and breaks out: nx (the next rip), xj (the
 * block left), xs (its chaining slot; -1: back to the dispatcher at nx) and xp
 * (the frame base the target must share, or -1 to check the exec TLB). The
 * epilogue records them in the state and returns; the dispatcher chains
 * (chain.ts), so no region holds (and V8 compiles into it) the chaining code.
 */
const EPILOGUE = "s.rip = nx; s.exitFrom = BL[xj]; s.exitSlot = xs; s.exitPhys = xp;";

/** Leaves block j for a static target: inside the region, or chained through exit slot `slot`. */
function staticExit(g: Gen, r: Region, j: number, target: number, slot: number): void {
  g.commit();
  const t = r.index.get(target);
  if (t === j && selfLoop(r.blocks[j])) {
    // A block looping on itself runs in its own inner loop, not through the switch.
    g.line(`if (B >= ${r.blocks[t].insns.length}) continue S${j};`);
    g.line(`nx = ${target}; xs = -1; break exit;`);
    return;
  }
  if (t !== undefined) {
    r.loops = true;
    g.line(`if (B >= ${r.blocks[t].insns.length}) { pc = ${t}; continue L; }`);
    g.line(`nx = ${target}; xs = -1; break exit;`);
    return;
  }
  const b = r.blocks[j];
  // A target on this block's page shares its frame while this code runs.
  const samePage = Math.floor(target / 4096) === b.vpage;
  // P: the region's frame base, a parameter so that the source names no physical address (factories.ts).
  g.line(`nx = ${target}; xj = ${j}; xs = ${slot}; xp = ${samePage ? "P" : -1}; break exit;`);
}

/**
 * Exit to the address in `rip` (a local). `inRegion`: rip may be one of the
 * region's blocks (a return to a call site on this page), looked up first.
 */
function dynamicExit(g: Gen, r: Region, j: number, inRegion: boolean, rip: string): void {
  g.commit();
  if (inRegion && r.blocks.length > 1) {
    r.loops = true;
    const cases = r.blocks.map((b, t) => `case ${b.va}: if (B >= ${b.insns.length}) { pc = ${t}; continue L; } break;`).join(" ");
    g.line(`switch (${rip}) { ${cases} }`);
  }
  g.line(`nx = ${rip}; xj = ${j}; xs = 0; xp = -1; break exit;`);
}

/** Calls instruction k's interpreter handler (k: index in the region). */
function fallback(g: Gen, b: Block, k: number, terminator: boolean): void {
  g.commit();
  if (terminator) g.line(`s.rip = ${b.end};`);
  const i = g.insn;
  if (!terminator && i !== null && gprFree(formOf(i).key)) {
    // Only the address registers need to be current in the state; none change.
    const regs = i.rm < 0 ? [i.base, i.index].filter((r) => r >= 0) : [];
    g.line(`f = ${k}; /*SPILL:${regs.join(",")}*/ X.call(H[${k}], s, I[${k}]); ${FAULT_CHECK}`);
  } else {
    g.line(`f = ${k}; /*SPILL*/ X.call(H[${k}], s, I[${k}]); ${FAULT_CHECK} /*RELOAD*/`);
  }
  g.forgetFlags();
  if (!terminator) g.line(`if (!blk.valid) { nx = ${g.nextVa}; B += ${g.remaining}; xs = -1; break exit; }`);
}

/** Virtual addresses a block continues at without a computed jump. */
function staticSuccessors(b: Block): number[] {
  const last = b.insns[b.insns.length - 1];
  const key = formOf(last).key;
  if (isJcc(key)) return [last.target, b.end];
  if (key === "JMP Jb" || key === "JMP Jz") return [last.target];
  // The return site too: a RET on this page comes back to it through the region's switch.
  if (key === "CALL Jz") return [last.target, b.end];
  return endsBlock(last) ? [] : [b.end];
}

/**
 * The region of `head`: blocks already decoded on its page (so executed at
 * least once) reachable from it through static successors, not yet translated
 * and not straddling into the next page. All share head's frame, so one
 * invalidation drops them all.
 */
export function collectRegion(head: Block, lookup: (va: number) => Block | undefined, minRuns = 0): Block[] {
  const blocks = [head];
  const seen = new Set([head.va]);
  let insns = head.insns.length;
  for (let q = 0; q < blocks.length && blocks.length < MAX_REGION_BLOCKS; q++) {
    for (const va of staticSuccessors(blocks[q])) {
      if (seen.has(va) || Math.floor(va / 4096) !== head.vpage) continue;
      seen.add(va);
      const b = lookup(va);
      if (b === undefined || !canJoin(head, b) || b.runs < minRuns) continue;
      if (insns + b.insns.length > MAX_REGION_INSNS || blocks.length >= MAX_REGION_BLOCKS) break;
      insns += b.insns.length;
      blocks.push(b);
    }
  }
  return blocks;
}

/** `b` may be compiled into head's region: valid, untranslated, wholly in head's frame. */
export function canJoin(head: Block, b: Block): boolean {
  return b.valid && b.fn === null && b.phys2 < 0 && b.physPage === head.physPage;
}

/** Translates a single block (its own region). */
export function translateBlock(b: Block): void {
  translateRegion([b]);
}

/**
 * Translates blocks[0] and the region's other blocks into one function
 * `(s, pc)`: a loop over a switch on the block index, so jumps among the
 * region's blocks stay inside the function with the registers in locals. Every
 * block's fn becomes that function and its entry its index. With `compiledOnly`
 * (recipes.ts) nothing changes, and false is returned, unless the same source
 * was compiled before. With `wasmRam` (a RAM in a WebAssembly.Memory) the
 * region is compiled to WebAssembly instead (wasm/).
 */
export function translateRegion(blocks: Block[], compiledOnly = false, wasmRam: PhysicalMemory | null = null): boolean {
  if (wasmRam !== null && wasmRam.wasm !== null) {
    const done = translateWasm(blocks, wasmRam, compiledOnly);
    if (done === true) translatedBlocks += blocks.length;
    if (done !== "js") return done;
  }
  const r = new Region(blocks);
  const g = new Gen();
  const insns: Insn[] = [];
  blocks.forEach((b, j) => {
    r.first.push(insns.length);
    g.startBlock();
    g.line(selfLoop(b) ? `case ${j}: S${j}: for (;;) {` : `case ${j}: {`);
    g.line(`B -= ${b.insns.length};`);
    const n = b.insns.length;
    for (let k = 0; k < n; k++) {
      const i = b.insns[k];
      g.k = insns.length;
      g.insn = i;
      insns.push(i);
      g.nextVa = i.va + i.len;
      g.remaining = n - k - 1;
      const key = formOf(i).key;
      if (k === n - 1) {
        emitLast(g, r, j, i, key);
        break;
      }
      const e = emitterFor(key);
      if (!(e && e(g, i))) fallback(g, b, g.k, false);
    }
    g.line("}");
  });
  // A single block that never continues inside needs no dispatch loop (a plain
  // function is cheaper for V8 to compile and enter). Several blocks always need
  // the switch, even without an edge among them: a call's return site is entered
  // from outside.
  const body = r.loops || blocks.length > 1 ? ["L: for (;;) { switch (pc) {", ...g.lines, "} }"] : blocks.length === 1 && selfLoop(blocks[0]) ? [`S0: for (;;) {`, ...g.lines.slice(1)] : g.lines.slice(1, -1);
  const regs = cacheRegisters(body.join("\n"));
  const head = [
    "const lo = s.lo, hi = s.hi, m = s.mmu;",
    "const rT = m.tlbReadTag, rB = m.tlbReadBase, wT = m.tlbWriteTag, wB = m.tlbWriteBase, eT = m.tlbExecTag, eB = m.tlbExecBase;",
    "const u8 = m.ram.u8, dv = m.ram.dv, R = X.R;",
    "let f = 0, nx = 0, xj = 0, xs = -1, xp = 0;",
    g.declarations(),
    regs.declare,
    "let B = s.budget;",
  ];
  const src = [
    ...head,
    // No try/catch (guarded.ts): a fault breaks out of `fault` to the code after it.
    "fault: {",
    "exit: {",
    regs.body,
    "}",
    EPILOGUE,
    regs.spill,
    "s.budget = B;",
    "return;",
    "}",
    `${g.faultFixup()} ${regs.spill} s.budget = B; s.faultInsn = I[f];`,
    "const e = s.pendingFault; s.pendingFault = null; throw e;",
  ].join("\n");
  const handlers = insns.map((i) => i.h);
  const fn = regionFunction(`block_${blocks[0].va.toString(16)}`, src, blocks[0], blocks, insns, handlers, runtime, blocks[0].physPage, compiledOnly);
  if (fn === null) return false;
  debug.onSource?.(blocks, src);
  install(blocks, fn);
  return true;
}

/** Makes fn the code of every block of its region, entered at the block's index. */
function install(blocks: Block[], fn: BlockFn): void {
  translatedBlocks += blocks.length;
  blocks.forEach((b, j) => {
    b.fn = fn;
    b.entry = j;
  });
}

function emitLast(g: Gen, r: Region, j: number, i: Insn, key: string): void {
  const b = r.blocks[j];
  const k = g.k;
  if (isJcc(key)) {
    const c = g.cond(i.opcode & 15);
    g.commit();
    g.line(`if (${c}) {`);
    staticExit(g, r, j, i.target, 0);
    g.line("}");
    staticExit(g, r, j, b.end, 1);
    return;
  }
  if (key === "JMP Jb" || key === "JMP Jz") {
    staticExit(g, r, j, i.target, 0);
    return;
  }
  if (key === "CALL Jz") {
    g.faultPoint();
    // A push that rewrites this block's code leaves it at the call's target (gen.ts smcExitCode).
    g.nextVa = i.target;
    const ret = i.va + i.len;
    push64(g, String(ret | 0), String(Math.floor(ret / 4294967296) | 0));
    staticExit(g, r, j, i.target, 0);
    return;
  }
  if (key === "RET -") {
    g.faultPoint();
    const sp = g.offset(4, 0), t = g.tmp("w");
    const [v, vh] = g.load(sp, 8);
    g.line(`${t} = ${vh} * 4294967296 + (${v} >>> 0);`);
    g.line(`if (${t} >= ${CANONICAL} || ${t} < -${CANONICAL}) { X.gp(s); break fault; }`);
    g.line(`nx = ${t}; ${spMove(8)}`);
    dynamicExit(g, r, j, true, "nx");
    return;
  }
  if ((key === "JMP Ev" || key === "CALL Ev") && i.osz === 8) {
    // Indirect: a jump table's target is often a block of this region (as a return
    // site is), and inline the registers need no spill around a handler call.
    g.faultPoint();
    const [l, h] = readE64(g, i);
    const t = g.tmp("w");
    g.line(`${t} = ${h} * 4294967296 + (${l} >>> 0);`);
    g.line(`if (${t} >= ${CANONICAL} || ${t} < -${CANONICAL}) { X.gp(s); break fault; }`);
    if (key === "CALL Ev") {
      g.nextVa = t;
      const ret = i.va + i.len;
      push64(g, String(ret | 0), String(Math.floor(ret / 4294967296) | 0));
    }
    g.line(`nx = ${t};`);
    dynamicExit(g, r, j, true, "nx");
    return;
  }
  const e = emitterFor(key);
  const ends = endsBlock(i);
  if (!ends && e && e(g, i)) {
    staticExit(g, r, j, b.end, 1);
    return;
  }
  fallback(g, b, k, ends);
  if (ends) {
    g.line("if (s.exit !== 0) { nx = s.rip; xs = -1; break exit; }");
    g.line("nx = s.rip;");
    dynamicExit(g, r, j, false, "nx");
  } else {
    staticExit(g, r, j, b.end, 1);
  }
}

/**
 * Keeps the block's guest registers in JS locals: every `lo[N]` / `hi[N]` with
 * a literal N in the generated body becomes the local `LN` / `HN`, loaded once
 * at entry. Registers the body assigns are stored back at the single exit, in
 * the fault handler (registers are unchanged at a fault point, so the locals
 * hold the pre-instruction values), and around each interpreter-handler call
 * (`/*SPILL*\/` and `/*RELOAD*\/` markers), which may read or write any register.
 */
function cacheRegisters(body: string): { declare: string; body: string; spill: string } {
  const used = new Set<string>();
  const dirty = new Set<string>();
  const ref = /\b(lo|hi)\[(\d+)\](\s*=(?!=))?/g;
  for (const m of body.matchAll(ref)) {
    const name = `${m[1] === "lo" ? "L" : "H"}${m[2]}`;
    used.add(name);
    if (m[3]) dirty.add(name);
  }
  const arr = (name: string) => `${name[0] === "L" ? "lo" : "hi"}[${name.slice(1)}]`;
  const load = [...used].map((r) => `${r} = ${arr(r)};`).join(" ");
  const spill = [...dirty].map((r) => `${arr(r)} = ${r};`).join(" ");
  const spillSome = (list: string): string =>
    list.split(",").filter((r) => r !== "").flatMap((r) => [`L${r}`, `H${r}`]).filter((n) => dirty.has(n)).map((n) => `${arr(n)} = ${n};`).join(" ");
  const replaced = body.replace(/\b(lo|hi)\[(\d+)\]/g, (_, a: string, n: string) => `${a === "lo" ? "L" : "H"}${n}`)
    .replaceAll("/*SPILL*/", spill).replaceAll("/*RELOAD*/", load)
    .replace(/\/\*SPILL:([0-9,]*)\*\//g, (_, list: string) => spillSome(list));
  const declare = used.size ? `let ${[...used].map((r) => `${r} = ${arr(r)}`).join(", ")};` : "";
  return { declare, body: replaced, spill };
}
