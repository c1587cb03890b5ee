/*
 * exit.c -- ending the guest with a status.
 *
 * The status goes to the host through Arm semihosting (SYS_EXIT_EXTENDED,
 * QEMU `-semihosting-config enable=on,target=native`) as QEMU's exit code
 * 2*status+1, the same code isa-debug-exit gives on x86_64.  Without
 * semihosting (e.g. under KVM) the HLT is undefined: trap.c then powers off
 * with PSCI SYSTEM_OFF (QEMU exits 0; the status is only in the channel's
 * exit record).
 */
#include "platform.h"
#include "arch.h"

uint64_t boot_cnt;                      /* written by boot.S */
volatile int exiting;

_Noreturn void psci_off(void)
{
    register uint64_t x0 __asm__("x0") = 0x84000008;    /* PSCI SYSTEM_OFF */
    __asm__ volatile("hvc #0" : "+r"(x0) :: "memory");
    for (;;)
        __asm__ volatile("wfi");
}

_Noreturn void kexit(int status)
{
    channel_exit_record(status);        /* for hosts that cannot see QEMU's exit code */
    /* semihosting SYS_EXIT_EXTENDED (0x20): ADP_Stopped_ApplicationExit, exit code */
    static uint64_t block[2];
    block[0] = 0x20026;
    block[1] = 2 * (uint64_t)status + 1;
    exiting = 1;
    register uint64_t x0 __asm__("x0") = 0x20;
    register uint64_t *x1 __asm__("x1") = block;
    __asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
    psci_off();
}

