/*
 * noop.c -- the do-nothing kernel (boot-time baseline): same entry, MMU and
 * vectors as drift-kernel.elf, prints "noop\n" on the PL011, exits 0
 * through semihosting (QEMU exit code 1, as x86's noop.elf).
 */
#include "platform.h"
#include "arch.h"

void kmain(const void *dtb)
{
    (void)dtb;
    plat_write(PLAT_STDOUT, "noop\n", 5);
    kexit(0);
}

/* No PCI in the baseline: nothing to send. */
void channel_write(const char *buf, size_t len)
{
    (void)buf;
    (void)len;
}
