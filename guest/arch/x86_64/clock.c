/*
 * clock.c -- the TSC as the platform clock.  Its frequency is found on first
 * use (never at boot): CPUID 0x15 (crystal ratio), 0x16 (base MHz), the
 * hypervisor leaf 0x40000010 (kHz), else ~10 ms against PIT channel 0.
 */
#include "platform.h"
#include "io.h"
#include "arch.h"

#define PIT_HZ 1193182u

static uint64_t hz;
static uint64_t ns_mult;        /* ns = (ticks * ns_mult) >> 32 */

static uint64_t cpuid_hz(void)
{
    uint32_t r[4];
    cpuid(0, r);
    uint32_t max = r[0];
    if (max >= 0x15) {
        cpuid(0x15, r);         /* eax = denominator, ebx = numerator, ecx = crystal Hz */
        if (r[0] && r[1] && r[2])
            return (uint64_t)r[2] * r[1] / r[0];
    }
    if (max >= 0x16) {
        cpuid(0x16, r);         /* eax = base MHz */
        if (r[0] & 0xffff)
            return (uint64_t)(r[0] & 0xffff) * 1000000;
    }
    cpuid(1, r);
    if (r[2] & (1u << 31)) {    /* running under a hypervisor */
        cpuid(0x40000000, r);
        if (r[0] >= 0x40000010 && r[0] < 0x40010000) {
            cpuid(0x40000010, r);       /* eax = TSC kHz (VMware/KVM/QEMU leaf) */
            if (r[0])
                return (uint64_t)r[0] * 1000;
        }
    }
    return 0;
}

static uint16_t pit_read(void)
{
    outb(0x43, 0x00);                   /* latch channel 0 */
    uint8_t lo = inb(0x40);
    return (uint16_t)(lo | inb(0x40) << 8);
}

/* PIT channel 0 free-running in mode 2 (reload 65536); sum its decrements
 * until ~10 ms have gone by.  No IRQs involved (interrupts stay off). */
static uint64_t pit_hz(void)
{
    outb(0x43, 0x34);                   /* ch 0, lo/hi byte, mode 2, binary */
    outb(0x40, 0);
    outb(0x40, 0);
    uint16_t prev = pit_read();
    uint64_t t0 = rdtsc(), t1 = t0;
    uint32_t ticks = 0, spins = 0;
    while (ticks < PIT_HZ / 100) {
        uint16_t now = pit_read();
        ticks += (uint16_t)(prev - now);
        prev = now;
        t1 = rdtsc();
        if (++spins > 20000 && ticks == 0)
            return 0;                   /* no PIT (or a stopped one) */
    }
    return (t1 - t0) * PIT_HZ / ticks;
}

uint64_t tsc_hz(void)
{
    if (!hz) {
        uint64_t f = cpuid_hz();
        if (!f)
            f = pit_hz();
        if (!f)
            f = 1000000000;             /* nothing to go by: guess 1 GHz */
        ns_mult = (1000000000ull << 32) / f;
        hz = f;
    }
    return hz;
}

static uint64_t ticks_to_ns(uint64_t ticks)
{
    tsc_hz();
    return (uint64_t)(((unsigned __int128)ticks * ns_mult) >> 32);
}

uint64_t plat_clock_ns(void)
{
    return ticks_to_ns(rdtsc() - boot_tsc);
}

uint64_t tsc_to_ns(uint64_t ticks)
{
    return ticks_to_ns(ticks);
}
