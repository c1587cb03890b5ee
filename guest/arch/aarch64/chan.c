/*
 * chan.c -- the host channel: the 16550 of the pci-serial in PCI slot 2,
 * when the VMM provides it (channel bytes are dropped without one).
 * Reading waits with `wfi` for the UART's interrupt, routed through the GIC
 * (gic.c) but never taken, so an idle partition costs the host no CPU.
 */
#include "platform.h"
#include "arch.h"
#include "snapchan.h"

static unsigned chan_intid;

/* Called once at boot, after pci_init. */
void channel_init(void)
{
    uintptr_t base = pci_serial(PCI_SLOT_CHANNEL, &chan_intid);
    if (!base)
        return;
    uart_setup(&uart_chan, base);
    uart_chan.base[UART_MCR] = 0x0b;        /* DTR, RTS, OUT2 (IRQ line enable) */
    uart_chan.base[UART_IER] = 0x01;        /* interrupt on received data */
    gic_enable(chan_intid);
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

/* timer.c: the channel's interrupt off while sleeping (unread input would
 * otherwise end every wfi); returns what to give chan_irq_restore. */
uint8_t chan_irq_off(void)
{
    if (!uart_chan.base)
        return 0;
    uint8_t ier = uart_chan.base[UART_IER];
    uart_chan.base[UART_IER] = 0;
    return ier;
}

void chan_irq_restore(uint8_t ier)
{
    if (uart_chan.base)
        uart_chan.base[UART_IER] = ier;
}
