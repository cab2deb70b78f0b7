/*
 * exceptions: own IDT, handlers for #DE, #UD, #GP and #PF.  Triggers #DE,
 * #UD and a #PF; each handler prints a line and resumes at a recovery label.
 */
#include "idt.h"
#include "lib.h"

extern void trigger_de(void), trigger_ud(void), trigger_pf(void);
extern char trigger_de_resume[], trigger_ud_resume[], trigger_pf_resume[];

static volatile int caught;
static uint64_t resume_rip;

static void on_de(struct trap_frame *f)
{
    kputs("#DE caught\n");
    caught = 0;
    f->rip = resume_rip;
}

static void on_ud(struct trap_frame *f)
{
    kputs("#UD caught\n");
    caught = 6;
    f->rip = resume_rip;
}

static void on_gp(struct trap_frame *f)
{
    kputs("#GP caught err=");
    kput_hex(f->error);
    kputs(" rip=");
    kput_hex(f->rip);
    kputc('\n');
    caught = 13;
    f->rip = resume_rip;
}

static void on_pf(struct trap_frame *f)
{
    kputs("#PF caught cr2=");
    kput_hex(read_cr2());
    kputs(" err=");
    kput_hex(f->error);
    kputc('\n');
    caught = 14;
    f->rip = resume_rip;
}

static void run(int vector, void (*trigger)(void), char *resume)
{
    caught = -1;
    resume_rip = (uint64_t)(uintptr_t)resume;
    trigger();
    if (caught != vector) {
        kputs("exceptions FAIL: expected vector ");
        kput_dec((uint64_t)vector);
        kputs(caught < 0 ? ", nothing caught\n" : ", another vector caught\n");
        debug_exit(3);
    }
}

void guest_main(uint32_t mb_magic, uint32_t mbi_phys)
{
    (void)mb_magic;
    (void)mbi_phys;
    serial_init();

    idt_set_handler(0, on_de);
    idt_set_handler(6, on_ud);
    idt_set_handler(13, on_gp);
    idt_set_handler(14, on_pf);
    idt_init();

    run(0, trigger_de, trigger_de_resume);
    run(6, trigger_ud, trigger_ud_resume);
    run(14, trigger_pf, trigger_pf_resume);

    kputs("exceptions ok\n");
    poweroff();
}
