/*
 * clock.c -- the generic timer's virtual counter (CNTVCT_EL0) as the
 * platform clock; its frequency is CNTFRQ_EL0 (set by QEMU/KVM).
 */
#include "platform.h"
#include "arch.h"

static uint64_t hz, ns_mult;    /* ns = (ticks * ns_mult) >> 32 */

uint64_t cnt_hz(void)
{
    if (!hz) {
        uint64_t f;
        __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(f));
        hz = f ? f : 62500000;  /* unset: QEMU's usual 62.5 MHz */
        ns_mult = (1000000000ull << 32) / hz;
    }
    return hz;
}

uint64_t cnt_to_ns(uint64_t ticks)
{
    cnt_hz();
    return (uint64_t)(((unsigned __int128)ticks * ns_mult) >> 32);
}

uint64_t plat_clock_ns(void)
{
    return cnt_to_ns(cntvct() - boot_cnt);
}
