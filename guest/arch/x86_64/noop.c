/*
 * noop.c -- the do-nothing kernel (boot-time baseline): same PVH entry and
 * long-mode setup as drift-kernel.elf, prints "noop\n" on COM1, exits 0.
 */
#include "platform.h"
#include "io.h"
#include "arch.h"

void kmain(uint32_t start_info_pa)
{
    (void)start_info_pa;
    plat_write(PLAT_STDOUT, "noop\n", 5);
    outl(0xf4, 0);
    halt_forever();
}

/* console.c routes the channel here; the noop kernel has none. */
void channel_write(const char *buf, size_t len)
{
    (void)buf;
    (void)len;
}
