/*
 * verify.c -- the bytecode verifier.  After it accepts a function, every
 * register, constant, global and jump operand of every instruction is in
 * range, every register window an instruction touches fits the frame, and
 * control cannot run off the end of the code.  Together with the run-time
 * checks of the interpreter (types, call arity, stack depth) this means
 * verified bytecode cannot read or write outside the VM's memory.
 */
#include "vm.h"
#include "opcodes.h"
#include "format.h"

enum { FMT_ABC, FMT_ABx, FMT_AsBx, FMT_sJ };

static const struct { uint8_t fmt; char k[3]; } optab[] = {
#define OP(name, fmt, a, b, c, doc) {FMT_##fmt, {#a[0], #b[0], #c[0]}},
#include "opcodes.def"
#undef OP
};

/* Check one operand `v` of kind `k`; `jt` is the jump target for kind J. */
static bool operand(VM *vm, const Func *fn, char k, int64_t v, int64_t jt) {
  switch (k) {
  case '_': return v == 0;
  case 'R': case 'W': return v >= 0 && v < fn->nregs;
  case 'K': return v >= 0 && v < vm->nconsts;
  case 'G': return v >= 0 && v < vm->nglobals;
  case 'J': return jt >= 0 && jt < fn->code_len;
  case 'S': return v >= 0 && v < vm->nstrings;
  case 'k': return v == 0 || v == 1;
  default: return true;                       /* N, I: any value */
  }
}

/* The register window [lo, hi) that instruction `ins` touches beyond its
 * plain operands; hi <= lo means none. */
static void window(uint32_t ins, uint32_t *lo, uint32_t *hi) {
  uint32_t a = GET_A(ins), b = GET_B(ins), c = GET_C(ins);
  *lo = *hi = 0;
  switch (GET_OP(ins)) {
  case OP_CALL: *lo = a; *hi = a + 1 + b + 2 * c; break;
  case OP_CALLG: *lo = a; *hi = a + 1 + (GET_Bx(ins) & 15); break;
  case OP_NEWLIST: case OP_NEWTUPLE: case OP_NEWSET: case OP_NEWSETK: case OP_BUILDSTR: case OP_CONCAT: *lo = b; *hi = b + c; break;
  case OP_CATCHK: *lo = a; *hi = a + b; break;
  case OP_NEWDICT: *lo = b; *hi = b + 2 * c; break;
  case OP_UNPACK: *lo = a; *hi = a + c; break;
  case OP_FORITER: case OP_METHOD: case OP_SETATTR: case OP_NEWCLASS: case OP_METHODK: *lo = a; *hi = a + 2; break;
  case OP_NEWSLICE: *lo = b; *hi = b + 3; break;
  case OP_MAKEFUNC: case OP_CALLEX: *lo = a; *hi = a + 3; break;
  default: break;
  }
}

/* Verify function `fi`.  On failure returns false, sets *why and *bad_pc. */
bool verify_function(VM *vm, uint32_t fi, const char **why, uint32_t *bad_pc) {
  const Func *fn = &vm->funcs[fi];
  for (uint32_t pc = 0; pc < fn->code_len; pc++) {
    uint32_t ins = fn->code[pc];
    uint32_t op = GET_OP(ins);
    *bad_pc = pc;
    if (op >= OP__COUNT) { *why = "unknown opcode"; return false; }
    const char *k = optab[op].k;
    int64_t a = GET_A(ins), b = GET_B(ins), c = GET_C(ins), jt = -1;
    switch (optab[op].fmt) {
    case FMT_ABx: b = GET_Bx(ins); c = 0; break;
    case FMT_AsBx: b = GET_sBx(ins); c = 0; jt = (int64_t)pc + 1 + b; break;
    case FMT_sJ: a = GET_sJ(ins); b = c = 0; jt = (int64_t)pc + 1 + a; break;
    default: break;
    }
    if (!operand(vm, fn, k[0], a, jt) || !operand(vm, fn, k[1], b, jt) || !operand(vm, fn, k[2], c, jt)) {
      *why = k[0] == 'J' || k[1] == 'J' ? "jump out of range" : "operand out of range";
      return false;
    }
    if ((k[2] == 'k' || op == OP_FORNEXT) && (pc + 2 >= fn->code_len || GET_OP(fn->code[pc + 1]) != OP_JMP)) {
      *why = "compare-and-test not followed by a jump";
      return false;
    }
    uint32_t lo, hi;
    window(ins, &lo, &hi);
    if (hi > lo && hi > fn->nregs) { *why = "register window exceeds the frame"; return false; }
    if (op == OP_CALLG && (b >> 4) >= vm->nglobals) { *why = "operand out of range"; return false; }
    /* a chain of + has operands (CONCAT of none would give R[A] = "", or R[B] when the heap is nearly full) */
    if ((op == OP_CONCAT && c == 0) || (op == OP_CATCHK && b == 0)) {
      *why = "CONCAT or CATCHK of no operands";
      return false;
    }
    if (op == OP_MAKEFUNC && vm->consts[b].tag != T_FUNC) { *why = "MAKEFUNC of a constant that is not a function"; return false; }
    if (op == OP_LOADCELL && b >= fn->nnames) { *why = "LOADCELL of an unnamed register"; return false; }
    if (op == OP_CHKLOCAL && a >= fn->nnames) { *why = "CHKLOCAL of an unnamed register"; return false; }
    if ((op == OP_YIELD || op == OP_YIELDFROM) && !(fn->flags & FMT_FFLAG_GENERATOR)) {
      *why = "yield in a function that is not a generator";
      return false;
    }
    if ((((op == OP_GETATTR || op == OP_METHOD || op == OP_SETATTR || op == OP_NEWCLASS || op == OP_SETATTRK || op == OP_DELATTR) && vm->consts[b].tag != T_STR)) ||
        ((op == OP_GETATTRK || op == OP_METHODK) && vm->consts[c].tag != T_STR)) {
      *why = "attribute name is not a string constant";
      return false;
    }
  }
  for (uint32_t k = 0; k < fn->nexc; k++) {       /* the exception table */
    const uint8_t *e = fn->exctab + k * FMT_EXC_SIZE;
    uint32_t start = rd32(e + EXC_start), end = rd32(e + EXC_end), h = rd32(e + EXC_handler), reg = rd32(e + EXC_reg);
    *bad_pc = start;
    if (start >= end || end > fn->code_len) { *why = "exception range out of the function"; return false; }
    if (h >= fn->code_len) { *why = "exception handler out of the function"; return false; }
    if (reg >= fn->nregs) { *why = "exception handler register out of range"; return false; }
  }
  uint32_t last = GET_OP(fn->code[fn->code_len - 1]);
  if (last != OP_RETURN && last != OP_RETNONE && last != OP_JMP) {
    *bad_pc = fn->code_len - 1;
    *why = "code can run off the end of the function";
    return false;
  }
  return true;
}
