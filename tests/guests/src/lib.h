/* Tiny freestanding support library shared by the jvmm guest programs. */
#ifndef JVMM_GUEST_LIB_H
#define JVMM_GUEST_LIB_H

#include <stddef.h>
#include <stdint.h>

/* ---- platform constants (see the VMM's platform contract) ---- */
#define COM1_BASE        0x3F8
#define DEBUG_EXIT_PORT  0xF4      /* outl v -> VMM exits with (v << 1) | 1 */
#define ACPI_PM1A_CNT    0x604     /* outw 0x2000 -> power off, exit 0 */
#define ACPI_SLP_EN      0x2000
#define I8042_CMD        0x64      /* outb 0xFE -> reset */

#define TESTDEV_MMIO     0xFEB00000UL
#define TESTDEV_PIO      0xE0

#define LAPIC_BASE       0xFEE00000UL
#define LAPIC_ID         0x020
#define LAPIC_SVR        0x0F0
#define LAPIC_ICR_LOW    0x300
#define LAPIC_ICR_HIGH   0x310
#define LAPIC_LVT_LINT0  0x350
#define LAPIC_LVT_LINT1  0x360

/* ---- port I/O ---- */
static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
    __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint16_t inw(uint16_t port)
{
    uint16_t v;
    __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint32_t inl(uint16_t port)
{
    uint32_t v;
    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

/* ---- CPU helpers ---- */
static inline void cpu_pause(void) { __asm__ volatile("pause" ::: "memory"); }
static inline void cpu_cli(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void cpu_sti(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void cpu_hlt(void) { __asm__ volatile("hlt" ::: "memory"); }

static inline uint64_t read_cr2(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}

static inline uint64_t read_cr3(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}

/* ---- local APIC (xAPIC MMIO) ---- */
static inline uint32_t lapic_read(uint32_t reg)
{
    return *(volatile uint32_t *)(LAPIC_BASE + reg);
}

static inline void lapic_write(uint32_t reg, uint32_t v)
{
    *(volatile uint32_t *)(LAPIC_BASE + reg) = v;
}

/* ---- serial console (COM1) ---- */
void serial_init(void);
void kputc(char c);
void kputs(const char *s);                 /* no newline appended */
void kput_hex(uint64_t v);                 /* "0x" + 16 hex digits */
void kput_hexdigits(uint64_t v, int n);    /* n hex digits, no prefix */
void kput_dec(uint64_t v);                 /* unsigned decimal */

/* ---- machine control ---- */
__attribute__((noreturn)) void poweroff(void);
__attribute__((noreturn)) void debug_exit(uint32_t v);
__attribute__((noreturn)) void reset(void);
__attribute__((noreturn)) void halt_forever(void);

/* ---- memory ---- */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

#endif
