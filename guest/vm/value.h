/*
 * value.h -- the value representation of the abstract machine.
 *
 * A Value is 16 bytes: an 8-byte payload and a 4-byte tag (4 bytes spare),
 * with the same layout on every 64-bit little-endian CPU.  Heap values hold
 * an arena OFFSET (Ref), never a pointer, so the heap can be moved, compacted
 * and resumed on another architecture.
 */
#ifndef DRIFT_VALUE_H
#define DRIFT_VALUE_H

#include "common.h"

typedef uint32_t Ref;            /* byte offset into the arena; 0 is "no object" */

/* Tags.  Immediate values first; every tag >= T_STR refers to a heap object
 * whose header carries the same type number. */
#define TAG_LIST(X) \
  X(UNBOUND, "<unbound>") X(NONE, "NoneType") X(BOOL, "bool") X(INT, "int") \
  X(FLOAT, "float") X(FUNC, "function") X(NATIVE, "builtin_function_or_method") \
  X(STR, "str") X(LIST, "list") X(TUPLE, "tuple") X(DICT, "dict") X(RANGE, "range") \
  X(ITER, "iterator") X(SLICE, "slice") X(ARRAY, "<array>") X(BYTES, "<raw>") \
  X(BIGINT, "int") X(SET, "set") X(FROZENSET, "frozenset") X(CLASS, "type") X(INSTANCE, "object") \
  X(WRAP, "method") X(NOSELF, "<noself>") \
  X(CLOSURE, "function") X(CELL, "cell") X(GEN, "generator") X(BYTESTR, "bytes") \
  X(DKEYS, "dict_keys") X(DVALUES, "dict_values") X(DITEMS, "dict_items")   /* views: an Iter whose seq is the dict */

enum {
#define X(name, pyname) T_##name,
  TAG_LIST(X)
#undef X
  T__COUNT
};
#define T_FIRST_HEAP T_STR

typedef struct Value {
  union { int64_t i; double f; uint64_t r; } as;
  uint32_t tag;
  uint32_t aux;                  /* reserved, always 0 */
} Value;
_Static_assert(sizeof(Value) == 16, "Value is 16 bytes on every architecture");

static inline Value v_none(void)        { Value v = {{0}, T_NONE, 0}; return v; }
static inline Value v_unbound(void)     { Value v = {{0}, T_UNBOUND, 0}; return v; }
static inline Value v_bool(bool b)      { Value v = {{.i = b}, T_BOOL, 0}; return v; }
static inline Value v_int(int64_t i)    { Value v = {{.i = i}, T_INT, 0}; return v; }
static inline Value v_float(double f)   { Value v = {{.f = f}, T_FLOAT, 0}; return v; }
static inline Value v_obj(uint32_t tag, Ref r) { Value v = {{.r = r}, tag, 0}; return v; }
static inline Value v_func(uint32_t ix) { Value v = {{.i = ix}, T_FUNC, 0}; return v; }
static inline Value v_native(uint32_t ix) { Value v = {{.i = ix}, T_NATIVE, 0}; return v; }

/* ---- heap objects: every one starts with a header ---------------------- */
typedef struct ObjHdr {
  uint32_t type;                 /* a T_* tag */
  uint32_t size;                 /* total bytes including the header, 8-aligned */
  uint32_t fwd;                  /* the collector's forwarding offset */
  uint32_t mark;                 /* the collector's mark bit */
} ObjHdr;

typedef struct Str {
  ObjHdr h;
  uint32_t nbytes;               /* UTF-8 length */
  uint32_t nchars;               /* code points */
  uint64_t hash;                 /* 0 = not computed yet */
  char data[];                   /* nbytes bytes + NUL */
} Str;

typedef struct BigInt {         /* an int outside the int64 range (bigint.c) */
  ObjHdr h;
  uint32_t n;                    /* limbs; the top one is nonzero */
  uint32_t neg;                  /* 1: negative */
  uint32_t d[];                  /* magnitude, 32-bit limbs, least significant first */
} BigInt;

typedef struct Array {           /* backing store of lists and dicts */
  ObjHdr h;
  Value v[];
} Array;

typedef struct List {
  ObjHdr h;
  uint32_t len, cap;
  Ref items;                     /* Array of cap Values */
  uint32_t pad;
} List;

typedef struct Tuple {
  ObjHdr h;
  uint32_t len, pad;
  Value v[];
} Tuple;

typedef struct DictEntry {
  Value key, val;                /* key.tag == T_UNBOUND: deleted */
  uint64_t hash;
} DictEntry;

typedef struct Dict {
  ObjHdr h;
  uint32_t len;                  /* live entries */
  uint32_t used;                 /* entries[] slots used, live or deleted */
  uint32_t cap;                  /* entries[] capacity */
  uint32_t mask;                 /* index slots - 1 (a power of two minus one) */
  Ref entries;                   /* raw block of cap DictEntry */
  Ref index;                     /* raw block of mask+1 u32: entry number + 1, 0 empty */
} Dict;

typedef struct SetEntry {
  Value key;                     /* key.tag == T_UNBOUND: unused (hash 0) or dummy (hash -1) */
  uint64_t hash;
} SetEntry;

typedef struct Set {             /* set and frozenset (set.c) */
  ObjHdr h;
  uint32_t fill;                 /* active + dummy entries */
  uint32_t used;                 /* active entries */
  uint32_t mask;                 /* table slots - 1 */
  uint32_t finger;               /* where pop() looks next */
  Ref table;                     /* raw block of mask+1 SetEntry */
  uint32_t pad;
} Set;

typedef struct Range {
  ObjHdr h;
  int64_t start, stop, step;
} Range;

enum { IT_RANGE, IT_LIST, IT_TUPLE, IT_STR, IT_DICT_KEYS, IT_DICT_VALUES, IT_DICT_ITEMS, IT_REVERSED, IT_SET,
       IT_MAP, IT_FILTER, IT_ENUMERATE, IT_ZIP, IT_BYTES };   /* enumerate/zip: seq = (iterator...), enumerate's count in cur */   /* map/filter: seq = (function, iterator...) */
typedef struct Iter {
  ObjHdr h;
  uint32_t kind, pad;
  int64_t cur, stop, step;       /* ranges; positions for the rest (cur) */
  Value seq;
} Iter;

typedef struct Slice {
  ObjHdr h;
  Value start, stop, step;
} Slice;

/* A class: built-in (exception classes, object; immortal, immutable) or
 * made by a `class` statement.  Single inheritance: base is a T_CLASS or None. */
enum { CF_BUILTIN = 1, CF_EXC = 2, CF_USED = 4 };   /* CF_USED: it or a subclass has instances */
typedef struct Class {
  ObjHdr h;
  Ref name;                      /* Str: __name__ */
  Ref dict;                      /* Dict: attributes and methods */
  Value base;                    /* T_CLASS, or None for object */
  int32_t exc_kind;              /* E_* of the nearest built-in exception ancestor, -1 if none */
  uint32_t flags;                /* CF_* */
  Ref qualname;                  /* Str: __qualname__ (the same Str as name for a top-level class) */
  Ref layout;                    /* Tuple of Str: the attribute names its instances keep in slots,
                                    in the order they were first stored (0: none yet; built-in
                                    classes never get one); only ever grows (class.c) */
  Value bases;                   /* a class of several bases: the Tuple of its direct bases; else None */
  uint32_t cached;               /* == vm->cache_epoch: an attribute cache entry may depend on it */
  uint32_t pad;
} Class;

/* An instance of a class.  Its attributes are either in slots (slot mode,
 * dict == 0): slots[j] for j < nslots is the value of the class's
 * layout[j], T_UNBOUND when the instance does not have it (the present
 * ones are in the order they were stored); or in a Dict (dict mode: after
 * __dict__, a deletion that leaves a hole followed by a re-store, an order
 * the layout cannot express, more than LAYOUT_MAX names, built-in classes).
 * Instances of exception classes carry EXC_SLOTS more Values (x[]). */
enum { EX_ARGS, EX_CAUSE, EX_CONTEXT, EX_TB, EX_SUPPRESS, EXC_SLOTS };
#define LAYOUT_MAX 64
typedef struct Instance {
  ObjHdr h;
  Ref cls;                       /* Class */
  Ref dict;                      /* dict mode: the Dict; 0: slot mode */
  Ref slots;                     /* slot mode: Array of at least nslots Values, or 0 */
  uint32_t nslots;               /* slot mode: layout entries covered by slots[] (0 in dict mode) */
  Value x[];                     /* exceptions: args tuple, __cause__, __context__, traceback list, suppress flag */
} Instance;

/* Small two-value wrappers (T_WRAP): bound methods, super(), property,
 * staticmethod and classmethod objects. */
enum { W_BOUND, W_SUPER, W_PROPERTY, W_STATIC, W_CLASSMETHOD };
typedef struct Wrap {
  ObjHdr h;
  uint32_t kind, pad;
  Value a, b;                    /* bound: self, func; super: class, self; property: getter, setter */
} Wrap;

/* A function with defaults or free variables (plain functions are T_FUNC
 * immediates: an index, no allocation, the fast call path). */
typedef struct FuncObj {
  ObjHdr h;
  uint32_t func;                 /* function index */
  uint32_t pad;
  Value defaults;                /* Tuple of the last len positional defaults, or None */
  Value kwdefaults;              /* Dict name -> default of keyword-only parameters, or None */
  Value cells;                   /* Tuple of nfree Cells, or None */
} FuncObj;

typedef struct Cell {            /* a captured variable (closures, nonlocal) */
  ObjHdr h;
  Value v;                       /* T_UNBOUND until assigned */
} Cell;

/* A generator: its suspended frame lives here (pc + registers), so it can
 * be resumed from any frame depth and moved by the collector. */
enum { GEN_CREATED, GEN_SUSPENDED, GEN_RUNNING, GEN_DONE };
typedef struct Gen {
  ObjHdr h;
  uint32_t func;                 /* function index */
  uint32_t pc;                   /* next instruction when resumed */
  uint32_t state;                /* GEN_* */
  uint32_t nregs;
  uint32_t sendreg;              /* register that receives the sent value on resume, or ~0 */
  uint32_t pad;
  Value regs[];                  /* the frame's registers while suspended */
} Gen;

#endif
