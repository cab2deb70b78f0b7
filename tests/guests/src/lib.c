/* Tiny freestanding support library shared by the jvmm guest programs. */
#include "lib.h"

#define UART_THR  (COM1_BASE + 0)   /* DLAB=0: transmit holding register */
#define UART_IER  (COM1_BASE + 1)
#define UART_DLL  (COM1_BASE + 0)   /* DLAB=1: divisor latch */
#define UART_DLM  (COM1_BASE + 1)
#define UART_FCR  (COM1_BASE + 2)
#define UART_LCR  (COM1_BASE + 3)
#define UART_MCR  (COM1_BASE + 4)
#define UART_LSR  (COM1_BASE + 5)
#define LSR_THRE  0x20

void serial_init(void)
{
    outb(UART_IER, 0x00);   /* no UART interrupts */
    outb(UART_LCR, 0x80);   /* DLAB on */
    outb(UART_DLL, 0x01);   /* divisor 1: 115200 baud */
    outb(UART_DLM, 0x00);
    outb(UART_LCR, 0x03);   /* DLAB off, 8N1 */
    outb(UART_FCR, 0xC7);   /* FIFO on, clear, 14-byte threshold */
    outb(UART_MCR, 0x0B);   /* DTR, RTS, OUT2 */
}

void kputc(char c)
{
    /* Bounded wait: a UART that never becomes ready must not hang us. */
    for (int i = 0; i < 100000; i++) {
        if (inb(UART_LSR) & LSR_THRE)
            break;
        cpu_pause();
    }
    outb(UART_THR, (uint8_t)c);
}

void kputs(const char *s)
{
    while (*s)
        kputc(*s++);
}

void kput_hexdigits(uint64_t v, int n)
{
    static const char digits[] = "0123456789abcdef";
    for (int i = n - 1; i >= 0; i--)
        kputc(digits[(v >> (4 * i)) & 0xF]);
}

void kput_hex(uint64_t v)
{
    kputs("0x");
    kput_hexdigits(v, 16);
}

void kput_dec(uint64_t v)
{
    char buf[21];
    int i = 0;
    do {
        buf[i++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (i > 0)
        kputc(buf[--i]);
}

void halt_forever(void)
{
    for (;;)
        __asm__ volatile("cli; hlt" ::: "memory");
}

void poweroff(void)
{
    outw(ACPI_PM1A_CNT, ACPI_SLP_EN);
    halt_forever();
}

void debug_exit(uint32_t v)
{
    outl(DEBUG_EXIT_PORT, v);
    /* No debug-exit device: hang rather than report success. */
    halt_forever();
}

void reset(void)
{
    outb(I8042_CMD, 0xFE);
    halt_forever();
}

/* String instructions, so the compiler cannot turn these loops back
   into calls to themselves. */
void *memset(void *d, int c, size_t n)
{
    void *p = d;
    __asm__ volatile("rep stosb" : "+D"(p), "+c"(n) : "a"(c) : "memory");
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    void *p = d;
    __asm__ volatile("rep movsb" : "+D"(p), "+S"(s), "+c"(n) : : "memory");
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    }
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}
