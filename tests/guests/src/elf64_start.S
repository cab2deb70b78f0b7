/*
 * Entry of the plain ELF64 guest (no Multiboot).  The VMM's ELF64 loader
 * enters _start in 64-bit long mode with the first 4 GiB identity-mapped,
 * interrupts off and RSI = physical address of the boot_params zero page.
 */
    .section .text.boot, "ax"
    .code64
    .globl  _start
_start:
    cli
    cld
    movq    %rsi, %rbx                  /* keep boot_params */
    /* zero .bss (it holds our stack); rep stosb clobbers rdi, rcx, rax */
    leaq    __bss_start(%rip), %rdi
    leaq    __bss_end(%rip), %rcx
    subq    %rdi, %rcx
    xorl    %eax, %eax
    rep stosb
    leaq    stack_top(%rip), %rsp
    xorl    %ebp, %ebp
    movq    %rbx, %rdi                  /* arg 1: boot_params */
    call    elf64_main
    movw    $0x604, %dx                 /* ACPI power off */
    movw    $0x2000, %ax
    outw    %ax, %dx
1:  cli
    hlt
    jmp     1b

    .bss
    .balign 16
stack:
    .skip   16384
stack_top:

    .section .note.GNU-stack, "", @progbits
