/**
 * Lane permutations: PSHUFD/PSHUFLW/PSHUFHW/PSHUFW/PSHUFB, SHUFPS/SHUFPD, PALIGNR, the
 * SSE3 duplicating moves MOVDDUP/MOVSHDUP/MOVSLDUP, and the blends (SSE4.1:
 * immediate-controlled and XMM0-controlled).
 */
import { register } from "../registry.js";
import { binaryImm, binaryToR } from "./lanes.js";
import { loadMmSrc, mmx, storeMm } from "./mm.js";
import { Blk, Mem, W16, W32, W8, loadAB, loadSrc, storeReg } from "./xmm.js";

binaryImm("PSHUFD Vx,Wx,Ib", (_, imm) => {
  for (let k = 0; k < 4; k++) W32[8 + k] = W32[4 + ((imm >> (2 * k)) & 3)];
});

/** R's four low words are B's low words as imm selects them (PSHUFLW's low half, all of PSHUFW). */
function shuffleLowWords(imm: number): void {
  for (let k = 0; k < 4; k++) W16[16 + k] = W16[8 + ((imm >> (2 * k)) & 3)];
}

binaryImm("PSHUFLW Vx,Wx,Ib", (_, imm) => {
  shuffleLowWords(imm);
  W32[10] = W32[6]; W32[11] = W32[7];
});

register("PSHUFW Pq,Qq,Ib", mmx((s, i) => {
  loadMmSrc(s, i, Mem.Q);
  shuffleLowWords(i.imm & 0xff);
  storeMm(s, i.reg & 7, Blk.R);
}));

binaryImm("PSHUFHW Vx,Wx,Ib", (_, imm) => {
  W32[8] = W32[4]; W32[9] = W32[5];
  for (let k = 0; k < 4; k++) W16[20 + k] = W16[12 + ((imm >> (2 * k)) & 3)];
});

/** PSHUFB: each source byte selects a destination byte by its low 4 (mm: 3) bits, or zero when its top bit is set. */
binaryToR("PSHUFB Vx,Wx", (n) => {
  for (let k = 0; k < n; k++) {
    const sel = W8[16 + k];
    W8[32 + k] = sel & 0x80 ? 0 : W8[sel & (n - 1)];
  }
});

binaryImm("SHUFPS Vps,Wps,Ib", (_, imm) => {
  W32[8] = W32[imm & 3];
  W32[9] = W32[(imm >> 2) & 3];
  W32[10] = W32[4 + ((imm >> 4) & 3)];
  W32[11] = W32[4 + ((imm >> 6) & 3)];
});

binaryImm("SHUFPD Vpd,Wpd,Ib", (_, imm) => {
  const a = 2 * (imm & 1), b = 4 + 2 * ((imm >> 1) & 1);
  W32[8] = W32[a]; W32[9] = W32[a + 1];
  W32[10] = W32[b]; W32[11] = W32[b + 1];
});

/** PALIGNR: bytes imm.. of the 32-byte (mm: 16-byte) concatenation dest:src (src in the low half); past the end is zero. */
binaryImm("PALIGNR Vx,Wx,Ib", (n, imm) => {
  for (let k = 0; k < n; k++) {
    const j = k + imm;
    W8[32 + k] = j < n ? W8[16 + j] : j < 2 * n ? W8[j - n] : 0;
  }
});

register("MOVDDUP Vx,Wq", (s, i) => {
  loadSrc(s, i, Mem.Q);
  W32[6] = W32[4]; W32[7] = W32[5];
  storeReg(s, i.reg, Blk.B);
});

register("MOVSHDUP Vx,Wx", (s, i) => {
  loadSrc(s, i, Mem.Aligned);
  W32[4] = W32[5]; W32[6] = W32[7];
  storeReg(s, i.reg, Blk.B);
});

register("MOVSLDUP Vx,Wx", (s, i) => {
  loadSrc(s, i, Mem.Aligned);
  W32[5] = W32[4]; W32[7] = W32[6];
  storeReg(s, i.reg, Blk.B);
});

// ---- blends -----------------------------------------------------------------------------------

binaryImm("BLENDPS Vx,Wx,Ib", (_, imm) => {
  for (let k = 0; k < 4; k++) W32[8 + k] = W32[((imm >> k) & 1) * 4 + k];
});

binaryImm("BLENDPD Vx,Wx,Ib", (_, imm) => {
  for (let k = 0; k < 4; k++) W32[8 + k] = W32[((imm >> (k >> 1)) & 1) * 4 + k];
});

binaryImm("PBLENDW Vx,Wx,Ib", (_, imm) => {
  for (let k = 0; k < 8; k++) W16[16 + k] = W16[((imm >> k) & 1) * 8 + k];
});

/** The variable blends take their selector from the top bits of XMM0's lanes. */
register("PBLENDVB Vx,Wx,XMM0", (s, i) => {
  loadAB(s, i, Mem.Aligned);
  const m = s.xmm8;
  for (let k = 0; k < 16; k++) if (m[k] & 0x80) W8[k] = W8[16 + k];
  storeReg(s, i.reg, Blk.A);
});

register("BLENDVPS Vx,Wx,XMM0", (s, i) => {
  loadAB(s, i, Mem.Aligned);
  const m = s.xmm32;
  for (let k = 0; k < 4; k++) if (m[k] < 0) W32[k] = W32[4 + k];
  storeReg(s, i.reg, Blk.A);
});

register("BLENDVPD Vx,Wx,XMM0", (s, i) => {
  loadAB(s, i, Mem.Aligned);
  const m = s.xmm32;
  for (let k = 0; k < 4; k += 2) if (m[k + 1] < 0) { W32[k] = W32[4 + k]; W32[k + 1] = W32[5 + k]; }
  storeReg(s, i.reg, Blk.A);
});
