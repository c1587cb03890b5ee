/*
 * chan.c -- the host channel: the 16550 of the pci-serial in PCI slot 2,
 * when the VMM provides it (channel bytes are dropped without one).
 * Reading waits with `wfi` for the UART's interrupt, routed through the GIC
 * (v2 or v3, as the device tree says) but never taken: interrupts stay
 * masked (PSTATE.I) and a pending one still ends a wfi, so an idle partition
 * costs the host no CPU.  After each wake-up the interrupt is acknowledged
 * and ended at the GIC directly.
 */
#include "platform.h"
#include "arch.h"
#include "snapchan.h"
#include "snapchan.h"

static unsigned chan_intid;
static int gic_v3;

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

static void gic_init(unsigned id)
{
    uintptr_t d = VIRT_GICD;
    gic_v3 = fdt_compatible("intc", "arm,gic-v3");
    *(volatile uint8_t *)(d + GICD_IPRIORITYR + id) = 0xa0;
    if (gic_v3) {
        /* affinity routing, group 1; this CPU's redistributor awake; the
         * system-register CPU interface */
        mmio_write32(d + GICD_CTLR, mmio_read32(d + GICD_CTLR) | 0x12);   /* ARE_NS, EnableGrp1NS */
        mmio_write32(d + GICD_IGROUPR + id / 32 * 4, mmio_read32(d + GICD_IGROUPR + id / 32 * 4) | 1u << id % 32);
        *(volatile uint64_t *)(d + GICD_IROUTER + 8 * id) = 0;             /* CPU 0.0.0.0 */
        mmio_write32(VIRT_GICR + GICR_WAKER, mmio_read32(VIRT_GICR + GICR_WAKER) & ~2u);
        for (uint32_t spins = 0; mmio_read32(VIRT_GICR + GICR_WAKER) & 4 && spins < (1u << 20); spins++)
            ;
        uint64_t sre;
        __asm__ volatile("mrs %0, S3_0_C12_C12_5" : "=r"(sre));            /* ICC_SRE_EL1 */
        __asm__ volatile("msr S3_0_C12_C12_5, %0; isb" :: "r"(sre | 1));
        __asm__ volatile("msr S3_0_C4_C6_0, %0" :: "r"(0xffull));          /* ICC_PMR_EL1 */
        __asm__ volatile("msr S3_0_C12_C12_7, %0; isb" :: "r"(1ull));      /* ICC_IGRPEN1_EL1 */
    } else {
        *(volatile uint8_t *)(d + GICD_ITARGETSR + id) = 1;                /* CPU 0 */
        mmio_write32(d + GICD_CTLR, 1);
        mmio_write32(VIRT_GICC + GICC_PMR, 0xff);
        mmio_write32(VIRT_GICC + GICC_CTLR, 1);
    }
    mmio_write32(d + GICD_ISENABLER + id / 32 * 4, 1u << id % 32);
}

/* Acknowledge and end whatever interrupt woke us (it is only ever ours). */
static void gic_ack(void)
{
    if (gic_v3) {
        uint64_t iar;
        __asm__ volatile("mrs %0, S3_0_C12_C12_0" : "=r"(iar));            /* ICC_IAR1_EL1 */
        if ((iar & 0xffffff) < 1020)
            __asm__ volatile("msr S3_0_C12_C12_1, %0; isb" :: "r"(iar));  /* ICC_EOIR1_EL1 */
    } else {
        uint32_t iar = mmio_read32(VIRT_GICC + GICC_IAR);
        if ((iar & 0x3ff) < 1020)
            mmio_write32(VIRT_GICC + GICC_EOIR, iar);
    }
}

/* Called once at boot, after pci_init. */
void channel_init(void)
{
    uintptr_t base = pci_serial(PCI_SLOT_CHANNEL, &chan_intid);
    if (!base)
        return;
    uart_setup(&uart_chan, base);
    uart_chan.base[UART_MCR] = 0x0b;        /* DTR, RTS, OUT2 (IRQ line enable) */
    uart_chan.base[UART_IER] = 0x01;        /* interrupt on received data */
    gic_init(chan_intid);
}

void channel_write(const char *buf, size_t len)
{
    if (uart_chan.base)
        uart_send(&uart_chan, buf, len);
}

/* snapchan.h: the line status register (-2 without a channel), the next byte. */
int chan_lsr(void)
{
    return uart_chan.base ? uart_chan.base[UART_LSR] : -2;
}

int chan_rbr(void)
{
    return uart_chan.base[UART_RBR];
}

/* Sleep until the UART interrupts (the caller found no byte): an interrupt
 * pending since its check ends the wfi at once, so no wake-up is lost. */
void chan_wait(void)
{
    if (uart_chan.base) {
        __asm__ volatile("wfi" ::: "memory");
        gic_ack();
    }
}
