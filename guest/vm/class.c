/*
 * class.c -- classes, instances and their attributes, and exception objects.
 *
 * A class is a heap Class with a Dict of attributes and one base; a class
 * with several bases keeps instead its whole C3 method resolution order, a
 * Tuple (the class itself, ..., object), in the base field.  So lookups walk
 * the single-base chain until a class with such a tuple, then the tuple
 * (mro_next): single inheritance costs what it did.  The built-in exception classes of exc.def and `object` are
 * made at load time below heap_lo: immortal and immutable.  Instances keep
 * their attributes in slots laid out by their class's layout (the names in
 * the order instances first stored them), or in a Dict when that cannot
 * express them (value.h, docs/vm.md); instances of exception
 * classes carry EXC_SLOTS more Values (args, __cause__, __context__, the
 * traceback entries, __suppress_context__).  Attribute lookups on a class are
 * cached per constant (vm->acache) with the name's slot index; the table is
 * cleared by every collection and by a change to a class an entry may
 * depend on (Class.cached), so a hit tests only the class.
 */
#include "vm.h"
#include "opcodes.h"

static const char *const exc_class_names[] = {
#define EXC(name, parent) #name,
#include "exc.def"
#undef EXC
};
static const int exc_parents[] = {
#define EXC(name, parent) E_##parent,
#include "exc.def"
#undef EXC
};

#define OBJECT_CLASS E__COUNT

static Class *CLS(VM *vm, Ref r) { return OBJ(vm, r, Class); }
static Str *STR(VM *vm, Ref r) { return OBJ(vm, r, Str); }

static bool str_eq(Str *s, const char *c) {
  size_t n = strlen(c);
  return s->nbytes == n && !memcmp(s->data, c, n);
}

/* A new empty class named `name` with base `base` (a Class value or None). */
static Ref class_make(VM *vm, Ref name, Value base, int exc_kind, uint32_t flags) {
  Ref d = dict_new(vm, 4);
  if (!d) return 0;
  Ref r = heap_alloc(vm, T_CLASS, sizeof(Class));
  if (!r) return 0;
  Class *c = CLS(vm, r);
  c->name = c->qualname = name; c->dict = d; c->base = base; c->exc_kind = exc_kind; c->flags = flags;
  c->layout = 0; c->bases = v_none(); c->cached = 0; c->pad = 0;
  return r;
}

static bool put_native(VM *vm, Ref cls, const char *attr, const char *native) {
  int ix = bi_lookup_global(native, strlen(native));
  Value k;
  if (ix < 0) return true;
  if (!str_value(vm, attr, strlen(attr), &k)) return false;
  return dict_set(vm, v_obj(T_DICT, CLS(vm, cls)->dict), k, v_native((uint32_t)ix));
}

static bool dunders_boot(VM *vm);
static bool find_dunder(VM *vm, Value v, int d, Value *fn);
static bool sb_dunder(StrBuf *sb, Value fn, Value self, const char *what);
static bool is_notimpl(VM *vm, Value v);
static Ref vtype_of(VM *vm, Value v);

/* Make `object` and the exception classes (load time, before heap_lo rises). */
bool cls_boot(VM *vm) {
  Ref name = str_new(vm, "object", 6);
  if (!name || !(vm->classes[OBJECT_CLASS] = class_make(vm, name, v_none(), -1, CF_BUILTIN))) return false;
  for (int k = 0; k < E__COUNT; k++) {
    Ref base = k == exc_parents[k] ? vm->classes[OBJECT_CLASS] : vm->classes[exc_parents[k]];
    if (!(name = str_new(vm, exc_class_names[k], strlen(exc_class_names[k])))) return false;
    if (!(vm->classes[k] = class_make(vm, name, v_obj(T_CLASS, base), k, CF_BUILTIN | CF_EXC))) return false;
  }
  if (!put_native(vm, vm->classes[E_BaseException], "__init__", "BaseException.__init__")) return false;
  if (!put_native(vm, vm->classes[OBJECT_CLASS], "__init__", "object.__init__")) return false;
  vm->exc_val = vm->handling = vm->memerr = v_none();
  return dunders_boot(vm);
}

/* Bind global `name` to a built-in class if it names one. */
void cls_builtin_global(VM *vm, Str *name, Value *slot) {
  if (str_eq(name, "NotImplemented")) { *slot = vm->notimpl; return; }
  for (int k = 0; k <= OBJECT_CLASS; k++)
    if (vm->classes[k] && str_eq(name, k == OBJECT_CLASS ? "object" : exc_class_names[k])) {
      *slot = v_obj(T_CLASS, vm->classes[k]);
      return;
    }
}

Ref cls_of(VM *vm, Value v) { return v.tag == T_INSTANCE ? AS(vm, v, Instance)->cls : 0; }

/* Walking a class's method resolution order: the base chain, then the MRO
 * tuple of the first class that has one (multiple inheritance). */
typedef struct MroIt { Ref cls; Value tup; uint32_t i, depth; } MroIt;

static void mro_start(MroIt *it, Ref cls) { it->cls = cls; it->tup = v_none(); it->i = it->depth = 0; }

static Ref mro_next(VM *vm, MroIt *it) {
  if (it->tup.tag == T_TUPLE) {
    Tuple *t = AS(vm, it->tup, Tuple);
    while (it->i < t->len && t->v[it->i].tag != T_CLASS) it->i++;
    return it->i < t->len ? (Ref)t->v[it->i++].as.r : 0;
  }
  Ref c = it->cls;
  if (!c || ++it->depth > 10000) return 0;
  Value b = CLS(vm, c)->base;
  if (b.tag == T_TUPLE) { it->tup = b; it->i = 1; }   /* b.v[0] is c itself */
  it->cls = b.tag == T_CLASS ? (Ref)b.as.r : 0;
  return c;
}

bool cls_is_sub(VM *vm, Ref cls, Ref base) {
  MroIt it;
  mro_start(&it, cls);
  for (Ref c; (c = mro_next(vm, &it));)
    if (c == base) return true;
  return base == vm->classes[OBJECT_CLASS];
}

/* Look `name` (a Str value) up in the own dicts of the classes from `it` on. */
static bool mro_lookup(VM *vm, MroIt *it, Value name, Value *out) {
  for (Ref c; (c = mro_next(vm, it));) {
    bool found;
    if (!dict_get(vm, OBJ(vm, CLS(vm, c)->dict, Dict), name, out, &found)) return false;
    if (found) return true;
  }
  return false;
}

/* Look `name` (a Str value) up along the class's MRO. */
static bool chain_lookup(VM *vm, Ref cls, Value name, Value *out) {
  MroIt it;
  mro_start(&it, cls);
  return mro_lookup(vm, &it, name, out);
}

/* super(cls, obj).name: the MRO of obj's class (obj itself if a class) after cls. */
static bool super_lookup(VM *vm, Wrap *w, Value name, Value *out) {
  Ref start = (Ref)w->a.as.r, oc = w->b.tag == T_CLASS ? (Ref)w->b.as.r : cls_of(vm, w->b), c;
  MroIt it;
  mro_start(&it, oc);
  while ((c = mro_next(vm, &it)) && c != start) {}
  return c && mro_lookup(vm, &it, name, out);
}

bool cls_lookup(VM *vm, Ref cls, Str *name, Value *out) {
  return chain_lookup(vm, cls, v_obj(T_STR, (Ref)((uint8_t *)name - vm->mem)), out);
}

void attr_cache_clear(VM *vm) {
  memset(vm->acache, 0, (size_t)vm->nconsts * sizeof(AttrCache));
  if (++vm->cache_epoch == 0) vm->cache_epoch = 1;   /* 0: a new class, never cached */
}

/* An instance attribute may hide a method from now on: METHOD must look
 * (its hit tests AttrCache.method, filled while vm->shadowed was 0). */
static void set_shadowed(VM *vm) {
  if (!vm->shadowed) { vm->shadowed = 1; attr_cache_clear(vm); }
}

/* Class `cls` changes: forget every cache entry if one may depend on it. */
static void cls_changed(VM *vm, Ref cls) {
  if (CLS(vm, cls)->cached == vm->cache_epoch) attr_cache_clear(vm);
}

/* Class attribute for constant k, through the per-constant cache.  T_UNBOUND: none. */
static Value cached_lookup(VM *vm, Ref cls, uint32_t k) {
  AttrCache *c = &vm->acache[k];
  if (c->cls == cls) return c->v;
  Value v;
  if (!chain_lookup(vm, cls, vm->consts[k], &v)) v = v_unbound();
  MroIt it;                       /* the entry depends on every class of the chain */
  mro_start(&it, cls);
  for (Ref m; (m = mro_next(vm, &it));)
    if (!(CLS(vm, m)->flags & CF_BUILTIN)) CLS(vm, m)->cached = vm->cache_epoch;   /* (built-in: immutable) */
  c->cls = cls; c->v = v;
  c->method = (v.tag == T_FUNC || v.tag == T_CLOSURE) && !vm->shadowed;
  c->slot = ATTR_NOSLOT;          /* found lazily (cached_slot); kept so for a T_WRAP: a descriptor, no fast path */
  c->seen = 0;
  return v;
}

/* ---- instance attributes: slots on the class's layout, or a Dict ----------------- */
#define NOK 0xffffffffu           /* no constant: a name made at run time (getattr(), setattr()) */

static Value *inst_slots(VM *vm, Instance *in) { return OBJ(vm, in->slots, Array)->v; }
static uint32_t layout_len(VM *vm, Ref cls) { Ref t = CLS(vm, cls)->layout; return t ? OBJ(vm, t, Tuple)->len : 0; }

/* The index of `name` in cls's layout from entry `from` on, or -1. */
static int layout_find(VM *vm, Ref cls, Value name, uint32_t from) {
  Ref lt = CLS(vm, cls)->layout;
  if (!lt || name.tag != T_STR) return -1;
  Tuple *t = OBJ(vm, lt, Tuple);
  for (uint32_t j = from; j < t->len; j++) if (t->v[j].as.r == name.as.r) return (int)j;   /* interned constants */
  Str *ns = AS(vm, name, Str);
  for (uint32_t j = from; j < t->len; j++) {
    Str *s = AS(vm, t->v[j], Str);
    if (s->nbytes == ns->nbytes && !memcmp(s->data, ns->data, ns->nbytes)) return (int)j;
  }
  return -1;
}

/* The layout index of K[k] in cls, through the cache (filled for cls by
 * cached_lookup): found once, then kept in `slot` (the interpreter's hit
 * test); while absent, `seen` remembers how much of the layout was searched. */
static int cached_slot(VM *vm, Ref cls, uint32_t k) {
  Value cv = cached_lookup(vm, cls, k);
  AttrCache *c = &vm->acache[k];
  if (c->slot != ATTR_NOSLOT) return (int)c->slot;
  if (cv.tag == T_WRAP) return layout_find(vm, cls, vm->consts[k], 0);
  uint32_t n = layout_len(vm, cls);
  if (c->seen >= n) return -1;
  int j = layout_find(vm, cls, vm->consts[k], c->seen);
  if (j < 0) c->seen = n;
  else c->slot = (uint32_t)j;
  return j;
}

static int inst_index(VM *vm, Ref cls, Value name, uint32_t k) {
  return k != NOK ? cached_slot(vm, cls, k) : layout_find(vm, cls, name, 0);
}

/* The instance attribute `name` (K[k], or k == NOK): *found, *out. */
static bool inst_get(VM *vm, Value obj, Value name, uint32_t k, Value *out, bool *found) {
  Instance *in = AS(vm, obj, Instance);
  *found = false;
  if (in->dict) return dict_get(vm, OBJ(vm, in->dict, Dict), name, out, found);
  if (!in->nslots) return true;
  int j = inst_index(vm, in->cls, name, k);
  if (j < 0 || (uint32_t)j >= in->nslots || inst_slots(vm, in)[j].tag == T_UNBOUND) return true;
  *out = inst_slots(vm, in)[j];
  *found = true;
  return true;
}

/* Switch the instance to dict mode (its attributes in their order). */
static bool inst_to_dict(VM *vm, Value obj) {
  Instance *in = AS(vm, obj, Instance);
  if (in->dict) return true;
  Ref d = dict_new(vm, in->nslots);
  if (!d) return false;
  for (uint32_t j = 0; j < in->nslots; j++) {      /* allocation never collects: in stays valid */
    Value v = inst_slots(vm, in)[j];
    if (v.tag != T_UNBOUND && !dict_set(vm, v_obj(T_DICT, d), OBJ(vm, CLS(vm, in->cls)->layout, Tuple)->v[j], v)) return false;
  }
  in->dict = d; in->slots = 0; in->nslots = 0;
  return true;
}

/* Append `name` to cls's layout: its index, -1 when the layout is full, -2 on MemoryError. */
static int layout_add(VM *vm, Ref cls, Value name) {
  uint32_t n = layout_len(vm, cls);
  if (n >= LAYOUT_MAX) return -1;
  Ref t = tuple_new(vm, n + 1);
  if (!t) return -2;
  Class *c = CLS(vm, cls);
  if (n) memcpy(OBJ(vm, t, Tuple)->v, OBJ(vm, c->layout, Tuple)->v, n * sizeof(Value));
  OBJ(vm, t, Tuple)->v[n] = name;
  c->layout = t;
  return (int)n;
}

/* An Array for `cap` slots (the instance's class's layout so far at least). */
static Ref slots_new(VM *vm, uint32_t cap) {
  return heap_alloc(vm, T_ARRAY, sizeof(ObjHdr) + (size_t)cap * sizeof(Value));
}

/* Room for `need` slots. */
static bool inst_reserve(VM *vm, Value obj, uint32_t need) {
  Instance *in = AS(vm, obj, Instance);
  uint32_t cap = in->slots ? (OBJ(vm, in->slots, ObjHdr)->size - (uint32_t)sizeof(ObjHdr)) / (uint32_t)sizeof(Value) : 0;
  if (need <= cap) return true;
  uint32_t n = layout_len(vm, in->cls);
  if (n < 2 * cap) n = 2 * cap < LAYOUT_MAX ? 2 * cap : LAYOUT_MAX;
  if (n < need) n = need;
  Ref s = slots_new(vm, n);
  if (!s) return false;
  if (in->nslots) memcpy(OBJ(vm, s, Array)->v, inst_slots(vm, in), in->nslots * sizeof(Value));
  in->slots = s;
  return true;
}

/* obj.name = val (K[k], or k == NOK) in the instance itself. */
static bool inst_set(VM *vm, Value obj, Value name, uint32_t k, Value val) {
  Instance *in = AS(vm, obj, Instance);
  if (!in->dict && name.tag == T_STR && !(CLS(vm, in->cls)->flags & CF_BUILTIN)) {
    int j = inst_index(vm, in->cls, name, k);
    if (j >= 0 && (uint32_t)j < in->nslots) {
      Value *s = inst_slots(vm, in) + j;
      if (s->tag != T_UNBOUND) { *s = val; return true; }
      /* a hole (never stored, or deleted): storing it now would put it before later ones */
    } else {
      if (j < 0 && (j = layout_add(vm, in->cls, name)) == -2) return false;
      if (j >= 0) {                                  /* after every present one: their order holds */
        if (!inst_reserve(vm, obj, (uint32_t)j + 1)) return false;
        Value *s = inst_slots(vm, in);
        for (uint32_t x = in->nslots; x < (uint32_t)j; x++) s[x] = v_unbound();
        s[j] = val;
        in->nslots = (uint32_t)j + 1;
        return true;
      }
    }
  }
  if (!inst_to_dict(vm, obj)) return false;
  return dict_set(vm, v_obj(T_DICT, AS(vm, obj, Instance)->dict), name, val);
}

/* del obj.name (K[k], or NOK) in the instance itself: *found. */
static bool inst_del(VM *vm, Value obj, Value name, uint32_t k, bool *found) {
  Instance *in = AS(vm, obj, Instance);
  *found = false;
  if (in->dict) return dict_del(vm, OBJ(vm, in->dict, Dict), name, found);
  if (!in->nslots) return true;
  int j = inst_index(vm, in->cls, name, k);
  if (j < 0 || (uint32_t)j >= in->nslots) return true;
  Value *s = inst_slots(vm, in);
  if (s[j].tag == T_UNBOUND) return true;
  s[j] = v_unbound();                              /* a hole: the others keep their order */
  while (in->nslots && s[in->nslots - 1].tag == T_UNBOUND) in->nslots--;
  *found = true;
  return true;
}

/* A new instance of the user class cls, with slots for its layout so far. */
Ref inst_new(VM *vm, Ref cls) {
  uint32_t n = layout_len(vm, cls);
  Ref s = n ? slots_new(vm, n) : 0;
  if (n && !s) return 0;
  Ref r = heap_alloc(vm, T_INSTANCE, sizeof(Instance));
  if (!r) return 0;
  Instance *in = OBJ(vm, r, Instance);
  in->cls = cls;
  in->slots = s;
  return r;
}

void cls_mark_used(VM *vm, Ref cls) {
  MroIt it;
  mro_start(&it, cls);
  for (Ref c; (c = mro_next(vm, &it)) && !(CLS(vm, c)->flags & CF_USED);)
    if (!(CLS(vm, c)->flags & CF_BUILTIN)) CLS(vm, c)->flags |= CF_USED;
}

/* C3 linearization for `class C(b0, b1, ...)` (bases a Tuple of classes), as
 * CPython's mro_implementation: merge the bases' MROs and the list of bases.
 * The result (without C) goes to mro[], its length to *n.  Scratch space is
 * static: no code runs in here. */
enum { MRO_MAX = 128, MRO_BASES = 16 };
static Ref mro_seq[MRO_BASES + 1][MRO_MAX];
static uint32_t mro_len[MRO_BASES + 1], mro_pos[MRO_BASES + 1];

static bool c3(VM *vm, Value bases, Ref *mro, uint32_t *n) {
  Tuple *bt = AS(vm, bases, Tuple);
  uint32_t nb = bt->len, ns = nb + 1;
  if (nb > MRO_BASES) return exc_raise(vm, E_NotImplementedError, "more than %d base classes", (int64_t)MRO_BASES);
  for (uint32_t k = 0; k < nb; k++) {
    MroIt it;
    mro_len[k] = mro_pos[k] = 0;
    mro_start(&it, (Ref)bt->v[k].as.r);
    for (Ref c; (c = mro_next(vm, &it));) {
      if (mro_len[k] == MRO_MAX) return exc_raise(vm, E_NotImplementedError, "a class hierarchy deeper than %d classes", (int64_t)MRO_MAX);
      mro_seq[k][mro_len[k]++] = c;
    }
  }
  for (uint32_t k = 0; k < nb; k++) mro_seq[nb][k] = (Ref)bt->v[k].as.r;
  mro_len[nb] = nb; mro_pos[nb] = 0;
  *n = 0;
  for (;;) {
    bool left = false;
    Ref pick = 0;
    for (uint32_t s = 0; s < ns && !pick; s++) {
      if (mro_pos[s] == mro_len[s]) continue;
      left = true;
      Ref cand = mro_seq[s][mro_pos[s]];
      bool in_tail = false;
      for (uint32_t o = 0; o < ns && !in_tail; o++)
        for (uint32_t j = mro_pos[o] + 1; j < mro_len[o]; j++)
          if (mro_seq[o][j] == cand) { in_tail = true; break; }
      if (!in_tail) pick = cand;
    }
    if (!left) return true;
    if (!pick) {                                   /* CPython's message names the bases */
      StrBuf sb;
      Value msg;
      sb_begin(vm, &sb);
      static const char head[] = "Cannot create a consistent method resolution\norder (MRO) for bases ";   /* CPython's text */
      sb_put(&sb, head, sizeof head - 1);
      bool first = true;
      for (uint32_t s = 0; s < nb; s++) {
        if (mro_pos[s] == mro_len[s]) continue;
        if (!first) sb_put(&sb, ", ", 2);
        first = false;
        Str *nm = STR(vm, CLS(vm, mro_seq[s][mro_pos[s]])->name);
        sb_put(&sb, nm->data, nm->nbytes);
      }
      if (!sb_end(&sb, &msg)) return false;
      return exc_raise(vm, E_TypeError, "%S", AS(vm, msg, Str));
    }
    if (*n == MRO_MAX) return exc_raise(vm, E_NotImplementedError, "a class hierarchy deeper than %d classes", (int64_t)MRO_MAX);
    mro[(*n)++] = pick;
    for (uint32_t s = 0; s < ns; s++)
      if (mro_pos[s] < mro_len[s] && mro_seq[s][mro_pos[s]] == pick) mro_pos[s]++;
  }
}

static bool check_base(VM *vm, Value base) {
  if (base.tag == T_NATIVE)                        /* list, dict, int...: not classes in Drift */
    return exc_raise(vm, E_NotImplementedError, "subclassing the built-in type '%s' is not supported", bi_natives[base.as.i].name);
  if (base.tag != T_CLASS) return exc_raise(vm, E_TypeError, "bases must be types");
  return true;
}

/* class name(b0, b1, ...): bases a Tuple of two or more. */
static bool cls_new_multi(VM *vm, Ref name, Ref qual, Value bases, Value *out) {
  static Ref mro[MRO_MAX];
  uint32_t n = 0, nb = AS(vm, bases, Tuple)->len;
  for (uint32_t k = 0; k < nb; k++) {
    Value b = AS(vm, bases, Tuple)->v[k];
    if (b.tag != T_CLASS && b.tag != T_NATIVE)     /* CPython's message: type(b) is not a metaclass */
      return exc_raise(vm, E_TypeError, "metaclass conflict: the metaclass of a derived class must be a (non-strict) subclass "
                                        "of the metaclasses of all its bases");
    if (!check_base(vm, b)) return false;
    for (uint32_t j = 0; j < k; j++)
      if (AS(vm, bases, Tuple)->v[j].as.r == b.as.r)
        return exc_raise(vm, E_TypeError, "duplicate base class %S", STR(vm, AS(vm, b, Class)->name));
  }
  if (!c3(vm, bases, mro, &n)) return false;
  int kind = -1;
  uint32_t flags = 0;
  for (uint32_t k = 0; k < n; k++) {
    flags |= CLS(vm, mro[k])->flags & CF_EXC;
    if (kind < 0) kind = CLS(vm, mro[k])->exc_kind;
  }
  Ref r = class_make(vm, name, v_none(), kind, flags);
  Ref t = r ? tuple_new(vm, n + 1) : 0;
  if (!t) return false;
  CLS(vm, r)->qualname = qual;
  CLS(vm, r)->bases = bases;
  Tuple *tu = OBJ(vm, t, Tuple);
  tu->v[0] = v_obj(T_CLASS, r);
  for (uint32_t k = 0; k < n; k++) tu->v[k + 1] = v_obj(T_CLASS, mro[k]);
  CLS(vm, r)->base = v_obj(T_TUPLE, t);
  *out = v_obj(T_CLASS, r);
  return true;
}

/* A class's __mro__: a new tuple of its MRO. */
static bool cls_mro_tuple(VM *vm, Ref cls, Value *out) {
  MroIt it;
  uint32_t n = 0;
  mro_start(&it, cls);
  while (mro_next(vm, &it)) n++;
  Ref t = tuple_new(vm, n + 1);
  if (!t) return false;
  mro_start(&it, cls);
  uint32_t k = 0;
  for (Ref c; (c = mro_next(vm, &it)) && k < n;) OBJ(vm, t, Tuple)->v[k++] = v_obj(T_CLASS, c);
  Value last = k ? OBJ(vm, t, Tuple)->v[k - 1] : v_none();
  if (last.tag == T_CLASS && (Ref)last.as.r == vm->classes[OBJECT_CLASS]) OBJ(vm, t, Tuple)->len = k;
  else OBJ(vm, t, Tuple)->v[k++] = v_obj(T_CLASS, vm->classes[OBJECT_CLASS]), OBJ(vm, t, Tuple)->len = k;
  *out = v_obj(T_TUPLE, t);
  return true;
}

/* class statement: `qual` is the class's __qualname__ ("f.<locals>.C", "A.B" or just "C");
 * its __name__ is the part after the last dot. */
bool cls_new(VM *vm, Str *qual, Value base, Value *out) {
  int kind = -1;
  uint32_t flags = 0;
  Ref qr = (Ref)((uint8_t *)qual - vm->mem), nr = qr;
  uint32_t dot = qual->nbytes;
  while (dot > 0 && qual->data[dot - 1] != '.') dot--;
  if (dot && !(nr = str_new(vm, (const char *)qual->data + dot, qual->nbytes - dot)))
    return exc_raise(vm, E_MemoryError, "");
  if (base.tag == T_TUPLE && AS(vm, base, Tuple)->len == 1) base = AS(vm, base, Tuple)->v[0];
  if (base.tag == T_TUPLE && AS(vm, base, Tuple)->len > 1) return cls_new_multi(vm, nr, qr, base, out);
  if (base.tag == T_NONE || base.tag == T_TUPLE) base = v_obj(T_CLASS, vm->classes[OBJECT_CLASS]);
  if (base.tag == T_NATIVE)                        /* list, dict, int...: not classes in Drift */
    return exc_raise(vm, E_NotImplementedError, "subclassing the built-in type '%s' is not supported", bi_natives[base.as.i].name);
  if (base.tag != T_CLASS) return exc_raise(vm, E_TypeError, "bases must be types");
  Class *b = AS(vm, base, Class);
  kind = b->exc_kind;
  flags = b->flags & CF_EXC;
  Ref r = class_make(vm, nr, base, kind, flags);
  if (!r) return false;
  CLS(vm, r)->qualname = qr;
  *out = v_obj(T_CLASS, r);
  return true;
}

const char *cls_name(VM *vm, Value v) {
  if (v.tag == T_INSTANCE) return STR(vm, CLS(vm, AS(vm, v, Instance)->cls)->name)->data;
  return type_name(v);
}

bool wrap_new(VM *vm, uint32_t kind, Value a, Value b, Value *out) {
  Ref r = heap_alloc(vm, T_WRAP, sizeof(Wrap));
  if (!r) return false;
  Wrap *w = OBJ(vm, r, Wrap);
  w->kind = kind; w->a = a; w->b = b;
  *out = v_obj(T_WRAP, r);
  return true;
}

/* ---- exceptions ------------------------------------------------------------- */
bool exc_new(VM *vm, Ref cls, Value *args, int nargs, Value *out) {
  Ref t = tuple_new(vm, (uint32_t)nargs);
  if (!t) return false;
  if (nargs) memcpy(OBJ(vm, t, Tuple)->v, args, (size_t)nargs * sizeof(Value));
  Ref r = heap_alloc(vm, T_INSTANCE, sizeof(Instance) + EXC_SLOTS * sizeof(Value));
  if (!r) return false;
  Instance *in = OBJ(vm, r, Instance);
  in->cls = cls;
  if (!(CLS(vm, cls)->flags & CF_BUILTIN)) cls_mark_used(vm, cls);
  in->x[EX_ARGS] = v_obj(T_TUPLE, t);
  in->x[EX_CAUSE] = in->x[EX_CONTEXT] = in->x[EX_TB] = v_none();
  in->x[EX_SUPPRESS] = v_bool(false);
  *out = v_obj(T_INSTANCE, r);
  return true;
}

bool exc_is_instance(VM *vm, Value v) {
  return v.tag == T_INSTANCE && (CLS(vm, AS(vm, v, Instance)->cls)->flags & CF_EXC);
}

/* Make `exc` (an exception instance or class) the pending exception.  Always false. */
bool exc_set_pending(VM *vm, Value exc) {
  if (exc.tag == T_CLASS && (AS(vm, exc, Class)->flags & CF_EXC)) {   /* raise C: C() */
    Value inst, init, r;
    if (!exc_new(vm, (Ref)exc.as.r, NULL, 0, &inst)) return false;
    if (chain_lookup(vm, (Ref)exc.as.r, v_obj(T_STR, vm->dunders[D_init]), &init) && init.tag != T_NATIVE) {
      vm->gc_hold++;
      bool ok = vm_call(vm, init, &inst, 1, &r);
      vm->gc_hold--;
      if (!ok) return false;
      if (r.tag != T_NONE) return exc_raise(vm, E_TypeError, "__init__() should return None, not '%T'", r);
    }
    exc = inst;
  }
  if (!exc_is_instance(vm, exc)) return exc_raise(vm, E_TypeError, "exceptions must derive from BaseException");
  vm->exc = CLS(vm, AS(vm, exc, Instance)->cls)->exc_kind;
  vm->exc_val = exc;
  return false;
}

bool exc_matches(VM *vm, Value exc, Value what, bool *res) {
  *res = false;
  if (what.tag == T_TUPLE) {
    Tuple *t = AS(vm, what, Tuple);
    for (uint32_t i = 0; i < t->len && !*res; i++)
      if (!exc_matches(vm, exc, AS(vm, what, Tuple)->v[i], res)) return false;
    return true;
  }
  if (what.tag != T_CLASS || !(AS(vm, what, Class)->flags & CF_EXC))
    return exc_raise(vm, E_TypeError, "catching classes that do not inherit from BaseException is not allowed");
  *res = cls_is_sub(vm, cls_of(vm, exc), (Ref)what.as.r);
  return true;
}

/* Append a traceback entry (func, pc) to the pending exception; on
 * MemoryError the entry is dropped and the pending exception kept. */
void exc_add_tb(VM *vm, uint32_t func, uint32_t pc) {
  if (!exc_is_instance(vm, vm->exc_val)) return;
  int kind = vm->exc;
  Value ev = vm->exc_val;
  Instance *in = AS(vm, ev, Instance);
  if (in->x[EX_TB].tag != T_LIST) {
    Ref l = list_new(vm, 4);
    if (!l) goto out;
    AS(vm, ev, Instance)->x[EX_TB] = v_obj(T_LIST, l);
  }
  list_append(vm, AS(vm, ev, Instance)->x[EX_TB], v_int((int64_t)func << 32 | pc));
out:
  vm->exc = kind;
  vm->exc_val = ev;
}

/* str() of an exception with the built-in behaviour: '' / str(arg) / repr(args);
 * KeyError with one argument: repr(arg). */
bool exc_str(StrBuf *sb, Value exc) {
  VM *vm = sb->vm;
  Instance *in = AS(vm, exc, Instance);
  Tuple *t = AS(vm, in->x[EX_ARGS], Tuple);
  if (in->x[EX_ARGS].tag != T_TUPLE) return sb_str(sb, in->x[EX_ARGS]);
  if (t->len == 0) return true;
  if (t->len == 1) {
    if (cls_is_sub(vm, in->cls, vm->classes[E_KeyError])) return sb_repr(sb, t->v[0]);
    return sb_str(sb, t->v[0]);
  }
  return sb_repr(sb, in->x[EX_ARGS]);
}

/* ---- attributes ---------------------------------------------------------------- */
static bool is_wrap(VM *vm, Value v, uint32_t kind) { return v.tag == T_WRAP && AS(vm, v, Wrap)->kind == kind; }

/* A property (W_PROPERTY: a the getter; b the setter (None: none), or a tuple
 * (setter, deleter) once it has a deleter). */
static Value prop_fn(VM *vm, Value prop, int which) {   /* 0: the setter, 1: the deleter (None: none) */
  Value b = AS(vm, prop, Wrap)->b;
  if (b.tag == T_TUPLE) return AS(vm, b, Tuple)->len == 2 ? AS(vm, b, Tuple)->v[which] : v_none();
  return which ? v_none() : b;
}

/* Special attributes of instances and classes that are not in any dict. */
static bool special_attr(VM *vm, Value obj, Str *name, Value *out) {
  if (obj.tag == T_INSTANCE) {
    Instance *in = AS(vm, obj, Instance);
    if (str_eq(name, "__class__")) { *out = v_obj(T_CLASS, in->cls); return true; }
    if (str_eq(name, "__dict__")) {                 /* the attribute dict itself: writes through it may shadow */
      if (!inst_to_dict(vm, obj)) return false;    /* for good: the dict is the instance's from now on */
      set_shadowed(vm);
      *out = v_obj(T_DICT, AS(vm, obj, Instance)->dict);
      return true;
    }
    if (CLS(vm, in->cls)->flags & CF_EXC) {
      if (str_eq(name, "args")) { *out = in->x[EX_ARGS]; return true; }
      if (str_eq(name, "value") && cls_is_sub(vm, in->cls, vm->classes[E_StopIteration])) {   /* StopIteration.value */
        Value args = in->x[EX_ARGS];
        *out = args.tag == T_TUPLE && AS(vm, args, Tuple)->len ? AS(vm, args, Tuple)->v[0] : v_none();
        return true;
      }
      if (str_eq(name, "__cause__")) { *out = in->x[EX_CAUSE]; return true; }
      if (str_eq(name, "__context__")) { *out = in->x[EX_CONTEXT]; return true; }
      if (str_eq(name, "__suppress_context__")) { *out = in->x[EX_SUPPRESS]; return true; }
      if (str_eq(name, "__traceback__")) { *out = v_none(); return true; }
      if (str_eq(name, "code") && cls_is_sub(vm, in->cls, vm->classes[E_SystemExit])) {   /* SystemExit.code */
        Tuple *t = AS(vm, in->x[EX_ARGS], Tuple);
        *out = in->x[EX_ARGS].tag != T_TUPLE ? in->x[EX_ARGS] : t->len == 0 ? v_none() : t->len == 1 ? t->v[0] : in->x[EX_ARGS];
        return true;
      }
    }
  } else if (obj.tag == T_CLASS) {
    Class *c = AS(vm, obj, Class);
    if (str_eq(name, "__name__")) { *out = v_obj(T_STR, c->name); return true; }
    if (str_eq(name, "__qualname__")) { *out = v_obj(T_STR, c->qualname); return true; }
    if (str_eq(name, "__bases__")) {              /* the direct bases, a tuple */
      if (c->bases.tag == T_TUPLE) { *out = c->bases; return true; }
      Value b = c->base;
      Ref t = tuple_new(vm, b.tag == T_CLASS ? 1 : 0);
      if (!t) return false;
      if (b.tag == T_CLASS) OBJ(vm, t, Tuple)->v[0] = b;
      *out = v_obj(T_TUPLE, t);
      return true;
    }
    if (str_eq(name, "__base__")) { *out = c->base.tag == T_TUPLE ? AS(vm, c->base, Tuple)->v[1] : c->base; return true; }
    if (str_eq(name, "__mro__")) return cls_mro_tuple(vm, (Ref)obj.as.r, out);
  } else if (obj.tag == T_NATIVE && str_eq(name, "__name__")) {
    const char *n = bi_natives[obj.as.i].name;
    return str_value(vm, n, strlen(n), out);
  } else if (obj.tag == T_FUNC || obj.tag == T_CLOSURE || obj.tag == T_GEN) {
    uint32_t fi = obj.tag == T_FUNC ? (uint32_t)obj.as.i : obj.tag == T_CLOSURE ? AS(vm, obj, FuncObj)->func : AS(vm, obj, Gen)->func;
    if (str_eq(name, "__name__")) { *out = v_obj(T_STR, vm->strings[vm->funcs[fi].name]); return true; }
    if (str_eq(name, "__qualname__")) { *out = v_obj(T_STR, vm->strings[vm->funcs[fi].qualname]); return true; }
  }
  return false;
}

/* A class attribute that binds to the instance it is read through: a function
 * or a built-in method (object.__init__, BaseException.__init__, a method of a
 * built-in type).  A built-in function (len, str, math.sqrt...) does not: in
 * CPython these are not descriptors, so `f = len` in a class body makes
 * `obj.f(x)` call len(x). */
static bool is_callable_fn(Value v) {
  if (v.tag == T_FUNC || v.tag == T_CLOSURE) return true;
  if (v.tag != T_NATIVE) return false;
  const Native *nt = &bi_natives[v.as.i];
  return nt->self_type || nt->fn == bi_object_init || nt->fn == bi_exc_init;
}

/* getattr(obj, K[k]).  Returns 1 with the value in *out, 2 when *out is a
 * property getter to call with obj, 0 on error. */
int obj_getattr(VM *vm, Value obj, uint32_t k, Value *out) {
  Value name = vm->consts[k], v;
  Str *ns = AS(vm, name, Str);
  bool found;
  if (obj.tag == T_INSTANCE) {
    Ref cls = AS(vm, obj, Instance)->cls;
    Value cv = cached_lookup(vm, cls, k);
    if (is_wrap(vm, cv, W_PROPERTY)) { *out = AS(vm, cv, Wrap)->a; return 2; }
    if (!inst_get(vm, obj, name, k, out, &found)) return 0;
    if (found) return 1;
    if (cv.tag == T_UNBOUND) {
      if (special_attr(vm, obj, ns, out)) return 1;
      exc_raise(vm, E_AttributeError, "'%s' object has no attribute '%S'", cls_name(vm, obj), ns);
      return 0;
    }
    if (is_callable_fn(cv)) return wrap_new(vm, W_BOUND, obj, cv, out) ? 1 : 0;
    if (is_wrap(vm, cv, W_STATIC)) { *out = AS(vm, cv, Wrap)->a; return 1; }
    if (is_wrap(vm, cv, W_CLASSMETHOD)) return wrap_new(vm, W_BOUND, v_obj(T_CLASS, cls), AS(vm, cv, Wrap)->a, out) ? 1 : 0;
    *out = cv;
    return 1;
  }
  if (obj.tag == T_CLASS) {
    if (special_attr(vm, obj, ns, out)) return 1;
    v = cached_lookup(vm, (Ref)obj.as.r, k);
    if (v.tag == T_UNBOUND) {
      exc_raise(vm, E_AttributeError, "type object '%S' has no attribute '%S'", STR(vm, AS(vm, obj, Class)->name), ns);
      return 0;
    }
    if (is_wrap(vm, v, W_STATIC)) { *out = AS(vm, v, Wrap)->a; return 1; }
    if (is_wrap(vm, v, W_CLASSMETHOD)) return wrap_new(vm, W_BOUND, obj, AS(vm, v, Wrap)->a, out) ? 1 : 0;
    *out = v;
    return 1;
  }
  if (is_wrap(vm, obj, W_SUPER)) {
    Wrap *w = AS(vm, obj, Wrap);
    Value self = w->b;
    if (super_lookup(vm, w, name, &v)) {
      if (is_callable_fn(v)) return wrap_new(vm, W_BOUND, self, v, out) ? 1 : 0;
      if (is_wrap(vm, v, W_STATIC)) { *out = AS(vm, v, Wrap)->a; return 1; }
      if (is_wrap(vm, v, W_CLASSMETHOD))
        return wrap_new(vm, W_BOUND, self.tag == T_CLASS ? self : v_obj(T_CLASS, cls_of(vm, self)), AS(vm, v, Wrap)->a, out) ? 1 : 0;
      if (is_wrap(vm, v, W_PROPERTY)) { *out = AS(vm, v, Wrap)->a; return 2; }
      *out = v;
      return 1;
    }
    exc_raise(vm, E_AttributeError, "'super' object has no attribute '%S'", ns);
    return 0;
  }
  if (special_attr(vm, obj, ns, out)) return 1;
  int ix = bi_lookup_method(obj.tag, ns->data, ns->nbytes);    /* a built-in method as a value */
  if (ix >= 0) return wrap_new(vm, W_BOUND, obj, v_native((uint32_t)ix), out) ? 1 : 0;
  exc_raise(vm, E_AttributeError, "'%T' object has no attribute '%S'", obj, ns);
  return 0;
}

/* getattr by a run-time name (getattr/hasattr builtins): properties are not called. */
bool obj_getattr_str(VM *vm, Value obj, Str *name, Value *out, bool *found) {
  Value nv = v_obj(T_STR, (Ref)((uint8_t *)name - vm->mem)), v;
  *found = true;
  if (special_attr(vm, obj, name, out)) return true;
  if (obj.tag == T_INSTANCE) {
    if (!inst_get(vm, obj, nv, NOK, out, found)) return false;
    if (*found) return true;
    *found = chain_lookup(vm, AS(vm, obj, Instance)->cls, nv, &v);
    if (!*found) return true;
    if (is_callable_fn(v)) return wrap_new(vm, W_BOUND, obj, v, out);
    if (is_wrap(vm, v, W_STATIC)) { *out = AS(vm, v, Wrap)->a; return true; }
    *out = v;
    return true;
  }
  if (obj.tag == T_CLASS) {
    *found = chain_lookup(vm, (Ref)obj.as.r, nv, out);
    if (*found && (is_wrap(vm, *out, W_STATIC))) *out = AS(vm, *out, Wrap)->a;
    return true;
  }
  *found = false;
  return true;
}

/* Method lookup for METHOD on an instance, class or super object.  Returns 1
 * when *fn is to be called with *self first (*self may change: classmethods,
 * super), 2 when *fn is called without it, 0 on error. */
static bool call_held(VM *vm, Value fn, Value self, Value *args, int nargs, Value *out);

int obj_method(VM *vm, Value *self, uint32_t k, Value *fn) {
  Value obj = *self, name = vm->consts[k], v;
  bool found;
  if (obj.tag == T_INSTANCE) {
    Ref cls = AS(vm, obj, Instance)->cls;
    Value cv = cached_lookup(vm, cls, k);
    if (vm->shadowed && !is_wrap(vm, cv, W_PROPERTY)) {
      if (!inst_get(vm, obj, name, k, fn, &found)) return 0;
      if (found) return 2;
    }
    if (is_callable_fn(cv)) { *fn = cv; return 1; }
    if (is_wrap(vm, cv, W_STATIC)) { *fn = AS(vm, cv, Wrap)->a; return 2; }
    if (is_wrap(vm, cv, W_CLASSMETHOD)) { *fn = AS(vm, cv, Wrap)->a; *self = v_obj(T_CLASS, cls); return 1; }
    if (cv.tag == T_UNBOUND || is_wrap(vm, cv, W_PROPERTY)) {
      int r = obj_getattr(vm, obj, k, fn);
      if (r == 2) return call_held(vm, *fn, obj, NULL, 0, fn) ? 2 : 0;   /* obj.prop(...): the getter's value is called */
      return r ? 2 : 0;
    }
    *fn = cv;
    return 2;
  }
  if (obj.tag == T_CLASS) {
    if (!special_attr(vm, obj, AS(vm, name, Str), &v)) {
      v = cached_lookup(vm, (Ref)obj.as.r, k);
      if (is_wrap(vm, v, W_CLASSMETHOD)) { *fn = AS(vm, v, Wrap)->a; return 1; }
    }
    int r = obj_getattr(vm, obj, k, fn);
    return r ? 2 : 0;
  }
  if (is_wrap(vm, obj, W_SUPER)) {
    Wrap *w = AS(vm, obj, Wrap);
    Value s = w->b;
    if (super_lookup(vm, w, name, &v)) {
      if (is_callable_fn(v)) { *fn = v; *self = s; return 1; }
      if (is_wrap(vm, v, W_CLASSMETHOD)) {
        *fn = AS(vm, v, Wrap)->a;
        *self = s.tag == T_CLASS ? s : v_obj(T_CLASS, cls_of(vm, s));
        return 1;
      }
    }
    int r = obj_getattr(vm, obj, k, fn);
    return r == 1 ? 2 : 0;
  }
  int r = obj_getattr(vm, obj, k, fn);
  if (r == 2) return call_held(vm, *fn, obj, NULL, 0, fn) ? 2 : 0;
  return r ? 2 : 0;
}

/* setattr(obj, K[k], val).  1 done, 2 call *setter(obj, val), 0 error. */
int obj_setattr(VM *vm, Value obj, uint32_t k, Value val, Value *setter) {
  Value name = vm->consts[k];
  Str *ns = AS(vm, name, Str);
  if (obj.tag == T_INSTANCE) {
    Ref cls = AS(vm, obj, Instance)->cls;
    Value cv = cached_lookup(vm, cls, k);
    if (is_wrap(vm, cv, W_PROPERTY)) {
      *setter = prop_fn(vm, cv, 0);
      if (setter->tag == T_NONE) {
        exc_raise(vm, E_AttributeError, "property '%S' of '%s' object has no setter", ns, cls_name(vm, obj));
        return 0;
      }
      return 2;
    }
    if (CLS(vm, cls)->flags & CF_EXC) {
      Instance *in = AS(vm, obj, Instance);
      if (str_eq(ns, "__cause__")) { in->x[EX_CAUSE] = val; in->x[EX_SUPPRESS] = v_bool(true); return 1; }
      if (str_eq(ns, "__context__")) { in->x[EX_CONTEXT] = val; return 1; }
      if (str_eq(ns, "args")) {
        if (val.tag != T_TUPLE) { exc_raise(vm, E_TypeError, "exception args must be a tuple here"); return 0; }
        in->x[EX_ARGS] = val;
        return 1;
      }
    }
    if (cv.tag != T_UNBOUND) set_shadowed(vm);
    return inst_set(vm, obj, name, k, val) ? 1 : 0;
  }
  if (obj.tag == T_CLASS) {
    Class *c = AS(vm, obj, Class);
    if (c->flags & CF_BUILTIN) {
      exc_raise(vm, E_TypeError, "cannot set '%S' attribute of immutable type '%S'", ns, STR(vm, c->name));
      return 0;
    }
    if (c->flags & CF_USED) set_shadowed(vm);
    cls_changed(vm, (Ref)obj.as.r);
    return dict_set(vm, v_obj(T_DICT, c->dict), name, val) ? 1 : 0;
  }
  exc_raise(vm, E_AttributeError, "'%T' object has no attribute '%S'", obj, ns);
  return 0;
}

/* ---- type() and isinstance() ------------------------------------------------------ */
static bool cstr_eq(const char *a, const char *b) { return strlen(a) == strlen(b) && !memcmp(a, b, strlen(a)); }

/* A built-in type that is a native (`int`, `str`, ...; `object` and the
 * exception classes are classes): its name, or 0. */
static const char *native_type(Value v) {
  static const char *const types[] = {"int", "float", "str", "list", "tuple", "dict", "bool", "range", "set",
                                      "frozenset", "bytes", "bytearray", "type", "complex", "slice"};
  if (v.tag != T_NATIVE || bi_natives[v.as.i].self_type) return 0;
  const char *n = bi_natives[v.as.i].name;
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
    if (cstr_eq(types[i], n)) return n;
  return 0;
}

bool obj_type(VM *vm, Value v, Value *out) {
  if (v.tag == T_INSTANCE) { *out = v_obj(T_CLASS, AS(vm, v, Instance)->cls); return true; }
  const char *n = v.tag == T_CLASS || native_type(v) ? "type" : type_name(v);
  int ix = bi_lookup_global(n, strlen(n));
  if (ix < 0) {
    Ref vt = vtype_of(vm, v);
    if (vt) { *out = v_obj(T_CLASS, vt); return true; }
    return exc_raise(vm, E_NotImplementedError, "type() of a '%s' value", n);
  }
  *out = v_native((uint32_t)ix);
  return true;
}

/* Nesting depth of tuples of classes in isinstance()/issubclass() (RecursionError
 * past 200, as deeper() in object.c: the guest's C stack is small). */
static int class_tuple_depth;

static bool tuple_deeper(VM *vm, const char *check) {
  if (class_tuple_depth >= 200) return exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded in %s", check);
  class_tuple_depth++;
  return true;
}

bool obj_isinstance(VM *vm, Value v, Value cls, bool *res) {
  *res = false;
  if (cls.tag == T_TUPLE) {
    if (!tuple_deeper(vm, "__instancecheck__")) return false;
    bool ok = true;
    for (uint32_t i = 0; ok && i < AS(vm, cls, Tuple)->len && !*res; i++)
      ok = obj_isinstance(vm, v, AS(vm, cls, Tuple)->v[i], res);
    class_tuple_depth--;
    return ok;
  }
  const char *vt = v.tag == T_CLASS || native_type(v) ? "type" : 0;   /* a class is an instance of type */
  if (cls.tag == T_CLASS) {
    if (v.tag != T_INSTANCE && !vt && vtype_of(vm, v) == (Ref)cls.as.r) { *res = true; return true; }
    *res = (Ref)cls.as.r == vm->classes[OBJECT_CLASS] || (v.tag == T_INSTANCE && cls_is_sub(vm, cls_of(vm, v), (Ref)cls.as.r));
    return true;
  }
  const char *n = native_type(cls);
  if (n) {
    const char *t = vt ? vt : type_name(v);
    *res = cstr_eq(n, t) || (v.tag == T_BOOL && cstr_eq(n, "int"));
    return true;
  }
  return exc_raise(vm, E_TypeError, "isinstance() arg 2 must be a type, a tuple of types, or a union");
}

/* issubclass(sub, cls): classes and the built-in types that are natives, with
 * CPython's hierarchy for these (bool < int < object, every type < object). */
static bool obj_issubclass(VM *vm, Value sub, Value cls, bool *res) {
  *res = false;
  if (cls.tag == T_TUPLE) {                       /* CPython: left to right, stopping at the first match */
    if (!tuple_deeper(vm, "__subclasscheck__")) return false;
    bool ok = true;
    for (uint32_t i = 0; ok && i < AS(vm, cls, Tuple)->len && !*res; i++)
      ok = obj_issubclass(vm, sub, AS(vm, cls, Tuple)->v[i], res);
    class_tuple_depth--;
    return ok;
  }
  const char *sn = native_type(sub), *cn = native_type(cls);
  if (sub.tag != T_CLASS && !sn) return exc_raise(vm, E_TypeError, "issubclass() arg 1 must be a class");
  if (cls.tag != T_CLASS && !cn)
    return exc_raise(vm, E_TypeError, "issubclass() arg 2 must be a class, a tuple of classes, or a union");
  if (sn && cn) *res = cstr_eq(sn, cn) || (cstr_eq(sn, "bool") && cstr_eq(cn, "int"));
  else if (sn) *res = (Ref)cls.as.r == vm->classes[OBJECT_CLASS];
  else if (!cn) *res = cls_is_sub(vm, (Ref)sub.as.r, (Ref)cls.as.r);
  return true;                                    /* (a class never derives from a built-in type) */
}

/* ---- natives: isinstance, type, getattr, ..., property ----------------------------- */
static bool nargs_is(VM *vm, const char *fn, int n, int lo, int hi) {
  if (n >= lo && n <= hi) return true;
  if (lo == hi) return exc_raise(vm, E_TypeError, "%s expected %d argument%s, got %d", fn, (int64_t)lo, lo == 1 ? "" : "s", (int64_t)n);
  if (n < lo) return exc_raise(vm, E_TypeError, "%s expected at least %d arguments, got %d", fn, (int64_t)lo, (int64_t)n);
  return exc_raise(vm, E_TypeError, "%s expected at most %d arguments, got %d", fn, (int64_t)hi, (int64_t)n);
}

bool bi_isinstance(VM *vm, Value *a, int n, Value *kw, int nkw, Value *out) {
  (void)kw; (void)nkw;
  bool r;
  if (!nargs_is(vm, "isinstance", n, 2, 2) || !obj_isinstance(vm, a[0], a[1], &r)) return false;
  *out = v_bool(r);
  return true;
}

bool bi_issubclass(VM *vm, Value *a, int n, Value *kw, int nkw, Value *out) {
  (void)kw; (void)nkw;
  bool r;
  if (!nargs_is(vm, "issubclass", n, 2, 2) || !obj_issubclass(vm, a[0], a[1], &r)) return false;
  *out = v_bool(r);
  return true;
}

bool bi_type(VM *vm, Value *a, int n, Value *kw, int nkw, Value *out) {
  (void)kw; (void)nkw;
  if (n != 1) return exc_raise(vm, E_TypeError, "type() takes 1 argument");
  return obj_type(vm, a[0], out);
}

static bool attr_name(VM *vm, const char *fn, Value v) {
  if (v.tag != T_STR) return exc_raise(vm, E_TypeError, "%s(): attribute name must be string, not '%T'", fn, v);
  return true;
}

/* The pending exception is an AttributeError (getattr's default then applies). */
static bool pending_attribute_error(VM *vm) {
  if (vm->exc == E_AttributeError || (exc_is_instance(vm, vm->exc_val) &&
                                      cls_is_sub(vm, cls_of(vm, vm->exc_val), vm->classes[E_AttributeError]))) {
    vm->exc = -1;
    vm->exc_val = v_none();
    return true;
  }
  return false;
}

bool bi_getattr(VM *vm, Value *a, int n, Value *kw, int nkw, Value *out) {
  (void)kw; (void)nkw;
  bool found;
  if (!nargs_is(vm, "getattr", n, 2, 3) || !attr_name(vm, "getattr", a[1])) return false;
  if (!obj_getattr_str(vm, a[0], AS(vm, a[1], Str), out, &found)) return false;
  if (found && a[0].tag == T_INSTANCE && is_wrap(vm, *out, W_PROPERTY)) {   /* a property: its getter's value */
    Value getter = AS(vm, *out, Wrap)->a;
    vm->gc_hold++;
    bool ok = vm_call(vm, getter, &a[0], 1, out);
    vm->gc_hold--;
    if (ok || n < 3 || !pending_attribute_error(vm)) return ok;
    found = false;
  }
  if (found) return true;
  if (n == 3) { *out = a[2]; return true; }
  if (a[0].tag == T_CLASS)
    return exc_raise(vm, E_AttributeError, "type object '%S' has no attribute '%S'", OBJ(vm, AS(vm, a[0], Class)->name, Str), AS(vm, a[1], Str));
  return exc_raise(vm, E_AttributeError, "'%T' object has no attribute '%S'", a[0], AS(vm, a[1], Str));
}

bool bi_hasattr(VM *vm, Value *a, int n, Value *kw, int nkw, Value *out) {
  (void)kw; (void)nkw;
  bool found;
  Value v;
  if (!nargs_is(vm, "hasattr", n, 2, 2) || !attr_name(vm, "hasattr", a[1])) return false;
  if (!obj_getattr_str(vm, a[0], AS(vm, a[1], Str), &v, &found)) return false;
  *out = v_bool(found);
  return true;
}

bool bi_setattr(VM *vm, Value *a, int n, Value *kw, int nkw, Value *out) {
  (void)kw; (void)nkw;
  if (!nargs_is(vm, "setattr", n, 3, 3) || !attr_name(vm, "setattr", a[1])) return false;
  Value name = a[1], obj = a[0], val = a[2];
  Str *ns = AS(vm, name, Str);
  if (obj.tag == T_INSTANCE) {
    Value cv;
    if (cls_lookup(vm, AS(vm, obj, Instance)->cls, ns, &cv) && is_wrap(vm, cv, W_PROPERTY))
      return exc_raise(vm, E_NotImplementedError, "setattr() of a property (use obj.%S = value)", ns);
    if (chain_lookup(vm, AS(vm, obj, Instance)->cls, name, &cv)) set_shadowed(vm);
    if (!inst_set(vm, obj, name, NOK, val)) return false;
  } else if (obj.tag == T_CLASS && !(AS(vm, obj, Class)->flags & CF_BUILTIN)) {
    if (AS(vm, obj, Class)->flags & CF_USED) set_shadowed(vm);
    cls_changed(vm, (Ref)obj.as.r);
    if (!dict_set(vm, v_obj(T_DICT, AS(vm, obj, Class)->dict), name, val)) return false;
  } else if (obj.tag == T_CLASS) {
    return exc_raise(vm, E_TypeError, "cannot set '%S' attribute of immutable type '%S'", ns, OBJ(vm, AS(vm, obj, Class)->name, Str));
  } else {
    return exc_raise(vm, E_AttributeError, "'%T' object has no attribute '%S'", obj, ns);
  }
  *out = v_none();
  return true;
}

bool bi_staticmethod(VM *vm, Value *a, int n, Value *kw, int nkw, Value *out) {
  (void)kw; (void)nkw;
  return nargs_is(vm, "staticmethod", n, 1, 1) && wrap_new(vm, W_STATIC, a[0], v_none(), out);
}

bool bi_classmethod(VM *vm, Value *a, int n, Value *kw, int nkw, Value *out) {
  (void)kw; (void)nkw;
  return nargs_is(vm, "classmethod", n, 1, 1) && wrap_new(vm, W_CLASSMETHOD, a[0], v_none(), out);
}

static bool prop_new(VM *vm, Value get, Value set, Value del, Value *out) {
  if (del.tag == T_NONE) return wrap_new(vm, W_PROPERTY, get, set, out);
  Ref t = tuple_new(vm, 2);                        /* allocation never collects: the Values stay valid */
  if (!t) return false;
  OBJ(vm, t, Tuple)->v[0] = set;
  OBJ(vm, t, Tuple)->v[1] = del;
  return wrap_new(vm, W_PROPERTY, get, v_obj(T_TUPLE, t), out);
}


bool bi_property(VM *vm, Value *a, int n, Value *kw, int nkw, Value *out) {
  (void)kw; (void)nkw;
  return nargs_is(vm, "property", n, 1, 3) && prop_new(vm, a[0], n > 1 ? a[1] : v_none(), n > 2 ? a[2] : v_none(), out);
}

bool m_property_setter(VM *vm, Value *a, int n, Value *kw, int nkw, Value *out) {
  (void)kw; (void)nkw;
  if (!nargs_is(vm, "setter", n, 2, 2)) return false;
  if (!is_wrap(vm, a[0], W_PROPERTY)) return exc_raise(vm, E_AttributeError, "'%T' object has no attribute 'setter'", a[0]);
  return prop_new(vm, AS(vm, a[0], Wrap)->a, a[1], prop_fn(vm, a[0], 1), out);
}

bool m_property_deleter(VM *vm, Value *a, int n, Value *kw, int nkw, Value *out) {
  (void)kw; (void)nkw;
  if (!nargs_is(vm, "deleter", n, 2, 2)) return false;
  if (!is_wrap(vm, a[0], W_PROPERTY)) return exc_raise(vm, E_AttributeError, "'%T' object has no attribute 'deleter'", a[0]);
  return prop_new(vm, AS(vm, a[0], Wrap)->a, prop_fn(vm, a[0], 0), a[1], out);
}

/* del obj.K[k] (DELATTR): an instance's attribute (a property's deleter is
 * called), a class's; CPython's errors otherwise. */
bool obj_delattr(VM *vm, Value obj, uint32_t k) {
  Value name = vm->consts[k];
  Str *ns = AS(vm, name, Str);
  bool found;
  if (obj.tag == T_INSTANCE) {
    Ref cls = AS(vm, obj, Instance)->cls;
    Value cv = cached_lookup(vm, cls, k), r;
    if (is_wrap(vm, cv, W_PROPERTY)) {
      Value del = prop_fn(vm, cv, 1);
      if (del.tag == T_NONE) return exc_raise(vm, E_AttributeError, "property '%S' of '%s' object has no deleter", ns, cls_name(vm, obj));
      return call_held(vm, del, obj, NULL, 0, &r);
    }
    if (str_eq(ns, "__class__")) return exc_raise(vm, E_TypeError, "can't delete __class__ attribute");
    if (str_eq(ns, "__dict__")) {                   /* no attributes left (a new, empty dict on next use) */
      Instance *in = AS(vm, obj, Instance);
      in->dict = 0; in->slots = 0; in->nslots = 0;
      return true;
    }
    if (CLS(vm, cls)->flags & CF_EXC &&
        (str_eq(ns, "args") || str_eq(ns, "__cause__") || str_eq(ns, "__context__") || str_eq(ns, "__traceback__")))
      return exc_raise(vm, E_TypeError, "%S may not be deleted", ns);
    if (!inst_del(vm, obj, name, k, &found)) return false;
    if (!found) return exc_raise(vm, E_AttributeError, "'%s' object has no attribute '%S'", cls_name(vm, obj), ns);
    return true;                     /* the inline caches' hit tests see the hole (or dict mode) */
  }
  if (obj.tag == T_CLASS) {
    Class *c = AS(vm, obj, Class);
    if (c->flags & CF_BUILTIN)
      return exc_raise(vm, E_TypeError, "cannot set '%S' attribute of immutable type '%S'", ns, STR(vm, c->name));
    if (str_eq(ns, "__name__") || str_eq(ns, "__qualname__") || str_eq(ns, "__bases__") || str_eq(ns, "__doc__") ||
        str_eq(ns, "__module__"))
      return exc_raise(vm, E_TypeError, "cannot delete '%S' attribute of immutable type '%S'", ns, STR(vm, c->name));
    if (str_eq(ns, "__mro__") || str_eq(ns, "__base__")) return exc_raise(vm, E_AttributeError, "readonly attribute");
    if (!dict_del(vm, OBJ(vm, c->dict, Dict), name, &found)) return false;
    c = AS(vm, obj, Class);
    if (!found) return exc_raise(vm, E_AttributeError, "type object '%S' has no attribute '%S'", STR(vm, c->name), ns);
    if (c->flags & CF_USED) set_shadowed(vm);
    cls_changed(vm, (Ref)obj.as.r);
    return true;
  }
  return exc_raise(vm, E_AttributeError, "'%T' object has no attribute '%S'", obj, ns);
}

/* BaseException.__init__(self, *args): args = the arguments. */
bool bi_exc_init(VM *vm, Value *a, int n, Value *kw, int nkw, Value *out) {
  (void)kw;
  if (n < 1 || !exc_is_instance(vm, a[0])) return exc_raise(vm, E_TypeError, "descriptor '__init__' requires a 'BaseException' object");
  if (nkw) return exc_raise(vm, E_TypeError, "%s() takes no keyword arguments", cls_name(vm, a[0]));
  Ref t = tuple_new(vm, (uint32_t)(n - 1));
  if (!t) return false;
  memcpy(OBJ(vm, t, Tuple)->v, a + 1, (size_t)(n - 1) * sizeof(Value));
  AS(vm, a[0], Instance)->x[EX_ARGS] = v_obj(T_TUPLE, t);
  *out = v_none();
  return true;
}

bool bi_object_init(VM *vm, Value *a, int n, Value *kw, int nkw, Value *out) {
  (void)a; (void)kw;
  if (n > 1 || nkw) return exc_raise(vm, E_TypeError, "object.__init__() takes exactly one argument (the instance to initialize)");
  *out = v_none();
  return true;
}

/* ---- text -------------------------------------------------------------------------- */
static const char *const type_natives[] = {"int", "float", "str", "list", "tuple", "dict", "bool", "range", "set",
                                           "frozenset", "bytes", "bytearray", "type", "complex", "slice", "object"};

bool native_is_type(const char *name) {
  for (size_t i = 0; i < sizeof type_natives / sizeof type_natives[0]; i++)
    if (strlen(name) == strlen(type_natives[i]) && !memcmp(name, type_natives[i], strlen(name))) return true;
  return false;
}

static void put_cstr(StrBuf *sb, const char *s) { sb_put(sb, s, strlen(s)); }
static void put_name(StrBuf *sb, Ref name) { Str *s = STR(sb->vm, name); sb_put(sb, s->data, s->nbytes); }

bool obj_repr(StrBuf *sb, Value v) {
  VM *vm = sb->vm;
  if (v.tag == T_CLASS) {
    Class *c = AS(vm, v, Class);
    put_cstr(sb, (c->flags & CF_BUILTIN) ? "<class '" : "<class '__main__.");
    put_name(sb, c->qualname);
    put_cstr(sb, "'>");
    return true;
  }
  if (v.tag == T_WRAP) {
    Wrap *w = AS(vm, v, Wrap);
    static const char *const kinds[] = {"<bound method>", "<super object>", "<property object>",
                                        "<staticmethod object>", "<classmethod object>"};
    put_cstr(sb, w->kind < 5 ? kinds[w->kind] : "<object>");
    return true;
  }
  Value fn;
  if (find_dunder(vm, v, D_repr, &fn)) return sb_dunder(sb, fn, v, "__repr__");
  if (is_notimpl(vm, v)) { put_cstr(sb, "NotImplemented"); return true; }
  Instance *in = AS(vm, v, Instance);
  if (CLS(vm, in->cls)->flags & CF_EXC) {
    Value args = in->x[EX_ARGS];
    put_name(sb, CLS(vm, in->cls)->name);
    if (args.tag == T_TUPLE && AS(vm, args, Tuple)->len == 1) {
      sb_putc(sb, '(');
      if (!sb_repr(sb, AS(vm, args, Tuple)->v[0])) return false;
      sb_putc(sb, ')');
      return true;
    }
    return sb_repr(sb, args);
  }
  put_cstr(sb, "<__main__.");
  put_name(sb, CLS(vm, in->cls)->qualname);
  put_cstr(sb, " object>");
  return true;
}

bool obj_str(StrBuf *sb, Value v) {
  Value fn;
  if (find_dunder(sb->vm, v, D_str, &fn)) return sb_dunder(sb, fn, v, "__str__");
  if (find_dunder(sb->vm, v, D_repr, &fn)) return sb_dunder(sb, fn, v, "__repr__");
  if (exc_is_instance(sb->vm, v)) return exc_str(sb, v);
  return obj_repr(sb, v);
}

/* ---- dunder methods called from C ----------------------------------------------------- */
static const char *const dunder_names[] = {
#define X(n) "__" #n "__",
  DUNDERS(X)
#undef X
};

static const char *const vtype_names[4] = {"NoneType", "function", "builtin_function_or_method", "generator"};

/* The vtypes[] class for a value's type, or 0. */
static Ref vtype_of(VM *vm, Value v) {
  const char *t = type_name(v);
  for (int k = 0; k < 4; k++)
    if (vm->vtypes[k] && strlen(t) == strlen(vtype_names[k]) && !memcmp(t, vtype_names[k], strlen(t))) return vm->vtypes[k];
  return 0;
}

/* Intern the dunder names and make NotImplemented (load time: immortal). */
static bool dunders_boot(VM *vm) {
  for (int d = 0; d < D__COUNT; d++)
    if (!(vm->dunders[d] = str_new(vm, dunder_names[d], strlen(dunder_names[d])))) return false;
  Ref name = str_new(vm, "NotImplementedType", 18), r;
  if (!name || !(r = class_make(vm, name, v_obj(T_CLASS, vm->classes[OBJECT_CLASS]), -1, CF_BUILTIN))) return false;
  Ref inst = heap_alloc(vm, T_INSTANCE, sizeof(Instance));
  if (!inst) return false;
  OBJ(vm, inst, Instance)->cls = r;
  vm->notimpl = v_obj(T_INSTANCE, inst);
  for (int k = 0; k < 4; k++) {                  /* type(x) for values with no built-in type name */
    const char *n = vtype_names[k];
    if (!(name = str_new(vm, n, strlen(n))) ||
        !(vm->vtypes[k] = class_make(vm, name, v_obj(T_CLASS, vm->classes[OBJECT_CLASS]), -1, CF_BUILTIN)))
      return false;
  }
  return true;
}

static bool is_notimpl(VM *vm, Value v) { return v.tag == T_INSTANCE && v.as.r == vm->notimpl.as.r; }

static bool find_dunder(VM *vm, Value v, int d, Value *fn) {
  if (v.tag != T_INSTANCE) return false;
  return chain_lookup(vm, AS(vm, v, Instance)->cls, v_obj(T_STR, vm->dunders[d]), fn);
}

bool obj_find_dunder(VM *vm, Value v, int d, Value *fn) { return find_dunder(vm, v, d, fn); }

bool obj_has_dunder(VM *vm, Value v, int d) {
  Value fn;
  return find_dunder(vm, v, d, &fn);
}

/* fn(self, args...) with collections held off. */
static bool call_held(VM *vm, Value fn, Value self, Value *args, int nargs, Value *out) {
  Value argv[4];
  if (is_wrap(vm, fn, W_STATIC)) fn = AS(vm, fn, Wrap)->a;
  argv[0] = self;
  for (int k = 0; k < nargs && k < 3; k++) argv[k + 1] = args[k];
  vm->gc_hold++;
  bool ok = vm_call(vm, fn, argv, nargs + 1, out);
  vm->gc_hold--;
  return ok;
}

/* Special method fn, found on self's class, called as CPython's slots do:
 * fn(self, args...) for a function, fn(args...) for what does not bind (a
 * built-in function, a staticmethod), fn(type(self), args...) for a classmethod. */
static bool call_special(VM *vm, Value fn, Value self, Value *args, int nargs, Value *out) {
  if (is_wrap(vm, fn, W_CLASSMETHOD)) { fn = AS(vm, fn, Wrap)->a; self = v_obj(T_CLASS, cls_of(vm, self)); }
  else if (is_wrap(vm, fn, W_STATIC) || (fn.tag == T_NATIVE && !is_callable_fn(fn))) {
    if (is_wrap(vm, fn, W_STATIC)) fn = AS(vm, fn, Wrap)->a;
    Value argv[3];
    for (int k = 0; k < nargs && k < 3; k++) argv[k] = args[k];
    vm->gc_hold++;
    bool ok = vm_call(vm, fn, argv, nargs, out);
    vm->gc_hold--;
    return ok;
  }
  return call_held(vm, fn, self, args, nargs, out);
}

/* Call dunder d of v if it has one: 1 called (result in *out), 0 none, -1 error. */
static int try_dunder(VM *vm, Value v, int d, Value *args, int nargs, Value *out) {
  Value fn;
  if (!find_dunder(vm, v, d, &fn)) return 0;
  return call_special(vm, fn, v, args, nargs, out) ? 1 : -1;
}

static const char *const cmp_syms[] = {"<", "<=", ">", ">=", "==", "!="};
static const int cmp_dunder[] = {D_lt, D_le, D_gt, D_ge, D_eq, D_ne};
static const int cmp_swap[] = {D_gt, D_ge, D_lt, D_le, D_eq, D_ne};

bool obj_richcmp(VM *vm, int op, Value a, Value b, Value *out) {
  int r = try_dunder(vm, a, cmp_dunder[op], &b, 1, out);
  if (r < 0) return false;
  if (r > 0 && !is_notimpl(vm, *out)) return true;
  r = try_dunder(vm, b, cmp_swap[op], &a, 1, out);
  if (r < 0) return false;
  if (r > 0 && !is_notimpl(vm, *out)) return true;
  if (op == 5) {                                   /* != without __ne__: not __eq__ */
    bool eq;
    if (!obj_eq(vm, a, b, &eq)) return false;
    *out = v_bool(!eq);
    return true;
  }
  if (op == 4) { *out = v_bool(a.tag == b.tag && a.as.r == b.as.r); return true; }
  return exc_raise(vm, E_TypeError, "'%s' not supported between instances of '%T' and '%T'", cmp_syms[op], a, b);
}

bool obj_eq(VM *vm, Value a, Value b, bool *eq) {
  Value r;
  int k = try_dunder(vm, a, D_eq, &b, 1, &r);
  if (k < 0) return false;
  if (k == 0 || is_notimpl(vm, r)) {
    k = try_dunder(vm, b, D_eq, &a, 1, &r);
    if (k < 0) return false;
    if (k == 0 || is_notimpl(vm, r)) { *eq = a.tag == b.tag && a.as.r == b.as.r; return true; }
  }
  return obj_truthy(vm, r, eq);
}

bool obj_hash(VM *vm, Value v, uint64_t *h) {
  Value r;
  int k = try_dunder(vm, v, D_hash, NULL, 0, &r);
  if (k < 0) return false;
  if (k == 0) {
    if (obj_has_dunder(vm, v, D_eq)) return exc_raise(vm, E_TypeError, "unhashable type: '%T'", v);
    *h = (uint64_t)v.as.r * 0x9e3779b97f4a7c15ull;     /* identity */
    return true;
  }
  if (r.tag != T_INT && r.tag != T_BOOL) return exc_raise(vm, E_TypeError, "__hash__ method should return an integer");
  return value_hash(vm, r, h);
}

bool obj_truthy(VM *vm, Value v, bool *res) {
  Value r;
  if (v.tag != T_INSTANCE) { *res = truthy(vm, v); return true; }
  int k = try_dunder(vm, v, D_bool, NULL, 0, &r);
  if (k < 0) return false;
  if (k > 0) {
    if (r.tag != T_BOOL) return exc_raise(vm, E_TypeError, "__bool__ should return bool, returned %T", r);
    *res = r.as.i != 0;
    return true;
  }
  int64_t n;
  if (!obj_has_dunder(vm, v, D_len)) { *res = true; return true; }
  if (!obj_len(vm, v, &n)) return false;
  *res = n != 0;
  return true;
}

bool obj_len(VM *vm, Value v, int64_t *n) {
  Value r;
  int k = try_dunder(vm, v, D_len, NULL, 0, &r);
  if (k < 0) return false;
  if (k == 0) return exc_raise(vm, E_TypeError, "object of type '%T' has no len()", v);
  if (r.tag != T_INT && r.tag != T_BOOL) return exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", r);
  if (r.as.i < 0) return exc_raise(vm, E_ValueError, "__len__() should return >= 0");
  *n = r.as.i;
  return true;
}

bool obj_getitem(VM *vm, Value obj, Value key, Value *out) {
  int k = try_dunder(vm, obj, D_getitem, &key, 1, out);
  if (k == 0) return exc_raise(vm, E_TypeError, "'%T' object is not subscriptable", obj);
  return k > 0;
}

bool obj_setitem(VM *vm, Value obj, Value key, Value val) {
  Value args[2] = {key, val}, r;
  int k = try_dunder(vm, obj, D_setitem, args, 2, &r);
  if (k == 0) return exc_raise(vm, E_TypeError, "'%T' object does not support item assignment", obj);
  return k > 0;
}

bool obj_delitem(VM *vm, Value obj, Value key) {
  Value r;
  int k = try_dunder(vm, obj, D_delitem, &key, 1, &r);
  if (k == 0) {  /* CPython: "doesn't" for an int index on a class statement's instance (PySequence_DelItem) */
    bool seq = (key.tag == T_INT || key.tag == T_BOOL) && !(CLS(vm, AS(vm, obj, Instance)->cls)->flags & CF_BUILTIN);
    return exc_raise(vm, E_TypeError, seq ? "'%T' object doesn't support item deletion" : "'%T' object does not support item deletion", obj);
  }
  return k > 0;
}

bool obj_contains(VM *vm, Value obj, Value item, bool *res) {
  Value r;
  int k = try_dunder(vm, obj, D_contains, &item, 1, &r);
  if (k < 0) return false;
  if (k > 0) return obj_truthy(vm, r, res);
  if (!obj_has_dunder(vm, obj, D_iter)) return exc_raise(vm, E_TypeError, "argument of type '%T' is not iterable", obj);
  Value it, x;
  *res = false;
  vm->gc_hold++;                                   /* `it` lives in a C local */
  bool ok = obj_iter(vm, obj, &it);
  while (ok) {
    int n = vm_next(vm, it, &x);
    if (n <= 0) { ok = n == 0; break; }
    bool eq;
    if (!values_equal(vm, x, item, &eq)) { ok = false; break; }
    if (eq) { *res = true; break; }
  }
  vm->gc_hold--;
  return ok;
}

bool obj_iter(VM *vm, Value obj, Value *out) {
  int k = try_dunder(vm, obj, D_iter, NULL, 0, out);
  if (k == 0) return exc_raise(vm, E_TypeError, "'%T' object is not iterable", obj);
  if (k < 0) return false;
  if (out->tag == T_INSTANCE ? !obj_has_dunder(vm, *out, D_next) : (out->tag != T_ITER && out->tag != T_GEN))
    return exc_raise(vm, E_TypeError, "iter() returned non-iterator of type '%T'", *out);
  return true;
}

int obj_next(VM *vm, Value it, Value *out) {
  int k = try_dunder(vm, it, D_next, NULL, 0, out);
  if (k == 0) { exc_raise(vm, E_TypeError, "'%T' object is not an iterator", it); return -1; }
  if (k > 0) return 1;
  if (vm->exc == E_StopIteration || (exc_is_instance(vm, vm->exc_val) &&
                                     cls_is_sub(vm, cls_of(vm, vm->exc_val), vm->classes[E_StopIteration]))) {
    vm->exc = -1;
    vm->exc_val = v_none();
    return 0;
  }
  return -1;
}

static int arith_dunder(int op, bool reflected) {
  switch (op) {
  case OP_ADD: case OP_IADD: return reflected ? D_radd : D_add;
  case OP_SUB: return reflected ? D_rsub : D_sub;
  case OP_MUL: return reflected ? D_rmul : D_mul;
  case OP_TRUEDIV: return reflected ? D_rtruediv : D_truediv;
  case OP_FLOORDIV: return reflected ? D_rfloordiv : D_floordiv;
  case OP_MOD: return reflected ? D_rmod : D_mod;
  case OP_POW: return reflected ? D_rpow : D_pow;
  case OP_BAND: return reflected ? D_rand : D_and;
  case OP_BOR: return reflected ? D_ror : D_or;
  case OP_BXOR: return reflected ? D_rxor : D_xor;
  case OP_SHL: return reflected ? D_rlshift : D_lshift;
  case OP_SHR: return reflected ? D_rrshift : D_rshift;
  default: return -1;
  }
}

bool obj_arith(VM *vm, int op, Value a, Value b, Value *out) {
  static const char *const syms[] = {"+", "-", "*", "/", "//", "%", "** or pow()", "&", "|", "^", "<<", ">>", "+="};
  _Static_assert(OP_IADD - OP_ADD == 12 && OP_SHR - OP_ADD == 11, "arithmetic opcodes are consecutive");
  int k, d = arith_dunder(op, false);
  if (d < 0) return exc_raise(vm, E_TypeError, "unsupported operation");
  if (op == OP_IADD) {
    k = try_dunder(vm, a, D_iadd, &b, 1, out);
    if (k < 0) return false;
    if (k > 0 && !is_notimpl(vm, *out)) return true;
  }
  k = try_dunder(vm, a, d, &b, 1, out);
  if (k < 0) return false;
  if (k > 0 && !is_notimpl(vm, *out)) return true;
  k = try_dunder(vm, b, arith_dunder(op, true), &a, 1, out);
  if (k < 0) return false;
  if (k > 0 && !is_notimpl(vm, *out)) return true;
  return exc_type_error_op(vm, syms[op - OP_ADD], a, b);
}

/* An in-place operator method (__isub__, __ior__...) by name: 1 it gave *out,
 * 0 there is none (or it returned NotImplemented), -1 it raised. */
int obj_idunder(VM *vm, Value a, const char *name, Value b, Value *out) {
  if (a.tag != T_INSTANCE) return 0;
  Ref s = str_new(vm, name, strlen(name));
  if (!s) return exc_raise(vm, E_MemoryError, ""), -1;
  Value fn;
  if (!chain_lookup(vm, AS(vm, a, Instance)->cls, v_obj(T_STR, s), &fn)) return 0;
  if (!call_special(vm, fn, a, &b, 1, out)) return -1;
  return is_notimpl(vm, *out) ? 0 : 1;
}

bool obj_unary(VM *vm, int op, Value a, Value *out) {
  int d = op == OP_NEG ? D_neg : op == OP_POS ? D_pos : D_invert;
  int k = try_dunder(vm, a, d, NULL, 0, out);
  if (k == 0)
    return exc_raise(vm, E_TypeError, "bad operand type for unary %s: '%T'", op == OP_NEG ? "-" : op == OP_POS ? "+" : "~", a);
  return k > 0;
}

/* str()/repr() through a user __str__/__repr__ while a StrBuf is being
 * built: the partial text is committed as a Str, the method runs, and the
 * buffer restarts at the heap top with the partial text and the result. */
static bool sb_dunder(StrBuf *sb, Value fn, Value self, const char *what) {
  VM *vm = sb->vm;
  Value part, res;
  if (!sb_end(sb, &part)) return false;
  vm->gc_hold++;
  bool ok = call_special(vm, fn, self, NULL, 0, &res);
  vm->gc_hold--;
  sb_begin(vm, sb);
  Str *p = AS(vm, part, Str);
  sb_put(sb, p->data, p->nbytes);
  if (!ok) return false;
  if (res.tag != T_STR) return exc_raise(vm, E_TypeError, "%s returned non-string (type %T)", what, res);
  sb_put(sb, AS(vm, res, Str)->data, AS(vm, res, Str)->nbytes);
  return true;
}
