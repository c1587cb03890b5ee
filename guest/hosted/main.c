/*
 * hosted/main.c -- drift-vm: the abstract machine as a Linux program.
 *   drift-vm [--memory MiB] [--gc-stress] [--timing] [--no-jit] [--channel-fd FD]
 *            [--snapshot-at N -o SNAP [--snapshot-continue]] [--restore SNAP] FILE.dbc
 * --channel-fd FD is the host channel (read and written; e.g. a socketpair).
 * --snapshot-at N writes a snapshot (docs/snapshots.md) to SNAP at the N-th
 * safe point, then exits with status SNAPSTOP (or goes on with
 * --snapshot-continue); a program that ends first writes none.
 * --restore SNAP resumes the program from a snapshot instead of starting it
 * (status BADSNAP if the snapshot is refused).
 * --safe-points prints, at exit, how many safe points the program passed
 * (tests pick a snapshot point among them).
 * --no-jit (or DRIFT_JIT=0 in the environment) interprets everything: no
 * baseline compiler (guest/vm/jit.h; x86-64 only, elsewhere always off).
 * --timing prints, at exit, the time from vm_run() to the first bytecode
 * instruction (loading, hashing, verifying): the native cost of that path.
 * Output, tracebacks and exit statuses are the same as in the guest.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "platform.h"
#include "jit.h"

enum {
#define STATUS(name, value, doc) ST_##name = value,
#include "status.def"
#undef STATUS
};

static int channel_fd = -1;
int plat_channel_interrupt;                     /* drift-vm never interrupts a read */
static const char *snap_out;
static int snap_continue;
static const uint8_t *preload;
static size_t preload_len;

void plat_write(int stream, const char *buf, size_t len) {
  int fd = stream == PLAT_STDERR ? 2 : stream == PLAT_CHANNEL ? channel_fd : 1;
  if (fd < 0) return;
  while (len) {
    ssize_t n = write(fd, buf, len);
    if (n < 0) { if (errno == EINTR) continue; return; }
    buf += n;
    len -= (size_t)n;
  }
}

int plat_channel_read(void) {
  unsigned char c;
  if (preload_len) { preload_len--; return *preload++; }
  for (;;) {
    if (channel_fd < 0) return -1;
    ssize_t n = read(channel_fd, &c, 1);
    if (n == 1) return c;
    if (n < 0 && errno == EINTR) continue;
    return -1;                                  /* EOF: the host went away */
  }
}

int plat_stdin_read(void) {
  static unsigned char buf[4096];
  static size_t pos, len;
  static int eof;
  while (pos == len) {
    if (eof) return -1;
    ssize_t n = read(0, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) { eof = 1; return -1; }
    pos = 0;
    len = (size_t)n;
  }
  return buf[pos++];
}

uint64_t plat_clock_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t plat_wall_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void plat_sleep_ns(uint64_t ns) {
  struct timespec ts = {(time_t)(ns / 1000000000u), (long)(ns % 1000000000u)};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

_Noreturn void plat_exit(int status) { exit(status); }

/* drift-vm reads the channel unbuffered: nothing is pending but a restored preload. */
size_t plat_channel_pending(const uint8_t **p) { *p = preload; return preload_len; }

void plat_channel_preload(const uint8_t *p, size_t n) {
  uint8_t *copy = malloc(n);
  if (!copy) { fprintf(stderr, "drift-vm: out of memory\n"); exit(ST_NOMEM); }
  memcpy(copy, p, n);
  preload = copy;
  preload_len = n;
}

size_t plat_restore_wait(void) { return 0; }   /* drift-vm reads its snapshot from a file */

int plat_snapshot(const uint8_t *snap, size_t len) {
  if (!snap) return ST_SNAPSTOP;
  FILE *f = fopen(snap_out, "wb");
  if (!f || fwrite(snap, 1, len, f) != len || fclose(f) != 0) {
    fprintf(stderr, "drift-vm: %s: %s\n", snap_out, strerror(errno));
    return ST_USAGE;
  }
  return snap_continue ? -1 : ST_SNAPSTOP;
}

/* The whole file at path ("-": stdin) in a malloc'd, 16-byte aligned buffer. */
static uint8_t *read_file(const char *path, size_t *lenp) {
  int fd = !strcmp(path, "-") ? 0 : open(path, O_RDONLY);
  if (fd < 0) { fprintf(stderr, "drift-vm: %s: %s\n", path, strerror(errno)); exit(ST_USAGE); }
  size_t cap = 1 << 16, len = 0;
  uint8_t *buf = malloc(cap);
  for (;;) {
    if (len == cap) { cap *= 2; buf = realloc(buf, cap); }
    if (!buf) { fprintf(stderr, "drift-vm: out of memory\n"); exit(ST_NOMEM); }
    ssize_t n = read(fd, buf + len, cap - len);
    if (n < 0) { if (errno == EINTR) continue; fprintf(stderr, "drift-vm: %s: %s\n", path, strerror(errno)); exit(ST_USAGE); }
    if (n == 0) break;
    len += (size_t)n;
  }
  if (fd) close(fd);
  *lenp = len;
  return buf;
}

static int timing, count_points;
static uint64_t t_start, t_first;

void plat_first_instruction(void) { t_first = plat_clock_ns(); }

static _Noreturn void usage(void) {
  fprintf(stderr, "usage: drift-vm [--memory MiB] [--gc-stress] [--timing] [--no-jit] [--channel-fd FD]\n"
                  "                [--snapshot-at N -o SNAP [--snapshot-continue]] [--restore SNAP] FILE.dbc\n");
  exit(ST_USAGE);
}

int main(int argc, char **argv) {
  size_t mib = 256;
  const char *path = NULL, *restore = NULL;
#ifdef DRIFT_JIT
  const char *jit_env = getenv("DRIFT_JIT");
  if (jit_env && !strcmp(jit_env, "0")) vm_jit_enabled = 0;
#endif
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--memory") && i + 1 < argc) {
      char *end;
      unsigned long v = strtoul(argv[++i], &end, 10);
      if (*end || v < 1 || v > 4095) usage();
      mib = v;
    } else if (!strcmp(argv[i], "--gc-stress")) vm_gc_stress = 1;
    else if (!strcmp(argv[i], "--timing")) timing = 1;
    else if (!strcmp(argv[i], "--no-jit")) {
#ifdef DRIFT_JIT
      vm_jit_enabled = 0;
#endif
    }
    else if (!strcmp(argv[i], "--channel-fd") && i + 1 < argc) channel_fd = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--snapshot-at") && i + 1 < argc) {
      char *end;
      vm_snapshot_at = strtoull(argv[++i], &end, 10);
      if (*end || !vm_snapshot_at) usage();
    } else if (!strcmp(argv[i], "-o") && i + 1 < argc) snap_out = argv[++i];
    else if (!strcmp(argv[i], "--snapshot-continue")) snap_continue = 1;
    else if (!strcmp(argv[i], "--safe-points")) count_points = 1;
    else if (!strcmp(argv[i], "--restore") && i + 1 < argc) restore = argv[++i];
    else if (argv[i][0] == '-' && argv[i][1]) usage();
    else if (path) usage();
    else path = argv[i];
  }
  if (!path || (vm_snapshot_at && !snap_out) || (snap_out && !vm_snapshot_at)) usage();
  size_t len;
  uint8_t *code = read_file(path, &len);
  if (restore) vm_restore = read_file(restore, &vm_restore_len);
  if (count_points && !vm_snapshot_at) vm_snapshot_at = UINT64_MAX;
  size_t size = mib << 20;
  void *arena = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (arena == MAP_FAILED) { fprintf(stderr, "drift-vm: cannot map %zu MiB\n", mib); return ST_NOMEM; }
#ifdef DRIFT_FUZZ
  if (getenv("DRIFT_FUEL")) vm_fuel = strtoull(getenv("DRIFT_FUEL"), NULL, 10);   /* fuzzing builds */
#endif
  t_start = plat_clock_ns();
  int status = vm_run(code, len, arena, size);
  free(code);
  if (count_points) fprintf(stderr, "drift-vm: safe_points=%llu\n", (unsigned long long)vm_safe_points);
  if (timing && t_first)
    fprintf(stderr, "drift-vm: timing load_to_bytecode_ns=%llu\n", (unsigned long long)(t_first - t_start));
#ifdef DRIFT_JIT
  if (timing)
    fprintf(stderr, "drift-vm: timing jit_compile_ns=%llu jit_compiled=%u jit_instructions=%u jit_bytes=%zu\n",
            (unsigned long long)jit_stats.compile_ns, jit_stats.compiled, jit_stats.instructions, jit_stats.bytes);
#endif
  if (timing && (vm_snapshot_ns || vm_restore_ns))
    fprintf(stderr, "drift-vm: timing snapshot_ns=%llu restore_ns=%llu\n", (unsigned long long)vm_snapshot_ns,
            (unsigned long long)vm_restore_ns);
  return status;
}
