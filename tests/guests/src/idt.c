#include "idt.h"
#include "lib.h"

#define SEL_CODE64 0x08
#define GATE_INTERRUPT_PRESENT 0x8E   /* P=1, DPL=0, type 0xE (64-bit interrupt gate) */

struct idt_gate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
} __attribute__((packed));

struct idt_ptr {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

extern const uint64_t isr_stub_table[IDT_STUB_VECTORS];

static struct idt_gate idt[IDT_STUB_VECTORS] __attribute__((aligned(16)));
static isr_handler_t handlers[IDT_STUB_VECTORS];

void idt_set_handler(unsigned vector, isr_handler_t h)
{
    if (vector < IDT_STUB_VECTORS)
        handlers[vector] = h;
}

void idt_init(void)
{
    for (unsigned v = 0; v < IDT_STUB_VECTORS; v++) {
        uint64_t a = isr_stub_table[v];
        idt[v].offset_low = (uint16_t)a;
        idt[v].selector = SEL_CODE64;
        idt[v].ist = 0;
        idt[v].type_attr = GATE_INTERRUPT_PRESENT;
        idt[v].offset_mid = (uint16_t)(a >> 16);
        idt[v].offset_high = (uint32_t)(a >> 32);
        idt[v].reserved = 0;
    }
    struct idt_ptr p = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };
    __asm__ volatile("lidt %0" : : "m"(p) : "memory");
}

void isr_dispatch(struct trap_frame *f)
{
    isr_handler_t h = f->vector < IDT_STUB_VECTORS ? handlers[f->vector] : 0;
    if (h) {
        h(f);
        return;
    }
    kputs("unexpected vector ");
    kput_dec(f->vector);
    kputs(" rip=");
    kput_hex(f->rip);
    kputs(" err=");
    kput_hex(f->error);
    kputc('\n');
    debug_exit(5);
}
