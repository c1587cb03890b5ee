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
#include "fmath.h"
#include "jit.h"

/* RETURN_FAST reads Frame.ret and Frame.gen with one 8-byte load. */
_Static_assert(offsetof(Frame, gen) == offsetof(Frame, ret) + 4 && sizeof(Ref) == 4, "Frame.ret and Frame.gen adjacent");

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
  return name_is(n, "print") || name_is(n, "sorted") || name_is(n, "sort") || name_is(n, "dict") ||
         name_is(n, "min") || name_is(n, "max") ||
         name_is(n, "split") || name_is(n, "rsplit") || name_is(n, "splitlines") || name_is(n, "format") ||
         name_is(n, "enumerate") || name_is(n, "round") || name_is(n, "update") || name_is(n, "zip");
}


/* CALL of dict.get(d, k[, default]) with a str or int key, or list.append(l, x)
 * with room, at w (the native, then its arguments; no keywords): done in
 * place, true; false: make the call (out of line: inlined into run() it
 * costs the function-call fast path registers).  Compiled code's CALL helper
 * (jit_x86_64.c) runs it too. */
__attribute__((noinline)) bool native_inline(VM *vm, Value *w, uint32_t n) {
  Value x = w[1];
  if (w[0].as.i == NATIVE_DICT_GET) {
    if (x.tag != T_DICT || (n != 2 && n != 3)) return false;
    int64_t e = dict_lookup_fast(vm, AS(vm, x, Dict), w[2]);
    if (e < 0) return false;
    w[0] = e ? dict_ents(vm, AS(vm, x, Dict))[e - 1].val : n == 3 ? w[3] : v_none();
    return true;
  }
  if (w[0].as.i == NATIVE_LIST_APPEND) {
    if (x.tag != T_LIST || n != 2) return false;
    List *l = AS(vm, x, List);
    if (unlikely(l->len == l->cap)) return false;
    list_items(vm, l)[l->len++] = w[2];
    w[0] = v_none();
    return true;
  }
  return false;
}

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
    Value item;
    int r;
    uint32_t mark = vm->ntop;
    Value *it = vm_push(vm, 1);            /* rooted: a generator may collect */
    if (!it) return false;
    if (!vm_getiter(vm, src, it)) return vm_pop(vm, mark), false;
    for (len = 0; (r = vm_next(vm, *it, &item)) == 1; len++) {
      if (len == n) return vm_pop(vm, mark), exc_raise(vm, E_ValueError, "too many values to unpack (expected %d)", (int64_t)n);
      dst[len] = item;
    }
    vm_pop(vm, mark);
    if (r < 0) return false;
    if (len < n) return exc_raise(vm, E_ValueError, "not enough values to unpack (expected %d, got %d)", (int64_t)n, (int64_t)len);
    return true;
  }
  if (len > n) return exc_raise(vm, E_ValueError, "too many values to unpack (expected %d)", (int64_t)n);
  if (len < n) return exc_raise(vm, E_ValueError, "not enough values to unpack (expected %d, got %d)", (int64_t)n, (int64_t)len);
  memmove(dst, items, n * sizeof(Value));
  return true;
}

static Str *name_str(VM *vm, const Func *fn, uint32_t k) {
  return OBJ(vm, vm->strings[rd32(fn->names + 4 * k)], Str);
}

static Str *qual_name(VM *vm, uint32_t f) { return OBJ(vm, vm->strings[vm->funcs[f].qualname], Str); }

static bool str_eq(Str *a, Str *b) { return a == b || (a->nbytes == b->nbytes && !memcmp(a->data, b->data, a->nbytes)); }

/* TypeError "f() missing 2 required positional arguments: 'a' and 'b'" for
 * the unbound registers in [lo, hi) of the frame R. */
static bool missing_error(VM *vm, uint32_t fi, Value *R, uint32_t lo, uint32_t hi, const char *kind) {
  const Func *fn = &vm->funcs[fi];
  StrBuf sb;
  int64_t n = 0, k = 0;
  for (uint32_t j = lo; j < hi; j++) n += R[j].tag == T_UNBOUND;
  sb_begin(vm, &sb);
  for (uint32_t j = lo; j < hi; j++) {
    if (R[j].tag != T_UNBOUND) continue;
    Str *nm = name_str(vm, fn, j);
    k++;
    if (k > 1) sb_put(&sb, n == 2 ? " and " : k == n ? ", and " : ", ", n == 2 ? 5 : k == n ? 6 : 2);
    sb_putc(&sb, '\'');
    sb_put(&sb, nm->data, nm->nbytes);
    sb_putc(&sb, '\'');
  }
  sb_putc(&sb, 0);
  if (sb.failed) return exc_raise(vm, E_MemoryError, "");
  char names[256];
  size_t len = sb.len < sizeof names ? sb.len : sizeof names - 1;
  memcpy(names, sb_data(&sb), len);
  names[len] = 0;
  sb_abandon(&sb);
  return exc_raise(vm, E_TypeError, "%S() missing %d required %s argument%s: %s", qual_name(vm, fi), n, kind, n == 1 ? "" : "s", names);
}

/* Bind a call's arguments for bytecode function fi: nargs positional values
 * then nkw (name, value) pairs at stack[nb..].  `fobj` (the T_FUNC or
 * T_CLOSURE called) supplies defaults and free cells.  On success
 * stack[nb .. nb + nregs) is the callee's initial register file.  Allocates
 * (the *args tuple, the **kwargs dict) but never collects garbage. */
/* A keyword argument that names no parameter (and no **kwargs): CPython's TypeError, which
 * lists the positional-only parameters passed by keyword if there are any. */
static bool unexpected_keyword(VM *vm, uint32_t fi, const Value *kw, int nkw, Str *key) {
  const Func *fn = &vm->funcs[fi];
  StrBuf sb;
  sb_begin(vm, &sb);
  for (uint32_t j = 0; j < fn->nposonly; j++) {
    Str *nm = name_str(vm, fn, j);
    for (int k = 0; k < nkw; k++)
      if (kw[2 * k].tag == T_STR && str_eq(AS(vm, kw[2 * k], Str), nm)) {
        if (sb.len) sb_put(&sb, ", ", 2);
        sb_put(&sb, nm->data, nm->nbytes);
        break;
      }
  }
  if (!sb.len) {
    sb_abandon(&sb);
    return exc_raise(vm, E_TypeError, "%S() got an unexpected keyword argument '%S'", qual_name(vm, fi), key);
  }
  Value names;
  if (!sb_end(&sb, &names)) return false;
  return exc_raise(vm, E_TypeError, "%S() got some positional-only arguments passed as keyword arguments: '%S'",
                   qual_name(vm, fi), AS(vm, names, Str));
}

static bool bind_args(VM *vm, Value fobj, uint32_t fi, uint32_t nb, int nargs, int nkw) {
  const Func *fn = &vm->funcs[fi];
  uint32_t np = fn->nparams, nin = np + fn->nkwonly, na = (uint32_t)nargs;
  uint32_t hi = fn->nregs > na + 2 * (uint32_t)nkw ? fn->nregs : na + 2 * (uint32_t)nkw;
  if ((uint64_t)nb + hi + 2 * (uint64_t)nkw > vm->stack_size)
    return exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded");
  Value *R = vm->stack + nb, *kw = R + hi;
  memmove(kw, R + na, 2 * (size_t)nkw * sizeof(Value));
  Value defaults = v_none(), kwdefaults = v_none(), cells = v_none();
  if (fobj.tag == T_CLOSURE) {
    FuncObj *fo = AS(vm, fobj, FuncObj);
    defaults = fo->defaults; kwdefaults = fo->kwdefaults; cells = fo->cells;
  }
  uint32_t slot = nin;
  if (fn->flags & FMT_FFLAG_VARARGS) {
    uint32_t extra = na > np ? na - np : 0;
    Ref t = tuple_new(vm, extra);
    if (!t) return false;
    memcpy(OBJ(vm, t, Tuple)->v, R + np, extra * sizeof(Value));
    R[slot++] = v_obj(T_TUPLE, t);
  } else if (na > np) {
    int64_t nd = defaults.tag == T_TUPLE ? AS(vm, defaults, Tuple)->len : 0, given_kw = 0;
    for (int k = 0; k < nkw; k++)
      for (uint32_t j = np; j < nin; j++)
        if (kw[2 * k].tag == T_STR && str_eq(AS(vm, kw[2 * k], Str), name_str(vm, fn, j))) given_kw++;
    char takes[64], kwpart[64];
    StrBuf sb;
    sb_begin(vm, &sb);
    char num[24];
    if (nd) { sb_put(&sb, "from ", 5); sb_put(&sb, num, fmt_int((int64_t)np - nd, num)); sb_put(&sb, " to ", 4); }
    sb_put(&sb, num, fmt_int(np, num));
    sb_putc(&sb, 0);
    if (sb.failed) return exc_raise(vm, E_MemoryError, "");
    memcpy(takes, sb_data(&sb), sb.len < sizeof takes ? sb.len : sizeof takes);
    takes[sizeof takes - 1] = 0;
    sb_abandon(&sb);
    kwpart[0] = 0;
    if (given_kw) {
      sb_begin(vm, &sb);
      sb_put(&sb, " positional argument", 20);
      if (na != 1) sb_putc(&sb, 's');
      sb_put(&sb, " (and ", 6);
      sb_put(&sb, num, fmt_int(given_kw, num));
      sb_put(&sb, given_kw == 1 ? " keyword-only argument)" : " keyword-only arguments)", given_kw == 1 ? 23 : 24);
      sb_putc(&sb, 0);
      if (sb.failed) return exc_raise(vm, E_MemoryError, "");
      memcpy(kwpart, sb_data(&sb), sb.len < sizeof kwpart ? sb.len : sizeof kwpart);
      kwpart[sizeof kwpart - 1] = 0;
      sb_abandon(&sb);
    }
    return exc_raise(vm, E_TypeError, "%S() takes %s positional argument%s but %d%s %s given", qual_name(vm, fi), takes,
                     np == 1 && !nd ? "" : "s", (int64_t)na, kwpart, na == 1 && !given_kw ? "was" : "were");
  }
  for (uint32_t j = na < np ? na : np; j < nin; j++) R[j] = v_unbound();
  uint32_t kwslot = slot;
  if (fn->flags & FMT_FFLAG_VARKW) {
    Ref d = dict_new(vm, 4);
    if (!d) return false;
    R[slot++] = v_obj(T_DICT, d);
  }
  for (int k = 0; k < nkw; k++) {
    if (kw[2 * k].tag != T_STR) return exc_raise(vm, E_TypeError, "%S() keywords must be strings", qual_name(vm, fi));
    Str *key = AS(vm, kw[2 * k], Str);
    uint32_t j = fn->nposonly;                    /* positional-only parameters take no keywords */
    while (j < nin && !str_eq(key, name_str(vm, fn, j))) j++;
    if (j < nin) {
      if (R[j].tag != T_UNBOUND) return exc_raise(vm, E_TypeError, "%S() got multiple values for argument '%S'", qual_name(vm, fi), key);
      R[j] = kw[2 * k + 1];
    } else if (fn->flags & FMT_FFLAG_VARKW) {
      if (!dict_set(vm, R[kwslot], kw[2 * k], kw[2 * k + 1])) return false;
    } else
      return unexpected_keyword(vm, fi, kw, nkw, key);
  }
  if (na < np) {
    if (defaults.tag == T_TUPLE) {
      Tuple *d = AS(vm, defaults, Tuple);
      uint32_t nd = d->len < np ? d->len : np;
      for (uint32_t j = np - nd; j < np; j++)
        if (R[j].tag == T_UNBOUND) R[j] = d->v[j - (np - nd)];
    }
    for (uint32_t j = na; j < np; j++)
      if (R[j].tag == T_UNBOUND) return missing_error(vm, fi, R, na, np, "positional");
  }
  for (uint32_t j = np; j < nin; j++) {
    if (R[j].tag != T_UNBOUND) continue;
    bool found = false;
    if (kwdefaults.tag == T_DICT && !dict_get(vm, AS(vm, kwdefaults, Dict), v_obj(T_STR, vm->strings[rd32(fn->names + 4 * j)]), &R[j], &found))
      return false;
    if (!found) { R[j] = v_unbound(); return missing_error(vm, fi, R, np, nin, "keyword-only"); }
  }
  uint32_t k = slot;
  if (fn->nfree && cells.tag == T_TUPLE && AS(vm, cells, Tuple)->len == fn->nfree) {
    memcpy(R + slot, AS(vm, cells, Tuple)->v, fn->nfree * sizeof(Value));
    k += fn->nfree;
  }
  for (; k < fn->nregs; k++) R[k] = v_none();
  return true;
}

/* Create the generator object for a call of generator function fi whose
 * registers are bound at stack[nb..]. */
static bool gen_new(VM *vm, uint32_t fi, uint32_t nb, Value *out) {
  uint32_t n = vm->funcs[fi].nregs;
  Ref r = heap_alloc(vm, T_GEN, sizeof(Gen) + (size_t)n * sizeof(Value));
  if (!r) return false;
  Gen *g = OBJ(vm, r, Gen);
  g->func = fi; g->pc = 0; g->state = GEN_CREATED; g->nregs = n; g->sendreg = 0xffffffffu;
  memcpy(g->regs, vm->stack + nb, n * sizeof(Value));
  *out = v_obj(T_GEN, r);
  return true;
}

/* The name of callable f for error messages (NUL-terminated). */
static const char *callee_desc(VM *vm, Value f) {
  if (f.tag == T_FUNC) return qual_name(vm, (uint32_t)f.as.i)->data;
  if (f.tag == T_CLOSURE) return qual_name(vm, AS(vm, f, FuncObj)->func)->data;
  if (f.tag == T_NATIVE) return bi_natives[f.as.i].name;
  return type_name(f);
}

static const char *callee_mod(Value f) { return f.tag == T_FUNC || f.tag == T_CLOSURE ? "__main__." : ""; }

static bool not_callable(VM *vm, Value f) { return exc_raise(vm, E_TypeError, "'%T' object is not callable", f); }

/* Check a native call's keywords and self; false with TypeError if bad. */
static __attribute__((noinline)) bool native_check(VM *vm, uint32_t ni, Value *args, int nargs, int nkw) {
  if (unlikely(nkw)) {
    if (!takes_keywords(ni)) return exc_raise(vm, E_TypeError, "%s() takes no keyword arguments", bi_natives[ni].name);
    for (int k = 0; k < nkw; k++)
      if (args[nargs + 2 * k].tag != T_STR) return exc_raise(vm, E_TypeError, "keywords must be strings");
  }
  if (unlikely(bi_natives[ni].self_type && (nargs < 1 || args[0].tag != bi_natives[ni].self_type)))
    return exc_raise(vm, E_TypeError, "method '%s' needs a '%s' object", bi_natives[ni].name, type_name(v_obj(bi_natives[ni].self_type, 0)));
  return true;
}

/* native_check() inline for the common case: no keywords, self of the right type. */
static inline bool native_ok(VM *vm, uint32_t ni, Value *args, int nargs, int nkw) {
  uint32_t st = bi_natives[ni].self_type;
  if (likely(!nkw && (!st || (nargs >= 1 && args[0].tag == st)))) return true;
  return native_check(vm, ni, args, nargs, nkw);
}

/* The first free register: above the top frame and any native's values. */
static uint32_t stack_top(VM *vm) {
  uint32_t t = 0;
  if (vm->nframes) {
    Frame *fr = &vm->frames[vm->nframes - 1];
    t = fr->base + vm->funcs[fr->func].nregs;
  }
  return vm->ntop > t ? vm->ntop : t;
}

Value *vm_push(VM *vm, uint32_t n) {
  uint32_t t = stack_top(vm);
  if ((uint64_t)t + n > vm->stack_size) { exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded"); return NULL; }
  Value *p = vm->stack + t;
  for (uint32_t k = 0; k < n; k++) p[k] = v_none();
  vm->ntop = t + n;
  return p;
}

void vm_pop(VM *vm, uint32_t mark) { vm->ntop = mark; }

/* Store a Value with one 16-byte store.  A handler that reads a register
 * just written (RETURN after ADD, MOVE after NEWTUPLE...) loads it with one
 * 16-byte load, which the CPU cannot forward from the two 8-byte stores a
 * plain struct assignment of v_int()/v_obj() compiles to (a stall of ~12
 * cycles on x86); from one 16-byte store it can. */
typedef uint64_t ValueBits __attribute__((vector_size(16), may_alias, aligned(8)));
static inline void vput(Value *d, Value v) {
  ValueBits b = {v.as.r, (uint64_t)v.tag | (uint64_t)v.aux << 32};
  *(ValueBits *)d = b;
}
#define PUT(dst, val) vput(&(dst), (val))

static int run(VM *vm, int throwing);
enum { RUN_SNAPSTOP = 2 };           /* run(): the host stopped the program after a snapshot */
static int snap_exit_status;

/* Instructions that change nothing when they fail for lack of memory, so
 * they can run again after a collection. */
static bool retry_after_gc(uint32_t op) {
  switch (op) {
  case OP_NEWLIST: case OP_NEWTUPLE: case OP_NEWDICT: case OP_NEWSLICE: case OP_BUILDSTR: case OP_FORMAT:
  case OP_TOSTR: case OP_ADD: case OP_MUL: case OP_IADD: case OP_GETATTR: case OP_GETATTRK: case OP_NEWCLASS: case OP_SUPER:
  case OP_GETITEM: case OP_CONCAT: case OP_CATCHK:   /* CONCAT, CATCHK: resumable (concat_fold) */
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

/* A fresh exception: its __context__ is the one being handled, without making
 * a cycle through it, and without hanging on a cycle the program made itself
 * (`a.__context__ = b; b.__context__ = a`): CPython's walk, with Floyd's
 * slow pointer. */
static void set_context(VM *vm) {
  Value h = vm->handling, e = vm->exc_val;
  if (!exc_is_instance(vm, h) || !exc_is_instance(vm, e) || h.as.r == e.as.r) return;
  Value c = h, slow = h;
  uint64_t steps = 0;
  for (bool toggle = false;; toggle = !toggle, steps++) {
    Value next = AS(vm, c, Instance)->x[EX_CONTEXT];
    if (!exc_is_instance(vm, next)) break;
    if (next.as.r == e.as.r) { AS(vm, c, Instance)->x[EX_CONTEXT] = v_none(); break; }
    c = next;
    if (c.as.r == slow.as.r) break;                  /* a cycle already there, all of it checked */
    if (toggle) slow = AS(vm, slow, Instance)->x[EX_CONTEXT];
  }
  FUEL_USE(steps << 4);                               /* fuzzing builds: long chains raised into cost fuel */
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
    if (*nargs < 1) return -1;                       /* hostile bytecode: no callable below */
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
    if (fn.tag == T_WRAP && AS(vm, fn, Wrap)->kind == W_CLASSMETHOD) {
      self = v_obj(T_CLASS, AS(vm, *f, Instance)->cls);
      fn = AS(vm, fn, Wrap)->a;
    } else if (fn.tag != T_FUNC && fn.tag != T_CLOSURE && fn.tag != T_NATIVE) {
      if (fn.tag == T_WRAP && AS(vm, fn, Wrap)->kind == W_STATIC) fn = AS(vm, fn, Wrap)->a;
      *f = W[0] = fn;              /* not a function (a callable instance, a class, a staticmethod): no self */
      return 1;
    }
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
      Ref r = inst_new(vm, (Ref)cls.as.r);
      if (!r) return 0;
      cls_mark_used(vm, (Ref)cls.as.r);
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
int vm_execute(VM *vm, bool resume) {
  vm->ntop = 0;
  vm->cdepth = vm->unsafe_native = 0;
  if (!resume) {                         /* else a restored snapshot: go on from its frames */
    Func *fn = &vm->funcs[0];
    Frame *fr = &vm->frames[0];
    vm->nframes = 1;
    fr->func = 0; fr->base = 1; fr->pc = 0; fr->ret = 0; fr->gen = 0; fr->flags = FRF_BOUNDARY;   /* stack[0]: its result */
    for (uint32_t k = 0; k <= fn->nregs; k++) vm->stack[k] = v_none();
    vm->valid_top = fn->nregs + 1u;
  }
  snap_arm(vm);
  plat_first_instruction();
  int r = run(vm, 0);
  return r == RUN_SNAPSTOP ? snap_exit_status : r < 0 ? -1 : 0;
}

/* Push a frame for a call of `f` (T_FUNC or T_CLOSURE) with its arguments
 * at stack[nb..] (slow path: binding, closures, generators).  Returns 1 if a
 * frame was pushed, 0 if the call is complete with stack[nb-1] set (a
 * generator was created), -1 on error. */
static int enter(VM *vm, Value f, uint32_t nb, int nargs, int nkw) {
  uint32_t fi = f.tag == T_FUNC ? (uint32_t)f.as.i : AS(vm, f, FuncObj)->func;
  Func *callee = &vm->funcs[fi];
  if (unlikely(vm->nframes == VM_MAX_FRAMES || (uint64_t)nb + callee->nregs > vm->stack_size))
    return exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded"), -1;
  if (!bind_args(vm, f, fi, nb, nargs, nkw)) return -1;
  if (callee->flags & FMT_FFLAG_GENERATOR) return gen_new(vm, fi, nb, &vm->stack[nb - 1]) ? 0 : -1;
  Frame *fr = &vm->frames[vm->nframes++];
  fr->func = fi; fr->base = nb; fr->pc = 0; fr->ret = 0; fr->gen = 0; fr->flags = 0;
  return 1;
}

/* Push the frame of generator `gv` at stack[nb..]; flags: FR_*. */
static bool gen_enter(VM *vm, Value gv, uint32_t nb, uint32_t flags, Value send) {
  Gen *g = AS(vm, gv, Gen);
  if (g->state == GEN_RUNNING) return exc_raise(vm, E_ValueError, "generator already executing");
  if (unlikely(vm->nframes == VM_MAX_FRAMES || (uint64_t)nb + g->nregs > vm->stack_size))
    return exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded");
  Frame *fr = &vm->frames[vm->nframes++];
  fr->func = g->func; fr->base = nb; fr->pc = g->pc; fr->ret = 0; fr->gen = (Ref)gv.as.r; fr->flags = flags;
  memcpy(vm->stack + nb, g->regs, g->nregs * sizeof(Value));
  if (g->sendreg < g->nregs) vm->stack[nb + g->sendreg] = send;
  g->state = GEN_RUNNING;
  return true;
}

bool vm_call_kw(VM *vm, Value f, Value *args, int nargs, int nkw, Value *out) {
  if (vm->cdepth >= VM_MAX_CDEPTH) return exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded");
  uint32_t top = stack_top(vm), nb = top + 1, saved_ntop = vm->ntop, saved_frames = vm->nframes;
  uint32_t n = (uint32_t)nargs + 2 * (uint32_t)nkw;
  if ((uint64_t)nb + n > vm->stack_size) return exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded");
  memmove(vm->stack + nb, args, n * sizeof(Value));
  vm->stack[top] = f;
  vm->ntop = nb + n;                     /* the arguments stay rooted */
  bool ok;
  uint32_t mode = 0;
  for (int k = 0; f.tag != T_NATIVE && f.tag != T_FUNC && f.tag != T_CLOSURE; k++) {
    int r = k < 4 ? call_adjust(vm, vm->stack + top, &nargs, nkw, &f, &mode) : -1;   /* classes, bound methods... */
    vm->ntop = nb + (uint32_t)nargs + 2 * (uint32_t)nkw;
    if (r == 2) { *out = vm->stack[top]; vm->ntop = saved_ntop; return true; }
    if (r <= 0) { vm->ntop = saved_ntop; return r == 0 ? false : not_callable(vm, f); }
  }
  uint32_t unsafe = vm->unsafe_native;
  if (f.tag == T_NATIVE) {
    uint32_t ni = (uint32_t)f.as.i;
    vm->unsafe_native = unsafe || !bi_natives[ni].gc_safe;
    vm->cdepth++;                        /* natives count too: `__str__ = str` nests only in C */
    ok = native_ok(vm, ni, vm->stack + nb, nargs, nkw) && bi_natives[ni].fn(vm, vm->stack + nb, nargs, vm->stack + nb + nargs, nkw, out);
    vm->cdepth--;
    vm->unsafe_native = unsafe;
    vm->ntop = saved_ntop;
    return ok;
  }
  vm->ntop = 0;
  int r = enter(vm, f, nb, nargs, nkw);
  if (r > 0) {
    vm->frames[vm->nframes - 1].flags = FRF_BOUNDARY;
    vm->frames[vm->nframes - 1].ret = mode;
    vm->cdepth++;
    vm->gc_hold += unsafe;
    vm->unsafe_native = 0;
    r = run(vm, 0);
    vm->unsafe_native = unsafe;
    vm->gc_hold -= unsafe;
    vm->cdepth--;
  }
  vm->ntop = saved_ntop;
  if (r < 0) { vm->nframes = saved_frames; return false; }
  *out = vm->stack[top];
  return true;
}

bool vm_call(VM *vm, Value f, Value *args, int nargs, Value *out) { return vm_call_kw(vm, f, args, nargs, 0, out); }

/* Resume generator gv (suspended or just created): with `send` as the value
 * of its yield, or (throwing) with the pending exception raised at its yield. */
static int gen_run(VM *vm, Value gv, Value send, int throwing, Value *out) {
  *out = v_none();
  if (AS(vm, gv, Gen)->state == GEN_DONE) return 0;
  if (vm->cdepth >= VM_MAX_CDEPTH) return exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded"), -1;
  uint32_t top = stack_top(vm), saved_ntop = vm->ntop, saved_frames = vm->nframes;
  if ((uint64_t)top + 2 > vm->stack_size) return exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded"), -1;
  vm->stack[top] = gv;                   /* rooted: marked DONE below if it raises */
  vm->stack[top + 1] = v_none();         /* its result slot */
  vm->ntop = 0;
  if (!gen_enter(vm, gv, top + 2, FRF_BOUNDARY, send)) { vm->ntop = saved_ntop; return -1; }
  if (throwing) {                        /* suspended in a yield from: raise at the YIELDFROM itself */
    Frame *f = &vm->frames[vm->nframes - 1];
    const Func *fn = &vm->funcs[f->func];
    if (AS(vm, gv, Gen)->sendreg == 0xffffffffu && f->pc < fn->code_len && GET_OP(fn->code[f->pc]) == OP_YIELDFROM) f->pc++;
  }
  uint32_t unsafe = vm->unsafe_native;
  vm->cdepth++;
  vm->gc_hold += unsafe;
  vm->unsafe_native = 0;
  int r = run(vm, throwing);
  vm->unsafe_native = unsafe;
  vm->gc_hold -= unsafe;
  vm->cdepth--;
  vm->ntop = saved_ntop;
  if (r < 0) {
    vm->nframes = saved_frames;
    AS(vm, vm->stack[top], Gen)->state = GEN_DONE;
    return -1;
  }
  *out = vm->stack[top + 1];
  return r;
}

int gen_resume(VM *vm, Value gv, Value send, Value *out) { return gen_run(vm, gv, send, 0, out); }

static bool pending_is(VM *vm, int kind) {
  return vm->exc == kind || (exc_is_instance(vm, vm->exc_val) && cls_is_sub(vm, cls_of(vm, vm->exc_val), vm->classes[kind]));
}

/* generator.throw / close: raise the pending exception in generator gv at
 * its yield, as CPython: a generator delegating with `yield from` to another
 * generator passes it on (close() closes the delegate first); one not
 * started or finished is finished and the exception raised at once.
 * Returns 1 (it yielded *out), 0 (it returned *out) or -1 (an exception is
 * pending).  Callers are natives that defer collection (not gc_safe). */
int gen_throw(VM *vm, Value gv, Value *out) {
  Gen *g = AS(vm, gv, Gen);
  *out = v_none();
  if (g->state == GEN_RUNNING) return exc_raise(vm, E_ValueError, "generator already executing"), -1;
  if (g->state != GEN_SUSPENDED) {
    g->state = GEN_DONE;
    for (uint32_t k = 0; k < g->nregs; k++) g->regs[k] = v_none();
    return -1;
  }
  const Func *fn = &vm->funcs[g->func];
  uint32_t ins = g->pc < fn->code_len ? fn->code[g->pc] : 0;
  if (g->sendreg == 0xffffffffu && GET_OP(ins) == OP_YIELDFROM && GET_B(ins) < g->nregs && GET_A(ins) < g->nregs) {
    Value inner = g->regs[GET_B(ins)];
    if (inner.tag == T_GEN && AS(vm, inner, Gen)->state == GEN_SUSPENDED) {
      if (vm->cdepth >= VM_MAX_CDEPTH) return exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded"), -1;
      bool closing = pending_is(vm, E_GeneratorExit);
      int kind = vm->exc;
      Value exc = vm->exc_val;
      vm->cdepth++;
      int k = gen_throw(vm, inner, out);
      vm->cdepth--;
      if (closing) {                     /* the delegate closed: now close this one */
        if (k == 1) exc_raise(vm, E_RuntimeError, "generator ignored GeneratorExit");
        else if (k == 0 || pending_is(vm, E_GeneratorExit) || pending_is(vm, E_StopIteration)) { vm->exc = kind; vm->exc_val = exc; }
      } else {
        if (k == 1) return 1;
        if (k == 0) {                    /* the delegate returned: its value is the yield from's, go on */
          g = AS(vm, gv, Gen);
          g->regs[GET_A(ins)] = *out;
          g->pc++;
          g->sendreg = 0xffffffffu;
          return gen_run(vm, gv, v_none(), 0, out);
        }
      }
    }
  }
  return gen_run(vm, gv, v_none(), 1, out);
}

/* The interpreter: run the top frame (and the frames it calls) until a
 * frame marked FRF_BOUNDARY returns (0, its value in the slot below its
 * registers) or yields (1, likewise), or an exception escapes it (-1). */
static int run(VM *vm, int throwing) {
  static const void *const labels[] = {
#define OP(name, fmt, a, b, c, doc) &&L_##name,
#include "opcodes.def"
#undef OP
  };
  Value *const K = vm->consts;
  Value *const G = vm->globals;
  Frame *fr = &vm->frames[vm->nframes - 1];
  const uint32_t *code = vm->funcs[fr->func].code, *pc = code + fr->pc;
  Value *R = vm->stack + fr->base;
  uint32_t i;
  Value t;
  int nargs, nkw;
  uint32_t pending_ret = 0;           /* Frame.ret for the next frame CALL pushes */
  Value ga_obj, sa_val;               /* attribute instructions: the object, the value stored */
  const Value *ga_p, *sa_p;           /* their registers (the cache hit reads them in place) */
  uint32_t ga_k;                      /* and the name's constant index */
  const uint32_t *retry_pc = NULL;    /* the last instruction re-run after a MemoryError */
  uint32_t adjusts = 0;               /* call_adjust() rewrites of the current CALL */

#define A GET_A(i)
#define B GET_B(i)
#define C GET_C(i)
#define RA R[GET_A(i)]
#define RB R[GET_B(i)]
#define RC R[GET_C(i)]
#ifdef DRIFT_JIT                      /* jit_resume after compiled code handed back one instruction */
  static const void *const jit_resume[] = {
#define OP(name, fmt, a, b, c, doc) &&L_JIT_RESUME,
#include "opcodes.def"
#undef OP
  };
  const void *const *disp = labels;
#define NEXT() goto *disp[GET_OP(i = *pc++)]
#else
#define NEXT() goto *labels[GET_OP(i = *pc++)]
#endif
#define CHECK(x) do { if (unlikely(!(x))) goto error; } while (0)
#define SAVE() (fr->pc = (uint32_t)(pc - code))
/* Safe point: collect if due, or serve a snapshot request (both force the
 * slow path through gc_at, read volatile since an interrupt may clear it).
 * `at` is where this frame resumes after a snapshot; `live` its live registers. */
#ifdef DRIFT_GUEST                        /* look for a host request now and then */
extern uint32_t snap_poll_count;
#define POLL() do { if (unlikely(--snap_poll_count == 0)) { snap_poll_count = SNAP_POLL_EVERY; plat_poll(); } } while (0)
#else
#define POLL() ((void)0)
#endif
#define SAFE_POINT(at, live) do {                                                 \
    POLL();                                                                       \
    if (unlikely(vm->heap_top > *(volatile size_t *)&vm->gc_at)) {               \
      fr->pc = (uint32_t)((at) - code);                                           \
      int st_ = vm_safe_point(vm, (size_t)(R - vm->stack) + (live));              \
      if (st_ >= 0) { snap_exit_status = st_; return RUN_SNAPSTOP; }              \
    }                                                                             \
  } while (0)
#ifdef DRIFT_FUZZ
#define FUEL() do { SAVE(); if (FUEL_OUT(vm)) goto error; } while (0)   /* backward jumps, calls */
#else
#define FUEL() ((void)0)
#endif
/* A backward conditional jump (comprehension filters; hostile code): a
 * loop back-edge like JMP's, so every loop has a safe point. */
#define BACK_EDGE() do { FUEL(); SAFE_POINT(pc, vm->funcs[fr->func].nregs); } while (0)
/* Enter compiled code (jit.h) at pc of the top frame, function fn_, if it has
 * an entry there; it hands back the top frame and the pc to go on at. */
#ifdef DRIFT_JIT
#define JIT_ENTER(fn_) do {                                                       \
    const void *const *j_ = (fn_)->jit;                                           \
    if (j_ && j_[pc - code]) {                                                    \
      uint32_t at_ = ((JitRun)vm->jit_mem)(R, vm, fr, j_[pc - code]);            \
      fr = &vm->frames[vm->nframes - 1];                                          \
      R = vm->stack + fr->base;                                                   \
      code = vm->funcs[fr->func].code;                                            \
      pc = code + at_;                                                            \
      disp = jit_resume;              /* run this one instruction, then back */   \
      goto *labels[GET_OP(i = *pc++)];                                            \
    }                                                                             \
  } while (0)
#else
#define JIT_ENTER(fn_) ((void)0)
#endif

  if (unlikely(throwing)) goto error;   /* gen_throw: the pending exception, raised at the yield */
  JIT_ENTER(&vm->funcs[fr->func]);
  NEXT();

#ifdef DRIFT_JIT
L_JIT_RESUME:                         /* the instruction compiled code handed back is done */
  disp = labels;
  pc--;
  JIT_ENTER(&vm->funcs[fr->func]);
  NEXT();
#endif
L_NOP: NEXT();
L_MOVE: RA = RB; NEXT();
L_LOADK: RA = K[GET_Bx(i)]; NEXT();
L_LOADI: PUT(RA, v_int(GET_sBx(i))); NEXT();
L_LOADNONE: PUT(RA, v_none()); NEXT();
L_LOADBOOL: PUT(RA, v_bool(B != 0)); NEXT();
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

/* int op float and float op int: the int converted (correctly rounded, as CPython). */
#define MIXED_FAST(op)                                                            \
  if (RB.tag == T_FLOAT && RC.tag == T_INT) { PUT(RA, v_float(RB.as.f op (double)RC.as.i)); NEXT(); } \
  if (RB.tag == T_INT && RC.tag == T_FLOAT) { PUT(RA, v_float((double)RB.as.i op RC.as.f)); NEXT(); }
#define INT_FAST(op, builtin)                                                     \
  if (likely(RB.tag == T_INT && RC.tag == T_INT)) {                               \
    int64_t r_;                                                                   \
    if (likely(!builtin(RB.as.i, RC.as.i, &r_))) { PUT(RA, v_int(r_)); NEXT(); }      \
  } else if (RB.tag == T_FLOAT && RC.tag == T_FLOAT) { PUT(RA, v_float(RB.as.f op RC.as.f)); NEXT(); } \
  else { MIXED_FAST(op) }
#define SLOW_ARITH(opc) SAVE(); CHECK(arith(vm, opc, RB, RC, &t)); RA = t; NEXT();

/* str + str: the new Str bump-allocated here (str_concat() raises MemoryError). */
#define STR_FAST                                                                  \
  if (RB.tag == T_STR && RC.tag == T_STR) {                                       \
    Str *x_ = AS(vm, RB, Str), *y_ = AS(vm, RC, Str);                             \
    size_t n_ = (size_t)x_->nbytes + y_->nbytes;                                  \
    Ref r_ = heap_bump(vm, T_STR, sizeof(Str) + n_ + 1);                          \
    if (likely(r_)) {                                                             \
      Str *s_ = OBJ(vm, r_, Str);                                                 \
      s_->nbytes = (uint32_t)n_; s_->nchars = x_->nchars + y_->nchars; s_->hash = 0; \
      memcpy(s_->data, x_->data, x_->nbytes);                                     \
      memcpy(s_->data + x_->nbytes, y_->data, y_->nbytes);                        \
      s_->data[n_] = 0;                                                           \
      PUT(RA, v_obj(T_STR, r_));                                                  \
      NEXT();                                                                     \
    }                                                                             \
    SAVE(); CHECK(str_concat(vm, RB, RC, &t)); RA = t; NEXT();                    \
  }
L_ADD: INT_FAST(+, __builtin_add_overflow) STR_FAST SLOW_ARITH(OP_ADD)
/* A chain of + (docs/vm.md): all str -> one new Str, bump-allocated here;
 * otherwise concat_fold() adds left to right (it raises MemoryError). */
L_CONCAT: {
  Value *p_ = &RB;
  size_t n_ = 0;
  uint32_t nc_ = 0, k_;
  for (k_ = 0; k_ < C; k_++) {
    if (unlikely(p_[k_].tag != T_STR)) break;
    Str *s_ = AS(vm, p_[k_], Str);
    n_ += s_->nbytes; nc_ += s_->nchars;
  }
  /* 8 bytes spare above the new Str: the pieces are copied a word at a time
   * (a Str's data area is its nbytes + 1 rounded up to 8), the last word may
   * spill up to 7 bytes past the end, into free heap. */
  if (likely(k_ == C) && likely(n_ <= 0x7fffffffu) && likely(vm->heap_hi - vm->heap_top >= sizeof(Str) + n_ + 16)) {
    Ref r_ = heap_bump(vm, T_STR, sizeof(Str) + n_ + 1);
    {
      Str *d_ = OBJ(vm, r_, Str);
      d_->nbytes = (uint32_t)n_; d_->nchars = nc_; d_->hash = 0;
      uint8_t *w_ = (uint8_t *)d_->data;
      for (k_ = 0; k_ < C; k_++) {
        Str *s_ = AS(vm, p_[k_], Str);
        const uint8_t *q_ = (const uint8_t *)s_->data;
        uint32_t m_ = s_->nbytes;
        if (m_ <= 64) for (uint32_t o_ = 0; o_ < m_; o_ += 8) { uint64_t x_ = rd64(q_ + o_); memcpy(w_ + o_, &x_, 8); }
        else memcpy(w_, q_, m_);
        w_ += m_;
      }
      *w_ = 0;
      PUT(RA, v_obj(T_STR, r_));
      NEXT();
    }
  }
  SAVE();
  CHECK(concat_fold(vm, p_, C));
  RA = RB;
  NEXT();
}
L_CATCHK: {
  Value *p_ = &RA;
  for (uint32_t k_ = 0; k_ < B; k_++)
    if (unlikely(p_[k_].tag != T_STR)) { SAVE(); CHECK(concat_fold(vm, p_, B)); break; }
  NEXT();
}
L_SUB: INT_FAST(-, __builtin_sub_overflow) SLOW_ARITH(OP_SUB)
L_MUL: INT_FAST(*, __builtin_mul_overflow) SLOW_ARITH(OP_MUL)
L_IADD: INT_FAST(+, __builtin_add_overflow) STR_FAST SLOW_ARITH(OP_IADD)
L_TRUEDIV:
  if (likely(RB.tag == T_FLOAT && RC.tag == T_FLOAT)) { if (likely(RC.as.f != 0.0)) { PUT(RA, v_float(RB.as.f / RC.as.f)); NEXT(); } }
  else if (RB.tag == T_INT && RC.tag == T_INT) {     /* exact in doubles: correctly rounded (as int_op) */
    const int64_t x_ = INT64_C(1) << 53;
    if (RC.as.i != 0 && RB.as.i <= x_ && RB.as.i >= -x_ && RC.as.i <= x_ && RC.as.i >= -x_) {
      PUT(RA, v_float((double)RB.as.i / (double)RC.as.i));
      NEXT();
    }
  } else if (RB.tag == T_FLOAT && RC.tag == T_INT) { if (RC.as.i != 0) { PUT(RA, v_float(RB.as.f / (double)RC.as.i)); NEXT(); } }
  else if (RB.tag == T_INT && RC.tag == T_FLOAT) { if (RC.as.f != 0.0) { PUT(RA, v_float((double)RB.as.i / RC.as.f)); NEXT(); } }
  SLOW_ARITH(OP_TRUEDIV)
L_FLOORDIV:
  if (RB.tag == T_INT && RC.tag == T_INT && RC.as.i > 0) {
    int64_t q = RB.as.i / RC.as.i;
    if ((RB.as.i % RC.as.i) < 0) q--;
    PUT(RA, v_int(q));
    NEXT();
  }
  SLOW_ARITH(OP_FLOORDIV)
L_MOD:
  if (RB.tag == T_INT && RC.tag == T_INT && RC.as.i > 0) {
    int64_t m = RB.as.i % RC.as.i;
    PUT(RA, v_int(m < 0 ? m + RC.as.i : m));
    NEXT();
  }
  SLOW_ARITH(OP_MOD)
L_POW:
  if (RB.tag == T_FLOAT && RC.tag == T_FLOAT) {
    /* a positive finite base, a finite exponent: no error but overflow (then arith_float raises) */
    if (likely(RB.as.f > 0 && RB.as.f - RB.as.f == 0 && RC.as.f - RC.as.f == 0)) {
      double r_ = fm_pow(RB.as.f, RC.as.f);
      if (likely(r_ - r_ == 0)) { PUT(RA, v_float(r_)); NEXT(); }
    }
    SAVE(); CHECK(arith_float(vm, OP_POW, RB.as.f, RC.as.f, &t)); RA = t; NEXT(); }
  SLOW_ARITH(OP_POW)
L_BAND:
  if (RB.tag == T_INT && RC.tag == T_INT) { PUT(RA, v_int(RB.as.i & RC.as.i)); NEXT(); }
  SLOW_ARITH(OP_BAND)
L_BOR:
  if (RB.tag == T_INT && RC.tag == T_INT) { PUT(RA, v_int(RB.as.i | RC.as.i)); NEXT(); }
  SLOW_ARITH(OP_BOR)
L_BXOR:
  if (RB.tag == T_INT && RC.tag == T_INT) { PUT(RA, v_int(RB.as.i ^ RC.as.i)); NEXT(); }
  SLOW_ARITH(OP_BXOR)
#define SLOW_INPLACE(opc) SAVE(); CHECK(arith_inplace(vm, opc, &RB, RC, &t)); RA = t; NEXT();
L_ISUB: INT_FAST(-, __builtin_sub_overflow) SLOW_INPLACE(OP_SUB)
L_IMUL: INT_FAST(*, __builtin_mul_overflow) SLOW_INPLACE(OP_MUL)
L_ISUBI: {
  int64_t r_;
  if (likely(RB.tag == T_INT) && !__builtin_sub_overflow(RB.as.i, (int64_t)(int8_t)C, &r_)) { PUT(RA, v_int(r_)); NEXT(); }
  SAVE();
  CHECK(arith_inplace(vm, OP_SUB, &RB, v_int((int8_t)C), &t));
  RA = t;
  NEXT();
}
L_IBOR:
  if (RB.tag == T_INT && RC.tag == T_INT) { PUT(RA, v_int(RB.as.i | RC.as.i)); NEXT(); }
  SLOW_INPLACE(OP_BOR)
L_IBAND:
  if (RB.tag == T_INT && RC.tag == T_INT) { PUT(RA, v_int(RB.as.i & RC.as.i)); NEXT(); }
  SLOW_INPLACE(OP_BAND)
L_IBXOR:
  if (RB.tag == T_INT && RC.tag == T_INT) { PUT(RA, v_int(RB.as.i ^ RC.as.i)); NEXT(); }
  SLOW_INPLACE(OP_BXOR)
L_SHL: SLOW_ARITH(OP_SHL)
L_SHR: SLOW_ARITH(OP_SHR)
/* The other in-place operators: ints and floats run the binary handler (same
 * results and messages), anything else arith_inplace() (__itruediv__..., names the
 * operator as /= in a TypeError). */
#define NUM_TAG(v) ((v).tag == T_INT || (v).tag == T_FLOAT)
#define INPLACE_VIA(lbl, opc) if (likely(NUM_TAG(RB) && NUM_TAG(RC))) goto lbl; SLOW_INPLACE(opc)
L_ITRUEDIV: INPLACE_VIA(L_TRUEDIV, OP_TRUEDIV)
L_IFLOORDIV: INPLACE_VIA(L_FLOORDIV, OP_FLOORDIV)
L_IMOD: INPLACE_VIA(L_MOD, OP_MOD)
L_IPOW: INPLACE_VIA(L_POW, OP_POW)
L_ISHL: INPLACE_VIA(L_SHL, OP_SHL)
L_ISHR: INPLACE_VIA(L_SHR, OP_SHR)
#define ARITH_IMM(opc, builtin)                                                   \
  {                                                                               \
    int64_t r_;                                                                   \
    if (likely(RB.tag == T_INT) && !builtin(RB.as.i, (int64_t)(int8_t)C, &r_)) { PUT(RA, v_int(r_)); NEXT(); } \
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
L_NOT:
  if (unlikely(RB.tag == T_INSTANCE)) { bool r_; SAVE(); CHECK(obj_truthy(vm, RB, &r_)); PUT(RA, v_bool(!r_)); NEXT(); }
  PUT(RA, v_bool(RB.tag == T_BOOL ? !RB.as.i : !truthy(vm, RB)));
  NEXT();

#define CMP_FAST(op, code)                                                        \
  if (likely(RB.tag == T_INT && RC.tag == T_INT)) { PUT(RA, v_bool(RB.as.i op RC.as.i)); NEXT(); } \
  if (RB.tag == T_FLOAT && RC.tag == T_FLOAT) { PUT(RA, v_bool(RB.as.f op RC.as.f)); NEXT(); }     \
  { bool r_; SAVE(); CHECK(compare(vm, code, RB, RC, &r_)); PUT(RA, v_bool(r_)); NEXT(); }
L_LT: CMP_FAST(<, 0)
L_LE: CMP_FAST(<=, 1)
L_GT: CMP_FAST(>, 2)
L_GE: CMP_FAST(>=, 3)
L_EQ: {
  bool r_;
  if (likely(RB.tag == T_INT && RC.tag == T_INT)) { PUT(RA, v_bool(RB.as.i == RC.as.i)); NEXT(); }
  SAVE();
  if (unlikely(RB.tag == T_INSTANCE || RC.tag == T_INSTANCE)) { CHECK(obj_richcmp(vm, 4, RB, RC, &t)); RA = t; NEXT(); }
  CHECK(values_equal(vm, RB, RC, &r_));
  PUT(RA, v_bool(r_));
  NEXT();
}
L_NE: {
  bool r_;
  if (likely(RB.tag == T_INT && RC.tag == T_INT)) { PUT(RA, v_bool(RB.as.i != RC.as.i)); NEXT(); }
  SAVE();
  if (unlikely(RB.tag == T_INSTANCE || RC.tag == T_INSTANCE)) { CHECK(obj_richcmp(vm, 5, RB, RC, &t)); RA = t; NEXT(); }
  CHECK(values_equal(vm, RB, RC, &r_));
  PUT(RA, v_bool(!r_));
  NEXT();
}
L_IS: PUT(RA, v_bool(RB.tag == RC.tag && (RB.tag == T_NONE || RB.as.r == RC.as.r))); NEXT();
L_ISNOT: PUT(RA, v_bool(!(RB.tag == RC.tag && (RB.tag == T_NONE || RB.as.r == RC.as.r)))); NEXT();
/* key in dict: decided inline for str and int keys (dict.c: dict_lookup_fast) */
#define DICT_IN(neg)                                                              \
  if (RC.tag == T_DICT) {                                                         \
    int64_t e_;                                                                   \
    if ((e_ = dict_lookup_fast(vm, AS(vm, RC, Dict), RB)) >= 0) {                 \
      PUT(RA, v_bool((e_ != 0) != (neg)));                                         \
      NEXT();                                                                     \
    }                                                                             \
  }
L_IN: DICT_IN(0) { bool r_; SAVE(); CHECK(contains(vm, RC, RB, &r_)); PUT(RA, v_bool(r_)); NEXT(); }
L_NOTIN: DICT_IN(1) { bool r_; SAVE(); CHECK(contains(vm, RC, RB, &r_)); PUT(RA, v_bool(!r_)); NEXT(); }

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
  if (GET_sJ(i) < 0) { SAFE_POINT(pc, vm->funcs[fr->func].nregs); JIT_ENTER(&vm->funcs[fr->func]); }  /* safe point: loop back-edge */
  NEXT();
L_JMPIF:
  t = RA;
  if (unlikely(t.tag == T_INSTANCE)) { bool r_; SAVE(); CHECK(obj_truthy(vm, t, &r_)); t = v_bool(r_); }
  if (t.tag == T_BOOL ? t.as.i != 0 : truthy(vm, t)) { pc += GET_sBx(i); if (GET_sBx(i) < 0) BACK_EDGE(); }
  NEXT();
L_JMPIFNOT:
  t = RA;
  if (unlikely(t.tag == T_INSTANCE)) { bool r_; SAVE(); CHECK(obj_truthy(vm, t, &r_)); t = v_bool(r_); }
  if (!(t.tag == T_BOOL ? t.as.i != 0 : truthy(vm, t))) { pc += GET_sBx(i); if (GET_sBx(i) < 0) BACK_EDGE(); }
  NEXT();
L_GETITER: SAVE(); CHECK(vm_getiter(vm, RB, &t)); RA = t; NEXT();
L_FORITER: {
  if (unlikely(RA.tag != T_ITER)) {
    SAVE();
    if (RA.tag == T_INSTANCE) goto foriter_next;
    if (RA.tag != T_GEN) { exc_raise(vm, E_TypeError, "'%T' object is not an iterator", RA); goto error; }
    if (AS(vm, RA, Gen)->state == GEN_DONE) { pc += GET_sBx(i); NEXT(); }
    FUEL();
    CHECK(gen_enter(vm, RA, (uint32_t)(R - vm->stack) + vm->funcs[fr->func].nregs, 0, v_none()));   /* resumed here: no C recursion */
    fr = &vm->frames[vm->nframes - 1];
    R = vm->stack + fr->base;
    code = vm->funcs[fr->func].code;
    pc = code + fr->pc;
    NEXT();
  }
  Iter *it = AS(vm, RA, Iter);
  if (likely(it->kind == IT_RANGE)) {
    if (it->step > 0 ? it->cur < it->stop : it->cur > it->stop) {
      PUT(R[A + 1], v_int(it->cur));
      if (__builtin_add_overflow(it->cur, it->step, &it->cur)) it->cur = it->stop;
      NEXT();
    }
    pc += GET_sBx(i);
    if (GET_sBx(i) < 0) BACK_EDGE();
    NEXT();
  }
foriter_next:
  SAVE();
  int r = vm_next(vm, RA, &t);
  CHECK(r >= 0);
  if (r) R[A + 1] = t;
  else { pc += GET_sBx(i); if (GET_sBx(i) < 0) BACK_EDGE(); }
  NEXT();
}

L_FORNEXT: {                             /* the exit JMP follows (verified): skipped per item */
  if (likely(RA.tag == T_ITER)) {
    Iter *it = AS(vm, RA, Iter);
    if (likely(it->kind == IT_RANGE)) {
      if (it->step > 0 ? it->cur < it->stop : it->cur > it->stop) {
        PUT(RC, v_int(it->cur));
        if (__builtin_add_overflow(it->cur, it->step, &it->cur)) it->cur = it->stop;
        pc++;
      }
      NEXT();                                /* exhausted: run the JMP */
    }
    SAVE();
    int r = vm_next(vm, RA, &t);
    CHECK(r >= 0);
    if (r) { RC = t; pc++; }
    NEXT();
  }
  SAVE();
  if (RA.tag == T_INSTANCE) {
    int r = vm_next(vm, RA, &t);
    CHECK(r >= 0);
    if (r) { RC = t; pc++; }
    NEXT();
  }
  if (RA.tag != T_GEN) { exc_raise(vm, E_TypeError, "'%T' object is not an iterator", RA); goto error; }
  if (AS(vm, RA, Gen)->state == GEN_DONE) NEXT();
  FUEL();
  CHECK(gen_enter(vm, RA, (uint32_t)(R - vm->stack) + vm->funcs[fr->func].nregs, 0, v_none()));   /* resumed here: no C recursion */
  fr = &vm->frames[vm->nframes - 1];
  R = vm->stack + fr->base;
  code = vm->funcs[fr->func].code;
  pc = code + fr->pc;
  NEXT();
}

/* The fast path of CALL and CALLG: the function value f called with the
 * positional count `key` (CALL: B | C << 8, C the keyword count; CALLG: its
 * nargs) compared with its fast_nargs, in a new frame above R[A], with no
 * binding or safe-point work.  `store` runs once the call is certain, `ret_`
 * is the new Frame.ret, `after_` runs once it is set. */
#define CALL_FAST(f, key, store, ret_, after_)                                    \
  if (likely((f).tag == T_FUNC)) {                                                \
    Func *callee = &vm->funcs[(uint32_t)(f).as.i];                                \
    uint32_t nb = fr->base + A + 1;                                               \
    POLL();                                                                       \
    if (likely((key) == callee->fast_nargs) && likely(vm->nframes != VM_MAX_FRAMES) && \
        likely(nb + callee->nregs <= vm->valid_top) && likely(vm->heap_top <= *(volatile size_t *)&vm->gc_at)) { \
      store;                                                                      \
      SAVE();                                                                     \
      FUEL();                                                                     \
      fr++;                                                                       \
      vm->nframes++;                                                              \
      fr->func = (uint32_t)(f).as.i; fr->base = nb; fr->pc = 0; fr->ret = (ret_); fr->gen = 0; fr->flags = 0; \
      after_;                                                                     \
      R += A + 1;                                                                 \
      code = pc = callee->code;                                                   \
      JIT_ENTER(callee);                                                          \
      NEXT();                                                                     \
    }                                                                             \
  }
L_CALL:
  pending_ret = 0;     /* dead at every dispatch (no xor per instruction); synthesized calls enter at call_p */
call_p:
  CALL_FAST(RA, GET_Bx(i), (void)0, pending_ret, pending_ret = 0)   /* a plain function, positional arguments */
  if (RA.tag == T_NATIVE && !pending_ret) goto call_native;   /* inline natives: below */
call_generic:
  nargs = (int)B; nkw = (int)C;
  /* safe point: call (resumes at the CALL); synthesized calls use scratch above the frame */
  SAFE_POINT(pc - 1, A + 1 + B + 2 * C > vm->funcs[fr->func].nregs ? A + 1 + B + 2 * C : vm->funcs[fr->func].nregs);
  SAVE();
  FUEL();
do_call: {
  Value f = RA;
  adjusts = 0;
call_again:
  if (likely(f.tag == T_FUNC)) {
    uint32_t fi = (uint32_t)f.as.i;
    Func *callee = &vm->funcs[fi];
    uint32_t nb = (uint32_t)(R - vm->stack) + A + 1;
    if (unlikely((uint32_t)nargs != callee->fast_nargs || nkw)) goto slow_call;
    if (unlikely(vm->nframes == VM_MAX_FRAMES)) goto deep_call;
    /* The callee's registers past its parameters are not cleared: below
     * vm->valid_top they hold valid (stale) values, which compiled code
     * writes before it reads and which the collector may safely scan.  Only
     * registers at or above valid_top (never written since the last
     * collection, or dead at it) are cleared, once. */
    if (unlikely(nb + callee->nregs > vm->valid_top)) {
      if (nb + callee->nregs > vm->stack_size) goto deep_call;
      uint32_t lo = nb + callee->nparams;
      if (lo <= vm->valid_top) { for (uint32_t k = vm->valid_top; k < nb + callee->nregs; k++) vm->stack[k] = v_none(); vm->valid_top = nb + callee->nregs; }
      else for (uint32_t k = lo; k < nb + callee->nregs; k++) vm->stack[k] = v_none();
    }
    fr = &vm->frames[vm->nframes++];
    fr->func = fi; fr->base = nb; fr->pc = 0; fr->ret = pending_ret; fr->gen = 0; fr->flags = 0;
    pending_ret = 0;
    R = vm->stack + nb;
    code = pc = callee->code;
    NEXT();
  }
  if (f.tag == T_NATIVE) {
    uint32_t ni = (uint32_t)f.as.i;
    uint32_t end = A + 1 + (uint32_t)nargs + 2 * (uint32_t)nkw, fend = vm->funcs[fr->func].nregs;
    if (unlikely(end > fend)) vm->ntop = (uint32_t)(R - vm->stack) + end;   /* arguments beyond the frame stay rooted */
    CHECK(native_ok(vm, ni, &R[A + 1], nargs, nkw));
    vm->unsafe_native = !bi_natives[ni].gc_safe;
    CHECK(bi_natives[ni].fn(vm, &R[A + 1], nargs, &R[A + 1 + nargs], nkw, &t));
    vm->ntop = 0;
    vm->unsafe_native = 0;
    goto call_done;
  }
  if (f.tag == T_CLOSURE) goto slow_call;
  {
    uint32_t mode = 0;
    int r = call_adjust(vm, &R[A], &nargs, nkw, &f, &mode);
    /* A real chain is short (class -> __init__, instance -> __call__ -> bound method); one
     * that goes on (`C.__call__ = C()`) grows the window each time: RecursionError, as CPython. */
    if (r == 1) {
      if (mode) pending_ret = mode;
      if (++adjusts > 8) { exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded while calling a Python object"); goto error; }
      goto call_again;
    }
    if (r == 2) { pending_ret = 0; NEXT(); }         /* done in place (an instance without __init__) */
    if (r == 0) goto error;
  }
  not_callable(vm, f);
  goto error;
deep_call:
  exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded");
  goto error;
slow_call: {
    int r = enter(vm, f, (uint32_t)(R - vm->stack) + A + 1, nargs, nkw);
    CHECK(r >= 0);
    if (r == 0) { t = RA; goto call_done; }        /* a generator was created */
    fr = &vm->frames[vm->nframes - 1];
    fr->ret = pending_ret;
    pending_ret = 0;
    R = vm->stack + fr->base;
    code = pc = vm->funcs[fr->func].code;
    NEXT();
  }
}
call_done:                                          /* a call completed in C: result t */
  if (unlikely(pending_ret)) {                      /* a synthesized call */
    uint32_t m = pending_ret;
    pending_ret = 0;
    if ((m & 0xff) == FR_TOREG || (m & 0xff) >= FR_STR) R[m >> 8] = t;
    else if ((m & 0xff) == FR_INIT && t.tag != T_NONE) { exc_raise(vm, E_TypeError, "__init__() should return None, not '%T'", t); goto error; }
    NEXT();
  }
  RA = t;
  NEXT();
/* len(x) of a str, list, tuple or dict and str(x) of an int or str, the
 * result into R[A] without calling the native (CALL and CALLG, only when no
 * collection is due); ni: the callee's native index.  Other cases fall through. */
#define LEN_STR_INLINE(ni, x)                                                     \
  if ((ni) == NATIVE_LEN) {                                                       \
    if ((x).tag == T_STR) { PUT(RA, v_int(AS(vm, x, Str)->nchars)); NEXT(); }     \
    if ((x).tag == T_LIST) { PUT(RA, v_int(AS(vm, x, List)->len)); NEXT(); }      \
    if ((x).tag == T_TUPLE) { PUT(RA, v_int(AS(vm, x, Tuple)->len)); NEXT(); }    \
    if ((x).tag == T_DICT) { PUT(RA, v_int(AS(vm, x, Dict)->len)); NEXT(); }      \
  } else if ((ni) == NATIVE_STR) {                                                \
    if ((x).tag == T_STR) { RA = (x); NEXT(); }                                   \
    if ((x).tag == T_INT) { SAVE(); CHECK(str_from_int(vm, (x).as.i, &t)); RA = t; NEXT(); } \
  }
/* CALLG: GETGLOBAL + CALL of a global the compiler proved bound and constant
 * (opcodes.def); the fast path as CALL's, otherwise it becomes that GETGLOBAL
 * (unbound: its NameError) or that CALL (a snapshot resumes at the CALLG, which
 * loads the same global again). */
L_CALLG: {
  const uint32_t gx = GET_Bx(i);
  const Value g_ = G[gx >> 4];                      /* not t: its address is taken (kept in memory) */
  CALL_FAST(g_, gx & 15, RA = g_, 0, (void)0)
  if (g_.tag == T_NATIVE && (gx & 15) == 1 && likely(vm->heap_top <= *(volatile size_t *)&vm->gc_at)) {
    const Value x_ = R[A + 1];                        /* len(x), str(x) inline: as CALL */
    LEN_STR_INLINE(g_.as.i, x_)
  }
  if (unlikely(g_.tag == T_UNBOUND)) { i = OP_GETGLOBAL | A << 8 | (gx >> 4) << 16; goto L_GETGLOBAL; }
  RA = g_;                                          /* CALL's general path (R[A+1+nargs] within the frame: verified) */
  i = OP_CALL | A << 8 | (gx & 15) << 16;
  pending_ret = 0;
  nargs = (int)(gx & 15); nkw = 0;
  SAFE_POINT(pc - 1, vm->funcs[fr->func].nregs);    /* resumes at the CALLG */
  SAVE();
  FUEL();
  goto do_call;
}
L_CALLEX: {
  SAFE_POINT(pc - 1, vm->funcs[fr->func].nregs);                     /* safe point: call (resumes at the CALLEX) */
  SAVE();
  FUEL();
  Value args = R[A + 1], kwd = R[A + 2];
  uint32_t n = 0, m = 0, base = (uint32_t)(R - vm->stack) + A + 1;
  Value *items = NULL;
  if (args.tag == T_LIST) { items = list_items(vm, AS(vm, args, List)); n = AS(vm, args, List)->len; }
  else if (args.tag == T_TUPLE) { items = AS(vm, args, Tuple)->v; n = AS(vm, args, Tuple)->len; }
  else { exc_raise(vm, E_TypeError, "CALLEX needs a list or tuple of arguments"); goto error; }
  if (kwd.tag == T_DICT) m = AS(vm, kwd, Dict)->len;
  else if (kwd.tag != T_NONE) { exc_raise(vm, E_TypeError, "CALLEX needs a dict of keyword arguments"); goto error; }
  if (n > 0xffff || m > 0xffff || (uint64_t)base + n + 2 * (uint64_t)m + 2 > vm->stack_size) {
    exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded");
    goto error;
  }
  memmove(vm->stack + base, items, n * sizeof(Value));
  if (m) {
    Dict *d = AS(vm, kwd, Dict);
    DictEntry *e = dict_entries(vm, d);
    Value *kv = vm->stack + base + n;
    for (uint32_t k = 0; k < d->used; k++)
      if (e[k].key.tag != T_UNBOUND) { *kv++ = e[k].key; *kv++ = e[k].val; }
  }
  nargs = (int)n; nkw = (int)m;
  pending_ret = 0;
  goto do_call;
}
/* The fast path: a plain frame returning to the interpreter loop.  ret and
 * gen are adjacent (static assert at the top): one 8-byte load tests both. */
#define frame_ret_gen(f) ({ uint64_t w_; memcpy(&w_, &(f)->ret, sizeof w_); w_; })
/* The fast path: a plain frame returning to the interpreter loop. */
#define RETURN_FAST(val)                                                          \
  if (likely(!(fr->flags | frame_ret_gen(fr)))) {                                 \
    R[-1] = (val);                                                                \
    vm->nframes--;                                                                \
    fr--;                                                                         \
    R = vm->stack + fr->base;                                                     \
    code = vm->funcs[fr->func].code;                                              \
    pc = code + fr->pc;                                                           \
    JIT_ENTER(&vm->funcs[fr->func]);                                              \
    NEXT();                                                                       \
  }
L_RETURN: RETURN_FAST(RA) t = RA; goto do_return;
L_RETNONE: RETURN_FAST(v_none()) t = v_none();
do_return:
  if (unlikely(fr->flags | fr->gen)) {
    if (fr->gen) {                                                    /* a generator finished */
      Gen *g = OBJ(vm, fr->gen, Gen);
      g->state = GEN_DONE;
      g->pc = 0;
      for (uint32_t k = 0; k < g->nregs; k++) g->regs[k] = v_none();
      if (!(fr->flags & FRF_BOUNDARY)) {
        fr = &vm->frames[--vm->nframes - 1];
        R = vm->stack + fr->base;
        code = vm->funcs[fr->func].code;
        pc = code + fr->pc;
        i = pc[-1];                                                   /* the resumer */
        if (GET_OP(i) == OP_FORITER) pc += GET_sBx(i);
        else if (GET_OP(i) == OP_FORNEXT) {}                          /* pc is at its exit JMP */
        else RA = t;                                                  /* YIELDFROM */
        NEXT();
      }
    }
    vm->nframes--;                                                    /* a boundary: back to C */
    if (fr->ret == FR_INIT) {
      if (t.tag != T_NONE) return exc_raise(vm, E_TypeError, "__init__() should return None, not '%T'", t), -1;
    } else R[-1] = t;
    return 0;
  }
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
      } else if ((m & 0xff) >= FR_STR) {                          /* __str__/__repr__ for TOSTR */
        if (t.tag != T_STR) {
          exc_raise(vm, E_TypeError, "%s returned non-string (type %T)", (m & 0xff) == FR_STR ? "__str__" : "__repr__", t);
          goto error;
        }
        R[m >> 8] = t;
      }
    }
  }
  NEXT();

L_YIELD:
  t = RB;
  if (unlikely(!fr->gen)) { SAVE(); exc_raise(vm, E_RuntimeError, "yield outside a generator frame"); goto error; }
  OBJ(vm, fr->gen, Gen)->sendreg = A;
do_yield: {
    Gen *g = OBJ(vm, fr->gen, Gen);
    uint32_t n = g->nregs;
    memcpy(g->regs, R, n * sizeof(Value));
    g->pc = (uint32_t)(pc - code);
    g->state = GEN_SUSPENDED;
    if (fr->flags & FRF_BOUNDARY) { R[-1] = t; vm->nframes--; return 1; }
    fr = &vm->frames[--vm->nframes - 1];
    R = vm->stack + fr->base;
    code = vm->funcs[fr->func].code;
    pc = code + fr->pc;
    i = pc[-1];                                                       /* the resumer */
    if (GET_OP(i) == OP_FORITER) { R[A + 1] = t; NEXT(); }
    if (GET_OP(i) == OP_FORNEXT) { RC = t; pc++; NEXT(); }            /* skip its exit JMP */
    pc--;                                                             /* YIELDFROM: yield it on, run it again on resume */
    OBJ(vm, fr->gen, Gen)->sendreg = 0xffffffffu;
    goto do_yield;
  }
L_YIELDFROM:
  SAVE();
  if (unlikely(!fr->gen)) { exc_raise(vm, E_RuntimeError, "yield outside a generator frame"); goto error; }
  if (RB.tag == T_GEN) {
    if (AS(vm, RB, Gen)->state == GEN_DONE) { PUT(RA, v_none()); NEXT(); }
    CHECK(gen_enter(vm, RB, (uint32_t)(R - vm->stack) + vm->funcs[fr->func].nregs, 0, v_none()));
    fr = &vm->frames[vm->nframes - 1];
    R = vm->stack + fr->base;
    code = vm->funcs[fr->func].code;
    pc = code + fr->pc;
    NEXT();
  } else {
    int r = RB.tag == T_ITER ? vm_next(vm, RB, &t) : (exc_raise(vm, E_TypeError, "'%T' object is not an iterator", RB), -1);
    CHECK(r >= 0);
    if (r == 0) { PUT(RA, v_none()); NEXT(); }
    pc--;
    OBJ(vm, fr->gen, Gen)->sendreg = 0xffffffffu;
    goto do_yield;
  }

L_MAKEFUNC: {
  Value fv = K[GET_Bx(i)];
  SAVE();
  if (fv.tag != T_FUNC) { exc_raise(vm, E_TypeError, "MAKEFUNC of a non-function"); goto error; }
  Func *callee = &vm->funcs[fv.as.i];
  Value d = R[A], kd = R[A + 1], cl = R[A + 2];
  if ((d.tag != T_NONE && (d.tag != T_TUPLE || AS(vm, d, Tuple)->len > callee->nparams)) ||
      (kd.tag != T_NONE && kd.tag != T_DICT) ||
      (cl.tag != T_NONE && (cl.tag != T_TUPLE || AS(vm, cl, Tuple)->len != callee->nfree))) {
    exc_raise(vm, E_TypeError, "MAKEFUNC: bad defaults or cells");
    goto error;
  }
  Ref r = heap_alloc(vm, T_CLOSURE, sizeof(FuncObj));
  CHECK(r);
  FuncObj *fo = OBJ(vm, r, FuncObj);
  fo->func = (uint32_t)fv.as.i;
  fo->defaults = R[A]; fo->kwdefaults = R[A + 1]; fo->cells = R[A + 2];
  PUT(RA, v_obj(T_CLOSURE, r));
  NEXT();
}
L_LISTAPPEND:
  SAVE();
  if (RA.tag != T_LIST) { exc_raise(vm, E_TypeError, "LISTAPPEND to a non-list"); goto error; }
  CHECK(list_append(vm, RA, RB));
  NEXT();
L_LISTEXTEND: {
  SAVE();
  if (RA.tag != T_LIST) { exc_raise(vm, E_TypeError, "LISTEXTEND to a non-list"); goto error; }
  if (A == B) { exc_raise(vm, E_TypeError, "LISTEXTEND: the list and the iterable share a register"); goto error; }  /* hostile bytecode: R[B] becomes the iterator */
  Value it, item;
  int r;
  if (RB.tag != T_LIST && RB.tag != T_TUPLE && RB.tag != T_STR && RB.tag != T_DICT && RB.tag != T_RANGE &&
      RB.tag != T_ITER && RB.tag != T_GEN) {
    exc_raise(vm, E_TypeError, "%s%s() argument after * must be an iterable, not %T", callee_mod(RC), callee_desc(vm, RC), RB);
    goto error;
  }
  CHECK(vm_getiter(vm, RB, &it));
  RB = it;                                                /* rooted while generators run */
  while ((r = vm_next(vm, RB, &item)) == 1) CHECK(list_append(vm, RA, item));
  CHECK(r == 0);
  NEXT();
}
L_DICTMERGE: {
  SAVE();
  if (RA.tag != T_DICT) { exc_raise(vm, E_TypeError, "DICTMERGE to a non-dict"); goto error; }
  if (RB.tag != T_DICT) { exc_raise(vm, E_TypeError, "%s%s() argument after ** must be a mapping, not %T", callee_mod(RC), callee_desc(vm, RC), RB); goto error; }
  for (uint32_t k = 0; k < AS(vm, RB, Dict)->used; k++) {
    DictEntry e = dict_entries(vm, AS(vm, RB, Dict))[k];
    bool found;
    if (e.key.tag == T_UNBOUND) continue;
    if (e.key.tag != T_STR) { exc_raise(vm, E_TypeError, "keywords must be strings"); goto error; }
    CHECK(dict_get(vm, AS(vm, RA, Dict), e.key, &t, &found));
    if (found) { exc_raise(vm, E_TypeError, "%s%s() got multiple values for keyword argument '%S'", callee_mod(RC), callee_desc(vm, RC), AS(vm, e.key, Str)); goto error; }
    CHECK(dict_set(vm, RA, e.key, e.val));
  }
  NEXT();
}
L_SETADD:
  SAVE();
  if (RA.tag != T_SET) { exc_raise(vm, E_TypeError, "SETADD to a non-set"); goto error; }
  CHECK(set_add(vm, RA, RB));
  NEXT();
L_UNBIND:
  RA = v_unbound();
  NEXT();
L_CHKLOCAL:
  if (likely(RA.tag != T_UNBOUND)) NEXT();
  SAVE();
  exc_raise(vm, E_UnboundLocalError, "cannot access local variable '%S' where it is not associated with a value",
            name_str(vm, &vm->funcs[fr->func], A));
  goto error;
L_MKCELL: {
  Ref r = heap_alloc(vm, T_CELL, sizeof(Cell));
  SAVE();
  CHECK(r);
  OBJ(vm, r, Cell)->v = C ? RB : v_unbound();
  PUT(RA, v_obj(T_CELL, r));
  NEXT();
}
L_LOADCELL:
  if (likely(RB.tag == T_CELL)) {
    t = AS(vm, RB, Cell)->v;
    if (likely(t.tag != T_UNBOUND)) { RA = t; NEXT(); }
    SAVE();
    Str *nm = name_str(vm, &vm->funcs[fr->func], B);
    if (C) exc_raise(vm, E_NameError, "cannot access free variable '%S' where it is not associated with a value in enclosing scope", nm);
    else exc_raise(vm, E_UnboundLocalError, "cannot access local variable '%S' where it is not associated with a value", nm);
    goto error;
  }
  SAVE();
  exc_raise(vm, E_TypeError, "LOADCELL of a non-cell");
  goto error;
L_STORECELL:
  if (unlikely(RA.tag != T_CELL)) { SAVE(); exc_raise(vm, E_TypeError, "STORECELL to a non-cell"); goto error; }
  AS(vm, RA, Cell)->v = RB;
  NEXT();

L_NEWLIST: {
  Ref r = list_new(vm, C);
  SAVE();
  CHECK(r);
  List *l = OBJ(vm, r, List);
  memcpy(list_items(vm, l), &RB, C * sizeof(Value));
  l->len = C;
  PUT(RA, v_obj(T_LIST, r));
  NEXT();
}
L_NEWTUPLE: {
  Ref r = heap_bump(vm, T_TUPLE, sizeof(Tuple) + C * sizeof(Value));
  if (unlikely(!r)) { SAVE(); r = tuple_new(vm, C); CHECK(r); }     /* raises MemoryError */
  Tuple *tp = OBJ(vm, r, Tuple);
  tp->len = C; tp->pad = 0;
  for (uint32_t k = 0; k < C; k++) tp->v[k] = R[B + k];
  PUT(RA, v_obj(T_TUPLE, r));
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
  PUT(RA, v_obj(T_SLICE, r));
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
/* Dict fast paths: a str or int key found without user code (dict.c: dict_lookup_fast). */
#define DICT_HIT(dict, key, e_) (((e_) = dict_lookup_fast(vm, AS(vm, dict, Dict), key)) > 0)
L_GETITEM:
  if (RC.tag == T_INT) { INDEX_FAST(RB, RC.as.i) }
  if (RB.tag == T_DICT) goto getitem_dict;
getitem_slow:
  SAVE();
  CHECK(get_item(vm, RB, RC, &t));
  RA = t;
  NEXT();
L_GETITEMI:
  if (likely(RB.tag == T_LIST)) {                    /* a constant index >= 0: one unsigned bounds test */
    List *l_ = AS(vm, RB, List);
    if (likely((uint64_t)(int64_t)(int8_t)C < l_->len)) { RA = list_items(vm, l_)[(uint8_t)C]; NEXT(); }
  }
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
  if (RA.tag == T_DICT) goto setitem_dict;
setitem_slow:
  SAVE();
  CHECK(set_item(vm, RA, RB, RC));
  NEXT();
L_SETITEMI:
  if (RA.tag == T_LIST) {
    List *l = AS(vm, RA, List);
    int64_t ix_ = (int8_t)B;
    uint64_t ix = (uint64_t)(ix_ < 0 ? ix_ + l->len : ix_);
    if (ix < l->len) { list_items(vm, l)[ix] = RC; NEXT(); }
  }
  SAVE();
  CHECK(set_item(vm, RA, v_int((int8_t)B), RC));
  NEXT();
L_DELITEM: SAVE(); CHECK(del_item(vm, RA, RB)); NEXT();
L_DELATTR: SAVE(); CHECK(obj_delattr(vm, RA, GET_Bx(i))); NEXT();
L_DELGLOBAL: SAVE(); CHECK(global_del(vm, GET_Bx(i))); NEXT();
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
  if (unlikely(RB.tag == T_INSTANCE)) {              /* a user __str__/__repr__ runs as an interpreter call */
    bool is_str = !C && obj_find_dunder(vm, RB, D_str, &t);
    if ((is_str || obj_find_dunder(vm, RB, D_repr, &t)) && (t.tag == T_FUNC || t.tag == T_CLOSURE)) {
      uint32_t top = fr->base + vm->funcs[fr->func].nregs;
      if (top + 4 > vm->stack_size) { exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded"); goto error; }
      pending_ret = (is_str ? FR_STR : FR_REPR) | A << 8;
      vm->stack[top] = t;
      vm->stack[top + 1] = RB;
      i = OP_CALL | (top - fr->base) << 8 | 1u << 16;
      goto call_p;
    }
  }
  sb_begin(vm, &sb);
  CHECK(C ? sb_repr(&sb, RB) : sb_str(&sb, RB));
  CHECK(sb_end(&sb, &t));
  RA = t;
  NEXT();
}
/* Attribute access: GETATTR/SETATTR/METHOD take the object in R[A] (R[A+1])
 * and a 16-bit constant index, the K forms any register and an 8-bit one. */
/* The hit: the instance's class is the cache's (the table is cleared when
 * a class it depends on changes, class.c), and the name's slot is within the instance's slots (ATTR_NOSLOT
 * never is; a dict-mode instance has none) and present (not a hole). */
#define ATTR_SLOT(objp, k, sv)                                                    \
  Value *sv = NULL;                                                               \
  if (likely((objp)->tag == T_INSTANCE)) {                                        \
    Instance *in_ = AS(vm, *(objp), Instance);                                    \
    AttrCache *c_ = &vm->acache[k];                                               \
    if (likely(c_->cls == in_->cls && c_->slot < in_->nslots)) { \
      sv = OBJ(vm, in_->slots, Array)->v + c_->slot;                             \
      if (unlikely(sv->tag == T_UNBOUND)) sv = NULL;                              \
    }                                                                             \
  }
/* Each form tests the cache with its own operands (the hit path has no jump
 * to a shared handler), then shares the rest. */
#define GETATTR_HIT(objp, k) do { ATTR_SLOT(objp, k, sv) if (likely(sv != NULL)) { RA = *sv; NEXT(); } } while (0)
#define SETATTR_HIT(objp, k, valp) do { ATTR_SLOT(objp, k, sv) if (likely(sv != NULL)) { *sv = *(valp); NEXT(); } } while (0)
L_GETATTR: GETATTR_HIT(&RA, GET_Bx(i)); ga_p = &RA; ga_k = GET_Bx(i); goto do_getattr;
L_GETATTRK: GETATTR_HIT(&RB, C); ga_p = &RB; ga_k = C; goto do_getattr;
do_getattr: {
  ga_obj = *ga_p;
  SAVE();
  int r = obj_getattr(vm, ga_obj, ga_k, &t);
  CHECK(r);
  if (r == 1) { RA = t; NEXT(); }
  pending_ret = FR_TOREG | A << 8;                   /* a property: call its getter into R[A] */
  {
    uint32_t top = fr->base + vm->funcs[fr->func].nregs;
    if (top + 4 > vm->stack_size) { pending_ret = 0; exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded"); goto error; }
    vm->stack[top] = t;
    vm->stack[top + 1] = ga_obj.tag == T_WRAP ? AS(vm, ga_obj, Wrap)->b : ga_obj;   /* super().prop: the getter gets self */
    i = OP_CALL | (top - fr->base) << 8 | 1u << 16;
  }
  goto call_p;
}
L_SETATTR: SETATTR_HIT(&RA, GET_Bx(i), &R[A + 1]); ga_p = &RA; ga_k = GET_Bx(i); sa_p = &R[A + 1]; goto do_setattr;
L_SETATTRK: SETATTR_HIT(&RA, B, &RC); ga_p = &RA; ga_k = B; sa_p = &RC; goto do_setattr;
do_setattr: {
  ga_obj = *ga_p; sa_val = *sa_p;
  SAVE();
  int r = obj_setattr(vm, ga_obj, ga_k, sa_val, &t);
  CHECK(r);
  if (r == 1) NEXT();
  pending_ret = FR_DISCARD;                          /* a property: call its setter */
  {
    uint32_t top = fr->base + vm->funcs[fr->func].nregs;
    if (top + 5 > vm->stack_size) { pending_ret = 0; exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded"); goto error; }
    vm->stack[top] = t;
    vm->stack[top + 1] = ga_obj;
    vm->stack[top + 2] = sa_val;
    i = OP_CALL | (top - fr->base) << 8 | 2u << 16;
  }
  goto call_p;
}
/* The inline cache hit: a plain method of the class (METHOD's self is
 * already in R[A+1]; METHODK copies it there only on the way out). */
#define METHOD_HIT(selfp, k, copy) do {                                           \
    if (likely((selfp)->tag == T_INSTANCE)) {                                     \
      const AttrCache *c_ = &vm->acache[k];                                       \
      if (likely(c_->cls == AS(vm, *(selfp), Instance)->cls && c_->method)) {     \
        copy;                                                                     \
        RA = c_->v;                                                               \
        NEXT();                                                                   \
      }                                                                           \
    }                                                                             \
  } while (0)
L_METHOD: METHOD_HIT(&R[A + 1], GET_Bx(i), (void)0); ga_p = &R[A + 1]; ga_k = GET_Bx(i); goto do_method;
L_METHODK: METHOD_HIT(&RB, C, R[A + 1] = RB); ga_p = &RB; ga_k = C; goto do_method;
do_method: {
  R[A + 1] = *ga_p;
  Value self = R[A + 1];
  SAVE();
  if (self.tag == T_INSTANCE || self.tag == T_CLASS || (self.tag == T_WRAP && AS(vm, self, Wrap)->kind == W_SUPER)) {
    int r = obj_method(vm, &self, ga_k, &t);
    if (unlikely(!r)) goto method_error;
    if (r == 1) { RA = t; R[A + 1] = self; }
    else { R[A + 1] = t; PUT(RA, v_obj(T_NOSELF, 0)); }
    NEXT();
  }
  if (likely(find_method(vm, self, ga_k, &t))) { RA = t; NEXT(); }
method_error:                            /* `with` on an object without __enter__/__exit__ */
  if (vm->exc == E_AttributeError) {
    Str *name = AS(vm, K[ga_k], Str);
    if ((name->nbytes == 9 && !memcmp(name->data, "__enter__", 9)) || (name->nbytes == 8 && !memcmp(name->data, "__exit__", 8)))
      exc_raise(vm, E_TypeError, "'%T' object does not support the context manager protocol", R[A + 1]);
  }
  goto error;
}

  /* len(x) and str(x) of the common types, d.get(k[, default]) of a str or int
   * key and l.append(x) with room: no native call (the safe point is skipped
   * only when no collection is due, so nothing else changes) */
call_native:
  if (likely(vm->heap_top <= *(volatile size_t *)&vm->gc_at)) {
    const Value x_ = R[A + 1];
    if (GET_Bx(i) == 1) {
      LEN_STR_INLINE(RA.as.i, x_)
    } else if ((RA.as.i == NATIVE_DICT_GET || RA.as.i == NATIVE_LIST_APPEND) && native_inline(vm, &R[A], GET_Bx(i))) NEXT();
  }
  goto call_generic;

getitem_dict: {                                      /* GETITEM of a dict: a str or int key inline */
  int64_t e_;
  if (DICT_HIT(RB, RC, e_)) { RA = dict_ents(vm, AS(vm, RB, Dict))[e_ - 1].val; NEXT(); }
  goto getitem_slow;
}
setitem_dict: {                                      /* SETITEM of an existing str or int key: replace the value */
  int64_t e_;
  if (DICT_HIT(RA, RB, e_)) { dict_ents(vm, AS(vm, RA, Dict))[e_ - 1].val = RC; NEXT(); }
  goto setitem_slow;
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
  PUT(RA, v_bool(r_));
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
    int64_t h = FUEL_SPENT() ? -1 : find_handler(vm, fr->func, fr->pc ? fr->pc - 1 : 0, &reg);
    if (h >= 0) {
      R[reg] = vm->exc_val;
      vm->ntop = 0;
      vm->unsafe_native = 0;
      vm->exc = -1;
      vm->exc_val = v_none();
      pc = code + h;
      /* A handler at or before the raising instruction (only hostile code
       * has one): a backward transfer, so a safe point, or handlers that
       * raise into each other would loop with none. */
      if ((uint32_t)h < fr->pc) BACK_EDGE();
      NEXT();
    }
    if (fr->gen) {                       /* a generator that raises is finished */
      Gen *g = OBJ(vm, fr->gen, Gen);
      g->state = GEN_DONE;
      for (uint32_t k = 0; k < g->nregs; k++) g->regs[k] = v_none();
    }
    if (fr->flags & FRF_BOUNDARY) return -1;
    fr = &vm->frames[--vm->nframes - 1];
    R = vm->stack + fr->base;
    code = vm->funcs[fr->func].code;
    pc = code + fr->pc;
    exc_add_tb(vm, fr->func, fr->pc);
  }
}

