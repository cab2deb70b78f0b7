/* Multiboot v1 information structure (the fields the guests use). */
#ifndef JVMM_GUEST_MULTIBOOT_H
#define JVMM_GUEST_MULTIBOOT_H

#include <stdint.h>

#define MULTIBOOT_BOOTLOADER_MAGIC  0x2BADB002u

#define MBI_FLAG_MEM      (1u << 0)
#define MBI_FLAG_CMDLINE  (1u << 2)
#define MBI_FLAG_MMAP     (1u << 6)

struct multiboot_info {
    uint32_t flags;
    uint32_t mem_lower;     /* KiB below 1 MiB */
    uint32_t mem_upper;     /* KiB above 1 MiB */
    uint32_t boot_device;
    uint32_t cmdline;       /* physical address of a NUL-terminated string */
    uint32_t mods_count;
    uint32_t mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length;
    uint32_t mmap_addr;
} __attribute__((packed));

static inline const struct multiboot_info *mbi_from(uint32_t phys)
{
    return (const struct multiboot_info *)(uintptr_t)phys;
}

/* The command line, or "" when the loader passed none. */
static inline const char *mbi_cmdline(const struct multiboot_info *mbi)
{
    if (mbi && (mbi->flags & MBI_FLAG_CMDLINE) && mbi->cmdline)
        return (const char *)(uintptr_t)mbi->cmdline;
    return "";
}

#endif
