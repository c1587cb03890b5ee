/*
 * jit_x86_64.c -- the baseline compiler (jit.h) for x86-64 hosts.
 *
 * One pass per function: each instruction becomes its interpreter fast path
 * with the operands folded into displacements; a failed guard jumps to the
 * instruction's exit stub ("mov eax, pc; jmp exit"), which unwinds to
 * jit_run()'s caller.  Register use inside compiled code:
 *   rbx  R, the top frame's registers      r12  vm
 *   r13  vm->mem, the arena base            r14  the top frame (Frame *)
 *   rax rcx rdx rsi rdi r8 xmm0-2: scratch, dead between instructions.
 * A call in compiled code pushes the Frame as the interpreter's CALL fast
 * path does, then a native `call` to the callee's code; its RETURN `ret`s
 * when the caller is compiled code of the same jit_run(), else hands back.
 * The native stack is only a cache of the frames: handing back discards it.
 */
#include "jit.h"

#ifdef DRIFT_JIT
#include "opcodes.h"
#include "fmath.h"
#include "platform.h"
#include <sys/mman.h>
#include <stdlib.h>

int vm_jit_enabled = 1;
JitStats jit_stats;
#ifdef DRIFT_FUZZ
extern uint64_t vm_fuel;
#endif

#define JIT_MIN_RUN 3

enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 };
enum { CC_O = 0, CC_NO, CC_B, CC_AE, CC_E, CC_NE, CC_BE, CC_A, CC_S, CC_NS, CC_P, CC_NP, CC_L, CC_GE, CC_LE, CC_G };

enum { TO_CODE, TO_STUB, TO_TOP0, TO_CALLER };   /* what a fixup targets */
typedef struct Fixup { uint32_t at; uint32_t pc; uint8_t to; } Fixup;

typedef struct Asm {
  uint8_t *buf;
  size_t n, cap;
  bool full;
  uint32_t *at;               /* code offset of each instruction of the function */
  Fixup *fix;                 /* rel32 to patch: an instruction's code or its exit stub */
  uint32_t nfix, capfix;
  uint32_t pc;                /* the instruction being compiled */
  uint32_t exit_common;       /* offsets of the shared tails */
  uint32_t exit_top0, exit_caller;
} Asm;

/* ---- encoding ---------------------------------------------------------- */

static void b1(Asm *a, uint32_t x) { if (a->n < a->cap) a->buf[a->n++] = (uint8_t)x; else a->full = true; }
static void b4(Asm *a, uint32_t x) { for (int k = 0; k < 4; k++) b1(a, x >> (8 * k)); }
static void b8(Asm *a, uint64_t x) { b4(a, (uint32_t)x); b4(a, (uint32_t)(x >> 32)); }

static void rex(Asm *a, int w, int reg, int base) {
  int r = 0x40 | w << 3 | (reg >> 3) << 2 | (base >> 3);
  if (r != 0x40) b1(a, (uint32_t)r);
}
/* ModRM (+SIB) + displacement for [base + disp]. */
static void mem(Asm *a, int reg, int base, int32_t d) {
  int mod = d == 0 && (base & 7) != RBP ? 0 : d >= -128 && d <= 127 ? 1 : 2;
  b1(a, (uint32_t)(mod << 6 | (reg & 7) << 3 | (base & 7)));
  if ((base & 7) == RSP) b1(a, 0x24);
  if (mod == 1) b1(a, (uint32_t)(uint8_t)d);
  else if (mod == 2) b4(a, (uint32_t)d);
}
/* op reg, [base + d] (or the reverse, by opcode), w: 64-bit. */
static void rm(Asm *a, int w, uint32_t op, int reg, int base, int32_t d) {
  rex(a, w, reg, base);
  if (op > 0xff) b1(a, op >> 8);
  b1(a, op & 0xff);
  mem(a, reg, base, d);
}
static void rr(Asm *a, int w, uint32_t op, int reg, int rmreg) {   /* op reg, rmreg (ModRM mod 3) */
  rex(a, w, reg, rmreg);
  if (op > 0xff) b1(a, op >> 8);
  b1(a, op & 0xff);
  b1(a, (uint32_t)(0xc0 | (reg & 7) << 3 | (rmreg & 7)));
}
static void sse(Asm *a, uint32_t pfx, uint32_t op, int x, int base, int32_t d) {  /* pfx 0f op xmm, [m] */
  b1(a, pfx);
  rex(a, 0, x, base);
  b1(a, 0x0f); b1(a, op);
  mem(a, x, base, d);
}
static void sse_rr(Asm *a, uint32_t pfx, uint32_t op, int x, int y) {
  if (pfx) b1(a, pfx);
  rex(a, 0, x, y);
  b1(a, 0x0f); b1(a, op);
  b1(a, (uint32_t)(0xc0 | (x & 7) << 3 | (y & 7)));
}

#define LD64(r, b, d)  rm(a, 1, 0x8b, r, b, d)          /* mov r64, [b+d] */
#define LD32(r, b, d)  rm(a, 0, 0x8b, r, b, d)          /* mov r32, [b+d] */
#define ST64(b, d, r)  rm(a, 1, 0x89, r, b, d)          /* mov [b+d], r64 */
#define ST32(b, d, r)  rm(a, 0, 0x89, r, b, d)
#define LEA(r, b, d)   rm(a, 1, 0x8d, r, b, d)
#define MOVZX16(r, b, d) rm(a, 0, 0x0fb7, r, b, d)
#define CMP64M(r, b, d) rm(a, 1, 0x3b, r, b, d)         /* cmp r64, [b+d] */
#define CMP32M(r, b, d) rm(a, 0, 0x3b, r, b, d)
#define MOVRR(d_, s_)  rr(a, 1, 0x8b, d_, s_)
#define ADDRR(d_, s_)  rr(a, 1, 0x03, d_, s_)
#define TESTRR(x, y)   rr(a, 1, 0x85, y, x)
#define MOVSD_LD(x, b, d) sse(a, 0xf2, 0x10, x, b, d)
#define MOVSD_ST(b, d, x) sse(a, 0xf2, 0x11, x, b, d)

static void st_imm(Asm *a, int w, int base, int32_t d, int32_t imm) {   /* mov [b+d], imm32 */
  rm(a, w, 0xc7, 0, base, d);
  b4(a, (uint32_t)imm);
}
static void cmp_mi(Asm *a, int w, int base, int32_t d, int32_t imm) {   /* cmp [b+d], imm */
  if (imm >= -128 && imm <= 127) { rm(a, w, 0x83, 7, base, d); b1(a, (uint32_t)(uint8_t)imm); }
  else { rm(a, w, 0x81, 7, base, d); b4(a, (uint32_t)imm); }
}
static void alu_ri(Asm *a, int w, int ext, int reg, int32_t imm) {      /* add/or/.../cmp reg, imm */
  if (imm >= -128 && imm <= 127) { rr(a, w, 0x83, ext, reg); b1(a, (uint32_t)(uint8_t)imm); }
  else { rr(a, w, 0x81, ext, reg); b4(a, (uint32_t)imm); }
}
enum { X_ADD = 0, X_OR = 1, X_AND = 4, X_SUB = 5, X_XOR = 6, X_CMP = 7 };
static void mov_ri64(Asm *a, int reg, uint64_t imm) { rex(a, 1, 0, reg); b1(a, 0xb8 + (reg & 7)); b8(a, imm); }

/* Jumps: rel32 always; returns the offset of the rel32 (for patch()). */
static uint32_t jcc(Asm *a, int cc) { b1(a, 0x0f); b1(a, 0x80 + (uint32_t)cc); b4(a, 0); return (uint32_t)a->n - 4; }
static uint32_t jmp(Asm *a) { b1(a, 0xe9); b4(a, 0); return (uint32_t)a->n - 4; }
static void patch_to(Asm *a, uint32_t at, uint32_t target) {
  if (at + 4 <= a->cap && !a->full) { int32_t rel = (int32_t)(target - (at + 4)); memcpy(a->buf + at, &rel, 4); }
}
static void here(Asm *a, uint32_t at) { patch_to(a, at, (uint32_t)a->n); }
static void fixup(Asm *a, uint32_t at, uint32_t pc, int to) {
  if (a->nfix == a->capfix) {
    uint32_t cap = a->capfix ? 2 * a->capfix : 64;
    Fixup *f = realloc(a->fix, cap * sizeof *f);
    if (!f) { a->full = true; return; }
    a->fix = f; a->capfix = cap;
  }
  a->fix[a->nfix++] = (Fixup){at, pc, (uint8_t)to};
}
/* Hand back at the current instruction when condition cc holds. */
static void exit_if(Asm *a, int cc) { fixup(a, jcc(a, cc), a->pc, TO_STUB); }
static void exit_now(Asm *a) { fixup(a, jmp(a), a->pc, TO_STUB); }
static void goto_pc(Asm *a, uint32_t pc) { fixup(a, jmp(a), pc, TO_CODE); }
static void goto_pc_if(Asm *a, int cc, uint32_t pc) { fixup(a, jcc(a, cc), pc, TO_CODE); }

/* ---- values ------------------------------------------------------------ */

#define RV(r) ((int32_t)(r) * 16)                 /* R[r] from rbx */
#define TAG 8                                      /* Value.tag */
#define VMF(f) ((int32_t)offsetof(VM, f))

static void put_tag(Asm *a, int base, int32_t d, uint32_t tag) { st_imm(a, 1, base, d + TAG, (int32_t)tag); }  /* tag and aux */
/* Two 8-byte moves through r9/r10, not one 16-byte: a Value just written as
 * payload + tag (two stores) forwards to same-size loads only. */
static void copy_value(Asm *a, int db, int32_t dd, int sb, int32_t sd) {
  LD64(R9, sb, sd); LD64(R10, sb, sd + 8);
  ST64(db, dd, R9); ST64(db, dd + 8, R10);
}
static void guard_tag(Asm *a, int32_t d, uint32_t tag) { cmp_mi(a, 0, RBX, d + TAG, (int32_t)tag); exit_if(a, CC_NE); }

/* xmm x = R[r] as a double (a float, or an int converted as (double)), else hand back. */
static void load_double(Asm *a, int x, uint32_t r) {
  LD32(RAX, RBX, RV(r) + TAG);
  alu_ri(a, 0, X_CMP, RAX, T_FLOAT);
  uint32_t not_f = jcc(a, CC_NE);
  MOVSD_LD(x, RBX, RV(r));
  uint32_t done = jmp(a);
  here(a, not_f);
  alu_ri(a, 0, X_CMP, RAX, T_INT);
  exit_if(a, CC_NE);
  b1(a, 0xf2); rm(a, 1, 0x0f2a, x, RBX, RV(r));   /* cvtsi2sd x, qword [R+d] */
  here(a, done);
}

/* Back-edge and call work: hand back if the fuzzer's fuel runs low (the
 * interpreter then spends the last units) or a collection/snapshot is due.
 * Uses r9 and r10 only. */
static void fuel_step(Asm *a) {
#ifdef DRIFT_FUZZ
  mov_ri64(a, R10, (uint64_t)(uintptr_t)&vm_fuel);
  LD64(R9, R10, 0);
  TESTRR(R9, R9);
  uint32_t unlimited = jcc(a, CC_E);
  alu_ri(a, 1, X_CMP, R9, 2);
  exit_if(a, CC_BE);
  rm(a, 1, 0xff, 1, R10, 0);                      /* dec qword [r10] */
  here(a, unlimited);
#else
  (void)a;
#endif
}
static void safe_point(Asm *a) {
  fuel_step(a);
  LD64(R9, R12, VMF(heap_top));
  CMP64M(R9, R12, VMF(gc_at));
  exit_if(a, CC_A);
}

/* ---- helpers: instructions whose fast path needs C ------------------------
 * Called with the instruction word; true: done, false: nothing changed and
 * the instruction is handed back.  None collects, raises or runs Python
 * code; each allocates only where room is checked first. */
typedef bool (*Helper)(VM *vm, Value *R, uint32_t i);
#define HA R[GET_A(i)]
#define HB R[GET_B(i)]
#define HC R[GET_C(i)]

static bool room(VM *vm, size_t n) { return vm->heap_hi - vm->heap_top >= n && vm->heap_top <= vm->gc_at; }

static bool h_getitem_dict(VM *vm, Value *R, uint32_t i) {      /* getitem_dict */
  if (HB.tag != T_DICT) return false;
  int64_t e = dict_lookup_fast(vm, AS(vm, HB, Dict), HC);
  if (e <= 0) return false;
  HA = dict_ents(vm, AS(vm, HB, Dict))[e - 1].val;
  return true;
}
static bool h_setitem_dict(VM *vm, Value *R, uint32_t i) {      /* setitem_dict: an existing key */
  if (HA.tag != T_DICT) return false;
  int64_t e = dict_lookup_fast(vm, AS(vm, HA, Dict), HB);
  if (e <= 0) return false;
  dict_ents(vm, AS(vm, HA, Dict))[e - 1].val = HC;
  return true;
}
static bool h_in_dict(VM *vm, Value *R, uint32_t i) {           /* DICT_IN */
  if (HC.tag != T_DICT) return false;
  int64_t e = dict_lookup_fast(vm, AS(vm, HC, Dict), HB);
  if (e < 0) return false;
  HA = v_bool((e > 0) != (GET_OP(i) == OP_NOTIN));
  return true;
}
static bool h_add_str(VM *vm, Value *R, uint32_t i) {           /* STR_FAST */
  if (HB.tag != T_STR || HC.tag != T_STR) return false;
  Str *x = AS(vm, HB, Str), *y = AS(vm, HC, Str);
  size_t n = (size_t)x->nbytes + y->nbytes;
  Ref r = heap_bump(vm, T_STR, sizeof(Str) + n + 1);
  if (!r) return false;
  Str *s = OBJ(vm, r, Str);
  x = AS(vm, HB, Str); y = AS(vm, HC, Str);
  s->nbytes = (uint32_t)n; s->nchars = x->nchars + y->nchars; s->hash = 0;
  memcpy(s->data, x->data, x->nbytes);
  memcpy(s->data + x->nbytes, y->data, y->nbytes);
  s->data[n] = 0;
  HA = v_obj(T_STR, r);
  return true;
}
static bool h_getiter(VM *vm, Value *R, uint32_t i) {           /* vm_getiter of a range, list, tuple */
  Value x = HB;
  if (x.tag == T_ITER) { HA = x; return true; }
  if ((x.tag != T_RANGE && x.tag != T_LIST && x.tag != T_TUPLE) || !room(vm, sizeof(Iter) + 8)) return false;
  return vm_getiter(vm, x, &HA);
}
/* CALL / CALLG of len(), str() of a str or int, range() of ints, and the
 * natives CALL runs inline (dict.get, list.append): as the interpreter. */
static bool h_call_native(VM *vm, Value *R, uint32_t i) {
  uint32_t A = GET_A(i), n;
  Value f;
  if (GET_OP(i) == OP_CALLG) { f = vm->globals[GET_Bx(i) >> 4]; n = GET_Bx(i) & 15; }
  else { f = R[A]; n = GET_B(i); if (GET_C(i)) return false; }
  if (f.tag != T_NATIVE || !room(vm, 64)) return false;
  Value *w = &R[A], x = w[1];
  switch (f.as.i) {
  case NATIVE_LEN:
    if (n != 1) return false;
    if (x.tag == T_STR) w[0] = v_int(AS(vm, x, Str)->nchars);
    else if (x.tag == T_LIST) w[0] = v_int(AS(vm, x, List)->len);
    else if (x.tag == T_TUPLE) w[0] = v_int(AS(vm, x, Tuple)->len);
    else if (x.tag == T_DICT) w[0] = v_int(AS(vm, x, Dict)->len);
    else return false;
    return true;
  case NATIVE_STR:
    if (n != 1) return false;
    if (x.tag == T_STR) { w[0] = x; return true; }
    return x.tag == T_INT && str_from_int(vm, x.as.i, &w[0]);   /* 64 bytes of room: cannot fail */
  case NATIVE_RANGE: {
    if (n < 1 || n > 3) return false;
    for (uint32_t k = 1; k <= n; k++) if (w[k].tag != T_INT) return false;
    if (n == 3 && w[3].as.i == 0) return false;
#ifdef DRIFT_FUZZ
    if (vm_fuel && vm_fuel <= 2) return false;                  /* a call's unit, as the interpreter */
    if (vm_fuel) vm_fuel--;
#endif
    Ref r = heap_alloc(vm, T_RANGE, sizeof(Range));
    Range *rg = OBJ(vm, r, Range);
    rg->start = n == 1 ? 0 : w[1].as.i; rg->stop = n == 1 ? w[1].as.i : w[2].as.i; rg->step = n == 3 ? w[3].as.i : 1;
    w[0] = v_obj(T_RANGE, r);
    return true;
  }
  case NATIVE_DICT_GET: case NATIVE_LIST_APPEND: return native_inline(vm, w, n);
  default: return false;
  }
}

/* Call helper fn for instruction word i on a 16-byte aligned stack (r15
 * keeps rsp); hand back if it returns false. */
static void helper(Asm *a, Helper fn, uint32_t i) {
  MOVRR(RDI, R12);
  MOVRR(RSI, RBX);
  rr(a, 0, 0xc7, 0, RDX); b4(a, i);                  /* mov edx, i */
  MOVRR(R15, RSP);
  alu_ri(a, 1, X_AND, RSP, -16);
  mov_ri64(a, RAX, (uint64_t)(uintptr_t)fn);
  rr(a, 0, 0xff, 2, RAX);                            /* call rax */
  MOVRR(RSP, R15);
  rr(a, 0, 0x84, RAX, RAX);                          /* test al, al */
  exit_if(a, CC_E);
}

/* ---- instructions ------------------------------------------------------- */

enum { AR_ADD, AR_SUB, AR_MUL };

/* eax, edx = the tags of R[B], R[C]; *nb, *nc: jumps (to patch) taken when
 * R[B], resp. R[C], is not an int. */
static void both_int(Asm *a, uint32_t B, uint32_t C, uint32_t *nb, uint32_t *nc) {
  LD32(RAX, RBX, RV(B) + TAG);
  LD32(RDX, RBX, RV(C) + TAG);
  alu_ri(a, 0, X_CMP, RAX, T_INT);
  *nb = jcc(a, CC_NE);
  alu_ri(a, 0, X_CMP, RDX, T_INT);
  *nc = jcc(a, CC_NE);
}

/* R[A] = R[B] op R[C]: int op int (hand back on overflow), else float op
 * float/int mixed, as INT_FAST + MIXED_FAST. */
static void emit_arith(Asm *a, int op, uint32_t A, uint32_t B, uint32_t C) {
  uint32_t f1, f2;
  both_int(a, B, C, &f1, &f2);
  LD64(RCX, RBX, RV(B));
  if (op == AR_ADD) rm(a, 1, 0x03, RCX, RBX, RV(C));
  else if (op == AR_SUB) rm(a, 1, 0x2b, RCX, RBX, RV(C));
  else rm(a, 1, 0x0faf, RCX, RBX, RV(C));
  exit_if(a, CC_O);
  ST64(RBX, RV(A), RCX);
  put_tag(a, RBX, RV(A), T_INT);
  uint32_t done = jmp(a);
  here(a, f1); here(a, f2);
  load_double(a, 0, B);
  load_double(a, 1, C);
  sse_rr(a, 0xf2, op == AR_ADD ? 0x58 : op == AR_SUB ? 0x5c : 0x59, 0, 1);
  MOVSD_ST(RBX, RV(A), 0);
  put_tag(a, RBX, RV(A), T_FLOAT);
  here(a, done);
}

/* Hand back unless int R[r] is within +-2^53 (rcx holds 2^53). */
static void guard_exact(Asm *a, uint32_t r) {
  LD64(RAX, RBX, RV(r));
  rr(a, 1, 0x3b, RAX, RCX); exit_if(a, CC_G);      /* cmp rax, rcx */
  rr(a, 1, 0xf7, 3, RCX);                          /* neg rcx */
  rr(a, 1, 0x3b, RAX, RCX); exit_if(a, CC_L);
  rr(a, 1, 0xf7, 3, RCX);
}

/* R[A] = R[B] / R[C] as L_TRUEDIV's fast paths. */
static void truediv(Asm *a, uint32_t A, uint32_t B, uint32_t C) {
  uint32_t nf1, nf2;
  both_int(a, B, C, &nf1, &nf2);
  cmp_mi(a, 1, RBX, RV(C), 0); exit_if(a, CC_E);   /* int / int: both exact in doubles */
  mov_ri64(a, RCX, UINT64_C(1) << 53);
  guard_exact(a, B);
  guard_exact(a, C);
  here(a, nf1); here(a, nf2);
  load_double(a, 0, B);
  load_double(a, 1, C);
  sse_rr(a, 0, 0x57, 2, 2);                         /* xorps xmm2, xmm2 */
  sse_rr(a, 0x66, 0x2e, 1, 2);                      /* ucomisd xmm1, xmm2: divisor == 0 (not NaN) */
  uint32_t nan = jcc(a, CC_P);
  exit_if(a, CC_E);
  here(a, nan);
  sse_rr(a, 0xf2, 0x5e, 0, 1);
  MOVSD_ST(RBX, RV(A), 0);
  put_tag(a, RBX, RV(A), T_FLOAT);
}

/* R[A] = R[B] // R[C] or % R[C], ints with R[C] > 0 (L_FLOORDIV, L_MOD). */
static void divmod(Asm *a, bool mod, uint32_t A, uint32_t B, uint32_t C) {
  guard_tag(a, RV(B), T_INT);
  guard_tag(a, RV(C), T_INT);
  LD64(RCX, RBX, RV(C));
  TESTRR(RCX, RCX); exit_if(a, CC_LE);
  LD64(RAX, RBX, RV(B));
  b1(a, 0x48); b1(a, 0x99);                        /* cqo */
  rr(a, 1, 0xf7, 7, RCX);                           /* idiv rcx */
  TESTRR(RDX, RDX);
  uint32_t pos = jcc(a, CC_NS);
  if (mod) ADDRR(RDX, RCX); else alu_ri(a, 1, X_SUB, RAX, 1);
  here(a, pos);
  ST64(RBX, RV(A), mod ? RDX : RAX);
  put_tag(a, RBX, RV(A), T_INT);
}

/* A compare whose outcome lands in al (0/1) for ints and floats. */
static void compare_al(Asm *a, int rel, uint32_t x, bool imm, int32_t y, bool floats) {
  static const int icc[] = {CC_L, CC_LE, CC_G, CC_GE, CC_E};
  LD32(RAX, RBX, RV(x) + TAG);
  if (imm) {
    alu_ri(a, 0, X_CMP, RAX, T_INT); exit_if(a, CC_NE);
    cmp_mi(a, 1, RBX, RV(x), y);
    rr(a, 0, 0x0f90 + (uint32_t)icc[rel], 0, RAX);  /* setcc al */
    return;
  }
  LD32(RDX, RBX, RV((uint32_t)y) + TAG);
  alu_ri(a, 0, X_CMP, RAX, T_INT);
  uint32_t nint = jcc(a, CC_NE);
  alu_ri(a, 0, X_CMP, RDX, T_INT);
  exit_if(a, CC_NE);
  LD64(RCX, RBX, RV(x));
  CMP64M(RCX, RBX, RV((uint32_t)y));
  rr(a, 0, 0x0f90 + (uint32_t)icc[rel], 0, RAX);
  if (!floats || rel == 4) {
    uint32_t done = jmp(a);
    here(a, nint);
    exit_now(a);
    here(a, done);
    return;
  }
  uint32_t done = jmp(a);
  here(a, nint);
  alu_ri(a, 0, X_CMP, RAX, T_FLOAT); exit_if(a, CC_NE);
  alu_ri(a, 0, X_CMP, RDX, T_FLOAT); exit_if(a, CC_NE);
  /* x < y: ucomisd y, x "above"; x <= y: y, x "above or equal"; > and >= swapped */
  bool swap = rel == 0 || rel == 1;
  MOVSD_LD(0, RBX, RV(swap ? (uint32_t)y : x));
  MOVSD_LD(1, RBX, RV(swap ? x : (uint32_t)y));
  sse_rr(a, 0x66, 0x2e, 0, 1);
  rr(a, 0, 0x0f90 + (uint32_t)(rel == 0 || rel == 2 ? CC_A : CC_AE), 0, RAX);
  here(a, done);
}

/* FORITER / FORNEXT over a range or a list: the item to R[dst]; the two
 * exhausted jumps to patch; other iterators hand back. */
static void iter_step(Asm *a, uint32_t A, uint32_t dst, uint32_t *exhausted) {
  guard_tag(a, RV(A), T_ITER);
  LD32(RAX, RBX, RV(A));
  rr(a, 1, 0x03, RAX, R13);                         /* rax = mem + ref: the Iter */
  LD32(RCX, RAX, (int32_t)offsetof(Iter, kind));
  alu_ri(a, 0, X_CMP, RCX, IT_RANGE);
  uint32_t range = jcc(a, CC_E);
  alu_ri(a, 0, X_CMP, RCX, IT_LIST); exit_if(a, CC_NE);
  fuel_step(a);                                      /* vm_next's unit */
  LD32(RDX, RAX, (int32_t)offsetof(Iter, seq));
  rr(a, 1, 0x03, RDX, R13);                         /* the List */
  LD64(RCX, RAX, (int32_t)offsetof(Iter, cur));
  LD32(RSI, RDX, (int32_t)offsetof(List, len));
  rr(a, 1, 0x3b, RCX, RSI);
  exhausted[0] = jcc(a, CC_GE);
  LEA(RSI, RCX, 1);
  ST64(RAX, (int32_t)offsetof(Iter, cur), RSI);
  LD32(RDX, RDX, (int32_t)offsetof(List, items));
  rr(a, 1, 0x03, RDX, R13);
  rr(a, 1, 0xc1, 4, RCX); b1(a, 4);
  ADDRR(RDX, RCX);
  copy_value(a, RBX, RV(dst), RDX, (int32_t)offsetof(Array, v));
  uint32_t done = jmp(a);
  here(a, range);
  LD64(RCX, RAX, (int32_t)offsetof(Iter, cur));
  LD64(RDX, RAX, (int32_t)offsetof(Iter, step));
  TESTRR(RDX, RDX);
  uint32_t neg = jcc(a, CC_LE);
  CMP64M(RCX, RAX, (int32_t)offsetof(Iter, stop));
  exhausted[1] = jcc(a, CC_GE);
  uint32_t have = jmp(a);
  here(a, neg);
  CMP64M(RCX, RAX, (int32_t)offsetof(Iter, stop));
  exhausted[2] = jcc(a, CC_LE);
  here(a, have);
  ST64(RBX, RV(dst), RCX);
  put_tag(a, RBX, RV(dst), T_INT);
  ADDRR(RCX, RDX);
  uint32_t ok = jcc(a, CC_NO);
  LD64(RCX, RAX, (int32_t)offsetof(Iter, stop));
  here(a, ok);
  ST64(RAX, (int32_t)offsetof(Iter, cur), RCX);
  here(a, done);
}

/* R[A] = R[B] ** R[C] for floats as L_POW's fast path: a positive finite
 * base, a finite exponent and a finite result, by fm_pow() (a leaf C call
 * on a 16-byte aligned stack); else hand back. */
static void fpow(Asm *a, uint32_t A, uint32_t B, uint32_t C) {
  guard_tag(a, RV(B), T_FLOAT);
  guard_tag(a, RV(C), T_FLOAT);
  MOVSD_LD(0, RBX, RV(B));
  MOVSD_LD(1, RBX, RV(C));
  sse_rr(a, 0, 0x57, 2, 2);                          /* xorps xmm2, xmm2 */
  sse_rr(a, 0x66, 0x2e, 0, 2); exit_if(a, CC_BE);    /* base > 0 (not NaN) */
  for (int x = 0; x < 2; x++) {                      /* x - x == 0: finite */
    sse_rr(a, 0xf2, 0x10, 3, x);                     /* movsd xmm3, xmm(x) */
    sse_rr(a, 0xf2, 0x5c, 3, x);                     /* subsd xmm3, xmm(x) */
    sse_rr(a, 0x66, 0x2e, 3, 2); exit_if(a, CC_P); exit_if(a, CC_NE);
  }
  MOVRR(R15, RSP);
  alu_ri(a, 1, X_AND, RSP, -16);
  mov_ri64(a, RAX, (uint64_t)(uintptr_t)&fm_pow);
  rr(a, 0, 0xff, 2, RAX);                            /* call rax */
  MOVRR(RSP, R15);
  sse_rr(a, 0, 0x57, 2, 2);
  sse_rr(a, 0xf2, 0x10, 3, 0);
  sse_rr(a, 0xf2, 0x5c, 3, 0);
  sse_rr(a, 0x66, 0x2e, 3, 2); exit_if(a, CC_P); exit_if(a, CC_NE);
  MOVSD_ST(RBX, RV(A), 0);
  put_tag(a, RBX, RV(A), T_FLOAT);
}

/* rax = the address of the Value at index R[ix] (or constant c) of the list or
 * tuple in R[obj], bounds checked as INDEX_FAST; hand back otherwise. */
static void index_addr(Asm *a, uint32_t obj, bool konst, int32_t c, uint32_t ix, bool lists_only) {
  if (!konst) { guard_tag(a, RV(ix), T_INT); LD64(RCX, RBX, RV(ix)); }
  LD32(RDX, RBX, RV(obj) + TAG);
  LD32(RAX, RBX, RV(obj));
  rr(a, 1, 0x03, RAX, R13);
  alu_ri(a, 0, X_CMP, RDX, T_LIST);
  uint32_t tup = jcc(a, CC_NE);
  LD32(RDX, RAX, (int32_t)offsetof(List, len));
  LD32(RAX, RAX, (int32_t)offsetof(List, items));
  rr(a, 1, 0x03, RAX, R13);
  alu_ri(a, 1, X_ADD, RAX, (int32_t)offsetof(Array, v));
  uint32_t both = jmp(a);
  here(a, tup);
  if (lists_only) exit_now(a);
  else {
    alu_ri(a, 0, X_CMP, RDX, T_TUPLE); exit_if(a, CC_NE);
    LD32(RDX, RAX, (int32_t)offsetof(Tuple, len));
    alu_ri(a, 1, X_ADD, RAX, (int32_t)offsetof(Tuple, v));
  }
  here(a, both);
  /* rax = items, rdx = len (zero-extended), rcx = index */
  if (konst) mov_ri64(a, RCX, (uint64_t)(int64_t)c);
  TESTRR(RCX, RCX);
  uint32_t pos = jcc(a, CC_NS);
  ADDRR(RCX, RDX);
  here(a, pos);
  rr(a, 1, 0x3b, RCX, RDX); exit_if(a, CC_AE);      /* unsigned: negative stays out of range */
  rr(a, 1, 0xc1, 4, RCX); b1(a, 4);                  /* shl rcx, 4 */
  ADDRR(RAX, RCX);
}

/* rcx = the address of the slot of attribute constant k of the instance in
 * R[obj] on an attribute-cache hit (ATTR_SLOT), else hand back. */
static void attr_slot(Asm *a, uint32_t obj, uint32_t k) {
  int32_t ck = (int32_t)(k * sizeof(AttrCache));
  guard_tag(a, RV(obj), T_INSTANCE);
  LD32(RCX, RBX, RV(obj));
  rr(a, 1, 0x03, RCX, R13);                         /* rcx = Instance */
  LD64(RDX, R12, VMF(acache));
  LD32(RAX, RCX, (int32_t)offsetof(Instance, cls));
  CMP32M(RAX, RDX, ck + (int32_t)offsetof(AttrCache, cls)); exit_if(a, CC_NE);
  LD32(RAX, RDX, ck + (int32_t)offsetof(AttrCache, slot));
  CMP32M(RAX, RCX, (int32_t)offsetof(Instance, nslots)); exit_if(a, CC_AE);
  LD32(RCX, RCX, (int32_t)offsetof(Instance, slots));
  rr(a, 1, 0x03, RCX, R13);
  rr(a, 1, 0xc1, 4, RAX); b1(a, 4);
  ADDRR(RCX, RAX);
  alu_ri(a, 1, X_ADD, RCX, (int32_t)offsetof(Array, v));
  cmp_mi(a, 0, RCX, TAG, T_UNBOUND); exit_if(a, CC_E);
}

/* The CALL fast path (CALL_FAST) for the function index in eax, arguments at
 * R[A+1..]: push the frame; then call its compiled code, or hand the new
 * frame to the interpreter.  `global` >= 0: CALLG, R[A] = globals[global]. */
static void call(Asm *a, uint32_t A, uint32_t key, int32_t global) {
  rr(a, 0, 0x8b, RCX, RAX);                          /* ecx = index (zero-extends) */
  rr(a, 1, 0x69, RCX, RCX); b4(a, sizeof(Func));     /* imul rcx, rcx, sizeof(Func) */
  rm(a, 1, 0x03, RCX, R12, VMF(funcs));
  cmp_mi(a, 0, RCX, (int32_t)offsetof(Func, fast_nargs), (int32_t)key); exit_if(a, CC_NE);
  LD32(RDX, R12, VMF(nframes));
  alu_ri(a, 0, X_CMP, RDX, VM_MAX_FRAMES); exit_if(a, CC_E);
  LD32(RSI, R14, (int32_t)offsetof(Frame, base));
  alu_ri(a, 0, X_ADD, RSI, (int32_t)A + 1);           /* nb */
  MOVZX16(RDI, RCX, (int32_t)offsetof(Func, nregs));
  rr(a, 0, 0x03, RDI, RSI);
  CMP32M(RDI, R12, VMF(valid_top)); exit_if(a, CC_A);
  rr(a, 1, 0x8b, R8, RAX);                           /* keep the index: safe_point uses rax */
  safe_point(a);
  if (global >= 0) {
    LD64(RDI, R12, VMF(globals));
    copy_value(a, RBX, RV(A), RDI, global * 16);
  }
  st_imm(a, 0, R14, (int32_t)offsetof(Frame, pc), (int32_t)a->pc + 1);
  alu_ri(a, 0, X_ADD, RDX, 1);
  ST32(R12, VMF(nframes), RDX);
  int32_t nf = (int32_t)sizeof(Frame);
  ST32(R14, nf + (int32_t)offsetof(Frame, func), R8);
  ST32(R14, nf + (int32_t)offsetof(Frame, base), RSI);
  st_imm(a, 0, R14, nf + (int32_t)offsetof(Frame, pc), 0);
  st_imm(a, 1, R14, nf + (int32_t)offsetof(Frame, ret), 0);    /* ret and gen */
  st_imm(a, 0, R14, nf + (int32_t)offsetof(Frame, flags), 0);
  LD64(RDX, RCX, (int32_t)offsetof(Func, jit));
  TESTRR(RDX, RDX);
  fixup(a, jcc(a, CC_E), 0, TO_TOP0);               /* not compiled: the interpreter runs the callee */
  LD64(RDX, RDX, 0);
  TESTRR(RDX, RDX);
  fixup(a, jcc(a, CC_E), 0, TO_TOP0);
  alu_ri(a, 1, X_ADD, RBX, RV(A + 1));
  alu_ri(a, 1, X_ADD, R14, nf);
  rr(a, 0, 0xff, 2, RDX);                            /* call rdx */
  alu_ri(a, 1, X_SUB, R14, nf);
  alu_ri(a, 1, X_SUB, RBX, RV(A + 1));
}

/* RETURN (R[A], or None): the RETURN_FAST case; `ret` to compiled caller code. */
static void ret(Asm *a, int32_t A) {
  LD32(RAX, R14, (int32_t)offsetof(Frame, flags));
  rm(a, 1, 0x0b, RAX, R14, (int32_t)offsetof(Frame, ret));   /* or rax, [ret|gen] */
  exit_if(a, CC_NE);
  if (A >= 0) copy_value(a, RBX, -16, RBX, RV(A));
  else { st_imm(a, 1, RBX, -16, 0); put_tag(a, RBX, -16, T_NONE); }
  LD32(RAX, R12, VMF(nframes));
  alu_ri(a, 0, X_SUB, RAX, 1);
  ST32(R12, VMF(nframes), RAX);
  CMP32M(RAX, R12, VMF(jit_base));
  fixup(a, jcc(a, CC_B), 0, TO_CALLER);             /* the caller is not ours: hand back */
  b1(a, 0xc3);
}

/* Compare-and-test at pc (the JMP at pc + 1): when (R[x] rel y) != k skip the
 * JMP (to pc + 2), else fall into it.  rel: 0 <, 1 <=, 2 >, 3 >=, 4 ==; ints,
 * and floats for the orderings of two registers (TEST_CMP), else hand back. */
static void test(Asm *a, uint32_t pc, int rel, uint32_t x, bool imm, int32_t y, uint32_t k) {
  static const int icc[] = {CC_L, CC_LE, CC_G, CC_GE, CC_E};
  LD32(RAX, RBX, RV(x) + TAG);
  alu_ri(a, 0, X_CMP, RAX, T_INT);
  if (imm) {
    exit_if(a, CC_NE);
    cmp_mi(a, 1, RBX, RV(x), y);
    goto_pc_if(a, k ? icc[rel] ^ 1 : icc[rel], pc + 2);
    return;
  }
  uint32_t nint = jcc(a, CC_NE);
  LD32(RDX, RBX, RV((uint32_t)y) + TAG);
  alu_ri(a, 0, X_CMP, RDX, T_INT); exit_if(a, CC_NE);
  LD64(RCX, RBX, RV(x));
  CMP64M(RCX, RBX, RV((uint32_t)y));
  goto_pc_if(a, k ? icc[rel] ^ 1 : icc[rel], pc + 2);
  uint32_t done = jmp(a);
  here(a, nint);
  if (rel == 4) exit_now(a);
  else {
    alu_ri(a, 0, X_CMP, RAX, T_FLOAT); exit_if(a, CC_NE);
    cmp_mi(a, 0, RBX, RV((uint32_t)y) + TAG, T_FLOAT); exit_if(a, CC_NE);
    bool swap = rel == 0 || rel == 1;                   /* as compare_al */
    MOVSD_LD(0, RBX, RV(swap ? (uint32_t)y : x));
    MOVSD_LD(1, RBX, RV(swap ? x : (uint32_t)y));
    sse_rr(a, 0x66, 0x2e, 0, 1);
    int fcc = rel == 0 || rel == 2 ? CC_A : CC_AE;
    goto_pc_if(a, k ? fcc ^ 1 : fcc, pc + 2);
  }
  here(a, done);
}

/* If R[r] has tag `tag`: run helper fn for instruction i, then go on at pc + 1. */
static void helper_if(Asm *a, uint32_t r, uint32_t tag, Helper fn, uint32_t i) {
  cmp_mi(a, 0, RBX, RV(r) + TAG, (int32_t)tag);
  uint32_t skip = jcc(a, CC_NE);
  helper(a, fn, i);
  goto_pc(a, a->pc + 1);
  here(a, skip);
}

/* Compile instruction pc; false: not compiled (its code is its exit). */
static bool compile_one(Asm *a, const Func *fn, uint32_t pc) {
  uint32_t i = fn->code[pc], A = GET_A(i), B = GET_B(i), C = GET_C(i), Bx = GET_Bx(i);
  int32_t sBx = GET_sBx(i), sJ = GET_sJ(i);
  switch (GET_OP(i)) {
  case OP_NOP: return true;
  case OP_MOVE: copy_value(a, RBX, RV(A), RBX, RV(B)); return true;
  case OP_LOADK: LD64(RAX, R12, VMF(consts)); copy_value(a, RBX, RV(A), RAX, (int32_t)Bx * 16); return true;
  case OP_LOADI: st_imm(a, 1, RBX, RV(A), sBx); put_tag(a, RBX, RV(A), T_INT); return true;
  case OP_LOADNONE: st_imm(a, 1, RBX, RV(A), 0); put_tag(a, RBX, RV(A), T_NONE); return true;
  case OP_LOADBOOL: st_imm(a, 1, RBX, RV(A), B != 0); put_tag(a, RBX, RV(A), T_BOOL); return true;
  case OP_GETGLOBAL:
    LD64(RAX, R12, VMF(globals));
    cmp_mi(a, 0, RAX, (int32_t)Bx * 16 + TAG, T_UNBOUND); exit_if(a, CC_E);
    copy_value(a, RBX, RV(A), RAX, (int32_t)Bx * 16);
    return true;
  case OP_SETGLOBAL: LD64(RAX, R12, VMF(globals)); copy_value(a, RAX, (int32_t)Bx * 16, RBX, RV(A)); return true;
  case OP_ADD: case OP_IADD: helper_if(a, B, T_STR, h_add_str, i); emit_arith(a, AR_ADD, A, B, C); return true;
  case OP_SUB: case OP_ISUB: emit_arith(a, AR_SUB, A, B, C); return true;
  case OP_MUL: case OP_IMUL: emit_arith(a, AR_MUL, A, B, C); return true;
  case OP_TRUEDIV: case OP_ITRUEDIV: truediv(a, A, B, C); return true;
  case OP_POW: case OP_IPOW: fpow(a, A, B, C); return true;
  case OP_FLOORDIV: case OP_IFLOORDIV: divmod(a, false, A, B, C); return true;
  case OP_MOD: case OP_IMOD: divmod(a, true, A, B, C); return true;
  case OP_ADDI: case OP_IADDI: case OP_SUBI: case OP_ISUBI: {
    bool sub = GET_OP(i) == OP_SUBI || GET_OP(i) == OP_ISUBI;
    guard_tag(a, RV(B), T_INT);
    LD64(RAX, RBX, RV(B));
    alu_ri(a, 1, sub ? X_SUB : X_ADD, RAX, (int8_t)C);
    exit_if(a, CC_O);
    ST64(RBX, RV(A), RAX);
    put_tag(a, RBX, RV(A), T_INT);
    return true;
  }
  case OP_NOT:
    guard_tag(a, RV(B), T_BOOL);
    LD64(RAX, RBX, RV(B));
    alu_ri(a, 1, X_XOR, RAX, 1);
    ST64(RBX, RV(A), RAX);
    put_tag(a, RBX, RV(A), T_BOOL);
    return true;
  case OP_LT: case OP_LE: case OP_GT: case OP_GE: case OP_EQ: case OP_NE: {
    int op = GET_OP(i), rel = op == OP_LT ? 0 : op == OP_LE ? 1 : op == OP_GT ? 2 : op == OP_GE ? 3 : 4;
    compare_al(a, rel, B, false, (int32_t)C, rel < 4);
    rr(a, 0, 0x0fb6, RAX, RAX);                       /* movzx eax, al */
    if (op == OP_NE) alu_ri(a, 0, X_XOR, RAX, 1);
    ST64(RBX, RV(A), RAX);
    put_tag(a, RBX, RV(A), T_BOOL);
    return true;
  }
  case OP_IS: case OP_ISNOT: {
    /* same tag and (None, or the same payload) */
    LD32(RAX, RBX, RV(B) + TAG);
    CMP32M(RAX, RBX, RV(C) + TAG);
    uint32_t no = jcc(a, CC_NE);
    alu_ri(a, 0, X_CMP, RAX, T_NONE);
    uint32_t yes = jcc(a, CC_E);
    LD64(RCX, RBX, RV(B));
    CMP64M(RCX, RBX, RV(C));
    uint32_t no2 = jcc(a, CC_NE);
    here(a, yes);
    rr(a, 0, 0xc7, 0, RAX); b4(a, GET_OP(i) == OP_IS);   /* mov eax, imm */
    uint32_t done = jmp(a);
    here(a, no); here(a, no2);
    rr(a, 0, 0xc7, 0, RAX); b4(a, GET_OP(i) != OP_IS);
    here(a, done);
    ST64(RBX, RV(A), RAX);
    put_tag(a, RBX, RV(A), T_BOOL);
    return true;
  }
  case OP_TLT: case OP_TLE: case OP_TGT: case OP_TGE: case OP_TEQ:
  case OP_TLTI: case OP_TLEI: case OP_TGTI: case OP_TGEI: case OP_TEQI: case OP_TNONE: {
    int op = GET_OP(i);
    if (op == OP_TNONE) {
      cmp_mi(a, 0, RBX, RV(A) + TAG, T_NONE);
      goto_pc_if(a, C ? CC_NE : CC_E, pc + 2);       /* outcome != k: skip the JMP */
      return true;
    }
    bool imm = op >= OP_TLTI;
    test(a, pc, imm ? op - OP_TLTI : op - OP_TLT, A, imm, imm ? (int8_t)B : (int32_t)B, C);
    return true;
  }
  case OP_JMP: {
    uint32_t target = (uint32_t)((int32_t)pc + 1 + sJ);
    if (sJ < 0) safe_point(a);
    goto_pc(a, target);
    return true;
  }
  case OP_JMPIF: case OP_JMPIFNOT: {
    if (sBx < 0) return false;
    uint32_t target = (uint32_t)((int32_t)pc + 1 + sBx);
    bool jif = GET_OP(i) == OP_JMPIF;
    LD32(RAX, RBX, RV(A) + TAG);
    alu_ri(a, 0, X_CMP, RAX, T_BOOL);
    uint32_t num = jcc(a, CC_E);
    alu_ri(a, 0, X_CMP, RAX, T_INT);
    uint32_t num2 = jcc(a, CC_E);
    alu_ri(a, 0, X_CMP, RAX, T_NONE); exit_if(a, CC_NE);
    if (!jif) goto_pc(a, target); else goto_pc(a, pc + 1);
    here(a, num); here(a, num2);
    cmp_mi(a, 1, RBX, RV(A), 0);
    goto_pc_if(a, jif ? CC_NE : CC_E, target);
    return true;
  }
  case OP_FORITER: case OP_FORNEXT: {
    uint32_t ex[3];
    bool next = GET_OP(i) == OP_FORNEXT;
    if (!next && sBx < 0) return false;
    iter_step(a, A, next ? C : A + 1, ex);
    goto_pc(a, next ? pc + 2 : pc + 1);
    here(a, ex[0]); here(a, ex[1]); here(a, ex[2]);
    if (!next) goto_pc(a, (uint32_t)((int32_t)pc + 1 + sBx));
    return true;                                       /* FORNEXT exhausted: falls into the JMP */
  }
  case OP_IN: case OP_NOTIN: helper(a, h_in_dict, i); return true;
  case OP_GETITER: helper(a, h_getiter, i); return true;
  case OP_GETITEM: helper_if(a, B, T_DICT, h_getitem_dict, i); index_addr(a, B, false, 0, C, false); copy_value(a, RBX, RV(A), RAX, 0); return true;
  case OP_GETITEMI: index_addr(a, B, true, (int8_t)C, 0, false); copy_value(a, RBX, RV(A), RAX, 0); return true;
  case OP_SETITEM: helper_if(a, A, T_DICT, h_setitem_dict, i); index_addr(a, A, false, 0, B, true); copy_value(a, RAX, 0, RBX, RV(C)); return true;
  case OP_SETITEMI: index_addr(a, A, true, (int8_t)B, 0, true); copy_value(a, RAX, 0, RBX, RV(C)); return true;
  case OP_GETATTR: attr_slot(a, A, Bx); copy_value(a, RBX, RV(A), RCX, 0); return true;
  case OP_GETATTRK: attr_slot(a, B, C); copy_value(a, RBX, RV(A), RCX, 0); return true;
  case OP_SETATTR: attr_slot(a, A, Bx); copy_value(a, RCX, 0, RBX, RV(A + 1)); return true;
  case OP_SETATTRK: attr_slot(a, A, B); copy_value(a, RCX, 0, RBX, RV(C)); return true;
  case OP_METHOD: case OP_METHODK: {
    bool kf = GET_OP(i) == OP_METHODK;
    uint32_t self = kf ? B : A + 1, k = kf ? C : Bx;
    int32_t ck = (int32_t)(k * sizeof(AttrCache));
    guard_tag(a, RV(self), T_INSTANCE);
    LD32(RCX, RBX, RV(self));
    rr(a, 1, 0x03, RCX, R13);
    LD64(RDX, R12, VMF(acache));
    LD32(RAX, RCX, (int32_t)offsetof(Instance, cls));
    CMP32M(RAX, RDX, ck + (int32_t)offsetof(AttrCache, cls)); exit_if(a, CC_NE);
    cmp_mi(a, 0, RDX, ck + (int32_t)offsetof(AttrCache, method), 0); exit_if(a, CC_E);
    if (kf) copy_value(a, RBX, RV(A + 1), RBX, RV(B));
    copy_value(a, RBX, RV(A), RDX, ck + (int32_t)offsetof(AttrCache, v));
    return true;
  }
  case OP_CALL:
    helper_if(a, A, T_NATIVE, h_call_native, i);
    guard_tag(a, RV(A), T_FUNC);
    LD32(RAX, RBX, RV(A));
    call(a, A, Bx, -1);
    return true;
  case OP_CALLG:
    LD64(RAX, R12, VMF(globals));
    cmp_mi(a, 0, RAX, (int32_t)(Bx >> 4) * 16 + TAG, T_NATIVE);
    {
      uint32_t skip = jcc(a, CC_NE);
      helper(a, h_call_native, i);
      goto_pc(a, pc + 1);
      here(a, skip);
    }
    LD64(RAX, R12, VMF(globals));
    cmp_mi(a, 0, RAX, (int32_t)(Bx >> 4) * 16 + TAG, T_FUNC); exit_if(a, CC_NE);
    LD32(RAX, RAX, (int32_t)(Bx >> 4) * 16);
    call(a, A, Bx & 15, (int32_t)(Bx >> 4));
    return true;
  case OP_NEWTUPLE: {             /* heap_bump inline (below 4 KiB: no fuel) */
    uint32_t size = (uint32_t)ALIGN_UP(sizeof(Tuple) + C * sizeof(Value), 8);
    if (size >= 4096) return false;
    LD64(RAX, R12, VMF(heap_top));
    LD64(RCX, R12, VMF(heap_hi));
    rr(a, 1, 0x2b, RCX, RAX);                        /* rcx = heap_hi - heap_top */
    alu_ri(a, 1, X_CMP, RCX, (int32_t)size); exit_if(a, CC_B);
    LEA(RDX, RAX, (int32_t)size);
    ST64(R12, VMF(heap_top), RDX);
    LEA(RCX, RAX, 0);
    ADDRR(RCX, R13);
    st_imm(a, 0, RCX, (int32_t)offsetof(ObjHdr, type), T_TUPLE);
    st_imm(a, 0, RCX, (int32_t)offsetof(ObjHdr, size), (int32_t)size);
    st_imm(a, 0, RCX, (int32_t)offsetof(ObjHdr, fwd), 0);
    st_imm(a, 0, RCX, (int32_t)offsetof(ObjHdr, mark), 0);
    st_imm(a, 0, RCX, (int32_t)offsetof(Tuple, len), (int32_t)C);
    st_imm(a, 0, RCX, (int32_t)offsetof(Tuple, pad), 0);
    for (uint32_t k = 0; k < C; k++) copy_value(a, RCX, (int32_t)(offsetof(Tuple, v) + 16 * k), RBX, RV(B + k));
    ST64(RBX, RV(A), RAX);
    put_tag(a, RBX, RV(A), T_TUPLE);
    return true;
  }
  case OP_CATCHK:                 /* all str: nothing to add yet */
    for (uint32_t k = 0; k < B; k++) guard_tag(a, RV(A + k), T_STR);
    return true;
  case OP_RETURN: ret(a, (int32_t)A); return true;
  case OP_RETNONE: ret(a, -1); return true;
  default: return false;
  }
}

/* ---- functions and the shared code --------------------------------------- */

static void push_pop(Asm *a, bool push) {
  static const int regs[] = {RBP, RBX, R12, R13, R14, R15};
  for (int k = 0; k < 6; k++) {
    int r = push ? regs[k] : regs[5 - k];
    if (r >= 8) b1(a, 0x41);
    b1(a, (push ? 0x50u : 0x58u) + (uint32_t)(r & 7));
  }
}

/* jit_run (JitRun) at offset 0, then the hand-back tails. */
static void shared_code(Asm *a) {
  push_pop(a, true);
  alu_ri(a, 1, X_SUB, RSP, 8);
  ST64(RSI, VMF(jit_sp), RSP);
  MOVRR(RBX, RDI);
  MOVRR(R12, RSI);
  MOVRR(R14, RDX);
  LD64(R13, RSI, VMF(mem));
  LD32(RAX, RSI, VMF(nframes));
  ST32(RSI, VMF(jit_base), RAX);
  rr(a, 0, 0xff, 4, RCX);                            /* jmp rcx */
  a->exit_common = (uint32_t)a->n;                   /* eax: the pc to resume at */
  LD64(RSP, R12, VMF(jit_sp));
  alu_ri(a, 1, X_ADD, RSP, 8);
  push_pop(a, false);
  b1(a, 0xc3);
  a->exit_top0 = (uint32_t)a->n;                     /* a callee's first instruction */
  rr(a, 0, 0x33, RAX, RAX);                          /* xor eax, eax */
  patch_to(a, jmp(a), a->exit_common);
  a->exit_caller = (uint32_t)a->n;                   /* the caller's next instruction */
  LD32(RAX, R14, (int32_t)offsetof(Frame, pc) - (int32_t)sizeof(Frame));
  patch_to(a, jmp(a), a->exit_common);
}

/* Compile function f; its entries go to entry[0 .. code_len). */
static void compile_func(Asm *a, VM *vm, uint32_t f, const void **entry) {
  const Func *fn = &vm->funcs[f];
  uint32_t n = fn->code_len;
  uint32_t *stub = malloc((size_t)n * 4 + 4);
  bool *ok = malloc((size_t)n + 1);
  a->at = malloc((size_t)n * 4 + 4);
  if (!stub || !ok || !a->at) { a->full = true; goto out; }
  a->nfix = 0;
  for (uint32_t pc = 0; pc < n; pc++) {
    size_t start = a->n;
    uint32_t nfix = a->nfix;
    a->at[pc] = (uint32_t)a->n;
    a->pc = pc;
    ok[pc] = compile_one(a, fn, pc);
    jit_stats.compiled += ok[pc];
    if (!ok[pc]) { a->n = start; a->nfix = nfix; exit_now(a); }
  }
  for (uint32_t pc = 0; pc < n; pc++) {               /* exit stubs: mov eax, pc; jmp exit */
    stub[pc] = (uint32_t)a->n;
    b1(a, 0xb8); b4(a, pc);
    patch_to(a, jmp(a), a->exit_common);
  }
  for (uint32_t k = 0; k < a->nfix; k++) {
    Fixup x = a->fix[k];
    uint32_t to = x.to == TO_CODE ? a->at[x.pc] : x.to == TO_STUB ? stub[x.pc] : x.to == TO_TOP0 ? a->exit_top0 : a->exit_caller;
    patch_to(a, x.at, to);
  }
  if (a->full) goto out;
  /* Entries from the interpreter: a function's start, and compiled
   * instructions that begin a run of at least JIT_MIN_RUN (shorter runs
   * would cost more to enter and leave than they save). */
  for (uint32_t pc = n, run = 0; pc-- > 0;) {
    run = ok[pc] ? run + 1 : 0;
    entry[pc] = ok[pc] && (pc == 0 || run >= JIT_MIN_RUN) ? a->buf + a->at[pc] : NULL;
  }
out:
  free(stub); free(ok); free(a->at);
  a->at = NULL;
}

bool jit_compile(VM *vm) {
  memset(&jit_stats, 0, sizeof jit_stats);
  if (!vm_jit_enabled) return false;
  uint64_t t0 = plat_clock_ns();
  size_t total = 0;
  for (uint32_t f = 0; f < vm->nfuncs; f++) total += vm->funcs[f].code_len;
  size_t cap = (4096 + total * 320 + 4095) & ~(size_t)4095;
  void *buf = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  const void **entries = calloc(total + 1, sizeof *entries);
  if (buf == MAP_FAILED || !entries) {
    if (buf != MAP_FAILED) munmap(buf, cap);
    free(entries);
    return false;
  }
  Asm a = {.buf = buf, .cap = cap};
  shared_code(&a);
  size_t off = 0;
  for (uint32_t f = 0; f < vm->nfuncs && !a.full; f++) {
    compile_func(&a, vm, f, entries + off);
    off += vm->funcs[f].code_len;
  }
  free(a.fix);
  if (a.full || mprotect(buf, cap, PROT_READ | PROT_EXEC) != 0) {
    munmap(buf, cap);
    free(entries);
    return false;
  }
  off = 0;
  for (uint32_t f = 0; f < vm->nfuncs; f++) {
    vm->funcs[f].jit = entries + off;
    off += vm->funcs[f].code_len;
  }
  vm->jit_mem = buf;
  vm->jit_len = cap;
  vm->jit_entries = entries;
  jit_stats.instructions = (uint32_t)total;
  jit_stats.bytes = a.n;
  jit_stats.compile_ns = plat_clock_ns() - t0;
  return true;
}

void jit_release(VM *vm) {
  if (!vm->jit_mem) return;
  for (uint32_t f = 0; f < vm->nfuncs; f++) vm->funcs[f].jit = NULL;
  munmap(vm->jit_mem, vm->jit_len);
  free(vm->jit_entries);
  vm->jit_mem = NULL;
  vm->jit_entries = NULL;
}
#endif
