/*
 * timer.c -- sleeping and the wall clock.  plat_sleep_ns waits with `wfe`
 * woken by the generic timer's event stream (CNTKCTL_EL1.EVNTEN: an event
 * every 2^16 virtual-counter ticks, ~1 ms at 62.5 MHz), so no interrupt
 * needs setting up and the CPU idles between checks of the counter.
 * plat_wall_ns reads QEMU virt's PL031 RTC (whole seconds) once and follows
 * the counter from there.
 */
#include "platform.h"
#include "arch.h"

#define VIRT_RTC 0x09010000ull          /* PL031: RTCDR (offset 0) = seconds since the epoch */
#define PL031_PERIPH_ID0 0xfe0          /* reads 0x31 on a PL031 */

void plat_sleep_ns(uint64_t ns)
{
    uint64_t end = plat_clock_ns() + ns, k;
    __asm__ volatile("mrs %0, cntkctl_el1" : "=r"(k));
    /* EVNTEN (bit 2), EVNTI = 15 (bits 7:4): an event whenever counter bit 15 flips 0 -> 1 */
    __asm__ volatile("msr cntkctl_el1, %0; isb" : : "r"((k & ~0xf0ull) | 0xf4ull));
    while (plat_clock_ns() < end)
        __asm__ volatile("wfe" ::: "memory");
    __asm__ volatile("msr cntkctl_el1, %0; isb" : : "r"(k));
}

static int wall_known;                  /* 0: not read yet; 1: read (or no RTC: 1970 at boot) */
static int64_t wall_base;               /* wall-clock ns minus plat_clock_ns() */

uint64_t plat_wall_ns(void)
{
    if (!wall_known) {
        wall_known = 1;
        if ((mmio_read32(VIRT_RTC + PL031_PERIPH_ID0) & 0xff) == 0x31)
            wall_base = (int64_t)mmio_read32(VIRT_RTC) * 1000000000 - (int64_t)plat_clock_ns();
    }
    return plat_clock_ns() + (uint64_t)wall_base;
}
