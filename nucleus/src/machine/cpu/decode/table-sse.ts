/**
 * SSE/SSE2/SSE3/SSSE3/SSE4.1/SSE4.2 (and the MMX forms sharing their opcodes) in
 * the 0F, 0F38 and 0F3A maps, selected by mandatory prefix (NP/66/F3/F2). Every
 * form with an mm operand is tagged #mmx, whatever extension added it: CPUID
 * reports MMX only while all of them have handlers.
 */
function hex(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, "0");
}

/** packed single / packed double / scalar single / scalar double */
function fp4(op: string, m: string): string[] {
  return [
    `NP.${op} ${m}PS Vps,Wps #sse`, `66.${op} ${m}PD Vpd,Wpd #sse2`,
    `F3.${op} ${m}SS Vss,Wss #sse`, `F2.${op} ${m}SD Vsd,Wsd #sse2`,
  ];
}

function fp2(op: string, m: string): string[] {
  return [`NP.${op} ${m}PS Vps,Wps #sse`, `66.${op} ${m}PD Vpd,Wpd #sse2`];
}

/** An integer op with an MMX form (NP) and an SSE2 form (66). */
function mmx2(op: string, m: string, sse = "#sse2", mmxTag = "#mmx"): string[] {
  return [`NP.${op} ${m} Pq,Qq ${mmxTag}`, `66.${op} ${m} Vx,Wx ${sse}`];
}

function mmxSeq(map: string, start: number, names: string[], sse = "#sse2"): string[] {
  return names.flatMap((m, k) => (m ? mmx2(`${map}${hex(start + k)}`, m, sse) : []));
}

function sse66(map: string, start: number, names: string[], tag: string, ops = "Vx,Wx"): string[] {
  return names.flatMap((m, k) => (m ? [`66.${map}${hex(start + k)} ${m} ${ops} ${tag}`] : []));
}

export const SSE_0F: string[] = [
  "NP.0F10 MOVUPS Vps,Wps #sse", "66.0F10 MOVUPD Vpd,Wpd #sse2",
  "F3.0F10 MOVSS Vss,Wss #sse", "F2.0F10 MOVSD Vsd,Wsd #sse2",
  "NP.0F11 MOVUPS Wps,Vps #sse", "66.0F11 MOVUPD Wpd,Vpd #sse2",
  "F3.0F11 MOVSS Wss,Vss #sse", "F2.0F11 MOVSD Wsd,Vsd #sse2",
  "NP.0F12 MOVLPS Vq,Mq #sse", "NP.0F12 MOVHLPS Vq,Uq #sse", "66.0F12 MOVLPD Vq,Mq #sse2",
  "F3.0F12 MOVSLDUP Vx,Wx #sse3", "F2.0F12 MOVDDUP Vx,Wq #sse3",
  "NP.0F13 MOVLPS Mq,Vq #sse", "66.0F13 MOVLPD Mq,Vq #sse2",
  ...fp2("0F14", "UNPCKL"), ...fp2("0F15", "UNPCKH"),
  "NP.0F16 MOVHPS Vq,Mq #sse", "NP.0F16 MOVLHPS Vq,Uq #sse", "66.0F16 MOVHPD Vq,Mq #sse2",
  "F3.0F16 MOVSHDUP Vx,Wx #sse3",
  "NP.0F17 MOVHPS Mq,Vq #sse", "66.0F17 MOVHPD Mq,Vq #sse2",
  "NP.0F28 MOVAPS Vps,Wps #sse", "66.0F28 MOVAPD Vpd,Wpd #sse2",
  "NP.0F29 MOVAPS Wps,Vps #sse", "66.0F29 MOVAPD Wpd,Vpd #sse2",
  "NP.0F2A CVTPI2PS Vps,Qpi #mmx", "66.0F2A CVTPI2PD Vpd,Qpi #mmx",
  "F3.0F2A CVTSI2SS Vss,Ey #sse", "F2.0F2A CVTSI2SD Vsd,Ey #sse2",
  "NP.0F2B MOVNTPS Mps,Vps #sse", "66.0F2B MOVNTPD Mpd,Vpd #sse2",
  "NP.0F2C CVTTPS2PI Ppi,Wps #mmx", "66.0F2C CVTTPD2PI Ppi,Wpd #mmx",
  "F3.0F2C CVTTSS2SI Gy,Wss #sse", "F2.0F2C CVTTSD2SI Gy,Wsd #sse2",
  "NP.0F2D CVTPS2PI Ppi,Wps #mmx", "66.0F2D CVTPD2PI Ppi,Wpd #mmx",
  "F3.0F2D CVTSS2SI Gy,Wss #sse", "F2.0F2D CVTSD2SI Gy,Wsd #sse2",
  "NP.0F2E UCOMISS Vss,Wss #sse", "66.0F2E UCOMISD Vsd,Wsd #sse2",
  "NP.0F2F COMISS Vss,Wss #sse", "66.0F2F COMISD Vsd,Wsd #sse2",
  "NP.0F50 MOVMSKPS Gy,Ups #sse", "66.0F50 MOVMSKPD Gy,Upd #sse2",
  ...fp4("0F51", "SQRT"),
  "NP.0F52 RSQRTPS Vps,Wps #sse", "F3.0F52 RSQRTSS Vss,Wss #sse",
  "NP.0F53 RCPPS Vps,Wps #sse", "F3.0F53 RCPSS Vss,Wss #sse",
  ...fp2("0F54", "AND"), ...fp2("0F55", "ANDN"), ...fp2("0F56", "OR"), ...fp2("0F57", "XOR"),
  ...fp4("0F58", "ADD"), ...fp4("0F59", "MUL"),
  "NP.0F5A CVTPS2PD Vpd,Wps #sse2", "66.0F5A CVTPD2PS Vps,Wpd #sse2",
  "F3.0F5A CVTSS2SD Vsd,Wss #sse2", "F2.0F5A CVTSD2SS Vss,Wsd #sse2",
  "NP.0F5B CVTDQ2PS Vps,Wdq #sse2", "66.0F5B CVTPS2DQ Vdq,Wps #sse2", "F3.0F5B CVTTPS2DQ Vdq,Wps #sse2",
  ...fp4("0F5C", "SUB"), ...fp4("0F5D", "MIN"), ...fp4("0F5E", "DIV"), ...fp4("0F5F", "MAX"),
  ...mmxSeq("0F", 0x60, ["PUNPCKLBW", "PUNPCKLWD", "PUNPCKLDQ", "PACKSSWB", "PCMPGTB", "PCMPGTW",
    "PCMPGTD", "PACKUSWB", "PUNPCKHBW", "PUNPCKHWD", "PUNPCKHDQ", "PACKSSDW"]),
  "66.0F6C PUNPCKLQDQ Vx,Wx #sse2", "66.0F6D PUNPCKHQDQ Vx,Wx #sse2",
  "NP.0F6E MOVD|MOVD|MOVQ Pq,Ey #mmx", "66.0F6E MOVD|MOVD|MOVQ Vx,Ey #sse2",
  "NP.0F6F MOVQ Pq,Qq #mmx", "66.0F6F MOVDQA Vx,Wx #sse2", "F3.0F6F MOVDQU Vx,Wx #sse2",
  "NP.0F70 PSHUFW Pq,Qq,Ib #mmx", "66.0F70 PSHUFD Vx,Wx,Ib #sse2",
  "F3.0F70 PSHUFHW Vx,Wx,Ib #sse2", "F2.0F70 PSHUFLW Vx,Wx,Ib #sse2",
  "NP.0F71/2 PSRLW Nq,Ib #mmx", "66.0F71/2 PSRLW Ux,Ib #sse2",
  "NP.0F71/4 PSRAW Nq,Ib #mmx", "66.0F71/4 PSRAW Ux,Ib #sse2",
  "NP.0F71/6 PSLLW Nq,Ib #mmx", "66.0F71/6 PSLLW Ux,Ib #sse2",
  "NP.0F72/2 PSRLD Nq,Ib #mmx", "66.0F72/2 PSRLD Ux,Ib #sse2",
  "NP.0F72/4 PSRAD Nq,Ib #mmx", "66.0F72/4 PSRAD Ux,Ib #sse2",
  "NP.0F72/6 PSLLD Nq,Ib #mmx", "66.0F72/6 PSLLD Ux,Ib #sse2",
  "NP.0F73/2 PSRLQ Nq,Ib #mmx", "66.0F73/2 PSRLQ Ux,Ib #sse2",
  "66.0F73/3 PSRLDQ Ux,Ib #sse2",
  "NP.0F73/6 PSLLQ Nq,Ib #mmx", "66.0F73/6 PSLLQ Ux,Ib #sse2",
  "66.0F73/7 PSLLDQ Ux,Ib #sse2",
  ...mmxSeq("0F", 0x74, ["PCMPEQB", "PCMPEQW", "PCMPEQD"]),
  "NP.0F77 EMMS - #mmx",
  "66.0F7C HADDPD Vpd,Wpd #sse3", "F2.0F7C HADDPS Vps,Wps #sse3",
  "66.0F7D HSUBPD Vpd,Wpd #sse3", "F2.0F7D HSUBPS Vps,Wps #sse3",
  "NP.0F7E MOVD|MOVD|MOVQ Ey,Pq #mmx", "66.0F7E MOVD|MOVD|MOVQ Ey,Vx #sse2", "F3.0F7E MOVQ Vq,Wq #sse2",
  "NP.0F7F MOVQ Qq,Pq #mmx", "66.0F7F MOVDQA Wx,Vx #sse2", "F3.0F7F MOVDQU Wx,Vx #sse2",
  "NP.0FC2 CMPPS Vps,Wps,Ib #sse", "66.0FC2 CMPPD Vpd,Wpd,Ib #sse2",
  "F3.0FC2 CMPSS Vss,Wss,Ib #sse", "F2.0FC2 CMPSD Vsd,Wsd,Ib #sse2",
  "NP.0FC3 MOVNTI My,Gy #sse2",
  "NP.0FC4 PINSRW Pq,Ew,Ib #mmx", "66.0FC4 PINSRW Vx,Ew,Ib #sse2",
  "NP.0FC5 PEXTRW Gy,Nq,Ib #mmx", "66.0FC5 PEXTRW Gy,Ux,Ib #sse2",
  "NP.0FC6 SHUFPS Vps,Wps,Ib #sse", "66.0FC6 SHUFPD Vpd,Wpd,Ib #sse2",
  "66.0FD0 ADDSUBPD Vpd,Wpd #sse3", "F2.0FD0 ADDSUBPS Vps,Wps #sse3",
  ...mmxSeq("0F", 0xd1, ["PSRLW", "PSRLD", "PSRLQ", "PADDQ", "PMULLW"]),
  "66.0FD6 MOVQ Wq,Vq #sse2", "F3.0FD6 MOVQ2DQ Vdq,Nq #mmx", "F2.0FD6 MOVDQ2Q Pq,Uq #mmx",
  "NP.0FD7 PMOVMSKB Gy,Nq #mmx", "66.0FD7 PMOVMSKB Gy,Ux #sse2",
  ...mmxSeq("0F", 0xd8, ["PSUBUSB", "PSUBUSW", "PMINUB", "PAND", "PADDUSB", "PADDUSW", "PMAXUB", "PANDN"]),
  ...mmxSeq("0F", 0xe0, ["PAVGB", "PSRAW", "PSRAD", "PAVGW", "PMULHUW", "PMULHW"]),
  "66.0FE6 CVTTPD2DQ Vx,Wpd #sse2", "F3.0FE6 CVTDQ2PD Vx,Wq #sse2", "F2.0FE6 CVTPD2DQ Vx,Wpd #sse2",
  "NP.0FE7 MOVNTQ Mq,Pq #mmx", "66.0FE7 MOVNTDQ Mx,Vx #sse2",
  ...mmxSeq("0F", 0xe8, ["PSUBSB", "PSUBSW", "PMINSW", "POR", "PADDSB", "PADDSW", "PMAXSW", "PXOR"]),
  "F2.0FF0 LDDQU Vx,Mx #sse3",
  ...mmxSeq("0F", 0xf1, ["PSLLW", "PSLLD", "PSLLQ", "PMULUDQ", "PMADDWD", "PSADBW"]),
  "NP.0FF7 MASKMOVQ Pq,Nq #mmx", "66.0FF7 MASKMOVDQU Vdq,Udq #sse2",
  ...mmxSeq("0F", 0xf8, ["PSUBB", "PSUBW", "PSUBD", "PSUBQ", "PADDB", "PADDW", "PADDD"]),
];

export const MAP_0F38: string[] = [
  ...mmxSeq("0F38", 0x00, ["PSHUFB", "PHADDW", "PHADDD", "PHADDSW", "PMADDUBSW", "PHSUBW", "PHSUBD",
    "PHSUBSW", "PSIGNB", "PSIGNW", "PSIGND", "PMULHRSW"], "#ssse3"),
  "66.0F3810 PBLENDVB Vx,Wx,XMM0 #sse41",
  "66.0F3814 BLENDVPS Vx,Wx,XMM0 #sse41",
  "66.0F3815 BLENDVPD Vx,Wx,XMM0 #sse41",
  "66.0F3817 PTEST Vx,Wx #sse41",
  ...mmxSeq("0F38", 0x1c, ["PABSB", "PABSW", "PABSD"], "#ssse3"),
  ...sse66("0F38", 0x20, ["PMOVSXBW", "PMOVSXBD", "PMOVSXBQ", "PMOVSXWD", "PMOVSXWQ", "PMOVSXDQ"], "#sse41"),
  ...sse66("0F38", 0x28, ["PMULDQ", "PCMPEQQ"], "#sse41"),
  "66.0F382A MOVNTDQA Vx,Mx #sse41",
  "66.0F382B PACKUSDW Vx,Wx #sse41",
  ...sse66("0F38", 0x30, ["PMOVZXBW", "PMOVZXBD", "PMOVZXBQ", "PMOVZXWD", "PMOVZXWQ", "PMOVZXDQ"], "#sse41"),
  "66.0F3837 PCMPGTQ Vx,Wx #sse42",
  ...sse66("0F38", 0x38, ["PMINSB", "PMINSD", "PMINUW", "PMINUD", "PMAXSB", "PMAXSD", "PMAXUW", "PMAXUD",
    "PMULLD", "PHMINPOSUW"], "#sse41"),
  "NP,66.0F38F0 MOVBE Gv,Mv #movbe",
  "NP,66.0F38F1 MOVBE Mv,Gv #movbe",
  "F2.0F38F0 CRC32 Gy,Eb #sse42",
  "F2.0F38F1 CRC32 Gy,Ev #sse42",
];

export const MAP_0F3A: string[] = [
  ...sse66("0F3A", 0x08, ["ROUNDPS", "ROUNDPD", "ROUNDSS", "ROUNDSD", "BLENDPS", "BLENDPD", "PBLENDW"],
    "#sse41", "Vx,Wx,Ib"),
  "NP.0F3A0F PALIGNR Pq,Qq,Ib #mmx", "66.0F3A0F PALIGNR Vx,Wx,Ib #ssse3",
  "66.0F3A14 PEXTRB Ed,Vdq,Ib #sse41",
  "66.0F3A15 PEXTRW Ed,Vdq,Ib #sse41",
  "66.0F3A16 PEXTRD|PEXTRD|PEXTRQ Ey,Vdq,Ib #sse41",
  "66.0F3A17 EXTRACTPS Ed,Vdq,Ib #sse41",
  "66.0F3A20 PINSRB Vdq,Ed,Ib #sse41",
  "66.0F3A21 INSERTPS Vdq,Wd,Ib #sse41",
  "66.0F3A22 PINSRD|PINSRD|PINSRQ Vdq,Ey,Ib #sse41",
  ...sse66("0F3A", 0x40, ["DPPS", "DPPD", "MPSADBW"], "#sse41", "Vx,Wx,Ib"),
  "66.0F3A44 PCLMULQDQ Vx,Wx,Ib #pclmul",
  ...sse66("0F3A", 0x60, ["PCMPESTRM|PCMPESTRM|PCMPESTRM64", "PCMPESTRI|PCMPESTRI|PCMPESTRI64", "PCMPISTRM",
    "PCMPISTRI"], "#sse42", "Vx,Wx,Ib"),
];

