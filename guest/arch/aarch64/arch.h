/*
 * arch.h -- internal interfaces between the aarch64 guest's own files.
 */
#ifndef DRIFT_A64_ARCH_H
#define DRIFT_A64_ARCH_H

#include <stddef.h>
#include <stdint.h>

#include "kio.h"                        /* kputs, kprintf, channel_exit_record (../common) */

/* boot.S */
extern uint64_t boot_cnt;               /* CNTVCT at _start's first instruction */
extern char boot_stack_guard[], boot_stack_top[], exc_stack_top[];
extern char __drift_payload_start[];

/* QEMU virt's fixed memory map (hw/arm/virt.c) */
#define VIRT_GICD       0x08000000ull   /* GICv2 distributor */
#define VIRT_GICC       0x08010000ull   /* GICv2 CPU interface */
#define VIRT_GICR       0x080a0000ull   /* GICv3 redistributors */
#define VIRT_UART       0x09000000ull   /* PL011 */
#define VIRT_RAM        0x40000000ull
#define MAP_NORMAL_END  (256ull << 30)  /* boot.S maps [VIRT_RAM, this) as RAM */

/* fdt.c: the device tree QEMU hands over */
struct fdt_prop {
    const uint8_t *data;
    uint32_t len;
};
int fdt_init(const void *fdt);          /* 0 if it is not a device tree */
/* The property `prop` of the first node directly under the root whose name
 * is `node` or starts with `node@`; len 0 and data null if absent. */
struct fdt_prop fdt_get(const char *node, const char *prop);
uint64_t fdt_cells(const uint8_t *p, int n);        /* n big-endian 32-bit cells */
int fdt_compatible(const char *node, const char *want);

/* console.c: the PL011 and 16550s behind PCI */
struct uart16550 {
    volatile uint8_t *base;             /* 0: absent */
    unsigned depth;                     /* FIFO size */
};
enum { UART_RBR = 0, UART_THR = 0, UART_IER = 1, UART_FCR = 2, UART_IIR = 2, UART_LCR = 3,
       UART_MCR = 4, UART_LSR = 5, UART_SCR = 7 };
void uart_setup(struct uart16550 *u, uintptr_t base);
void uart_send(struct uart16550 *u, const char *p, size_t n);
extern struct uart16550 uart_err, uart_chan;

/* pci.c: the PCIe host's 16550s (QEMU pci-serial), found once at boot */
#define PCI_SLOT_STDERR  1
#define PCI_SLOT_CHANNEL 2
void pci_init(void);
/* The CPU address of the pci-serial in `slot` (bus 0), its BAR set up and
 * I/O enabled, or 0 if absent; *intid gets its GIC interrupt (INTx). */
uintptr_t pci_serial(unsigned slot, unsigned *intid);

/* chan.c: the host channel */
void channel_init(void);
void channel_write(const char *buf, size_t len);
uint8_t chan_irq_off(void);             /* its interrupt off (while sleeping) ... */
void chan_irq_restore(uint8_t ier);     /* ... and back */

/* gic.c: interrupts that end a wfi (never taken) */
#define INTID_VTIMER 27                 /* the generic timer's virtual timer (PPI 11) */
void gic_enable(unsigned intid);        /* sets the GIC up on first use */
void gic_ack(void);                     /* acknowledge and end what is pending, if anything */

/* clock.c */
uint64_t cnt_hz(void);
uint64_t cnt_to_ns(uint64_t ticks);

/* trap.c */
void raise_fault(const char *kind);     /* for drift.fault= */

/* platform.c */
_Noreturn void kexit(int status);
extern volatile int exiting;            /* kexit is trying semihosting (trap.c) */
_Noreturn void psci_off(void);

static inline uint64_t cntvct(void)
{
    uint64_t v;
    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v) :: "memory");
    return v;
}

static inline uint32_t mmio_read32(uintptr_t a) { return *(volatile uint32_t *)a; }
static inline void mmio_write32(uintptr_t a, uint32_t v) { *(volatile uint32_t *)a = v; }
static inline void mmio_write8(uintptr_t a, uint8_t v) { *(volatile uint8_t *)a = v; }

enum {
#define STATUS(name, value, doc) ST_##name = value,
#include "status.def"
#undef STATUS
};

#endif
