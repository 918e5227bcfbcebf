/**
 * The block translator: turns a hot basic block into one JS function
 * (`new Function`). Common forms are inlined by their emitters (emitters.ts);
 * any other instruction calls its interpreter handler. Flags stay lazy and a
 * producer's record is stored only when something could observe it (a fault,
 * a handler call, the block exit): flags overwritten before that are never
 * stored. Memory accesses inline the TLB hit path. Exits chain directly to the
 * successor's translated function when it is still valid and mapped, and a block
 * that branches back to its own start runs as a loop inside its function.
 */
import { formOf } from "../decode/decoder.js";
import type { Insn } from "../decode/insn.js";
import type { Block, BlockFn } from "../blocks.js";
import { Gen } from "./gen.js";
import { emitterFor, push64 } from "./emitters.js";
import { runtime } from "./runtime.js";
import { endsBlock } from "../exec/registry.js";

/** Translations made so far (statistics). */
export let translatedBlocks = 0;

/** When set, receives the source of every translated block (debugging). */
export const debug: { onSource: ((b: Block, src: string) => void) | null } = { onSource: null };

const CANONICAL = 2 ** 47;

function staticExit(g: Gen, b: Block, target: number, slot: number, loop: boolean): void {
  g.commit();
  const n = b.insns.length;
  if (loop && target === b.va) {
    g.line(`if (B >= ${n}) { B -= ${n}; continue; }`);
    g.line(`s.rip = ${target}; ret = null; break exit;`);
    return;
  }
  g.line(`s.rip = ${target};`);
  const samePage = Math.floor(target / 4096) === Math.floor(b.va / 4096);
  let mapped: string;
  if (samePage) mapped = `nb.physPage === ${b.physPage}`;
  else {
    const p = Math.floor(target / 4096);
    mapped = p >= 0 ? `eT[${p & 1023}] === ${p} && eB[${p & 1023}] === nb.physPage` : "false";
  }
  g.line(`nb = blk.next${slot};`);
  g.line(`if (nb !== null && nb.va === ${target} && nb.valid && nb.fn !== null && B >= nb.insns.length && ${mapped}) { ret = nb; break exit; }`);
  g.line(`s.budget = B; ret = X.chain(s, blk, ${slot}); break exit;`);
}

/** Exit to the address already in s.rip. */
function dynamicExit(g: Gen): void {
  g.commit();
  const p = g.tmp("p");
  g.line(`nb = blk.next0; ${p} = Math.floor(s.rip * 0.000244140625);`);
  g.line(`if (nb !== null && nb.va === s.rip && nb.valid && nb.fn !== null && B >= nb.insns.length && ${p} >= 0 && eT[${p} & 1023] === ${p} && eB[${p} & 1023] === nb.physPage) { ret = nb; break exit; }`);
  g.line("s.budget = B; ret = X.chain(s, blk, 0); break exit;");
}

/** Calls instruction k's interpreter handler. */
function fallback(g: Gen, b: Block, k: number, terminator: boolean): void {
  g.commit();
  if (terminator) g.line(`s.rip = ${b.end};`);
  g.line(`f = ${k}; /*SPILL*/ H[${k}](s, I[${k}]); /*RELOAD*/`);
  g.forgetFlags();
  if (!terminator) g.line(`if (!blk.valid) { s.rip = ${g.nextVa}; B += ${g.remaining}; ret = null; break exit; }`);
}

function isJcc(key: string): boolean {
  return /^J(?!MP|RCXZ)[A-Z]+ J[bz]$/.test(key);
}

export function translateBlock(b: Block): BlockFn | null {
  const g = new Gen();
  const insns = b.insns;
  const n = insns.length;
  const last = insns[n - 1];
  const lastKey = formOf(last).key;
  const lastIsBranch = isJcc(lastKey) || lastKey === "JMP Jb" || lastKey === "JMP Jz";
  const loop = lastIsBranch && last.target === b.va;
  for (let k = 0; k < n; k++) {
    const i = insns[k];
    g.k = k;
    g.nextVa = i.va + i.len;
    g.remaining = n - k - 1;
    const key = formOf(i).key;
    if (k === n - 1) {
      emitLast(g, b, i, key, loop);
      break;
    }
    const e = emitterFor(key);
    if (!(e && e(g, i))) fallback(g, b, k, false);
  }
  const regs = cacheRegisters(g.lines.join("\n"));
  const head = [
    "const lo = s.lo, hi = s.hi, m = s.mmu;",
    "const rT = m.tlbReadTag, rB = m.tlbReadBase, wT = m.tlbWriteTag, wB = m.tlbWriteBase, eT = m.tlbExecTag, eB = m.tlbExecBase;",
    "const u8 = m.ram.u8, dv = m.ram.dv;",
    "let f = 0, nb = null, ret = null;",
    g.declarations(),
    regs.declare,
    `let B = s.budget - ${n};`,
  ];
  const src = [
    ...head,
    "try {",
    "exit: {",
    loop ? "for (;;) {" : "",
    regs.body,
    loop ? "}" : "",
    "}",
    `} catch (e) { ${g.faultFixup()} ${regs.spill} s.budget = B; s.faultInsn = I[f]; throw e; }`,
    regs.spill,
    "s.budget = B;",
    "return ret;",
  ].join("\n");
  const handlers = insns.map((i) => i.h);
  const make = new Function("blk", "I", "H", "X", `return function block_${b.va.toString(16)}(s) {\n${src}\n};`);
  translatedBlocks++;
  debug.onSource?.(b, src);
  return make(b, insns, handlers, runtime) as BlockFn;
}

function emitLast(g: Gen, b: Block, i: Insn, key: string, loop: boolean): void {
  const k = g.k;
  if (isJcc(key)) {
    const c = g.cond(i.opcode & 15);
    g.commit();
    g.line(`if (${c}) {`);
    staticExit(g, b, i.target, 0, loop);
    g.line("}");
    staticExit(g, b, b.end, 1, false);
    return;
  }
  if (key === "JMP Jb" || key === "JMP Jz") {
    staticExit(g, b, i.target, 0, loop);
    return;
  }
  if (key === "CALL Jz") {
    g.faultPoint();
    const ret = i.va + i.len;
    push64(g, String(ret | 0), String(Math.floor(ret / 4294967296) | 0));
    staticExit(g, b, i.target, 0, false);
    return;
  }
  if (key === "RET -") {
    g.faultPoint();
    const sp = g.tmp("sp"), t = g.tmp("w");
    g.line(`${sp} = hi[4] * 4294967296 + (lo[4] >>> 0);`);
    const [v, vh] = g.load(sp, 8);
    g.line(`${t} = ${vh} * 4294967296 + (${v} >>> 0);`);
    g.line(`if (${t} >= ${CANONICAL} || ${t} < -${CANONICAL}) X.gp();`);
    g.line(`s.rip = ${t}; ${t} = (lo[4] >>> 0) + 8; lo[4] = ${t} | 0; if (${t} > 4294967295) hi[4] = (hi[4] + 1) | 0;`);
    dynamicExit(g);
    return;
  }
  const e = emitterFor(key);
  const ends = endsBlock(i);
  if (!ends && e && e(g, i)) {
    staticExit(g, b, b.end, 1, false);
    return;
  }
  fallback(g, b, k, ends);
  if (ends) {
    g.line("if (s.exit !== 0) { ret = null; break exit; }");
    dynamicExit(g);
  } else {
    staticExit(g, b, b.end, 1, false);
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
  const replaced = body.replace(/\b(lo|hi)\[(\d+)\]/g, (_, a: string, n: string) => `${a === "lo" ? "L" : "H"}${n}`)
    .replaceAll("/*SPILL*/", spill).replaceAll("/*RELOAD*/", load);
  const declare = used.size ? `let ${[...used].map((r) => `${r} = ${arr(r)}`).join(", ")};` : "";
  return { declare, body: replaced, spill };
}
