; A static program without libc: integer instructions only and raw syscalls, so the
; loader's initial stack, the syscall ABI and the shim's memory calls can be checked
; on a CPU that has no SSE yet. Prints argc, argv and envp by walking the stack as
; binfmt_elf laid it out, grows the break, maps, writes, protects and unmaps
; anonymous memory, echoes stdin upper-cased, and exits with status 3. Addresses are
; never printed, only facts about them.
bits 64
default rel

section .bss
inbuf:  resb 4096

section .data
s_argc:   db "argc="
s_argc_l: equ $ - s_argc
s_argv:   db "argv: "
s_argv_l: equ $ - s_argv
s_env:    db "env: "
s_env_l:  equ $ - s_env
s_brk:    db "brk grew by "
s_brk_l:  equ $ - s_brk
s_mmap:   db "mmap page sum "
s_mmap_l: equ $ - s_mmap
s_prot:   db "mprotect ok="
s_prot_l: equ $ - s_prot
s_unmap:  db "munmap ok="
s_unmap_l: equ $ - s_unmap
s_uname:  db "uname machine="
s_uname_l: equ $ - s_uname
s_stdin:  db "stdin: "
s_stdin_l: equ $ - s_stdin
s_bad:    db "unknown syscall returns "
s_bad_l:  equ $ - s_bad

section .text
global _start

%include "print.inc"

_start:
    mov r12, rsp                 ; argc, argv[], NULL, envp[], NULL, auxv
    lea rsi, [s_argc]
    mov edx, s_argc_l
    call out
    mov rax, [r12]
    call outnum
    call newline

    lea r13, [r12 + 8]           ; argv
.argv:
    mov rsi, [r13]
    test rsi, rsi
    jz .envp
    push rsi
    lea rsi, [s_argv]
    mov edx, s_argv_l
    call out
    pop rsi
    call outz
    call newline
    add r13, 8
    jmp .argv
.envp:
    add r13, 8
.env:
    mov rsi, [r13]
    test rsi, rsi
    jz .heap
    push rsi
    lea rsi, [s_env]
    mov edx, s_env_l
    call out
    pop rsi
    call outz
    call newline
    add r13, 8
    jmp .env

.heap:
    mov eax, 12                  ; brk(0)
    xor edi, edi
    syscall
    mov r14, rax
    lea rdi, [rax + 65536]
    mov eax, 12
    syscall
    mov r15, rax
    mov byte [r15 - 1], 7        ; the new break is writable
    lea rsi, [s_brk]
    mov edx, s_brk_l
    call out
    mov rax, r15
    sub rax, r14
    call outnum
    call newline

    mov eax, 9                   ; mmap(NULL, 3 pages, RW, PRIVATE|ANON, -1, 0)
    xor edi, edi
    mov esi, 3 * 4096
    mov edx, 3
    mov r10d, 0x22
    mov r8, -1
    xor r9d, r9d
    syscall
    mov rbx, rax
    xor ecx, ecx                 ; fill 3 pages with i & 0xff, sum them back
.fill:
    mov [rbx + rcx], cl
    inc rcx
    cmp rcx, 3 * 4096
    jne .fill
    xor eax, eax
    xor ecx, ecx
.sum:
    movzx edx, byte [rbx + rcx]
    add rax, rdx
    inc rcx
    cmp rcx, 3 * 4096
    jne .sum
    push rax
    lea rsi, [s_mmap]
    mov edx, s_mmap_l
    call out
    pop rax
    call outnum
    call newline

    mov eax, 10                  ; mprotect(second page, PROT_READ)
    lea rdi, [rbx + 4096]
    mov esi, 4096
    mov edx, 1
    syscall
    push rax
    lea rsi, [s_prot]
    mov edx, s_prot_l
    call out
    pop rax
    call outnum
    call newline

    mov eax, 11                  ; munmap all three
    mov rdi, rbx
    mov esi, 3 * 4096
    syscall
    push rax
    lea rsi, [s_unmap]
    mov edx, s_unmap_l
    call out
    pop rax
    call outnum
    call newline

    sub rsp, 400                 ; uname into the stack: machine is the 5th 65-byte field
    mov eax, 63
    mov rdi, rsp
    syscall
    lea rsi, [s_uname]
    mov edx, s_uname_l
    call out
    lea rsi, [rsp + 4 * 65]
    call outz
    call newline
    add rsp, 400

    mov eax, 100000              ; a syscall nobody has: -ENOSYS
    syscall
    push rax
    lea rsi, [s_bad]
    mov edx, s_bad_l
    call out
    pop rax
    call outnum
    call newline

    lea rsi, [s_stdin]
    mov edx, s_stdin_l
    call out
.read:
    xor eax, eax                 ; read(0, inbuf, 100): short reads on purpose
    xor edi, edi
    lea rsi, [inbuf]
    mov edx, 100
    syscall
    test rax, rax
    jle .eof
    mov rdx, rax
    xor ecx, ecx
.upper:
    mov al, [rsi + rcx]
    cmp al, 'a'
    jb .keep
    cmp al, 'z'
    ja .keep
    sub al, 32
    mov [rsi + rcx], al
.keep:
    inc rcx
    cmp rcx, rdx
    jne .upper
    call out
    jmp .read
.eof:
    mov eax, 231                 ; exit_group(3)
    mov edi, 3
    syscall
    hlt
