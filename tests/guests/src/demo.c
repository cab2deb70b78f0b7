/* demo: the guest that `jvmm run` boots when given no kernel. */
#include "lib.h"
#include "multiboot.h"

void guest_main(uint32_t mb_magic, uint32_t mbi_phys)
{
    serial_init();
    kputs("Hi! This is the jvmm demo guest.\n");
    kputs("It booted via Multiboot in 32-bit protected mode and switched itself to 64-bit long mode.\n");

    if (mb_magic != MULTIBOOT_BOOTLOADER_MAGIC) {
        kputs("(unexpected boot magic ");
        kput_hex(mb_magic);
        kputs(", no multiboot information)\n");
    } else {
        const struct multiboot_info *mbi = mbi_from(mbi_phys);
        if (mbi->flags & MBI_FLAG_MEM) {
            kputs("Memory: ");
            kput_dec(mbi->mem_lower);
            kputs(" KiB lower, ");
            kput_dec(mbi->mem_upper);
            kputs(" KiB upper (");
            kput_dec((mbi->mem_upper + 1024 + 512) / 1024);
            kputs(" MiB in all)\n");
        }
        const char *cmdline = mbi_cmdline(mbi);
        if (*cmdline) {
            kputs("Command line: ");
            kputs(cmdline);
            kputc('\n');
        }
    }
    kputs("Powering off. Bye!\n");
    poweroff();
}
