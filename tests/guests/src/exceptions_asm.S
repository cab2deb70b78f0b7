/*
 * Fault triggers for the exceptions guest.  Each trigger_X raises one
 * exception; the handler resumes at trigger_X_resume (it replaces the saved
 * RIP), which returns to the C caller.
 */
    .text

    .globl  trigger_de, trigger_de_resume
trigger_de:
    xorl    %ecx, %ecx
    movl    $1, %eax
    xorl    %edx, %edx
    divl    %ecx                    /* #DE: divide by zero */
trigger_de_resume:
    ret

    .globl  trigger_ud, trigger_ud_resume
trigger_ud:
    ud2                             /* #UD */
trigger_ud_resume:
    ret

    .globl  trigger_pf, trigger_pf_resume
trigger_pf:
    movabsq $0x100000000, %rax      /* 4 GiB: PDPT entry 4 is not present */
    movq    $0x5a, (%rax)           /* #PF: write, not present, supervisor */
trigger_pf_resume:
    ret

    .section .note.GNU-stack, "", @progbits
