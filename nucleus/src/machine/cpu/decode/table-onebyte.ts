/**
 * The one-byte opcode map in 64-bit mode (SDM vol. 2, table A-2), as data.
 * Line format and operand tokens: see forms.ts. Opcodes invalid in 64-bit mode
 * (06, 07, 0E, 16, 17, 1E, 1F, 27, 2F, 37, 3F, 60-62, 82, 9A, C4, C5, CE, D4-D6, EA)
 * simply have no line: they decode as invalid (#UD).
 */
export const CC = ["O", "NO", "B", "AE", "E", "NE", "BE", "A", "S", "NS", "P", "NP", "L", "GE", "LE", "G"];

const ALU = ["ADD", "OR", "ADC", "SBB", "AND", "SUB", "XOR", "CMP"];
const SHIFT = ["ROL", "ROR", "RCL", "RCR", "SHL", "SHR", "SAL", "SAR"];

function hex(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, "0");
}

function aluLines(): string[] {
  const out: string[] = [];
  ALU.forEach((m, k) => {
    const lock = m === "CMP" ? "" : " lock";
    const b = k * 8;
    out.push(`${hex(b)} ${m} Eb,Gb${lock}`, `${hex(b + 1)} ${m} Ev,Gv${lock}`);
    out.push(`${hex(b + 2)} ${m} Gb,Eb`, `${hex(b + 3)} ${m} Gv,Ev`);
    out.push(`${hex(b + 4)} ${m} AL,Ib`, `${hex(b + 5)} ${m} rAX,Iz`);
    out.push(`80/${k} ${m} Eb,Ib${lock}`, `81/${k} ${m} Ev,Iz${lock}`, `83/${k} ${m} Ev,Ib${lock}`);
  });
  return out;
}

function shiftLines(): string[] {
  const out: string[] = [];
  SHIFT.forEach((m, k) => {
    out.push(`C0/${k} ${m} Eb,Ib`, `C1/${k} ${m} Ev,Ib`, `D0/${k} ${m} Eb,1`, `D1/${k} ${m} Ev,1`);
    out.push(`D2/${k} ${m} Eb,CL`, `D3/${k} ${m} Ev,CL`);
  });
  return out;
}

function ccLines(): string[] {
  return CC.map((c, k) => `${hex(0x70 + k)} J${c} Jb f64`);
}

export const ONE_BYTE: string[] = [
  ...aluLines(),
  "50+r PUSH Zv d64",
  "58+r POP Zv d64",
  "63 MOVSXD Gv,Ed",
  "68 PUSH Iz d64",
  "69 IMUL Gv,Ev,Iz",
  "6A PUSH Ib d64",
  "6B IMUL Gv,Ev,Ib",
  "6C INSB Yb,DX rep #sys",
  "6D INSW|INSD|INSD Yz,DX rep #sys",
  "6E OUTSB DX,Xb rep #sys",
  "6F OUTSW|OUTSD|OUTSD DX,Xz rep #sys",
  ...ccLines(),
  "84 TEST Eb,Gb",
  "85 TEST Ev,Gv",
  "86 XCHG Eb,Gb lock",
  "87 XCHG Ev,Gv lock",
  "88 MOV Eb,Gb",
  "89 MOV Ev,Gv",
  "8A MOV Gb,Eb",
  "8B MOV Gv,Ev",
  ...[0, 1, 2, 3, 4, 5].map((r) => `8C/${r} MOV Ev,Sw`),
  "8D LEA Gv,M",
  ...[0, 2, 3, 4, 5].map((r) => `8E/${r} MOV Sw,Ew`),
  "8F/0 POP Ev d64",
  "90+r XCHG Zv,rAX",
  // PAUSE ignores REX.B; plain 90 is NOP only without REX.B (else xchg r8, rax).
  "F3.90 PAUSE -",
  "90 NOP - norexb",
  "98 CBW|CWDE|CDQE -",
  "99 CWD|CDQ|CQO -",
  "9B WAIT - #fpu",
  "9C PUSHF|PUSHFQ - d64",
  "9D POPF|POPFQ - d64",
  "9E SAHF -",
  "9F LAHF -",
  "A0 MOV AL,Ob",
  "A1 MOV rAX,Ov",
  "A2 MOV Ob,AL",
  "A3 MOV Ov,rAX",
  "A4 MOVSB Yb,Xb rep",
  "A5 MOVSW|MOVSD|MOVSQ Yv,Xv rep",
  "A6 CMPSB Xb,Yb rep",
  "A7 CMPSW|CMPSD|CMPSQ Xv,Yv rep",
  "A8 TEST AL,Ib",
  "A9 TEST rAX,Iz",
  "AA STOSB Yb,AL rep",
  "AB STOSW|STOSD|STOSQ Yv,rAX rep",
  "AC LODSB AL,Xb rep",
  "AD LODSW|LODSD|LODSQ rAX,Xv rep",
  "AE SCASB AL,Yb rep",
  "AF SCASW|SCASD|SCASQ rAX,Yv rep",
  "B0+r MOV Zb,Ib",
  "B8+r MOV Zv,Iv",
  ...shiftLines(),
  "C2 RET Iw f64",
  "C3 RET - f64",
  "C6/0 MOV Eb,Ib",
  "C7/0 MOV Ev,Iz",
  "C6:F8 XABORT Ib #rtm",
  "C7:F8 XBEGIN Jz #rtm",
  "C8 ENTER Iw,Ib d64",
  "C9 LEAVE - d64",
  "CA RETF Iw #far",
  "CB RETF - #far",
  "CC INT3 -",
  "CD INT Ib",
  "CF IRET|IRETD|IRETQ - #far",
  "D7 XLATB -",
  "E0 LOOPNE Jb f64",
  "E1 LOOPE Jb f64",
  "E2 LOOP Jb f64",
  "E3 JRCXZ Jb f64",
  "E4 IN AL,Ib #sys",
  "E5 IN eAX,Ib #sys",
  "E6 OUT Ib,AL #sys",
  "E7 OUT Ib,eAX #sys",
  "E8 CALL Jz f64",
  "E9 JMP Jz f64",
  "EB JMP Jb f64",
  "EC IN AL,DX #sys",
  "ED IN eAX,DX #sys",
  "EE OUT DX,AL #sys",
  "EF OUT DX,eAX #sys",
  "F1 INT1 -",
  "F4 HLT - #sys",
  "F5 CMC -",
  "F6/0 TEST Eb,Ib",
  "F6/1 TEST Eb,Ib",
  "F6/2 NOT Eb lock",
  "F6/3 NEG Eb lock",
  "F6/4 MUL Eb",
  "F6/5 IMUL Eb",
  "F6/6 DIV Eb",
  "F6/7 IDIV Eb",
  "F7/0 TEST Ev,Iz",
  "F7/1 TEST Ev,Iz",
  "F7/2 NOT Ev lock",
  "F7/3 NEG Ev lock",
  "F7/4 MUL Ev",
  "F7/5 IMUL Ev",
  "F7/6 DIV Ev",
  "F7/7 IDIV Ev",
  "F8 CLC -",
  "F9 STC -",
  "FA CLI - #sys",
  "FB STI - #sys",
  "FC CLD -",
  "FD STD -",
  "FE/0 INC Eb lock",
  "FE/1 DEC Eb lock",
  "FF/0 INC Ev lock",
  "FF/1 DEC Ev lock",
  "FF/2 CALL Ev f64",
  "FF/3 CALL Mp #far",
  "FF/4 JMP Ev f64",
  "FF/5 JMP Mp #far",
  "FF/6 PUSH Ev d64",
];
