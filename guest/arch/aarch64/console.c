/*
 * console.c -- program output: stdout on virt's PL011 (0x09000000), stderr
 * on the 16550 of a QEMU pci-serial in PCI slot 1 when there is one (else on
 * the PL011 too), the channel on slot 2 (chan.c).  Raw bytes; no CR added.
 */
#include "platform.h"
#include "arch.h"

#define PL011_DR 0x00
#define PL011_FR 0x18
#define PL011_FR_TXFF (1u << 5)

struct uart16550 uart_err, uart_chan;

static void pl011_send(const char *p, size_t n)
{
    volatile uint32_t *u = (volatile uint32_t *)VIRT_UART;
    for (; n; n--) {
        for (uint32_t spins = 0; u[PL011_FR / 4] & PL011_FR_TXFF; spins++)
            if (spins > (1u << 24))
                return;     /* wedged: give up rather than hang */
        u[PL011_DR / 4] = (uint8_t)*p++;
    }
}

/* 8N1, FIFO on if the chip has one. */
void uart_setup(struct uart16550 *u, uintptr_t base)
{
    u->base = (volatile uint8_t *)base;
    u->base[UART_LCR] = 0x03;
    u->base[UART_FCR] = 0x07;
    u->depth = (u->base[UART_IIR] & 0xc0) == 0xc0 ? 16 : 1;
}

void uart_send(struct uart16550 *u, const char *p, size_t n)
{
    while (n) {
        for (uint32_t spins = 0; !(u->base[UART_LSR] & 0x20); spins++)
            if (spins > (1u << 24))
                return;
        size_t k = n < u->depth ? n : u->depth;
        n -= k;
        while (k--)
            u->base[UART_THR] = (uint8_t)*p++;
    }
}

void plat_write(int stream, const char *buf, size_t len)
{
    if (stream == PLAT_CHANNEL)
        channel_write(buf, len);
    else if (stream == PLAT_STDERR && uart_err.base)
        uart_send(&uart_err, buf, len);
    else
        pl011_send(buf, len);
}
