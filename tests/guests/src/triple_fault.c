/* triple_fault: #UD with an empty IDT -> #GP -> #DF -> triple fault. */
#include "lib.h"

void guest_main(uint32_t mb_magic, uint32_t mbi_phys)
{
    (void)mb_magic;
    (void)mbi_phys;
    serial_init();
    kputs("about to triple fault\n");

    struct __attribute__((packed)) {
        uint16_t limit;
        uint64_t base;
    } empty_idt = { 0, 0 };
    __asm__ volatile("lidt %0\n\t"
                     "ud2"
                     : : "m"(empty_idt) : "memory");
    /* Not reached: the CPU shuts down. */
    halt_forever();
}
