/*
 * object.c -- the built-in object types: creation, truth, equality,
 * hashing, ordering, indexing and iteration of str, list, tuple, range.
 * (dict lives in dict.c.)  Semantics follow CPython 3.11.
 */
#include "vm.h"
#include "opcodes.h"

static const char *const tag_names[] = {
#define X(name, pyname) pyname,
  TAG_LIST(X)
#undef X
};

const char *type_name(Value v) { return v.tag < T__COUNT ? tag_names[v.tag] : "object"; }

/* ---- str ------------------------------------------------------------------ */
uint32_t utf8_count(const char *s, size_t n) {
  uint32_t c = 0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {                /* ASCII words: 8 code points at once */
    if (!(rd64((const uint8_t *)s + i) & 0x8080808080808080ull)) { c += 8; continue; }
    for (size_t k = i; k < i + 8; k++) c += ((uint8_t)s[k] & 0xc0) != 0x80;
  }
  for (; i < n; i++) c += ((uint8_t)s[i] & 0xc0) != 0x80;
  return c;
}

/* Check that every byte sequence is well-formed UTF-8 (no surrogates, shortest form). */
bool utf8_valid(const uint8_t *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    uint8_t c = s[i];
    size_t k;
    uint32_t cp;
    if (c < 0x80) { i++; continue; }
    else if ((c & 0xe0) == 0xc0) { k = 1; cp = c & 0x1f; }
    else if ((c & 0xf0) == 0xe0) { k = 2; cp = c & 0x0f; }
    else if ((c & 0xf8) == 0xf0) { k = 3; cp = c & 0x07; }
    else return false;
    if (n - i <= k) return false;
    for (size_t j = 1; j <= k; j++) {
      if ((s[i + j] & 0xc0) != 0x80) return false;
      cp = cp << 6 | (s[i + j] & 0x3f);
    }
    if ((k == 1 && cp < 0x80) || (k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) ||
        cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      return false;
    i += k + 1;
  }
  return true;
}

/* A new Str holding a copy of s[0..n) (valid UTF-8); 0 on MemoryError. */
/* A Str of n bytes whose data the caller fills (data[n] is NUL, hash unset);
 * only the header is initialised.  0 with MemoryError raised when full. */
static inline Ref str_alloc(VM *vm, size_t n, uint32_t nchars) {
  Ref r = n > 0x7fffffffu ? 0 : heap_bump(vm, T_STR, sizeof(Str) + n + 1);
  if (!r) { exc_raise(vm, E_MemoryError, ""); return 0; }
  Str *st = OBJ(vm, r, Str);
  st->nbytes = (uint32_t)n;
  st->nchars = nchars;
  st->hash = 0;
  st->data[n] = 0;
  return r;
}

Ref str_new(VM *vm, const char *s, size_t n) {
  Ref r = str_alloc(vm, n, 0);
  if (!r) return 0;
  Str *st = OBJ(vm, r, Str);
  st->nchars = utf8_count(s, n);
  memcpy(st->data, s, n);
  return r;
}

bool str_concat(VM *vm, Value a, Value b, Value *out) {
  Str *x = AS(vm, a, Str), *y = AS(vm, b, Str);
  Ref r = str_alloc(vm, (size_t)x->nbytes + y->nbytes, x->nchars + y->nchars);
  if (!r) return false;
  Str *s = OBJ(vm, r, Str);
  x = AS(vm, a, Str); y = AS(vm, b, Str);
  memcpy(s->data, x->data, x->nbytes);
  memcpy(s->data + x->nbytes, y->data, y->nbytes);
  *out = v_obj(T_STR, r);
  return true;
}

/* str(i) of an int: the digits written straight into the new Str (ASCII). */
bool str_from_int(VM *vm, int64_t i, Value *out) {
  static const uint64_t pow10[20] = {
    1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull, 100000000ull,
    1000000000ull, 10000000000ull, 100000000000ull, 1000000000000ull, 10000000000000ull,
    100000000000000ull, 1000000000000000ull, 10000000000000000ull, 100000000000000000ull,
    1000000000000000000ull, 10000000000000000000ull};
  uint64_t u = i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i;
  /* decimal digits from the bit length: floor(bits * log10(2)), plus one past the next power */
  uint32_t d = (uint32_t)((64 - __builtin_clzll(u | 1)) * 1233) >> 12;
  size_t n = (i < 0) + d + (u >= pow10[d]) + !u;
  Ref r = str_alloc(vm, n, (uint32_t)n);
  if (unlikely(!r)) return false;
  Str *s = OBJ(vm, r, Str);
  if (i < 0) s->data[0] = '-';
  fmt_put_udigits(s->data + n, u);
  *out = v_obj(T_STR, r);
  return true;
}

/* The general case of CONCAT and CATCHK: r[0] + r[1] + ... + r[n-1], left to
 * right, operands already added (UNBOUND) skipped.  The running total stays
 * in r[0] and each operand becomes UNBOUND once added, so an instruction that
 * failed (MemoryError) can run again after a collection and go on from there;
 * a run of str operands after a str total is joined with one allocation
 * (str + str runs no user code, so that changes nothing visible). */
bool concat_fold(VM *vm, Value *r, uint32_t n) {
  for (uint32_t i = 1; i < n;) {
    if (r[i].tag == T_UNBOUND) { i++; continue; }
    if (r[0].tag == T_STR && r[i].tag == T_STR) {
      size_t nb = AS(vm, r[0], Str)->nbytes;
      uint64_t nc = AS(vm, r[0], Str)->nchars;
      uint32_t j = i;
      for (; j < n && (r[j].tag == T_STR || r[j].tag == T_UNBOUND); j++)
        if (r[j].tag == T_STR) { nb += AS(vm, r[j], Str)->nbytes; nc += AS(vm, r[j], Str)->nchars; }
      Ref res = str_alloc(vm, nb, (uint32_t)nc);       /* nc <= nb: it fits when nb does */
      if (!res) return false;
      Str *d = OBJ(vm, res, Str);
      char *w = d->data;
      for (uint32_t k = 0; k < j; k++)
        if (r[k].tag == T_STR) { Str *x = AS(vm, r[k], Str); memcpy(w, x->data, x->nbytes); w += x->nbytes; }
      r[0] = v_obj(T_STR, res);
      for (uint32_t k = i; k < j; k++) r[k] = v_unbound();
      i = j;
      continue;
    }
    Value t;
    if (!arith(vm, OP_ADD, r[0], r[i], &t)) return false;   /* may run user code (registers stay rooted) */
    r[0] = t;
    r[i] = v_unbound();
    i++;
  }
  return true;
}

bool str_value(VM *vm, const char *s, size_t n, Value *out) {
  Ref r = str_new(vm, s, n);
  *out = v_obj(T_STR, r);
  return r != 0;
}

/* Byte offset of code point `i` in s (0 <= i <= nchars). */
static size_t str_offset(Str *s, int64_t i) {
  if (s->nchars == s->nbytes) return (size_t)i;
  size_t off = 0;
  for (; i > 0; i--) {
    off++;
    while (off < s->nbytes && ((uint8_t)s->data[off] & 0xc0) == 0x80) off++;
  }
  return off;
}

/* ---- list and tuple ---------------------------------------------------------- */
Ref list_new(VM *vm, uint32_t cap) {
  Ref r = heap_alloc(vm, T_LIST, sizeof(List));
  if (!r) return 0;
  if (cap < 4) cap = 4;
  Ref items = heap_alloc(vm, T_ARRAY, sizeof(ObjHdr) + (size_t)cap * sizeof(Value));
  if (!items) return 0;
  List *l = OBJ(vm, r, List);
  l->cap = cap;
  l->items = items;
  return r;
}

/* Make room for `extra` more items in list `lr`. */
static bool list_reserve(VM *vm, Ref lr, uint32_t extra) {
  List *l = OBJ(vm, lr, List);
  if ((uint64_t)l->len + extra <= l->cap) return true;
  uint64_t cap = (uint64_t)l->cap * 2;
  if (cap < (uint64_t)l->len + extra) cap = (uint64_t)l->len + extra;
  if (cap > 0x10000000u) return exc_raise(vm, E_MemoryError, "");
  Ref items = heap_alloc(vm, T_ARRAY, sizeof(ObjHdr) + cap * sizeof(Value));
  if (!items) return false;
  l = OBJ(vm, lr, List);
  memcpy(OBJ(vm, items, Array)->v, list_items(vm, l), (size_t)l->len * sizeof(Value));
  l->items = items;
  l->cap = (uint32_t)cap;
  return true;
}

bool list_append(VM *vm, Value list, Value v) {
  if (!list_reserve(vm, (Ref)list.as.r, 1)) return false;
  List *l = AS(vm, list, List);
  list_items(vm, l)[l->len++] = v;
  return true;
}

Ref tuple_new(VM *vm, uint32_t len) {
  Ref r = heap_alloc(vm, T_TUPLE, sizeof(Tuple) + (size_t)len * sizeof(Value));
  if (r) OBJ(vm, r, Tuple)->len = len;
  return r;
}

/* Items and length of a list or tuple; NULL for other types. */
static Value *seq_items(VM *vm, Value v, uint32_t *n) {
  *n = 0;
  if (v.tag == T_LIST) { List *l = AS(vm, v, List); *n = l->len; return list_items(vm, l); }
  if (v.tag == T_TUPLE) { Tuple *t = AS(vm, v, Tuple); *n = t->len; return t->v; }
  return NULL;
}

/* ---- truth, equality, hashing ------------------------------------------------- */
bool truthy(VM *vm, Value v) {
  if (unlikely(v.tag == T_INSTANCE)) {     /* __bool__/__len__: an error stays pending (callers check vm->exc) */
    bool r;
    return obj_truthy(vm, v, &r) ? r : true;
  }
  switch (v.tag) {
  case T_NONE: return false;
  case T_BOOL: case T_INT: return v.as.i != 0;
  case T_FLOAT: return v.as.f != 0.0;
  case T_STR: case T_BYTESTR: return AS(vm, v, Str)->nbytes != 0;
  case T_LIST: return AS(vm, v, List)->len != 0;
  case T_TUPLE: return AS(vm, v, Tuple)->len != 0;
  case T_DICT: return AS(vm, v, Dict)->len != 0;
  case T_SET: case T_FROZENSET: return AS(vm, v, Set)->used != 0;
  case T_DKEYS: case T_DVALUES: case T_DITEMS: return AS(vm, AS(vm, v, Iter)->seq, Dict)->len != 0;
  case T_RANGE: { Range *r = AS(vm, v, Range); return r->step > 0 ? r->start < r->stop : r->start > r->stop; }
  default: return true;
  }
}

static bool is_num(Value v) { return v.tag == T_INT || v.tag == T_BOOL || v.tag == T_FLOAT || v.tag == T_BIGINT; }

/* Numeric three-way comparison; returns 2 when unordered (NaN). */
static int num_cmp(VM *vm, Value a, Value b) {
  if (a.tag != T_FLOAT && b.tag != T_FLOAT) {
    if (a.tag == T_BIGINT || b.tag == T_BIGINT) return big_cmp(vm, a, b);
    return a.as.i < b.as.i ? -1 : a.as.i > b.as.i;
  }
  if (a.tag == T_FLOAT && b.tag == T_FLOAT) {
    if (a.as.f != a.as.f || b.as.f != b.as.f) return 2;
    return a.as.f < b.as.f ? -1 : a.as.f > b.as.f;
  }
  if (a.tag == T_FLOAT) { int c = big_cmp_double(vm, b, a.as.f); return c == 2 ? 2 : -c; }
  return big_cmp_double(vm, a, b.as.f);
}

static int depth_guard;  /* nesting depth of recursive comparisons and hashes (cycles, deep nesting) */

/* Enter one more level of a recursive comparison or hash (the caller leaves
 * it with depth_guard--); RecursionError past 200, so that cyclic or deeply
 * nested containers cannot overflow the C stack (64 KiB in the guest). */
static bool deeper(VM *vm) {
  if (depth_guard >= 200) return exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded in comparison");
  depth_guard++;
  return true;
}

bool values_equal(VM *vm, Value a, Value b, bool *eq) {
  if (unlikely(a.tag == T_INSTANCE || b.tag == T_INSTANCE)) return obj_eq(vm, a, b, eq);
  if (is_num(a) && is_num(b)) { *eq = num_cmp(vm, a, b) == 0; return true; }
  if (is_anyset(a) && is_anyset(b)) return set_equal(vm, a, b, eq);
  if (is_setlike_view(a) || is_setlike_view(b)) return view_equal(vm, a, b, eq);
  if (a.tag != b.tag) { *eq = false; return true; }
  switch (a.tag) {
  case T_NONE: case T_UNBOUND: *eq = true; return true;
  case T_FUNC: case T_NATIVE: *eq = a.as.i == b.as.i; return true;
  case T_STR: case T_BYTESTR: {
    Str *x = AS(vm, a, Str), *y = AS(vm, b, Str);
    *eq = x == y || (x->nbytes == y->nbytes && memcmp(x->data, y->data, x->nbytes) == 0);
    return true;
  }
  case T_LIST: case T_TUPLE: {
    uint32_t n = 0, m = 0;
    Value *x = seq_items(vm, a, &n), *y = seq_items(vm, b, &m);
    *eq = n == m;
    if (a.as.r == b.as.r || !*eq) return true;
    if (!deeper(vm)) return false;
    for (uint32_t i = 0; i < n && *eq; i++) {
      x = seq_items(vm, a, &n); y = seq_items(vm, b, &m);
      if (i >= n || i >= m) { *eq = n == m; break; }
      if (!values_equal(vm, x[i], y[i], eq)) { depth_guard--; return false; }
    }
    depth_guard--;
    return true;
  }
  case T_DICT: {
    Dict *x = AS(vm, a, Dict), *y = AS(vm, b, Dict);
    *eq = x->len == y->len;
    if (!*eq || x == y) return true;
    for (uint32_t i = 0; i < x->used && *eq; i++) {
      DictEntry e = dict_entries(vm, x)[i];
      Value other;
      bool found;
      if (e.key.tag == T_UNBOUND) continue;
      if (!dict_get(vm, y, e.key, &other, &found)) return false;
      if (!found) { *eq = false; break; }
      if (!deeper(vm)) return false;
      bool r = values_equal(vm, e.val, other, eq);
      depth_guard--;
      if (!r) return false;
    }
    return true;
  }
  case T_RANGE: {
    Range *x = AS(vm, a, Range), *y = AS(vm, b, Range);
    *eq = x->start == y->start && x->stop == y->stop && x->step == y->step;
    return true;
  }
  default: *eq = a.as.r == b.as.r; return true;
  }
}

/* hash(v); TypeError for unhashable types.  Equal numbers hash equal. */
/* FNV-1a of the bytes (str and bytes), cached in the object (0: not yet). */
uint64_t str_hash_slow(Str *s) {
  uint64_t x = 0xcbf29ce484222325ull;
  for (uint32_t i = 0; i < s->nbytes; i++) x = (x ^ (uint8_t)s->data[i]) * 0x100000001b3ull;
  return s->hash = x ? x : 1;
}

bool value_hash(VM *vm, Value v, uint64_t *h) {
  if (unlikely(v.tag == T_INSTANCE)) return obj_hash(vm, v, h);
  switch (v.tag) {
  case T_NONE: *h = 0xfca86420; return true;
  case T_BOOL: case T_INT:
    if (v.as.i > -(INT64_C(1) << 60) && v.as.i < (INT64_C(1) << 60)) { *h = v.as.i == -1 ? (uint64_t)-2 : (uint64_t)v.as.i; return true; }
    *h = big_hash(vm, v);
    return true;
  case T_BIGINT: *h = big_hash(vm, v); return true;
  case T_FLOAT: *h = float_hash(v.as.f); return true;
  case T_STR: case T_BYTESTR: {
    *h = str_hash(AS(vm, v, Str));
    return true;
  }
  case T_TUPLE: {                                 /* CPython's xxHash-based tuple hash */
    Tuple *t = AS(vm, v, Tuple);
    uint64_t x = 2870177450012600261ull;
    for (uint32_t i = 0; i < t->len; i++) {
      uint64_t e;
      if (!deeper(vm)) return false;
      bool r = value_hash(vm, AS(vm, v, Tuple)->v[i], &e);
      depth_guard--;
      if (!r) return false;
      x += e * 14029467366897019727ull;
      x = x << 31 | x >> 33;
      x *= 11400714785074694791ull;
    }
    x += AS(vm, v, Tuple)->len ^ (2870177450012600261ull ^ 3527539ull);
    *h = x == (uint64_t)-1 ? 1546275796 : x;
    return true;
  }
  case T_FROZENSET: *h = set_hash(vm, v); return true;
  case T_FUNC: case T_NATIVE: *h = (uint64_t)v.as.i * 0x9e3779b97f4a7c15ull + v.tag; return true;
  case T_CLOSURE: *h = (uint64_t)AS(vm, v, FuncObj)->func * 0x9e3779b97f4a7c15ull + v.tag; return true;   /* stable: */
  case T_GEN: *h = (uint64_t)AS(vm, v, Gen)->func * 0x9e3779b97f4a7c15ull + v.tag; return true;          /* not the Ref */
  default: return exc_raise(vm, E_TypeError, "unhashable type: '%T'", v);
  }
}

static int cmp3(int64_t a, int64_t b) { return a < b ? -1 : a > b; }

/* Three-way comparison for ordering (<, <=, >, >=).  *c gets -1/0/1, or 2 if unordered. */
static bool order(VM *vm, Value a, Value b, int *c, bool *ok) {
  *ok = true;
  if (is_num(a) && is_num(b)) { *c = num_cmp(vm, a, b); return true; }
  if (a.tag != b.tag) { *ok = false; return true; }
  if (a.tag == T_STR || a.tag == T_BYTESTR) {
    Str *x = AS(vm, a, Str), *y = AS(vm, b, Str);
    uint32_t n = x->nbytes < y->nbytes ? x->nbytes : y->nbytes;
    int r = memcmp(x->data, y->data, n);   /* UTF-8 byte order == code point order */
    *c = r ? (r < 0 ? -1 : 1) : cmp3(x->nbytes, y->nbytes);
    return true;
  }
  if (a.tag == T_LIST || a.tag == T_TUPLE) {
    uint32_t n, m;
    for (uint32_t i = 0;; i++) {
      Value *x = seq_items(vm, a, &n), *y = seq_items(vm, b, &m);
      if (i >= n || i >= m) { *c = cmp3(n, m); return true; }
      bool eq;
      if (!values_equal(vm, x[i], y[i], &eq)) return false;
      if (!eq) {
        if (!deeper(vm)) return false;
        bool r = order(vm, x[i], y[i], c, ok);
        depth_guard--;
        return r;
      }
    }
  }
  *ok = false;
  return true;
}

/* a <op> b for op 0 '<', 1 '<=', 2 '>', 3 '>='. */
bool compare(VM *vm, int op, Value a, Value b, bool *res) {
  static const char *const names[] = {"<", "<=", ">", ">="};
  int c;
  bool ok;
  if (is_anyset(a) && is_anyset(b)) return set_compare(vm, op, a, b, res);
  if (unlikely(a.tag == T_INSTANCE || b.tag == T_INSTANCE)) {
    Value r;
    return obj_richcmp(vm, op, a, b, &r) && obj_truthy(vm, r, res);
  }
  if (!order(vm, a, b, &c, &ok)) return false;
  if (!ok) return exc_raise(vm, E_TypeError, "'%s' not supported between instances of '%T' and '%T'", names[op], a, b);
  switch (op) {
  case 0: *res = c == -1; break;
  case 1: *res = c == -1 || c == 0; break;
  case 2: *res = c == 1; break;
  default: *res = c == 1 || c == 0; break;
  }
  return true;
}

/* ---- length, indexing ------------------------------------------------------------- */
static int64_t range_len(Range *r) {
  if (r->step > 0 && r->start < r->stop) return (int64_t)(((uint64_t)r->stop - (uint64_t)r->start - 1) / (uint64_t)r->step) + 1;
  if (r->step < 0 && r->start > r->stop) return (int64_t)(((uint64_t)r->start - (uint64_t)r->stop - 1) / ((uint64_t)(-(r->step + 1)) + 1)) + 1;
  return 0;
}

bool seq_len(VM *vm, Value v, int64_t *n) {
  if (unlikely(v.tag == T_INSTANCE)) return obj_len(vm, v, n);
  switch (v.tag) {
  case T_STR: case T_BYTESTR: *n = AS(vm, v, Str)->nchars; return true;
  case T_LIST: *n = AS(vm, v, List)->len; return true;
  case T_TUPLE: *n = AS(vm, v, Tuple)->len; return true;
  case T_DICT: *n = AS(vm, v, Dict)->len; return true;
  case T_SET: case T_FROZENSET: *n = AS(vm, v, Set)->used; return true;
  case T_DKEYS: case T_DVALUES: case T_DITEMS: *n = AS(vm, AS(vm, v, Iter)->seq, Dict)->len; return true;
  case T_RANGE: *n = range_len(AS(vm, v, Range)); return true;
  default: return exc_raise(vm, E_TypeError, "object of type '%T' has no len()", v);
  }
}

/* Normalise index `key` for a sequence of length n; IndexError if out of range
 * (CPython's message: "list assignment index out of range" when `assign`). */
static bool seq_index_for(VM *vm, Value seq, Value key, int64_t n, int64_t *out, bool assign) {
  if (key.tag == T_BIGINT) return exc_raise(vm, E_IndexError, "cannot fit 'int' into an index-sized integer");
  if (key.tag != T_INT && key.tag != T_BOOL)
    return exc_raise(vm, E_TypeError, "%s indices must be integers or slices, not %T", type_name(seq), key);
  int64_t i = key.as.i;
  if (i < 0) i += n;
  if (i < 0 || i >= n)
    return exc_raise(vm, E_IndexError, "%s %sindex out of range", seq.tag == T_STR ? "string" : type_name(seq), assign ? "assignment " : "");
  *out = i;
  return true;
}
static bool seq_index(VM *vm, Value seq, Value key, int64_t n, int64_t *out) { return seq_index_for(vm, seq, key, n, out, false); }

/* Resolve slice `sl` against length n into start/step/count (CPython's PySlice_AdjustIndices). */
bool slice_indices(VM *vm, Slice *sl, int64_t n, int64_t *start, int64_t *step, int64_t *count) {
  Value parts[3] = {sl->start, sl->stop, sl->step};
  for (int k = 0; k < 3; k++) {
    if (parts[k].tag == T_BIGINT)                  /* clamped, as CPython (PyNumber_AsSsize_t without an error) */
      parts[k] = v_int(AS(vm, parts[k], BigInt)->neg ? -INT64_MAX : INT64_MAX);
    else if (parts[k].tag != T_NONE && parts[k].tag != T_INT && parts[k].tag != T_BOOL)
      return exc_raise(vm, E_TypeError, "slice indices must be integers or None or have an __index__ method");
  }
  int64_t st = parts[2].tag == T_NONE ? 1 : parts[2].as.i;
  if (st == 0) return exc_raise(vm, E_ValueError, "slice step cannot be zero");
  int64_t lo, hi;
  if (parts[0].tag == T_NONE) lo = st < 0 ? n - 1 : 0;
  else {
    lo = parts[0].as.i;
    if (lo < 0) { lo += n; if (lo < 0) lo = st < 0 ? -1 : 0; }
    else if (lo >= n) lo = st < 0 ? n - 1 : n;
  }
  if (parts[1].tag == T_NONE) hi = st < 0 ? -1 : n;
  else {
    hi = parts[1].as.i;
    if (hi < 0) { hi += n; if (hi < 0) hi = st < 0 ? -1 : 0; }
    else if (hi >= n) hi = st < 0 ? n - 1 : n;
  }
  int64_t c = 0;
  if (st > 0 && lo < hi) c = (hi - lo - 1) / st + 1;
  else if (st < 0 && hi < lo) c = (int64_t)((uint64_t)(lo - hi - 1) / (0 - (uint64_t)st)) + 1;   /* -INT64_MIN */
  *start = lo; *step = st; *count = c;
  return true;
}

static bool get_slice(VM *vm, Value obj, Slice *sl, Value *out) {
  int64_t n = 0, start = 0, step = 1, count = 0;
  if (!seq_len(vm, obj, &n) || !slice_indices(vm, sl, n, &start, &step, &count)) return false;
  if (obj.tag == T_STR) {
    Str *s = AS(vm, obj, Str);
    StrBuf sb;
    sb_begin(vm, &sb);
    for (int64_t k = 0; k < count; k++) {
      int64_t i = start + k * step;                  /* in range; i += step could overflow after the last */
      s = AS(vm, obj, Str);
      size_t off = str_offset(s, i), end = off + 1;
      while (end < s->nbytes && ((uint8_t)s->data[end] & 0xc0) == 0x80) end++;
      if (s->nchars == s->nbytes) end = off + 1;
      sb_put(&sb, s->data + off, end - off);
    }
    return sb_end(&sb, out);
  }
  if (obj.tag == T_LIST) {
    Ref r = list_new(vm, (uint32_t)count);
    if (!r) return false;
    List *l = OBJ(vm, r, List), *src = AS(vm, obj, List);
    for (int64_t k = 0; k < count; k++) list_items(vm, l)[k] = list_items(vm, src)[start + k * step];
    l->len = (uint32_t)count;
    *out = v_obj(T_LIST, r);
    return true;
  }
  if (obj.tag == T_TUPLE) {
    Ref r = tuple_new(vm, (uint32_t)count);
    if (!r) return false;
    for (int64_t k = 0; k < count; k++) OBJ(vm, r, Tuple)->v[k] = AS(vm, obj, Tuple)->v[start + k * step];
    *out = v_obj(T_TUPLE, r);
    return true;
  }
  return exc_raise(vm, E_TypeError, "'%T' object is not subscriptable", obj);
}

bool get_item(VM *vm, Value obj, Value key, Value *out) {
  if (obj.tag == T_BYTESTR) return bytes_getitem(vm, obj, key, out);
  int64_t i, n;
  if (unlikely(obj.tag == T_INSTANCE)) return obj_getitem(vm, obj, key, out);
  if (key.tag == T_SLICE && obj.tag != T_DICT) return get_slice(vm, obj, AS(vm, key, Slice), out);
  switch (obj.tag) {
  case T_LIST: {
    List *l = AS(vm, obj, List);
    if (!seq_index(vm, obj, key, l->len, &i)) return false;
    *out = list_items(vm, l)[i];
    return true;
  }
  case T_TUPLE: {
    Tuple *t = AS(vm, obj, Tuple);
    if (!seq_index(vm, obj, key, t->len, &i)) return false;
    *out = t->v[i];
    return true;
  }
  case T_STR: {
    Str *s = AS(vm, obj, Str);
    if (!seq_index(vm, obj, key, s->nchars, &i)) return false;
    size_t off = str_offset(s, i), end = off + 1;
    while (end < s->nbytes && ((uint8_t)s->data[end] & 0xc0) == 0x80) end++;
    return str_value(vm, s->data + off, end - off, out);
  }
  case T_RANGE: {
    Range *r = AS(vm, obj, Range);
    n = range_len(r);
    if (!seq_index(vm, obj, key, n, &i)) return false;
    *out = v_int((int64_t)((uint64_t)r->start + (uint64_t)i * (uint64_t)r->step));   /* i * step may pass INT64_MAX */
    return true;
  }
  case T_DICT: {
    bool found;
    if (!dict_get(vm, AS(vm, obj, Dict), key, out, &found)) return false;
    if (!found) return exc_raise(vm, E_KeyError, "%R", key);
    return true;
  }
  default: return exc_raise(vm, E_TypeError, "'%T' object is not subscriptable", obj);
  }
}

bool set_item(VM *vm, Value obj, Value key, Value val) {
  int64_t i;
  if (unlikely(obj.tag == T_INSTANCE)) return obj_setitem(vm, obj, key, val);
  if (obj.tag == T_LIST) {
    List *l = AS(vm, obj, List);
    if (key.tag == T_SLICE) return exc_raise(vm, E_TypeError, "slice assignment is not supported yet");
    if (!seq_index_for(vm, obj, key, l->len, &i, true)) return false;
    list_items(vm, l)[i] = val;
    return true;
  }
  if (obj.tag == T_DICT) return dict_set(vm, obj, key, val);
  return exc_raise(vm, E_TypeError, "'%T' object does not support item assignment", obj);
}

/* del l[slice]: the items the slice selects go, the others close up in order. */
static bool list_del_slice(VM *vm, List *l, Slice *sl) {
  int64_t start, step, count;
  if (!slice_indices(vm, sl, l->len, &start, &step, &count)) return false;
  if (count == 0) return true;
  if (step < 0) { start += (count - 1) * step; step = -step; }     /* the same items, ascending */
  Value *it = list_items(vm, l);
  int64_t w = start, k = 0;
  for (int64_t r = start; r < (int64_t)l->len; r++) {
    if (k < count && r == start + k * step) { k++; continue; }
    it[w++] = it[r];
  }
  l->len = (uint32_t)w;
  return true;
}

bool del_item(VM *vm, Value obj, Value key) {
  int64_t i;
  if (unlikely(obj.tag == T_INSTANCE)) return obj_delitem(vm, obj, key);
  if (obj.tag == T_LIST) {
    List *l = AS(vm, obj, List);
    if (key.tag == T_SLICE) return list_del_slice(vm, l, AS(vm, key, Slice));
    if (!seq_index_for(vm, obj, key, l->len, &i, true)) return false;
    Value *it = list_items(vm, l);
    memmove(it + i, it + i + 1, (size_t)(l->len - i - 1) * sizeof(Value));
    l->len--;
    return true;
  }
  if (obj.tag == T_DICT) {
    bool found;
    if (!dict_del(vm, AS(vm, obj, Dict), key, &found)) return false;
    return found ? true : exc_raise(vm, E_KeyError, "%R", key);
  }
  switch (obj.tag) {                 /* CPython's PyObject_DelItem: a sequence type and an int index go on to */
  case T_STR: case T_BYTESTR: case T_TUPLE: case T_RANGE:    /* PySequence_DelItem, which says "doesn't" */
  case T_SET: case T_FROZENSET: case T_DKEYS: case T_DVALUES: case T_DITEMS:
    if (key.tag == T_BIGINT) return exc_raise(vm, E_IndexError, "cannot fit 'int' into an index-sized integer");
    if (key.tag == T_INT || key.tag == T_BOOL) return exc_raise(vm, E_TypeError, "'%T' object doesn't support item deletion", obj);
    break;
  default: break;
  }
  return exc_raise(vm, E_TypeError, "'%T' object does not support item deletion", obj);
}

/* Byte-level substring search: offset of needle in hay, or -1. */
int64_t str_find(Str *hay, Str *needle, size_t from) {
  if (needle->nbytes == 0) return (int64_t)from;
  for (size_t i = from; i + needle->nbytes <= hay->nbytes; i++)
    if (hay->data[i] == needle->data[0] && memcmp(hay->data + i, needle->data, needle->nbytes) == 0) return (int64_t)i;
  return -1;
}

bool contains(VM *vm, Value c, Value item, bool *res) {
  uint32_t n;
  Value *items;
  if (unlikely(c.tag == T_INSTANCE)) return obj_contains(vm, c, item, res);
  if (c.tag == T_BYTESTR) return bytes_contains(vm, c, item, res);
  if (c.tag == T_DKEYS || c.tag == T_DVALUES || c.tag == T_DITEMS) return view_contains(vm, c, item, res);
  switch (c.tag) {
  case T_STR:
    if (item.tag != T_STR) return exc_raise(vm, E_TypeError, "'in <string>' requires string as left operand, not %T", item);
    *res = str_find(AS(vm, c, Str), AS(vm, item, Str), 0) >= 0;
    return true;
  case T_LIST: case T_TUPLE:
    *res = false;
    for (uint32_t i = 0; (items = seq_items(vm, c, &n)) && i < n; i++) {
      if (!values_equal(vm, items[i], item, res)) return false;
      if (*res) return true;
    }
    return true;
  case T_DICT: {
    Value v;
    return dict_get(vm, AS(vm, c, Dict), item, &v, res);
  }
  case T_SET: case T_FROZENSET: return set_contains(vm, c, item, res);
  case T_RANGE: {
    Range *r = AS(vm, c, Range);
    *res = false;
    if (item.tag == T_INT || item.tag == T_BOOL) {
      int64_t x = item.as.i;
      if (r->step > 0 ? (x >= r->start && x < r->stop) : (x <= r->start && x > r->stop))
        *res = (r->step > 0 ? ((uint64_t)x - (uint64_t)r->start) % (uint64_t)r->step   /* unsigned: no overflow */
                            : ((uint64_t)r->start - (uint64_t)x) % (0 - (uint64_t)r->step)) == 0;
    }
    return true;
  }
  default: return exc_raise(vm, E_TypeError, "argument of type '%T' is not iterable", c);
  }
}

/* ---- iteration ------------------------------------------------------------------- */
bool vm_getiter(VM *vm, Value obj, Value *out) {
  uint32_t kind;
  if (unlikely(obj.tag == T_INSTANCE)) return obj_iter(vm, obj, out);
  switch (obj.tag) {
  case T_ITER: case T_GEN: *out = obj; return true;
  case T_RANGE: kind = IT_RANGE; break;
  case T_LIST: kind = IT_LIST; break;
  case T_TUPLE: kind = IT_TUPLE; break;
  case T_STR: kind = IT_STR; break;
  case T_BYTESTR: kind = IT_BYTES; break;
  case T_DKEYS: case T_DVALUES: case T_DITEMS: kind = AS(vm, obj, Iter)->kind; obj = AS(vm, obj, Iter)->seq; break;
  case T_DICT: kind = IT_DICT_KEYS; break;
  case T_SET: case T_FROZENSET: kind = IT_SET; break;
  default: return exc_raise(vm, E_TypeError, "'%T' object is not iterable", obj);
  }
  Ref r = heap_alloc(vm, T_ITER, sizeof(Iter));
  if (!r) return false;
  Iter *it = OBJ(vm, r, Iter);
  it->kind = kind;
  it->seq = obj;
  if (kind == IT_RANGE) {
    Range *rg = AS(vm, obj, Range);
    it->cur = rg->start; it->stop = rg->stop; it->step = rg->step;
  }
  *out = v_obj(T_ITER, r);
  return true;
}

/* Advance iterator `itv`: 1 with *out set, 0 when exhausted, -1 on error. */
/* One step of map/filter iterator itv (may run code: GC-safe). */
static int fn_next(VM *vm, Value itv, Value *out) {
  uint32_t mark = vm->ntop, n = AS(vm, AS(vm, itv, Iter)->seq, Tuple)->len;
  Value *r = vm_push(vm, n + 1);        /* the iterator, then the function's arguments */
  if (!r) return -1;
  r[0] = itv;
  int k = 1;
  for (;;) {
    for (uint32_t i = 1; i < n && k == 1; i++)
      k = vm_next(vm, AS(vm, AS(vm, r[0], Iter)->seq, Tuple)->v[i], &r[i]);
    if (k != 1) break;
    Value f = AS(vm, AS(vm, r[0], Iter)->seq, Tuple)->v[0], res;
    if (AS(vm, r[0], Iter)->kind == IT_MAP) {
      if (!vm_call(vm, f, &r[1], (int)n - 1, out)) k = -1;
      break;
    }
    if (f.tag == T_NONE) res = r[1];
    else if (!vm_call(vm, f, &r[1], 1, &res)) { k = -1; break; }
    if (truthy(vm, res)) { *out = r[1]; break; }
  }
  vm_pop(vm, mark);
  return k;
}

int vm_next(VM *vm, Value itv, Value *out) {
  if (FUEL_OUT(vm)) return -1;
  if (unlikely(itv.tag == T_INSTANCE)) return obj_next(vm, itv, out);
  if (itv.tag == T_GEN) return gen_resume(vm, itv, v_none(), out);
  Iter *it = AS(vm, itv, Iter);
  switch (it->kind) {
  case IT_MAP: case IT_FILTER: return fn_next(vm, itv, out);
  case IT_ENUMERATE: case IT_ZIP: return iter2_next(vm, itv, out);
  case IT_RANGE:
    if (it->step > 0 ? it->cur >= it->stop : it->cur <= it->stop) return 0;
    *out = v_int(it->cur);
    if (__builtin_add_overflow(it->cur, it->step, &it->cur)) it->cur = it->stop;
    return 1;
  case IT_LIST: {
    List *l = AS(vm, it->seq, List);
    if (it->cur >= l->len) return 0;
    *out = list_items(vm, l)[it->cur++];
    return 1;
  }
  case IT_TUPLE: {
    Tuple *t = AS(vm, it->seq, Tuple);
    if (it->cur >= t->len) return 0;
    *out = t->v[it->cur++];
    return 1;
  }
  case IT_SET: {
    Set *st = AS(vm, it->seq, Set);
    if (it->stop == 0) it->stop = st->used + 1;    /* remember the size at the start */
    if ((int64_t)st->used + 1 != it->stop) {
      exc_raise(vm, E_RuntimeError, "Set changed size during iteration");
      return -1;
    }
    return set_next(vm, it->seq, &it->cur, out, NULL);
  }
  case IT_REVERSED: {
    uint32_t n = 0;
    Value *items = seq_items(vm, it->seq, &n);
    if (it->cur < 0 || it->cur >= n) return 0;
    *out = items[it->cur--];
    return 1;
  }
  case IT_BYTES: {
    Str *b = AS(vm, it->seq, Str);
    if (it->cur >= b->nbytes) return 0;
    *out = v_int((uint8_t)b->data[it->cur++]);
    return 1;
  }
  case IT_STR: {
    Str *s = AS(vm, it->seq, Str);
    if (it->cur >= s->nbytes) return 0;
    size_t off = (size_t)it->cur, end = off + 1;
    while (end < s->nbytes && ((uint8_t)s->data[end] & 0xc0) == 0x80) end++;
    it->cur = (int64_t)end;
    return str_value(vm, s->data + off, end - off, out) ? 1 : -1;
  }
  default: {
    Dict *d = AS(vm, it->seq, Dict);
    if (it->stop == 0) it->stop = d->len + 1;   /* remember the size at the start */
    if ((int64_t)d->len + 1 != it->stop) {
      exc_raise(vm, E_RuntimeError, "dictionary changed size during iteration");
      return -1;
    }
    while (it->cur < d->used && dict_entries(vm, d)[it->cur].key.tag == T_UNBOUND) it->cur++;
    if (it->cur >= d->used) return 0;
    DictEntry e = dict_entries(vm, d)[it->cur++];
    if (it->kind == IT_DICT_KEYS) *out = e.key;
    else if (it->kind == IT_DICT_VALUES) *out = e.val;
    else {
      Ref t = tuple_new(vm, 2);
      if (!t) return -1;
      OBJ(vm, t, Tuple)->v[0] = e.key;
      OBJ(vm, t, Tuple)->v[1] = e.val;
      *out = v_obj(T_TUPLE, t);
    }
    return 1;
  }
  }
}
