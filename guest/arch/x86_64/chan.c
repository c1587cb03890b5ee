/*
 * chan.c -- the host channel on COM3 (0x3e8), when the VMM provides it:
 * channel bytes are dropped without one.  Reading waits with `hlt` for the
 * UART's receive interrupt (IRQ 4, legacy PIC through the LAPIC's virtual
 * wire), so an idle partition costs the host no CPU.
 */
#include "platform.h"
#include "io.h"
#include "arch.h"

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

int plat_channel_read(void)
{
    if (!channel_ready())
        return -1;
    /* `sti; hlt` is atomic: an interrupt that became pending after the
     * check wakes the hlt instead of being lost.  Interrupts are off again
     * once we leave. */
    while (!(inb(COM3 + UART_LSR) & 0x01))
        __asm__ volatile("sti; hlt; cli" ::: "memory");
    return inb(COM3 + UART_RBR);
}


/* Tell the host how the program ended: the control record "ESC exit N" (a
 * raw ESC never starts a program's message).  Only if the channel exists. */
void channel_exit_record(int status)
{
    char rec[16] = "\x1b" "exit ";
    size_t n = 6;
    char d[4];
    int k = 0;
    do d[k++] = (char)('0' + status % 10); while ((status /= 10) && k < 3);
    while (k) rec[n++] = d[--k];
    rec[n++] = '\n';
    channel_write(rec, n);
}

/* Snapshots over the channel: not wired yet in the guest (drift-vm has them). */
int plat_snapshot(const uint8_t *snap, size_t len)
{
    (void)snap; (void)len;
    return -1;
}

size_t plat_channel_pending(const uint8_t **p)
{
    *p = 0;
    return 0;
}

void plat_channel_preload(const uint8_t *p, size_t n)
{
    (void)p; (void)n;
}
