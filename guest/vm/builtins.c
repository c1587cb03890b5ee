/*
 * builtins.c -- native functions: the built-in functions (print, len, ...)
 * and the methods of built-in types (list.append, str.join, ...).
 * Natives are named by their index in bi_natives[], never by address, so
 * a snapshot can refer to them on any architecture.
 */
#include "vm.h"
#include "dtoa.h"
#include "platform.h"
#include "opcodes.h"

/* ---- output --------------------------------------------------------------- */
void out_flush(VM *vm) {
  if (vm->outlen) plat_write(PLAT_STDOUT, vm->out, vm->outlen);
  vm->outlen = 0;
}

/* Write to the program's stdout (buffered) or stderr (flushes stdout first). */
void out_write(VM *vm, int stream, const char *s, size_t n) {
  if (stream != PLAT_STDOUT) { out_flush(vm); plat_write(stream, s, n); return; }
  while (n) {
    if (vm->outlen == VM_OUTBUF) out_flush(vm);
    size_t k = VM_OUTBUF - vm->outlen;
    if (k > n) k = n;
    memcpy(vm->out + vm->outlen, s, k);
    vm->outlen += (uint32_t)k;
    s += k; n -= k;
  }
}

#undef NATIVE
#define NATIVE(name) static bool name(VM *vm, Value *a, int n, Value *kw, int nkw, Value *out)

static bool want_args(VM *vm, const char *fn, int n, int lo, int hi) {
  if (n >= lo && n <= hi) return true;
  if (lo == 1 && hi == 1) return exc_raise(vm, E_TypeError, "%s() takes exactly one argument (%d given)", fn, (int64_t)n);
  if (lo == hi) return exc_raise(vm, E_TypeError, "%s() takes exactly %d argument%s (%d given)", fn, (int64_t)lo, lo == 1 ? "" : "s", (int64_t)n);
  if (n < lo) return exc_raise(vm, E_TypeError, "%s expected at least %d argument%s, got %d", fn, (int64_t)lo, lo == 1 ? "" : "s", (int64_t)n);
  return exc_raise(vm, E_TypeError, "%s expected at most %d argument%s, got %d", fn, (int64_t)hi, hi == 1 ? "" : "s", (int64_t)n);
}

bool bi_nargs(VM *vm, const char *fn, int n, int lo, int hi) { return want_args(vm, fn, n, lo, hi); }

static bool is_str(Value v) { return v.tag == T_STR; }
static Str *S(VM *vm, Value v) { return AS(vm, v, Str); }

/* ---- built-in functions ---------------------------------------------------------- */
NATIVE(bi_print) {
  Value sep = v_none(), end = v_none();
  for (int i = 0; i < nkw; i++) {
    Str *k = S(vm, kw[2 * i]);
    if (k->nbytes == 3 && !memcmp(k->data, "sep", 3)) sep = kw[2 * i + 1];
    else if (k->nbytes == 3 && !memcmp(k->data, "end", 3)) end = kw[2 * i + 1];
    else if (k->nbytes == 5 && !memcmp(k->data, "flush", 5)) continue;
    else return exc_raise(vm, E_TypeError, "'%S' is an invalid keyword argument for print()", k);
  }
  if (sep.tag != T_NONE && !is_str(sep)) return exc_raise(vm, E_TypeError, "sep must be None or a string, not %T", sep);
  if (end.tag != T_NONE && !is_str(end)) return exc_raise(vm, E_TypeError, "end must be None or a string, not %T", end);
  for (int i = 0; i < n; i++) {
    if (i) {
      if (sep.tag == T_NONE) out_write(vm, PLAT_STDOUT, " ", 1);
      else out_write(vm, PLAT_STDOUT, S(vm, sep)->data, S(vm, sep)->nbytes);
    }
    if (is_str(a[i])) { out_write(vm, PLAT_STDOUT, S(vm, a[i])->data, S(vm, a[i])->nbytes); continue; }
    StrBuf sb;
    sb_begin(vm, &sb);
    if (!sb_str(&sb, a[i])) { sb_abandon(&sb); return false; }   /* a __str__ may raise */
    if (sb.failed) return exc_raise(vm, E_MemoryError, "");
    out_write(vm, PLAT_STDOUT, sb_data(&sb), sb.len);
    sb_abandon(&sb);
  }
  if (end.tag == T_NONE) out_write(vm, PLAT_STDOUT, "\n", 1);
  else out_write(vm, PLAT_STDOUT, S(vm, end)->data, S(vm, end)->nbytes);
#ifdef DRIFT_GUEST
  out_flush(vm);
#endif
  *out = v_none();
  return true;
}

NATIVE(bi_len) {
  int64_t len;
  if (!want_args(vm, "len", n, 1, 1) || !seq_len(vm, a[0], &len)) return false;
  *out = v_int(len);
  return true;
}

static bool need_int(VM *vm, Value v, int64_t *i) {
  if (v.tag == T_INT || v.tag == T_BOOL) { *i = v.as.i; return true; }
  if (v.tag == T_BIGINT) return exc_raise(vm, E_OverflowError, "Python int too large to convert to C ssize_t");
  return exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", v);
}

bool bi_index(VM *vm, Value v, int64_t *i) { return need_int(vm, v, i); }

NATIVE(bi_range) {
  int64_t x[3] = {0, 0, 1};
  if (n == 0) return exc_raise(vm, E_TypeError, "range expected at least 1 argument, got 0");
  if (!want_args(vm, "range", n, 1, 3)) return false;
  for (int i = 0; i < n; i++)
    if (!need_int(vm, a[i], &x[n == 1 ? 1 : i])) return false;
  if (x[2] == 0) return exc_raise(vm, E_ValueError, "range() arg 3 must not be zero");
  Ref r = heap_alloc(vm, T_RANGE, sizeof(Range));
  if (!r) return false;
  Range *rg = OBJ(vm, r, Range);
  rg->start = x[0]; rg->stop = x[1]; rg->step = x[2];
  *out = v_obj(T_RANGE, r);
  return true;
}

NATIVE(bi_str) {
  if (!want_args(vm, "str", n, 0, 1)) return false;
  if (n == 0) return str_value(vm, "", 0, out);
  if (is_str(a[0])) { *out = a[0]; return true; }
  if (a[0].tag == T_INT) return str_from_int(vm, a[0].as.i, out);   /* the common case, without a StrBuf */
  StrBuf sb;
  sb_begin(vm, &sb);
  return sb_str(&sb, a[0]) && sb_end(&sb, out);
}

NATIVE(bi_repr) {
  if (!want_args(vm, "repr", n, 1, 1)) return false;
  StrBuf sb;
  sb_begin(vm, &sb);
  return sb_repr(&sb, a[0]) && sb_end(&sb, out);
}

static bool is_ws(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

/* int(s, base): base 0 or 2..36, prefixes 0x/0o/0b, '_' between digits, any size. */
static bool parse_int(VM *vm, Value sv, int base, Value *out) {
  Str *s = S(vm, sv);
  const char *p = s->data, *e = p + s->nbytes;
  while (p < e && is_ws(*p)) p++;
  while (e > p && is_ws(e[-1])) e--;
  bool neg = false;
  if (p < e && (*p == '+' || *p == '-')) neg = *p++ == '-';
  int b = base;
  if (e - p >= 2 && p[0] == '0') {
    char x = (char)(p[1] | 0x20);
    int pb = x == 'x' ? 16 : x == 'o' ? 8 : x == 'b' ? 2 : 0;
    if (pb && (b == 0 || b == pb)) {
      b = pb;
      p += 2;
      if (p < e && *p == '_') p++;
    }
  }
  if (b == 0) {                                    /* decimal: no leading zeros unless all zeros */
    b = 10;
    if (p < e && *p == '0')
      for (const char *q = p; q < e; q++) if (*q != '0' && *q != '_') goto bad;
  }
  if (b != 2 && b != 4 && b != 8 && b != 16 && b != 32 && e - p > 4300) {
    int64_t nd = 0;
    for (const char *q = p; q < e; q++) nd += *q != '_';
    if (nd > 4300)
      return exc_raise(vm, E_ValueError, "Exceeds the limit (4300 digits) for integer string conversion: value has %d digits; use sys.set_int_max_str_digits() to increase the limit", nd);
  }
  int r = int_parse_digits(vm, p, (size_t)(e - p), b, neg, out);
  if (r > 0) return true;
  if (r < 0) return false;
bad:
  return exc_raise(vm, E_ValueError, "invalid literal for int() with base %d: %R", (int64_t)base, sv);
}

NATIVE(bi_int) {
  if (!want_args(vm, "int", n, 0, 2)) return false;
  if (n == 0) { *out = v_int(0); return true; }
  Value v = a[0];
  if (n == 2) {
    int64_t base = 0;
    if (!need_int(vm, a[1], &base)) return false;
    if (base != 0 && (base < 2 || base > 36)) return exc_raise(vm, E_ValueError, "int() base must be >= 2 and <= 36, or 0");
    if (!is_str(v)) return exc_raise(vm, E_TypeError, "int() can't convert non-string with explicit base");
    return parse_int(vm, v, (int)base, out);
  }
  switch (v.tag) {
  case T_INT: case T_BOOL: *out = v_int(v.as.i); return true;
  case T_BIGINT: *out = v; return true;
  case T_FLOAT:
    if (v.as.f != v.as.f) return exc_raise(vm, E_ValueError, "cannot convert float NaN to integer");
    if (v.as.f == 1.0 / 0.0 || v.as.f == -1.0 / 0.0) return exc_raise(vm, E_OverflowError, "cannot convert float infinity to integer");
    return int_from_double(vm, v.as.f, out);
  case T_STR: return parse_int(vm, v, 10, out);
  default: return exc_raise(vm, E_TypeError, "int() argument must be a string, a bytes-like object or a real number, not '%T'", v);
  }
}

NATIVE(bi_float) {
  if (!want_args(vm, "float", n, 0, 1)) return false;
  if (n == 0) { *out = v_float(0.0); return true; }
  Value v = a[0];
  if (v.tag == T_FLOAT) { *out = v; return true; }
  if (is_int(v)) { double d; if (!int_to_double(vm, v, &d)) return false; *out = v_float(d); return true; }
  if (v.tag == T_STR) {
    double d;
    if (!dtoa_parse(S(vm, v)->data, S(vm, v)->nbytes, &d)) return exc_raise(vm, E_ValueError, "could not convert string to float: %R", v);
    *out = v_float(d);
    return true;
  }
  return exc_raise(vm, E_TypeError, "float() argument must be a string or a real number, not '%T'", v);
}

NATIVE(bi_bool) {
  if (!want_args(vm, "bool", n, 0, 1)) return false;
  *out = v_bool(n && truthy(vm, a[0]));
  return true;
}

NATIVE(bi_abs) {
  if (!want_args(vm, "abs", n, 1, 1)) return false;
  Value v = a[0];
  if ((v.tag == T_INT || v.tag == T_BOOL) && v.as.i != INT64_MIN) { *out = v_int(v.as.i < 0 ? -v.as.i : v.as.i); return true; }
  if (is_int(v)) return big_unary(vm, -1, v, out);
  if (v.tag == T_FLOAT) { *out = v_float(v.as.f < 0 || (v.as.f == 0 && 1 / v.as.f < 0) ? -v.as.f : v.as.f); return true; }
  return exc_raise(vm, E_TypeError, "bad operand type for abs(): '%T'", v);
}

/* min/max: op 0 = '<' picks min, op 2 = '>' picks max; keywords key=, default=.
 * Values live in rooted registers (r[]): key functions may collect garbage. */
static bool minmax(VM *vm, const char *name, int op, Value *a, int n, Value *kw, int nkw, Value *out) {
  Value key = v_none(), dflt = v_unbound();
  for (int i = 0; i < nkw; i++) {
    Str *k = S(vm, kw[2 * i]);
    if (k->nbytes == 3 && !memcmp(k->data, "key", 3)) key = kw[2 * i + 1];
    else if (k->nbytes == 7 && !memcmp(k->data, "default", 7)) dflt = kw[2 * i + 1];
    else return exc_raise(vm, E_TypeError, "'%S' is an invalid keyword argument for %s()", k, name);
  }
  if (n == 0) return exc_raise(vm, E_TypeError, "%s expected at least 1 argument, got 0", name);
  if (n > 1 && dflt.tag != T_UNBOUND)
    return exc_raise(vm, E_TypeError, "Cannot specify a default for %s() with multiple positional arguments", name);
  uint32_t mark = vm->ntop;
  Value *r = vm_push(vm, 5);            /* iterator, best, best key, key function, item */
  if (!r) return false;
  r[3] = key;
  bool have = false, better, ok = false;
  int k;
  Value item, kv;
  if (n == 1) { if (!vm_getiter(vm, a[0], &r[0])) goto done; }
  else {
    Ref t = tuple_new(vm, (uint32_t)n);
    if (!t) goto done;
    memcpy(OBJ(vm, t, Tuple)->v, a, (size_t)n * sizeof(Value));
    if (!vm_getiter(vm, v_obj(T_TUPLE, t), &r[0])) goto done;
  }
  while ((k = vm_next(vm, r[0], &item)) == 1) {
    r[4] = item;
    if (r[3].tag != T_NONE) { if (!vm_call(vm, r[3], &r[4], 1, &kv)) goto done; }
    else kv = item;
    if (have && !compare(vm, op, kv, r[2], &better)) goto done;
    if (!have || better) { r[1] = r[4]; r[2] = kv; }
    have = true;
  }
  if (k < 0) goto done;
  if (!have) {
    if (dflt.tag == T_UNBOUND) { exc_raise(vm, E_ValueError, "%s() arg is an empty sequence", name); goto done; }
    r[1] = dflt;
  }
  *out = r[1];
  ok = true;
done:
  vm_pop(vm, mark);
  return ok;
}
NATIVE(bi_min) { return minmax(vm, "min", 0, a, n, kw, nkw, out); }
NATIVE(bi_max) { return minmax(vm, "max", 2, a, n, kw, nkw, out); }

NATIVE(bi_sum) {
  if (!want_args(vm, "sum", n, 1, 2)) return false;
  Value item;
  if (n == 2 && a[1].tag == T_STR) return exc_raise(vm, E_TypeError, "sum() can't sum strings [use ''.join(seq) instead]");
  uint32_t mark = vm->ntop;
  Value *r = vm_push(vm, 2);            /* iterator, accumulator */
  if (!r) return false;
  r[1] = n == 2 ? a[1] : v_int(0);
  int k = vm_getiter(vm, a[0], &r[0]) ? 1 : -1;
  while (k > 0 && (k = vm_next(vm, r[0], &item)) == 1)
    if (!arith(vm, OP_ADD, r[1], item, &r[1])) k = -1;
  *out = r[1];
  vm_pop(vm, mark);
  return k == 0;
}

/* Collect an iterable into a new list (GC-safe: iterating may run code). */
static bool to_list(VM *vm, Value src, Value *out) {
  uint32_t mark = vm->ntop;
  Value *r = vm_push(vm, 2);            /* list, iterator */
  if (!r) return false;
  Ref lr = list_new(vm, 4);
  Value item;
  int k = -1;
  if (lr) {
    r[0] = v_obj(T_LIST, lr);
    k = vm_getiter(vm, src, &r[1]) ? 1 : -1;
    while (k > 0 && (k = vm_next(vm, r[1], &item)) == 1)
      if (!list_append(vm, r[0], item)) k = -1;
  }
  *out = r[0];
  vm_pop(vm, mark);
  return k == 0;
}

NATIVE(bi_list) {
  if (!want_args(vm, "list", n, 0, 1)) return false;
  if (n == 0) { Ref r = list_new(vm, 4); *out = v_obj(T_LIST, r); return r != 0; }
  return to_list(vm, a[0], out);
}

NATIVE(bi_tuple) {
  if (!want_args(vm, "tuple", n, 0, 1)) return false;
  Value l = v_none();
  if (n == 1 && a[0].tag == T_TUPLE) { *out = a[0]; return true; }
  if (n == 1 && !to_list(vm, a[0], &l)) return false;
  uint32_t len = n ? AS(vm, l, List)->len : 0;
  Ref t = tuple_new(vm, len);
  if (!t) return false;
  if (len) memcpy(OBJ(vm, t, Tuple)->v, list_items(vm, AS(vm, l, List)), len * sizeof(Value));
  *out = v_obj(T_TUPLE, t);
  return true;
}

NATIVE(bi_dict) {
  if (!want_args(vm, "dict", n, 0, 1)) return false;
  Ref r = dict_new(vm, 4);
  if (!r) return false;
  *out = v_obj(T_DICT, r);
  if (n == 1 && !dict_update_from(vm, out, a[0])) return false;   /* a dict or an iterable of pairs */
  for (int i = 0; i < nkw; i++)
    if (!dict_set(vm, *out, kw[2 * i], kw[2 * i + 1])) return false;
  return true;
}

/* Stable merge sort of the n (key, item) pairs in the Array r[1] by key
 * (r[2]: an Array of the same size for merging).  The arrays are re-read
 * after every comparison: comparing may run code that collects garbage. */
#define PAIRS(x) (OBJ(vm, (Ref)r[x].as.r, Array)->v)
static bool merge_sort(VM *vm, Value *r, uint32_t n, bool reverse) {
  for (uint32_t w = 1; w < n; w *= 2) {
    for (uint32_t lo = 0; lo < n; lo += 2 * w) {
      uint32_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n, i = lo, j = mid, k = lo;
      while (i < mid && j < hi) {
        bool lt;   /* take from the right only if strictly before the left */
        if (!compare(vm, reverse ? 2 : 0, PAIRS(1)[2 * j], PAIRS(1)[2 * i], &lt)) return false;
        uint32_t from = lt ? j++ : i++;
        PAIRS(2)[2 * k] = PAIRS(1)[2 * from];
        PAIRS(2)[2 * k + 1] = PAIRS(1)[2 * from + 1];
        k++;
      }
      for (; i < mid; i++, k++) { PAIRS(2)[2 * k] = PAIRS(1)[2 * i]; PAIRS(2)[2 * k + 1] = PAIRS(1)[2 * i + 1]; }
      for (; j < hi; j++, k++) { PAIRS(2)[2 * k] = PAIRS(1)[2 * j]; PAIRS(2)[2 * k + 1] = PAIRS(1)[2 * j + 1]; }
    }
    Value t = r[1]; r[1] = r[2]; r[2] = t;
  }
  return true;
}

/* Sort list `list` in place by key(item) (key None: the items), stably. */
static bool sort_list(VM *vm, Value list, Value key, bool reverse) {
  uint32_t len = AS(vm, list, List)->len, mark = vm->ntop;
  Value *r = vm_push(vm, 5);            /* list, pairs, merge space, key function, item */
  if (!r) return false;
  bool ok = false;
  r[0] = list; r[3] = key;
  size_t bytes = sizeof(ObjHdr) + 2 * (size_t)len * sizeof(Value);
  Ref p = heap_alloc(vm, T_ARRAY, bytes);
  if (!p) goto done;
  r[1] = v_obj(T_ARRAY, p);
  if (!(p = heap_alloc(vm, T_ARRAY, bytes))) goto done;
  r[2] = v_obj(T_ARRAY, p);
  for (uint32_t i = 0; i < len; i++) {
    List *l = AS(vm, r[0], List);
    if (l->len != len) { exc_raise(vm, E_ValueError, "list modified during sort"); goto done; }
    Value item = list_items(vm, l)[i], kv = item;
    r[4] = item;
    if (key.tag != T_NONE && !vm_call(vm, r[3], &r[4], 1, &kv)) goto done;
    PAIRS(1)[2 * i] = kv;
    PAIRS(1)[2 * i + 1] = r[4];
  }
  if (!merge_sort(vm, r, len, reverse)) goto done;
  List *l = AS(vm, r[0], List);
  if (l->len != len) { exc_raise(vm, E_ValueError, "list modified during sort"); goto done; }
  for (uint32_t i = 0; i < len; i++) list_items(vm, AS(vm, r[0], List))[i] = PAIRS(1)[2 * i + 1];
  ok = true;
done:
  vm_pop(vm, mark);
  return ok;
}
#undef PAIRS

static bool sort_kw(VM *vm, const char *fn, Value *kw, int nkw, bool *rev, Value *key) {
  *rev = false;
  *key = v_none();
  for (int i = 0; i < nkw; i++) {
    Str *k = S(vm, kw[2 * i]);
    if (k->nbytes == 7 && !memcmp(k->data, "reverse", 7)) *rev = truthy(vm, kw[2 * i + 1]);
    else if (k->nbytes == 3 && !memcmp(k->data, "key", 3)) *key = kw[2 * i + 1];
    else return exc_raise(vm, E_TypeError, "'%S' is an invalid keyword argument for %s()", k, fn);
  }
  return true;
}

NATIVE(bi_sorted) {
  bool rev;
  Value key;
  if (n != 1) return exc_raise(vm, E_TypeError, "sorted expected 1 argument, got %d", (int64_t)n);
  if (!sort_kw(vm, "sort", kw, nkw, &rev, &key)) return false;
  uint32_t mark = vm->ntop;
  Value *r = vm_push(vm, 2);
  if (!r) return false;
  r[1] = key;
  bool ok = to_list(vm, a[0], &r[0]) && sort_list(vm, r[0], r[1], rev);
  *out = r[0];
  vm_pop(vm, mark);
  return ok;
}

/* ---- map, filter, iter, next, any, all --------------------------------------------- */
/* map and filter are Iters whose seq is a tuple (function, iterator...). */
static bool fn_iter(VM *vm, const char *name, uint32_t kind, Value *a, int n, Value *out) {
  if (n < 2) {
    if (kind == IT_FILTER) return want_args(vm, "filter", n, 2, 2);
    return exc_raise(vm, E_TypeError, "%s() must have at least two arguments.", name);
  }
  if (kind == IT_FILTER && !want_args(vm, "filter", n, 2, 2)) return false;
  Ref t = tuple_new(vm, (uint32_t)n);
  if (!t) return false;
  OBJ(vm, t, Tuple)->v[0] = a[0];
  for (int i = 1; i < n; i++) {
    Value it;
    if (!vm_getiter(vm, a[i], &it)) return false;
    OBJ(vm, t, Tuple)->v[i] = it;
  }
  Ref r = heap_alloc(vm, T_ITER, sizeof(Iter));
  if (!r) return false;
  OBJ(vm, r, Iter)->kind = kind;
  OBJ(vm, r, Iter)->seq = v_obj(T_TUPLE, t);
  *out = v_obj(T_ITER, r);
  return true;
}
NATIVE(bi_map) { return fn_iter(vm, "map", IT_MAP, a, n, out); }
NATIVE(bi_filter) { return fn_iter(vm, "filter", IT_FILTER, a, n, out); }

NATIVE(bi_iter) {
  if (!want_args(vm, "iter", n, 1, 1)) return false;
  return vm_getiter(vm, a[0], out);
}

NATIVE(bi_next) {
  if (!want_args(vm, "next", n, 1, 2)) return false;
  if (a[0].tag != T_ITER && a[0].tag != T_GEN) return exc_raise(vm, E_TypeError, "'%T' object is not an iterator", a[0]);
  int k = vm_next(vm, a[0], out);
  if (k < 0) return false;
  if (k == 0) {
    if (n == 2) { *out = a[1]; return true; }
    if (out->tag != T_NONE && a[0].tag == T_GEN) return exc_raise(vm, E_StopIteration, "%R", *out);
    return exc_raise(vm, E_StopIteration, "");
  }
  return true;
}

/* generator.send(value): resume, the yield expression evaluating to value. */
NATIVE(m_gen_send) {
  if (!want_args(vm, "send", n - 1, 1, 1)) return false;
  if (AS(vm, a[0], Gen)->state == GEN_CREATED && a[1].tag != T_NONE)
    return exc_raise(vm, E_TypeError, "can't send non-None value to a just-started generator");
  int k = gen_resume(vm, a[0], a[1], out);
  if (k < 0) return false;
  if (k == 0) return out->tag != T_NONE ? exc_raise(vm, E_StopIteration, "%R", *out) : exc_raise(vm, E_StopIteration, "");
  return true;
}

/* generator.throw(exc) / throw(type[, value[, tb]]): raise exc at the generator's yield;
 * returns what it yields next, StopIteration if it returns. */
NATIVE(m_gen_throw) {
  if (!want_args(vm, "throw", n - 1, 1, 3)) return false;
  if (AS(vm, a[0], Gen)->state == GEN_RUNNING) return exc_raise(vm, E_ValueError, "generator already executing");
  Value e = a[1];
  bool cls = e.tag == T_CLASS && (AS(vm, e, Class)->flags & CF_EXC);
  if (!cls && !exc_is_instance(vm, e))
    return exc_raise(vm, E_TypeError, "exceptions must be classes or instances deriving from BaseException, not %T", e);
  if (n > 2 && a[2].tag != T_NONE) {
    if (!cls) return exc_raise(vm, E_TypeError, "instance exception may not have a separate value");
    if (exc_is_instance(vm, a[2]) && cls_is_sub(vm, cls_of(vm, a[2]), (Ref)e.as.r)) e = a[2];
    else if (a[2].tag == T_TUPLE) { if (!vm_call(vm, e, AS(vm, a[2], Tuple)->v, (int)AS(vm, a[2], Tuple)->len, &e)) return false; }
    else if (!vm_call(vm, e, &a[2], 1, &e)) return false;
  } else if (cls && !vm_call(vm, e, &a[1], 0, &e)) return false;
  if (!exc_is_instance(vm, e))
    return exc_raise(vm, E_TypeError, "calling %R should have returned an instance of BaseException, not %T", a[1], e);
  exc_set_pending(vm, e);
  int k = gen_throw(vm, a[0], out);
  if (k < 0) return false;
  if (k == 0) return out->tag != T_NONE ? exc_raise(vm, E_StopIteration, "%R", *out) : exc_raise(vm, E_StopIteration, "");
  return true;
}

/* generator.close(): raise GeneratorExit at its yield (its finally blocks run);
 * RuntimeError if it yields again, other exceptions propagate. */
NATIVE(m_gen_close) {
  if (!want_args(vm, "close", n - 1, 0, 0)) return false;
  Gen *g = AS(vm, a[0], Gen);
  if (g->state == GEN_RUNNING) return exc_raise(vm, E_ValueError, "generator already executing");
  *out = v_none();
  if (g->state != GEN_SUSPENDED) {
    g->state = GEN_DONE;
    for (uint32_t k = 0; k < g->nregs; k++) g->regs[k] = v_none();
    return true;
  }
  exc_raise(vm, E_GeneratorExit, "");
  int k = gen_throw(vm, a[0], out);
  *out = v_none();
  if (k == 1) return exc_raise(vm, E_RuntimeError, "generator ignored GeneratorExit");
  if (k < 0) {
    bool ge = vm->exc == E_GeneratorExit || vm->exc == E_StopIteration || (exc_is_instance(vm, vm->exc_val) &&
              (cls_is_sub(vm, cls_of(vm, vm->exc_val), vm->classes[E_GeneratorExit]) ||
               cls_is_sub(vm, cls_of(vm, vm->exc_val), vm->classes[E_StopIteration])));
    if (!ge) return false;
    vm->exc = -1;
    vm->exc_val = v_none();
  }
  return true;
}

/* any (want true) / all (want false): stop at the first item whose truth is `want`. */
static bool any_all(VM *vm, const char *name, bool want, Value *a, int n, Value *out) {
  if (!want_args(vm, name, n, 1, 1)) return false;
  uint32_t mark = vm->ntop;
  Value *r = vm_push(vm, 1);
  if (!r) return false;
  Value item;
  int k = vm_getiter(vm, a[0], &r[0]) ? 1 : -1;
  bool found = false;
  while (k > 0 && (k = vm_next(vm, r[0], &item)) == 1)
    if (truthy(vm, item) == want) { found = true; break; }
  vm_pop(vm, mark);
  *out = v_bool(found == want);
  return k >= 0;
}
NATIVE(bi_any) { return any_all(vm, "any", true, a, n, out); }
NATIVE(bi_all) { return any_all(vm, "all", false, a, n, out); }

NATIVE(bi_reversed) {
  if (!want_args(vm, "reversed", n, 1, 1)) return false;
  if (a[0].tag != T_LIST && a[0].tag != T_TUPLE) {
    if (a[0].tag == T_STR || a[0].tag == T_RANGE) {
      Value l;
      if (!to_list(vm, a[0], &l)) return false;
      a[0] = l;
    } else return exc_raise(vm, E_TypeError, "'%T' object is not reversible", a[0]);
  }
  Ref r = heap_alloc(vm, T_ITER, sizeof(Iter));
  if (!r) return false;
  Iter *it = OBJ(vm, r, Iter);
  int64_t len;
  seq_len(vm, a[0], &len);
  it->kind = IT_REVERSED;
  it->seq = a[0];
  it->cur = len - 1;
  *out = v_obj(T_ITER, r);
  return true;
}

NATIVE(bi_ord) {
  if (!want_args(vm, "ord", n, 1, 1)) return false;
  if (!is_str(a[0])) return exc_raise(vm, E_TypeError, "ord() expected string of length 1, but %T found", a[0]);
  Str *s = S(vm, a[0]);
  if (s->nchars != 1) return exc_raise(vm, E_TypeError, "ord() expected a character, but string of length %d found", (int64_t)s->nchars);
  const uint8_t *p = (const uint8_t *)s->data;
  uint32_t cp = p[0];
  if (cp >= 0xf0) cp = (cp & 7) << 18 | (p[1] & 0x3fu) << 12 | (p[2] & 0x3fu) << 6 | (p[3] & 0x3fu);
  else if (cp >= 0xe0) cp = (cp & 15) << 12 | (p[1] & 0x3fu) << 6 | (p[2] & 0x3fu);
  else if (cp >= 0xc0) cp = (cp & 31) << 6 | (p[1] & 0x3fu);
  *out = v_int(cp);
  return true;
}

NATIVE(bi_chr) {
  int64_t c = 0;
  if (!want_args(vm, "chr", n, 1, 1) || !need_int(vm, a[0], &c)) return false;
  if (c < 0 || c > 0x10ffff) return exc_raise(vm, E_ValueError, "chr() arg not in range(0x110000)");
  if (c >= 0xd800 && c <= 0xdfff) return exc_raise(vm, E_ValueError, "surrogate characters are not supported");
  char b[4];
  size_t k;
  if (c < 0x80) { b[0] = (char)c; k = 1; }
  else if (c < 0x800) { b[0] = (char)(0xc0 | c >> 6); b[1] = (char)(0x80 | (c & 63)); k = 2; }
  else if (c < 0x10000) { b[0] = (char)(0xe0 | c >> 12); b[1] = (char)(0x80 | (c >> 6 & 63)); b[2] = (char)(0x80 | (c & 63)); k = 3; }
  else { b[0] = (char)(0xf0 | c >> 18); b[1] = (char)(0x80 | (c >> 12 & 63)); b[2] = (char)(0x80 | (c >> 6 & 63)); b[3] = (char)(0x80 | (c & 63)); k = 4; }
  return str_value(vm, b, k, out);
}

NATIVE(bi_divmod) {
  if (!want_args(vm, "divmod", n, 2, 2)) return false;
  Ref t = tuple_new(vm, 2);
  if (!t) return false;
  Value q, r;
  if (!arith(vm, OP_FLOORDIV, a[0], a[1], &q) || !arith(vm, OP_MOD, a[0], a[1], &r)) return false;
  OBJ(vm, t, Tuple)->v[0] = q;
  OBJ(vm, t, Tuple)->v[1] = r;
  *out = v_obj(T_TUPLE, t);
  return true;
}

/* ---- list methods (a[0] is self) ---------------------------------------------------- */
NATIVE(m_list_append) {
  if (!want_args(vm, "list.append", n - 1, 1, 1) || !list_append(vm, a[0], a[1])) return false;
  *out = v_none();
  return true;
}

NATIVE(m_list_extend) {
  Value item;
  int k;
  if (!want_args(vm, "list.extend", n - 1, 1, 1)) return false;
  if (a[1].tag == T_LIST && a[1].as.r == a[0].as.r && !to_list(vm, a[1], &a[1])) return false;
  if (!vm_getiter(vm, a[1], &a[1])) return false;            /* a[] is rooted */
  while ((k = vm_next(vm, a[1], &item)) == 1)
    if (!list_append(vm, a[0], item)) return false;
  *out = v_none();
  return k == 0;
}

static bool list_pos(VM *vm, List *l, Value v, int64_t *i, bool insert) {
  int64_t len = l->len;
  if (!need_int(vm, v, i)) return false;
  if (*i < 0) *i += len;
  if (insert) { if (*i < 0) *i = 0; if (*i > len) *i = len; return true; }
  if (*i < 0 || *i >= len) return exc_raise(vm, E_IndexError, len ? "pop index out of range" : "pop from empty list");
  return true;
}

NATIVE(m_list_pop) {
  int64_t i;
  if (!want_args(vm, "pop", n - 1, 0, 1)) return false;
  List *l = AS(vm, a[0], List);
  if (l->len == 0) return exc_raise(vm, E_IndexError, "pop from empty list");
  if (n == 1) i = l->len - 1;
  else if (!list_pos(vm, l, a[1], &i, false)) return false;
  Value *it = list_items(vm, l);
  *out = it[i];
  memmove(it + i, it + i + 1, (size_t)(l->len - i - 1) * sizeof(Value));
  l->len--;
  return true;
}

NATIVE(m_list_insert) {
  int64_t i;
  if (!want_args(vm, "insert", n - 1, 2, 2)) return false;
  if (!list_pos(vm, AS(vm, a[0], List), a[1], &i, true) || !list_append(vm, a[0], a[2])) return false;
  List *l = AS(vm, a[0], List);
  Value *it = list_items(vm, l);
  memmove(it + i + 1, it + i, (size_t)(l->len - 1 - i) * sizeof(Value));
  it[i] = a[2];
  *out = v_none();
  return true;
}

static bool seq_find(VM *vm, Value seq, Value x, int64_t *pos, int64_t *count) {
  Value it, item;
  int k;
  bool eq;
  *pos = -1; *count = 0;
  (void)it;
  uint32_t mark = vm->ntop;
  Value *r = vm_push(vm, 2);            /* iterator, x: comparing may run code */
  if (!r) return false;
  r[1] = x;
  k = vm_getiter(vm, seq, &r[0]) ? 1 : -1;
  for (int64_t i = 0; k > 0 && (k = vm_next(vm, r[0], &item)) == 1; i++) {
    if (!values_equal(vm, item, r[1], &eq)) { k = -1; break; }
    if (eq) { if (*pos < 0) *pos = i; (*count)++; }
  }
  vm_pop(vm, mark);
  return k == 0;
}

NATIVE(m_seq_index) {
  int64_t pos, count;
  if (!want_args(vm, "index", n - 1, 1, 1) || !seq_find(vm, a[0], a[1], &pos, &count)) return false;
  if (pos < 0) return exc_raise(vm, E_ValueError, a[0].tag == T_LIST ? "%R is not in list" : "tuple.index(x): x not in tuple", a[1]);
  *out = v_int(pos);
  return true;
}

NATIVE(m_seq_count) {
  int64_t pos, count;
  if (!want_args(vm, "count", n - 1, 1, 1) || !seq_find(vm, a[0], a[1], &pos, &count)) return false;
  *out = v_int(count);
  return true;
}

NATIVE(m_list_reverse) {
  List *l = AS(vm, a[0], List);
  Value *it = list_items(vm, l);
  for (uint32_t i = 0, j = l->len; i + 1 < j; i++, j--) { Value t = it[i]; it[i] = it[j - 1]; it[j - 1] = t; }
  *out = v_none();
  return want_args(vm, "reverse", n - 1, 0, 0);
}

NATIVE(m_list_sort) {
  bool rev;
  Value key;
  if (n > 1) return exc_raise(vm, E_TypeError, "sort() takes no positional arguments");
  if (!sort_kw(vm, "sort", kw, nkw, &rev, &key)) return false;
  *out = v_none();
  return sort_list(vm, a[0], key, rev);
}

NATIVE(m_list_copy) { return want_args(vm, "copy", n - 1, 0, 0) && to_list(vm, a[0], out); }

NATIVE(m_list_clear) {
  AS(vm, a[0], List)->len = 0;
  *out = v_none();
  return want_args(vm, "clear", n - 1, 0, 0);
}

/* ---- str methods ----------------------------------------------------------------------- */
static bool need_str(VM *vm, const char *fn, Value v) {
  return is_str(v) ? true : exc_raise(vm, E_TypeError, "%s arg must be str, not %T", fn, v);
}

NATIVE(m_str_join) {
  Value it, item;
  int k;
  if (!want_args(vm, "join", n - 1, 1, 1) || !vm_getiter(vm, a[1], &it)) return false;
  Value parts;
  if (!to_list(vm, it, &parts)) return false;
  List *l = AS(vm, parts, List);
  for (uint32_t i = 0; i < l->len; i++) {
    item = list_items(vm, l)[i];
    if (!is_str(item)) return exc_raise(vm, E_TypeError, "sequence item %d: expected str instance, %T found", (int64_t)i, item);
  }
  StrBuf sb;
  sb_begin(vm, &sb);
  for (uint32_t i = 0; i < l->len; i++) {
    if (i) sb_put(&sb, S(vm, a[0])->data, S(vm, a[0])->nbytes);
    Str *p = S(vm, list_items(vm, l)[i]);
    sb_put(&sb, p->data, p->nbytes);
  }
  (void)k;
  return sb_end(&sb, out);
}

static bool is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r') || c == 0x1c || c == 0x1d || c == 0x1e || c == 0x1f; }


static bool str_map(VM *vm, Value s, char lo, char hi, int delta, Value *out) {
  StrBuf sb;
  sb_begin(vm, &sb);
  Str *src = S(vm, s);
  sb_put(&sb, src->data, src->nbytes);
  if (sb.failed) return exc_raise(vm, E_MemoryError, "");
  char *d = (char *)sb_data(&sb);
  for (size_t i = 0; i < sb.len; i++) if (d[i] >= lo && d[i] <= hi) d[i] = (char)(d[i] + delta);
  return sb_end(&sb, out);
}
NATIVE(m_str_upper) { return want_args(vm, "upper", n - 1, 0, 0) && str_map(vm, a[0], 'a', 'z', -32, out); }
NATIVE(m_str_lower) { return want_args(vm, "lower", n - 1, 0, 0) && str_map(vm, a[0], 'A', 'Z', 32, out); }

static bool memchr_(Str *s, char c) {
  for (uint32_t i = 0; i < s->nbytes; i++) if (s->data[i] == c) return true;
  return false;
}

/* strip: which 1 = left, 2 = right, 3 = both. */
static bool str_strip(VM *vm, Value *a, int n, int which, Value *out) {
  if (!want_args(vm, "strip", n - 1, 0, 1)) return false;
  Str *s = S(vm, a[0]);
  Str *chars = n > 1 && a[1].tag != T_NONE ? (need_str(vm, "strip", a[1]) ? S(vm, a[1]) : NULL) : NULL;
  if (n > 1 && a[1].tag != T_NONE && !chars) return false;
  uint32_t i = 0, j = s->nbytes;
#define STRIPPABLE(c) (chars ? memchr_(chars, c) : is_space(c))
  if (which & 1) while (i < j && STRIPPABLE(s->data[i])) i++;
  if (which & 2) while (j > i && STRIPPABLE(s->data[j - 1])) j--;
#undef STRIPPABLE
  return str_value(vm, s->data + i, j - i, out);
}
NATIVE(m_str_strip) { return str_strip(vm, a, n, 3, out); }
NATIVE(m_str_lstrip) { return str_strip(vm, a, n, 1, out); }
NATIVE(m_str_rstrip) { return str_strip(vm, a, n, 2, out); }

static bool str_affix(VM *vm, Value *a, int n, bool end, Value *out) {
  if (!want_args(vm, end ? "endswith" : "startswith", n - 1, 1, 1)) return false;
  Value *opts = &a[1];
  uint32_t nopts = 1;
  if (a[1].tag == T_TUPLE) { opts = AS(vm, a[1], Tuple)->v; nopts = AS(vm, a[1], Tuple)->len; }
  Str *s = S(vm, a[0]);
  for (uint32_t i = 0; i < nopts; i++) {
    if (!is_str(opts[i]))
      return exc_raise(vm, E_TypeError, "%s first arg must be str or a tuple of str, not %T", end ? "endswith" : "startswith", opts[i]);
    Str *x = S(vm, opts[i]);
    if (x->nbytes <= s->nbytes && !memcmp(s->data + (end ? s->nbytes - x->nbytes : 0), x->data, x->nbytes)) {
      *out = v_bool(true);
      return true;
    }
  }
  *out = v_bool(false);
  return true;
}
NATIVE(m_str_startswith) { return str_affix(vm, a, n, false, out); }
NATIVE(m_str_endswith) { return str_affix(vm, a, n, true, out); }



NATIVE(m_str_replace) {
  if (!want_args(vm, "replace", n - 1, 2, 2) || !need_str(vm, "replace()", a[1]) || !need_str(vm, "replace()", a[2])) return false;
  StrBuf sb;
  sb_begin(vm, &sb);
  Str *s = S(vm, a[0]), *old = S(vm, a[1]), *rep = S(vm, a[2]);
  if (old->nbytes == 0) {                  /* insert rep between every character */
    sb_put(&sb, rep->data, rep->nbytes);
    for (uint32_t i = 0; i < s->nbytes; i++) {
      sb_putc(&sb, s->data[i]);
      if (i + 1 == s->nbytes || ((uint8_t)s->data[i + 1] & 0xc0) != 0x80) sb_put(&sb, rep->data, rep->nbytes);
    }
    return sb_end(&sb, out);
  }
  size_t i = 0;
  for (int64_t at; (at = str_find(s, old, i)) >= 0; i = (size_t)at + old->nbytes) {
    sb_put(&sb, s->data + i, (size_t)at - i);
    sb_put(&sb, rep->data, rep->nbytes);
  }
  sb_put(&sb, s->data + i, s->nbytes - i);
  return sb_end(&sb, out);
}

static bool str_all(VM *vm, Value *a, int n, int kind, Value *out) {
  Str *s = S(vm, a[0]);
  bool ok = s->nbytes > 0;
  for (uint32_t i = 0; i < s->nbytes && ok; i++) {
    char c = s->data[i];
    bool d = c >= '0' && c <= '9', al = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    ok = kind == 0 ? d : kind == 1 ? al : kind == 2 ? d || al : is_space(c);
  }
  *out = v_bool(ok);
  return want_args(vm, "is...", n - 1, 0, 0);
}
NATIVE(m_str_isdigit) { return str_all(vm, a, n, 0, out); }
NATIVE(m_str_isalpha) { return str_all(vm, a, n, 1, out); }
NATIVE(m_str_isalnum) { return str_all(vm, a, n, 2, out); }
NATIVE(m_str_isspace) { return str_all(vm, a, n, 3, out); }

/* ---- dict methods -------------------------------------------------------------------------- */
NATIVE(m_dict_get) {
  bool found;
  if (!want_args(vm, "get", n - 1, 1, 2) || !dict_get(vm, AS(vm, a[0], Dict), a[1], out, &found)) return false;
  if (!found) *out = n > 2 ? a[2] : v_none();
  return true;
}

/* keys/values/items: kind is an IT_DICT_* iterator kind.  Returns a list (see docs/language.md). */
static bool dict_view(VM *vm, Value *a, int n, uint32_t kind, Value *out) {
  if (!want_args(vm, "keys", n - 1, 0, 0)) return false;
  uint32_t tag = kind == IT_DICT_KEYS ? T_DKEYS : kind == IT_DICT_VALUES ? T_DVALUES : T_DITEMS;
  Ref r = heap_alloc(vm, tag, sizeof(Iter));      /* a live view of the dict (builtins2.c) */
  if (!r) return false;
  OBJ(vm, r, Iter)->kind = kind;
  OBJ(vm, r, Iter)->seq = a[0];
  *out = v_obj(tag, r);
  return true;
}
NATIVE(m_dict_keys) { return dict_view(vm, a, n, IT_DICT_KEYS, out); }
NATIVE(m_dict_values) { return dict_view(vm, a, n, IT_DICT_VALUES, out); }
NATIVE(m_dict_items) { return dict_view(vm, a, n, IT_DICT_ITEMS, out); }

NATIVE(m_dict_pop) {
  bool found;
  if (!want_args(vm, "pop", n - 1, 1, 2) || !dict_get(vm, AS(vm, a[0], Dict), a[1], out, &found)) return false;
  if (!found) {
    if (n > 2) { *out = a[2]; return true; }
    return exc_raise(vm, E_KeyError, "%R", a[1]);
  }
  return dict_del(vm, AS(vm, a[0], Dict), a[1], &found);
}

NATIVE(m_dict_copy) { return want_args(vm, "copy", n - 1, 0, 0) && bi_dict(vm, a, 1, kw, 0, out); }

NATIVE(m_dict_clear) {
  Dict *d = AS(vm, a[0], Dict);
  d->len = d->used = 0;
  memset(vm->mem + d->index + sizeof(ObjHdr), 0, ((size_t)d->mask + 1) * 4);
  *out = v_none();
  return want_args(vm, "clear", n - 1, 0, 0);
}

/* ---- the drift module: the host channel, one message per line ------------------------ */
NATIVE(bi_drift_send) {
  if (!want_args(vm, "send", n, 1, 1)) return false;
  StrBuf sb;
  sb_begin(vm, &sb);
  if (!sb_str(&sb, a[0])) return false;
  size_t len = sb.len;
  for (size_t i = 0; i < len; i++) {              /* escape in place, after the text */
    char c = sb_data(&sb)[i];
    if (c == '\\') sb_put(&sb, "\\\\", 2);
    else if (c == '\n') sb_put(&sb, "\\n", 2);
    else if (c == 0x1b) sb_put(&sb, "\\e", 2);            /* raw ESC starts a control record */
    else sb_putc(&sb, c);
  }
  sb_putc(&sb, '\n');
  if (sb.failed) return exc_raise(vm, E_MemoryError, "");
  out_flush(vm);
  plat_write(PLAT_CHANNEL, sb_data(&sb) + len, sb.len - len);
  sb_abandon(&sb);
  *out = v_none();
  return true;
}

/* "ESC got": the program took a whole message.  Written lazily, when the program next reads
 * (before it waits, so before any "ESC synced") or before a snapshot leaves (vm_got_flush() in
 * snapshot.c), so it never delays the answer; kept in guest RAM until then (a live migration
 * carries it).  The host counts these to settle a request across a move (docs/guest-abi.md). */
static bool got_due;

void vm_got_flush(void) {
  if (got_due) { got_due = false; plat_write(PLAT_CHANNEL, "\x1b" "got\n", 5); }
}

NATIVE(bi_drift_recv) {
  if (!want_args(vm, "recv", n, 0, 0)) return false;
  out_flush(vm);
  vm_got_flush();
  StrBuf sb;
  sb_begin(vm, &sb);
  char rec[40];                                           /* the host control record being skipped */
  size_t rl = 0;
  for (bool esc = false, skip = false;;) {
    plat_channel_interrupt = !sb.len && !esc && !skip;   /* nothing half-read: a snapshot may happen here */
    int c = plat_channel_read();
    plat_channel_interrupt = 0;
    if (c == -2) {                                        /* the host wants a snapshot while we wait */
      int st = vm_snapshot_native(vm);
      if (st >= 0) { out_flush(vm); plat_exit(st); }
      sb_begin(vm, &sb);                                  /* the collection moved the heap's top */
      continue;
    }
    if (c < 0) return exc_raise(vm, E_RuntimeError, "no host channel (or the host closed it)");
    if (c == 0x1b) { sb.len = 0; esc = false; skip = true; rl = 0; continue; }   /* host control record: drop it and any partial message (or record) */
    if (skip) {
      if (c != '\n') { if (rl < sizeof rec) rec[rl++] = (char)c; continue; }
      skip = false;
      if (rl >= 6 && rl < sizeof rec && !memcmp(rec, "resync", 6)) {     /* "ESC resync[ TAG]": answer "ESC synced[ TAG]", */
        char ack[sizeof rec + 2] = "\x1b" "synced";                     /* in read order: every message before it was */
        memcpy(ack + 7, rec + 6, rl - 6);                                /* taken ("ESC got"), every later one is not yet */
        ack[rl + 1] = '\n';
        plat_write(PLAT_CHANNEL, ack, rl + 2);
      }
      continue;
    }
    if (esc) { sb_putc(&sb, c == 'n' ? '\n' : c == 'e' ? 0x1b : (char)c); esc = false; }
    else if (c == '\\') esc = true;
    else if (c == '\n') break;
    else sb_putc(&sb, (char)c);
  }
  got_due = true;                                         /* a whole message taken: "ESC got" follows */
  if (!sb.failed && !utf8_valid((const uint8_t *)sb_data(&sb), sb.len))
    return exc_raise(vm, E_ValueError, "the host sent a message that is not valid UTF-8");
  return sb_end(&sb, out);
}

/* ---- input(): a line of the program's stdin (hosted: fd 0; guests have none: EOFError) ---- */
NATIVE(bi_input) {
  if (nkw) return exc_raise(vm, E_TypeError, "input() takes no keyword arguments");
  if (!want_args(vm, "input", n, 0, 1)) return false;
  StrBuf sb;
  if (n == 1) {                                   /* the prompt: str(prompt), no newline, flushed */
    sb_begin(vm, &sb);
    if (!sb_str(&sb, a[0])) { sb_abandon(&sb); return false; }
    if (sb.failed) return exc_raise(vm, E_MemoryError, "");
    out_write(vm, PLAT_STDOUT, sb_data(&sb), sb.len);
    sb_abandon(&sb);
  }
  out_flush(vm);
  sb_begin(vm, &sb);
  bool any = false;
  for (int c; (c = plat_stdin_read()) >= 0;) {
    any = true;
    if (c == '\n') break;
    sb_putc(&sb, (char)c);
  }
  if (!any) { sb_abandon(&sb); return exc_raise(vm, E_EOFError, "EOF when reading a line"); }
  if (!sb.failed && !utf8_valid((const uint8_t *)sb_data(&sb), sb.len)) {
    sb_abandon(&sb);
    return exc_raise(vm, E_ValueError, "input() read a line that is not valid UTF-8");
  }
  return sb_end(&sb, out);
}

/* ---- the time module: compile-time-bound natives "time.f" ------------------------------- */
uint64_t vm_clock_ns(VM *vm) { return plat_clock_ns() + (uint64_t)vm->clock_offset_ns; }

NATIVE(bi_time_monotonic_ns) { *out = v_int((int64_t)vm_clock_ns(vm)); return want_args(vm, "monotonic_ns", n, 0, 0); }
NATIVE(bi_time_monotonic) { *out = v_float((double)vm_clock_ns(vm) / 1e9); return want_args(vm, "monotonic", n, 0, 0); }
NATIVE(bi_time_perf_counter) { *out = v_float((double)vm_clock_ns(vm) / 1e9); return want_args(vm, "perf_counter", n, 0, 0); }
NATIVE(bi_time_perf_counter_ns) { *out = v_int((int64_t)vm_clock_ns(vm)); return want_args(vm, "perf_counter_ns", n, 0, 0); }
NATIVE(bi_time_time) { *out = v_float((double)plat_wall_ns() / 1e9); return want_args(vm, "time", n, 0, 0); }
NATIVE(bi_time_time_ns) { *out = v_int((int64_t)plat_wall_ns()); return want_args(vm, "time_ns", n, 0, 0); }

NATIVE(bi_time_sleep) {
  if (!want_args(vm, "sleep", n, 1, 1)) return false;
  Value v = a[0];
  double s;
  if (v.tag == T_INT || v.tag == T_BOOL) s = (double)v.as.i;
  else if (v.tag == T_FLOAT) s = v.as.f;
  else if (v.tag == T_BIGINT) return exc_raise(vm, E_OverflowError, "timestamp too large to convert to C _PyTime_t");
  else return exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", v);
  if (s != s) return exc_raise(vm, E_ValueError, "Invalid value NaN (not a number)");
  if (s < 0) return exc_raise(vm, E_ValueError, "sleep length must be non-negative");
  if (s > 9.2e9) return exc_raise(vm, E_OverflowError, "timestamp too large to convert to C _PyTime_t");
  out_flush(vm);                                  /* what was printed shows before the pause */
  plat_sleep_ns((uint64_t)(s * 1e9));
  *out = v_none();
  return true;
}

/* ---- the table: globals have self_type 0, methods the T_* of self ------------------------------- */
/* Entries without a fourth field are not gc_safe (0): see Native in vm.h. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
const Native bi_natives[] = {
  /* the interpreter calls len(x), str(x), list.append and dict.get inline by these indices (vm.h) */
  [NATIVE_PRINT] = {"print", bi_print, 0}, [NATIVE_LEN] = {"len", bi_len, 0}, [NATIVE_RANGE] = {"range", bi_range, 0},
  [NATIVE_STR] = {"str", bi_str, 0},
  {"repr", bi_repr, 0}, {"int", bi_int, 0}, {"float", bi_float, 0}, {"bool", bi_bool, 0},
  {"abs", bi_abs, 0}, {"min", bi_min, 0, 1}, {"max", bi_max, 0, 1}, {"sum", bi_sum, 0, 1},
  {"list", bi_list, 0, 1}, {"tuple", bi_tuple, 0, 1}, {"dict", bi_dict, 0}, {"sorted", bi_sorted, 0, 1},
  {"reversed", bi_reversed, 0}, {"ord", bi_ord, 0}, {"chr", bi_chr, 0}, {"divmod", bi_divmod, 0},
  {"map", bi_map, 0, 1}, {"filter", bi_filter, 0, 1}, {"iter", bi_iter, 0, 1}, {"next", bi_next, 0, 1},
  {"any", bi_any, 0, 1}, {"all", bi_all, 0, 1},
  {"send", m_gen_send, T_GEN, 1}, {"close", m_gen_close, T_GEN},
  {"hex", bi_hex, 0}, {"oct", bi_oct, 0}, {"bin", bi_bin, 0}, {"hash", bi_hash, 0}, {"pow", bi_pow, 0}, {"format", bi_format, 0},
  {"set", bi_set, 0}, {"frozenset", bi_frozenset, 0},
  {"bytes", bi_bytes, 0}, {"decode", m_bytes_decode, T_BYTESTR}, {"encode", m_str_encode, T_STR},
  {"hex", m_bytes_hex, T_BYTESTR}, {"count", m_bytes_count, T_BYTESTR}, {"find", m_bytes_find, T_BYTESTR},
  {"bit_length", m_int_bit_length, T_INT}, {"bit_length", m_int_bit_length, T_BIGINT},
  {"bit_length", m_int_bit_length, T_BOOL}, {"is_integer", m_float_is_integer, T_FLOAT},
  {"enumerate", bi_enumerate, 0}, {"zip", bi_zip, 0}, {"round", bi_round, 0},
  {"math.sqrt", mt_sqrt, 0}, {"math.exp", mt_exp, 0}, {"math.sin", mt_sin, 0}, {"math.cos", mt_cos, 0},
  {"math.tan", mt_tan, 0}, {"math.atan", mt_atan, 0}, {"math.asin", mt_asin, 0}, {"math.acos", mt_acos, 0},
  {"math.fabs", mt_fabs, 0}, {"math.log", mt_log, 0}, {"math.log2", mt_log2, 0}, {"math.log10", mt_log10, 0},
  {"math.pow", mt_pow, 0}, {"math.atan2", mt_atan2, 0}, {"math.fmod", mt_fmod, 0}, {"math.copysign", mt_copysign, 0},
  {"math.hypot", mt_hypot, 0}, {"math.degrees", mt_degrees, 0}, {"math.radians", mt_radians, 0},
  {"math.isfinite", mt_isfinite, 0}, {"math.isinf", mt_isinf, 0}, {"math.isnan", mt_isnan, 0},
  {"math.floor", mt_floor, 0}, {"math.ceil", mt_ceil, 0}, {"math.trunc", mt_trunc, 0}, {"math.gcd", mt_gcd, 0},
  {"math.isqrt", mt_isqrt, 0}, {"math.factorial", mt_factorial, 0}, {"math.perm", mt_perm, 0},
  {"math.comb", mt_comb, 0}, {"sys.exit", sy_exit, 0},
  {"drift.send", bi_drift_send, 0}, {"drift.recv", bi_drift_recv, 0},
  {"time.monotonic", bi_time_monotonic, 0}, {"time.monotonic_ns", bi_time_monotonic_ns, 0},
  {"time.perf_counter", bi_time_perf_counter, 0}, {"time.perf_counter_ns", bi_time_perf_counter_ns, 0},
  {"time.time", bi_time_time, 0}, {"time.time_ns", bi_time_time_ns, 0}, {"time.sleep", bi_time_sleep, 0},
  [NATIVE_LIST_APPEND] = {"append", m_list_append, T_LIST}, {"extend", m_list_extend, T_LIST, 1}, {"pop", m_list_pop, T_LIST},
  {"insert", m_list_insert, T_LIST}, {"index", m_seq_index, T_LIST}, {"count", m_seq_count, T_LIST},
  {"reverse", m_list_reverse, T_LIST}, {"sort", m_list_sort, T_LIST, 1}, {"copy", m_list_copy, T_LIST},
  {"clear", m_list_clear, T_LIST},
  {"index", m_seq_index, T_TUPLE}, {"count", m_seq_count, T_TUPLE},
  {"join", m_str_join, T_STR, 1}, {"split", m_str_split, T_STR}, {"upper", m_str_upper, T_STR},
  {"lower", m_str_lower, T_STR}, {"strip", m_str_strip, T_STR}, {"lstrip", m_str_lstrip, T_STR},
  {"rstrip", m_str_rstrip, T_STR}, {"startswith", m_str_startswith, T_STR},
  {"endswith", m_str_endswith, T_STR}, {"find", m_str_find, T_STR}, {"count", m_str_count, T_STR},
  {"replace", m_str_replace, T_STR}, {"isdigit", m_str_isdigit, T_STR}, {"isalpha", m_str_isalpha, T_STR},
  {"isalnum", m_str_isalnum, T_STR}, {"isspace", m_str_isspace, T_STR},
  [NATIVE_DICT_GET] = {"get", m_dict_get, T_DICT}, {"keys", m_dict_keys, T_DICT}, {"values", m_dict_values, T_DICT},
  {"items", m_dict_items, T_DICT}, {"pop", m_dict_pop, T_DICT}, {"copy", m_dict_copy, T_DICT},
  {"clear", m_dict_clear, T_DICT},
  /* classes and exceptions (class.c) */
  {"isinstance", bi_isinstance, 0}, {"issubclass", bi_issubclass, 0}, {"type", bi_type, 0},
  {"getattr", bi_getattr, 0}, {"hasattr", bi_hasattr, 0}, {"setattr", bi_setattr, 0},
  {"staticmethod", bi_staticmethod, 0}, {"classmethod", bi_classmethod, 0}, {"property", bi_property, 0},
  {"setter", m_property_setter, T_WRAP}, {"BaseException.__init__", bi_exc_init, 0},
  {"object.__init__", bi_object_init, 0},
  {"remove", m_list_remove, T_LIST}, {"setdefault", m_dict_setdefault, T_DICT}, {"update", m_dict_update, T_DICT},
  {"popitem", m_dict_popitem, T_DICT},
  {"add", m_set_add, T_SET}, {"remove", m_set_remove, T_SET}, {"discard", m_set_discard, T_SET},
  {"pop", m_set_pop, T_SET}, {"clear", m_set_clear, T_SET}, {"copy", m_set_copy, T_SET},
  {"union", m_set_union, T_SET}, {"intersection", m_set_intersection, T_SET},
  {"difference", m_set_difference, T_SET}, {"symmetric_difference", m_set_symmetric_difference, T_SET},
  {"update", m_set_update, T_SET}, {"intersection_update", m_set_intersection_update, T_SET},
  {"difference_update", m_set_difference_update, T_SET},
  {"symmetric_difference_update", m_set_symmetric_difference_update, T_SET},
  {"issubset", m_set_issubset, T_SET}, {"issuperset", m_set_issuperset, T_SET}, {"isdisjoint", m_set_isdisjoint, T_SET},
  {"copy", m_set_copy, T_FROZENSET}, {"union", m_set_union, T_FROZENSET}, {"intersection", m_set_intersection, T_FROZENSET},
  {"difference", m_set_difference, T_FROZENSET}, {"symmetric_difference", m_set_symmetric_difference, T_FROZENSET},
  {"issubset", m_set_issubset, T_FROZENSET}, {"issuperset", m_set_issuperset, T_FROZENSET},
  {"isdisjoint", m_set_isdisjoint, T_FROZENSET},
  {"rsplit", m_str_rsplit, T_STR}, {"splitlines", m_str_splitlines, T_STR}, {"partition", m_str_partition, T_STR},
  {"rpartition", m_str_rpartition, T_STR}, {"ljust", m_str_ljust, T_STR}, {"rjust", m_str_rjust, T_STR},
  {"center", m_str_center, T_STR}, {"zfill", m_str_zfill, T_STR}, {"title", m_str_title, T_STR},
  {"capitalize", m_str_capitalize, T_STR}, {"swapcase", m_str_swapcase, T_STR}, {"casefold", m_str_casefold, T_STR},
  {"isupper", m_str_isupper, T_STR}, {"islower", m_str_islower, T_STR}, {"istitle", m_str_istitle, T_STR},
  {"isdecimal", m_str_isdecimal, T_STR}, {"isnumeric", m_str_isnumeric, T_STR},
  {"isidentifier", m_str_isidentifier, T_STR}, {"isascii", m_str_isascii, T_STR},
  {"isprintable", m_str_isprintable, T_STR}, {"rfind", m_str_rfind, T_STR}, {"index", m_str_index, T_STR},
  {"rindex", m_str_rindex, T_STR}, {"removeprefix", m_str_removeprefix, T_STR},
  {"removesuffix", m_str_removesuffix, T_STR}, {"expandtabs", m_str_expandtabs, T_STR}, {"format", m_str_format, T_STR},
  {"input", bi_input, 0}, {"throw", m_gen_throw, T_GEN},
  {"fromkeys", bi_dict_fromkeys, T_NATIVE, 1},   /* dict.fromkeys: checks that its receiver is dict */
  {"deleter", m_property_deleter, T_WRAP},
};
#pragma GCC diagnostic pop
const uint32_t bi_count = sizeof bi_natives / sizeof bi_natives[0];

static int lookup(uint32_t type, const char *name, size_t n) {
  for (uint32_t i = 0; i < bi_count; i++)
    if (bi_natives[i].self_type == type && strlen(bi_natives[i].name) == n && !memcmp(bi_natives[i].name, name, n)) return (int)i;
  return -1;
}
int bi_lookup_global(const char *name, size_t n) { return lookup(0, name, n); }
int bi_lookup_method(uint32_t type, const char *name, size_t n) { return lookup(type, name, n); }
