/*
 * snapchan.h -- channel input and snapshots for every guest arch
 * (common/snapchan.c); each arch provides the two UART hooks below.
 */
#ifndef DRIFT_SNAPCHAN_H
#define DRIFT_SNAPCHAN_H

#include <stddef.h>
#include <stdint.h>

/* arch (chan.c): the channel UART's line status register (-2 if there is
 * no channel), its next received byte, and sleep until it interrupts. */
int chan_lsr(void);
int chan_rbr(void);
void chan_wait(void);
void channel_write(const char *buf, size_t len);

/* drift.restore=ADDR on the command line: see snapchan.c. */
void snap_boot(const char *arg, uint64_t start, uint64_t *end);

#endif
