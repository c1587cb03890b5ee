/*
 * gc.c -- a precise, compacting mark-compact collector (Lisp 2 style) over
 * the offset-addressed heap.  It runs only at safe points of the
 * interpreter (calls and loop back-edges), where every live value is in a
 * root: the globals, the live registers, the pending exception.  Objects
 * keep their allocation order, so the heap after a collection is exactly
 * the live data, packed from heap_lo -- what a snapshot will copy.
 *
 * Phases: mark (explicit mark stack in the free space above heap_top, with
 * a rescan loop if it overflows), forward (assign new offsets in address
 * order), update (rewrite every reference), move (slide objects down).
 */
#include "vm.h"
#include "platform.h"

int vm_gc_stress;

enum { MARK, UPDATE };

typedef struct GC {
  VM *vm;
  int mode;
  Ref *stack;          /* mark stack, in the free space */
  size_t sp, cap;
  bool overflow;
} GC;

static ObjHdr *hdr(VM *vm, Ref r) { return OBJ(vm, r, ObjHdr); }

static void visit(GC *gc, uint64_t *slot) {
  VM *vm = gc->vm;
  Ref r = (Ref)*slot;
  if (r < vm->heap_lo || r >= vm->heap_top) return;      /* immortal constants */
  ObjHdr *h = hdr(vm, r);
  if (gc->mode == UPDATE) { *slot = h->fwd; return; }
  if (h->mark) return;
  h->mark = 1;
  if (gc->sp < gc->cap) gc->stack[gc->sp++] = r;
  else gc->overflow = true;
}

static void visit_value(GC *gc, Value *v) {
  if (v->tag >= T_FIRST_HEAP) visit(gc, &v->as.r);
}

static void visit_ref(GC *gc, Ref *slot) {
  uint64_t x = *slot;
  visit(gc, &x);
  *slot = (Ref)x;
}

/* Visit every reference held by the object at r (at its current address). */
static void scan(GC *gc, Ref r) {
  VM *vm = gc->vm;
  switch (hdr(vm, r)->type) {
  case T_LIST: {
    List *l = OBJ(vm, r, List);
    Value *items = OBJ(vm, l->items, Array)->v;        /* old address: objects move later */
    for (uint32_t i = 0; i < l->len; i++) visit_value(gc, &items[i]);
    visit_ref(gc, &l->items);
    break;
  }
  case T_TUPLE: {
    Tuple *t = OBJ(vm, r, Tuple);
    for (uint32_t i = 0; i < t->len; i++) visit_value(gc, &t->v[i]);
    break;
  }
  case T_DICT: {
    Dict *d = OBJ(vm, r, Dict);
    DictEntry *e = dict_entries(vm, d);
    for (uint32_t i = 0; i < d->used; i++) { visit_value(gc, &e[i].key); visit_value(gc, &e[i].val); }
    visit_ref(gc, &d->entries);
    visit_ref(gc, &d->index);
    break;
  }
  case T_SET: case T_FROZENSET: {
    Set *s = OBJ(vm, r, Set);
    SetEntry *e = (SetEntry *)(vm->mem + s->table + sizeof(ObjHdr));
    for (uint32_t i = 0; i <= s->mask; i++) visit_value(gc, &e[i].key);
    visit_ref(gc, &s->table);
    break;
  }
  case T_ITER: case T_DKEYS: case T_DVALUES: case T_DITEMS: visit_value(gc, &OBJ(vm, r, Iter)->seq); break;
  case T_SLICE: {
    Slice *s = OBJ(vm, r, Slice);
    visit_value(gc, &s->start); visit_value(gc, &s->stop); visit_value(gc, &s->step);
    break;
  }
  case T_CLOSURE: {
    FuncObj *f = OBJ(vm, r, FuncObj);
    visit_value(gc, &f->defaults); visit_value(gc, &f->kwdefaults); visit_value(gc, &f->cells);
    break;
  }
  case T_CELL: visit_value(gc, &OBJ(vm, r, Cell)->v); break;
  case T_GEN: {
    Gen *g = OBJ(vm, r, Gen);
    for (uint32_t i = 0; i < g->nregs; i++) visit_value(gc, &g->regs[i]);
    break;
  }
  case T_CLASS: {
    Class *c = OBJ(vm, r, Class);
    visit_ref(gc, &c->name); visit_ref(gc, &c->dict); visit_value(gc, &c->base);
    visit_ref(gc, &c->qualname); visit_value(gc, &c->bases);
    if (c->layout) visit_ref(gc, &c->layout);
    break;
  }
  case T_INSTANCE: {
    Instance *in = OBJ(vm, r, Instance);
    size_t n = (in->h.size - sizeof(Instance)) / sizeof(Value);
    visit_ref(gc, &in->cls);
    if (in->dict) visit_ref(gc, &in->dict);
    if (in->slots) {                                  /* old address, as a list's items */
      Value *sv = OBJ(vm, in->slots, Array)->v;
      for (uint32_t i = 0; i < in->nslots; i++) visit_value(gc, &sv[i]);
      visit_ref(gc, &in->slots);
    }
    for (size_t i = 0; i < n; i++) visit_value(gc, &in->x[i]);
    break;
  }
  case T_WRAP: visit_value(gc, &OBJ(vm, r, Wrap)->a); visit_value(gc, &OBJ(vm, r, Wrap)->b); break;
  default: break;                                     /* str, range, raw blocks: no references */
  }
}

static void roots(GC *gc, size_t live_regs) {
  VM *vm = gc->vm;
  for (uint32_t i = 0; i < vm->nglobals; i++) visit_value(gc, &vm->globals[i]);
  for (size_t i = 0; i < live_regs; i++) visit_value(gc, &vm->stack[i]);
  for (uint32_t i = 0; i < vm->nframes; i++)
    if (vm->frames[i].gen) visit_ref(gc, &vm->frames[i].gen);
  visit_value(gc, &vm->exc_val);
  visit_value(gc, &vm->handling);
  visit_value(gc, &vm->memerr);
}

static void drain(GC *gc) {
  while (gc->sp) scan(gc, gc->stack[--gc->sp]);
}

#ifndef GC_NURSERY
#define GC_NURSERY (8u << 20)
#endif
#ifndef GC_LIVE_FACTOR
#define GC_LIVE_FACTOR 8
#endif
/* Where the next collection starts, from heap_top just after a collection
 * (or the load): once the heap has grown by max(GC_NURSERY, GC_LIVE_FACTOR x
 * the live data), and at most by half of the free space (which leaves
 * natives headroom between safe points).  Marking and updating cost grows
 * with the live data, so growing by a multiple of it bounds their cost per
 * allocated byte; the cap at 8 MiB for small live data keeps allocation and
 * the collector's passes over the heap in the CPU caches (growing by half
 * the arena, 128 MiB in drift-vm, made every allocation a cache miss and a
 * fresh page: nbody -16 %, dict_count -20..35 %, binary_trees -8 %). */
size_t gc_next_at(VM *vm) {
  if (vm_gc_stress) return 0;
  size_t top = vm->heap_top, half = (vm->heap_hi - top) / 2, live = top - vm->heap_lo;
  size_t grow = live * GC_LIVE_FACTOR > GC_NURSERY ? live * GC_LIVE_FACTOR : GC_NURSERY;
  return top + (grow < half ? grow : half);
}

/* Collect garbage.  live_regs: how many registers from the stack bottom are live. */
void gc_collect(VM *vm, size_t live_regs) {
  if (vm->gc_hold) return;               /* C code holds heap refs across a dunder call */
  /* Every frame's registers are roots, a caller's above the top frame too
   * (its temporaries beyond the callee's window: dead for compiled code, but
   * hostile bytecode may read them after the return, so they must stay
   * valid).  Registers above are dead: the collection does not update them,
   * so the CALL fast path may no longer reuse them as they are (valid_top). */
  for (uint32_t i = 0; i < vm->nframes; i++) {
    size_t end = (size_t)vm->frames[i].base + vm->funcs[vm->frames[i].func].nregs;
    if (end > live_regs) live_regs = end;
  }
  vm->valid_top = (uint32_t)live_regs;
  GC gc = {vm, MARK, (Ref *)(vm->mem + ALIGN_UP(vm->heap_top, 8)), 0, 0, false};
  gc.cap = (vm->heap_hi - ALIGN_UP(vm->heap_top, 8)) / sizeof(Ref);
  roots(&gc, live_regs);
  drain(&gc);
  while (gc.overflow) {                  /* the mark stack overflowed: rescan marked objects */
    gc.overflow = false;
    for (size_t p = vm->heap_lo; p < vm->heap_top; p += hdr(vm, (Ref)p)->size)
      if (hdr(vm, (Ref)p)->mark) { scan(&gc, (Ref)p); drain(&gc); }
  }
  size_t to = vm->heap_lo;               /* forward */
  for (size_t p = vm->heap_lo; p < vm->heap_top; p += hdr(vm, (Ref)p)->size) {
    ObjHdr *h = hdr(vm, (Ref)p);
    if (h->mark) { h->fwd = (uint32_t)to; to += h->size; }
  }
  gc.mode = UPDATE;                      /* update */
  roots(&gc, live_regs);
  for (size_t p = vm->heap_lo; p < vm->heap_top; p += hdr(vm, (Ref)p)->size)
    if (hdr(vm, (Ref)p)->mark) scan(&gc, (Ref)p);
  size_t end = vm->heap_top;             /* move */
  for (size_t p = vm->heap_lo, next; p < end; p = next) {
    ObjHdr *h = hdr(vm, (Ref)p);
    next = p + h->size;
    if (!h->mark) continue;
    uint32_t dst = h->fwd;
    h->mark = 0;
    if (dst != p) memmove(vm->mem + dst, h, h->size);
  }
  vm->heap_top = to;
  vm->gc_at = gc_next_at(vm);
  vm->gc_count++;
  attr_cache_clear(vm);                  /* attribute caches hold offsets */
  snap_gc_done(vm);                      /* a pending snapshot request keeps gc_at forced */
}
