/*
 * pci.c -- the two 16550s Drift puts on virt's PCIe host (QEMU `pci-serial`,
 * vendor 1b36 device 0002) in fixed slots of bus 0: stderr (slot 1) and the
 * host channel (slot 2).  With -kernel no firmware assigns BARs, so we do:
 * the ECAM and the I/O window come from the device tree's pcie node.
 */
#include "platform.h"
#include "arch.h"

#define PCI_ID_SERIAL 0x00021b36u     /* device << 16 | vendor */
#define IO_BAR_BASE   0x1000u         /* PCI I/O addresses we hand out: 0x1000 + slot * 0x100 */

static uintptr_t ecam, pio;           /* 0: no PCIe host */
static uint32_t virt_spi_base = 3;    /* virt: INTA..D of slot s -> SPI 3 + (pin + s) % 4 */

void pci_init(void)
{
    struct fdt_prop reg = fdt_get("pcie", "reg");
    struct fdt_prop ranges = fdt_get("pcie", "ranges");
    if (reg.len < 16)
        return;
    /* ranges: (pci.hi pci.mid pci.lo, cpu addr (2 cells), size (2 cells)); hi bits 24-25 = 1: I/O */
    for (uint32_t i = 0; i + 28 <= ranges.len; i += 28) {
        if ((fdt_cells(ranges.data + i, 1) >> 24 & 3) == 1 && fdt_cells(ranges.data + i + 4, 2) == 0) {
            pio = (uintptr_t)fdt_cells(ranges.data + i + 12, 2);
            ecam = (uintptr_t)fdt_cells(reg.data, 2);
        }
    }
    struct fdt_prop map = fdt_get("pcie", "interrupt-map");
    /* the first entry: child (3 cells) pin (1) phandle (1) parent addr (2) GIC (3: type, nr, flags) */
    if (map.len >= 40)
        virt_spi_base = (uint32_t)fdt_cells(map.data + 32, 1);
}

uintptr_t pci_serial(unsigned slot, unsigned *intid)
{
    if (!ecam)
        return 0;
    uintptr_t cfg = ecam + ((uintptr_t)slot << 15);
    if (mmio_read32(cfg) != PCI_ID_SERIAL)
        return 0;
    uint32_t io = IO_BAR_BASE + slot * 0x100;
    mmio_write32(cfg + 0x10, io);                           /* BAR0: 8 bytes of I/O */
    mmio_write32(cfg + 0x04, (mmio_read32(cfg + 0x04) & ~0x400u) | 1);  /* I/O on, INTx allowed */
    uint32_t pin = (mmio_read32(cfg + 0x3c) >> 8 & 0xff) - 1;          /* 0 = INTA */
    *intid = 32 + virt_spi_base + (pin + slot) % 4;
    return pio + io;
}
