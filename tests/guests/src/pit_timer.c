/*
 * pit_timer: 8259 PIC remapped to 0x20..0x2F, only IRQ0 unmasked, PIT
 * channel 0 in mode 2 at ~1 kHz.  The IRQ0 handler counts ticks; the main
 * loop sleeps with hlt and reports the first three ticks.
 */
#include "idt.h"
#include "lib.h"

#define PIC1_CMD   0x20
#define PIC1_DATA  0x21
#define PIC2_CMD   0xA0
#define PIC2_DATA  0xA1
#define PIC_EOI    0x20

#define PIT_CH0    0x40
#define PIT_CMD    0x43
#define PIT_DIVISOR 1193          /* 1193182 Hz / 1193 = ~1 kHz */

#define VEC_IRQ0   0x20

static volatile uint64_t ticks;

static void on_irq0(struct trap_frame *f)
{
    (void)f;
    ticks++;
    outb(PIC1_CMD, PIC_EOI);
}

static void on_spurious(struct trap_frame *f)
{
    /* IRQ7/IRQ15 spurious interrupts: no EOI to the PIC that raised it. */
    if (f->vector == VEC_IRQ0 + 15)
        outb(PIC1_CMD, PIC_EOI);      /* the master did see IRQ2 */
}

static void pic_init(void)
{
    outb(PIC1_CMD, 0x11);   /* ICW1: edge, cascade, ICW4 needed */
    outb(PIC2_CMD, 0x11);
    outb(PIC1_DATA, 0x20);  /* ICW2: master vectors 0x20..0x27 */
    outb(PIC2_DATA, 0x28);  /* ICW2: slave vectors 0x28..0x2F */
    outb(PIC1_DATA, 0x04);  /* ICW3: slave on IRQ2 */
    outb(PIC2_DATA, 0x02);  /* ICW3: slave identity 2 */
    outb(PIC1_DATA, 0x01);  /* ICW4: 8086 mode */
    outb(PIC2_DATA, 0x01);
    outb(PIC1_DATA, 0xFE);  /* OCW1: only IRQ0 */
    outb(PIC2_DATA, 0xFF);
}

static void pit_init(void)
{
    outb(PIT_CMD, 0x34);    /* channel 0, lobyte/hibyte, mode 2, binary */
    outb(PIT_CH0, PIT_DIVISOR & 0xFF);
    outb(PIT_CH0, PIT_DIVISOR >> 8);
}

/* Route the PIC's INTR through the BSP's local APIC as on a PC after the
   firmware ran ("virtual wire"): APIC enabled, LINT0 ExtINT, LINT1 NMI. */
static void lapic_virtual_wire(void)
{
    lapic_write(LAPIC_SVR, 0x1FF);          /* enable, spurious vector 0xFF */
    lapic_write(LAPIC_LVT_LINT0, 0x700);    /* ExtINT, unmasked */
    lapic_write(LAPIC_LVT_LINT1, 0x400);    /* NMI */
}

void guest_main(uint32_t mb_magic, uint32_t mbi_phys)
{
    (void)mb_magic;
    (void)mbi_phys;
    serial_init();

    idt_set_handler(VEC_IRQ0, on_irq0);
    idt_set_handler(VEC_IRQ0 + 7, on_spurious);
    idt_set_handler(VEC_IRQ0 + 15, on_spurious);
    idt_init();

    pic_init();
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
