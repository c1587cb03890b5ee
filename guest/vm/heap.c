/*
 * heap.c -- the object heap: one region of the arena, objects addressed by
 * offsets (Ref).  Allocation is a bump pointer; the heap never hands out a
 * pointer that outlives a collection (there is none yet: see docs).
 */
#include "vm.h"

/* Allocate a zeroed object of `size` bytes (header included) of `type`.
 * Returns its Ref, or 0 with MemoryError raised when the heap is full. */
Ref heap_alloc(VM *vm, uint32_t type, size_t size) {
  size = ALIGN_UP(size, 8);
  if (unlikely(size > vm->heap_hi - vm->heap_top || size > 0xffffffffu)) {
    exc_raise(vm, E_MemoryError, "");
    return 0;
  }
  FUEL_USE(size);
  Ref r = (Ref)vm->heap_top;
  vm->heap_top += size;
  ObjHdr *h = OBJ(vm, r, ObjHdr);
  memset(h, 0, size);
  h->type = type;
  h->size = (uint32_t)size;
  return r;
}

/* Allocate an untyped block whose payload is `size` bytes; returns a pointer
 * to the payload (and its object's Ref in *ref), or NULL on MemoryError. */
void *heap_raw(VM *vm, size_t size, Ref *ref) {
  Ref r = heap_alloc(vm, T_BYTES, sizeof(ObjHdr) + size);
  *ref = r;
  return r ? (void *)(vm->mem + r + sizeof(ObjHdr)) : NULL;
}
