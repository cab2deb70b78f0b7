/*
 * compute: a compute-bound guest for the TCG benchmark. Runs N rounds (the decimal number on the
 * multiboot command line, default 10000000) of an xorshift generator folded into a checksum,
 * with a little table traffic so loads and stores count too, then prints the checksum.
 * The same image runs under jvmm and under QEMU, so their wall times compare like for like.
 */
#include "lib.h"
#include "multiboot.h"

static uint64_t table[256];

static uint64_t parse_rounds(const char *s)
{
    uint64_t n = 0;
    int digits = 0;
    for (; s && *s; s++) {
        if (*s >= '0' && *s <= '9') {
            n = n * 10 + (uint64_t)(*s - '0');
            digits++;
        } else if (digits) {
            break;
        }
    }
    return digits ? n : 10000000;
}

void guest_main(uint32_t mb_magic, uint32_t mbi_phys)
{
    serial_init();
    const struct multiboot_info *mbi =
        mb_magic == MULTIBOOT_BOOTLOADER_MAGIC ? mbi_from(mbi_phys) : 0;
    uint64_t rounds = parse_rounds(mbi_cmdline(mbi));
    uint64_t x = 88172645463325252ULL, sum = 0;
    for (uint64_t i = 0; i < rounds; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        uint64_t *slot = &table[x & 255];
        *slot += x;
        sum += *slot ^ (i * 0x9E3779B97F4A7C15ULL);
    }
    kputs("compute: ");
    kput_dec(rounds);
    kputs(" rounds, checksum ");
    kput_hex(sum);
    kputc('\n');
    poweroff();
}
