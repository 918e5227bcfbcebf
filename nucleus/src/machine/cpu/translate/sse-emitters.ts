/**
 * Inline code for the SSE forms glibc's string and memory functions spend their
 * time in (full-register loads and stores, logic, byte compares, PMOVMSKB,
 * PMINUB/PMAXUB, byte/dword add and subtract, PSHUFD, the low unpacks, GPR <->
 * xmm and scalar moves). A memory operand that hits the TLB within one page is
 * accessed inline; otherwise (TLB miss, page crossing, misalignment) a runtime
 * helper (sse-runtime.ts) does the access with the handlers' checks and faults.
 * xmm registers are read and written through s.xmm32. Byte lanes are computed
 * four at a time in dwords (SWAR), which keeps the generated code small:
 * translation cost matters as much as speed for short-lived programs.
 */
import type { Insn } from "../decode/insn.js";
import { def as defEmitter, type Emitter } from "./emitters.js";
import { FAULT_CHECK, add64, sub64, type Gen } from "./gen.js";

/** Off: these forms call their handlers in translated code too (benchmarks measure the difference). */
export const sseInline = { enabled: true };

function def(keys: string | string[], e: Emitter): void {
  defEmitter(keys, (g, i) => sseInline.enabled && e(g, i));
}

/**
 * Loads the W operand's four dwords into fresh locals: from the register, or
 * from memory (inline on a TLB hit within the page, else X.ld16, which faults as
 * the handler would).
 */
function source(g: Gen, i: Insn, aligned: boolean): string[] {
  const d = [0, 1, 2, 3].map(() => g.tmp("d"));
  if (i.rm >= 0) {
    g.line(d.map((v, k) => `${v} = s.xmm32[${4 * i.rm + k}];`).join(" "));
    return d;
  }
  const [va, b] = address(g, i, aligned, "rT", "rB");
  g.line(`{ ${d.map((v, k) => `${v} = dv.getInt32(${b} + ${4 * k}, true);`).join(" ")} }`);
  g.line(`else { X.ld16(s, ${va}, ${aligned}); ${FAULT_CHECK} ${d.map((v, k) => `${v} = X.w32[${12 + k}];`).join(" ")} }`);
  return d;
}

/**
 * Emits the effective address and an `if (...)` testing for a TLB hit (tags
 * `tag`, bases `base`) of 16 bytes within one page (and alignment when
 * required); the caller continues with the hit block, where the returned
 * expression is the RAM offset, and its else branch. Returns [va, offset].
 */
function address(g: Gen, i: Insn, aligned: boolean, tag: string, base: string): [string, string] {
  g.faultPoint();
  const va = g.tmp("va"), p = g.tmp("p"), x = g.tmp("x"), o = g.tmp("o");
  g.line(`${va} = ${g.ea(i)}; ${p} = Math.floor(${va} * 0.000244140625); ${x} = ${p} & 1023; ${o} = (${va} - ${p} * 4096) | 0;`);
  g.line(`if (${aligned ? `(${o} & 15) === 0 && ` : ""}${p} >= 0 && ${tag}[${x}] === ${p} && ${o} <= 4080)`);
  return [va, `${base}[${x}] + ${o}`];
}

/** Writes four dword expressions into xmm register r. */
function setXmm(g: Gen, r: number, v: string[]): void {
  g.line(v.map((e, k) => `s.xmm32[${4 * r + k}] = ${e};`).join(" "));
}

const dst = (i: Insn, k: number): string => `s.xmm32[${4 * i.reg + k}]`;

// ---- whole-register moves -----------------------------------------------------------------

function load(aligned: boolean): Emitter {
  return (g, i) => {
    if (i.rm >= 0) {
      setXmm(g, i.reg, source(g, i, aligned));
      return true;
    }
    const [va, b] = address(g, i, aligned, "rT", "rB");
    g.line(`{ ${[0, 1, 2, 3].map((k) => `s.xmm32[${4 * i.reg + k}] = dv.getInt32(${b} + ${4 * k}, true);`).join(" ")} }`);
    g.line(`else { X.ldx(s, ${va}, ${aligned}, ${i.reg}); ${FAULT_CHECK} }`);
    return true;
  };
}

function store(aligned: boolean): Emitter {
  return (g, i) => {
    const v = [0, 1, 2, 3].map((k) => `s.xmm32[${4 * i.reg + k}]`);
    if (i.rm >= 0) {
      setXmm(g, i.rm, v);
      return true;
    }
    const [va, b] = address(g, i, aligned, "wT", "wB");
    g.line(`{ ${v.map((e, k) => `dv.setInt32(${b} + ${4 * k}, ${e}, true);`).join(" ")} }`);
    g.line(`else { X.stx(s, ${va}, ${aligned}, ${i.reg}); ${FAULT_CHECK} if (!blk.valid) ${g.smcExitCode()} }`);
    return true;
  };
}

def(["MOVUPS Vps,Wps", "MOVUPD Vpd,Wpd", "MOVDQU Vx,Wx", "LDDQU Vx,Mx"], load(false));
def(["MOVAPS Vps,Wps", "MOVAPD Vpd,Wpd", "MOVDQA Vx,Wx", "MOVNTDQA Vx,Mx"], load(true));
def(["MOVUPS Wps,Vps", "MOVUPD Wpd,Vpd", "MOVDQU Wx,Vx"], store(false));
def(["MOVAPS Wps,Vps", "MOVAPD Wpd,Vpd", "MOVDQA Wx,Vx", "MOVNTPS Mps,Vps", "MOVNTPD Mpd,Vpd", "MOVNTDQ Mx,Vx"], store(true));

// ---- lane-wise on dwords ---------------------------------------------------------------------

/** dest dword k = f(dest dword, source dword) for every k; f may emit lines and use temporaries. */
function dwordOp(f: (g: Gen, a: string, b: string) => string): Emitter {
  return (g, i) => {
    const b = source(g, i, true);
    setXmm(g, i.reg, b.map((v, k) => f(g, dst(i, k), v)));
    return true;
  };
}

const H8 = "0x80808080", L8 = "0x7f7f7f7f";

/**
 * All-ones lanes where a and b are equal: t = a ^ b has a zero lane exactly
 * there; (t & 0x7f..) + 0x7f.. sets a lane's top bit iff its low bits are not all
 * zero, without carries between lanes.
 */
function equalLanes(lane: number): (g: Gen, a: string, b: string) => string {
  const low = lane === 8 ? L8 : "0x7fff7fff";
  return (g, a, b) => {
    const t = g.tmp("e");
    g.line(`${t} = ${a} ^ ${b}; ${t} = ~(((${t} & ${low}) + ${low}) | ${t} | ${low});`);
    return `Math.imul(${t} >>> ${lane - 1}, ${lane === 8 ? 255 : 65535})`;
  };
}

def(["PXOR Vx,Wx", "XORPS Vps,Wps", "XORPD Vpd,Wpd"], dwordOp((_, a, b) => `${a} ^ ${b}`));
def(["PAND Vx,Wx", "ANDPS Vps,Wps", "ANDPD Vpd,Wpd"], dwordOp((_, a, b) => `${a} & ${b}`));
def(["POR Vx,Wx", "ORPS Vps,Wps", "ORPD Vpd,Wpd"], dwordOp((_, a, b) => `${a} | ${b}`));
def(["PANDN Vx,Wx", "ANDNPS Vps,Wps", "ANDNPD Vpd,Wpd"], dwordOp((_, a, b) => `~${a} & ${b}`));
def("PCMPEQD Vx,Wx", dwordOp((_, a, b) => `(${a} === ${b} ? -1 : 0)`));
def("PCMPEQB Vx,Wx", dwordOp(equalLanes(8)));
def("PCMPEQW Vx,Wx", dwordOp(equalLanes(16)));
// Byte add/subtract with the top bits fixed up separately, so nothing carries between bytes.
def("PADDB Vx,Wx", dwordOp((_, a, b) => `(((${a} & ${L8}) + (${b} & ${L8})) ^ ((${a} ^ ${b}) & ${H8}))`));
def("PSUBB Vx,Wx", dwordOp((_, a, b) => `(((${a} | ${H8}) - (${b} & ${L8})) ^ ((${a} ^ ~${b}) & ${H8}))`));
def("PADDD Vx,Wx", dwordOp((_, a, b) => `(${a} + ${b}) | 0`));
def("PSUBD Vx,Wx", dwordOp((_, a, b) => `(${a} - ${b}) | 0`));

/**
 * Unsigned byte min/max, four bytes per dword: a byte of a is below b's when
 * their top bits differ and b's is set, or they agree and the low seven bits
 * compare so ((a | 0x80) - (b & 0x7f) clears the top bit, borrowing nothing
 * from the next byte).
 */
function byteMinMax(max: boolean): (g: Gen, a: string, b: string) => string {
  return (g, a, b) => {
    const x = g.tmp("a"), y = g.tmp("b"), m = g.tmp("m");
    g.line(`${x} = ${a}; ${y} = ${b}; ${m} = ((~${x} & ${y}) | (~(${x} ^ ${y}) & ~((${x} | ${H8}) - (${y} & ${L8})))) & ${H8};`
      + ` ${m} = Math.imul(${m} >>> 7, 255);`);
    return max ? `(${y} & ${m}) | (${x} & ~${m})` : `(${x} & ${m}) | (${y} & ~${m})`;
  };
}
def("PMINUB Vx,Wx", dwordOp(byteMinMax(false)));
def("PMAXUB Vx,Wx", dwordOp(byteMinMax(true)));

/** PMOVMSKB: the top bit of each byte; the multiply gathers a dword's four into its top nibble. */
def("PMOVMSKB Gy,Ux", (g, i) => {
  const m = g.tmp("m");
  const part = (k: number) => `((Math.imul((s.xmm32[${4 * i.rm + k}] >>> 7) & 0x01010101, 0x10204080) >>> 28) << ${4 * k})`;
  g.line(`${m} = ${part(0)} | ${part(1)} | ${part(2)} | ${part(3)};`);
  g.line(`lo[${i.reg}] = ${m}; hi[${i.reg}] = 0;`);
  return true;
});

// ---- permutations ------------------------------------------------------------------------------

def("PSHUFD Vx,Wx,Ib", (g, i) => {
  const b = source(g, i, true);
  setXmm(g, i.reg, [0, 1, 2, 3].map((k) => b[(i.imm >> (2 * k)) & 3]));
  return true;
});

/** Interleaves the low (PUNPCKL*) or high (PUNPCKH*) halves: `size`-byte lanes of dest and source alternate. */
function unpack(size: number, high: boolean): Emitter {
  return (g, i) => {
    const src = source(g, i, true);
    const h = high ? 2 : 0;
    const b = [src[h], src[h + 1]];
    const a = [0, 1].map((k) => { const t = g.tmp("a"); g.line(`${t} = ${dst(i, k + h)};`); return t; });
    let out: string[];
    if (size === 8) out = [a[0], a[1], b[0], b[1]];
    else if (size === 4) out = [a[0], b[0], a[1], b[1]];
    else if (size === 2) {
      out = [0, 1].flatMap((k) => [
        `(${a[k]} & 0xffff) | (${b[k]} << 16)`,
        `(${a[k]} >>> 16) | (${b[k]} & ${-65536})`,
      ]);
    } else {
      out = [0, 1].flatMap((k) => [
        `(${a[k]} & 0xff) | ((${b[k]} & 0xff) << 8) | ((${a[k]} & 0xff00) << 8) | ((${b[k]} & 0xff00) << 16)`,
        `((${a[k]} >>> 16) & 0xff) | ((${b[k]} >>> 8) & 0xff00) | ((${a[k]} >>> 8) & 0xff0000) | (${b[k]} & ${0xff000000 | 0})`,
      ]);
    }
    setXmm(g, i.reg, out);
    return true;
  };
}
def("PUNPCKLBW Vx,Wx", unpack(1, false));
def("PUNPCKLWD Vx,Wx", unpack(2, false));
def(["PUNPCKLDQ Vx,Wx", "UNPCKLPS Vps,Wps"], unpack(4, false));
def(["PUNPCKLQDQ Vx,Wx", "UNPCKLPD Vpd,Wpd"], unpack(8, false));
def("PUNPCKHBW Vx,Wx", unpack(1, true));
def("PUNPCKHWD Vx,Wx", unpack(2, true));
def(["PUNPCKHDQ Vx,Wx", "UNPCKHPS Vps,Wps"], unpack(4, true));
def(["PUNPCKHQDQ Vx,Wx", "UNPCKHPD Vpd,Wpd"], unpack(8, true));

// ---- shifts by an immediate --------------------------------------------------------------------

/** dest dwords d0..d3 (register i.rm) replaced by out(d). */
function shiftImm(out: (d: string[], n: number) => string[]): Emitter {
  return (g, i) => {
    const d = [0, 1, 2, 3].map((k) => { const t = g.tmp("d"); g.line(`${t} = s.xmm32[${4 * i.rm + k}];`); return t; });
    setXmm(g, i.rm, out(d, i.imm & 0xff));
    return true;
  };
}

const perDword = (f: (v: string, n: number) => string) => (d: string[], n: number) => d.map((v) => f(v, n));
const perQword = (f: (lo: string, hi: string, n: number) => [string, string]) =>
  (d: string[], n: number) => [...f(d[0], d[1], n), ...f(d[2], d[3], n)];

def("PSLLD Ux,Ib", shiftImm(perDword((v, n) => (n > 31 ? "0" : `${v} << ${n}`))));
def("PSRLD Ux,Ib", shiftImm(perDword((v, n) => (n > 31 ? "0" : `${v} >>> ${n} | 0`))));
def("PSRAD Ux,Ib", shiftImm(perDword((v, n) => `${v} >> ${Math.min(n, 31)}`)));
def("PSLLW Ux,Ib", shiftImm(perDword((v, n) => (n > 15 ? "0" : `(${v} << ${n}) & ${(((0xffff << n) & 0xffff) * 0x10001) | 0}`))));
def("PSRLW Ux,Ib", shiftImm(perDword((v, n) => (n > 15 ? "0" : `(${v} >>> ${n}) & ${((0xffff >>> n) * 0x10001) | 0}`))));
def("PSRAW Ux,Ib", shiftImm(perDword((v, n) => {
  const c = Math.min(n, 15);
  return `(((${v} << 16) >> ${16 + c}) & 0xffff) | ((${v} >> ${c}) & ${-65536})`;
})));
def("PSLLQ Ux,Ib", shiftImm(perQword((lo, hi, n) => {
  if (n > 63) return ["0", "0"];
  if (n === 0) return [lo, hi];
  if (n >= 32) return ["0", `${lo} << ${n - 32}`];
  return [`${lo} << ${n}`, `(${hi} << ${n}) | (${lo} >>> ${32 - n})`];
})));
def("PSRLQ Ux,Ib", shiftImm(perQword((lo, hi, n) => {
  if (n > 63) return ["0", "0"];
  if (n === 0) return [lo, hi];
  if (n >= 32) return [`${hi} >>> ${n - 32} | 0`, "0"];
  return [`(${lo} >>> ${n}) | (${hi} << ${32 - n})`, `${hi} >>> ${n} | 0`];
})));
/** Byte shifts of the whole register: dword k of the result from bytes 4k+n.. of the source. */
function byteShift(right: boolean): Emitter {
  return shiftImm((d, n) => {
    const c = Math.min(n, 16);
    const byteAt = (j: number) => (j >= 0 && j < 16 ? j : -1);
    return [0, 1, 2, 3].map((k) => {
      const first = right ? 4 * k + c : 4 * k - c; // source byte of the result's byte 4k
      const q = Math.floor(first / 4), r = ((first % 4) + 4) % 4;
      const part = (w: number, e: string) => (byteAt(4 * w) < 0 ? "" : e);
      if (r === 0) return part(q, d[q]) || "0";
      const low = part(q, `(${d[q]} >>> ${8 * r})`), high = part(q + 1, `(${d[q + 1]} << ${32 - 8 * r})`);
      return [low, high].filter((e) => e !== "").join(" | ") || "0";
    });
  });
}
def("PSRLDQ Ux,Ib", byteShift(true));
def("PSLLDQ Ux,Ib", byteShift(false));

// ---- more lane arithmetic ------------------------------------------------------------------------

/** Two 16-bit lanes per dword: low lanes added apart from the high ones, so nothing carries across. */
def("PADDW Vx,Wx", dwordOp((_, a, b) => `(((${a} + ${b}) & 0xffff) | (((${a} >>> 16) + (${b} >>> 16)) << 16))`));
def("PSUBW Vx,Wx", dwordOp((_, a, b) => `(((${a} - ${b}) & 0xffff) | (((${a} >>> 16) - (${b} >>> 16)) << 16))`));

/** Quadword add/subtract: dword pairs with the carry (borrow) from the low dword. */
function qwordOp(sub: boolean): Emitter {
  return (g, i) => {
    const b = source(g, i, true);
    const out: string[] = [];
    for (const k of [0, 2]) {
      const lo = g.tmp("q"), hi = g.tmp("q");
      g.line((sub ? sub64 : add64)(lo, hi, dst(i, k), dst(i, k + 1), b[k], b[k + 1]));
      out.push(lo, hi);
    }
    setXmm(g, i.reg, out);
    return true;
  };
}
def("PADDQ Vx,Wx", qwordOp(false));
def("PSUBQ Vx,Wx", qwordOp(true));

// ---- general registers and scalars ---------------------------------------------------------------

def("MOVD|MOVD|MOVQ Vx,Ey", (g, i) => {
  const wide = i.osz === 8;
  let lo: string, hi: string;
  if (i.rm >= 0) { lo = `lo[${i.rm}]`; hi = wide ? `hi[${i.rm}]` : "0"; }
  else {
    g.faultPoint();
    const va = g.address(i);
    [lo, hi] = g.load(va, wide ? 8 : 4);
    if (!wide) hi = "0";
  }
  setXmm(g, i.reg, [lo, hi, "0", "0"]);
  return true;
});

def("MOVD|MOVD|MOVQ Ey,Vx", (g, i) => {
  const wide = i.osz === 8;
  const x = 4 * i.reg;
  if (i.rm >= 0) {
    g.line(`lo[${i.rm}] = s.xmm32[${x}]; hi[${i.rm}] = ${wide ? `s.xmm32[${x + 1}]` : "0"};`);
    return true;
  }
  g.faultPoint();
  const va = g.address(i), v = g.tmp("v"), vh = g.tmp("vh");
  g.line(`${v} = s.xmm32[${x}]; ${vh} = s.xmm32[${x + 1}];`);
  if (wide) g.store(va, 8, v, vh);
  else g.store(va, 4, v);
  return true;
});

/** MOVQ xmm, xmm/m64 and MOVSD/MOVSS loads: low lanes from the source; `zeroUpper` for memory (always for MOVQ). */
function scalarLoad(bytes: number, movq: boolean): Emitter {
  return (g, i) => {
    const d = 4 * i.reg;
    if (i.rm >= 0) {
      const o = 4 * i.rm;
      const v = [`s.xmm32[${o}]`, bytes === 8 ? `s.xmm32[${o + 1}]` : dst(i, 1), movq ? "0" : dst(i, 2), movq ? "0" : dst(i, 3)];
      const t = v.map((e) => { const l = g.tmp("q"); g.line(`${l} = ${e};`); return l; });
      setXmm(g, i.reg, t);
      return true;
    }
    g.faultPoint();
    const va = g.address(i);
    const [lo, hi] = g.load(va, bytes);
    g.line(`s.xmm32[${d}] = ${lo}; s.xmm32[${d + 1}] = ${bytes === 8 ? hi : "0"}; s.xmm32[${d + 2}] = 0; s.xmm32[${d + 3}] = 0;`);
    return true;
  };
}
def("MOVQ Vq,Wq", scalarLoad(8, true));
def("MOVSD Vsd,Wsd", scalarLoad(8, false));
def("MOVSS Vss,Wss", scalarLoad(4, false));

/** MOVQ xmm/m64, xmm (a register destination's upper half is zeroed) and MOVSD/MOVSS stores. */
function scalarStore(bytes: number, movq: boolean): Emitter {
  return (g, i) => {
    const o = 4 * i.reg;
    if (i.rm >= 0) {
      const d = 4 * i.rm;
      const t = [g.tmp("q"), g.tmp("q")];
      g.line(`${t[0]} = s.xmm32[${o}]; ${t[1]} = s.xmm32[${o + 1}];`);
      g.line(`s.xmm32[${d}] = ${t[0]};${bytes === 8 ? ` s.xmm32[${d + 1}] = ${t[1]};` : ""}${movq ? ` s.xmm32[${d + 2}] = 0; s.xmm32[${d + 3}] = 0;` : ""}`);
      return true;
    }
    g.faultPoint();
    const va = g.address(i), v = g.tmp("v"), vh = g.tmp("vh");
    g.line(`${v} = s.xmm32[${o}]; ${vh} = s.xmm32[${o + 1}];`);
    if (bytes === 8) g.store(va, 8, v, vh);
    else g.store(va, 4, v);
    return true;
  };
}
def("MOVQ Wq,Vq", scalarStore(8, true));
def("MOVSD Wsd,Vsd", scalarStore(8, false));
def("MOVSS Wss,Vss", scalarStore(4, false));

