/*
 * timer.c -- sleeping and the wall clock.  plat_sleep_ns waits with `wfi`
 * for the generic timer's virtual timer (CNTV_CVAL_EL0 at the deadline, its
 * PPI enabled at the GIC but never taken, gic.c), so the CPU idles until
 * then (the channel's interrupt is off meanwhile).
 * plat_wall_ns reads QEMU virt's PL031 RTC (whole seconds) once and follows
 * the counter from there.
 */
#include "platform.h"
#include "arch.h"

#define VIRT_RTC 0x09010000ull          /* PL031: RTCDR (offset 0) = seconds since the epoch */
#define PL031_PERIPH_ID0 0xfe0          /* reads 0x31 on a PL031 */

void plat_sleep_ns(uint64_t ns)
{
    uint64_t end = plat_clock_ns() + ns, now;
    uint8_t ier = chan_irq_off();
    gic_enable(INTID_VTIMER);
    while ((now = plat_clock_ns()) < end) {
        uint64_t ticks = (uint64_t)((unsigned __int128)(end - now) * cnt_hz() / 1000000000u) + 1;
        __asm__ volatile("msr cntv_cval_el0, %0; msr cntv_ctl_el0, %1; isb"
                         : : "r"(cntvct() + ticks), "r"(1ull) : "memory");     /* ENABLE, not masked */
        __asm__ volatile("wfi" ::: "memory");
        gic_ack();
    }
    __asm__ volatile("msr cntv_ctl_el0, xzr; isb" ::: "memory");
    chan_irq_restore(ier);
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
