/*
 * smp_count: the BSP starts the AP (APIC id 1) with INIT + SIPI + SIPI
 * through a real-mode trampoline at 0x8000; both CPUs then do
 * `lock incq counter` 10000 times.
 */
#include "lib.h"

#define AP_APIC_ID          1
#define AP_TRAMPOLINE_BASE  0x8000
#define SIPI_VECTOR         (AP_TRAMPOLINE_BASE >> 12)
#define INCREMENTS          10000

#define ICR_INIT            0x00000500
#define ICR_STARTUP         0x00000600
#define ICR_LEVEL_ASSERT    0x00004000
#define ICR_DELIVERY_STATUS 0x00001000

extern const char ap_trampoline[], ap_trampoline_end[];
extern uint64_t ap_cr3;

static volatile uint64_t counter;
static volatile int ap_started;
static volatile int ap_done;

static void count(void)
{
    for (int i = 0; i < INCREMENTS; i++)
        __asm__ volatile("lock incq %0" : "+m"(counter) : : "memory");
}

void ap_main(void)
{
    ap_started = 1;
    count();
    __asm__ volatile("" ::: "memory");
    ap_done = 1;
}

static void delay(int n)
{
    for (int i = 0; i < n; i++)
        cpu_pause();
}

static void send_ipi(uint32_t dest, uint32_t low)
{
    lapic_write(LAPIC_ICR_HIGH, dest << 24);
    lapic_write(LAPIC_ICR_LOW, low);
    for (int i = 0; i < 100000 && (lapic_read(LAPIC_ICR_LOW) & ICR_DELIVERY_STATUS); i++)
        cpu_pause();
}

/* Waits for *flag with a generous bound; fails the test if it never comes. */
static void wait_flag(volatile int *flag, const char *what)
{
    for (uint64_t i = 0; !*flag; i++) {
        if (i == 200000000ULL) {
            kputs("smp FAIL: ");
            kputs(what);
            kputc('\n');
            debug_exit(3);
        }
        cpu_pause();
    }
}

void guest_main(uint32_t mb_magic, uint32_t mbi_phys)
{
    (void)mb_magic;
    (void)mbi_phys;
    serial_init();

    memcpy((void *)(uintptr_t)AP_TRAMPOLINE_BASE, ap_trampoline,
           (size_t)(ap_trampoline_end - ap_trampoline));
    ap_cr3 = read_cr3();
    __asm__ volatile("mfence" ::: "memory");

    lapic_write(LAPIC_SVR, 0x1FF);                    /* enable our LAPIC */
    send_ipi(AP_APIC_ID, ICR_INIT | ICR_LEVEL_ASSERT);
    delay(500);
    send_ipi(AP_APIC_ID, ICR_STARTUP | ICR_LEVEL_ASSERT | SIPI_VECTOR);
    delay(500);
    /* A second SIPI, as the MP start-up protocol asks; an AP that is
       already running ignores it. */
    send_ipi(AP_APIC_ID, ICR_STARTUP | ICR_LEVEL_ASSERT | SIPI_VECTOR);

    wait_flag(&ap_started, "ap did not start");
    kputs("ap started\n");

    count();
    wait_flag(&ap_done, "ap did not finish");

    uint64_t total = counter;
    kputs("counter=");
    kput_dec(total);
    kputc('\n');
    if (total != 2 * INCREMENTS) {
        kputs("smp FAIL: counter should be 20000\n");
        debug_exit(3);
    }
    poweroff();
}
