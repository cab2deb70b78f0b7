/*
 * Interrupt/exception entry stubs for vectors 0..47 (CPU exceptions and
 * the remapped 8259 PIC range 0x20..0x2F).  Every stub makes the stack look
 * the same (error code, vector, then the general registers; see
 * struct trap_frame in idt.h) and calls isr_dispatch(frame) in C.
 */

    .text

/* Vectors for which the CPU pushes an error code itself. */
#define HAS_ERR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

    .macro ISR_STUB v
    .balign 16
isr_stub_\v:
    .if HAS_ERR(\v) == 0
    pushq   $0                      /* dummy error code */
    .endif
    pushq   $\v
    jmp     isr_common
    .endm

#define ALL_VECTORS 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23, \
                    24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47

    .irp v, ALL_VECTORS
    ISR_STUB \v
    .endr

isr_common:
    pushq   %rax
    pushq   %rbx
    pushq   %rcx
    pushq   %rdx
    pushq   %rsi
    pushq   %rdi
    pushq   %rbp
    pushq   %r8
    pushq   %r9
    pushq   %r10
    pushq   %r11
    pushq   %r12
    pushq   %r13
    pushq   %r14
    pushq   %r15
    cld
    movq    %rsp, %rdi              /* struct trap_frame * (16-byte aligned) */
    call    isr_dispatch
    popq    %r15
    popq    %r14
    popq    %r13
    popq    %r12
    popq    %r11
    popq    %r10
    popq    %r9
    popq    %r8
    popq    %rbp
    popq    %rdi
    popq    %rsi
    popq    %rdx
    popq    %rcx
    popq    %rbx
    popq    %rax
    addq    $16, %rsp               /* vector and error code */
    iretq

/* Table of stub addresses, used by idt.c to fill the IDT. */
    .section .rodata
    .balign 8
    .globl  isr_stub_table
isr_stub_table:
    .irp v, ALL_VECTORS
    .quad   isr_stub_\v
    .endr

    .section .note.GNU-stack, "", @progbits
