/*
 * gic.c -- just enough of the GIC (v2 or v3, as the device tree says) for
 * `wfi` to end when an interrupt we care about is pending: the channel's
 * UART (chan.c) and the virtual timer (timer.c).  Interrupts are never taken
 * (PSTATE.I stays set; a pending one still ends a wfi); after each wake-up
 * the waiter acknowledges and ends it at the GIC directly (gic_ack).
 */
#include "platform.h"
#include "arch.h"

#define GICD_CTLR        0x000
#define GICD_IGROUPR     0x080
#define GICD_ISENABLER   0x100
#define GICD_IPRIORITYR  0x400
#define GICD_ITARGETSR   0x800
#define GICD_IROUTER     0x6000
#define GICC_CTLR        0x000
#define GICC_PMR         0x004
#define GICC_IAR         0x00c
#define GICC_EOIR        0x010
#define GICR_WAKER       0x014
#define GICR_SGI         0x10000         /* the redistributor's SGI/PPI frame */

static int version;                     /* 0: not set up yet, else 2 or 3 */

static void setup(void)
{
    uintptr_t d = VIRT_GICD;
    version = fdt_compatible("intc", "arm,gic-v3") ? 3 : 2;
    if (version == 3) {
        /* affinity routing, then group 1; this CPU's redistributor awake;
         * the system-register CPU interface */
        mmio_write32(d + GICD_CTLR, mmio_read32(d + GICD_CTLR) | 0x10);   /* ARE(_NS) */
        mmio_write32(d + GICD_CTLR, mmio_read32(d + GICD_CTLR) | 0x12);   /* EnableGrp1(NS) */
        mmio_write32(VIRT_GICR + GICR_WAKER, mmio_read32(VIRT_GICR + GICR_WAKER) & ~2u);
        for (uint32_t spins = 0; mmio_read32(VIRT_GICR + GICR_WAKER) & 4 && spins < (1u << 20); spins++)
            ;
        uint64_t sre;
        __asm__ volatile("mrs %0, S3_0_C12_C12_5" : "=r"(sre));            /* ICC_SRE_EL1 */
        __asm__ volatile("msr S3_0_C12_C12_5, %0; isb" :: "r"(sre | 1));
        __asm__ volatile("msr S3_0_C4_C6_0, %0" :: "r"(0xffull));          /* ICC_PMR_EL1 */
        __asm__ volatile("msr S3_0_C12_C12_7, %0; isb" :: "r"(1ull));      /* ICC_IGRPEN1_EL1 */
    } else {
        mmio_write32(d + GICD_CTLR, 1);
        mmio_write32(VIRT_GICC + GICC_PMR, 0xff);
        mmio_write32(VIRT_GICC + GICC_CTLR, 1);
    }
}

void gic_enable(unsigned id)
{
    if (!version)
        setup();
    uintptr_t d = VIRT_GICD, bank = id / 32 * 4;
    uint32_t bit = 1u << id % 32;
    if (version == 3 && id < 32) {      /* SGI/PPI: in the redistributor */
        uintptr_t s = VIRT_GICR + GICR_SGI;
        *(volatile uint8_t *)(s + GICD_IPRIORITYR + id) = 0xa0;
        mmio_write32(s + GICD_IGROUPR, mmio_read32(s + GICD_IGROUPR) | bit);
        mmio_write32(s + GICD_ISENABLER, bit);
        return;
    }
    *(volatile uint8_t *)(d + GICD_IPRIORITYR + id) = 0xa0;
    if (version == 3) {
        mmio_write32(d + GICD_IGROUPR + bank, mmio_read32(d + GICD_IGROUPR + bank) | bit);
        *(volatile uint64_t *)(d + GICD_IROUTER + 8 * id) = 0;             /* CPU 0.0.0.0 */
    } else if (id >= 32) {
        *(volatile uint8_t *)(d + GICD_ITARGETSR + id) = 1;                /* CPU 0 */
    }
    mmio_write32(d + GICD_ISENABLER + bank, bit);
}

void gic_ack(void)
{
    if (version == 3) {
        uint64_t iar;
        __asm__ volatile("mrs %0, S3_0_C12_C12_0" : "=r"(iar));            /* ICC_IAR1_EL1 */
        if ((iar & 0xffffff) < 1020)
            __asm__ volatile("msr S3_0_C12_C12_1, %0; isb" :: "r"(iar));  /* ICC_EOIR1_EL1 */
    } else if (version == 2) {
        uint32_t iar = mmio_read32(VIRT_GICC + GICC_IAR);
        if ((iar & 0x3ff) < 1020)
            mmio_write32(VIRT_GICC + GICC_EOIR, iar);
    }
}
