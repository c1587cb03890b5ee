/*
 * trap.c -- the crash report.  Every exception vector (boot.S) saves the
 * registers on SP_EL1, its own stack, and lands here: a CPU exception always
 * ends the guest with CPUFAULT, after a report on stderr with ESR decoded.
 */
#include "platform.h"
#include "arch.h"

struct frame {          /* as boot.S's exc_common leaves it */
    uint64_t x[31];
    uint64_t sp, elr, spsr, esr, far;
};
_Static_assert(sizeof(struct frame) == 288, "boot.S FRAME");

static const char *const kinds[4] = {"synchronous exception", "IRQ", "FIQ", "SError"};

/* ESR_EL1.EC -> what happened */
static const char *ec_name(unsigned ec)
{
    switch (ec) {
    case 0x00: return "undefined instruction";
    case 0x01: return "trapped WFI/WFE";
    case 0x07: return "FP/SIMD access trapped";
    case 0x0e: return "illegal execution state";
    case 0x15: return "SVC";
    case 0x16: return "HVC";
    case 0x17: return "SMC";
    case 0x18: return "trapped system register access";
    case 0x20: case 0x21: return "instruction abort";
    case 0x22: return "PC alignment fault";
    case 0x24: case 0x25: return "data abort";
    case 0x26: return "SP alignment fault";
    case 0x2c: return "floating-point exception";
    case 0x2f: return "SError";
    case 0x30: case 0x31: return "breakpoint";
    case 0x32: case 0x33: return "software step";
    case 0x34: case 0x35: return "watchpoint";
    case 0x3c: return "BRK instruction";
    default: return "unknown exception class";
    }
}

/* an abort's fault status code (ISS bits 5:0) */
static const char *fsc_name(unsigned fsc)
{
    switch (fsc >> 2) {
    case 0: return "address size fault";
    case 1: return "translation fault";
    case 2: return "access flag fault";
    case 3: return "permission fault";
    }
    if (fsc == 0x10 || (fsc >= 0x14 && fsc <= 0x17))
        return "synchronous external abort";
    if (fsc == 0x21)
        return "alignment fault";
    if (fsc == 0x30)
        return "TLB conflict";
    return "other fault";
}

/* Only read memory we know is RAM: the kernel's own 2 MiB less the guard page. */
static int readable(uint64_t a, uint64_t n)
{
    uint64_t g = (uint64_t)boot_stack_guard;
    return a >= VIRT_RAM && a + n <= VIRT_RAM + (2u << 20) && (a + n <= g || a >= g + 4096);
}

static volatile int in_fault;

_Noreturn void cpu_fault(uint64_t kind, struct frame *f)
{
    unsigned ec = (unsigned)(f->esr >> 26) & 0x3f;
    if (exiting && kind == 0 && ec == 0)
        psci_off();     /* semihosting is off: the HLT was undefined */
    if (in_fault++) {   /* the report itself faulted: just stop */
        kputs(PLAT_STDERR, "drift: CPU fault while reporting a CPU fault\n");
        kexit(ST_CPUFAULT);
    }
    kprintf(PLAT_STDERR, "drift: CPU fault: %s: %s (EC 0x%c%c)\n", kinds[kind & 3],
            (kind & 3) ? "interrupt" : ec_name(ec), "0123456789abcdef"[ec >> 4], "0123456789abcdef"[ec & 15]);
    kprintf(PLAT_STDERR, "  elr %x  esr %x  far %x\n", f->elr, f->esr, f->far);
    if ((kind & 3) == 0 && (ec == 0x20 || ec == 0x21 || ec == 0x24 || ec == 0x25)) {
        unsigned fsc = (unsigned)f->esr & 0x3f;
        uint64_t g = (uint64_t)boot_stack_guard;
        kprintf(PLAT_STDERR, "  %s%s, level %u%s\n", ec >= 0x24 ? (f->esr & 0x40 ? "write: " : "read: ")
                : "fetch: ", fsc_name(fsc), (uint64_t)(fsc & 3), f->far - g < 4096 ? " (stack overflow)" : "");
    }
    kprintf(PLAT_STDERR, "  sp  %x  spsr %x\n", f->sp, f->spsr);
    for (int i = 0; i < 30; i += 3)
        kprintf(PLAT_STDERR, "  x%u%s %x x%u%s %x x%u%s %x\n", (uint64_t)i, i < 10 ? " " : "", f->x[i],
                (uint64_t)i + 1, i + 1 < 10 ? " " : "", f->x[i + 1], (uint64_t)i + 2, i + 2 < 10 ? " " : "",
                f->x[i + 2]);
    kprintf(PLAT_STDERR, "  x30 %x (lr)\n", f->x[30]);
    if (readable(f->sp, 64)) {
        const uint64_t *s = (const uint64_t *)f->sp;
        kprintf(PLAT_STDERR, "  stack %x %x %x %x\n        %x %x %x %x\n",
                s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]);
    } else {
        kputs(PLAT_STDERR, "  stack not readable\n");
    }
    kexit(ST_CPUFAULT);
}

__attribute__((noinline)) static int recurse(volatile int *p)
{
    volatile int pad[64];
    pad[0] = *p;
    return pad[0] >= 0 ? recurse(pad) + pad[1] : 0;
}

/* drift.fault=KIND: raise that exception on purpose (tests). */
void raise_fault(const char *k)
{
    if (k[0] == 'u' && k[1] == 'd')             /* undefined instruction */
        __asm__ volatile("udf #0");
    if (k[0] == 'p' && k[1] == 'f')             /* data abort: beyond the identity map */
        __asm__ volatile("ldr x0, [%0]" : : "r"(0xdead0000000ull) : "x0");
    if (k[0] == 'a' && k[1] == 'l')             /* "align": unaligned load from device memory */
        __asm__ volatile("ldr w0, [%0]" : : "r"(VIRT_UART + 1) : "x0");
    if (k[0] == 'b' && k[1] == 'r')             /* "brk" */
        __asm__ volatile("brk #0x42");
    if (k[0] == 's' && k[1] == 't')             /* "stack": a wild stack pointer */
        __asm__ volatile("mov sp, %0; str xzr, [sp, #-16]!" : : "r"(0xdead0000000ull));
    if (k[0] == 'o' && k[1] == 'v') {           /* "overflow": run into the guard page */
        volatile int z = 0;
        recurse(&z);
    }
}
