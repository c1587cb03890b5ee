/*
 * interp.c -- the interpreter loop: direct-threaded dispatch (computed goto)
 * over verified register bytecode.  Calls and loop back-edges are the safe
 * points: there the whole machine state is in the arena (frames, registers,
 * heap), none of it only in C locals.
 */
#include "vm.h"
#include "opcodes.h"
#include "platform.h"
#include "format.h"

#ifdef DRIFT_FUZZ
uint64_t vm_fuel;
#endif

/* The source line of instruction `pc` of function `func`. */
uint32_t vm_line_of(VM *vm, uint32_t func, uint32_t pc) {
  Func *fn = &vm->funcs[func];
  uint32_t line = fn->first_line;
  for (uint32_t k = 0; k < fn->line_count; k++) {
    const uint8_t *rec = fn->lines + k * FMT_LINE_SIZE;
    if (rd32(rec + LINE_pc) > pc) break;
    line = rd32(rec + LINE_line);
  }
  return line;
}

static bool name_is(const char *a, const char *b) {
  size_t n = strlen(b);
  return strlen(a) == n && !memcmp(a, b, n);
}

static bool takes_keywords(uint32_t native) {
  const char *n = bi_natives[native].name;
  return name_is(n, "print") || name_is(n, "sorted") || name_is(n, "sort") || name_is(n, "dict");
}

static Str *func_name(VM *vm, uint32_t f) { return OBJ(vm, vm->strings[vm->funcs[f].name], Str); }

/* Look up method `name` on `self`; cached per constant in vm->mcache. */
static bool find_method(VM *vm, Value self, uint32_t k, Value *out) {
  uint32_t c = vm->mcache[k];
  if (likely((c >> 16) == self.tag && c)) { *out = v_native((c & 0xffff) - 1); return true; }
  Str *name = AS(vm, vm->consts[k], Str);
  int ix = bi_lookup_method(self.tag, name->data, name->nbytes);
  if (ix < 0) return exc_raise(vm, E_AttributeError, "'%T' object has no attribute '%S'", self, name);
  vm->mcache[k] = self.tag << 16 | (uint32_t)(ix + 1);
  *out = v_native((uint32_t)ix);
  return true;
}

static bool unpack(VM *vm, Value src, Value *dst, uint32_t n) {
  Value *items = NULL;
  uint32_t len = 0;
  if (src.tag == T_TUPLE) { items = AS(vm, src, Tuple)->v; len = AS(vm, src, Tuple)->len; }
  else if (src.tag == T_LIST) { items = list_items(vm, AS(vm, src, List)); len = AS(vm, src, List)->len; }
  else {
    Value it, item;
    int r;
    if (!vm_getiter(vm, src, &it)) return false;
    for (len = 0; (r = vm_next(vm, it, &item)) == 1; len++) {
      if (len == n) return exc_raise(vm, E_ValueError, "too many values to unpack (expected %d)", (int64_t)n);
      dst[len] = item;
    }
    if (r < 0) return false;
    if (len < n) return exc_raise(vm, E_ValueError, "not enough values to unpack (expected %d, got %d)", (int64_t)n, (int64_t)len);
    return true;
  }
  if (len > n) return exc_raise(vm, E_ValueError, "too many values to unpack (expected %d)", (int64_t)n);
  if (len < n) return exc_raise(vm, E_ValueError, "not enough values to unpack (expected %d, got %d)", (int64_t)n, (int64_t)len);
  memmove(dst, items, n * sizeof(Value));
  return true;
}

static bool call_error(VM *vm, uint32_t f, int nargs, int nkw, Value *kw) {
  Func *fn = &vm->funcs[f];
  Str *name = func_name(vm, f);
  if (nkw && kw[0].tag != T_STR) return exc_raise(vm, E_TypeError, "keywords must be strings");  /* hostile bytecode */
  if (nkw) return exc_raise(vm, E_TypeError, "%S() got an unexpected keyword argument '%S'", name, AS(vm, kw[0], Str));
  if (nargs < fn->nparams) {
    int64_t miss = fn->nparams - nargs;
    return exc_raise(vm, E_TypeError, "%S() missing %d required positional argument%s", name, miss, miss == 1 ? "" : "s");
  }
  return exc_raise(vm, E_TypeError, "%S() takes %d positional argument%s but %d %s given", name, (int64_t)fn->nparams,
                   fn->nparams == 1 ? "" : "s", (int64_t)nargs, nargs == 1 ? "was" : "were");
}

/* Instructions that change nothing when they fail for lack of memory, so
 * they can run again after a collection. */
static bool retry_after_gc(uint32_t op) {
  switch (op) {
  case OP_NEWLIST: case OP_NEWTUPLE: case OP_NEWDICT: case OP_NEWSLICE: case OP_BUILDSTR: case OP_FORMAT:
  case OP_TOSTR: case OP_ADD: case OP_MUL: case OP_IADD: case OP_GETATTR: case OP_NEWCLASS: case OP_SUPER:
  case OP_GETITEM:
    return true;
  default:
    return false;
  }
}

/* The handler for instruction `at` of function `fi` in its exception table, or -1. */
static int64_t find_handler(VM *vm, uint32_t fi, uint32_t at, uint32_t *reg) {
  Func *fn = &vm->funcs[fi];
  for (uint32_t k = 0; k < fn->nexc; k++) {
    const uint8_t *e = fn->exctab + k * FMT_EXC_SIZE;
    if (at >= rd32(e + EXC_start) && at < rd32(e + EXC_end)) { *reg = rd32(e + EXC_reg); return rd32(e + EXC_handler); }
  }
  return -1;
}

/* A fresh exception: its __context__ is the one being handled (without cycles). */
static void set_context(VM *vm) {
  Value h = vm->handling, e = vm->exc_val;
  if (!exc_is_instance(vm, h) || !exc_is_instance(vm, e) || h.as.r == e.as.r) return;
  for (Value c = h; exc_is_instance(vm, c);) {      /* break a cycle through e */
    Value next = AS(vm, c, Instance)->x[EX_CONTEXT];
    if (exc_is_instance(vm, next) && next.as.r == e.as.r) { AS(vm, c, Instance)->x[EX_CONTEXT] = v_none(); break; }
    c = next;
  }
  AS(vm, e, Instance)->x[EX_CONTEXT] = h;
}

/* CALL of something that is neither a function nor a native: rewrite the
 * call window R[0..] (callee, nargs arguments, nkw keyword pairs) into a
 * call of a function or native.  1: call *f again, 0: error (raised),
 * -1: not callable.  *ret receives a Frame.ret mode for the callee. */
static int call_adjust(VM *vm, Value *W, int *nargs, int nkw, Value *f, uint32_t *ret) {
  size_t room = vm->stack_size - (size_t)(W - vm->stack);
  size_t n = (size_t)*nargs + 2 * (size_t)nkw;
  if (f->tag == T_NOSELF) {                          /* METHOD found a plain attribute: drop self */
    W[0] = W[1];
    memmove(W + 1, W + 2, (n - 1) * sizeof(Value));
    --*nargs;
    *f = W[0];
    return 1;
  }
  Value self = v_none(), fn = v_none();
  if (f->tag == T_WRAP) {
    Wrap *w = AS(vm, *f, Wrap);
    if (w->kind == W_STATIC) { *f = W[0] = w->a; return 1; }
    if (w->kind != W_BOUND) return -1;
    self = w->a; fn = w->b;
  } else if (f->tag == T_INSTANCE) {
    Value name;
    bool found;
    if (!str_value(vm, "__call__", 8, &name)) return 0;
    found = cls_lookup(vm, AS(vm, *f, Instance)->cls, AS(vm, name, Str), &fn);
    if (!found) return -1;
    self = *f;
  } else if (f->tag == T_CLASS) {
    Value cls = *f, init, inst;
    Class *c = AS(vm, cls, Class);
    Value name;
    if (!str_value(vm, "__init__", 8, &name)) return 0;
    bool has_init = cls_lookup(vm, (Ref)cls.as.r, AS(vm, name, Str), &init);
    c = AS(vm, cls, Class);
    if (c->flags & CF_EXC) {
      if (!exc_new(vm, (Ref)cls.as.r, W + 1, *nargs, &inst)) return 0;
      if (!has_init || init.tag == T_NATIVE) {
        if (nkw) return exc_raise(vm, E_TypeError, "%S() takes no keyword arguments", OBJ(vm, c->name, Str));
        W[0] = inst;
        return 2;
      }
    } else {
      Ref r = heap_alloc(vm, T_INSTANCE, sizeof(Instance));
      if (!r) return 0;
      OBJ(vm, r, Instance)->cls = (Ref)cls.as.r;
      inst = v_obj(T_INSTANCE, r);
      if (!has_init || init.tag == T_NATIVE) {
        if (*nargs || nkw) return exc_raise(vm, E_TypeError, "%S() takes no arguments", OBJ(vm, AS(vm, cls, Class)->name, Str));
        W[0] = inst;
        return 2;
      }
    }
    if (n + 2 > room) return exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded");
    memmove(W + 2, W + 1, n * sizeof(Value));
    W[0] = W[1] = inst;
    ++*nargs;
    *f = init;
    *ret = FR_INIT;
    return 1;
  } else {
    return -1;
  }
  if (n + 2 > room) return exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded");
  memmove(W + 2, W + 1, n * sizeof(Value));
  W[1] = self;
  W[0] = *f = fn;
  ++*nargs;
  return 1;
}

/* Run the program from its entry function.  Returns an exit status (status.def). */
int vm_execute(VM *vm) {
  static const void *const labels[] = {
#define OP(name, fmt, a, b, c, doc) &&L_##name,
#include "opcodes.def"
#undef OP
  };
  Value *const K = vm->consts;
  Value *const G = vm->globals;
  Frame *fr = &vm->frames[0];
  Func *fn = &vm->funcs[0];
  const uint32_t *code = fn->code, *pc = code;
  Value *R = vm->stack;
  uint32_t i;
  Value t;
  uint32_t pending_ret = 0;           /* Frame.ret for the next frame CALL pushes */
  const uint32_t *retry_pc = NULL;    /* the last instruction re-run after a MemoryError */

  vm->nframes = 1;
  fr->func = 0; fr->base = 0; fr->pc = 0; fr->ret = 0;
  for (uint32_t k = 0; k < fn->nregs; k++) R[k] = v_none();
  plat_first_instruction();

#define A GET_A(i)
#define B GET_B(i)
#define C GET_C(i)
#define RA R[GET_A(i)]
#define RB R[GET_B(i)]
#define RC R[GET_C(i)]
#define NEXT() goto *labels[GET_OP(i = *pc++)]
#define CHECK(x) do { if (unlikely(!(x))) goto error; } while (0)
#define SAVE() (fr->pc = (uint32_t)(pc - code))
#ifdef DRIFT_FUZZ
#define FUEL() do { SAVE(); if (FUEL_OUT(vm)) goto error; } while (0)   /* backward jumps, calls */
#else
#define FUEL() ((void)0)
#endif

  NEXT();

L_NOP: NEXT();
L_MOVE: RA = RB; NEXT();
L_LOADK: RA = K[GET_Bx(i)]; NEXT();
L_LOADI: RA = v_int(GET_sBx(i)); NEXT();
L_LOADNONE: RA = v_none(); NEXT();
L_LOADBOOL: RA = v_bool(B != 0); NEXT();
L_GETGLOBAL:
  t = G[GET_Bx(i)];
  if (unlikely(t.tag == T_UNBOUND)) {
    uint32_t gi = GET_Bx(i);
    Str *name = OBJ(vm, vm->strings[rd32(vm->global_names + 4 * gi)], Str);
    SAVE();
    uint32_t k = 0;
    while (k < name->nbytes && name->data[k] != '.') k++;
    if (k < name->nbytes && k < 64) {   /* "module.attr", bound by `import module` at compile time */
      char mod[64];
      memcpy(mod, name->data, k);
      mod[k] = 0;
      exc_raise(vm, E_AttributeError, "module '%s' has no attribute '%s'", mod, name->data + k + 1);
    } else
      exc_raise(vm, E_NameError, "name '%S' is not defined", name);
    goto error;
  }
  RA = t;
  NEXT();
L_SETGLOBAL: G[GET_Bx(i)] = RA; NEXT();

#define INT_FAST(op, builtin)                                                     \
  if (likely(RB.tag == T_INT && RC.tag == T_INT)) {                               \
    int64_t r_;                                                                   \
    if (likely(!builtin(RB.as.i, RC.as.i, &r_))) { RA = v_int(r_); NEXT(); }      \
  } else if (RB.tag == T_FLOAT && RC.tag == T_FLOAT) { RA = v_float(RB.as.f op RC.as.f); NEXT(); }
#define SLOW_ARITH(opc) SAVE(); CHECK(arith(vm, opc, RB, RC, &t)); RA = t; NEXT();

#define STR_FAST                                                                  \
  if (RB.tag == T_STR && RC.tag == T_STR) { SAVE(); CHECK(str_concat(vm, RB, RC, &t)); RA = t; NEXT(); }
L_ADD: INT_FAST(+, __builtin_add_overflow) STR_FAST SLOW_ARITH(OP_ADD)
L_SUB: INT_FAST(-, __builtin_sub_overflow) SLOW_ARITH(OP_SUB)
L_MUL: INT_FAST(*, __builtin_mul_overflow) SLOW_ARITH(OP_MUL)
L_IADD: INT_FAST(+, __builtin_add_overflow) STR_FAST SLOW_ARITH(OP_IADD)
L_TRUEDIV: SLOW_ARITH(OP_TRUEDIV)
L_FLOORDIV:
  if (RB.tag == T_INT && RC.tag == T_INT && RC.as.i > 0) {
    int64_t q = RB.as.i / RC.as.i;
    if ((RB.as.i % RC.as.i) < 0) q--;
    RA = v_int(q);
    NEXT();
  }
  SLOW_ARITH(OP_FLOORDIV)
L_MOD:
  if (RB.tag == T_INT && RC.tag == T_INT && RC.as.i > 0) {
    int64_t m = RB.as.i % RC.as.i;
    RA = v_int(m < 0 ? m + RC.as.i : m);
    NEXT();
  }
  SLOW_ARITH(OP_MOD)
L_POW: SLOW_ARITH(OP_POW)
L_BAND:
  if (RB.tag == T_INT && RC.tag == T_INT) { RA = v_int(RB.as.i & RC.as.i); NEXT(); }
  SLOW_ARITH(OP_BAND)
L_BOR:
  if (RB.tag == T_INT && RC.tag == T_INT) { RA = v_int(RB.as.i | RC.as.i); NEXT(); }
  SLOW_ARITH(OP_BOR)
L_BXOR:
  if (RB.tag == T_INT && RC.tag == T_INT) { RA = v_int(RB.as.i ^ RC.as.i); NEXT(); }
  SLOW_ARITH(OP_BXOR)
L_SHL: SLOW_ARITH(OP_SHL)
L_SHR: SLOW_ARITH(OP_SHR)
#define ARITH_IMM(opc, builtin)                                                   \
  {                                                                               \
    int64_t r_;                                                                   \
    if (likely(RB.tag == T_INT) && !builtin(RB.as.i, (int64_t)(int8_t)C, &r_)) { RA = v_int(r_); NEXT(); } \
    SAVE();                                                                       \
    CHECK(arith(vm, opc, RB, v_int((int8_t)C), &t));                              \
    RA = t;                                                                       \
    NEXT();                                                                       \
  }
L_ADDI: ARITH_IMM(OP_ADD, __builtin_add_overflow)
L_SUBI: ARITH_IMM(OP_SUB, __builtin_sub_overflow)
L_IADDI: ARITH_IMM(OP_IADD, __builtin_add_overflow)
L_NEG: SAVE(); CHECK(unary(vm, OP_NEG, RB, &t)); RA = t; NEXT();
L_POS: SAVE(); CHECK(unary(vm, OP_POS, RB, &t)); RA = t; NEXT();
L_INVERT: SAVE(); CHECK(unary(vm, OP_INVERT, RB, &t)); RA = t; NEXT();
L_NOT: RA = v_bool(!truthy(vm, RB)); NEXT();

#define CMP_FAST(op, code)                                                        \
  if (likely(RB.tag == T_INT && RC.tag == T_INT)) { RA = v_bool(RB.as.i op RC.as.i); NEXT(); } \
  if (RB.tag == T_FLOAT && RC.tag == T_FLOAT) { RA = v_bool(RB.as.f op RC.as.f); NEXT(); }     \
  { bool r_; SAVE(); CHECK(compare(vm, code, RB, RC, &r_)); RA = v_bool(r_); NEXT(); }
L_LT: CMP_FAST(<, 0)
L_LE: CMP_FAST(<=, 1)
L_GT: CMP_FAST(>, 2)
L_GE: CMP_FAST(>=, 3)
L_EQ: {
  bool r_;
  if (likely(RB.tag == T_INT && RC.tag == T_INT)) { RA = v_bool(RB.as.i == RC.as.i); NEXT(); }
  SAVE();
  CHECK(values_equal(vm, RB, RC, &r_));
  RA = v_bool(r_);
  NEXT();
}
L_NE: {
  bool r_;
  if (likely(RB.tag == T_INT && RC.tag == T_INT)) { RA = v_bool(RB.as.i != RC.as.i); NEXT(); }
  SAVE();
  CHECK(values_equal(vm, RB, RC, &r_));
  RA = v_bool(!r_);
  NEXT();
}
L_IS: RA = v_bool(RB.tag == RC.tag && (RB.tag == T_NONE || RB.as.r == RC.as.r)); NEXT();
L_ISNOT: RA = v_bool(!(RB.tag == RC.tag && (RB.tag == T_NONE || RB.as.r == RC.as.r))); NEXT();
L_IN: { bool r_; SAVE(); CHECK(contains(vm, RC, RB, &r_)); RA = v_bool(r_); NEXT(); }
L_NOTIN: { bool r_; SAVE(); CHECK(contains(vm, RC, RB, &r_)); RA = v_bool(!r_); NEXT(); }

/* Compare-and-test: the next instruction is a JMP (verified).  When the
 * outcome equals k, take it -- forward jumps inline, backward ones through
 * L_JMP for its safe point -- otherwise skip it. */
#define TEST_DONE(r)                                                              \
  if ((r) == (bool)C) {                                                           \
    int32_t off_ = GET_sJ(*pc);                                                   \
    if (likely(off_ >= 0)) pc += off_ + 1;                                        \
  } else pc++;                                                                    \
  NEXT();
#define TEST_CMP(op, code, bval)                                                  \
  {                                                                               \
    Value b_ = (bval);                                                            \
    bool r_;                                                                      \
    if (likely(RA.tag == T_INT && b_.tag == T_INT)) r_ = RA.as.i op b_.as.i;     \
    else if (RA.tag == T_FLOAT && b_.tag == T_FLOAT) r_ = RA.as.f op b_.as.f;    \
    else { SAVE(); CHECK(compare(vm, code, RA, b_, &r_)); }                       \
    TEST_DONE(r_)                                                                 \
  }
#define TEST_EQ(bval)                                                             \
  {                                                                               \
    Value b_ = (bval);                                                            \
    bool r_;                                                                      \
    if (likely(RA.tag == T_INT && b_.tag == T_INT)) r_ = RA.as.i == b_.as.i;     \
    else { SAVE(); CHECK(values_equal(vm, RA, b_, &r_)); }                        \
    TEST_DONE(r_)                                                                 \
  }
L_TLT: TEST_CMP(<, 0, RB)
L_TLE: TEST_CMP(<=, 1, RB)
L_TGT: TEST_CMP(>, 2, RB)
L_TGE: TEST_CMP(>=, 3, RB)
L_TEQ: TEST_EQ(RB)
L_TLTI: TEST_CMP(<, 0, v_int((int8_t)B))
L_TLEI: TEST_CMP(<=, 1, v_int((int8_t)B))
L_TGTI: TEST_CMP(>, 2, v_int((int8_t)B))
L_TGEI: TEST_CMP(>=, 3, v_int((int8_t)B))
L_TEQI: TEST_EQ(v_int((int8_t)B))
L_TNONE: TEST_DONE(RA.tag == T_NONE)

L_JMP:
  pc += GET_sJ(i);
  if (GET_sJ(i) < 0) FUEL();
  if (GET_sJ(i) < 0 && unlikely(vm->heap_top > vm->gc_at)) {      /* safe point: loop back-edge */
    SAVE();
    gc_collect(vm, (size_t)(R - vm->stack) + vm->funcs[fr->func].nregs);
  }
  NEXT();
L_JMPIF:
  t = RA;
  if (t.tag == T_BOOL ? t.as.i != 0 : truthy(vm, t)) { pc += GET_sBx(i); if (GET_sBx(i) < 0) FUEL(); }
  NEXT();
L_JMPIFNOT:
  t = RA;
  if (!(t.tag == T_BOOL ? t.as.i != 0 : truthy(vm, t))) { pc += GET_sBx(i); if (GET_sBx(i) < 0) FUEL(); }
  NEXT();
L_GETITER: SAVE(); CHECK(vm_getiter(vm, RB, &t)); RA = t; NEXT();
L_FORITER: {
  if (unlikely(RA.tag != T_ITER)) { SAVE(); exc_raise(vm, E_TypeError, "'%T' object is not an iterator", RA); goto error; }
  Iter *it = AS(vm, RA, Iter);
  if (likely(it->kind == IT_RANGE)) {
    if (it->step > 0 ? it->cur < it->stop : it->cur > it->stop) {
      R[A + 1] = v_int(it->cur);
      if (__builtin_add_overflow(it->cur, it->step, &it->cur)) it->cur = it->stop;
      NEXT();
    }
    pc += GET_sBx(i);
    if (GET_sBx(i) < 0) FUEL();
    NEXT();
  }
  SAVE();
  int r = vm_next(vm, RA, &t);
  CHECK(r >= 0);
  if (r) R[A + 1] = t;
  else { pc += GET_sBx(i); if (GET_sBx(i) < 0) FUEL(); }
  NEXT();
}

L_CALL: {
  Value f = RA;
  int nargs = (int)B, nkw = (int)C;
  SAVE();
  FUEL();
  if (unlikely(vm->heap_top > vm->gc_at)) {                          /* safe point: call */
    size_t live = vm->funcs[fr->func].nregs, w = A + 1 + B + 2 * C;  /* synthesized calls use scratch above */
    gc_collect(vm, (size_t)(R - vm->stack) + (w > live ? w : live));
    f = RA;
  }
call_again:
  if (likely(f.tag == T_FUNC)) {
    uint32_t fi = (uint32_t)f.as.i;
    Func *callee = &vm->funcs[fi];
    if (unlikely(nargs != callee->nparams || nkw)) { call_error(vm, fi, nargs, nkw, &R[A + 1 + nargs]); goto error; }
    uint32_t nb = (uint32_t)(R - vm->stack) + A + 1;
    if (unlikely(vm->nframes == VM_MAX_FRAMES || nb + callee->nregs > vm->stack_size)) {
      exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded");
      goto error;
    }
    fr = &vm->frames[vm->nframes++];
    fr->func = fi; fr->base = nb; fr->pc = 0; fr->ret = pending_ret;
    pending_ret = 0;
    R = vm->stack + nb;
    for (uint32_t k = callee->nparams; k < callee->nregs; k++) R[k] = v_none();
    code = pc = callee->code;
    NEXT();
  }
  if (f.tag == T_NATIVE) {
    uint32_t ni = (uint32_t)f.as.i;
    if (unlikely(nkw)) {
      if (!takes_keywords(ni)) { exc_raise(vm, E_TypeError, "%s() takes no keyword arguments", bi_natives[ni].name); goto error; }
      for (int k = 0; k < nkw; k++)
        if (R[A + 1 + nargs + 2 * k].tag != T_STR) { exc_raise(vm, E_TypeError, "keywords must be strings"); goto error; }
    }
    if (unlikely(bi_natives[ni].self_type && (nargs < 1 || R[A + 1].tag != bi_natives[ni].self_type))) {
      exc_raise(vm, E_TypeError, "method '%s' needs a '%s' object", bi_natives[ni].name, type_name(v_obj(bi_natives[ni].self_type, 0)));
      goto error;
    }
    CHECK(bi_natives[ni].fn(vm, &R[A + 1], nargs, &R[A + 1 + nargs], nkw, &t));
    if (unlikely(pending_ret)) {                     /* a synthesized call of a native */
      uint32_t m = pending_ret;
      pending_ret = 0;
      if ((m & 0xff) == FR_TOREG) R[m >> 8] = t;
      else if ((m & 0xff) == FR_INIT && t.tag != T_NONE) { exc_raise(vm, E_TypeError, "__init__() should return None, not '%T'", t); goto error; }
      NEXT();
    }
    RA = t;
    NEXT();
  }
  {
    uint32_t mode = 0;
    int r = call_adjust(vm, &R[A], &nargs, nkw, &f, &mode);
    if (r == 1) { if (mode) pending_ret = mode; goto call_again; }
    if (r == 2) { pending_ret = 0; NEXT(); }         /* done in place (an instance without __init__) */
    if (r == 0) goto error;
  }
  exc_raise(vm, E_TypeError, "'%T' object is not callable", f);
  goto error;
}
L_RETURN: t = RA; goto do_return;
L_RETNONE: t = v_none();
do_return:
  if (vm->nframes == 1) { vm->nframes = 0; return 0; }
  {
    uint32_t m = fr->ret;
    if (likely(!m)) R[-1] = t;
    fr = &vm->frames[--vm->nframes - 1];
    R = vm->stack + fr->base;
    code = vm->funcs[fr->func].code;
    pc = code + fr->pc;
    if (unlikely(m)) {
      if ((m & 0xff) == FR_TOREG) R[m >> 8] = t;
      else if ((m & 0xff) == FR_INIT && t.tag != T_NONE) {
        exc_raise(vm, E_TypeError, "__init__() should return None, not '%T'", t);
        goto error;
      }
    }
  }
  NEXT();

L_NEWLIST: {
  Ref r = list_new(vm, C);
  SAVE();
  CHECK(r);
  List *l = OBJ(vm, r, List);
  memcpy(list_items(vm, l), &RB, C * sizeof(Value));
  l->len = C;
  RA = v_obj(T_LIST, r);
  NEXT();
}
L_NEWTUPLE: {
  Ref r = heap_bump(vm, T_TUPLE, sizeof(Tuple) + C * sizeof(Value));
  if (unlikely(!r)) { SAVE(); r = tuple_new(vm, C); CHECK(r); }     /* raises MemoryError */
  Tuple *tp = OBJ(vm, r, Tuple);
  tp->len = C; tp->pad = 0;
  for (uint32_t k = 0; k < C; k++) tp->v[k] = R[B + k];
  RA = v_obj(T_TUPLE, r);
  NEXT();
}
L_NEWDICT: {
  Ref r = dict_new(vm, C);
  SAVE();
  CHECK(r);
  t = v_obj(T_DICT, r);
  for (uint32_t k = 0; k < C; k++) CHECK(dict_set(vm, t, R[B + 2 * k], R[B + 2 * k + 1]));
  RA = t;
  NEXT();
}
L_NEWSET: {
  Ref r = set_new(vm, T_SET);
  SAVE();
  CHECK(r);
  t = v_obj(T_SET, r);
  for (uint32_t k = 0; k < C; k++) CHECK(set_add(vm, t, R[B + k]));
  RA = t;
  NEXT();
}
L_NEWSETK:                       /* CPython builds a frozenset constant, then merges it into a new set */
  SAVE();
  CHECK(set_display_const(vm, &RB, C, &t));
  RA = t;
  NEXT();
L_NEWSLICE: {
  Ref r = heap_alloc(vm, T_SLICE, sizeof(Slice));
  SAVE();
  CHECK(r);
  Slice *s = OBJ(vm, r, Slice);
  s->start = R[B]; s->stop = R[B + 1]; s->step = R[B + 2];
  RA = v_obj(T_SLICE, r);
  NEXT();
}
/* Indexing fast paths: lists and tuples by an in-range int. */
#define INDEX_FAST(obj, ix)                                                       \
  if ((obj).tag == T_LIST) {                                                      \
    List *l_ = AS(vm, obj, List);                                                 \
    uint64_t u_ = (uint64_t)((ix) < 0 ? (ix) + l_->len : (ix));                   \
    if (u_ < l_->len) { RA = list_items(vm, l_)[u_]; NEXT(); }                    \
  } else if ((obj).tag == T_TUPLE) {                                              \
    Tuple *t_ = AS(vm, obj, Tuple);                                               \
    uint64_t u_ = (uint64_t)((ix) < 0 ? (ix) + t_->len : (ix));                   \
    if (u_ < t_->len) { RA = t_->v[u_]; NEXT(); }                                 \
  }
L_GETITEM:
  if (RC.tag == T_INT) { INDEX_FAST(RB, RC.as.i) }
  SAVE();
  CHECK(get_item(vm, RB, RC, &t));
  RA = t;
  NEXT();
L_GETITEMI:
  INDEX_FAST(RB, (int64_t)(int8_t)C)
  SAVE();
  CHECK(get_item(vm, RB, v_int((int8_t)C), &t));
  RA = t;
  NEXT();
L_SETITEM:
  if (RA.tag == T_LIST && RB.tag == T_INT) {
    List *l = AS(vm, RA, List);
    uint64_t ix = (uint64_t)(RB.as.i < 0 ? RB.as.i + l->len : RB.as.i);
    if (ix < l->len) { list_items(vm, l)[ix] = RC; NEXT(); }
  }
  SAVE();
  CHECK(set_item(vm, RA, RB, RC));
  NEXT();
L_DELITEM: SAVE(); CHECK(del_item(vm, RA, RB)); NEXT();
L_UNPACK: SAVE(); CHECK(unpack(vm, RB, &RA, C)); NEXT();
L_BUILDSTR: {
  StrBuf sb;
  SAVE();
  sb_begin(vm, &sb);
  for (uint32_t k = 0; k < C; k++) CHECK(sb_str(&sb, R[B + k]));
  CHECK(sb_end(&sb, &t));
  RA = t;
  NEXT();
}
L_FORMAT: {
  StrBuf sb;
  SAVE();
  if (RC.tag != T_STR) { exc_raise(vm, E_TypeError, "format spec must be a str, not %T", RC); goto error; }
  sb_begin(vm, &sb);
  CHECK(sb_format(&sb, RB, AS(vm, RC, Str)));
  CHECK(sb_end(&sb, &t));
  RA = t;
  NEXT();
}
L_TOSTR: {
  StrBuf sb;
  if (RB.tag == T_STR && C == 0) { RA = RB; NEXT(); }
  SAVE();
  sb_begin(vm, &sb);
  CHECK(C ? sb_repr(&sb, RB) : sb_str(&sb, RB));
  CHECK(sb_end(&sb, &t));
  RA = t;
  NEXT();
}
L_GETATTR: {
  SAVE();
  int r = obj_getattr(vm, RA, GET_Bx(i), &t);
  CHECK(r);
  if (r == 1) { RA = t; NEXT(); }
  pending_ret = FR_TOREG | A << 8;                   /* a property: call its getter into R[A] */
  {
    uint32_t top = fr->base + vm->funcs[fr->func].nregs;
    if (top + 4 > vm->stack_size) { pending_ret = 0; exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded"); goto error; }
    vm->stack[top] = t;
    vm->stack[top + 1] = RA;
    i = OP_CALL | (top - fr->base) << 8 | 1u << 16;
  }
  goto L_CALL;
}
L_SETATTR: {
  SAVE();
  int r = obj_setattr(vm, RA, GET_Bx(i), R[A + 1], &t);
  CHECK(r);
  if (r == 1) NEXT();
  pending_ret = FR_DISCARD;                          /* a property: call its setter */
  {
    uint32_t top = fr->base + vm->funcs[fr->func].nregs;
    if (top + 5 > vm->stack_size) { pending_ret = 0; exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded"); goto error; }
    vm->stack[top] = t;
    vm->stack[top + 1] = RA;
    vm->stack[top + 2] = R[A + 1];
    i = OP_CALL | (top - fr->base) << 8 | 2u << 16;
  }
  goto L_CALL;
}
L_METHOD: {
  Value self = R[A + 1];
  SAVE();
  if (self.tag == T_INSTANCE || self.tag == T_CLASS || self.tag == T_WRAP) {
    int r = obj_method(vm, &self, GET_Bx(i), &t);
    CHECK(r);
    if (r == 1) { RA = t; R[A + 1] = self; }
    else { R[A + 1] = t; RA = v_obj(T_NOSELF, 0); }
    NEXT();
  }
  CHECK(find_method(vm, self, GET_Bx(i), &t));
  RA = t;
  NEXT();
}

L_RAISE:
  SAVE();
  if (B) {
    Value cause = RC;
    if (cause.tag == T_CLASS && (AS(vm, cause, Class)->flags & CF_EXC)) {
      Value args;
      CHECK(exc_new(vm, (Ref)cause.as.r, &args, 0, &cause));
    }
    if (cause.tag != T_NONE && !exc_is_instance(vm, cause)) { exc_raise(vm, E_TypeError, "exception causes must derive from BaseException"); goto error; }
    exc_set_pending(vm, RA);
    if (vm->exc >= 0 && exc_is_instance(vm, vm->exc_val) && (RA.tag == T_CLASS || RA.tag == T_INSTANCE)) {
      Instance *in = AS(vm, vm->exc_val, Instance);
      in->x[EX_CAUSE] = cause;
      in->x[EX_SUPPRESS] = v_bool(true);
    }
    goto error;
  }
  exc_set_pending(vm, RA);
  goto error;
L_RERAISE:
  SAVE();
  if (!exc_is_instance(vm, RA)) { exc_set_pending(vm, RA); goto error; }
  exc_set_pending(vm, RA);
  goto unwind;
L_RAISECUR:
  SAVE();
  if (!exc_is_instance(vm, vm->handling)) { exc_raise(vm, E_RuntimeError, "No active exception to reraise"); goto error; }
  exc_set_pending(vm, vm->handling);
  goto unwind;
L_PUSHEXC: t = vm->handling; vm->handling = RB; RA = t; NEXT();
L_POPEXC: vm->handling = RA; NEXT();
L_EXCMATCH: {
  bool r_;
  SAVE();
  CHECK(exc_matches(vm, RB, RC, &r_));
  RA = v_bool(r_);
  NEXT();
}
L_NEWCLASS:
  SAVE();
  CHECK(cls_new(vm, AS(vm, K[GET_Bx(i)], Str), R[A + 1], &t));
  RA = t;
  NEXT();
L_SUPER:
  SAVE();
  if (RB.tag != T_CLASS) { exc_raise(vm, E_RuntimeError, "super(): no class"); goto error; }
  if (RC.tag == T_INSTANCE ? !cls_is_sub(vm, cls_of(vm, RC), (Ref)RB.as.r) : RC.tag != T_CLASS) {
    exc_raise(vm, E_TypeError, "super(type, obj): obj must be an instance or subtype of type");
    goto error;
  }
  CHECK(wrap_new(vm, W_SUPER, RB, RC, &t));
  RA = t;
  NEXT();
L_TYPEOF: SAVE(); CHECK(obj_type(vm, RB, &t)); RA = t; NEXT();

error:                                   /* a new exception, raised at pc - 1 */
  SAVE();
  pending_ret = 0;
  if (vm->exc == E_MemoryError && pc - 1 != retry_pc && retry_after_gc(GET_OP(pc[-1]))) {
    /* The heap is full: collect now (the failed instruction changed nothing,
     * so every live value is in a register) and run it once more. */
    retry_pc = --pc;
    vm->exc = -1;
    vm->exc_val = v_none();
    gc_collect(vm, (size_t)(R - vm->stack) + vm->funcs[fr->func].nregs);
    NEXT();
  }
  set_context(vm);
  exc_add_tb(vm, fr->func, fr->pc);
unwind:                                  /* find a handler, popping frames */
  for (;;) {
    uint32_t reg;
    int64_t h = find_handler(vm, fr->func, fr->pc ? fr->pc - 1 : 0, &reg);
    if (h >= 0) {
      R[reg] = vm->exc_val;
      vm->exc = -1;
      vm->exc_val = v_none();
      pc = code + h;
      NEXT();
    }
    if (vm->nframes == 1) return -1;
    fr = &vm->frames[--vm->nframes - 1];
    R = vm->stack + fr->base;
    code = vm->funcs[fr->func].code;
    pc = code + fr->pc;
    exc_add_tb(vm, fr->func, fr->pc);
  }
}
