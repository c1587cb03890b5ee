/*
 * snapchan.c -- the guest side of the host channel's input and of
 * snapshots, the same for every arch (docs/snapshots.md, docs/guest-abi.md).
 *
 * Input: when the program reads, the arch's UART is drained into a buffer,
 * from which plat_channel_read() serves it.  A line starting with a raw
 * ESC is a control record: "snap", "resume" and "stop" are taken here, any
 * other (e.g. "resync TAG") is passed on to the program's reader, which drops
 * it (and answers "ESC synced TAG" in read order: drift.recv, builtins.c).
 * A raw ESC inside a record starts a new one (the first was cut short).
 *
 * Snapshot requests: a break on the channel (QMP chardev-send-break; or the
 * record "ESC snap" when the program reads).  The interpreter calls
 * plat_poll() every SNAP_POLL_EVERY safe points (one decrement on the fast
 * path), which reads only the line status register: input stays in the UART
 * until the program reads it.  The VM then writes a snapshot at its next
 * safe point.
 * plat_snapshot() then tells the host where it lies in guest RAM ("ESC snap
 * ADDR LEN": the host reads it out, e.g. with QMP pmemsave) and waits for
 * "ESC resume" (go on) or "ESC stop" (end with SNAPSTOP).
 *
 * Restore: the host loads a snapshot into guest RAM above the arena and
 * passes drift.restore=ADDR (hex) on the command line: snap_boot() checks
 * that it lies in RAM, keeps the arena below it and hands it to the VM.
 */
#include "platform.h"
#include "snapchan.h"
#include "kio.h"
#include "common.h"

enum {
#define STATUS(name, value, doc) SC_ST_##name = value,
#include "status.def"
#undef STATUS
#define CONST(name, value)
#define FIELD(rec, name, type, off) SC_##rec##_##name = off,
#define SECTION(name, value)
#define ROOT(name, ix)
#include "snapshot.def"
#undef CONST
#undef FIELD
#undef SECTION
#undef ROOT
};

static uint8_t rx[16384];              /* program input not yet read: rx[lo, hi) */
static uint32_t rx_lo, rx_hi;
static char rec[32];                   /* a control record being received */
static int rec_len = -1;               /* -1: not inside one */
static int line_start = 1;
static volatile int command;           /* 'r' resume, 's' stop, 'g' go (restore), from the host */
static uint64_t restore_room;          /* bytes of RAM from the snapshot's address on */

static int await_command(void);

static void push(uint8_t c)
{
    if (rx_hi == sizeof rx && rx_lo) {  /* compact */
        memmove(rx, rx + rx_lo, rx_hi - rx_lo);
        rx_hi -= rx_lo;
        rx_lo = 0;
    }
    if (rx_hi < sizeof rx)
        rx[rx_hi++] = c;                /* else dropped: the host sends far ahead of the program */
}

static int is(const char *w, const char *s)
{
    int n = 0;
    while (s[n] && w[n] == s[n])
        n++;
    return !s[n] && n == rec_len;
}

static void control(void)
{
    if (is(rec, "snap"))
        vm_request_snapshot();
    else if (is(rec, "resume"))
        command = 'r';
    else if (is(rec, "stop"))
        command = 's';
    else if (is(rec, "go"))
        command = 'g';
    else {                              /* not ours: the program's reader drops it */
        push(0x1b);
        for (int k = 0; k < rec_len; k++)
            push((uint8_t)rec[k]);
        push('\n');
    }
}

static void feed(uint8_t c)
{
    if (rec_len >= 0) {
        if (c == 0x1b) {                /* a record cut short (a move lost its rest): the next one starts */
            rec_len = 0;
            return;
        }
        if (c == '\n') {
            control();
            rec_len = -1;
            line_start = 1;
        } else if (rec_len < (int)sizeof rec) {
            rec[rec_len++] = (char)c;
        }
        return;
    }
    if (line_start && c == 0x1b) {
        rec_len = 0;
        return;
    }
    push(c);
    line_start = c == '\n';
}

static unsigned breaks;                 /* breaks seen whose NUL byte is still in the FIFO */

/* The line status; a break (the host's snapshot request: QMP
 * chardev-send-break) requests a snapshot.  Reading LSR clears BI. */
static int line_status(void)
{
    int l = chan_lsr();
    if (l >= 0 && (l & 0x10)) {
        breaks++;
        vm_request_snapshot();
    }
    return l;
}

/* Take whatever the UART holds.  Returns 0 if there is no channel. */
static int drain(void)
{
    int l;
    while ((l = line_status()) >= 0 && (l & 0x01)) {
        int c = chan_rbr();
        if (c == 0 && breaks)
            breaks--;                           /* the NUL a break leaves in the FIFO */
        else
            feed((uint8_t)c);
    }
    return l != -2;
}

/* Between bytecodes: only the line status, so input stays in the UART until
 * the program reads it (the host's send waits for that). */
void plat_poll(void)
{
    vm_snapshot_host_seals = 1;                 /* the host fills in the checksum (snapctl.take) */
    line_status();
}

int plat_channel_interrupt;

int plat_channel_read(void)
{
    for (;;) {
        if (rx_lo < rx_hi) {
            uint8_t c = rx[rx_lo++];
            if (rx_lo == rx_hi)
                rx_lo = rx_hi = 0;
            return c;
        }
        if (!drain())
            return -1;
        if (rx_lo == rx_hi && plat_channel_interrupt && vm_snapshot_pending())
            return -2;
        if (rx_lo == rx_hi)
            chan_wait();
    }
}

size_t plat_channel_pending(const uint8_t **p)
{
    drain();
    *p = rx + rx_lo;
    return rx_hi - rx_lo;
}

void plat_channel_preload(const uint8_t *p, size_t n)
{
    for (size_t k = 0; k < n; k++)
        push(p[k]);
}

static char *put_hex(char *o, uint64_t v)
{
    char d[16];
    int k = 0;
    do
        d[k++] = "0123456789abcdef"[v & 15];
    while ((v >>= 4) != 0);
    while (k)
        *o++ = d[--k];
    return o;
}

int plat_snapshot(const uint8_t *snap, size_t len)
{
    char line[64] = "\x1b" "snap ", *o = line + 6;
    if (snap) {
        o = put_hex(o, (uint64_t)(uintptr_t)snap);
        *o++ = ' ';
        o = put_hex(o, len);
    } else {
        const char *f = "failed";
        while (*f)
            *o++ = *f++;
    }
    *o++ = '\n';
    command = 0;
    channel_write(line, (size_t)(o - line));
    return await_command() == 's' ? SC_ST_SNAPSTOP : -1;   /* the host reads it, then answers */
}

/* Wait for the host's command ('r', 's' or 'g'); 0 without a channel. */
static int await_command(void)
{
    while (!command) {
        if (!drain())
            return 0;
        if (!command)
            chan_wait();
    }
    int c = command;
    command = 0;
    return c;
}

/* drift.restore=ADDR,wait: the program is loaded and verified; say "ESC
 * ready", wait for "ESC go" (the host has written the snapshot at ADDR
 * meanwhile, e.g. into a shared RAM file), then give its length. */
size_t plat_restore_wait(void)
{
    channel_write("\x1b" "ready\n", 7);
    if (await_command() != 'g')
        return 0;
    vm_restore_checked = 1;                     /* the host checked it before writing it here */
    uint64_t len;
    memcpy(&len, vm_restore + SC_HDR_total_size, 8);
    return (size_t)(len > restore_room ? restore_room : len);
}

/* drift.restore=ADDR[,wait]: the snapshot the host loaded (or, with wait,
 * will write) at ADDR (hex), inside the RAM [start, *end).  Shrinks *end
 * below it and hands it to the VM; a snapshot that does not fit is left to
 * the VM to refuse (BADSNAP). */
void snap_boot(const char *arg, uint64_t start, uint64_t *end)
{
    uint64_t a = 0;
    int wait = 0;
    for (; *arg && *arg != ' '; arg++) {
        if (*arg == ',') {
            wait = arg[1] == 'w';
            break;
        }
        char c = *arg;
        a = a << 4 | (uint64_t)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    if (a < start || a + 256 > *end || (a & 15)) {
        kprintf(PLAT_STDERR, "drift: drift.restore=%x is not an aligned address in RAM above the program [%x, %x)\n", a, start, *end);
        vm_restore = (const uint8_t *)"";        /* refused by the VM: too short */
        vm_restore_len = 1;
        return;
    }
    const uint8_t *s = (const uint8_t *)(uintptr_t)a;
    restore_room = *end - a;
    *end = a & ~4095ull;
    vm_restore = s;
    if (wait) {
        vm_restore_len = 0;                     /* vm_run() asks plat_restore_wait() */
        return;
    }
    uint64_t len;
    memcpy(&len, s + SC_HDR_total_size, 8);     /* the VM checks the rest */
    if (len > restore_room)
        len = restore_room;                     /* truncated: the VM says so */
    vm_restore_len = (size_t)len;
}
