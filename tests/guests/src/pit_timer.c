/*
 * pit_timer: 8259 PIC remapped to 0x20..0x2F, only IRQ0 unmasked, PIT
 * channel 0 in mode 2 at ~1 kHz.  The IRQ0 handler counts ticks; the main
 * loop sleeps with hlt and reports the first three ticks.
 */
#include "idt.h"
#include "lib.h"
#include "pic.h"


#define PIT_CH0    0x40
#define PIT_CMD    0x43
#define PIT_DIVISOR 1193          /* 1193182 Hz / 1193 = ~1 kHz */


static volatile uint64_t ticks;

static void on_irq0(struct trap_frame *f)
{
    (void)f;
    ticks++;
    outb(PIC1_CMD, PIC_EOI);
}



static void pit_init(void)
{
    outb(PIT_CMD, 0x34);    /* channel 0, lobyte/hibyte, mode 2, binary */
    outb(PIT_CH0, PIT_DIVISOR & 0xFF);
    outb(PIT_CH0, PIT_DIVISOR >> 8);
}


void guest_main(uint32_t mb_magic, uint32_t mbi_phys)
{
    (void)mb_magic;
    (void)mbi_phys;
    serial_init();

    idt_set_handler(VEC_IRQ0, on_irq0);
    idt_init();

    pic_init(0xFE, 0xFF);
    lapic_virtual_wire();
    pit_init();

    uint64_t reported = 0;
    cpu_sti();
    while (reported < 3) {
        /* Each interrupt wakes the hlt; report every tick seen so far.
           An IRQ that lands between the check and hlt only delays us by
           one period: the PIT keeps firing. */
        while (reported < 3 && reported < ticks) {
            reported++;
            kputs("tick ");
            kput_dec(reported);
            kputc('\n');
        }
        if (reported < 3)
            cpu_hlt();
    }
    cpu_cli();
    kputs("timer ok\n");
    poweroff();
}
