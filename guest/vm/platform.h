/*
 * platform.h -- what the abstract machine needs from whatever runs it.
 *
 * Implemented twice: by the bare-metal guest (guest/arch/<arch>/) and by the
 * hosted Linux build (guest/hosted/).  The VM itself never touches hardware
 * or libc I/O; everything goes through these calls.
 */
#ifndef DRIFT_PLATFORM_H
#define DRIFT_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

enum { PLAT_STDOUT = 1, PLAT_STDERR = 2, PLAT_CHANNEL = 3 };

/* Write len bytes to the program's stdout, stderr or the host channel.
 * Never fails (without a channel, channel bytes are dropped). */
void plat_write(int stream, const char *buf, size_t len);

/* Block until the host sends a byte on the channel and return it (0..255);
 * -1 if there is no channel.  Idles the CPU while waiting.  When the caller
 * has set plat_channel_interrupt, a guest returns -2 instead of waiting once
 * a snapshot is requested (drift.recv() then serves it: vm_snapshot_native). */
int plat_channel_read(void);
extern int plat_channel_interrupt;

/* The next byte of the program's stdin (0..255), or -1 at its end (input()).
 * Hosted: file descriptor 0.  Guests have no stdin (the console is output
 * only; host input comes through the channel, drift.recv()): always -1. */
int plat_stdin_read(void);

/* Monotonic clock in nanoseconds since an arbitrary start (boot, say).  Never goes
 * backwards, also not across a live migration of the guest (the VMM's job: QEMU
 * migrates the TSC/counter state and stops it while the guest is stopped).  The VM
 * reads it through vm_clock_ns() (vm.h), which adds the VM's clock_offset_ns. */
uint64_t plat_clock_ns(void);

/* Wall-clock time: nanoseconds since 1970-01-01 00:00 UTC (`time.time()`), read once
 * from the machine's real-time clock and advanced by plat_clock_ns() from then on;
 * resolution may be as coarse as the RTC's (1 s on x86).  Without any real-time
 * clock it returns plat_clock_ns() (1970 at boot).  Implementations: hosted
 * CLOCK_REALTIME; x86_64 the CMOS RTC (timer.c); aarch64 e.g. the PL031 RTC. */
uint64_t plat_wall_ns(void);

/* Idle at least ns nanoseconds (plat_clock_ns() time) without burning the CPU:
 * halt/wait for a timer interrupt, and loop on early wake-ups (other interrupts,
 * e.g. the channel's).  Returns with interrupts as they were.  `time.sleep()`.
 * Implementations: hosted nanosleep; x86_64 `hlt` with the local APIC timer in
 * one-shot mode (timer.c); aarch64 e.g. `wfi` with the generic timer (CNTV_TVAL). */
void plat_sleep_ns(uint64_t ns);

/* End the program with the given status (see status.def).  Does not return. */
_Noreturn void plat_exit(int status);

/* Called once, just before the first bytecode instruction runs (boot timing). */
void plat_first_instruction(void);

/*
 * The VM's entry point, called by the platform once memory is set up.
 *   code/len   : the bytecode file (.dbc), untrusted: it is verified first
 *   arena/size : all memory the VM may use for its heap and stacks
 * Returns the program's exit status (status.def); the caller passes it to
 * plat_exit().
 */
int vm_run(const uint8_t *code, size_t len, void *arena, size_t size);

/* Testing aid: when set before vm_run(), collect garbage at every safe point. */
extern int vm_gc_stress;

/* ---- snapshots (guest/vm/snapshot.c, docs/snapshots.md) ---------------------- */
/* Set before vm_run(): resume from this snapshot (len bytes, 16-byte aligned)
 * instead of starting the program; it is checked against the bytecode first. */
extern const uint8_t *vm_restore;
extern size_t vm_restore_len;
/* Guests set these (docs/snapshots.md): snapshots leave the checksum field
 * zero for the host to fill in as it copies them out (SHA-256 under TCG is
 * most of a pause), and a snapshot the host checked and wrote straight into
 * guest RAM (plat_restore_wait) is not hashed again; every other check stays. */
extern int vm_snapshot_host_seals, vm_restore_checked;
/* Guests: vm_restore set with vm_restore_len 0 means the snapshot is not
 * there yet: once the program is loaded, vm_run() calls this, which waits
 * until the host has put it at vm_restore and returns its length. */
size_t plat_restore_wait(void);
/* Set before vm_run() (drift-vm --snapshot-at N): snapshot at the N-th safe point. */
extern uint64_t vm_snapshot_at;
/* Safe points passed while vm_snapshot_at was set (drift-vm --safe-points). */
extern uint64_t vm_safe_points;
/* How long writing the last snapshot (collection included) and restoring took. */
extern uint64_t vm_snapshot_ns, vm_restore_ns;

/* The VM wrote a snapshot (snap, len bytes, in the arena's free space; NULL
 * if it did not fit).  The platform hands it to the host.  Returns -1 to let
 * the program go on, or an exit status to end it with (e.g. SNAPSTOP). */
int plat_snapshot(const uint8_t *snap, size_t len);

/* Guests: called by the interpreter every SNAP_POLL_EVERY safe points to
 * look for host control records (a snapshot request) without interrupts. */
void plat_poll(void);
#define SNAP_POLL_EVERY 4096

/* Ask the VM for a snapshot at its next safe point (from plat_poll); whether one is pending. */
void vm_request_snapshot(void);
int vm_snapshot_pending(void);

/* Channel input the host sent that the program has not read yet (saved in a
 * snapshot): sets *p and returns the byte count (0: none).  Not consumed. */
size_t plat_channel_pending(const uint8_t **p);

/* On restore: bytes to deliver through plat_channel_read() before anything
 * else arrives (the pending input saved in the snapshot). */
void plat_channel_preload(const uint8_t *p, size_t n);

#ifdef DRIFT_FUZZ
/* Fuzzing builds only: execution budget (see vm.h); 0 means unlimited. */
extern uint64_t vm_fuel;
#endif

#endif
