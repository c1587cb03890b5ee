/*
 * chan.c -- the host channel on COM3 (0x3e8), when the VMM provides it:
 * channel bytes are dropped without one.  Reading waits with `hlt` for the
 * UART's receive interrupt (IRQ 4, legacy PIC through the LAPIC's virtual
 * wire), so an idle partition costs the host no CPU.
 */
#include "platform.h"
#include "io.h"
#include "arch.h"
#include "snapchan.h"

#define COM3 0x3e8

/* Set up COM3 once: the UART raises IRQ 4 when a byte arrives. */
static int channel_ready(void)
{
    if (!uart_depth[2]) {
        if (uart_present(COM3)) {
            uart_depth[2] = (uint8_t)uart_setup(COM3);
            outb(COM3 + UART_MCR, 0x0b);        /* DTR, RTS, OUT2 (IRQ line enable) */
            outb(COM3 + UART_IER, 0x01);        /* interrupt on received data */
            irq_init();
        } else {
            uart_depth[2] = 0xff;
        }
    }
    return uart_depth[2] != 0xff;
}

void channel_write(const char *buf, size_t len)
{
    if (channel_ready())
        uart_send(COM3, uart_depth[2], buf, len);
}

/* snapchan.h: the line status register (-2 without a channel), the next byte. */
int chan_lsr(void)
{
    return channel_ready() ? inb(COM3 + UART_LSR) : -2;
}

int chan_rbr(void)
{
    return inb(COM3 + UART_RBR);
}

/* Sleep until the UART interrupts (the caller found no byte, interrupts
 * off): `sti; hlt` is atomic, so an interrupt that became pending after its
 * check wakes the hlt instead of being lost.  Interrupts are off again once
 * we leave. */
void chan_wait(void)
{
    if (channel_ready())
        __asm__ volatile("sti; hlt; cli" ::: "memory");
}
