/*
 * console.c -- program output on 16550 UARTs.
 *
 * COM1 (0x3f8) is stdout.  COM2 (0x2f8) is stderr when its scratch register
 * works, else stderr shares COM1.  COM3 is the host channel (chan.c).  Raw bytes; no CR is added.  Each port is
 * set up lazily on first use (8N1, FIFO on if the chip has one); after that
 * we wait for THR-empty, then send up to a FIFO's worth with one rep outsb
 * (under KVM that is a single exit).
 */
#include "platform.h"
#include "io.h"
#include "arch.h"

#define COM1 0x3f8
#define COM2 0x2f8
/* per port (COM1, COM2, COM3): 0 = not set up yet, else how many bytes the
 * transmitter takes after THR-empty (1 or 16); 0xff = port absent */
uint8_t uart_depth[3];

int uart_present(uint16_t base)
{
    outb(base + UART_SCR, 0x5a);
    uint8_t a = inb(base + UART_SCR);
    outb(base + UART_SCR, 0xa5);
    return a == 0x5a && inb(base + UART_SCR) == 0xa5;
}

unsigned uart_setup(uint16_t base)
{
    outb(base + UART_LCR, 0x03);                /* 8N1, DLAB off */
    outb(base + UART_FCR, 0x07);                /* FIFO on, clear both */
    return (inb(base + UART_IIR) & 0xc0) == 0xc0 ? 16 : 1;
}

void uart_send(uint16_t base, unsigned depth, const char *p, size_t n)
{
    while (n) {
        /* an absent port reads 0xff (THR empty): never stuck there; a
         * wedged one is given up on after a while rather than hanging */
        for (uint32_t spins = 0; !(inb(base + UART_LSR) & 0x20); spins++)
            if (spins > (1u << 24))
                return;
        size_t k = n < depth ? n : depth;
        n -= k;
        __asm__ volatile("rep outsb" : "+S"(p), "+c"(k) : "d"(base) : "memory");
    }
}

void plat_write(int stream, const char *buf, size_t len)
{
    int i = 0;
    uint16_t base = COM1;
    if (stream == PLAT_CHANNEL) {
        channel_write(buf, len);
        return;
    }
    if (stream == PLAT_STDERR) {
        if (!uart_depth[1])
            uart_depth[1] = uart_present(COM2) ? (uint8_t)uart_setup(COM2) : 0xff;
        if (uart_depth[1] != 0xff) {
            i = 1;
            base = COM2;
        }
    }
    if (!uart_depth[i])
        uart_depth[i] = (uint8_t)uart_setup(base);
    uart_send(base, uart_depth[i], buf, len);
}
