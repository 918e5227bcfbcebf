/**
 * x87 escapes D8-DF (SDM vol. 2, tables ): memory forms selected by
 * ModRM.reg, register forms by the whole ModRM byte (`:C0+i` = ST(i) in rm).
 * Semantics live in cpu/x87/; here only decoding.
 */
const ARITH = ["FADD", "FMUL", "FCOM", "FCOMP", "FSUB", "FSUBR", "FDIV", "FDIVR"];
const IARITH = ["FIADD", "FIMUL", "FICOM", "FICOMP", "FISUB", "FISUBR", "FIDIV", "FIDIVR"];

function hex(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, "0");
}

const lines: string[] = [];
ARITH.forEach((m, k) => {
  lines.push(`D8/${k} ${m} Md #fpu`);
  lines.push(`DC/${k} ${m} Mq #fpu`);
  lines.push(`D8:${hex(0xc0 + 8 * k)}+i ${m} ST,STi #fpu`);
});
IARITH.forEach((m, k) => {
  lines.push(`DA/${k} ${m} Md #fpu`);
  lines.push(`DE/${k} ${m} Mw #fpu`);
});
// DC register forms: destination ST(i), with the SUB/SUBR and DIV/DIVR swap.
["FADD", "FMUL", "FCOM", "FCOMP", "FSUBR", "FSUB", "FDIVR", "FDIV"].forEach((m, k) => {
  lines.push(`DC:${hex(0xc0 + 8 * k)}+i ${m} ${k === 2 || k === 3 ? "ST,STi" : "STi,ST"} #fpu`);
});
["FADDP", "FMULP", "FCOMP", "", "FSUBRP", "FSUBP", "FDIVRP", "FDIVP"].forEach((m, k) => {
  if (m) lines.push(`DE:${hex(0xc0 + 8 * k)}+i ${m} ${k === 2 ? "ST,STi" : "STi,ST"} #fpu`);
});

export const X87: string[] = [
  ...lines,
  "D9/0 FLD Md #fpu", "D9/2 FST Md #fpu", "D9/3 FSTP Md #fpu", "D9/4 FLDENV M #fpu",
  "D9/5 FLDCW Mw #fpu", "D9/6 FNSTENV M #fpu", "D9/7 FNSTCW Mw #fpu",
  "D9:C0+i FLD STi #fpu", "D9:C8+i FXCH ST,STi #fpu", "D9:D0 FNOP - #fpu", "D9:D8+i FSTPNCE STi #fpu",
  "D9:E0 FCHS - #fpu", "D9:E1 FABS - #fpu", "D9:E4 FTST - #fpu", "D9:E5 FXAM - #fpu",
  "D9:E8 FLD1 - #fpu", "D9:E9 FLDL2T - #fpu", "D9:EA FLDL2E - #fpu", "D9:EB FLDPI - #fpu",
  "D9:EC FLDLG2 - #fpu", "D9:ED FLDLN2 - #fpu", "D9:EE FLDZ - #fpu",
  "D9:F0 F2XM1 - #fpu", "D9:F1 FYL2X - #fpu", "D9:F2 FPTAN - #fpu", "D9:F3 FPATAN - #fpu",
  "D9:F4 FXTRACT - #fpu", "D9:F5 FPREM1 - #fpu", "D9:F6 FDECSTP - #fpu", "D9:F7 FINCSTP - #fpu",
  "D9:F8 FPREM - #fpu", "D9:F9 FYL2XP1 - #fpu", "D9:FA FSQRT - #fpu", "D9:FB FSINCOS - #fpu",
  "D9:FC FRNDINT - #fpu", "D9:FD FSCALE - #fpu", "D9:FE FSIN - #fpu", "D9:FF FCOS - #fpu",
  "DA:C0+i FCMOVB ST,STi #fpu", "DA:C8+i FCMOVE ST,STi #fpu",
  "DA:D0+i FCMOVBE ST,STi #fpu", "DA:D8+i FCMOVU ST,STi #fpu",
  "DA:E9 FUCOMPP - #fpu",
  "DB/0 FILD Md #fpu", "DB/1 FISTTP Md #sse3", "DB/2 FIST Md #fpu", "DB/3 FISTP Md #fpu",
  "DB/5 FLD Mt #fpu", "DB/7 FSTP Mt #fpu",
  "DB:C0+i FCMOVNB ST,STi #fpu", "DB:C8+i FCMOVNE ST,STi #fpu",
  "DB:D0+i FCMOVNBE ST,STi #fpu", "DB:D8+i FCMOVNU ST,STi #fpu",
  "DB:E0 FNENI - #fpu", "DB:E1 FNDISI - #fpu", "DB:E2 FNCLEX - #fpu", "DB:E3 FNINIT - #fpu",
  "DB:E4 FNSETPM - #fpu",
  "DB:E8+i FUCOMI ST,STi #fpu", "DB:F0+i FCOMI ST,STi #fpu",
  "DD/0 FLD Mq #fpu", "DD/1 FISTTP Mq #sse3", "DD/2 FST Mq #fpu", "DD/3 FSTP Mq #fpu",
  "DD/4 FRSTOR M #fpu", "DD/6 FNSAVE M #fpu", "DD/7 FNSTSW Mw #fpu",
  "DD:C0+i FFREE STi #fpu", "DD:C8+i FXCH ST,STi #fpu", "DD:D0+i FST STi #fpu", "DD:D8+i FSTP STi #fpu",
  "DD:E0+i FUCOM ST,STi #fpu", "DD:E8+i FUCOMP ST,STi #fpu",
  "DE:D9 FCOMPP - #fpu",
  "DF/0 FILD Mw #fpu", "DF/1 FISTTP Mw #sse3", "DF/2 FIST Mw #fpu", "DF/3 FISTP Mw #fpu",
  "DF/4 FBLD Mt #fpu", "DF/5 FILD Mq #fpu", "DF/6 FBSTP Mt #fpu", "DF/7 FISTP Mq #fpu",
  "DF:C0+i FFREEP STi #fpu", "DF:C8+i FXCH ST,STi #fpu", "DF:D0+i FSTP STi #fpu", "DF:D8+i FSTP STi #fpu",
  "DF:E0 FNSTSW AX #fpu",
  "DF:E8+i FUCOMIP ST,STi #fpu", "DF:F0+i FCOMIP ST,STi #fpu",
];
