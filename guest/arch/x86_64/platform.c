/*
 * platform.c -- the Drift guest's C entry (kmain), its memory and command
 * line, and the platform.h calls: exit, first-instruction timing, clock
 * (clock.c) and output (console.c).
 */
#include "platform.h"
#include "io.h"
#include "arch.h"

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
uint64_t dbg_t[16];
static uint64_t first_tsc;

static int word_is(const char *w, const char *s)
{
    while (*s)
        if (*w++ != *s++)
            return 0;
    return *w == ' ' || *w == 0 || *w == '=';
}

void plat_first_instruction(void)
{
    if (!first_tsc)
        first_tsc = rdtsc();
}

_Noreturn void kexit(int status)
{
    outl(0xf4, (uint32_t)status);       /* isa-debug-exit: QEMU exits 2*s+1 */
    halt_forever();                     /* no such device: stop here */
}

_Noreturn void plat_exit(int status)
{
    if (timing && first_tsc) {
        uint64_t hz = tsc_hz();
        kprintf(PLAT_STDERR, "drift: timing entry_to_bytecode_ns=%u tsc_hz=%u\n",
                tsc_to_ns(first_tsc - boot_tsc), hz);
        for (int i = 0; i < 6; i++) kprintf(PLAT_STDERR, "m%u %u\n", (uint64_t)i, tsc_to_ns(dbg_t[i]-boot_tsc));
        kprintf(PLAT_STDERR, "si %x\n", (uint64_t)boot_start_info);
        const struct hvm_start_info *si = (const void *)(uintptr_t)boot_start_info;
        kprintf(PLAT_STDERR, "v %u cmd %x map %x n %u\n", (uint64_t)si->version, si->cmdline_paddr, si->memmap_paddr, (uint64_t)si->memmap_entries);
        const struct hvm_memmap_entry *m = (const void *)(uintptr_t)si->memmap_paddr;
        for (uint32_t i = 0; i < si->memmap_entries; i++) kprintf(PLAT_STDERR, "  %x %x %u\n", m[i].addr, m[i].size, (uint64_t)m[i].type);
    }
    kexit(status);
}

void kmain(uint32_t start_info_pa)
{
    { uint64_t t = rdtsc(); while (rdtsc() - t < 50000000) ; }
    dbg_t[0]=rdtsc();
    trap_init();
    dbg_t[1]=rdtsc();

    const struct hvm_start_info *si = (const void *)(uintptr_t)start_info_pa;
    int ok = si && si->magic == HVM_START_MAGIC;
    const char *fault = 0;
    if (ok && si->cmdline_paddr && si->cmdline_paddr < MAP_LIMIT) {
        for (const char *w = (const char *)(uintptr_t)si->cmdline_paddr; *w; w++) {
            if (w[0] != ' ' && (w == (const char *)(uintptr_t)si->cmdline_paddr || w[-1] == ' ')) {
                if (word_is(w, "drift.timing"))
                    timing = 1;
                else if (word_is(w, "drift.fault") && w[11] == '=')
                    fault = w + 12;
            }
        }
    }

    dbg_t[2]=rdtsc();
    const uint8_t *code = (const uint8_t *)__drift_payload_start;
    uint32_t magic = (uint32_t)code[0] | code[1] << 8 | code[2] << 16 | (uint32_t)code[3] << 24;
    if (magic != 0x54465244u) {         /* "DRFT" */
        kputs(PLAT_STDERR, "drift: this kernel carries no program\n");
        plat_exit(ST_NOPAYLOAD);
    }
    uint32_t size = (uint32_t)code[12] | code[13] << 8 | code[14] << 16 | (uint32_t)code[15] << 24;

    dbg_t[3]=rdtsc();
    /* heap: from the page after the payload to the end of its RAM region */
    uint64_t start = ((uint64_t)(uintptr_t)code + size + 4095) & ~4095ull, end = 0;
    int have_map = ok && si->version >= 1 && si->memmap_paddr && si->memmap_paddr < MAP_LIMIT;
    if (have_map) {
        const struct hvm_memmap_entry *m = (const void *)(uintptr_t)si->memmap_paddr;
        for (uint32_t i = 0; i < si->memmap_entries; i++) {
            if (m[i].type == 1 && m[i].addr <= (uintptr_t)code &&
                (uintptr_t)code - m[i].addr < m[i].size) {
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

    dbg_t[4]=rdtsc();
    map_upto(end);
    dbg_t[5]=rdtsc();

    if (fault)
        raise_fault(fault);
    plat_exit(vm_run(code, size, (void *)(uintptr_t)start, end - start));
}
