/*
 * vm.h -- the abstract machine's state and its internal interfaces.
 *
 * Module prefixes: heap_ (heap.c), load_ (load.c), verify_ (verify.c),
 * str_/list_/tuple_/dict_ (object.c, dict.c), fmt_ (format.c),
 * exc_ (error.c), bi_ (builtins.c), vm_ (interp.c).
 * A function returning bool returns false when it raised an exception
 * (vm->exc is set); callers propagate that.
 */
#ifndef DRIFT_VM_H
#define DRIFT_VM_H

#include "common.h"
#include "value.h"

enum {
#define EXC(name, parent) E_##name,
#include "exc.def"
#undef EXC
  E__COUNT
};

#define VM_MAX_FRAMES 1000        /* Python's default recursion limit */
#define VM_MAX_CDEPTH 40          /* nested vm_call()s (C stack: each costs ~1 KiB) */
#define VM_OUTBUF 4096

typedef struct Func {             /* a verified function, derived from the bytecode */
  const uint32_t *code;
  const uint8_t *lines;           /* LINE records */
  const uint8_t *exctab;          /* EXC records */
  uint32_t nexc;
  uint32_t code_len, line_count;
  uint32_t name;                  /* string-pool index */
  uint32_t first_line;
  uint16_t nparams, nregs;
  uint16_t flags;                 /* FMT_FFLAG_* */
  uint16_t nkwonly, nnames, nfree;
  uint16_t nslots;                /* parameter registers incl. *args, **kwargs */
  uint16_t nposonly;              /* the first nposonly parameters cannot be passed by keyword */
  uint32_t fast_nargs;            /* nparams (< 256) when a positional call of exactly that
                                     many arguments needs no binding work, else 0xffffffff:
                                     CALL's fast path compares it with the instruction's
                                     B | C << 8 (C, the keyword count, must be 0) */
  uint32_t qualname;              /* string-pool index: "outer.<locals>.inner" */
  const uint8_t *names;           /* nnames u32 string-pool indices (NAMES section) */
  const void *const *jit;         /* jit.h: compiled code of each instruction the interpreter may
                                     enter at (NULL: none), or NULL: not compiled */
} Func;

enum { FRF_BOUNDARY = 1 };        /* Frame.flags */

typedef struct Frame {
  uint32_t func;                  /* function index */
  uint32_t pc;                    /* next instruction (saved on calls / errors) */
  uint32_t base;                  /* index of R[0] in the register stack */
  uint32_t ret;                   /* where the result goes: FR_* | reg << 8 (0: the slot below base) */
  Ref gen;                        /* the Gen this frame runs, or 0 (a GC root) */
  uint32_t flags;                 /* FRF_*: BOUNDARY: returning from it returns to C */
} Frame;
enum { FR_NORMAL, FR_TOREG, FR_INIT, FR_DISCARD, FR_STR, FR_REPR };  /* STR/REPR: like TOREG, result must be a str */   /* Frame.ret & 0xff */

/* Special method names, interned at load (class.c). */
#define DUNDERS(X) X(init) X(str) X(repr) X(eq) X(ne) X(lt) X(le) X(gt) X(ge) X(hash) X(len) \
  X(getitem) X(setitem) X(delitem) X(iter) X(next) X(contains) X(call) X(bool) X(add) X(sub) X(mul) \
  X(truediv) X(floordiv) X(mod) X(pow) X(and) X(or) X(xor) X(lshift) X(rshift) X(radd) X(rsub) X(rmul) \
  X(rtruediv) X(rfloordiv) X(rmod) X(rpow) X(rand) X(ror) X(rxor) X(rlshift) X(rrshift) X(iadd) X(neg) \
  X(pos) X(invert) X(abs) X(enter) X(exit) X(format) X(index) X(int) X(float)
enum {
#define X(n) D_##n,
  DUNDERS(X)
#undef X
  D__COUNT
};

typedef struct AttrCache {        /* per constant: attribute lookup on a class */
  Ref cls;                        /* 0: empty (the whole table is cleared when a class it may
                                     depend on changes, and by every collection) */
  uint32_t method;                /* v is a plain function and no instance attribute may hide it
                                     (vm->shadowed was 0; setting it clears the table): METHOD's hit */
  Value v;                        /* what the class chain holds (T_UNBOUND: nothing) */
  uint32_t slot;                  /* the name's index in cls's layout (instances' slots[slot]), or
                                     ATTR_NOSLOT: not in it (yet), or v is a T_WRAP (a property...
                                     comes before the instance's attributes): the hit test
                                     `slot < nslots` then always fails */
  uint32_t seen;                  /* slot == ATTR_NOSLOT: layout entries known not to be the name */
} AttrCache;
#define ATTR_NOSLOT 0xffffffffu

typedef struct VM {
  uint8_t *mem;                   /* arena base: every Ref is relative to it */
  size_t size;                    /* arena bytes */
  size_t heap_lo, heap_top, heap_hi;  /* heap = [heap_lo, heap_hi); bump pointer heap_top */
  size_t gc_at;                   /* collect at the next safe point once heap_top passes this */
  uint64_t gc_count;

  /* program (read-only, from the verified bytecode) */
  const uint8_t *code_file;
  uint32_t nfuncs, nconsts, nstrings, nglobals;
  Func *funcs;
  Value *consts;                  /* string constants are heap Strs */
  Ref *strings;                   /* string pool as heap Strs */
  uint32_t filename;              /* string-pool index */
  const uint8_t *global_names;    /* GLOBALS section: u32 string index per slot */
  uint32_t *mcache;               /* per constant: method cache (type << 16 | native + 1) */

  /* state */
  Value *globals;
  Value *stack;                   /* register stack */
  uint32_t stack_size;            /* Values */
  Frame *frames;
  uint32_t nframes;
  uint32_t ntop;                  /* 0, or the end of live values above the top frame
                                     (arguments and scratch of running natives) */
  uint32_t cdepth;                /* nesting of vm_call() */
  uint32_t valid_top;             /* every register below this holds a valid Value (an immediate
                                     or a Ref the last collection saw): the CALL fast path leaves
                                     a callee's registers below it as they are (docs/vm.md) */
  uint32_t unsafe_native;         /* the running native is not gc_safe */

  /* pending exception */
  int exc;                        /* E_* kind of the pending exception, or -1 */
  Value exc_val;                  /* the pending exception (an Instance), valid when exc >= 0 */
  Value handling;                 /* the exception an except/finally block is handling, or None */
  Value memerr;                   /* a MemoryError made at start, raised when no other fits */
  Ref classes[E__COUNT + 1];      /* built-in exception classes, then object (immortal) */
  uint32_t cache_epoch;           /* bumped when acache[] is cleared (class.c attr_cache_clear) */
  Ref dunders[D__COUNT];          /* interned "__init__", ... (immortal) */
  Value notimpl;                  /* the NotImplemented singleton (immortal) */
  Ref vtypes[4];                  /* classes for type(x) of NoneType, function, builtin, generator values */
  uint32_t gc_hold;               /* > 0: no collection (C holds heap refs across a dunder call) */
  uint32_t shadowed;              /* an instance attribute may hide a method: METHOD checks instance dicts */
  AttrCache *acache;              /* per constant */
  /* added to plat_clock_ns() by vm_clock_ns(): a restored snapshot keeps time.monotonic() going */
  int64_t clock_offset_ns;
  int exit_status;

  /* the baseline compiler (jit.h; hosted x86-64): its code, and its state while it runs */
  void *jit_mem;                  /* the code mapping, jit_len bytes, JitRun at its start;
                                     NULL: everything is interpreted */
  size_t jit_len;
  const void **jit_entries;       /* backs every Func.jit */
  void *jit_sp;                   /* the native stack pointer to hand back with */
  uint32_t jit_base;              /* frames below this index are not compiled code's to return to */

  /* buffered stdout */
  uint32_t outlen;
  char out[VM_OUTBUF];
} VM;

/* builtins.c: the program's monotonic clock (time.monotonic): plat_clock_ns() + clock_offset_ns */
uint64_t vm_clock_ns(VM *vm);

#define OBJ(vm, ref, T) ((T *)((vm)->mem + (ref)))
#define AS(vm, v, T) OBJ(vm, (Ref)(v).as.r, T)

/* The items of a list (inline: the indexing fast paths use it). */
static inline Value *list_items(VM *vm, List *l) { return OBJ(vm, l->items, Array)->v; }

/* heap.c */
Ref heap_alloc(VM *vm, uint32_t type, size_t size);      /* 0 and MemoryError on failure */
void *heap_raw(VM *vm, size_t size, Ref *ref);           /* untyped block (T_BYTES) */

/* gc.c */
void gc_collect(VM *vm, size_t live_regs);
size_t gc_next_at(VM *vm);                      /* the next collection's threshold (gc_at) */

/* snapshot.c */
int vm_safe_point(VM *vm, size_t live_regs);    /* -1: go on; else an exit status */
void snap_request(VM *vm);                       /* from an interrupt handler too */
void snap_gc_done(VM *vm);
void snap_arm(VM *vm);
/* From a native waiting for the host (drift.recv) with nothing half-read:
 * serve a pending snapshot request as if at its CALL (which runs again after
 * a restore).  -1: go on; else the status to end the program with. */
int vm_snapshot_native(VM *vm);
/* builtins.c: write the channel's "ESC got" still due (drift.recv took a message). */
void vm_got_flush(void);
bool snap_restore(VM *vm, const uint8_t *s, size_t len, const char **why);

/* error.c */
bool exc_raise(VM *vm, int kind, const char *fmt, ...);  /* always returns false */
bool exc_type_error_op(VM *vm, const char *op, Value a, Value b);
const char *exc_name(int kind);
void exc_print_traceback(VM *vm);

/* object.c: strings, lists, tuples, ranges, iteration, equality, hashing */
const char *type_name(Value v);
Ref str_new(VM *vm, const char *s, size_t n);            /* 0 on MemoryError */
bool str_concat(VM *vm, Value a, Value b, Value *out);   /* a + b, both Str */
bool str_value(VM *vm, const char *s, size_t n, Value *out);
uint32_t utf8_count(const char *s, size_t n);
bool utf8_valid(const uint8_t *s, size_t n);              /* well-formed, no surrogates */
Ref list_new(VM *vm, uint32_t cap);
bool list_append(VM *vm, Value list, Value v);
Ref tuple_new(VM *vm, uint32_t len);
bool truthy(VM *vm, Value v);
bool values_equal(VM *vm, Value a, Value b, bool *eq);
bool value_hash(VM *vm, Value v, uint64_t *h);
bool compare(VM *vm, int op, Value a, Value b, bool *res);   /* op: 0 < 1 <= 2 > 3 >= */
bool vm_getiter(VM *vm, Value obj, Value *out);
int vm_next(VM *vm, Value it, Value *out);                    /* 1 item, 0 done, -1 error */
bool concat_fold(VM *vm, Value *r, uint32_t n);               /* CONCAT/CATCHK (object.c) */
bool get_item(VM *vm, Value obj, Value key, Value *out);
bool set_item(VM *vm, Value obj, Value key, Value val);
bool del_item(VM *vm, Value obj, Value key);
bool contains(VM *vm, Value container, Value item, bool *res);
bool seq_len(VM *vm, Value v, int64_t *n);
int64_t str_find(Str *hay, Str *needle, size_t from);      /* byte offset or -1 */

/* dict.c */
Ref dict_new(VM *vm, uint32_t cap);
bool dict_get(VM *vm, Dict *d, Value key, Value *out, bool *found);
bool dict_set(VM *vm, Value dict, Value key, Value val);
bool dict_del(VM *vm, Dict *d, Value key, bool *found);
DictEntry *dict_entries(VM *vm, Dict *d);
/* The same, inline: the interpreter's dict fast paths. */
static inline DictEntry *dict_ents(VM *vm, Dict *d) { return (DictEntry *)(vm->mem + d->entries + sizeof(ObjHdr)); }
int64_t dict_lookup_fast(VM *vm, Dict *d, Value key);     /* entry + 1, 0 absent, -1: use dict_get */
bool native_inline(VM *vm, Value *w, uint32_t n);         /* interp.c: CALL of dict.get / list.append in place */

/* arith.c */
bool arith(VM *vm, int op, Value a, Value b, Value *out);    /* op: an OP_ code */
bool unary(VM *vm, int op, Value a, Value *out);
bool arith_float(VM *vm, int op, double a, double b, Value *out);  /* float op float (fast paths) */

/* bigint.c: arbitrary-precision ints (T_INT when they fit, else T_BIGINT) */
typedef struct StrBuf StrBuf;
bool is_int(Value v);                                          /* int, bool or big int */
bool big_arith(VM *vm, int op, Value a, Value b, Value *out);  /* both is_int */
bool big_unary(VM *vm, int op, Value a, Value *out);           /* OP_NEG, OP_POS, OP_INVERT, else abs */
int big_cmp(VM *vm, Value a, Value b);                         /* both is_int: -1, 0, 1 */
int big_cmp_double(VM *vm, Value a, double f);                 /* exact; 2 if f is NaN */
bool int_to_double(VM *vm, Value a, double *out);              /* correctly rounded; OverflowError */
bool int_from_double(VM *vm, double f, Value *out);            /* finite f, truncated */
uint64_t big_hash(VM *vm, Value a);                            /* CPython's int hash */
uint64_t float_hash(double f);                                 /* CPython's float hash */
bool int_put_digits(StrBuf *sb, Value a, int base, bool upper); /* |a| in base 2/8/10/16 */
int int_parse_digits(VM *vm, const char *s, size_t n, int base, bool neg, Value *out);  /* 1 ok, 0 bad, -1 error */
int64_t int_bit_length(VM *vm, Value a);

/* set.c: set and frozenset */
bool is_anyset(Value v);
Ref set_new(VM *vm, uint32_t type);                              /* T_SET or T_FROZENSET */
bool set_add(VM *vm, Value set, Value key);
bool set_contains(VM *vm, Value set, Value key, bool *res);
bool set_update(VM *vm, Value set, Value iterable);
int set_next(VM *vm, Value set, int64_t *pos, Value *key, uint64_t *hash);  /* 1 item, 0 end */
bool set_binop(VM *vm, int op, Value a, Value b, Value *out);    /* OP_BOR, OP_BAND, OP_SUB, OP_BXOR */
bool set_inplace(VM *vm, int op, Value set, Value other);       /* set op= other (a set or frozenset) */
bool arith_inplace(VM *vm, int op, Value *a, Value b, Value *out); /* *a op= b (ISUB, IBOR, IBAND, IBXOR) */
int obj_idunder(VM *vm, Value a, const char *name, Value b, Value *out);  /* a.__ixxx__(b): 1 done, 0 none, -1 error */
bool set_compare(VM *vm, int op, Value a, Value b, bool *res);   /* op as compare() */
bool set_equal(VM *vm, Value a, Value b, bool *eq);
uint64_t set_hash(VM *vm, Value frozenset);
bool set_display_const(VM *vm, Value *items, uint32_t n, Value *out);   /* NEWSETK */

/* format.c: text of values, built at the top of the heap */
struct StrBuf { VM *vm; size_t start; size_t len; bool failed; };
void sb_begin(VM *vm, StrBuf *sb);
void sb_put(StrBuf *sb, const char *s, size_t n);
void sb_putc(StrBuf *sb, char c);
bool sb_str(StrBuf *sb, Value v);                   /* str(v) */
bool sb_repr(StrBuf *sb, Value v);                  /* repr(v) */
bool sb_format(StrBuf *sb, Value v, Str *spec);     /* format(v, spec) */
char *sb_insert(StrBuf *sb, size_t at, size_t n);     /* n bytes at offset at, moving the rest; NULL if full */
bool sb_end(StrBuf *sb, Value *out);                /* commit as a Str */
const char *sb_data(StrBuf *sb);
void sb_abandon(StrBuf *sb);                         /* drop without committing */
size_t fmt_int(int64_t i, char *buf);               /* decimal, buf >= 21 */
size_t fmt_udigits(uint64_t u);                     /* how many decimal digits */
void fmt_put_udigits(char *end, uint64_t u);        /* the digits of u, ending before end */
bool str_from_int(VM *vm, int64_t i, Value *out);   /* str(i) */

/* class.c: classes, instances, attributes, exception objects */
bool cls_boot(VM *vm);                                   /* make the built-in classes */
void cls_builtin_global(VM *vm, Str *name, Value *slot); /* bind a built-in class name */
Ref cls_of(VM *vm, Value v);                             /* the Class of an instance/exception, else 0 */
bool cls_is_sub(VM *vm, Ref cls, Ref base);
bool cls_lookup(VM *vm, Ref cls, Str *name, Value *out); /* found in the class chain? */
void attr_cache_clear(VM *vm);                           /* empty vm->acache (after a collection...) */
bool cls_new(VM *vm, Str *name, Value base, Value *out);
Ref inst_new(VM *vm, Ref cls);                           /* an instance of a user class (0: MemoryError) */
bool exc_new(VM *vm, Ref cls, Value *args, int nargs, Value *out);
bool exc_is_instance(VM *vm, Value v);
bool exc_set_pending(VM *vm, Value exc);                 /* raise an instance (or class); false always */
bool exc_matches(VM *vm, Value exc, Value what, bool *res);
void exc_add_tb(VM *vm, uint32_t func, uint32_t pc);     /* traceback entry on the pending exception */
bool exc_str(StrBuf *sb, Value exc);                     /* str(exc) for built-in exception behaviour */
const char *cls_name(VM *vm, Value v);                   /* type name incl. user classes */
int obj_getattr(VM *vm, Value obj, uint32_t k, Value *out);   /* 1 value, 2 call *out(obj) (property), 0 error */
int obj_setattr(VM *vm, Value obj, uint32_t k, Value val, Value *setter);  /* 1 done, 2 call setter(obj, val), 0 error */
bool obj_getattr_str(VM *vm, Value obj, Str *name, Value *out, bool *found);
int obj_method(VM *vm, Value *self, uint32_t k, Value *fn);   /* 1 fn(*self, ...), 2 fn(...) without self, 0 error */
bool wrap_new(VM *vm, uint32_t kind, Value a, Value b, Value *out);
bool obj_type(VM *vm, Value v, Value *out);
bool obj_isinstance(VM *vm, Value v, Value cls, bool *res);
bool obj_repr(StrBuf *sb, Value v);                      /* repr of instances, classes, wrappers */
bool obj_str(StrBuf *sb, Value v);                       /* str of an instance */
bool native_is_type(const char *name);
/* Dunder methods of instances, called from C (collections are held off
 * during the call, so the caller's C refs stay valid).  Each returns false
 * with an exception pending. */
bool obj_has_dunder(VM *vm, Value v, int d);
bool obj_find_dunder(VM *vm, Value v, int d, Value *fn);          /* the method, if the class chain has it */
void cls_mark_used(VM *vm, Ref cls);                               /* an instance of cls exists */
bool obj_richcmp(VM *vm, int op, Value a, Value b, Value *out);     /* op: 0 < 1 <= 2 > 3 >= 4 == 5 != */
bool obj_eq(VM *vm, Value a, Value b, bool *eq);
bool obj_hash(VM *vm, Value v, uint64_t *h);
bool obj_truthy(VM *vm, Value v, bool *res);
bool obj_len(VM *vm, Value v, int64_t *n);
bool obj_getitem(VM *vm, Value obj, Value key, Value *out);
bool obj_setitem(VM *vm, Value obj, Value key, Value val);
bool obj_delitem(VM *vm, Value obj, Value key);
bool obj_delattr(VM *vm, Value obj, uint32_t k);                               /* del obj.K[k] */
bool global_del(VM *vm, uint32_t gi);                                          /* del of a global (load.c) */
bool obj_contains(VM *vm, Value obj, Value item, bool *res);
bool obj_iter(VM *vm, Value obj, Value *out);
int obj_next(VM *vm, Value it, Value *out);                         /* 1 item, 0 done, -1 error */
bool obj_arith(VM *vm, int op, Value a, Value b, Value *out);       /* op: an OP_ code */
bool obj_unary(VM *vm, int op, Value a, Value *out);                   /* int, str, list, ...: shown as <class 'x'> */

#define CLASS_NATIVE(name) bool name(VM *vm, Value *a, int n, Value *kw, int nkw, Value *out);
CLASS_NATIVE(bi_isinstance) CLASS_NATIVE(bi_issubclass) CLASS_NATIVE(bi_type) CLASS_NATIVE(bi_getattr)
CLASS_NATIVE(bi_hasattr) CLASS_NATIVE(bi_setattr) CLASS_NATIVE(bi_staticmethod) CLASS_NATIVE(bi_classmethod)
CLASS_NATIVE(bi_property) CLASS_NATIVE(m_property_setter) CLASS_NATIVE(m_property_deleter) CLASS_NATIVE(bi_exc_init) CLASS_NATIVE(bi_object_init)
#undef CLASS_NATIVE

/* builtins.c */
typedef bool (*NativeFn)(VM *vm, Value *args, int nargs, Value *kw, int nkw, Value *out);
/* gc_safe: the native keeps every Value it needs across vm_call()/vm_next()
 * in GC roots (docs/vm.md).  Code run from a native that is not (the
 * default) runs with collection deferred (vm->gc_hold). */
typedef struct Native { const char *name; NativeFn fn; uint32_t self_type; uint32_t gc_safe; } Native;
extern const Native bi_natives[];
/* Fixed indices in bi_natives[] (designated there): CALL runs len(x) and
 * str(x) of the common types, dict.get and list.append without calling the
 * native.  The method indices are where those entries always were (a native's
 * index is in snapshots): a gap or an overlap in the table fails the build
 * (-Woverride-init) or every method lookup (a NULL name). */
enum { NATIVE_PRINT, NATIVE_LEN, NATIVE_RANGE, NATIVE_STR, NATIVE_LIST_APPEND = 89, NATIVE_DICT_GET = 117 };
#define NATIVE(name) bool name(VM *vm, Value *a, int n, Value *kw, int nkw, Value *out)
bool bi_nargs(VM *vm, const char *fn, int n, int lo, int hi);   /* TypeError unless lo <= n <= hi */
bool bi_index(VM *vm, Value v, int64_t *i);                     /* an int argument that fits int64 */
/* numeric.c */
NATIVE(bi_hex); NATIVE(bi_oct); NATIVE(bi_bin); NATIVE(bi_hash); NATIVE(bi_pow); NATIVE(bi_format); NATIVE(m_int_bit_length); NATIVE(m_float_is_integer);
/* set.c */
NATIVE(bi_set); NATIVE(bi_frozenset); NATIVE(m_set_add); NATIVE(m_set_remove); NATIVE(m_set_discard);
NATIVE(m_set_pop); NATIVE(m_set_clear); NATIVE(m_set_copy); NATIVE(m_set_union); NATIVE(m_set_intersection);
NATIVE(m_set_difference); NATIVE(m_set_symmetric_difference); NATIVE(m_set_update);
NATIVE(m_set_intersection_update); NATIVE(m_set_difference_update); NATIVE(m_set_symmetric_difference_update);
NATIVE(m_set_issubset); NATIVE(m_set_issuperset); NATIVE(m_set_isdisjoint);
/* strmethods.c, strformat.c */
bool str_percent(VM *vm, Value fmt, Value args, Value *out);     /* fmt % args */
NATIVE(m_str_split); NATIVE(m_str_rsplit); NATIVE(m_str_splitlines); NATIVE(m_str_partition); NATIVE(m_str_rpartition);
NATIVE(m_str_ljust); NATIVE(m_str_rjust); NATIVE(m_str_center); NATIVE(m_str_zfill); NATIVE(m_str_title);
NATIVE(m_str_capitalize); NATIVE(m_str_swapcase); NATIVE(m_str_casefold); NATIVE(m_str_isupper); NATIVE(m_str_islower);
NATIVE(m_str_istitle); NATIVE(m_str_isdecimal); NATIVE(m_str_isnumeric); NATIVE(m_str_isidentifier);
NATIVE(m_str_isascii); NATIVE(m_str_isprintable); NATIVE(m_str_find); NATIVE(m_str_rfind); NATIVE(m_str_index);
NATIVE(m_str_rindex); NATIVE(m_str_count); NATIVE(m_str_removeprefix); NATIVE(m_str_removesuffix);
NATIVE(m_str_expandtabs); NATIVE(m_str_format);
/* mathmod.c: the math and sys modules */
bool mod_constant(VM *vm, const char *name, size_t n, Value *out);   /* "math.pi" etc.; false if none */
int sys_exit_status(VM *vm);
/* builtins2.c */
int iter2_next(VM *vm, Value it, Value *out);                      /* enumerate and zip steps */
bool dict_or(VM *vm, Value a, Value b, Value *out);                /* a | b for dicts */
bool dict_update_from(VM *vm, Value *d, Value other);              /* dict or iterable of pairs; *d rewritten */
NATIVE(bi_enumerate); NATIVE(bi_zip); NATIVE(bi_round); NATIVE(m_list_remove); NATIVE(m_dict_setdefault);
NATIVE(m_dict_update); NATIVE(m_dict_popitem); NATIVE(bi_dict_fromkeys);
/* bytes.c */
bool slice_indices(VM *vm, Slice *sl, int64_t n, int64_t *start, int64_t *step, int64_t *count);   /* object.c */
Ref bytes_new(VM *vm, const void *s, size_t n);
void bytes_repr(StrBuf *sb, Value b);
bool bytes_getitem(VM *vm, Value b, Value key, Value *out);
bool bytes_contains(VM *vm, Value b, Value x, bool *res);
bool bytes_concat(VM *vm, Value a, Value b, Value *out);
bool bytes_repeat(VM *vm, Value b, Value k, Value *out);
bool is_setlike_view(Value v);                                       /* dict_keys or dict_items */
bool view_equal(VM *vm, Value a, Value b, bool *eq);
bool view_contains(VM *vm, Value view, Value x, bool *res);
bool view_setop(VM *vm, int op, Value a, Value b, Value *out);       /* view | & - ^ iterable: a set */
NATIVE(bi_bytes); NATIVE(m_bytes_decode); NATIVE(m_str_encode); NATIVE(m_bytes_hex); NATIVE(m_bytes_count); NATIVE(m_bytes_find);                                       /* uncaught SystemExit: its status, else -1 */
NATIVE(mt_sqrt); NATIVE(mt_exp); NATIVE(mt_sin); NATIVE(mt_cos); NATIVE(mt_tan); NATIVE(mt_atan); NATIVE(mt_asin);
NATIVE(mt_acos); NATIVE(mt_fabs); NATIVE(mt_log); NATIVE(mt_log2); NATIVE(mt_log10); NATIVE(mt_pow); NATIVE(mt_atan2);
NATIVE(mt_fmod); NATIVE(mt_copysign); NATIVE(mt_hypot); NATIVE(mt_degrees); NATIVE(mt_radians); NATIVE(mt_isfinite);
NATIVE(mt_isinf); NATIVE(mt_isnan); NATIVE(mt_floor); NATIVE(mt_ceil); NATIVE(mt_trunc); NATIVE(mt_gcd); NATIVE(mt_isqrt);
NATIVE(mt_factorial); NATIVE(mt_perm); NATIVE(mt_comb); NATIVE(sy_exit);
extern const uint32_t bi_count;
int bi_lookup_global(const char *name, size_t n);              /* -1 if none */
int bi_lookup_method(uint32_t type, const char *name, size_t n); /* -1 if none */
void out_write(VM *vm, int stream, const char *s, size_t n);
void out_flush(VM *vm);

/* load.c / verify.c */
bool load_program(VM *vm, const uint8_t *code, size_t len, const char **why);
/* What the loader laid out below heap_lo: program tables (offset, bytes) from
 * load_start on, with its immortal objects (constant strings, built-in
 * classes...) between them; snapshot.c walks those.  More than
 * LOAD_MAX_CARVES tables: load_ncarves > LOAD_MAX_CARVES. */
#define LOAD_MAX_CARVES 32
extern size_t load_start, load_carves[LOAD_MAX_CARVES][2];
extern uint32_t load_ncarves;
bool verify_function(VM *vm, uint32_t fi, const char **why, uint32_t *bad_pc);

/* interp.c */
int vm_execute(VM *vm, bool resume);   /* resume: continue from vm->frames (a restored snapshot) */
/* Call `callable` (function, closure or native) with nargs positional
 * arguments and run it to completion; the result goes to *out.  Usable from
 * natives.  Returns false with the exception pending.  Garbage may be
 * collected during the call: every Value the caller needs afterwards must be
 * in a GC root (its own argument registers, or slots from vm_push()), and no
 * C pointer into the heap survives the call.  args may point anywhere (it is
 * copied first).  Nesting is bounded (RecursionError). */
bool vm_call(VM *vm, Value callable, Value *args, int nargs, Value *out);
/* The same with nkw (name, value) keyword pairs after the positional ones. */
bool vm_call_kw(VM *vm, Value callable, Value *args, int nargs, int nkw, Value *out);
/* Reserve n registers (set to None) above everything live: GC roots for a
 * native's values across vm_call().  NULL on overflow (RecursionError).
 * Pattern: uint32_t mark = vm->ntop; Value *r = vm_push(vm, 2); ...
 * vm_pop(vm, mark) -- on every path, errors included. */
Value *vm_push(VM *vm, uint32_t n);
void vm_pop(VM *vm, uint32_t mark);
/* Generators (interp.c): resume `gen` sending `send`; 1 with the yielded
 * value in *out, 0 when it returned (its value in *out), -1 on error. */
int gen_resume(VM *vm, Value gen, Value send, Value *out);
int gen_throw(VM *vm, Value gen, Value *out);
#ifdef DRIFT_FUZZ
/* Fuzzing builds only: an execution budget, so a mutated infinite loop ends.
 * When vm_fuel is nonzero, each backward jump, call, iterator step and
 * backward jump to an exception handler takes one unit.  The budget is spent
 * when vm_fuel reaches 1, and stays spent: every later unit raises
 * RuntimeError again and no handler catches it (FUEL_SPENT), so the program
 * ends.  0: unlimited. */
extern uint64_t vm_fuel;
#define FUEL_SPENT() (vm_fuel == 1)
#define FUEL_RAISE(vm) (!exc_raise(vm, E_RuntimeError, "fuel exhausted (fuzzing build)"))
#define FUEL_OUT(vm) (vm_fuel && (vm_fuel == 1 || --vm_fuel == 1) && FUEL_RAISE(vm))
/* Big allocations also use fuel (a unit per 4 KiB), leaving at least 1. */
#define FUEL_USE(bytes) (vm_fuel ? (void)(vm_fuel = vm_fuel > ((bytes) >> 12) + 1 ? vm_fuel - ((bytes) >> 12) : 1) : (void)0)
/* Long native work (`units` steps, a fuel unit per 4096): true with
 * RuntimeError raised once the budget is spent. */
#define FUEL_WORK(vm, units) (vm_fuel && (FUEL_USE(units), vm_fuel == 1) && FUEL_RAISE(vm))
#else
#define FUEL_SPENT() false
#define FUEL_OUT(vm) false
#define FUEL_USE(bytes) ((void)0)
#define FUEL_WORK(vm, units) false
#endif
uint32_t vm_line_of(VM *vm, uint32_t func, uint32_t pc);

/* The allocation fast path: like heap_alloc but only the header is set; the
 * caller initialises every other byte before the next safe point.  0 when
 * the heap is full (no exception raised: call heap_alloc for that). */
static inline Ref heap_bump(VM *vm, uint32_t type, size_t size) {
  size = ALIGN_UP(size, 8);
  if (unlikely(size > vm->heap_hi - vm->heap_top)) return 0;
  FUEL_USE(size);
  Ref r = (Ref)vm->heap_top;
  vm->heap_top += size;
  ObjHdr *h = OBJ(vm, r, ObjHdr);
  h->type = type; h->size = (uint32_t)size; h->fwd = 0; h->mark = 0;
  return r;
}

uint64_t str_hash_slow(Str *s);                     /* object.c: computes and caches s->hash */
static inline uint64_t str_hash(Str *s) { return likely(s->hash) ? s->hash : str_hash_slow(s); }

#endif
