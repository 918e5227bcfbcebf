; A freestanding program for ps.test.ts: output through an offloaded write, a
; signal handler entered through a real frame and left with rt_sigreturn, a
; fork whose child's exit status the parent collects with wait4, and exit_group.
bits 64
org 0x400000

_start:
    lea rsi, [rel hello]
    mov edx, hello_len
    call write
    mov eax, 13                 ; rt_sigaction(SIGUSR1, &act, NULL, 8)
    mov edi, 10
    lea rsi, [rel act]
    xor edx, edx
    mov r10d, 8
    syscall
    mov eax, 39                 ; kill(getpid(), SIGUSR1)
    syscall
    mov edi, eax
    mov eax, 62
    mov esi, 10
    syscall
    lea rsi, [rel after]
    mov edx, after_len
    call write
    mov eax, 57                 ; fork()
    syscall
    test eax, eax
    jz child
    mov edi, -1                 ; wait4(-1, &status, 0, NULL)
    lea rsi, [rel status]
    xor edx, edx
    xor r10d, r10d
    mov eax, 61
    syscall
    mov edi, [rel status]
    shr edi, 8
    add edi, 1
    mov eax, 231                ; exit_group((status >> 8) + 1)
    syscall

child:
    lea rsi, [rel kid]
    mov edx, kid_len
    call write
    mov eax, 60                 ; exit(41)
    mov edi, 41
    syscall

handler:
    cmp edi, 10                 ; the signal number arrives in rdi
    jne .bad
    lea rsi, [rel inhandler]
    mov edx, inhandler_len
    call write
    ret                         ; into the restorer
.bad:
    ud2

restorer:
    mov eax, 15                 ; rt_sigreturn
    syscall

write:
    mov eax, 1
    mov edi, 1
    syscall
    ret

hello: db "hello", 10
hello_len equ $ - hello
inhandler: db "handler", 10
inhandler_len equ $ - inhandler
after: db "after", 10
after_len equ $ - after
kid: db "child", 10
kid_len equ $ - kid
align 8
act: dq handler, 0x04000000, restorer, 0
status: dd 0
