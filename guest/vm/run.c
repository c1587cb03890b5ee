/*
 * run.c -- vm_run(): lay out the arena, load and verify the program, run it,
 * and turn the outcome into an exit status.
 *
 * Arena layout (all offsets from its start, so it can move as a whole):
 *   [VM struct][frames][register stack][program tables | heap ...]
 */
#include "vm.h"
#include "platform.h"
#include "jit.h"

#define STACK_VALUES (VM_MAX_FRAMES * 64)

static const char *const status_names[] = {
#define STATUS(name, value, doc) [value] = #name,
#include "status.def"
#undef STATUS
};

enum {
#define STATUS(name, value, doc) ST_##name = value,
#include "status.def"
#undef STATUS
};

static void say(const char *s) { plat_write(PLAT_STDERR, s, strlen(s)); }

int vm_run(const uint8_t *code, size_t len, void *arena, size_t size) {
  (void)status_names;
  size_t need = ALIGN_UP(sizeof(VM), 64) + VM_MAX_FRAMES * sizeof(Frame) + STACK_VALUES * sizeof(Value) + 64 * 1024;
  if (((uintptr_t)arena & 15) || size < need || size > 0xffffffffu) {
    say(size > 0xffffffffu ? "drift: arena larger than 4 GiB is not supported\n" : "drift: not enough memory to start the VM\n");
    return ST_NOMEM;
  }
  VM *vm = arena;
  memset(vm, 0, sizeof *vm);
  vm->mem = arena;
  vm->size = size;
  size_t off = ALIGN_UP(sizeof(VM), 64);
  vm->frames = (Frame *)(vm->mem + off);
  off += VM_MAX_FRAMES * sizeof(Frame);
  vm->stack = (Value *)(vm->mem + off);
  vm->stack_size = STACK_VALUES;
  off += STACK_VALUES * sizeof(Value);
  vm->heap_lo = vm->heap_top = off;
  vm->heap_hi = size;
  vm->exc = -1;

  const char *why = "unknown";
  if (!load_program(vm, code, len, &why)) {
    out_flush(vm);
    say("drift: bytecode rejected: ");
    say(why);
    say("\n");
    return ST_BADCODE;
  }
  if (vm_restore) {
    if (!vm_restore_len) vm_restore_len = plat_restore_wait();   /* restore into a started guest */
    uint64_t t0 = plat_clock_ns();
    bool ok = snap_restore(vm, vm_restore, vm_restore_len, &why);
    vm_restore_ns = plat_clock_ns() - t0;
    if (!ok) {
      say("drift: snapshot refused: ");
      say(why);
      say("\n");
      return ST_BADSNAP;
    }
    plat_write(PLAT_CHANNEL, "\x1b" "restored\n", 10);   /* control record: the host's cue that it runs */
  }
#ifdef DRIFT_JIT
  jit_compile(vm);                 /* false: not enough memory for code, run interpreted */
#endif
  int r = vm_execute(vm, vm_restore != NULL);
#ifdef DRIFT_JIT
  jit_release(vm);
#endif
  out_flush(vm);
  if (r < 0 && (r = sys_exit_status(vm)) >= 0) { out_flush(vm); return r; }
  if (r < 0) {
    exc_print_traceback(vm);
    return ST_EXCEPTION;
  }
  return r;
}
