/* elf64_hello: a plain ELF64 guest; reads its command line from the
   Linux-style boot_params zero page. */
#include "lib.h"

#define BP_CMD_LINE_PTR 0x228   /* u32: physical address of the command line */

void elf64_main(const uint8_t *boot_params)
{
    serial_init();
    kputs("Hello from an ELF64 guest\n");
    kputs("cmdline: ");
    if (boot_params) {
        uint32_t p = *(const volatile uint32_t *)(boot_params + BP_CMD_LINE_PTR);
        if (p)
            kputs((const char *)(uintptr_t)p);
    }
    kputc('\n');
    poweroff();
}
