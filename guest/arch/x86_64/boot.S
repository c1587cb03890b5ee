/*
 * boot.S -- PVH entry, 32-bit -> long mode, CPU exception stubs.
 *
 * PVH (the x86/HVM direct boot ABI): the VMM enters pvh_start32 in 32-bit
 * protected mode, paging off, interrupts off, %ebx = physical address of
 * struct hvm_start_info.  No usable stack, GDT or IDT is promised.
 *
 * Here: record the TSC, load our GDT, identity-map the first GiB (2 MiB
 * pages, plus one 4 KiB page table for the first 2 MiB so the page under the
 * boot stack can be a guard page; kmain maps more RAM up to 4 GiB if the
 * heap's region goes on), enable PAE/SSE/long mode, zero .bss and
 * call kmain(start_info) in C.
 */

#define CR0_PE          (1 << 0)
#define CR0_MP          (1 << 1)
#define CR0_EM          (1 << 2)
#define CR0_TS          (1 << 3)
#define CR0_PG          (1 << 31)
#define CR4_PAE         (1 << 5)
#define CR4_OSFXSR      (1 << 9)
#define CR4_OSXMMEXCPT  (1 << 10)
#define MSR_EFER        0xc0000080
#define EFER_LME        (1 << 8)

#define PTE_P_W         0x003           /* present, writable */
#define PTE_LARGE       0x080           /* 2 MiB page (in a page directory) */

#define SEL_CODE64      0x08
#define SEL_DATA        0x10

/* ---- the PVH ELF note ---------------------------------------------------- */
        .section .note.Xen, "a", @note
        .p2align 2
        .long   4                       /* namesz: "Xen\0" */
        .long   8                       /* descsz */
        .long   18                      /* XEN_ELFNOTE_PHYS32_ENTRY */
        .asciz  "Xen"
        .quad   pvh_start32

/* ---- the payload placeholder (runtime/image.py replaces the segment) ----- */
        .section .drift_payload, "a", @progbits
        .ascii  "NOPROG\0\0"

/* ---- 32-bit entry ---------------------------------------------------------- */
        .section .text.boot, "ax", @progbits
        .code32
        .globl  pvh_start32
        .type   pvh_start32, @function
pvh_start32:
        rdtsc                           /* the very first instruction */
        movl    %eax, boot_tsc
        movl    %edx, boot_tsc + 4
        movl    %ebx, boot_start_info

        lgdt    gdt_ptr
        movl    $SEL_DATA, %eax
        movl    %eax, %ds
        movl    %eax, %es
        movl    %eax, %ss
        cld

        /* Page tables.  They are NOBITS memory of this ELF, which every
         * loader hands over zeroed (ELF: bytes past p_filesz are 0; QEMU
         * re-zeroes them on reset), so only the present entries are
         * written: that keeps the boot path short (under TCG each store
         * counts).  PML4[0] -> PDPT; PDPT[0..3] -> four page directories. */
        movl    $(boot_pdpt + PTE_P_W), boot_pml4
        movl    $(boot_pd + PTE_P_W), boot_pdpt
        movl    $(boot_pd + 0x1000 + PTE_P_W), boot_pdpt + 8
        movl    $(boot_pd + 0x2000 + PTE_P_W), boot_pdpt + 16
        movl    $(boot_pd + 0x3000 + PTE_P_W), boot_pdpt + 24

        /* the first GiB in 2 MiB pages; kmain maps the rest of the heap's
         * RAM region (up to 4 GiB) when there is more */
        movl    $(boot_pd + 8), %edi
        movl    $(0x200000 + PTE_LARGE + PTE_P_W), %eax
1:      movl    %eax, (%edi)
        addl    $8, %edi
        addl    $0x200000, %eax
        cmpl    $0x40000000, %eax
        jb      1b

        /* the first 2 MiB in 4 KiB pages, with the stack guard page absent */
        movl    $(boot_pt + PTE_P_W), boot_pd
        movl    $boot_pt, %edi
        movl    $PTE_P_W, %eax
2:      movl    %eax, (%edi)
        addl    $8, %edi
        addl    $0x1000, %eax
        cmpl    $0x200000, %eax
        jb      2b
        movl    $boot_stack_guard, %eax
        shrl    $9, %eax                /* (addr >> 12) * 8 */
        movl    $0, boot_pt(%eax)

        movl    %cr4, %eax
        orl     $(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
        movl    %eax, %cr4
        movl    $boot_pml4, %eax
        movl    %eax, %cr3
        movl    $MSR_EFER, %ecx
        rdmsr
        orl     $EFER_LME, %eax
        wrmsr
        movl    %cr0, %eax
        andl    $~(CR0_EM | CR0_TS), %eax
        orl     $(CR0_PG | CR0_MP | CR0_PE), %eax
        movl    %eax, %cr0
        ljmp    $SEL_CODE64, $start64

/* ---- 64-bit ---------------------------------------------------------------- */
        .code64
start64:
        xorl    %eax, %eax
        movl    %eax, %fs
        movl    %eax, %gs
        movl    $boot_stack_top, %esp
        /* zero .bss (the page tables and stacks live in .bootbss, not here) */
        movl    $__bss_start, %edi
        movl    $__bss_end, %ecx
        subl    %edi, %ecx
        shrl    $3, %ecx
        rep stosq
        fninit
        ldmxcsr mxcsr_default           /* all SSE exceptions masked */
        movl    boot_start_info, %edi
        call    kmain
        jmp     halt_forever_asm
        .size   pvh_start32, . - pvh_start32

        .globl  halt_forever_asm
halt_forever_asm:
        cli
        hlt
        jmp     halt_forever_asm

/* ---- CPU exception stubs: 32 x 16 bytes, vector i at isr_stubs + 16*i ------ */
/* Vectors that push an error code: 8 10 11 12 13 14 17 21 29 30. */
#define ERRMASK ((1<<8)|(1<<10)|(1<<11)|(1<<12)|(1<<13)|(1<<14)|(1<<17)|(1<<21)|(1<<29)|(1<<30))
        .text
        .p2align 4
        .globl  isr_stubs
isr_stubs:
        .set    vec, 0
        .rept   32
        .p2align 4
        .if     ((ERRMASK >> vec) & 1) == 0
        pushq   $0
        .endif
        pushq   $vec
        jmp     isr_common
        .set    vec, vec + 1
        .endr

/* ---- legacy PIC interrupts 0x20..0x2f: only wake a `hlt` (chan.c) ------- */
        .p2align 4
        .globl  irq_wake
irq_wake:
        pushq   %rax
        movb    $0x20, %al
        outb    %al, $0xa0              /* EOI to both PICs */
        outb    %al, $0x20
        popq    %rax
        iretq

/* ---- local APIC interrupts (the timer of timer.c): only wake a `hlt` ---- */
        .globl  apic_wake
apic_wake:
        pushq   %rax
        movabsq $0xfee000b0, %rax
        movl    $0, (%rax)              /* EOI to the local APIC */
        popq    %rax
        iretq

isr_common:
        pushq   %rax
        pushq   %rbx
        pushq   %rcx
        pushq   %rdx
        pushq   %rsi
        pushq   %rdi
        pushq   %rbp
        pushq   %r8
        pushq   %r9
        pushq   %r10
        pushq   %r11
        pushq   %r12
        pushq   %r13
        pushq   %r14
        pushq   %r15
        movq    %rsp, %rdi
        andq    $-16, %rsp
        cld
        call    cpu_fault               /* does not return */
        jmp     halt_forever_asm

/* ---- GDT ------------------------------------------------------------------- */
        .data
        .p2align 3
        .globl  boot_gdt
boot_gdt:
        .quad   0                       /* null */
        .quad   0x00af9a000000ffff      /* 0x08: 64-bit code */
        .quad   0x00cf92000000ffff      /* 0x10: flat data */
        .quad   0, 0                    /* 0x18: TSS, filled in by trap_init */
gdt_end:
gdt_ptr:
        .word   gdt_end - boot_gdt - 1
        .long   boot_gdt

        .p2align 2
mxcsr_default:
        .long   0x1f80

        .globl  boot_tsc, boot_start_info
        .p2align 3
boot_tsc:
        .quad   0
boot_start_info:
        .long   0

/* ---- page tables and stacks: NOBITS (zero as loaded), never in the file -- */
        .section .bootbss, "aw", @nobits   /* kernel.ld aligns it to 4 KiB */
        .p2align 3
        .globl  boot_pml4, boot_pd, boot_stack_guard, boot_stack_top
        .globl  ist1_stack_top, ist2_stack_top
boot_pml4:      .skip   4096
boot_pdpt:      .skip   4096
boot_pd:        .skip   4 * 4096
boot_pt:        .skip   4096
boot_stack_guard:
                .skip   4096            /* not mapped: stack overflow -> #PF */
boot_stack:     .skip   64 * 1024
boot_stack_top:
                .skip   8192
ist1_stack_top:                         /* CPU exceptions */
                .skip   4096
ist2_stack_top:                         /* #DF */
