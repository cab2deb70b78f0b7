/*
 * serial_echo: interrupt-driven serial input.  8259 PIC remapped to
 * 0x20..0x2F with only IRQ4 (COM1) unmasked; the UART raises it for
 * received data.  The IRQ4 handler drains the UART into a 256-byte ring
 * (bytes that do not fit are dropped and counted); the main loop sleeps
 * with hlt and echoes every line as "echo: " + the line in upper case.
 * '\r' is ignored; a line longer than 200 characters is cut to its first
 * 200 (the rest, up to '\n', is discarded).  The line "quit" prints "bye"
 * and powers off; without it the guest waits for more input forever.
 */
#include "idt.h"
#include "lib.h"
#include "pic.h"


#define UART_RBR   (COM1_BASE + 0)   /* DLAB=0: receive buffer register */
#define UART_IER   (COM1_BASE + 1)
#define UART_DLL   (COM1_BASE + 0)   /* DLAB=1: divisor latch */
#define UART_DLM   (COM1_BASE + 1)
#define UART_FCR   (COM1_BASE + 2)
#define UART_LCR   (COM1_BASE + 3)
#define UART_MCR   (COM1_BASE + 4)
#define UART_LSR   (COM1_BASE + 5)
#define LSR_DR     0x01
#define IER_RDA    0x01

#define VEC_COM1   (VEC_IRQ0 + 4)

#define RING_SIZE  256               /* power of two */
#define LINE_MAX   200

/* Written only with interrupts off (IRQ handler, or the main loop after
   cli), read by the main loop: head/tail run freely, index with & mask. */
static uint8_t ring[RING_SIZE];
static volatile uint32_t ring_head, ring_tail;
static volatile uint64_t dropped;

/* Moves every byte the UART holds into the ring.  Bounded, so a UART
   whose LSR reads as 0xFF cannot hang us; a level IRQ that stays up
   brings us back. */
static void uart_drain(void)
{
    for (int i = 0; i < 4 * RING_SIZE && (inb(UART_LSR) & LSR_DR); i++) {
        uint8_t b = inb(UART_RBR);
        if (ring_head - ring_tail < RING_SIZE) {
            ring[ring_head & (RING_SIZE - 1)] = b;
            ring_head++;
        } else {
            dropped++;
        }
    }
}

static int ring_get(void)
{
    if (ring_tail == ring_head)
        return -1;
    int c = ring[ring_tail & (RING_SIZE - 1)];
    ring_tail++;
    return c;
}

static void on_com1(struct trap_frame *f)
{
    (void)f;
    uart_drain();
    outb(PIC1_CMD, PIC_EOI);
}




/* COM1 set up as serial_init() does, except that FCR is written without
   the receive-FIFO reset (serial_init writes 0xC7): the VMM may have
   queued input before the guest ran, and a reset would discard it.  The
   FIFO stays disabled (QEMU's 16550 also resets it when enabling it). */
static void com1_init(void)
{
    outb(UART_IER, 0x00);   /* no UART interrupts yet */
    outb(UART_LCR, 0x80);   /* DLAB on */
    outb(UART_DLL, 0x01);   /* divisor 1: 115200 baud */
    outb(UART_DLM, 0x00);
    outb(UART_LCR, 0x03);   /* DLAB off, 8N1 */
    outb(UART_FCR, 0x00);   /* no FIFO reset: keep pending input */
    outb(UART_MCR, 0x0B);   /* DTR, RTS, OUT2 */
}

static char line[LINE_MAX];
static unsigned line_len;

static void end_of_line(void)
{
    static uint64_t dropped_reported;
    uint64_t d = dropped;
    if (d != dropped_reported) {
        kputs("dropped ");
        kput_dec(d - dropped_reported);
        kputs(" bytes\n");
        dropped_reported = d;
    }
    if (line_len == 4 && memcmp(line, "quit", 4) == 0) {
        kputs("bye\n");
        poweroff();
    }
    kputs("echo: ");
    for (unsigned i = 0; i < line_len; i++) {
        char c = line[i];
        kputc(c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c);
    }
    kputc('\n');
    line_len = 0;
}

void guest_main(uint32_t mb_magic, uint32_t mbi_phys)
{
    (void)mb_magic;
    (void)mbi_phys;
    com1_init();

    idt_set_handler(VEC_COM1, on_com1);
    idt_init();

    pic_init(0xEF, 0xFF);
    lapic_virtual_wire();

    outb(UART_IER, IER_RDA);    /* interrupt on received data */
    outb(UART_MCR, 0x0B);       /* DTR, RTS, OUT2 (gates IRQ4 on a PC) */

    kputs("serial echo ready\n");
    cpu_sti();
    for (;;) {
        /* Drain from here too: input that arrived before IER/sti, or
           after the handler's last look, raised no (new) edge on IRQ4. */
        cpu_cli();
        uart_drain();
        int c = ring_get();
        if (c < 0) {
            /* sti's one-instruction shadow: an IRQ cannot slip in
               between the check above and hlt. */
            __asm__ volatile("sti; hlt" ::: "memory");
            continue;
        }
        cpu_sti();
        if (c == '\r')
            continue;
        if (c == '\n')
            end_of_line();
        else if (line_len < LINE_MAX)
            line[line_len++] = (char)c;
        /* else: beyond LINE_MAX, cut */
    }
}
