/*
 * timer.c -- sleeping and the wall clock.  plat_sleep_ns idles with `hlt`
 * until the local APIC timer (one-shot, vector 0x40) fires; QEMU and KVM both
 * count it at 1 GHz with divide-by-1, and the TSC clock decides when the
 * sleep is over anyway, so another rate only costs extra wake-ups.
 * plat_wall_ns reads the CMOS RTC once (1 s resolution) and follows the TSC
 * clock from there.
 */
#include "platform.h"
#include "io.h"
#include "arch.h"

#define LAPIC_BASE 0xfee00000ull
enum { APIC_EOI = 0xb0, APIC_LVT_TIMER = 0x320, APIC_TIMER_INIT = 0x380, APIC_TIMER_DIV = 0x3e0 };
#define APIC_MASKED 0x10000u

static void apic_write(uint32_t reg, uint32_t v)
{
    ((volatile uint32_t *)(uintptr_t)LAPIC_BASE)[reg / 4] = v;
}

void plat_sleep_ns(uint64_t ns)
{
    uint64_t end = plat_clock_ns() + ns;
    irq_init();                                 /* maps and enables the local APIC (once) */
    apic_write(APIC_TIMER_DIV, 0xb);            /* divide by 1 */
    apic_write(APIC_LVT_TIMER, APIC_TIMER_VECTOR);      /* one-shot, unmasked */
    for (uint64_t now; (now = plat_clock_ns()) < end;) {
        uint64_t left = end - now;
        apic_write(APIC_TIMER_INIT, left > 0xffffffffu ? 0xffffffffu : (uint32_t)left);
        /* `sti; hlt` is atomic: a timer that fired since the write wakes the hlt at once.
         * Other interrupts (the channel's) wake it too; the loop sleeps again. */
        __asm__ volatile("sti; hlt; cli" ::: "memory");
    }
    apic_write(APIC_TIMER_INIT, 0);
    apic_write(APIC_LVT_TIMER, APIC_MASKED | APIC_TIMER_VECTOR);
}

/* ---- CMOS RTC (ports 0x70/0x71) ---------------------------------------------------- */

static uint8_t cmos(uint8_t reg)
{
    outb(0x70, reg);                            /* bit 7 clear: NMIs stay enabled */
    return inb(0x71);
}

static unsigned bcd(uint8_t v, int binary) { return binary ? v : (v >> 4) * 10u + (v & 15u); }

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* The RTC's time in seconds since the epoch; -1 if there is no RTC (microvm with rtc=off). */
static int64_t rtc_seconds(void)
{
    if (cmos(0x0a) == 0xff)
        return -1;                              /* nothing answers on the port */
    uint8_t r[7], prev[7];
    static const uint8_t regs[7] = {0x00, 0x02, 0x04, 0x07, 0x08, 0x09, 0x32};
    for (int tries = 0; tries < 8; tries++) {   /* read twice alike, outside an update */
        for (unsigned spin = 0; (cmos(0x0a) & 0x80) && spin < 1000000; spin++)
            ;
        for (int i = 0; i < 7; i++)
            r[i] = cmos(regs[i]);
        if (tries && !__builtin_memcmp(r, prev, sizeof r))
            break;
        __builtin_memcpy(prev, r, sizeof r);
    }
    uint8_t b = cmos(0x0b);
    int bin = b & 4;
    unsigned hour = bcd(r[2] & 0x7f, bin);
    if (!(b & 2) && (r[2] & 0x80))              /* 12-hour mode, PM */
        hour = (hour % 12) + 12;
    else if (!(b & 2) && hour == 12)
        hour = 0;
    unsigned century = bcd(r[6], bin);
    if (century < 19 || century > 30)
        century = 20;                           /* no century register */
    int64_t days = days_from_civil(century * 100 + bcd(r[5], bin), bcd(r[4], bin), bcd(r[3], bin));
    return days * 86400 + hour * 3600 + bcd(r[1], bin) * 60 + bcd(r[0], bin);
}

static int wall_known;                          /* 0: not read yet; 1: wall_base set; -1: no RTC */
static int64_t wall_base;                       /* wall-clock ns minus plat_clock_ns() */

uint64_t plat_wall_ns(void)
{
    if (!wall_known) {
        int64_t s = rtc_seconds();
        wall_known = s < 0 ? -1 : 1;
        wall_base = s < 0 ? 0 : s * 1000000000 - (int64_t)plat_clock_ns();
    }
    return plat_clock_ns() + (uint64_t)wall_base;
}
