/*
 * boot.S -- the aarch64 entry (QEMU `virt`, -kernel ELF), MMU and caches on,
 * the exception vectors.
 *
 * QEMU enters _start at EL1 (no EL2/EL3 emulated; the same under KVM) with
 * the MMU and caches off and DAIF masked; for an ELF kernel it puts the
 * device tree at the start of RAM (0x40000000).
 *
 * Here: record the generic counter, enable FP/SIMD, identity-map the
 * address space (4 KiB granule, 39-bit VA; GiB 0 = devices, GiB 1..255 RAM
 * as normal write-back memory, GiB 256..511 devices: the high PCIe ECAM),
 * with the first 2 MiB of RAM in 4 KiB pages so that the page under the boot
 * stack is a guard page.  Then the vectors, two stacks (the program runs on
 * SP_EL0; every exception switches to SP_EL1, a stack of its own, so a wild
 * stack pointer or a stack overflow is still reported), zero .bss, and
 * kmain() in C.
 */

#define RAM_BASE        0x40000000
#define BLOCK_NORMAL    0x705           /* block, AttrIndx 1 (normal WB), inner shareable, AF */
#define PAGE_NORMAL     0x707           /* the same as a level-3 page */
#define BLOCK_DEVICE_HI 0x0060          /* bits 63:48 of a device block: PXN, UXN */
#define BLOCK_DEVICE_LO 0x0401          /* block, AttrIndx 0 (device nGnRnE), AF */
#define TCR_VALUE       (25 | (1 << 8) | (1 << 10) | (3 << 12) | (1 << 23))
                                        /* T0SZ 25 (39-bit), WB WA walks, inner shareable, 4 KiB, EPD1 */
#define SCTLR_SET       ((1 << 0) | (1 << 2) | (1 << 12))   /* M, C, I */
#define SCTLR_CLEAR     ((1 << 1) | (1 << 19))              /* A (alignment checks), WXN */
#define FRAME           288             /* struct frame in trap.c: x0..x30, sp, elr, spsr, esr, far */

        .macro  adr_l reg, sym
        adrp    \reg, \sym
        add     \reg, \reg, :lo12:\sym
        .endm

/* ---- the payload placeholder (runtime/image.py replaces the segment) ----- */
        .section .drift_payload, "a", %progbits
        .ascii  "NOPROG\0\0"

        .section .text.boot, "ax", %progbits
        .globl  _start
        .type   _start, %function
_start:
        mrs     x19, cntvct_el0         /* the very first instruction */
        mov     x20, x0                 /* device tree pointer, if the loader gave one */
        mov     x1, #(3 << 20)          /* CPACR_EL1.FPEN: no FP/SIMD traps */
        msr     cpacr_el1, x1

        /* level 1: 512 x 1 GiB */
        adr_l   x0, pt_l1
        movz    x1, #BLOCK_DEVICE_HI, lsl #48
        movk    x1, #BLOCK_DEVICE_LO
        str     x1, [x0]                        /* GiB 0: devices */
        adr_l   x2, pt_l2
        orr     x2, x2, #3
        str     x2, [x0, #8]                    /* GiB 1: the level-2 table */
        mov     x8, #BLOCK_NORMAL
        mov     x9, #PAGE_NORMAL
        mov     x3, #2
1:      lsl     x4, x3, #30
        cmp     x3, #256
        orr     x5, x4, x8
        orr     x6, x4, x1                      /* devices from GiB 256 on */
        csel    x5, x5, x6, lo
        str     x5, [x0, x3, lsl #3]
        add     x3, x3, #1
        cmp     x3, #512
        b.lo    1b
        /* level 2: GiB 1 in 2 MiB blocks, the first through the level-3 table */
        adr_l   x0, pt_l2
        adr_l   x2, pt_l3
        orr     x2, x2, #3
        str     x2, [x0]
        mov     x3, #1
2:      mov     x4, #RAM_BASE
        add     x4, x4, x3, lsl #21
        orr     x4, x4, x8
        str     x4, [x0, x3, lsl #3]
        add     x3, x3, #1
        cmp     x3, #512
        b.lo    2b
        /* level 3: the first 2 MiB of RAM in pages, without the guard page */
        adr_l   x0, pt_l3
        adr_l   x7, boot_stack_guard
        mov     x3, #0
3:      mov     x4, #RAM_BASE
        add     x4, x4, x3, lsl #12
        cmp     x4, x7
        orr     x4, x4, x9
        csel    x4, xzr, x4, eq
        str     x4, [x0, x3, lsl #3]
        add     x3, x3, #1
        cmp     x3, #512
        b.lo    3b
        /* the tables were written with the MMU off (uncached): drop any stale lines */
        adr_l   x0, pt_l1
        add     x1, x0, #(3 * 4096)
4:      dc      ivac, x0
        add     x0, x0, #64
        cmp     x0, x1
        b.lo    4b
        dsb     sy

        mov     x0, #0xff00                     /* MAIR: attr0 device nGnRnE, attr1 normal WB */
        msr     mair_el1, x0
        ldr     x0, =TCR_VALUE
        mrs     x1, id_aa64mmfr0_el1            /* IPS = the CPU's physical address size */
        and     x1, x1, #7
        orr     x0, x0, x1, lsl #32
        msr     tcr_el1, x0
        adr_l   x0, pt_l1
        msr     ttbr0_el1, x0
        isb
        tlbi    vmalle1
        ic      iallu
        dsb     nsh
        isb
        mrs     x0, sctlr_el1
        ldr     x1, =SCTLR_SET
        orr     x0, x0, x1
        ldr     x1, =SCTLR_CLEAR
        bic     x0, x0, x1
        msr     sctlr_el1, x0
        isb

        adr_l   x0, vectors
        msr     vbar_el1, x0
        adr_l   x0, exc_stack_top
        mov     sp, x0                          /* SP_EL1: exceptions */
        msr     spsel, #0
        adr_l   x0, boot_stack_top
        mov     sp, x0                          /* SP_EL0: everything else */
        isb

        adr_l   x0, __bss_start
        adr_l   x1, __bss_end
5:      cmp     x0, x1
        b.hs    6f
        str     xzr, [x0], #8
        b       5b
6:      adr_l   x0, boot_cnt
        str     x19, [x0]
        mov     x0, x20
        bl      kmain
7:      wfi
        b       7b

/* ---- exception vectors: 4 groups x (sync, irq, fiq, serror) ------------------ */
        .macro  vec kind
        .balign 0x80
        sub     sp, sp, #FRAME
        stp     x0, x1, [sp]
        mov     x0, #\kind
        b       exc_common
        .endm

        .section .text.vectors, "ax", %progbits     /* kernel.ld puts it first: 2 KiB-aligned */
        .globl  vectors
vectors:
        .irp    k, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
        vec     \k
        .endr

        .text
/* Save everything into a struct frame on SP_EL1 and report (never returns). */
exc_common:
        stp     x2, x3, [sp, #16]
        stp     x4, x5, [sp, #32]
        stp     x6, x7, [sp, #48]
        stp     x8, x9, [sp, #64]
        stp     x10, x11, [sp, #80]
        stp     x12, x13, [sp, #96]
        stp     x14, x15, [sp, #112]
        stp     x16, x17, [sp, #128]
        stp     x18, x19, [sp, #144]
        stp     x20, x21, [sp, #160]
        stp     x22, x23, [sp, #176]
        stp     x24, x25, [sp, #192]
        stp     x26, x27, [sp, #208]
        stp     x28, x29, [sp, #224]
        mrs     x1, sp_el0                      /* the interrupted stack (groups 0 and 2) */
        add     x2, sp, #FRAME                  /* ... or this one (group 1: a nested fault) */
        tst     x0, #4
        csel    x1, x2, x1, ne
        stp     x30, x1, [sp, #240]
        mrs     x1, elr_el1
        mrs     x2, spsr_el1
        stp     x1, x2, [sp, #256]
        mrs     x1, esr_el1
        mrs     x2, far_el1
        stp     x1, x2, [sp, #272]
        mov     x1, sp
        bl      cpu_fault
        b       .

/* ---- page tables and stacks: NOBITS, never in the file ---------------------- */
        .section .bootbss, "aw", %nobits        /* kernel.ld aligns its address to 4 KiB */
        .globl  boot_stack_guard, boot_stack_top, exc_stack_top
        .globl  pt_l1
pt_l1:          .skip   4096
pt_l2:          .skip   4096
pt_l3:          .skip   4096
boot_stack_guard:
                .skip   4096            /* not mapped: stack overflow -> data abort */
boot_stack:     .skip   64 * 1024
boot_stack_top:
exc_stack:      .skip   16 * 1024
exc_stack_top:
