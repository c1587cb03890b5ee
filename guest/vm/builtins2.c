/*
 * builtins2.c -- more built-in functions and methods: enumerate, zip,
 * round, and the list and dict methods beyond the basics (list.remove,
 * dict.setdefault/update/popitem/fromkeys, dict | dict).  CPython 3.11
 * semantics and messages.  Iterating arbitrary iterables may run Python
 * code (generators), so values needed across vm_next() live in vm_push()
 * slots.
 */
#include "vm.h"
#include "dtoa.h"
#include "fmath.h"
#include "opcodes.h"

/* ---- enumerate and zip: Iters over a tuple of iterators ---------------------------- */
static bool new_iter(VM *vm, uint32_t kind, Value seq, int64_t cur, Value *out) {
  Ref r = heap_alloc(vm, T_ITER, sizeof(Iter));
  if (!r) return false;
  OBJ(vm, r, Iter)->kind = kind;
  OBJ(vm, r, Iter)->seq = seq;
  OBJ(vm, r, Iter)->cur = cur;
  *out = v_obj(T_ITER, r);
  return true;
}

NATIVE(bi_enumerate) {
  int64_t start = 0;
  Value sv = n > 1 ? a[1] : v_int(0);
  for (int i = 0; i < nkw; i++) {
    Str *k = AS(vm, kw[2 * i], Str);
    if (k->nbytes == 5 && !memcmp(k->data, "start", 5) && n < 2) sv = kw[2 * i + 1];
    else return exc_raise(vm, E_TypeError, "'%S' is an invalid keyword argument for enumerate()", k);
  }
  if (!bi_nargs(vm, "enumerate", n, 1, 2)) return false;
  if (sv.tag != T_INT && sv.tag != T_BOOL) {
    if (sv.tag == T_BIGINT) return exc_raise(vm, E_OverflowError, "enumerate() start beyond 64 bits is not supported");
    return exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", sv);
  }
  start = sv.as.i;
  Value it;
  Ref t = tuple_new(vm, 1);
  if (!t || !vm_getiter(vm, a[0], &it)) return false;
  OBJ(vm, t, Tuple)->v[0] = it;
  return new_iter(vm, IT_ENUMERATE, v_obj(T_TUPLE, t), start, out);
}

NATIVE(bi_zip) {
  bool strict = false;
  for (int i = 0; i < nkw; i++) {                  /* zip(..., strict=flag): cur = 1 */
    Str *k = AS(vm, kw[2 * i], Str);
    if (k->nbytes != 6 || memcmp(k->data, "strict", 6))
      return exc_raise(vm, E_TypeError, "'%S' is an invalid keyword argument for zip()", k);
    Value f = kw[2 * i + 1];
    if (f.tag != T_INSTANCE) strict = truthy(vm, f);
    else if (!obj_truthy(vm, f, &strict)) return false;
  }
  Ref t = tuple_new(vm, (uint32_t)n);
  if (!t) return false;
  for (int i = 0; i < n; i++) {
    Value it;
    if (!vm_getiter(vm, a[i], &it)) return false;
    OBJ(vm, t, Tuple)->v[i] = it;
  }
  return new_iter(vm, IT_ZIP, v_obj(T_TUPLE, t), strict, out);
}

/* zip(strict=True) ran out at iterator i: CPython's ValueError if the others do not end
 * there too (the first iterator's end is checked against the others' next items). */
static int zip_strict_end(VM *vm, Value *r, uint32_t i, uint32_t n) {
  const char *what = "shorter";
  if (i == 0) {
    for (i = 1; i < n; i++) {
      int k = vm_next(vm, AS(vm, AS(vm, r[0], Iter)->seq, Tuple)->v[i], &r[1 + i]);
      if (k < 0) return -1;
      if (k == 1) break;
    }
    if (i == n) return 0;
    what = "longer";
  }
  exc_raise(vm, E_ValueError, "zip() argument %d is %s than argument%s%d", (int64_t)i + 1, what, i == 1 ? " " : "s 1-",
            (int64_t)i);
  return -1;
}

/* One step of an enumerate or zip iterator (may run code: GC-safe). */
int iter2_next(VM *vm, Value itv, Value *out) {
  uint32_t mark = vm->ntop, n = AS(vm, AS(vm, itv, Iter)->seq, Tuple)->len;
  Value *r = vm_push(vm, n + 1);                   /* the iterator, then the items */
  if (!r) return -1;
  r[0] = itv;
  int k = n ? 1 : 0;
  uint32_t i = 0;
  for (; i < n && k == 1; i++)
    k = vm_next(vm, AS(vm, AS(vm, r[0], Iter)->seq, Tuple)->v[i], &r[1 + i]);
  if (k == 0 && n && AS(vm, r[0], Iter)->kind == IT_ZIP && AS(vm, r[0], Iter)->cur == 1) {
    AS(vm, r[0], Iter)->cur = 0;                   /* checked once: exhausted from now on */
    k = zip_strict_end(vm, r, i - 1, n);
  }
  if (k == 1) {
    Iter *it = AS(vm, r[0], Iter);
    bool en = it->kind == IT_ENUMERATE;
    Ref t = tuple_new(vm, en ? 2 : n);
    if (!t) k = -1;
    else {
      it = AS(vm, r[0], Iter);
      Tuple *tu = OBJ(vm, t, Tuple);
      if (en) { tu->v[0] = v_int(it->cur); tu->v[1] = r[1]; it->cur++; }
      else memcpy(tu->v, &r[1], n * sizeof(Value));
      *out = v_obj(T_TUPLE, t);
    }
  }
  vm_pop(vm, mark);
  return k;
}

/* ---- round ---------------------------------------------------------------------------- */
/* round(x) for a float: to the nearest int, ties to even. */
static bool round_float_int(VM *vm, double x, Value *out) {
  if (x != x) return exc_raise(vm, E_ValueError, "cannot convert float NaN to integer");
  if (x - x != 0) return exc_raise(vm, E_OverflowError, "cannot convert float infinity to integer");
  double r = fm_floor(x), d = x - r;
  if (d > 0.5 || (d == 0.5 && fm_fmod(r, 2.0) != 0)) r += 1;
  return int_from_double(vm, r, out);
}

/* round(x, nd) for a float: correctly rounded as CPython (exact decimal digits, ties to even). */
static bool round_float(VM *vm, double x, int64_t nd, Value *out) {
  if (x != x || x - x != 0 || x == 0) { *out = v_float(x); return true; }
  if (nd > 330) { *out = v_float(x); return true; }
  if (nd < -330) { *out = v_float(x < 0 ? -0.0 : 0.0); return true; }
  char buf[1500];
  int e;
  fm_frexp(x, &e);                                 /* x = m * 2**(e-53): 53-e fraction digits are exact */
  int prec = 53 - e < 0 ? 0 : 53 - e > 1100 ? 1100 : 53 - e;
  size_t len = dtoa_format(x < 0 ? -x : x, 'f', prec, buf, sizeof buf);   /* every digit of x */
  if (!len) return exc_raise(vm, E_OverflowError, "rounded value too large to represent");
  size_t dot = 0;
  while (dot < len && buf[dot] != '.') dot++;
  /* digits as one string without the point; the kept part ends at position dot + nd */
  char d[1500];
  size_t nd_total = 0;
  d[nd_total++] = '0';                             /* room for a carry */
  for (size_t i = 0; i < len; i++) if (buf[i] != '.') d[nd_total++] = buf[i];
  int64_t keep = (int64_t)dot + 1 + nd;            /* digits kept, counting the carry slot */
  if (keep <= 0) { *out = v_float(x < 0 ? -0.0 : 0.0); return true; }
  if ((size_t)keep < nd_total) {
    bool up, rest = false;
    for (size_t i = (size_t)keep + 1; i < nd_total; i++) rest |= d[i] != '0';
    char first = d[keep];
    up = first > '5' || (first == '5' && (rest || (d[keep - 1] - '0') % 2 == 1));
    for (size_t i = (size_t)keep; i < nd_total; i++) d[i] = '0';
    for (int64_t i = keep - 1; up && i >= 0; i--) {
      if (d[i] == '9') d[i] = '0';
      else { d[i]++; up = false; }
    }
  }
  /* back to text: integer digits (with the carry slot), '.', the rest */
  char s[1600];
  size_t k = 0;
  for (size_t i = 0; i < dot + 1; i++) s[k++] = d[i];
  s[k++] = '.';
  for (size_t i = dot + 1; i < nd_total && k < sizeof s - 1; i++) s[k++] = d[i];
  double r;
  if (!dtoa_parse(s, k, &r)) return exc_raise(vm, E_ValueError, "round: internal error");
  if (r - r != 0) return exc_raise(vm, E_OverflowError, "rounded value too large to represent");
  *out = v_float(x < 0 ? -r : r);
  return true;
}

NATIVE(bi_round) {
  Value nd = v_none();
  for (int i = 0; i < nkw; i++) {
    Str *k = AS(vm, kw[2 * i], Str);
    if (k->nbytes == 7 && !memcmp(k->data, "ndigits", 7) && n < 2) nd = kw[2 * i + 1];
    else return exc_raise(vm, E_TypeError, "'%S' is an invalid keyword argument for round()", k);
  }
  if (!bi_nargs(vm, "round", n, 1, 2)) return false;
  if (n == 2) nd = a[1];
  Value x = a[0];
  if (nd.tag != T_NONE && !is_int(nd)) return exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", nd);
  if (x.tag == T_FLOAT) {
    if (nd.tag == T_NONE) return round_float_int(vm, x.as.f, out);
    int64_t k = nd.tag == T_BIGINT ? (AS(vm, nd, BigInt)->neg ? -1000 : 1000) : nd.as.i;
    return round_float(vm, x.as.f, k, out);
  }
  if (is_int(x)) {
    if (x.tag == T_BOOL) x = v_int(x.as.i);
    if (nd.tag == T_NONE || big_cmp(vm, nd, v_int(0)) >= 0) { *out = x; return true; }
    if (nd.tag == T_BIGINT || nd.as.i < -5000) { *out = v_int(0); return true; }
    Value p, q, r, twice;                          /* ties to even at 10**-nd */
    if (!arith(vm, OP_POW, v_int(10), v_int(-nd.as.i), &p) || !arith(vm, OP_FLOORDIV, x, p, &q) ||
        !arith(vm, OP_MOD, x, p, &r) || !arith(vm, OP_MUL, r, v_int(2), &twice)) return false;
    int c = big_cmp(vm, twice, p);
    Value odd;
    if (!arith(vm, OP_BAND, q, v_int(1), &odd)) return false;
    if (c > 0 || (c == 0 && big_cmp(vm, odd, v_int(1)) == 0)) { if (!arith(vm, OP_ADD, q, v_int(1), &q)) return false; }
    return arith(vm, OP_MUL, q, p, out);
  }
  return exc_raise(vm, E_TypeError, "type %T doesn't define __round__ method", x);
}

/* ---- list and dict methods -------------------------------------------------------------- */
NATIVE(m_list_remove) {
  if (!bi_nargs(vm, "remove", n - 1, 1, 1)) return false;
  for (uint32_t i = 0; i < AS(vm, a[0], List)->len; i++) {
    bool eq;
    if (!values_equal(vm, list_items(vm, AS(vm, a[0], List))[i], a[1], &eq)) return false;
    if (eq) {
      List *l = AS(vm, a[0], List);
      Value *it = list_items(vm, l);
      memmove(it + i, it + i + 1, (size_t)(l->len - i - 1) * sizeof(Value));
      l->len--;
      *out = v_none();
      return true;
    }
  }
  return exc_raise(vm, E_ValueError, "list.remove(x): x not in list");
}

NATIVE(m_dict_setdefault) {
  bool found;
  if (!bi_nargs(vm, "setdefault", n - 1, 1, 2) || !dict_get(vm, AS(vm, a[0], Dict), a[1], out, &found)) return false;
  if (found) return true;
  *out = n > 2 ? a[2] : v_none();
  return dict_set(vm, a[0], a[1], *out);
}

/* *d.update(other) for a dict or an iterable of pairs (*d is rewritten: the
 * iteration may run code and move the dict). */
bool dict_update_from(VM *vm, Value *dp, Value other) {
  Value d = *dp;
  if (other.tag == T_DICT) {
    for (uint32_t i = 0; i < AS(vm, other, Dict)->used; i++) {
      DictEntry e = dict_entries(vm, AS(vm, other, Dict))[i];
      if (e.key.tag != T_UNBOUND && !dict_set(vm, d, e.key, e.val)) return false;
    }
    return true;
  }
  uint32_t mark = vm->ntop;
  Value *r = vm_push(vm, 3);                       /* dict, iterator, item */
  if (!r) return false;
  r[0] = d;
  int k = vm_getiter(vm, other, &r[1]) ? 1 : -1;
  for (int64_t i = 0; k > 0 && (k = vm_next(vm, r[1], &r[2])) == 1; i++) {
    Value kv[2];
    int64_t len = 0;
    if (r[2].tag == T_LIST || r[2].tag == T_TUPLE) seq_len(vm, r[2], &len);
    else {
      exc_raise(vm, E_TypeError, "cannot convert dictionary update sequence element #%d to a sequence", i);
      k = -1;
      break;
    }
    if (len != 2) {
      exc_raise(vm, E_ValueError, "dictionary update sequence element #%d has length %d; 2 is required", i, len);
      k = -1;
      break;
    }
    if (!get_item(vm, r[2], v_int(0), &kv[0]) || !get_item(vm, r[2], v_int(1), &kv[1]) || !dict_set(vm, r[0], kv[0], kv[1])) k = -1;
  }
  *dp = r[0];
  vm_pop(vm, mark);
  return k == 0;
}

NATIVE(m_dict_update) {
  if (!bi_nargs(vm, "update", n - 1, 0, 1)) return false;
  if (n > 1 && !dict_update_from(vm, &a[0], a[1])) return false;
  for (int i = 0; i < nkw; i++)
    if (!dict_set(vm, a[0], kw[2 * i], kw[2 * i + 1])) return false;
  *out = v_none();
  return true;
}

NATIVE(m_dict_popitem) {
  if (!bi_nargs(vm, "popitem", n - 1, 0, 0)) return false;
  Dict *d = AS(vm, a[0], Dict);
  if (d->len == 0) return exc_raise(vm, E_KeyError, "popitem(): dictionary is empty");
  uint32_t i = d->used;
  while (i > 0 && dict_entries(vm, d)[i - 1].key.tag == T_UNBOUND) i--;
  DictEntry e = dict_entries(vm, d)[i - 1];
  Ref t = tuple_new(vm, 2);
  bool found;
  if (!t) return false;
  OBJ(vm, t, Tuple)->v[0] = e.key;
  OBJ(vm, t, Tuple)->v[1] = e.val;
  *out = v_obj(T_TUPLE, t);
  return dict_del(vm, AS(vm, a[0], Dict), e.key, &found);
}

/* dict.fromkeys(iterable[, value]): a method of the `dict` built-in (a[0]). */
NATIVE(bi_dict_fromkeys) {
  if (a[0].tag != T_NATIVE || a[0].as.i != bi_lookup_global("dict", 4))
    return exc_raise(vm, E_AttributeError, "'%T' object has no attribute 'fromkeys'", a[0]);
  a++, n--;
  if (!bi_nargs(vm, "fromkeys", n, 1, 2)) return false;
  uint32_t mark = vm->ntop;
  Value *r = vm_push(vm, 3);                       /* dict, iterator, key */
  if (!r) return false;
  Ref d = dict_new(vm, 4);
  int k = d ? 1 : -1;
  if (d) r[0] = v_obj(T_DICT, d);
  Value val = n > 1 ? a[1] : v_none();
  if (k > 0 && !vm_getiter(vm, a[0], &r[1])) k = -1;
  while (k > 0 && (k = vm_next(vm, r[1], &r[2])) == 1)
    if (!dict_set(vm, r[0], r[2], val)) k = -1;
  *out = r[0];
  vm_pop(vm, mark);
  return k == 0;
}

/* d1 | d2: a new dict, d2's values winning. */
bool dict_or(VM *vm, Value a, Value b, Value *out) {
  Ref d = dict_new(vm, AS(vm, a, Dict)->len + AS(vm, b, Dict)->len);
  if (!d) return false;
  *out = v_obj(T_DICT, d);
  return dict_update_from(vm, out, a) && dict_update_from(vm, out, b);
}

/* ---- dict views: dict_keys, dict_values, dict_items (live, over the dict) ------------ */
bool is_setlike_view(Value v) { return v.tag == T_DKEYS || v.tag == T_DITEMS; }

/* x in view: keys by lookup, items by lookup and value equality, values by scan. */
bool view_contains(VM *vm, Value view, Value x, bool *res) {
  Value d = AS(vm, view, Iter)->seq, v;
  if (view.tag == T_DKEYS) return dict_get(vm, AS(vm, d, Dict), x, &v, res);
  if (view.tag == T_DITEMS) {
    *res = false;
    if (x.tag != T_TUPLE || AS(vm, x, Tuple)->len != 2) return true;
    bool found;
    if (!dict_get(vm, AS(vm, d, Dict), AS(vm, x, Tuple)->v[0], &v, &found)) return false;
    return !found || values_equal(vm, v, AS(vm, x, Tuple)->v[1], res);
  }
  *res = false;
  for (uint32_t i = 0; i < AS(vm, d, Dict)->used && !*res; i++) {
    DictEntry e = dict_entries(vm, AS(vm, d, Dict))[i];
    if (e.key.tag != T_UNBOUND && !values_equal(vm, e.val, x, res)) return false;
  }
  return true;
}

/* A set of the view's items (keys or (key, value) tuples), or of any iterable. */
static bool to_set(VM *vm, Value v, Value *out) {
  if (is_anyset(v)) { *out = v; return true; }
  return bi_set(vm, &v, 1, NULL, 0, out);
}

bool view_equal(VM *vm, Value a, Value b, bool *eq) {
  Value x, y;
  *eq = false;
  if (!(is_setlike_view(a) || is_anyset(a)) || !(is_setlike_view(b) || is_anyset(b))) return true;
  vm->gc_hold++;                                   /* x lives in a C local */
  bool ok = to_set(vm, a, &x) && to_set(vm, b, &y) && set_equal(vm, x, y, eq);
  vm->gc_hold--;
  return ok;
}

bool view_setop(VM *vm, int op, Value a, Value b, Value *out) {
  Value x, y;
  vm->gc_hold++;                                   /* x lives in a C local */
  bool ok = (a.tag == T_SET ? (x = a, true) : bi_set(vm, &a, 1, NULL, 0, &x)) && to_set(vm, b, &y) &&
            set_binop(vm, op, x, y, out);
  vm->gc_hold--;
  return ok;
}
