/* 64-bit IDT with per-vector C handlers (vectors 0..47). */
#ifndef JVMM_GUEST_IDT_H
#define JVMM_GUEST_IDT_H

#include <stdint.h>

#define IDT_STUB_VECTORS 48

/* Stack layout built by isr.S (lowest address first). */
struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;
    /* pushed by the CPU */
    uint64_t rip, cs, rflags, rsp, ss;
};

typedef void (*isr_handler_t)(struct trap_frame *f);

/* Builds the IDT (interrupt gates for vectors 0..47) and loads it.
   Vectors without a handler print "unexpected vector N" and debug-exit 5. */
void idt_init(void);
void idt_set_handler(unsigned vector, isr_handler_t h);

/* Called from isr.S. */
void isr_dispatch(struct trap_frame *f);

#endif
