/*
 * set.c -- set and frozenset: CPython 3.11's open-addressed table
 * (setobject.c: linear probes of 9 then perturbed jumps, the same resize
 * rules), so that sets of ints and tuples iterate in CPython's order.
 * Entries: key.tag T_UNBOUND with hash 0 is unused, with hash -1 a dummy
 * (a removed key).  Also the set methods and operators.
 */
#include "vm.h"
#include "opcodes.h"

#define LINEAR_PROBES 9
#define PERTURB_SHIFT 5
#define MINSIZE 8
#define DUMMY ((uint64_t)-1)

static Set *SO(VM *vm, Value v) { return AS(vm, v, Set); }
static SetEntry *table(VM *vm, Set *s) { return (SetEntry *)(vm->mem + s->table + sizeof(ObjHdr)); }
static bool unused(SetEntry *e) { return e->key.tag == T_UNBOUND && e->hash == 0; }
static bool active(SetEntry *e) { return e->key.tag != T_UNBOUND; }

bool is_anyset(Value v) { return v.tag == T_SET || v.tag == T_FROZENSET; }
static bool replace_with(VM *vm, Value s, Value r);

/* A new empty set (type T_SET or T_FROZENSET); 0 on MemoryError. */
Ref set_new(VM *vm, uint32_t type) {
  Ref r = heap_alloc(vm, type, sizeof(Set));
  Ref t;
  if (!r || !heap_raw(vm, MINSIZE * sizeof(SetEntry), &t)) return 0;
  Set *s = OBJ(vm, r, Set);
  s->table = t;
  s->mask = MINSIZE - 1;
  return r;
}

static void insert_clean(SetEntry *tab, uint32_t mask, Value key, uint64_t hash) {
  uint64_t perturb = hash;
  size_t i = hash & mask;
  for (;;) {
    SetEntry *e = &tab[i];
    if (unused(e)) goto found;
    if (i + LINEAR_PROBES <= mask)
      for (int j = 0; j < LINEAR_PROBES; j++) { e++; if (unused(e)) goto found; }
    perturb >>= PERTURB_SHIFT;
    i = (i * 5 + 1 + perturb) & mask;
    continue;
  found:
    e->key = key;
    e->hash = hash;
    return;
  }
}

static bool resize(VM *vm, Value sv, uint64_t minused) {
  uint64_t size = MINSIZE;
  while (size <= minused) size <<= 1;
  if (size > (1u << 26)) return exc_raise(vm, E_MemoryError, "");
  Ref t;
  SetEntry *nt = heap_raw(vm, size * sizeof(SetEntry), &t);
  if (!nt) return false;
  Set *s = SO(vm, sv);
  SetEntry *old = table(vm, s);
  for (uint32_t i = 0; i <= s->mask; i++)
    if (active(&old[i])) insert_clean(nt, (uint32_t)size - 1, old[i].key, old[i].hash);
  s->table = t;
  s->mask = (uint32_t)size - 1;
  s->fill = s->used;
  return true;
}

/* Find key: 1 and *slot if present, 0 if not (*slot: the first dummy on the
 * probe path, else the unused entry that ended it), -1 on error. */
static int lookup(VM *vm, Value sv, Value key, uint64_t hash, uint32_t *slot) {
  int64_t freeslot = -1;
  Set *s = SO(vm, sv);
  uint32_t mask = s->mask;
  uint64_t perturb = hash;
  size_t i = hash & mask;
  for (;;) {
    int probes = i + LINEAR_PROBES <= mask ? LINEAR_PROBES : 0;
    for (size_t j = i;; j++) {
      SetEntry *e = &table(vm, SO(vm, sv))[j];
      if (unused(e)) { *slot = freeslot >= 0 ? (uint32_t)freeslot : (uint32_t)j; return 0; }
      if (e->hash == DUMMY && !active(e) && freeslot < 0) freeslot = (int64_t)j;
      if (e->hash == hash && active(e)) {
        bool eq;
        if (e->key.tag == key.tag && e->key.as.r == key.as.r) eq = true;
        else if (!values_equal(vm, e->key, key, &eq)) return -1;
        if (eq) { *slot = (uint32_t)j; return 1; }
      }
      if (!probes--) break;
    }
    perturb >>= PERTURB_SHIFT;
    i = (i * 5 + 1 + perturb) & mask;
  }
}

static bool add_entry(VM *vm, Value sv, Value key, uint64_t hash) {
  uint32_t slot;
  int r = lookup(vm, sv, key, hash, &slot);
  if (r) return r > 0;
  Set *s = SO(vm, sv);
  SetEntry *e = &table(vm, s)[slot];
  bool was_dummy = e->hash == DUMMY && !active(e);
  e->key = key;
  e->hash = hash;
  s->used++;
  if (was_dummy) return true;                      /* a reused dummy: fill is unchanged */
  s->fill++;
  if ((uint64_t)s->fill * 5 < (uint64_t)s->mask * 3) return true;
  return resize(vm, sv, s->used > 50000 ? (uint64_t)s->used * 2 : (uint64_t)s->used * 4);
}

bool set_add(VM *vm, Value sv, Value key) {
  uint64_t h;
  return value_hash(vm, key, &h) && add_entry(vm, sv, key, h);
}

/* key in set (TypeError if key is unhashable). */
bool set_contains(VM *vm, Value sv, Value key, bool *res) {
  uint64_t h;
  uint32_t slot;
  if (!value_hash(vm, key, &h)) return false;
  int r = lookup(vm, sv, key, h, &slot);
  *res = r > 0;
  return r >= 0;
}

/* Remove key; *found tells whether it was there. */
static bool discard(VM *vm, Value sv, Value key, uint64_t h, bool *found) {
  uint32_t slot;
  int r = lookup(vm, sv, key, h, &slot);
  if (r < 0) return false;
  *found = r > 0;
  if (r > 0) {
    Set *s = SO(vm, sv);
    SetEntry *e = &table(vm, s)[slot];
    e->key = v_unbound();
    e->hash = DUMMY;
    s->used--;
  }
  return true;
}

/* The next active entry at or after *pos: 1 (and *pos past it), 0 at the end. */
int set_next(VM *vm, Value sv, int64_t *pos, Value *key, uint64_t *hash) {
  Set *s = SO(vm, sv);
  for (; *pos <= s->mask; (*pos)++) {
    SetEntry *e = &table(vm, s)[*pos];
    if (active(e)) { *key = e->key; if (hash) *hash = e->hash; (*pos)++; return 1; }
  }
  return 0;
}

/* Add every item of other (any iterable) to sv, as CPython's set_update_internal. */
bool set_update(VM *vm, Value sv, Value other) {
  Value key, it;
  uint64_t h;
  if (is_anyset(other)) {
    Set *o = SO(vm, other), *s = SO(vm, sv);
    if (other.as.r == sv.as.r || o->used == 0) return true;
    if ((uint64_t)(s->fill + o->used) * 5 >= (uint64_t)s->mask * 3 && !resize(vm, sv, (uint64_t)(s->used + o->used) * 2)) return false;
    s = SO(vm, sv); o = SO(vm, other);
    if (s->fill == 0) {                            /* empty: clean inserts (or a straight copy) */
      SetEntry *st = table(vm, s), *ot = table(vm, o);
      bool same = s->mask == o->mask && o->fill == o->used;
      for (uint32_t i = 0; i <= o->mask; i++) {
        if (!active(&ot[i])) continue;
        if (same) st[i] = ot[i];
        else insert_clean(st, s->mask, ot[i].key, ot[i].hash);
      }
      s->fill = s->used = o->used;
      return true;
    }
    for (int64_t pos = 0; set_next(vm, other, &pos, &key, &h);)
      if (!add_entry(vm, sv, key, h)) return false;
    return true;
  }
  if (other.tag == T_DICT) {
    Dict *d = AS(vm, other, Dict);
    Set *s = SO(vm, sv);
    if ((uint64_t)(s->fill + d->len) * 5 >= (uint64_t)s->mask * 3 && !resize(vm, sv, (uint64_t)(s->used + d->len) * 2)) return false;
    for (uint32_t i = 0; i < AS(vm, other, Dict)->used; i++) {
      DictEntry e = dict_entries(vm, AS(vm, other, Dict))[i];
      if (e.key.tag != T_UNBOUND && !add_entry(vm, sv, e.key, e.hash)) return false;
    }
    return true;
  }
  if (!vm_getiter(vm, other, &it)) return false;
  int r;
  vm->gc_hold++;                                   /* sv and it live in C locals */
  while ((r = vm_next(vm, it, &key)) == 1)
    if (!set_add(vm, sv, key)) { r = -1; break; }
  vm->gc_hold--;
  return r == 0;
}

/* A new set of `type` holding the items of src (any iterable, or nothing if src is unbound). */
static bool set_from(VM *vm, uint32_t type, Value src, Value *out) {
  Ref r = set_new(vm, type);
  if (!r) return false;
  *out = v_obj(type, r);
  return src.tag == T_UNBOUND || set_update(vm, *out, src);
}

/* {k1, k2, ...} of more than two constants, as CPython 3.11 builds it: a
 * frozenset of the items, rebuilt from its own iteration order when the
 * compiler merges constants, then merged into a new empty set. */
bool set_display_const(VM *vm, Value *items, uint32_t n, Value *out) {
  Ref r1 = set_new(vm, T_FROZENSET), r2 = set_new(vm, T_FROZENSET);
  if (!r1 || !r2) return false;
  Value a = v_obj(T_FROZENSET, r1), b = v_obj(T_FROZENSET, r2), key;
  uint64_t h;
  for (uint32_t i = 0; i < n; i++) if (!set_add(vm, a, items[i])) return false;
  for (int64_t pos = 0; set_next(vm, a, &pos, &key, &h);) if (!add_entry(vm, b, key, h)) return false;
  return set_from(vm, T_SET, b, out);
}

/* sv as a set (itself if it is one; else a new set of its items). */
static bool as_set(VM *vm, Value v, Value *out) {
  if (is_anyset(v)) { *out = v; return true; }
  return set_from(vm, T_SET, v, out);
}

static uint32_t set_len(VM *vm, Value v) { return SO(vm, v)->used; }

/* ---- operators ------------------------------------------------------------------------ */
static bool op_union(VM *vm, uint32_t type, Value a, Value b, Value *out) {
  return set_from(vm, type, a, out) && set_update(vm, *out, b);
}

static bool op_intersection(VM *vm, uint32_t type, Value a, Value b, Value *out) {
  Value key;
  uint64_t h;
  bool in;
  Ref r = set_new(vm, type);
  if (!r) return false;
  *out = v_obj(type, r);
  if (is_anyset(b)) {
    if (set_len(vm, b) > set_len(vm, a)) { Value t = a; a = b; b = t; }
    for (int64_t pos = 0; set_next(vm, b, &pos, &key, &h);) {
      uint32_t slot;
      int k = lookup(vm, a, key, h, &slot);
      if (k < 0 || (k && !add_entry(vm, *out, key, h))) return false;
    }
    return true;
  }
  Value it;
  int k;
  if (!vm_getiter(vm, b, &it)) return false;
  vm->gc_hold++;                                   /* a, out and it live in C locals */
  while ((k = vm_next(vm, it, &key)) == 1)
    if (!set_contains(vm, a, key, &in) || (in && !set_add(vm, *out, key))) { k = -1; break; }
  vm->gc_hold--;
  return k == 0;
}

static bool op_difference(VM *vm, uint32_t type, Value a, Value b, Value *out) {
  Value key;
  uint64_t h;
  bool found;
  if (!is_anyset(b) || (set_len(vm, a) >> 2) > set_len(vm, b)) {   /* copy, then remove b's items */
    Value it;
    int k;
    if (!set_from(vm, type, a, out) || !vm_getiter(vm, b, &it)) return false;
    vm->gc_hold++;                                 /* out and it live in C locals */
    while ((k = vm_next(vm, it, &key)) == 1)
      if (!value_hash(vm, key, &h) || !discard(vm, *out, key, h, &found)) { k = -1; break; }
    vm->gc_hold--;
    return k == 0;
  }
  Ref r = set_new(vm, type);
  if (!r) return false;
  *out = v_obj(type, r);
  for (int64_t pos = 0; set_next(vm, a, &pos, &key, &h);) {
    uint32_t slot;
    int k = lookup(vm, b, key, h, &slot);
    if (k < 0 || (!k && !add_entry(vm, *out, key, h))) return false;
  }
  return true;
}

/* so ^= other (other made a set first unless it is one). */
static bool xor_update(VM *vm, Value so, Value other) {
  Value key, o;
  uint64_t h;
  bool found;
  if (!as_set(vm, other, &o)) return false;
  for (int64_t pos = 0; set_next(vm, o, &pos, &key, &h);) {
    if (!discard(vm, so, key, h, &found)) return false;
    if (!found && !add_entry(vm, so, key, h)) return false;
  }
  return true;
}

static bool op_symdiff(VM *vm, uint32_t type, Value a, Value b, Value *out) {
  return set_from(vm, type, b, out) && xor_update(vm, *out, a);
}

/* a <= b */
static bool subset(VM *vm, Value a, Value b, bool *res) {
  Value key;
  uint64_t h;
  *res = set_len(vm, a) <= set_len(vm, b);
  for (int64_t pos = 0; *res && set_next(vm, a, &pos, &key, &h);) {
    uint32_t slot;
    int k = lookup(vm, b, key, h, &slot);
    if (k < 0) return false;
    *res = k > 0;
  }
  return true;
}

bool set_equal(VM *vm, Value a, Value b, bool *eq) {
  if (set_len(vm, a) != set_len(vm, b)) { *eq = false; return true; }
  return subset(vm, a, b, eq);
}

/* a op b for op 0 '<', 1 '<=', 2 '>', 3 '>=' (subset relations). */
bool set_compare(VM *vm, int op, Value a, Value b, bool *res) {
  if (op >= 2) { Value t = a; a = b; b = t; op -= 2; }
  if (!subset(vm, a, b, res)) return false;
  if (op == 0 && *res) *res = set_len(vm, a) < set_len(vm, b);
  return true;
}

/* a | b, a & b, a - b, a ^ b for two sets; the result has a's type. */
bool set_binop(VM *vm, int op, Value a, Value b, Value *out) {
  uint32_t type = a.tag;
  switch (op) {
  case OP_BOR: return op_union(vm, type, a, b, out);
  case OP_BAND: return op_intersection(vm, type, a, b, out);
  case OP_SUB: return op_difference(vm, type, a, b, out);
  default: return op_symdiff(vm, type, a, b, out);
  }
}

/* hash(frozenset): CPython's frozenset_hash. */
uint64_t set_hash(VM *vm, Value v) {
  Set *s = SO(vm, v);
  uint64_t h = 0;
  for (uint32_t i = 0; i <= s->mask; i++) {
    SetEntry *e = &table(vm, s)[i];
    if (active(e)) h ^= ((e->hash ^ 89869747u) ^ (e->hash << 16)) * 3644798167u;
  }
  h ^= ((uint64_t)s->used + 1) * 1927868237u;
  h ^= (h >> 11) ^ (h >> 25);
  h = h * 69069u + 907133923u;
  return h == (uint64_t)-1 ? 590923713u : h;
}

/* ---- built-in functions and methods ------------------------------------------------------ */
NATIVE(bi_set) {
  if (!bi_nargs(vm, "set", n, 0, 1)) return false;
  return set_from(vm, T_SET, n ? a[0] : v_unbound(), out);
}

NATIVE(bi_frozenset) {
  if (!bi_nargs(vm, "frozenset", n, 0, 1)) return false;
  if (n && a[0].tag == T_FROZENSET) { *out = a[0]; return true; }
  return set_from(vm, T_FROZENSET, n ? a[0] : v_unbound(), out);
}

NATIVE(m_set_add) {
  *out = v_none();
  return bi_nargs(vm, "add", n - 1, 1, 1) && set_add(vm, a[0], a[1]);
}

static bool remove_key(VM *vm, Value *a, int n, bool must, Value *out) {
  uint64_t h;
  bool found;
  if (!bi_nargs(vm, must ? "remove" : "discard", n - 1, 1, 1)) return false;
  if (!value_hash(vm, a[1], &h) || !discard(vm, a[0], a[1], h, &found)) return false;
  if (must && !found) return exc_raise(vm, E_KeyError, "%R", a[1]);
  *out = v_none();
  return true;
}
NATIVE(m_set_remove) { return remove_key(vm, a, n, true, out); }
NATIVE(m_set_discard) { return remove_key(vm, a, n, false, out); }

NATIVE(m_set_pop) {
  if (!bi_nargs(vm, "pop", n - 1, 0, 0)) return false;
  Set *s = SO(vm, a[0]);
  if (s->used == 0) return exc_raise(vm, E_KeyError, "pop from an empty set");
  uint32_t i = s->finger & s->mask;
  SetEntry *t = table(vm, s);
  while (!active(&t[i])) i = i == s->mask ? 0 : i + 1;
  *out = t[i].key;
  t[i].key = v_unbound();
  t[i].hash = DUMMY;
  s->used--;
  s->finger = i + 1;
  return true;
}

NATIVE(m_set_clear) {
  if (!bi_nargs(vm, "clear", n - 1, 0, 0)) return false;
  Ref t;
  if (!heap_raw(vm, MINSIZE * sizeof(SetEntry), &t)) return false;
  Set *s = SO(vm, a[0]);
  s->table = t;
  s->mask = MINSIZE - 1;
  s->fill = s->used = s->finger = 0;
  *out = v_none();
  return true;
}

NATIVE(m_set_copy) {
  if (!bi_nargs(vm, "copy", n - 1, 0, 0)) return false;
  if (a[0].tag == T_FROZENSET) { *out = a[0]; return true; }
  return set_from(vm, a[0].tag, a[0], out);
}

/* s op= other for a set s and a set or frozenset other (|= &= -= ^=): s is
 * changed in place, as CPython's set_ior/iand/isub/ixor. */
bool set_inplace(VM *vm, int op, Value s, Value other) {
  Value key, r;
  uint64_t h;
  bool found;
  switch (op) {
  case OP_BOR: return set_update(vm, s, other);
  case OP_BAND: return op_intersection(vm, T_SET, s, other, &r) && replace_with(vm, s, r);
  case OP_BXOR:
    if (other.as.r == s.as.r) return op_difference(vm, T_SET, s, s, &r) && replace_with(vm, s, r);
    return xor_update(vm, s, other);
  default: {                                       /* OP_SUB: set_difference_update_internal */
    if (other.as.r == s.as.r) {
      Ref t;
      if (!heap_raw(vm, MINSIZE * sizeof(SetEntry), &t)) return false;
      Set *so = SO(vm, s);
      so->table = t;
      so->mask = MINSIZE - 1;
      so->fill = so->used = so->finger = 0;
      return true;
    }
    if ((set_len(vm, other) >> 3) > set_len(vm, s) && !op_intersection(vm, T_SET, s, other, &other)) return false;
    for (int64_t pos = 0; set_next(vm, other, &pos, &key, &h);)
      if (!discard(vm, s, key, h, &found)) return false;
    Set *so = SO(vm, s);
    if ((uint64_t)(so->fill - so->used) <= (uint64_t)so->mask / 4) return true;
    return resize(vm, s, so->used > 1000 ? (uint64_t)so->used * 2 : (uint64_t)so->used * 4);
  }
  }
}

/* union/intersection/... with any number of iterables; the result has self's type. */
static bool multi(VM *vm, int op, Value *a, int n, Value *out) {
  if (n == 1) return set_from(vm, a[0].tag, a[0], out);
  Value acc = a[0];
  for (int i = 1; i < n; i++)
    if (!set_binop(vm, op, acc, a[i], &acc)) return false;
  *out = acc;
  return true;
}
NATIVE(m_set_union) { return multi(vm, OP_BOR, a, n, out); }
NATIVE(m_set_intersection) { return multi(vm, OP_BAND, a, n, out); }
NATIVE(m_set_difference) { return multi(vm, OP_SUB, a, n, out); }
NATIVE(m_set_symmetric_difference) { return bi_nargs(vm, "symmetric_difference", n - 1, 1, 1) && multi(vm, OP_BXOR, a, n, out); }

NATIVE(m_set_update) {
  *out = v_none();
  for (int i = 1; i < n; i++) if (!set_update(vm, a[0], a[i])) return false;
  return true;
}

/* In-place intersection/difference: compute, then take over the result's table. */
static bool replace_with(VM *vm, Value s, Value r) {
  Set *d = SO(vm, s), *src = SO(vm, r);
  d->table = src->table; d->mask = src->mask; d->fill = src->fill; d->used = src->used; d->finger = 0;
  return true;
}
NATIVE(m_set_intersection_update) {
  Value r;
  *out = v_none();
  return multi(vm, OP_BAND, a, n, &r) && replace_with(vm, a[0], r);
}
NATIVE(m_set_difference_update) {
  Value r;
  *out = v_none();
  return multi(vm, OP_SUB, a, n, &r) && replace_with(vm, a[0], r);
}
NATIVE(m_set_symmetric_difference_update) {
  *out = v_none();
  return bi_nargs(vm, "symmetric_difference_update", n - 1, 1, 1) && xor_update(vm, a[0], a[1]);
}

static bool relation(VM *vm, const char *fn, Value *a, int n, int kind, Value *out) {
  Value o;
  bool r;
  if (!bi_nargs(vm, fn, n - 1, 1, 1) || !as_set(vm, a[1], &o)) return false;
  if (kind == 2) {                                 /* isdisjoint */
    Value i;
    if (!op_intersection(vm, T_SET, a[0], o, &i)) return false;
    r = set_len(vm, i) == 0;
  } else if (!(kind == 0 ? subset(vm, a[0], o, &r) : subset(vm, o, a[0], &r))) return false;
  *out = v_bool(r);
  return true;
}
NATIVE(m_set_issubset) { return relation(vm, "issubset", a, n, 0, out); }
NATIVE(m_set_issuperset) { return relation(vm, "issuperset", a, n, 1, out); }
NATIVE(m_set_isdisjoint) { return relation(vm, "isdisjoint", a, n, 2, out); }
