; An integer-only workload without libc, so the emulator can be timed before it runs
; glibc (whose start-up needs SSE): a byte sieve of Eratosthenes below 2,000,000,
; the count and sum of the primes, then an FNV-1a hash over the sieve and a
; multiply/rotate/divide mixing loop. About 60 million instructions; the results
; are printed and checked against native execution like every other program.
bits 64
default rel

N equ 2000000

section .bss
sieve: resb N

section .data
s_count: db "primes below 2000000: "
s_count_l: equ $ - s_count
s_sum: db "sum: "
s_sum_l: equ $ - s_sum
s_fnv: db "fnv1a of the sieve: "
s_fnv_l: equ $ - s_fnv
s_mix: db "mix: "
s_mix_l: equ $ - s_mix

section .text
global _start

%include "print.inc"

; prints the label at rsi (length rdx), then rax and a newline
labelled:
    push rax
    call out
    pop rax
    call outnum
    jmp newline

_start:
    lea rbx, [sieve]             ; sieve[i] = 1 marks a composite
    mov ecx, 2
.outer:
    mov rax, rcx
    imul rax, rcx
    cmp rax, N
    jae .count
    cmp byte [rbx + rcx], 0
    jne .next
.mark:
    mov byte [rbx + rax], 1
    add rax, rcx
    cmp rax, N
    jb .mark
.next:
    inc rcx
    jmp .outer

.count:
    xor r12d, r12d               ; count
    xor r13d, r13d               ; sum
    mov ecx, 2
.scan:
    cmp byte [rbx + rcx], 0
    jne .composite
    inc r12
    add r13, rcx
.composite:
    inc rcx
    cmp rcx, N
    jb .scan

    mov r14, 0xcbf29ce484222325  ; FNV-1a over the whole sieve
    mov r15, 0x100000001b3
    xor ecx, ecx
.fnv:
    movzx eax, byte [rbx + rcx]
    xor r14, rax
    imul r14, r15
    inc rcx
    cmp rcx, N
    jb .fnv

    mov r15, 0x9e3779b97f4a7c15  ; mixing: multiply, rotate, divide, conditional moves
    mov rsi, 1
    mov ecx, 3000000
.mix:
    mov rax, rsi
    mul r15
    xor rax, rdx
    rol rax, 13
    mov rdi, rax
    or rdi, 1
    xor edx, edx
    mov r8, rcx
    or r8, 3
    div r8
    add rax, rdx
    cmp rax, rsi
    cmovb rsi, rax
    cmovae rsi, rdi
    add rsi, rcx
    dec rcx
    jnz .mix
    push rsi

    lea rsi, [s_count]
    mov edx, s_count_l
    mov rax, r12
    call labelled
    lea rsi, [s_sum]
    mov edx, s_sum_l
    mov rax, r13
    call labelled
    lea rsi, [s_fnv]
    mov edx, s_fnv_l
    mov rax, r14
    call labelled
    lea rsi, [s_mix]
    mov edx, s_mix_l
    pop rax
    call labelled
    mov eax, 231
    xor edi, edi
    syscall
