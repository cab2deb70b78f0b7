/* The 8259 pair and the local APIC's virtual-wire mode, shared by the interrupt-driven guests. */
#ifndef JVMM_GUEST_PIC_H
#define JVMM_GUEST_PIC_H

#include <stdint.h>

#define PIC1_CMD   0x20
#define PIC1_DATA  0x21
#define PIC2_CMD   0xA0
#define PIC2_DATA  0xA1
#define PIC_EOI    0x20
#define VEC_IRQ0   0x20      /* the master's vectors 0x20..0x27, the slave's 0x28..0x2F */

/* Initialises both 8259s (edge, cascade on IRQ2, vectors from VEC_IRQ0), then masks with
   the given OCW1 values and installs the spurious IRQ7/IRQ15 handlers. */
void pic_init(uint8_t master_mask, uint8_t slave_mask);

/* Routes the PIC's INTR through the BSP's local APIC as on a PC after the firmware ran
   ("virtual wire"): APIC enabled, LINT0 ExtINT, LINT1 NMI. */
void lapic_virtual_wire(void);

#endif
