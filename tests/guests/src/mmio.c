/*
 * mmio: exercises the testdev MMIO window (0xFEB00000, 4 KiB, behaves like
 * little-endian RAM) with 1-, 2-, 4- and 8-byte accesses.  Each access is a
 * single mov of exactly that width (inline assembly, so the compiler can
 * neither merge nor split it).
 */
#include "lib.h"

#define DEV ((uintptr_t)TESTDEV_MMIO)

static inline void w8(uint32_t off, uint8_t v)
{
    __asm__ volatile("movb %1, (%0)" : : "r"(DEV + off), "q"(v) : "memory");
}

static inline void w16(uint32_t off, uint16_t v)
{
    __asm__ volatile("movw %1, (%0)" : : "r"(DEV + off), "r"(v) : "memory");
}

static inline void w32(uint32_t off, uint32_t v)
{
    __asm__ volatile("movl %1, (%0)" : : "r"(DEV + off), "r"(v) : "memory");
}

static inline void w64(uint32_t off, uint64_t v)
{
    __asm__ volatile("movq %1, (%0)" : : "r"(DEV + off), "r"(v) : "memory");
}

static uint64_t r(int width, uint32_t off)
{
    uintptr_t a = DEV + off;
    switch (width) {
    case 8: {
        uint8_t v;
        __asm__ volatile("movb (%1), %0" : "=q"(v) : "r"(a) : "memory");
        return v;
    }
    case 16: {
        uint16_t v;
        __asm__ volatile("movw (%1), %0" : "=r"(v) : "r"(a) : "memory");
        return v;
    }
    case 32: {
        uint32_t v;
        __asm__ volatile("movl (%1), %0" : "=r"(v) : "r"(a) : "memory");
        return v;
    }
    default: {
        uint64_t v;
        __asm__ volatile("movq (%1), %0" : "=r"(v) : "r"(a) : "memory");
        return v;
    }
    }
}

/* Reads `width` bits at `off`, prints "rW  @0xOOO = 0x...", and fails the
   test if the value is not `expect`. */
static void check(int width, uint32_t off, uint64_t expect)
{
    uint64_t got = r(width, off);
    kputc('r');
    kput_dec((uint64_t)width);
    kputs(width == 8 ? "  @0x" : " @0x");
    kput_hexdigits(off, 3);
    kputs(" = ");
    kput_hex(got);
    kputc('\n');
    if (got != expect) {
        kputs("mmio FAIL r");
        kput_dec((uint64_t)width);
        kputs(" @0x");
        kput_hexdigits(off, 3);
        kputs(": expected ");
        kput_hex(expect);
        kputc('\n');
        debug_exit(3);
    }
}

void guest_main(uint32_t mb_magic, uint32_t mbi_phys)
{
    (void)mb_magic;
    (void)mbi_phys;
    serial_init();

    /* Never written: the device starts out all zero. */
    check(64, 0x800, 0);

    /* One qword, read back at every width. */
    w64(0x000, 0x0123456789ABCDEFULL);
    check(8, 0x000, 0xEF);
    check(8, 0x001, 0xCD);
    check(8, 0x007, 0x01);
    check(16, 0x000, 0xCDEF);
    check(16, 0x002, 0x89AB);
    check(16, 0x006, 0x0123);
    check(32, 0x000, 0x89ABCDEF);
    check(32, 0x004, 0x01234567);
    check(64, 0x000, 0x0123456789ABCDEFULL);
    /* unaligned, inside the qword */
    check(16, 0x003, 0x6789);
    check(32, 0x001, 0x6789ABCD);

    /* Eight bytes -> one qword. */
    for (uint32_t i = 0; i < 8; i++)
        w8(0x100 + i, (uint8_t)(0x11 * (i + 1)));
    check(64, 0x100, 0x8877665544332211ULL);

    /* Words and a dword -> one qword; then patch one byte. */
    w16(0x200, 0xBEEF);
    w16(0x202, 0xDEAD);
    w32(0x204, 0xCAFEBABE);
    check(64, 0x200, 0xCAFEBABEDEADBEEFULL);
    w8(0x203, 0x5A);
    check(32, 0x200, 0x5AADBEEF);
    check(64, 0x200, 0xCAFEBABE5AADBEEFULL);

    /* The last qword of the window. */
    w64(0xFF8, 0xFEDCBA9876543210ULL);
    check(32, 0xFFC, 0xFEDCBA98);
    check(8, 0xFFF, 0xFE);

    kputs("mmio ok\n");
    poweroff();
}
