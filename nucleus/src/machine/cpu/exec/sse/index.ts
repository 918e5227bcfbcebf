/**
 * The SSE family (SSE, SSE2, SSE3, SSSE3, SSE4.1, SSE4.2) and MMX: importing
 * this module registers every handler, on xmm and on mm registers (mm.ts).
 */
import "./moves.js";
import "./mmx-moves.js";
import "./integer-arith.js";
import "./integer-horizontal.js";
import "./logic-compare.js";
import "./shift.js";
import "./shuffle.js";
import "./unpack-pack.js";
import "./insert-extract.js";
import "./fp-arith.js";
import "./fp-compare.js";
import "./convert.js";
import "./round-int.js";
import "./reciprocal.js";
import "./string-compare.js";
import "./crc32.js";
