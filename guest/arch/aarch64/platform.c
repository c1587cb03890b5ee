/*
 * platform.c -- the Drift aarch64 guest's C entry (kmain): the device tree
 * (memory, command line, PCIe), payload, heap; the platform.h calls exit and
 * first-instruction timing (clock in clock.c, output in console.c, the
 * exit itself in exit.c).
 */
#include "platform.h"
#include "arch.h"
#include "snapchan.h"

static int timing;
static const char *restore;             /* drift.restore=ADDR */
static uint64_t first_cnt;

void plat_first_instruction(void)
{
    if (!first_cnt)
        first_cnt = cntvct();
}

_Noreturn void plat_exit(int status)
{
    if (timing && first_cnt)
        kprintf(PLAT_STDERR, "drift: timing entry_to_bytecode_ns=%u cnt_hz=%u\n",
                cnt_to_ns(first_cnt - boot_cnt), cnt_hz());
    kexit(status);
}

/* Called by boot.S on the boot stack (SP_EL0), MMU and caches on, .bss
 * zeroed; dtb is x0 at entry (QEMU leaves it 0 for an ELF: then the device
 * tree is at the start of RAM). */
void kmain(const void *dtb)
{
    if (!fdt_init(dtb ? dtb : (const void *)VIRT_RAM)) {
        kputs(PLAT_STDERR, "drift: no device tree at the start of RAM\n");
        kexit(ST_NOMEM);
    }
    pci_init();
    unsigned intid;
    uintptr_t err = pci_serial(PCI_SLOT_STDERR, &intid);
    if (err)
        uart_setup(&uart_err, err);
    channel_init();

    struct fdt_prop args = fdt_get("chosen", "bootargs");
    BootArgs boot = parse_cmdline((const char *)args.data, (const char *)args.data + args.len);
    const char *fault = boot.fault;
    timing = boot.timing;
    restore = boot.restore;

    /* the payload: a .dbc file; its header says how long it is */
    const uint8_t *code = (const uint8_t *)__drift_payload_start;
    const uint32_t *hdr = (const uint32_t *)__drift_payload_start;
    if (hdr[0] != 0x54465244u) {        /* "DRFT" */
        kputs(PLAT_STDERR, "drift: this kernel carries no program\n");
        plat_exit(ST_NOPAYLOAD);
    }
    uint32_t size = hdr[3];             /* file_size */

    /* heap: from the page after the payload to the end of its RAM region */
    uint64_t start = ((uint64_t)(uintptr_t)code + size + 4095) & ~4095ull, end = 0;
    struct fdt_prop mem = fdt_get("memory", "reg");     /* (base, size) pairs, 2 cells each */
    for (uint32_t i = 0; i + 16 <= mem.len; i += 16) {
        uint64_t base = fdt_cells(mem.data + i, 2), len = fdt_cells(mem.data + i + 8, 2);
        if ((uintptr_t)code - base < len)
            end = base + len;
    }
    if (end > MAP_NORMAL_END)
        end = MAP_NORMAL_END;
    end &= ~4095ull;
    if (end <= start) {
        kputs(PLAT_STDERR, mem.len ? "drift: no RAM for the heap after the program\n"
                                   : "drift: no memory node in the device tree\n");
        plat_exit(ST_NOMEM);
    }
    if (restore)
        snap_boot(restore, start, &end);
    if (fault)
        raise_fault(fault);
    plat_exit(vm_run(code, size, (void *)(uintptr_t)start, end - start));
}
