/*
 * rep_io: string port I/O.  A whole line goes to the UART with one
 * `rep outsb`; 64 bytes go through the testdev FIFO (port 0xE0) with
 * `rep outsb` / `rep insb`.
 */
#include "lib.h"

#define N 64

static inline void rep_outsb(uint16_t port, const void *buf, uint64_t n)
{
    __asm__ volatile("rep outsb" : "+S"(buf), "+c"(n) : "d"(port) : "memory");
}

static inline void rep_insb(uint16_t port, void *buf, uint64_t n)
{
    __asm__ volatile("rep insb" : "+D"(buf), "+c"(n) : "d"(port) : "memory");
}

static uint8_t out_buf[N];
static uint8_t in_buf[N];

void guest_main(uint32_t mb_magic, uint32_t mbi_phys)
{
    static const char line[] = "rep outsb to serial works\n";
    (void)mb_magic;
    (void)mbi_phys;
    serial_init();

    rep_outsb(COM1_BASE, line, sizeof(line) - 1);

    for (int i = 0; i < N; i++)
        out_buf[i] = (uint8_t)(i * 7 + 3);
    memset(in_buf, 0, sizeof(in_buf));
    rep_outsb(TESTDEV_PIO, out_buf, N);
    rep_insb(TESTDEV_PIO, in_buf, N);
    for (int i = 0; i < N; i++) {
        if (in_buf[i] != out_buf[i]) {
            kputs("rep insb FAIL at byte ");
            kput_dec((uint64_t)i);
            kputs(": got ");
            kput_hex(in_buf[i]);
            kputs(" expected ");
            kput_hex(out_buf[i]);
            kputc('\n');
            debug_exit(3);
        }
    }
    kputs("rep insb ok: 64 bytes\n");

    uint8_t extra = inb(TESTDEV_PIO);
    if (extra != 0xFF) {
        kputs("empty fifo FAIL: read ");
        kput_hex(extra);
        kputc('\n');
        debug_exit(3);
    }
    kputs("empty fifo reads 0xff\n");
    poweroff();
}
