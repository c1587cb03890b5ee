/*
 * dict.c -- insertion-ordered hash tables (CPython's compact layout): an
 * entries array in insertion order plus an open-addressed index of u32
 * entry numbers.  Deleted entries keep their slot (key tag T_UNBOUND) until
 * the next resize.
 */
#include "vm.h"

DictEntry *dict_entries(VM *vm, Dict *d) { return dict_ents(vm, d); }
static uint32_t *dict_index(VM *vm, Dict *d) { return (uint32_t *)(vm->mem + d->index + sizeof(ObjHdr)); }

/* The first index slot probed for hash h.  Python's hashes of ints are the
 * ints themselves, so keys like multiples of 4096 share their low bits: mix
 * (Fibonacci hashing, the product's high half) so linear probing stays short. */
static inline uint32_t home_slot(uint64_t h, uint32_t mask) {
  return (uint32_t)((h * 0x9e3779b97f4a7c15ull) >> 32) & mask;
}

/* ---- lookups with str and int keys, inline ----
 * Keys of those two types never run user code to hash or compare, so a
 * lookup is decided here unless an equal hash meets a key of another type
 * (True against 1, 1.0 against 1, a bytes key against a str: -1, the caller
 * takes the general path). */
/* The hash of a str or small int key (as value_hash); false for other keys. */
static inline bool fast_key_hash(VM *vm, Value k, uint64_t *h) {
  if (k.tag == T_STR) { *h = str_hash(AS(vm, k, Str)); return true; }
  if (k.tag == T_INT && k.as.i > -(INT64_C(1) << 60) && k.as.i < (INT64_C(1) << 60)) {
    *h = k.as.i == -1 ? (uint64_t)-2 : (uint64_t)k.as.i;
    return true;
  }
  return false;
}

/* Byte equality of two Strs.  Short ones are compared as words: a Str's data
 * area is at least its nbytes + 1 rounded up to 8 bytes (the object size is
 * 8-aligned), so an 8-byte read at data[0] stays inside the object. */
static inline bool str_bytes_eq(const Str *x, const Str *y) {
  uint32_t n = x->nbytes;
  if (n != y->nbytes) return false;
  const uint8_t *a = (const uint8_t *)x->data, *b = (const uint8_t *)y->data;
  if (n <= 8) {
    uint64_t m = n == 8 ? ~0ull : (1ull << (8 * n)) - 1;
    return !((rd64(a) ^ rd64(b)) & m);
  }
  if (n <= 16) return rd64(a) == rd64(b) && rd64(a + n - 8) == rd64(b + n - 8);
  return !memcmp(a, b, n);
}

/* Entry number + 1 of `key` (a str or small int of hash h) in d, 0 if absent
 * (*slot: the empty index slot where it would go), -1 if undecided (an equal
 * hash on a key of another type). */
static inline int64_t dict_probe(VM *vm, Dict *d, Value key, uint64_t h, uint32_t *slot) {
  const uint32_t *ix = dict_index(vm, d);
  DictEntry *ents = dict_ents(vm, d);
  for (uint32_t s = home_slot(h, d->mask);; s = (s + 1) & d->mask) {
    uint32_t e = ix[s];
    if (!e) { *slot = s; return 0; }
    DictEntry *de = &ents[e - 1];
    if (de->hash != h) continue;
    if (de->key.tag == key.tag) {
      if (de->key.as.r == key.as.r) return e;
      if (key.tag == T_STR && str_bytes_eq(AS(vm, de->key, Str), AS(vm, key, Str))) return e;
      if (key.tag == T_STR || key.tag == T_INT) continue;
    }
    if (de->key.tag != T_UNBOUND) return -1;
  }
}

/* (Re)build the storage of the dict at `dr` for `cap` entries, compacting live ones. */
static bool dict_resize(VM *vm, Ref dr, uint32_t cap) {
  uint32_t slots = 8;
  while (slots < cap + cap / 2 + 1) slots <<= 1;
  Ref er, ir;
  if (!heap_raw(vm, (size_t)cap * sizeof(DictEntry), &er)) return false;
  if (!heap_raw(vm, (size_t)slots * 4, &ir)) return false;
  Dict *d = OBJ(vm, dr, Dict);
  DictEntry *old = d->entries ? dict_entries(vm, d) : NULL;
  uint32_t used = d->used;
  d->entries = er;
  d->index = ir;
  d->cap = cap;
  d->mask = slots - 1;
  d->used = 0;
  DictEntry *ne = dict_entries(vm, d);
  uint32_t *ix = dict_index(vm, d);
  for (uint32_t i = 0; i < used; i++) {
    if (old[i].key.tag == T_UNBOUND) continue;
    ne[d->used] = old[i];
    uint32_t s = home_slot(old[i].hash, d->mask);
    while (ix[s]) s = (s + 1) & d->mask;
    ix[s] = ++d->used;
  }
  return true;
}

Ref dict_new(VM *vm, uint32_t cap) {
  Ref r = heap_alloc(vm, T_DICT, sizeof(Dict));
  if (!r) return 0;
  return dict_resize(vm, r, cap < 4 ? 4 : cap) ? r : 0;
}

/* Find `key` (with hash h): index slot in *slot, entry number+1 in the return (0: absent). */
static bool dict_find(VM *vm, Dict *d, Value key, uint64_t h, uint32_t *slot, uint32_t *entry) {
  uint32_t *ix = dict_index(vm, d);
  uint32_t s = home_slot(h, d->mask);
  for (;; s = (s + 1) & d->mask) {
    uint32_t e = ix[s];
    if (!e) { *slot = s; *entry = 0; return true; }
    DictEntry *de = &dict_entries(vm, d)[e - 1];
    if (de->hash == h && de->key.tag != T_UNBOUND) {
      bool eq;
      if (de->key.tag == key.tag && de->key.as.r == key.as.r) eq = true;
      else if (de->key.tag == T_STR && key.tag == T_STR) eq = str_bytes_eq(AS(vm, de->key, Str), AS(vm, key, Str));
      else if (!values_equal(vm, de->key, key, &eq)) return false;
      if (eq) { *slot = s; *entry = e; return true; }
    }
  }
}

/* For the interpreter's handlers (out of line: inlined into run() it costs
 * the other handlers registers): dict_probe() for a str or int key, -1 for
 * any other key or an undecided probe. */
int64_t dict_lookup_fast(VM *vm, Dict *d, Value key) {
  uint64_t h;
  uint32_t slot;
  return fast_key_hash(vm, key, &h) ? dict_probe(vm, d, key, h, &slot) : -1;
}

bool dict_get(VM *vm, Dict *d, Value key, Value *out, bool *found) {
  uint64_t h;
  uint32_t slot, e;
  if (likely(fast_key_hash(vm, key, &h))) {          /* str and int keys: no user code */
    int64_t r = dict_probe(vm, d, key, h, &slot);
    if (likely(r >= 0)) {
      *found = r != 0;
      if (r) *out = dict_entries(vm, d)[r - 1].val;
      return true;
    }
  } else if (!value_hash(vm, key, &h)) return false;
  if (!dict_find(vm, d, key, h, &slot, &e)) return false;
  *found = e != 0;
  if (e) *out = dict_entries(vm, d)[e - 1].val;
  return true;
}

bool dict_set(VM *vm, Value dv, Value key, Value val) {
  uint64_t h;
  uint32_t slot, e;
  Dict *d = AS(vm, dv, Dict);
  int64_t r;
  if (likely(fast_key_hash(vm, key, &h)) && likely((r = dict_probe(vm, d, key, h, &slot)) >= 0)) e = (uint32_t)r;
  else if (!value_hash(vm, key, &h) || !dict_find(vm, d, key, h, &slot, &e)) return false;
  if (e) { dict_entries(vm, d)[e - 1].val = val; return true; }
  if (d->used == d->cap) {
    uint32_t cap = d->len * 2 > d->cap ? d->cap * 2 : d->cap;
    if (cap > 0x4000000u) return exc_raise(vm, E_MemoryError, "");
    if (!dict_resize(vm, (Ref)dv.as.r, cap)) return false;
    d = AS(vm, dv, Dict);
    if (!dict_find(vm, d, key, h, &slot, &e)) return false;
  }
  DictEntry *de = &dict_entries(vm, d)[d->used];
  de->key = key;
  de->val = val;
  de->hash = h;
  dict_index(vm, d)[slot] = ++d->used;
  d->len++;
  return true;
}

bool dict_del(VM *vm, Dict *d, Value key, bool *found) {
  uint64_t h;
  uint32_t slot, e;
  if (!value_hash(vm, key, &h) || !dict_find(vm, d, key, h, &slot, &e)) return false;
  *found = e != 0;
  if (e) {
    dict_entries(vm, d)[e - 1].key = v_unbound();
    d->len--;
  }
  return true;
}
