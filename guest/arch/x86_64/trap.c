/*
 * trap.c -- IDT for the 32 CPU exceptions, a TSS whose IST stacks make
 * every exception (and #DF separately) run on a known-good stack, and the
 * crash report.  A CPU exception always ends the guest with CPUFAULT.
 */
#include "platform.h"
#include "io.h"
#include "arch.h"

struct frame {          /* as isr_common leaves it */
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss;  /* pushed by the CPU */
};

struct __attribute__((packed)) tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
};

struct idt_gate {
    uint16_t off_lo, sel;
    uint8_t ist, type;
    uint16_t off_mid;
    uint32_t off_hi, zero;
};

static struct tss64 tss;
static struct idt_gate idt[256];  /* 32 exceptions; every other vector only wakes a hlt */

static const char *const names[32] = {
    "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
    "#BR bound range exceeded", "#UD invalid opcode", "#NM device not available",
    "#DF double fault", "coprocessor segment overrun", "#TS invalid TSS",
    "#NP segment not present", "#SS stack-segment fault", "#GP general protection",
    "#PF page fault", "reserved", "#MF x87 floating-point", "#AC alignment check",
    "#MC machine check", "#XM SIMD floating-point", "#VE virtualization",
    "#CP control protection", "reserved", "reserved", "reserved", "reserved",
    "reserved", "reserved", "#HV hypervisor injection", "#VC VMM communication",
    "#SX security", "reserved",
};

void trap_init(void)
{
    uint64_t t = (uint64_t)&tss;
    tss.ist[0] = (uint64_t)ist1_stack_top;
    tss.ist[1] = (uint64_t)ist2_stack_top;
    tss.iomap_base = sizeof tss;
    /* 64-bit available TSS descriptor at selector 0x18 */
    boot_gdt[3] = (sizeof tss - 1) | (t & 0xffffff) << 16 | 0x89ull << 40 |
                  ((t >> 24) & 0xff) << 56;
    boot_gdt[4] = t >> 32;
    __asm__ volatile("ltr %w0" : : "r"(0x18));

    for (int v = 0; v < 256; v++) {
        uint64_t a = v < 32 ? (uint64_t)isr_stubs + 16 * v
                   : v == APIC_TIMER_VECTOR ? (uint64_t)apic_wake : (uint64_t)irq_wake;
        idt[v] = (struct idt_gate){
            .off_lo = (uint16_t)a, .sel = 0x08,
            .ist = v >= 32 ? 0 : v == 8 ? 2 : 1,  /* #DF on its own stack; IRQs on the current one */
            .type = 0x8e,               /* present, interrupt gate */
            .off_mid = (uint16_t)(a >> 16), .off_hi = (uint32_t)(a >> 32),
        };
    }
    struct __attribute__((packed)) { uint16_t limit; uint64_t base; } d = {
        sizeof idt - 1, (uint64_t)idt };
    __asm__ volatile("lidt %0" : : "m"(d));
}

/* Only read memory we know is mapped: the identity map covers
 * [0, mapped_end) except the stack guard page. */
static int readable(uint64_t a, uint64_t n)
{
    uint64_t g = (uint64_t)boot_stack_guard;
    return a < mapped_end - n && (a + n <= g || a >= g + 4096);
}

static volatile int in_fault;

_Noreturn void cpu_fault(struct frame *f)
{
    if (in_fault++) {   /* the report itself faulted: just stop */
        kputs(PLAT_STDERR, "drift: CPU fault while reporting a CPU fault\n");
        kexit(ST_CPUFAULT);
    }
    uint64_t v = f->vector & 31, cr2;
    __asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
    kprintf(PLAT_STDERR, "drift: CPU fault: vector %u %s\n", v, names[v]);
    kprintf(PLAT_STDERR, "  rip %x  err %x", f->rip, f->error);
    if (v == 14)
        kprintf(PLAT_STDERR, "  cr2 %x%s", cr2,
                cr2 - (uint64_t)boot_stack_guard < 4096 ? " (stack overflow)" : "");
    kprintf(PLAT_STDERR, "\n  rsp %x  rflags %x  cs %x\n", f->rsp, f->rflags, f->cs);
    kprintf(PLAT_STDERR,
            "  rax %x rbx %x rcx %x\n  rdx %x rsi %x rdi %x\n"
            "  rbp %x r8  %x r9  %x\n  r10 %x r11 %x r12 %x\n"
            "  r13 %x r14 %x r15 %x\n",
            f->rax, f->rbx, f->rcx, f->rdx, f->rsi, f->rdi, f->rbp, f->r8, f->r9,
            f->r10, f->r11, f->r12, f->r13, f->r14, f->r15);
    if (readable(f->rsp, 64)) {
        const uint64_t *s = (const uint64_t *)f->rsp;
        kprintf(PLAT_STDERR, "  stack %x %x %x %x\n        %x %x %x %x\n",
                s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]);
    } else {
        kputs(PLAT_STDERR, "  stack not readable\n");
    }
    kexit(ST_CPUFAULT);
}

/* drift.fault=KIND: raise that exception on purpose (tests). */
void raise_fault(const char *k)
{
    if (k[0] == 'u' && k[1] == 'd')             /* #UD */
        __asm__ volatile("ud2");
    if (k[0] == 'g' && k[1] == 'p')             /* #GP: non-canonical address */
        __asm__ volatile("movq (%0), %%rax" : : "r"(0x8000000000000000ull) : "rax");
    if (k[0] == 'p' && k[1] == 'f')             /* #PF: beyond the identity map */
        __asm__ volatile("movq (%0), %%rax" : : "r"(0xdead0000000ull) : "rax");
    if (k[0] == 'd' && k[1] == 'e')             /* #DE */
        __asm__ volatile("xorl %%ecx, %%ecx; divl %%ecx" : : : "eax", "ecx", "edx");
    if (k[0] == 'd' && k[1] == 'f') {           /* #DF: #GP whose gate is absent */
        idt[13].type = 0x0e;
        __asm__ volatile("movq (%0), %%rax" : : "r"(0x8000000000000000ull) : "rax");
    }
    if (k[0] == 's' && k[1] == 't')             /* "stack": a wild stack pointer */
        __asm__ volatile("movq %0, %%rsp; pushq $0" : : "r"(0xdead0000000ull));
    if (k[0] == 'o' && k[1] == 'v')             /* "overflow": run into the guard page */
        __asm__ volatile("1: pushq %%rax; jmp 1b" : : : "memory");
}

/* Legacy interrupts, used only to wake a `hlt` (console.c): remap the PICs
 * to vectors 0x20..0x2f with only IRQ 4 (COM3) unmasked, and put the local
 * APIC in virtual-wire mode (LINT0 = ExtINT), which PVH firmware may not
 * have done: with LINT0 masked, PIC interrupts never reach the CPU. */
#define LAPIC 0xfee00000ull
void irq_init(void)
{
    static int done;
    if (done++)
        return;
    outb(0x20, 0x11); outb(0xa0, 0x11);         /* ICW1: init, ICW4 follows */
    outb(0x21, 0x20); outb(0xa1, 0x28);         /* ICW2: vector bases */
    outb(0x21, 0x04); outb(0xa1, 0x02);         /* ICW3: cascade on IRQ 2 */
    outb(0x21, 0x01); outb(0xa1, 0x01);         /* ICW4: 8086 mode */
    outb(0x21, 0xef); outb(0xa1, 0xff);         /* masks: IRQ 4 only */
    boot_pd[LAPIC >> 21] = (LAPIC & ~0x1fffffull) | 0x9b;   /* 2 MiB, present, rw, uncached */
    __asm__ volatile("invlpg (%0)" : : "r"(LAPIC) : "memory");
    volatile uint32_t *apic = (volatile uint32_t *)(uintptr_t)LAPIC;
    apic[0xf0 / 4] = 0x1ff;                     /* software enable, spurious vector 0xff */
    apic[0x350 / 4] = 0x700;                    /* LINT0: ExtINT, unmasked */
}
