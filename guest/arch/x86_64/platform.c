/*
 * platform.c -- the Drift guest's C entry (kmain), its memory and command
 * line, and the platform.h calls: exit, first-instruction timing, clock
 * (clock.c) and output (console.c).
 */
#include "platform.h"
#include "io.h"
#include "arch.h"
#include "snapchan.h"
#include "klib.h"

/* PVH: struct hvm_start_info (xen/include/public/arch-x86/hvm/start_info.h) */
struct hvm_start_info {
    uint32_t magic;             /* 0x336ec578 */
    uint32_t version;
    uint32_t flags;
    uint32_t nr_modules;
    uint64_t modlist_paddr;
    uint64_t cmdline_paddr;
    uint64_t rsdp_paddr;
    uint64_t memmap_paddr;      /* version >= 1 */
    uint32_t memmap_entries;
    uint32_t reserved;
};
struct hvm_memmap_entry {
    uint64_t addr, size;
    uint32_t type, reserved;    /* type 1 = RAM */
};
#define HVM_START_MAGIC 0x336ec578u
#define MAP_LIMIT (1ull << 32)  /* how far we identity-map at most */

uint64_t mapped_end = 1ull << 30;       /* boot.S maps the first GiB */

/* Identity-map [mapped_end, end) with 2 MiB pages (boot.S already points
 * PDPT[0..3] at boot_pd).  Entries go from absent to present: no TLB flush. */
static void map_upto(uint64_t end)
{
    for (; mapped_end < end && mapped_end < MAP_LIMIT; mapped_end += 1ull << 21)
        boot_pd[mapped_end >> 21] = mapped_end | 0x83;
}

static int timing;
static uint64_t first_tsc;
static const char *restore;             /* drift.restore=ADDR */

void plat_first_instruction(void)
{
    if (!first_tsc)
        first_tsc = rdtsc();
}

_Noreturn void kexit(int status)
{
    channel_exit_record(status);        /* for hosts that cannot see QEMU's exit code */
    outl(0xf4, (uint32_t)status);       /* isa-debug-exit: QEMU exits 2*s+1 */
    halt_forever();                     /* no such device: stop here */
}

_Noreturn void plat_exit(int status)
{
    if (timing && first_tsc) {
        uint64_t hz = tsc_hz();
        kprintf(PLAT_STDERR, "drift: timing entry_to_bytecode_ns=%u tsc_hz=%u\n",
                tsc_to_ns(first_tsc - boot_tsc), hz);
    }
    kexit(status);
}

/* Called by boot.S on the boot stack, .bss zeroed, SSE on.  The start_info
 * data lies below 1 MiB with QEMU (anything under mapped_end is accepted),
 * outside the heap, and is read before the VM runs. */
void kmain(uint32_t start_info_pa)
{
    trap_init();

    const struct hvm_start_info *si = (const void *)(uintptr_t)start_info_pa;
    int ok = start_info_pa < mapped_end - sizeof *si && si->magic == HVM_START_MAGIC;
    BootArgs boot = {0, 0, 0};
    if (ok && si->cmdline_paddr < mapped_end) { /* 0: no command line */
        const char *cmdline = (const char *)(uintptr_t)si->cmdline_paddr;
        boot = parse_cmdline(cmdline, cmdline + strlen(cmdline));
    }
    const char *fault = boot.fault;
    timing = boot.timing;
    restore = boot.restore;

    /* the payload: a .dbc file; its header says how long it is */
    const uint8_t *code = (const uint8_t *)__drift_payload_start;
    const uint32_t *hdr = (const uint32_t *)__drift_payload_start;
    if (hdr[0] != 0x54465244u) {        /* "DRFT" (x86 is little-endian) */
        kputs(PLAT_STDERR, "drift: this kernel carries no program\n");
        plat_exit(ST_NOPAYLOAD);
    }
    uint32_t size = hdr[3];             /* file_size */

    /* heap: from the page after the payload to the end of its RAM region */
    uint64_t start = ((uint64_t)(uintptr_t)code + size + 4095) & ~4095ull, end = 0;
    int have_map = ok && si->version >= 1 && si->memmap_paddr < mapped_end;
    if (have_map) {
        const struct hvm_memmap_entry *m = (const void *)(uintptr_t)si->memmap_paddr;
        for (uint32_t i = 0; i < si->memmap_entries; i++) {
            if (m[i].type == 1 && (uintptr_t)code - m[i].addr < m[i].size) {
                end = m[i].addr + m[i].size;
                break;
            }
        }
    }
    if (end > MAP_LIMIT)
        end = MAP_LIMIT;
    end &= ~4095ull;
    if (end <= start) {
        kputs(PLAT_STDERR, have_map ? "drift: no RAM for the heap after the program\n"
                                    : "drift: no memory map from the VMM (PVH start_info)\n");
        plat_exit(ST_NOMEM);
    }
    map_upto(end);                      /* the whole region: a snapshot to restore lies at its top */
    if (restore)
        snap_boot(restore, start, &end);

    if (fault)
        raise_fault(fault);
    plat_exit(vm_run(code, size, (void *)(uintptr_t)start, end - start));
}
