/*
 * jit.h -- the baseline compiler from verified bytecode to x86-64 machine
 * code (hosted x86-64 builds only; the guests and other CPUs interpret).
 *
 * The compiled code is the interpreter's fast paths with the dispatch, the
 * operand decoding and the register offsets taken out: it works on the same
 * frames and register file in the arena, never allocates, never calls C and
 * never raises.  Whatever it cannot do (a guard fails, a collection or a
 * snapshot is due, an instruction it does not compile) it hands back to the
 * interpreter at an instruction boundary, with every bit of machine state in
 * memory: the interpreter runs that instruction and goes on, and re-enters
 * compiled code at loop back-edges, calls and returns.  So safe points,
 * snapshots, tracebacks and the verifier's guarantees are the interpreter's
 * (docs/vm.md: "The baseline compiler").
 */
#ifndef DRIFT_JIT_H
#define DRIFT_JIT_H

#include "vm.h"

#if defined(DRIFT_HOSTED) && defined(__x86_64__) && !defined(DRIFT_NO_JIT)
#define DRIFT_JIT 1

extern int vm_jit_enabled;        /* 1 (default): compile at load; 0: interpret (drift-vm --no-jit) */

/* What the last jit_compile() did (drift-vm --timing prints it). */
typedef struct JitStats {
  uint64_t compile_ns;            /* wall time of jit_compile() */
  uint32_t instructions;          /* instructions of the program */
  uint32_t compiled;              /* of which compiled (the rest always hand back) */
  size_t bytes;                   /* machine code emitted */
} JitStats;
extern JitStats jit_stats;

/* Compile every function of the loaded, verified program and set each
 * Func.jit.  False (nothing set) when the code memory cannot be mapped: the
 * program then runs interpreted. */
bool jit_compile(VM *vm);

/* Unmap the code of jit_compile() (if any) and clear every Func.jit. */
void jit_release(VM *vm);

/* Run compiled code from `entry` (a Func.jit[pc] of the top frame fr, whose
 * registers start at R) until it hands back.  Returns the pc at which the
 * interpreter resumes the top frame, vm->frames[vm->nframes - 1] (calls and
 * returns in compiled code push and pop frames as the interpreter does). */
typedef uint32_t (*JitRun)(Value *R, VM *vm, Frame *fr, const void *entry);

#endif
#endif
