/*
 * kio.h -- kernel text output shared by every guest arch (common/kio.c):
 * kputs/kprintf on top of plat_write, and the channel's exit record.
 */
#ifndef DRIFT_KIO_H
#define DRIFT_KIO_H

void kputs(int stream, const char *s);
void kprintf(int stream, const char *fmt, ...);  /* %s %c %u %d %x (64-bit args) */
/* Tell the host how the program ended: "ESC exit N" on the channel (dropped
 * without one), for hosts that cannot see QEMU's exit code. */
void channel_exit_record(int status);

/* The drift.* words of the kernel command line [p, end) (space-separated,
 * also ending at a NUL; unknown words are ignored). */
typedef struct BootArgs {
  int timing;                /* drift.timing */
  const char *fault;         /* drift.fault=KIND, or null */
  const char *restore;       /* drift.restore=ADDR[,wait], or null */
} BootArgs;
BootArgs parse_cmdline(const char *p, const char *end);

#endif
