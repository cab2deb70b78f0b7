/* The 8259 pair and the local APIC's virtual-wire mode. */
#include "pic.h"
#include "idt.h"
#include "lib.h"

static void on_spurious(struct trap_frame *f)
{
    /* IRQ7/IRQ15 spurious interrupts: no EOI to the PIC that raised it. */
    if (f->vector == VEC_IRQ0 + 15)
        outb(PIC1_CMD, PIC_EOI);      /* the master did see IRQ2 */
}

void pic_init(uint8_t master_mask, uint8_t slave_mask)
{
    idt_set_handler(VEC_IRQ0 + 7, on_spurious);
    idt_set_handler(VEC_IRQ0 + 15, on_spurious);
    outb(PIC1_CMD, 0x11);   /* ICW1: edge, cascade, ICW4 needed */
    outb(PIC2_CMD, 0x11);
    outb(PIC1_DATA, VEC_IRQ0);      /* ICW2: master vectors */
    outb(PIC2_DATA, VEC_IRQ0 + 8);  /* ICW2: slave vectors */
    outb(PIC1_DATA, 0x04);  /* ICW3: slave on IRQ2 */
    outb(PIC2_DATA, 0x02);  /* ICW3: slave identity 2 */
    outb(PIC1_DATA, 0x01);  /* ICW4: 8086 mode */
    outb(PIC2_DATA, 0x01);
    outb(PIC1_DATA, master_mask);   /* OCW1 */
    outb(PIC2_DATA, slave_mask);
}

void lapic_virtual_wire(void)
{
    lapic_write(LAPIC_SVR, 0x1FF);          /* enable, spurious vector 0xFF */
    lapic_write(LAPIC_LVT_LINT0, 0x700);    /* ExtINT, unmasked */
    lapic_write(LAPIC_LVT_LINT1, 0x400);    /* NMI */
}
