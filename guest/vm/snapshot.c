/*
 * snapshot.c -- portable snapshots of the VM state (layout: snapshot.def,
 * docs/snapshots.md).
 *
 * Writing happens at a safe point (a loop back-edge or a call), where the
 * whole machine state is in the arena: after a compacting collection the
 * frames, the used register stack, the globals and the live heap are copied
 * into the arena's free space as one architecture-neutral image (offsets,
 * never pointers), which the platform hands to the host.
 *
 * Restoring happens before execution: the bytecode is loaded and verified
 * as for a fresh start (which rebuilds the program tables at the same
 * offsets), then the snapshot is checked -- header, checksum, bytecode hash,
 * layout, and every frame, Value and heap object against the program -- and
 * installed.  A hostile snapshot is refused; it can never make the VM read
 * or write outside its arena.
 *
 * Requests: snap_request() (the guest's channel interrupt) or
 * vm_snapshot_at (drift-vm --snapshot-at N) force the interpreter's
 * safe-point slow path by setting gc_at to 0; vm_safe_point() then does the
 * work.  No cost on the fast path.
 */
#include "vm.h"
#include "platform.h"
#include "opcodes.h"
#include "sha256.h"

enum {
#define CONST(name, value) SN_##name = value,
#define FIELD(rec, name, type, off) SN_##rec##_##name = off,
#define SECTION(name, value) SNS_##name = value,
#define ROOT(name, ix)
#include "snapshot.def"
#undef CONST
#undef FIELD
#undef SECTION
#undef ROOT
  SNS_LAST = SNS_ROOTS, SN_NROOTS = 0
#define CONST(name, value)
#define FIELD(rec, name, type, off)
#define SECTION(name, value)
#define ROOT(name, ix) + 1
#include "snapshot.def"
#undef CONST
#undef FIELD
#undef SECTION
#undef ROOT
};

/* The VM's Value fields saved in ROOTS, in snapshot.def's order. */
static Value *root(VM *vm, uint32_t k) {
  Value *const r[] = {
#define CONST(name, value)
#define FIELD(rec, name, type, off)
#define SECTION(name, value)
#define ROOT(name, ix) [ix] = &vm->name,
#include "snapshot.def"
#undef CONST
#undef FIELD
#undef SECTION
#undef ROOT
  };
  return r[k];
}

enum {
#define STATUS(name, value, doc) ST_##name = value,
#include "status.def"
#undef STATUS
};

/* Changing any of these changes the snapshot format: see docs/snapshots.md. */
_Static_assert(sizeof(VM) == SN_VM_STRUCT_SIZE, "VM state changed: update snapshot.def (and docs/snapshots.md)");
_Static_assert((int)T__COUNT == (int)SN_TYPES, "value/heap types changed: update snapshot.c validation and snapshot.def");
_Static_assert(VM_MAX_FRAMES == SN_MAX_FRAMES, "frame limit changed: update snapshot.def");
_Static_assert(sizeof(Frame) == SN_FRAME_SIZE && sizeof(Value) == SN_VALUE_SIZE, "record sizes");
_Static_assert(sizeof(ObjHdr) == 16 && sizeof(DictEntry) == 40, "heap layout changed: bump the snapshot VERSION");

#if defined(__x86_64__)
#define SNAP_ARCH "x86_64"
#elif defined(__aarch64__)
#define SNAP_ARCH "aarch64"
#else
#define SNAP_ARCH "unknown"
#endif

volatile uint32_t snap_req;          /* a snapshot is wanted at the next safe point */
uint64_t vm_snapshot_at;             /* drift-vm --snapshot-at N: at the N-th safe point */
const uint8_t *vm_restore;           /* drift-vm --restore / the guest's loaded snapshot */
size_t vm_restore_len;
static size_t gc_real;               /* the collector's threshold while gc_at is forced to 0 */
uint64_t vm_safe_points;             /* safe points counted while armed */
uint64_t vm_snapshot_ns, vm_restore_ns;   /* how long the last write / the restore took */
int vm_snapshot_host_seals, vm_restore_checked;

static void wr32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void wr64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
static void say(const char *s) { plat_write(PLAT_STDERR, s, strlen(s)); }

/* Ask for a snapshot at the next safe point (callable from an interrupt
 * handler: it only sets the flag, then forces the slow path). */
void snap_request(VM *vm) {
  if (snap_req) return;
  gc_real = vm->gc_at;
  snap_req = 1;
  *(volatile size_t *)&vm->gc_at = 0;
}

/* The collector's new threshold; keeps the slow path forced while a
 * request is pending (see gc_collect: a request arriving meanwhile is kept). */
void snap_gc_done(VM *vm) {
  if (snap_req) { gc_real = vm->gc_at; *(volatile size_t *)&vm->gc_at = 0; }
}

/* Bytes needed for the snapshot of the current state. */
static size_t section_sizes(VM *vm, uint32_t nregs, size_t pend, uint32_t sz[SNS_LAST + 1]) {
  sz[SNS_FRAMES] = vm->nframes * SN_FRAME_SIZE;
  sz[SNS_REGS] = nregs * SN_VALUE_SIZE;
  sz[SNS_GLOBALS] = vm->nglobals * SN_VALUE_SIZE;
  sz[SNS_STRINGS] = vm->nstrings * 4;
  sz[SNS_CHAN] = (uint32_t)pend;
  sz[SNS_HEAP] = (uint32_t)(vm->heap_top - vm->heap_lo);
  sz[SNS_ROOTS] = SN_NROOTS * SN_VALUE_SIZE;
  size_t total = SN_HEADER_SIZE;
  for (int k = SNS_FRAMES; k <= SNS_LAST; k++) total += ALIGN_UP((size_t)sz[k], SN_ALIGN);
  return total;
}

/* Write the snapshot of the VM (at a safe point, just after a compacting
 * collection) into the arena's free space.  Returns its address and size,
 * or NULL when the free space is too small. */
static uint8_t *snap_write(VM *vm, uint32_t nregs, size_t *len) {
  const uint8_t *pend = NULL;
  size_t npend = plat_channel_pending(&pend);
  uint32_t sz[SNS_LAST + 1];
  size_t total = section_sizes(vm, nregs, npend, sz);
  size_t at = ALIGN_UP(vm->heap_top, 64);
  if (at > vm->heap_hi || total > vm->heap_hi - at) return NULL;
  uint8_t *s = vm->mem + at, *h = s;
  memset(h, 0, SN_HEADER_SIZE);
  wr32(h + SN_HDR_magic, SN_MAGIC);
  wr32(h + SN_HDR_version, SN_VERSION);
  wr32(h + SN_HDR_header_size, SN_HEADER_SIZE);
  wr64(h + SN_HDR_total_size, total);
  memcpy(h + SN_HDR_arch, SNAP_ARCH, sizeof SNAP_ARCH);
  sha256(vm->code_file, rd32(vm->code_file + 12), h + SN_HDR_code_sha256);   /* HDR_file_size */
  wr64(h + SN_HDR_clock_ns, vm_clock_ns(vm));
  wr64(h + SN_HDR_safe_points, vm_safe_points);
  wr64(h + SN_HDR_gc_count, vm->gc_count);
  wr32(h + SN_HDR_nframes, vm->nframes);
  wr32(h + SN_HDR_nregs, nregs);
  wr32(h + SN_HDR_nglobals, vm->nglobals);
  wr32(h + SN_HDR_nstrings, vm->nstrings);
  wr32(h + SN_HDR_exc, (uint32_t)vm->exc);
  wr32(h + SN_HDR_nroots, SN_NROOTS);
  wr32(h + SN_HDR_exit_status, (uint32_t)vm->exit_status);
  wr32(h + SN_HDR_heap_lo, (uint32_t)vm->heap_lo);
  wr32(h + SN_HDR_heap_bytes, sz[SNS_HEAP]);
  wr32(h + SN_HDR_chan_pending, (uint32_t)npend);
  Value roots[SN_NROOTS];
  for (uint32_t k = 0; k < SN_NROOTS; k++) roots[k] = *root(vm, k);
  const void *src[SNS_LAST + 1] = {0, vm->frames, vm->stack, vm->globals, vm->strings, pend, vm->mem + vm->heap_lo, roots};
  size_t off = SN_HEADER_SIZE;
  for (int k = SNS_FRAMES; k <= SNS_LAST; k++) {
    wr32(h + SN_HDR_frames_off + 8 * (k - 1), (uint32_t)off);
    wr32(h + SN_HDR_frames_size + 8 * (k - 1), sz[k]);
    if (sz[k]) memcpy(s + off, src[k], sz[k]);
    memset(s + off + sz[k], 0, ALIGN_UP((size_t)sz[k], SN_ALIGN) - sz[k]);
    off += ALIGN_UP((size_t)sz[k], SN_ALIGN);
  }
  if (!vm_snapshot_host_seals) {        /* a guest leaves the checksum to the host (fast pause) */
    uint8_t sum[32];
    sha256(s, total, sum);
    memcpy(h + SN_HDR_checksum, sum, 32);
  }
  *len = total;
  return s;
}

/* The safe-point slow path: the interpreter calls it when heap_top passed
 * gc_at (a collection is due, or a snapshot request forced gc_at to 0).
 * The top frame's pc is where execution resumes.  Returns -1 to go on, or
 * an exit status to end the program with (the host stopped it after a
 * snapshot). */
int vm_safe_point(VM *vm, size_t live_regs) {
  if (!snap_req) { gc_collect(vm, live_regs); return -1; }
  if (vm->cdepth || vm->ntop) {                               /* C frames (a native's vm_call) are not */
    if (vm->heap_top > gc_real) gc_collect(vm, live_regs);    /* in the arena: wait for the outermost */
    return -1;                                                /* interpreter's next safe point */
  }
  vm_safe_points++;
  if (vm_snapshot_at && vm_safe_points < vm_snapshot_at) {          /* drift-vm: still counting */
    if (vm->heap_top > gc_real) gc_collect(vm, live_regs);
    return -1;
  }
  vm_snapshot_at = 0;
  out_flush(vm);
  uint64_t t0 = plat_clock_ns();
  gc_collect(vm, live_regs);                                  /* compact: only live data */
  snap_req = 0;
  size_t len = 0;
  uint8_t *s = snap_write(vm, (uint32_t)live_regs, &len);
  vm->gc_at = gc_real;
  vm_snapshot_ns = plat_clock_ns() - t0;
  vm_got_flush();                 /* the "ESC got" still due leaves before the snapshot (not in it) */
  if (!s) { say("drift: snapshot: not enough free memory in the arena to write it\n"); return plat_snapshot(NULL, 0); }
  return plat_snapshot(s, len);
}

static VM *snap_vm;

/* Before execution starts: remember the VM for vm_request_snapshot(), and
 * arm drift-vm's --snapshot-at. */
void snap_arm(VM *vm) {
  snap_vm = vm;
  if (vm_snapshot_at) snap_request(vm);
}

void vm_request_snapshot(void) {
  if (snap_vm) snap_request(snap_vm);
}

int vm_snapshot_pending(void) { return snap_req != 0; }

int vm_snapshot_native(VM *vm) {
  if (!snap_req || vm->cdepth || vm->ntop || !vm->nframes) return -1;
  Frame *fr = &vm->frames[vm->nframes - 1];
  if (!fr->pc) return -1;
  fr->pc--;                                  /* the CALL of the native */
  int st = vm_safe_point(vm, (size_t)fr->base + vm->funcs[fr->func].nregs);
  fr->pc++;
  return st;
}

#ifdef DRIFT_GUEST
uint32_t snap_poll_count = SNAP_POLL_EVERY;
#endif

/* ---- restore -------------------------------------------------------------------- */

typedef struct Check {
  VM *vm;
  uint8_t *starts;                   /* bitmap: one bit per 8 heap bytes, set at object starts */
  uint8_t *low;                      /* the same for [0, heap_lo): the loader's immortal objects */
} Check;

static bool bit(const uint8_t *map, size_t i) { return map[i >> 3] >> (i & 7) & 1; }
static void set_bit(uint8_t *map, size_t i) { map[i >> 3] |= (uint8_t)(1u << (i & 7)); }

/* r is an object of that type: in the heap at an object start, or one of the
 * loader's immortal objects below heap_lo (pool strings, big int constants). */
static bool is_obj(Check *c, Ref r, uint32_t type) {
  VM *vm = c->vm;
  if (r >= vm->heap_top || (r & 7)) return false;
  if (r < vm->heap_lo ? !bit(c->low, r >> 3) : !bit(c->starts, (r - vm->heap_lo) >> 3)) return false;
  return OBJ(vm, r, ObjHdr)->type == type;
}

static bool value_ok(Check *c, const Value *v) {
  VM *vm = c->vm;
  if (v->aux != 0) return false;
  switch (v->tag) {
  case T_UNBOUND: case T_NONE: case T_INT: case T_FLOAT: return true;
  case T_BOOL: return v->as.r <= 1;
  case T_FUNC: return v->as.r < vm->nfuncs;
  case T_NATIVE: return v->as.r < bi_count;
  case T_STR: case T_LIST: case T_TUPLE: case T_DICT: case T_RANGE: case T_ITER: case T_SLICE: case T_BIGINT:
  case T_CLASS: case T_INSTANCE: case T_WRAP: case T_SET: case T_FROZENSET: case T_CLOSURE: case T_CELL: case T_GEN: case T_BYTESTR: case T_DKEYS: case T_DVALUES: case T_DITEMS:
    return v->as.r <= 0xffffffffu && is_obj(c, (Ref)v->as.r, v->tag);
  case T_NOSELF: return v->as.r == 0;             /* a marker in a call window, no object */
  default: return false;                          /* ARRAY, BYTES are never values */
  }
}

static bool values_ok(Check *c, const Value *v, size_t n) {
  for (size_t i = 0; i < n; i++) if (!value_ok(c, &v[i])) return false;
  return true;
}

static size_t min_size(uint32_t type) {
  switch (type) {
  case T_STR: case T_BYTESTR: return sizeof(Str) + 1;
  case T_LIST: return sizeof(List);
  case T_TUPLE: return sizeof(Tuple);
  case T_DICT: return sizeof(Dict);
  case T_RANGE: return sizeof(Range);
  case T_ITER: case T_DKEYS: case T_DVALUES: case T_DITEMS: return sizeof(Iter);
  case T_SLICE: return sizeof(Slice);
  case T_ARRAY: case T_BYTES: return sizeof(ObjHdr);
  case T_BIGINT: return sizeof(BigInt) + 4;
  case T_CLASS: return sizeof(Class);
  case T_CLOSURE: return sizeof(FuncObj);
  case T_CELL: return sizeof(Cell);
  case T_GEN: return sizeof(Gen);
  case T_SET: case T_FROZENSET: return sizeof(Set);
  case T_INSTANCE: return sizeof(Instance);
  case T_WRAP: return sizeof(Wrap);
  default: return 0;                              /* not a heap type */
  }
}

/* Walk the heap once: every header well-formed, objects tile [heap_lo, heap_top). */
static bool walk_heap(Check *c, const char **why) {
  VM *vm = c->vm;
  for (size_t p = vm->heap_lo; p < vm->heap_top;) {
    ObjHdr *h = OBJ(vm, (Ref)p, ObjHdr);
    size_t min = min_size(h->type);
    if (!min || h->size < min || (h->size & 7) || h->size > vm->heap_top - p || h->mark)
      return (*why = "snapshot heap: malformed object header"), false;
    h->fwd = 0;                                   /* the collector's scratch: meaningless here */
    set_bit(c->starts, (p - vm->heap_lo) >> 3);
    p += h->size;
  }
  return true;
}

/* Mark the loader's objects below heap_lo (built from the verified bytecode,
 * never from the snapshot): they tile [load_start, heap_lo) between the
 * carved tables. */
static bool walk_immortal(Check *c) {
  VM *vm = c->vm;
  if (load_ncarves > LOAD_MAX_CARVES) return false;
  size_t p = load_start;
  for (uint32_t k = 0; k <= load_ncarves; k++) {
    size_t end = k < load_ncarves ? load_carves[k][0] : vm->heap_lo;
    while (p < end) {
      ObjHdr *h = OBJ(vm, (Ref)p, ObjHdr);
      if (h->size < sizeof(ObjHdr) || h->size > end - p) return false;
      set_bit(c->low, p >> 3);
      p += h->size;
    }
    if (k < load_ncarves) p = load_carves[k][0] + load_carves[k][1];
  }
  return true;
}

static bool raw_ok(Check *c, Ref r, uint32_t type, uint64_t payload) {
  return is_obj(c, r, type) && payload <= OBJ(c->vm, r, ObjHdr)->size - sizeof(ObjHdr);
}

/* Check what each object refers to and its invariants the VM relies on. */
static bool object_ok(Check *c, Ref r) {
  VM *vm = c->vm;
  ObjHdr *h = OBJ(vm, r, ObjHdr);
  switch (h->type) {
  case T_STR: {
    Str *s = (Str *)h;
    return (uint64_t)sizeof(Str) + s->nbytes + 1 <= h->size && s->data[s->nbytes] == 0 &&
           utf8_valid((const uint8_t *)s->data, s->nbytes) && utf8_count(s->data, s->nbytes) == s->nchars;
  }
  case T_BYTESTR: {
    Str *s = (Str *)h;
    return (uint64_t)sizeof(Str) + s->nbytes + 1 <= h->size && s->nchars == s->nbytes;
  }
  case T_LIST: {
    List *l = (List *)h;
    return l->len <= l->cap && raw_ok(c, l->items, T_ARRAY, (uint64_t)l->cap * sizeof(Value)) &&
           values_ok(c, OBJ(vm, l->items, Array)->v, l->len);
  }
  case T_TUPLE: {
    Tuple *t = (Tuple *)h;
    return (uint64_t)sizeof(Tuple) + (uint64_t)t->len * sizeof(Value) <= h->size && values_ok(c, t->v, t->len);
  }
  case T_DICT: {
    Dict *d = (Dict *)h;
    uint64_t slots = (uint64_t)d->mask + 1;
    if (slots & (slots - 1) || slots < (uint64_t)d->cap + d->cap / 2 + 1 || d->used > d->cap || d->len > d->used) return false;
    if (!raw_ok(c, d->entries, T_BYTES, (uint64_t)d->cap * sizeof(DictEntry)) || !raw_ok(c, d->index, T_BYTES, slots * 4)) return false;
    DictEntry *e = dict_entries(vm, d);
    uint32_t live = 0, filled = 0;
    for (uint32_t i = 0; i < d->used; i++) {
      if (!value_ok(c, &e[i].key) || !value_ok(c, &e[i].val)) return false;
      live += e[i].key.tag != T_UNBOUND;
    }
    const uint32_t *ix = (const uint32_t *)(vm->mem + d->index + sizeof(ObjHdr));
    for (uint64_t i = 0; i < slots; i++) {
      if (ix[i] > d->used) return false;
      filled += ix[i] != 0;
    }
    return live == d->len && filled <= d->used;   /* so probing always finds an empty slot */
  }
  case T_RANGE: return ((Range *)h)->step != 0;
  case T_DKEYS: case T_DVALUES: case T_DITEMS: return value_ok(c, &((Iter *)h)->seq) && ((Iter *)h)->seq.tag == T_DICT;
  case T_ITER: {
    Iter *it = (Iter *)h;
    if (!value_ok(c, &it->seq)) return false;
    uint32_t t = it->seq.tag;
    switch (it->kind) {
    case IT_RANGE: return it->step != 0;
    case IT_LIST: return t == T_LIST && it->cur >= 0;
    case IT_TUPLE: return t == T_TUPLE && it->cur >= 0;
    case IT_BYTES: return t == T_BYTESTR && it->cur >= 0;
    case IT_STR: return t == T_STR && it->cur >= 0 && it->cur <= AS(vm, it->seq, Str)->nbytes;
    case IT_DICT_KEYS: case IT_DICT_VALUES: case IT_DICT_ITEMS: return t == T_DICT && it->cur >= 0;
    case IT_REVERSED: return t == T_LIST || t == T_TUPLE;
    case IT_SET: return (t == T_SET || t == T_FROZENSET) && it->cur >= 0;
    case IT_ENUMERATE: case IT_ZIP: {             /* seq = (iterator...) */
      Tuple *tu = AS(vm, it->seq, Tuple);
      if (t != T_TUPLE || (uint64_t)sizeof(Tuple) + (uint64_t)tu->len * sizeof(Value) > tu->h.size) return false;
      for (uint32_t k = 0; k < tu->len; k++) if (tu->v[k].tag != T_ITER && tu->v[k].tag != T_GEN && tu->v[k].tag != T_INSTANCE) return false;
      return true;
    }
    case IT_MAP: case IT_FILTER: {                /* seq = (function, iterator...) */
      Tuple *tu = AS(vm, it->seq, Tuple);
      if (t != T_TUPLE || tu->len < 2 || (uint64_t)sizeof(Tuple) + (uint64_t)tu->len * sizeof(Value) > tu->h.size) return false;
      for (uint32_t k = 1; k < tu->len; k++) if (tu->v[k].tag != T_ITER && tu->v[k].tag != T_GEN) return false;
      return true;
    }
    default: return false;
    }
  }
  case T_BIGINT: {
    BigInt *b = (BigInt *)h;
    return b->n && (uint64_t)sizeof(BigInt) + (uint64_t)b->n * 4 <= h->size && b->d[b->n - 1] && b->neg <= 1;
  }
  case T_CLASS: {                                 /* base chain ends (in a builtin class or None) */
    Class *k = (Class *)h;
    if (!is_obj(c, k->name, T_STR) || !is_obj(c, k->dict, T_DICT) || k->exc_kind < -1 || k->exc_kind >= E__COUNT) return false;
    if (!is_obj(c, k->qualname, T_STR) || (k->bases.tag != T_NONE && k->bases.tag != T_TUPLE) || !value_ok(c, &k->bases))
      return false;
    if (k->layout) {                              /* attribute names of the instances' slots */
      if (!is_obj(c, k->layout, T_TUPLE) || (k->flags & CF_BUILTIN)) return false;
      Tuple *t = OBJ(vm, k->layout, Tuple);
      if (t->len > LAYOUT_MAX || (uint64_t)sizeof(Tuple) + (uint64_t)t->len * sizeof(Value) > t->h.size) return false;
      for (uint32_t j = 0; j < t->len; j++) if (t->v[j].tag != T_STR || !value_ok(c, &t->v[j])) return false;
    }
    Value b = k->base;
    for (int depth = 0; b.tag == T_CLASS; depth++) {
      if (depth > 1000 || !value_ok(c, &b)) return false;
      b = AS(vm, b, Class)->base;
    }
    if (b.tag == T_TUPLE) {                       /* multiple inheritance: the MRO, classes only */
      if (!value_ok(c, &b)) return false;
      Tuple *t = AS(vm, b, Tuple);
      if (t->len < 2) return false;
      for (uint32_t j = 0; j < t->len; j++) if (!value_ok(c, &t->v[j]) || t->v[j].tag != T_CLASS) return false;
      return true;
    }
    return b.tag == T_NONE;
  }
  case T_INSTANCE: {
    Instance *in = (Instance *)h;
    if (!is_obj(c, in->cls, T_CLASS) || (in->dict && !is_obj(c, in->dict, T_DICT))) return false;
    if (in->slots) {                               /* slot mode: values for layout[0, nslots) */
      Ref lt = OBJ(vm, in->cls, Class)->layout;    /* (the class's own check comes later or came before) */
      uint32_t n = is_obj(c, lt, T_TUPLE) ? OBJ(vm, lt, Tuple)->len : 0;
      if (in->dict || in->nslots > n || !raw_ok(c, in->slots, T_ARRAY, (uint64_t)in->nslots * sizeof(Value)) ||
          !values_ok(c, OBJ(vm, in->slots, Array)->v, in->nslots))
        return false;
    } else if (in->nslots) return false;
    size_t n = (h->size - sizeof(Instance)) / sizeof(Value);
    if (!values_ok(c, in->x, n)) return false;
    if (!(OBJ(vm, in->cls, Class)->flags & CF_EXC)) return true;
    if (n < EXC_SLOTS) return false;               /* exceptions: the slots the VM reads */
    Value tb = in->x[EX_TB];
    if (tb.tag == T_LIST) {                        /* traceback entries: func << 32 | pc */
      List *l = AS(vm, tb, List);
      if (l->len > l->cap || !raw_ok(c, l->items, T_ARRAY, (uint64_t)l->cap * sizeof(Value))) return false;
      Value *items = list_items(vm, l);
      for (uint32_t k = 0; k < l->len; k++)
        if (items[k].tag != T_INT || (uint64_t)items[k].as.i >> 32 >= vm->nfuncs) return false;
    }
    return true;
  }
  case T_SET: case T_FROZENSET: {
    Set *st = (Set *)h;
    uint64_t slots = (uint64_t)st->mask + 1;
    if (slots & (slots - 1) || st->fill >= slots || st->used > st->fill || st->finger > slots) return false;
    if (!raw_ok(c, st->table, T_BYTES, slots * sizeof(SetEntry))) return false;
    const SetEntry *e = (const SetEntry *)(vm->mem + st->table + sizeof(ObjHdr));
    uint32_t used = 0, fill = 0;
    for (uint64_t i = 0; i < slots; i++) {
      if (!value_ok(c, &e[i].key)) return false;
      used += e[i].key.tag != T_UNBOUND;
      fill += e[i].key.tag != T_UNBOUND || e[i].hash != 0;
    }
    return used == st->used && fill == st->fill;   /* fill < slots: probing finds an empty slot */
  }
  case T_CLOSURE: {
    FuncObj *f = (FuncObj *)h;
    if (f->func >= vm->nfuncs || !value_ok(c, &f->defaults) || !value_ok(c, &f->kwdefaults) || !value_ok(c, &f->cells)) return false;
    if ((f->defaults.tag != T_NONE && f->defaults.tag != T_TUPLE) || (f->kwdefaults.tag != T_NONE && f->kwdefaults.tag != T_DICT)) return false;
    if (f->cells.tag == T_NONE) return true;
    if (f->cells.tag != T_TUPLE) return false;
    Tuple *t = AS(vm, f->cells, Tuple);
    if ((uint64_t)sizeof(Tuple) + (uint64_t)t->len * sizeof(Value) > t->h.size) return false;
    for (uint32_t k = 0; k < t->len; k++) if (t->v[k].tag != T_CELL) return false;
    return true;
  }
  case T_CELL: return value_ok(c, &((Cell *)h)->v);
  case T_GEN: {
    Gen *g = (Gen *)h;
    if (g->func >= vm->nfuncs || g->nregs != vm->funcs[g->func].nregs || g->pc >= vm->funcs[g->func].code_len ||
        g->state > GEN_DONE || (uint64_t)sizeof(Gen) + (uint64_t)g->nregs * sizeof(Value) > h->size) return false;
    return values_ok(c, g->regs, g->nregs);
  }
  case T_WRAP: {
    Wrap *w = (Wrap *)h;
    return w->kind <= W_CLASSMETHOD && value_ok(c, &w->a) && value_ok(c, &w->b);
  }
  case T_SLICE: { Slice *s = (Slice *)h; return value_ok(c, &s->start) && value_ok(c, &s->stop) && value_ok(c, &s->step); }
  default: return true;                           /* raw blocks: checked through their owner */
  }
}

static bool fail(const char **why, const char *msg) { *why = msg; return false; }

/* Frames: functions, pcs and register windows consistent with the program. */
static bool frames_ok(VM *vm, const uint8_t *f, uint32_t nframes, uint32_t nregs, uint32_t *top, const char **why) {
  uint32_t prev_base = 0;
  for (uint32_t k = 0; k < nframes; k++) {
    const uint8_t *e = f + k * SN_FRAME_SIZE;
    uint32_t fi = rd32(e + SN_FRAME_func), pc = rd32(e + SN_FRAME_pc), base = rd32(e + SN_FRAME_base);
    if (fi >= vm->nfuncs) return fail(why, "snapshot frame: bad function");
    Func *fn = &vm->funcs[fi];
    if (pc >= fn->code_len) return fail(why, "snapshot frame: pc outside its function");
    if (k == 0 ? (base != 1 || fi != 0) : base <= prev_base) return fail(why, "snapshot frame: bad register base");
    if (rd32(e + SN_FRAME_flags) != (k == 0 ? FRF_BOUNDARY : 0u)) return fail(why, "snapshot frame: bad flags");
    if ((uint64_t)base + fn->nregs > vm->stack_size) return fail(why, "snapshot frame: registers outside the stack");
    if (base + fn->nregs > *top) *top = base + fn->nregs;   /* a caller's dead temporaries may lie above nregs */
    if (k + 1 < nframes) {                        /* a caller: where its callee's result goes */
      uint32_t ret = rd32(e + SN_FRAME_SIZE + SN_FRAME_ret);
      if ((ret & 0xff) > FR_REPR || (((ret & 0xff) == FR_TOREG || (ret & 0xff) >= FR_STR) && (ret >> 8) >= fn->nregs))
        return fail(why, "snapshot frame: bad result destination");
    } else if ((uint64_t)base + fn->nregs > nregs)
      return fail(why, "snapshot: register stack smaller than the top frame");
    prev_base = base;
  }
  return true;
}

/* Check the snapshot s (len bytes) against the loaded program and install
 * it.  On failure *why says why (one line) and the VM must not run. */
bool snap_restore(VM *vm, const uint8_t *s, size_t len, const char **why) {
  if ((uintptr_t)s & 15) return fail(why, "snapshot is not 16-byte aligned in memory");
  if (len < SN_HEADER_SIZE) return fail(why, "snapshot truncated (shorter than its header)");
  if (rd32(s + SN_HDR_magic) != SN_MAGIC) return fail(why, "not a Drift snapshot (bad magic)");
  if (rd32(s + SN_HDR_version) != SN_VERSION) return fail(why, "snapshot format version not supported by this VM");
  if (rd32(s + SN_HDR_header_size) != SN_HEADER_SIZE || rd32(s + SN_HDR_flags)) return fail(why, "bad snapshot header");
  if (rd64(s + SN_HDR_total_size) != len) return fail(why, "snapshot size does not match its header (truncated?)");
  uint8_t sum[32], saved[32];
  if (!vm_restore_checked) {           /* else the host checked it just before putting it in our RAM */
    memcpy(saved, s + SN_HDR_checksum, 32);
    memset((uint8_t *)s + SN_HDR_checksum, 0, 32);   /* the platform's copy: restored below */
    sha256(s, len, sum);
    memcpy((uint8_t *)s + SN_HDR_checksum, saved, 32);
    if (memcmp(sum, saved, 32)) return fail(why, "snapshot checksum mismatch (corrupt)");
  }
  sha256(vm->code_file, rd32(vm->code_file + 12), sum);
  if (memcmp(sum, s + SN_HDR_code_sha256, 32)) return fail(why, "snapshot belongs to another program (bytecode hash differs)");

  uint32_t nframes = rd32(s + SN_HDR_nframes), nregs = rd32(s + SN_HDR_nregs);
  uint32_t heap_bytes = rd32(s + SN_HDR_heap_bytes), npend = rd32(s + SN_HDR_chan_pending);
  uint32_t off[SNS_LAST + 1], sz[SNS_LAST + 1];
  for (int k = SNS_FRAMES; k <= SNS_LAST; k++) {
    off[k] = rd32(s + SN_HDR_frames_off + 8 * (k - 1));
    sz[k] = rd32(s + SN_HDR_frames_size + 8 * (k - 1));
    if (off[k] < SN_HEADER_SIZE || off[k] % SN_ALIGN || (uint64_t)off[k] + sz[k] > len) return fail(why, "snapshot section out of bounds");
  }
  if (nframes == 0 || nframes > VM_MAX_FRAMES || sz[SNS_FRAMES] != nframes * SN_FRAME_SIZE ||
      rd32(s + SN_HDR_nroots) != SN_NROOTS || sz[SNS_ROOTS] != SN_NROOTS * SN_VALUE_SIZE ||
      nregs > vm->stack_size || sz[SNS_REGS] != (uint64_t)nregs * SN_VALUE_SIZE ||
      sz[SNS_HEAP] != heap_bytes || sz[SNS_CHAN] != npend)
    return fail(why, "snapshot sizes inconsistent");
  if (rd32(s + SN_HDR_nglobals) != vm->nglobals || sz[SNS_GLOBALS] != vm->nglobals * SN_VALUE_SIZE ||
      rd32(s + SN_HDR_nstrings) != vm->nstrings || sz[SNS_STRINGS] != vm->nstrings * 4 ||
      rd32(s + SN_HDR_heap_lo) != vm->heap_lo || memcmp(s + off[SNS_STRINGS], vm->strings, sz[SNS_STRINGS]))
    return fail(why, "snapshot arena layout differs from this VM's (another Drift build?)");
  if (heap_bytes % 8 || heap_bytes > vm->heap_hi - vm->heap_lo) return fail(why, "snapshot heap does not fit in this VM's memory");
  uint32_t top = nregs;
  if (!frames_ok(vm, s + off[SNS_FRAMES], nframes, nregs, &top, why)) return false;

  /* install the heap, then check it in place (the VM does not run if this fails) */
  memcpy(vm->mem + vm->heap_lo, s + off[SNS_HEAP], heap_bytes);
  vm->heap_top = vm->heap_lo + heap_bytes;
  size_t map = ALIGN_UP(((size_t)heap_bytes >> 6) + 1, 8), lmap = ALIGN_UP((vm->heap_lo >> 6) + 1, 8);
  size_t at = ALIGN_UP(vm->heap_top, 8);
  if (map + lmap > vm->heap_hi - at) return fail(why, "snapshot heap does not fit in this VM's memory");
  Check c = {vm, vm->mem + at, vm->mem + at + map};
  memset(c.starts, 0, map + lmap);
  if (!walk_immortal(&c)) return fail(why, "this VM's loader layout cannot be walked (too many tables)");
  if (!walk_heap(&c, why)) return false;
  for (size_t p = vm->heap_lo; p < vm->heap_top; p += OBJ(vm, (Ref)p, ObjHdr)->size)
    if (!object_ok(&c, (Ref)p)) return fail(why, "snapshot heap: an object is inconsistent");
  const Value *regs = (const Value *)(s + off[SNS_REGS]), *globals = (const Value *)(s + off[SNS_GLOBALS]);
  if (!values_ok(&c, globals, vm->nglobals)) return fail(why, "snapshot: bad value in a global");
  for (uint32_t k = 0; k < nframes; k++) {       /* frames running generators */
    const uint8_t *e = s + off[SNS_FRAMES] + k * SN_FRAME_SIZE;
    Ref g = rd32(e + SN_FRAME_gen);
    if (g && (!is_obj(&c, g, T_GEN) || OBJ(vm, g, Gen)->func != rd32(e + SN_FRAME_func)))
      return fail(why, "snapshot frame: bad generator");
  }
  const Value *roots = (const Value *)(s + off[SNS_ROOTS]);
  if (!values_ok(&c, roots, SN_NROOTS)) return fail(why, "snapshot: bad value in the VM's roots");
  int32_t exc = (int32_t)rd32(s + SN_HDR_exc);
  if (exc < -1 || exc >= E__COUNT) return fail(why, "snapshot: bad pending exception");

  memcpy(vm->frames, s + off[SNS_FRAMES], sz[SNS_FRAMES]);
  memcpy(vm->stack, regs, sz[SNS_REGS]);
  for (uint32_t k = 0; k < nregs; k++)           /* a dead temporary may hold a stale Ref (the */
    if (!value_ok(&c, &vm->stack[k])) vm->stack[k] = v_unbound();   /* collector skips those) */
  memset(vm->stack + nregs, 0, (size_t)(top - nregs) * sizeof(Value));   /* dead registers: UNBOUND */
  vm->valid_top = top;
  memcpy(vm->globals, globals, sz[SNS_GLOBALS]);
  memset(vm->mcache, 0, (size_t)vm->nconsts * 4);
  vm->nframes = nframes;
  vm->exc = exc;
  for (uint32_t k = 0; k < SN_NROOTS; k++) *root(vm, k) = roots[k];
  attr_cache_clear(vm);
  vm->shadowed = 1;                      /* unknown: instance dicts may hide methods (the cache is empty) */
  vm->exit_status = (int)rd32(s + SN_HDR_exit_status);
  vm->clock_offset_ns = (int64_t)(rd64(s + SN_HDR_clock_ns) - plat_clock_ns());   /* time.monotonic() goes on */
  vm->gc_count = rd64(s + SN_HDR_gc_count);
  vm->gc_at = gc_next_at(vm);
  vm->outlen = 0;
  if (npend) plat_channel_preload(s + off[SNS_CHAN], npend);
  return true;
}
