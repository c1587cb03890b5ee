/*
 * arch.h -- internal interfaces between the x86_64 guest's own files.
 */
#ifndef DRIFT_X86_ARCH_H
#define DRIFT_X86_ARCH_H

#include <stddef.h>
#include <stdint.h>

#include "kio.h"              /* kputs, kprintf, channel_exit_record (../common) */

/* boot.S */
extern uint64_t boot_tsc;               /* TSC at the PVH entry's first instruction */
extern uint32_t boot_start_info;        /* physical address of hvm_start_info */
extern uint64_t boot_gdt[];
extern uint64_t boot_pd[];               /* 4 page directories: 0..4 GiB */
extern char boot_stack_guard[], boot_stack_top[];
extern char ist1_stack_top[], ist2_stack_top[];
extern char isr_stubs[];
extern char irq_wake[];                 /* PIC interrupt: EOI and return */
extern char apic_wake[];                /* local APIC interrupt (timer.c): EOI and return */
#define APIC_TIMER_VECTOR 0x40
extern char __drift_payload_start[];

/* console.c: 16550 UARTs (COM1, COM2, COM3) */
enum { UART_RBR = 0, UART_THR = 0, UART_IER = 1, UART_FCR = 2, UART_IIR = 2, UART_LCR = 3,
       UART_MCR = 4, UART_LSR = 5, UART_SCR = 7 };
extern uint8_t uart_depth[3];           /* 0: not set up; 1 or 16: FIFO depth; 0xff: absent */
int uart_present(uint16_t base);
unsigned uart_setup(uint16_t base);
void uart_send(uint16_t base, unsigned depth, const char *p, size_t n);

/* chan.c: the host channel */
void channel_write(const char *buf, size_t len);

/* clock.c */
uint64_t tsc_hz(void);                  /* calibrates on first call */
uint64_t tsc_to_ns(uint64_t ticks);

/* trap.c */
void trap_init(void);
void raise_fault(const char *kind);     /* for drift.fault= */
void irq_init(void);                    /* PIC + LAPIC virtual wire, IRQ 4 only; once */

/* platform.c: the isa-debug-exit path, shared with the fault handler */
_Noreturn void kexit(int status);
extern uint64_t mapped_end;             /* identity map covers [0, mapped_end) */

enum {
#define STATUS(name, value, doc) ST_##name = value,
#include "status.def"
#undef STATUS
};

#endif
