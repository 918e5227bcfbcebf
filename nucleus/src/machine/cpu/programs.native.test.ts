/**
 * Whole instruction sequences (loops, calls, the stack, string instructions,
 * faults, self-modifying code) assembled with nasm and run natively and on both
 * engines (interpreter; translator with immediate and default thresholds): all
 * registers, flags, rip, traps and the data area must agree.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { assemble, hasNasm } from "./testing/nasm.js";
import { CODE_BASE, DATA_BASE, DATA_SIZE, diffOutcomes, nativeRunner, runEmulated, runNative, type Case } from "./testing/native.js";
import { rng } from "./testing/encodings.js";
import { INTEL_HOST } from "./testing/host-vendor.js";

const ALL_FLAGS = 0xcd5 | 0x400;
const SP = DATA_BASE + 0x3f00;

interface Program {
  name: string;
  asm: string;
  regs?: Record<number, bigint>;
  /** Flags the program leaves undefined (compared otherwise). */
  undefinedFlags?: number;
  /** Flags the manuals leave undefined at the end, even at a fault (MUL's, DIV's): compared on an Intel host only. */
  vendorFlags?: number;
}

const D = `0x${DATA_BASE.toString(16)}`;

export const PROGRAMS: Program[] = [
  { name: "sum loop", asm: `mov ecx, 1000\nxor eax, eax\n.l: add rax, rcx\ndec rcx\njnz .l` },
  {
    name: "recursive fib",
    asm: `mov edi, 15\ncall fib\njmp done\nfib: cmp edi, 2\njb .base\npush rdi\ndec edi\ncall fib\npop rdi\npush rax\nsub edi, 2\ncall fib\npop rcx\nadd rax, rcx\nret\n.base: mov eax, edi\nret\ndone: test eax, eax`,
  },
  {
    name: "64-bit arithmetic chain",
    asm: `mov rax, 0x123456789abcdef0\nmov rbx, 0xfedcba9876543210\nadd rax, rbx\nadc rbx, rax\nsbb rax, 7\nneg rbx\nsub rax, rbx\nimul rax, rbx\nmov rcx, rax\nshl rcx, 13\nsar rbx, 7\nrol rax, 17\nror rbx, 45\nxor rax, rbx\nnot rcx\nlea rdx, [rax + rcx*4 - 0x1234]\ncmp rdx, rcx`,
    undefinedFlags: 0,
  },
  {
    name: "mul/div",
    // The div faults (#DE): the flags are MUL's, SF ZF AF PF undefined.
    vendorFlags: 0xd4,
    asm: `mov rax, 0xfedcba9876543210\nmov rcx, 0x123456789\nmul rcx\nmov r8, rax\nmov r9, rdx\nmov rcx, 0x10001\ndiv rcx\nmov r10, rax\nmov eax, -12345\ncdq\nmov ecx, 77\nidiv ecx\nmov r11, rdx\nmov rax, -1234567890123\ncqo\nmov rcx, 9876\nidiv rcx\nimul r12, rax, -77\nimul r13, rcx\ntest rax, rax`,
  },
  { name: "div overflow #DE", asm: `mov rax, 0x8000000000000000\ncqo\nmov rcx, -1\nidiv rcx` },
  {
    name: "wide dividends",
    // The last idiv faults (#DE): the flags are the previous IDIV's, all undefined.
    vendorFlags: 0x8d5,
    asm: [
      "mov rax, 0x123456789abcdef0", "mov rdx, 0x0fedcba9", "mov rcx, 0x7fffffffffff1234", "div rcx", "mov r8, rax", "mov r9, rdx",
      "mov rax, 0x8000000000000001", "mov rdx, -1", "mov rcx, 0x12345", "idiv rcx", "mov r10, rax", "mov r11, rdx",
      "mov eax, 0xdeadbeef", "mov edx, 0x1234", "mov ecx, 0x56789", "div ecx", "mov r12d, eax", "mov r13d, edx",
      "mov eax, 0x12345678", "mov edx, -5", "mov ecx, 1000003", "idiv ecx", "mov r14d, eax", "mov r15d, edx",
      "mov rax, 0x8000000000000000", "cqo", "mov rcx, 1", "idiv rcx", "mov rbx, rax",
      "mov rax, -7", "cqo", "mov rcx, 0x100000000", "idiv rcx", "mov rsi, rdx", "mov rdi, rax",
      "mov eax, 0", "mov edx, 0x80000000", "mov ecx, -1", "idiv ecx",
    ].join("\n"),
  },
  {
    name: "rep movs/stos forward and backward",
    asm: `mov rsi, ${D}+0x100\nmov rdi, ${D}+0x1000\nmov ecx, 300\nrep movsb\nmov rdi, ${D}+0x2000\nmov eax, 0x5a5a5a5a\nmov ecx, 40\nrep stosd\nstd\nmov rsi, ${D}+0x1f8\nmov rdi, ${D}+0x27f8\nmov ecx, 20\nrep movsq\ncld\nmov rsi, ${D}+0x101\nmov rdi, ${D}+0x100\nmov ecx, 64\nrep movsb\nmov rsi, ${D}+0x300\nmov rdi, ${D}+0x301\nmov ecx, 64\nrep movsb\ncmp ecx, 0`,
  },
  {
    name: "repe cmps / repne scas",
    asm: `mov rsi, ${D}+0x100\nmov rdi, ${D}+0x1000\nmov ecx, 64\nrep movsb\nmov byte [${D}+0x1020], 0\nmov rsi, ${D}+0x100\nmov rdi, ${D}+0x1000\nmov ecx, 64\nrepe cmpsb\nmov r8, rcx\nmov rdi, ${D}+0x100\nmov al, [${D}+0x120]\nmov ecx, 200\nrepne scasb\nmov r9, rcx\nlodsq\nlodsw\nstosb\nscasd`,
  },
  {
    name: "stack, pushf/popf, lahf/sahf",
    asm: `push 0x12345678\npush -5\npop rax\npop rbx\nstc\npushfq\nclc\npopfq\nsetc cl\nmov rdx, 0x8d5\npush rdx\npopfq\npushfq\npop r8\nlahf\nmov ah, 0x41\nsahf\npushfq\npop r9\npush word 0x1234\npop word [${D}+0x10]\npush qword [${D}+0x8]\npop qword [${D}+0x20]\ncmc\nstd\npushfq\npop r10\ncld`,
  },
  {
    name: "enter/leave",
    asm: `mov rbp, ${D}+0x3800\nenter 0x40, 0\nmov r8, rbp\nmov r9, rsp\nenter 0x20, 3\nmov r10, rbp\nmov r11, rsp\nleave\nleave\ntest rsp, rsp`,
  },
  {
    name: "loop, loope, loopne, jrcxz",
    asm: `mov ecx, 10\nxor eax, eax\n.a: inc eax\nloop .a\nmov ecx, 20\n.b: inc eax\ncmp eax, 15\nloopne .b\nmov r8, rcx\nmov ecx, 5\n.c: cmp eax, eax\nloope .c\njrcxz .d\nmov eax, 99\n.d: mov ecx, 0x10000\nmov r9d, 0\n.e: inc r9d\na32 loop .e\ntest r9d, r9d`,
  },
  {
    name: "bit scan, bt*, setcc/cmov over many flags",
    asm: `mov rax, 0x0000800000000100\nbsf rbx, rax\nbsr rcx, rax\nbt rax, 8\nsetc dl\nbts rax, 63\nbtr rax, 8\nbtc rax, 1\nmov r8, rax\npopcnt r9, rax\nmov r10d, 5\ncmp r10d, 7\nsetl r11b\nsetb r12b\ncmovg r13, rax\ncmovle r14, rax\nsub r10d, 9\nsets r15b\nseto al\nsetp ah\nsetae bl\ntest r10d, r10d`,
  },
  {
    name: "shld/shrd, rcl/rcr, bswap, xadd, cmpxchg",
    asm: `mov rax, 0x0123456789abcdef\nmov rbx, 0xfedcba9876543210\nshld rax, rbx, 12\nshrd rbx, rax, 20\nstc\nrcl rax, 1\nrcr rbx, 1\nbswap rax\nbswap ebx\nmov rcx, 5\nxadd rcx, rax\nmov rax, rcx\nmov rdx, 77\ncmpxchg [${D}+0x40], rdx\nmov [${D}+0x48], rax\nmov rax, [${D}+0x48]\ncmpxchg [${D}+0x48], rdx\nmov r8, [${D}+0x48]\nlock xadd [${D}+0x50], r8d\ncmp r8, rax`,
  },
  {
    name: "cmpxchg8b/16b",
    asm: `mov rax, [${D}+0x60]\nmov rdx, [${D}+0x68]\nmov rbx, 11\nmov rcx, 22\nlock cmpxchg16b [${D}+0x60]\nsetz r8b\ncmpxchg16b [${D}+0x60]\nsetz r9b\nmov eax, [${D}+0x80]\nmov edx, [${D}+0x84]\ncmpxchg8b [${D}+0x80]\nsetz r10b\ncmpxchg8b [${D}+0x80]\nsetz r11b`,
    undefinedFlags: 0x8d5 & ~0x40,
  },
  { name: "push to unmapped stack faults precisely", asm: `mov rsp, 0x1000\nmov rax, 5\npush rax` },
  { name: "call through unmapped memory", asm: `mov rbx, 0x5000\ncall [rbx+8]` },
  { name: "ret to non-canonical", asm: `mov rax, 0x8000000000000000\npush rax\nret` },
  { name: "jump to unmapped code", asm: `mov rax, 0x12345000\njmp rax` },
  { name: "jump to non-canonical", asm: `mov rax, 0x0000800000000000\njmp rax` },
  { name: "indirect call with unmapped stack", asm: `lea rax, [rel t]\nmov rsp, 0x1000\ncall rax\nt: nop` },
  {
    // A jump table and a function-pointer table, taken many times (translated inline).
    name: "indirect jumps and calls through tables",
    asm: `lea rbx, [rel tab]\nxor eax, eax\nmov ecx, 30\nlp: mov edx, ecx\nand edx, 3\njmp [rbx+rdx*8]\nc0: add eax, 1\njmp nx\nc1: add eax, 10\njmp nx\nc2: lea rsi, [rel f]\ncall rsi\njmp nx\nc3: call [rbx+32]\nnx: dec ecx\njnz lp\njmp done\nf: add eax, 100\nret\nalign 8\ntab: dq c0, c1, c2, c3, f\ndone: test eax, eax`,
  },
  {
    // The stack lies in the page of the running code: every push and call writes a
    // code frame (translated code leaves its block, with rsp already updated).
    name: "stack in the code page",
    asm: `jmp start\ntimes 64 db 0\nstk:\nstart: lea rsp, [rel stk]\nmov ecx, 20\n.l: push rax\npush rbx\ncall fn\npop rbx\npop rax\ndec ecx\njnz .l\njmp done\nfn: inc eax\nret\ndone: test eax, eax`,
  },
  { name: "write to code page then run it", asm: `lea rbx, [rel patch]\nmov byte [rbx], 0xc0\nmov ecx, 3\n.l: xor eax, eax\npatch: db 0xff, 0xc0\ndec ecx\njnz .l\ntest eax, eax` },
  { name: "int3", asm: `mov eax, 1\nint3\nmov eax, 2` },
  { name: "ud2", asm: `mov eax, 1\nud2` },
  { name: "lock on register #UD", asm: `db 0xf0, 0x01, 0xc0` },
  { name: "privileged hlt #GP", asm: `hlt` },
  { name: "int 0x21 #GP", asm: `int 0x21` },
  { name: "non-canonical rbp-relative #SS", asm: `mov rbp, 0x8000000000000000\nmov eax, [rbp+8]` },
  { name: "xlat, movsx/movzx, cbw family", asm: `mov rbx, ${D}+0x200\nmov eax, 0x1234567f\nxlatb\nmovsx ecx, al\nmovzx edx, al\nmovsx r8, word [${D}+0x202]\nmovsxd r9, dword [${D}+0x204]\ncbw\ncwde\ncdqe\ncwd\ncqo\ntest eax, eax` },
];

function caseOf(p: Program, seed: number): Case {
  const r = rng(seed);
  const regs: bigint[] = [];
  for (let k = 0; k < 16; k++) regs.push(BigInt(Math.floor(r() * 0x100000000)));
  regs[4] = BigInt(SP);
  for (const [k, v] of Object.entries(p.regs ?? {})) regs[Number(k)] = v;
  const data = new Uint8Array(DATA_SIZE);
  for (let k = 0; k < data.length; k++) data[k] = Math.floor(r() * 256);
  return { code: assemble(p.asm, CODE_BASE), regs, rflags: 0x202, data };
}

const skip = !hasNasm() || nativeRunner() === null ? "needs nasm and gcc" : false;

test("programs match the host CPU on every engine", { skip }, () => {
  const cases = PROGRAMS.map((p, k) => caseOf(p, 100 + k));
  const host = runNative(cases);
  const failures: string[] = [];
  PROGRAMS.forEach((p, k) => {
    const mask = ALL_FLAGS & ~(p.undefinedFlags ?? 0);
    const vendor = INTEL_HOST ? 0 : p.vendorFlags ?? 0;
    for (const [engine, threshold] of [["interpreter", 0], ["translate", 0], ["translate", 2]] as const) {
      const got = runEmulated(cases[k], { engine, threshold });
      const d = diffOutcomes(host[k], got, (host[k].faulted ? ALL_FLAGS : mask) & ~vendor);
      if (d) failures.push(`${p.name} [${engine}/${threshold}]: ${d}`);
    }
  });
  assert.deepEqual(failures, []);
});
