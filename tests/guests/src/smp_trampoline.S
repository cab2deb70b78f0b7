/*
 * AP start-up trampoline.  The BSP copies [ap_trampoline, ap_trampoline_end)
 * to physical 0x8000 and sends SIPI vector 0x08, so the AP starts here in
 * real mode with CS=0x0800, IP=0.  Code inside the blob is addressed as
 * AP_TRAMPOLINE_BASE + (label - ap_trampoline); everything after the switch
 * to protected mode (GDT, CR3 value, ap_long_entry, stack) lives in the
 * kernel image at its link address.
 */
#define AP_TRAMPOLINE_BASE 0x8000
#define TRAMP(sym) (AP_TRAMPOLINE_BASE + ((sym) - ap_trampoline))

#define SEL_CODE64 0x08
#define SEL_DATA   0x10
#define SEL_CODE32 0x18

    .section .rodata
    .balign 16
    .globl  ap_trampoline, ap_trampoline_end
ap_trampoline:
    .code16
    cli
    cld
    xorw    %ax, %ax
    movw    %ax, %ds
    lgdtl   TRAMP(tramp_gdt_ptr)        /* the kernel's GDT, 32-bit base */
    movl    %cr0, %eax
    andl    $0x9FFFFFFF, %eax           /* caches on: clear CR0.CD and CR0.NW */
    orl     $1, %eax                    /* CR0.PE */
    movl    %eax, %cr0
    ljmpl   $SEL_CODE32, $TRAMP(tramp_pm)

    .code32
tramp_pm:
    movl    $SEL_DATA, %eax
    movl    %eax, %ds
    movl    %eax, %es
    movl    %eax, %ss
    movl    %cr4, %eax
    orl     $0x20, %eax                 /* CR4.PAE */
    movl    %eax, %cr4
    movl    ap_cr3, %eax                /* the BSP's CR3 */
    movl    %eax, %cr3
    movl    $0xC0000080, %ecx           /* EFER.LME */
    rdmsr
    orl     $0x100, %eax
    wrmsr
    movl    %cr0, %eax
    orl     $0x80000000, %eax           /* CR0.PG */
    movl    %eax, %cr0
    ljmp    $SEL_CODE64, $ap_long_entry

    .balign 8
tramp_gdt_ptr:
    .word   4 * 8 - 1                   /* boot.S's GDT has 4 entries */
    .long   gdt
ap_trampoline_end:

    .text
    .code64
ap_long_entry:
    movl    $SEL_DATA, %eax
    movl    %eax, %ds
    movl    %eax, %es
    movl    %eax, %ss
    xorl    %eax, %eax
    movl    %eax, %fs
    movl    %eax, %gs
    leaq    ap_stack_top(%rip), %rsp
    xorl    %ebp, %ebp
    call    ap_main
1:  cli
    hlt
    jmp     1b

    .data
    .balign 8
    .globl  ap_cr3
ap_cr3:
    .quad   0

    .bss
    .balign 16
ap_stack:
    .skip   4096
ap_stack_top:

    .section .note.GNU-stack, "", @progbits
