/*
 * Shared Multiboot v1 boot code for the jvmm guest programs.
 *
 * The loader enters _start in 32-bit protected mode with flat segments,
 * paging off and interrupts off, EAX = 0x2BADB002 and EBX = physical
 * address of the multiboot information structure.  This code:
 *   1. zeroes .bss (the page tables live there, so this comes first),
 *   2. identity-maps the first 4 GiB with 2 MiB pages
 *      (PML4[0] -> PDPT[0..3] -> 4 page directories),
 *   3. loads its own GDT, enables PAE, EFER.LME and paging,
 *   4. far-jumps to 64-bit code, sets up a stack and calls
 *      void guest_main(uint32_t mb_magic, uint32_t mbi_phys);
 *   5. powers the machine off (ACPI PM1a control, port 0x604) if
 *      guest_main returns.
 */

#define MB_MAGIC      0x1BADB002
#define MB_FLAGS      0x00000002          /* bit 1: request memory info */
#define MB_CHECKSUM   (-(MB_MAGIC + MB_FLAGS))

#define PTE_P         0x001
#define PTE_RW        0x002
#define PTE_PWT       0x008
#define PTE_PCD       0x010
#define PTE_PS        0x080

#define CR0_PG        0x80000000
#define CR0_CD        0x40000000
#define CR0_NW        0x20000000
#define CR4_PAE       0x00000020
#define MSR_EFER      0xC0000080
#define EFER_LME      0x00000100

#define SEL_CODE64    0x08
#define SEL_DATA      0x10

    .section .multiboot, "a"
    .balign 4
multiboot_header:
    .long MB_MAGIC
    .long MB_FLAGS
    .long MB_CHECKSUM

    .section .text.boot, "ax"
    .code32
    .globl _start
_start:
    cli
    cld
    movl    %eax, %esi              /* multiboot magic (kept in ESI)   */
                                    /* EBX = MBI address, left intact  */

    /* 1. zero .bss (contains the page tables and the stack) */
    movl    $__bss_start, %edi
    movl    $__bss_end, %ecx
    subl    %edi, %ecx
    shrl    $2, %ecx
    xorl    %eax, %eax
    rep stosl

    /* 2. page tables: PML4[0] -> PDPT, PDPT[0..3] -> PD0..PD3 */
    movl    $(boot_pdpt + PTE_P + PTE_RW), boot_pml4
    movl    $(boot_pd + PTE_P + PTE_RW), %eax
    movl    $boot_pdpt, %edi
    movl    $4, %ecx
1:  movl    %eax, (%edi)
    addl    $4096, %eax
    addl    $8, %edi
    loop    1b

    /* 2048 2 MiB pages; the first 3 GiB write-back RAM, the last GiB
       (0xC0000000-0xFFFFFFFF: MMIO, testdev, IOAPIC, LAPIC) uncached. */
    movl    $boot_pd, %edi
    movl    $(PTE_P + PTE_RW + PTE_PS), %eax
    movl    $1536, %ecx
2:  movl    %eax, (%edi)
    addl    $0x200000, %eax
    addl    $8, %edi
    loop    2b
    orl     $(PTE_PCD + PTE_PWT), %eax
    movl    $512, %ecx
3:  movl    %eax, (%edi)
    addl    $0x200000, %eax
    addl    $8, %edi
    loop    3b

    /* 3. GDT, PAE, long mode, paging */
    lgdt    gdt_ptr
    movl    %cr4, %eax
    orl     $CR4_PAE, %eax
    movl    %eax, %cr4
    movl    $boot_pml4, %eax
    movl    %eax, %cr3
    movl    $MSR_EFER, %ecx
    rdmsr
    orl     $EFER_LME, %eax
    wrmsr
    movl    %cr0, %eax
    andl    $~(CR0_CD | CR0_NW), %eax
    orl     $CR0_PG, %eax
    movl    %eax, %cr0

    /* 4. into 64-bit mode */
    ljmp    $SEL_CODE64, $long_entry

    .code64
long_entry:
    movl    $SEL_DATA, %eax
    movl    %eax, %ds
    movl    %eax, %es
    movl    %eax, %ss
    xorl    %eax, %eax
    movl    %eax, %fs
    movl    %eax, %gs
    leaq    boot_stack_top(%rip), %rsp
    xorl    %ebp, %ebp
    movl    %esi, %edi              /* arg 1: multiboot magic */
    movl    %ebx, %esi              /* arg 2: MBI physical address */
    call    guest_main

    /* 5. guest_main returned: ACPI power off */
    .globl  boot_poweroff
boot_poweroff:
    movw    $0x604, %dx
    movw    $0x2000, %ax
    outw    %ax, %dx
4:  cli
    hlt
    jmp     4b

/* ---- GDT (also used by the SMP trampoline: 0x18 is 32-bit code) ---- */
    .section .rodata
    .balign 16
    .globl  gdt
gdt:
    .quad   0x0000000000000000      /* 0x00 null                 */
    .quad   0x00AF9A000000FFFF      /* 0x08 64-bit code, DPL 0   */
    .quad   0x00CF92000000FFFF      /* 0x10 flat data, 4 GiB     */
    .quad   0x00CF9A000000FFFF      /* 0x18 flat 32-bit code     */
gdt_end:

    .balign 8
    .globl  gdt_ptr
gdt_ptr:
    .word   gdt_end - gdt - 1
    .quad   gdt

/* ---- page tables and stack ---- */
    .section .bss
    .balign 4096
    .globl  boot_pml4
boot_pml4:
    .skip   4096
boot_pdpt:
    .skip   4096
boot_pd:
    .skip   4 * 4096
    .balign 16
boot_stack:
    .skip   16384
boot_stack_top:

    .section .note.GNU-stack, "", @progbits
