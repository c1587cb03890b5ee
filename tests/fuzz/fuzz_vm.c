/*
 * fuzz_vm.c -- libFuzzer harness for the Drift abstract machine.
 *
 * Built by `make -C guest fuzz` (clang, -fsanitize=fuzzer,address,undefined,
 * -DDRIFT_FUZZ) twice:
 *   fuzz-raw    the input is the bytecode file as is: exercises the header,
 *               size and SHA-256 checks (almost everything dies there).
 *   fuzz-fixup  (-DFUZZ_FIXUP) if the input starts with the magic, its
 *               file_size and SHA-256 header fields are recomputed first, so
 *               mutations reach the section checks, the verifier and the
 *               interpreter.  tests/fuzz/fixup.py does the same in Python.
 * In fuzz-fixup, bit 0 of header byte 28 (unused by the loader: between
 * `filename` and `sha256`) turns on vm_gc_stress for that input, with a
 * smaller heap and budget.
 *
 * The promise checked: vm_run() returns one of the statuses in status.def
 * (0..119 from the program, 122 rejected, 123 no memory) and the sanitizers
 * see no out-of-bounds access or undefined behaviour.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "platform.h"



#define ARENA_SIZE (8u << 20)
#define FUEL 20000                  /* backward jumps + calls + iterator steps per input */
/* With gc stress every safe point collects: less fuel and a small heap
 * (about 1 MiB above the fixed 1.1 MiB of frames and registers) keep each
 * input under a second. */
#define STRESS_FUEL 2000
#define STRESS_ARENA_SIZE (9u << 18)

enum {
#define STATUS(name, value, doc) ST_##name = value,
#include "status.def"
#undef STATUS
};

/* ---- the platform: output discarded, no channel, a fake clock ------------ */
void plat_write(int stream, const char *buf, size_t len) { (void)stream; (void)buf; (void)len; }
int plat_channel_read(void) { return -1; }
int plat_stdin_read(void) { return -1; }
uint64_t plat_clock_ns(void) { static uint64_t t; return t += 1000; }
uint64_t plat_wall_ns(void) { return plat_clock_ns(); }
void plat_sleep_ns(uint64_t ns) { (void)ns; }
void plat_first_instruction(void) {}
/* Snapshots are not requested by the harness (vm_snapshot_at stays 0). */
int plat_snapshot(const uint8_t *snap, size_t len) { (void)snap; (void)len; return -1; }
size_t plat_channel_pending(const uint8_t **p) { *p = NULL; return 0; }
void plat_channel_preload(const uint8_t *p, size_t n) { (void)p; (void)n; }
size_t plat_restore_wait(void) { return 0; }
int plat_channel_interrupt;

/* The VM never calls plat_exit (vm_run returns the status); reaching it is a bug. */
_Noreturn void plat_exit(int status) { (void)status; abort(); }

#ifdef FUZZ_FIXUP
#include "sha256.h"
static uint32_t get32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static void put32(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24); }

/* If `f` (n bytes) looks like a .dbc file, make its file_size and SHA-256
 * header fields right.  Returns whether gc stress was asked for. */
static int fixup(uint8_t *f, size_t n) {
  if (n < 64 || get32(f) != 0x54465244u) return 0;     /* "DRFT" */
  put32(f + 12, (uint32_t)n);
  sha256(f + 64, n - 64, f + 32);
  return f[28] & 1;
}

/* ---- structure-aware mutations (fuzz-fixup) ------------------------------
 * Half the time, change one instruction word of the CODE section or one
 * record of the CONSTS section in a way the verifier mostly accepts (small
 * register numbers, real opcodes, extreme integers), so that mutations
 * exercise the interpreter instead of dying in the verifier; otherwise use
 * libFuzzer's own byte-level mutations. */
#include "opcodes.h"
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

static uint64_t rng_state;
static uint32_t rng(void) { rng_state = rng_state * 6364136223846793005u + 1442695040888963407u; return (uint32_t)(rng_state >> 33); }

/* Where the section of `kind` is in f (n bytes): its offset and size; false if none or out of bounds. */
static int find_section(const uint8_t *f, size_t n, uint32_t kind, uint32_t *off, uint32_t *sz) {
  uint32_t ns = get32(f + 16);
  for (uint32_t i = 0; i < ns && i < 16 && 64 + 16 * (size_t)i + 16 <= n; i++) {
    const uint8_t *e = f + 64 + 16 * i;
    if (get32(e) != kind) continue;
    *off = get32(e + 4); *sz = get32(e + 8);
    return *sz && (uint64_t)*off + *sz <= n;
  }
  return 0;
}

static const int64_t interesting[] = {0, 1, -1, 2, 7, 63, 64, -64, 255, 1 << 20, 0x7fffffff, -0x80000000ll,
                                      INT64_MAX, INT64_MIN, INT64_MAX - 1, INT64_MIN + 1};

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed) {
  rng_state ^= seed + 0x9e3779b97f4a7c15u;
  uint32_t off, sz;
  if (size >= 64 && get32(data) == 0x54465244u && rng() % 2) {
    uint32_t r = rng() % 8;
    if (r < 6 && find_section(data, size, 4, &off, &sz) && sz >= 4) {     /* CODE */
      uint8_t *w = data + off + 4 * (rng() % (sz / 4));
      uint8_t *w2 = data + off + 4 * (rng() % (sz / 4));
      switch (r) {
      case 0: w[0] = (uint8_t)(rng() % OP__COUNT); break;                  /* another opcode */
      case 1: case 2: w[1 + rng() % 3] = (uint8_t)(rng() % 12); break;    /* a small operand */
      case 3: { uint8_t t[4]; memcpy(t, w, 4); memcpy(w, w2, 4); memcpy(w2, t, 4); break; }
      case 4: memcpy(w, w2, 4); break;
      default: w[0] = (uint8_t)(rng() % OP__COUNT); w[1] = (uint8_t)(rng() % 8);
               w[2] = (uint8_t)(rng() % 8); w[3] = (uint8_t)(rng() % 4); break;
      }
      return size;
    }
    if (find_section(data, size, 2, &off, &sz) && sz >= 16) {              /* CONSTS */
      uint8_t *c = data + off + 16 * (rng() % (sz / 16));
      if (rng() % 4 == 0) c[0] = (uint8_t)(rng() % 7);
      int64_t v = c[0] == 4 ? (int64_t)rng() << 32 | rng() : interesting[rng() % (sizeof interesting / sizeof interesting[0])];
      if (c[0] == 5 || c[0] == 6) v = rng() % 8;                           /* str, func: small index */
      memcpy(c + 8, &v, 8);
      return size;
    }
  }
  return LLVMFuzzerMutate(data, size, max_size);
}
#endif

/* One input: run it on a fresh VM in a reused arena; abort() if the status
 * breaks the promise (the sanitizers catch everything else). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static void *arena;
  if (!arena && posix_memalign(&arena, 64, ARENA_SIZE)) abort();
  if (size > (1u << 20)) return 0;
  uint8_t *code = malloc(size ? size : 1);     /* exact size: ASan sees over-reads */
  if (!code) abort();
  memcpy(code, data, size);
  vm_gc_stress = 0;
#ifdef FUZZ_FIXUP
  vm_gc_stress = fixup(code, size);
#endif
  vm_fuel = vm_gc_stress ? STRESS_FUEL : FUEL;
  int st = vm_run(code, size, arena, vm_gc_stress ? STRESS_ARENA_SIZE : ARENA_SIZE);
  vm_fuel = 0;
  free(code);
  if (!(st >= 0 && st <= ST_USER_MAX) && st != ST_BADCODE && st != ST_NOMEM) abort();
  return 0;
}
