/* hello: greeting, the multiboot command line and mem_upper. */
#include "lib.h"
#include "multiboot.h"

void guest_main(uint32_t mb_magic, uint32_t mbi_phys)
{
    serial_init();
    const struct multiboot_info *mbi =
        mb_magic == MULTIBOOT_BOOTLOADER_MAGIC ? mbi_from(mbi_phys) : 0;

    kputs("Hello from a jvmm guest\n");
    kputs("cmdline: ");
    kputs(mbi_cmdline(mbi));
    kputc('\n');
    kputs("mem_upper: ");
    kput_dec(mbi && (mbi->flags & MBI_FLAG_MEM) ? mbi->mem_upper : 0);
    kputc('\n');
    poweroff();
}
