/*
 * load.c -- the loader: checks a bytecode file (untrusted input) field by
 * field against format.def and builds the VM's program tables from it.
 * Nothing in the file is trusted until load_program() returns true.
 */
#include "vm.h"
#include "format.h"
#include "sha256.h"
#include "platform.h"

typedef struct Sec { uint32_t offset, size, count; bool present; } Sec;

static bool fail(const char **why, const char *msg) { *why = msg; return false; }

/* Carve n zeroed bytes for a program table from the heap's low end; the
 * table and everything allocated before it (constant strings) stay below
 * heap_lo for the program's lifetime.  NULL if there is no room. */
size_t load_start, load_carves[LOAD_MAX_CARVES][2];
uint32_t load_ncarves;

static void *carve(VM *vm, size_t n) {
  n = ALIGN_UP(n, 16);
  if (n > vm->heap_hi - vm->heap_top) return NULL;
  if (load_ncarves < LOAD_MAX_CARVES) {       /* for snapshot.c: the objects lie between the tables */
    load_carves[load_ncarves][0] = vm->heap_top;
    load_carves[load_ncarves++][1] = n;
  } else load_ncarves = LOAD_MAX_CARVES + 1;
  void *p = vm->mem + vm->heap_top;
  vm->heap_top += n;
  vm->heap_lo = vm->heap_top;
  memset(p, 0, n);
  return p;
}

#define NSEC 16     /* section kinds are 1..NSEC-1 */

static bool load_sections(const uint8_t *f, size_t len, Sec sec[NSEC], const char **why) {
  uint32_t n = rd32(f + HDR_nsections);
  if (n == 0 || n > FMT_MAX_SECTIONS) return fail(why, "bad section count");
  if ((uint64_t)FMT_HEADER_SIZE + (uint64_t)n * FMT_SECTION_SIZE > len) return fail(why, "section table truncated");
  for (uint32_t i = 0; i < n; i++) {
    const uint8_t *e = f + FMT_HEADER_SIZE + i * FMT_SECTION_SIZE;
    uint32_t kind = rd32(e + SEC_kind), off = rd32(e + SEC_offset), size = rd32(e + SEC_size);
    if (kind == 0 || kind > SEC_NAMES) return fail(why, "unknown section kind");
    if (sec[kind].present) return fail(why, "duplicate section");
    if (off % 8 || off < FMT_HEADER_SIZE + n * FMT_SECTION_SIZE || (uint64_t)off + size > len)
      return fail(why, "section out of bounds");
    sec[kind] = (Sec){off, size, rd32(e + SEC_count), true};
  }
  static const uint8_t recsize[NSEC] = {[SEC_CONSTS] = 16, [SEC_FUNCS] = FMT_FUNC_SIZE, [SEC_CODE] = 4,
                                        [SEC_LINES] = FMT_LINE_SIZE, [SEC_GLOBALS] = 4, [SEC_EXCTAB] = FMT_EXC_SIZE,
                                        [SEC_NAMES] = 4};
  for (int k = SEC_STRINGS; k <= SEC_NAMES; k++) {
    if (!sec[k].present) return fail(why, "missing section");
    if (recsize[k] && (uint64_t)sec[k].count * recsize[k] != sec[k].size) return fail(why, "section size does not match its count");
  }
  return true;
}

static bool load_strings(VM *vm, const uint8_t *f, Sec s, const char **why) {
  vm->nstrings = s.count;
  if (s.count > s.size / 4) return fail(why, "string count too large");
  vm->strings = carve(vm, (size_t)s.count * sizeof(Ref));
  if (!vm->strings) return fail(why, "not enough memory for the string pool");
  const uint8_t *p = f + s.offset, *end = p + s.size;
  for (uint32_t i = 0; i < s.count; i++) {
    if (end - p < 4) return fail(why, "string pool truncated");
    uint32_t n = rd32(p);
    p += 4;
    if (ALIGN_UP((size_t)n, 4) > (size_t)(end - p)) return fail(why, "string pool truncated");  /* no pointer past end */
    if (!utf8_valid(p, n)) return fail(why, "string constant is not valid UTF-8");
    vm->strings[i] = str_new(vm, (const char *)p, n);
    if (!vm->strings[i]) return fail(why, "not enough memory for the string pool");
    p += ALIGN_UP(n, 4);
  }
  return true;
}

static bool load_consts(VM *vm, const uint8_t *f, Sec s, const char **why) {
  vm->nconsts = s.count;
  vm->consts = carve(vm, (size_t)s.count * sizeof(Value) + 16);
  if (!vm->consts) return fail(why, "not enough memory for constants");
  for (uint32_t i = 0; i < s.count; i++) {
    const uint8_t *e = f + s.offset + 16 * i;
    uint64_t p = rd64(e + 8);
    Value *v = &vm->consts[i];
    switch (e[0]) {
    case CT_NONE: *v = v_none(); break;
    case CT_FALSE: *v = v_bool(false); break;
    case CT_TRUE: *v = v_bool(true); break;
    case CT_INT: *v = v_int((int64_t)p); break;
    case CT_FLOAT: v->tag = T_FLOAT; v->as.r = p; break;
    case CT_STR:
      if (p >= vm->nstrings) return fail(why, "string constant index out of range");
      *v = v_obj(T_STR, vm->strings[p]);
      break;
    case CT_BYTES: {
      if (p >= vm->nstrings) return fail(why, "string constant index out of range");
      Str *t = OBJ(vm, vm->strings[p], Str);
      if (t->nbytes % 2) return fail(why, "bad bytes constant");
      Ref b = bytes_new(vm, NULL, t->nbytes / 2);
      if (!b) return fail(why, "not enough memory for constants");
      t = OBJ(vm, vm->strings[p], Str);
      for (uint32_t k = 0; k < t->nbytes; k++) {
        char c = t->data[k];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0) return fail(why, "bad bytes constant");
        OBJ(vm, b, Str)->data[k / 2] = (char)(k % 2 ? (OBJ(vm, b, Str)->data[k / 2] << 4) | d : d);
      }
      *v = v_obj(T_BYTESTR, b);
      break;
    }
    case CT_BIGINT: {
      if (p >= vm->nstrings) return fail(why, "string constant index out of range");
      Str *t = OBJ(vm, vm->strings[p], Str);
      bool neg = t->nbytes && t->data[0] == '-';
      if (int_parse_digits(vm, t->data + neg, t->nbytes - neg, 16, neg, v) <= 0) return fail(why, "bad big int constant");
      break;
    }
    case CT_FUNC:
      if (p >= vm->nfuncs) return fail(why, "function constant index out of range");
      *v = v_func((uint32_t)p);
      break;
    default: return fail(why, "unknown constant tag");
    }
  }
  return true;
}

static bool load_funcs(VM *vm, const uint8_t *f, Sec *sec, const char **why) {
  Sec fs = sec[SEC_FUNCS], cs = sec[SEC_CODE], ls = sec[SEC_LINES], xs = sec[SEC_EXCTAB], ns = sec[SEC_NAMES];
  vm->nfuncs = fs.count;
  if (fs.count == 0) return fail(why, "no functions");
  vm->funcs = carve(vm, (size_t)fs.count * sizeof(Func));
  if (!vm->funcs) return fail(why, "not enough memory for functions");
  for (uint32_t i = 0; i < fs.count; i++) {
    const uint8_t *e = f + fs.offset + i * FMT_FUNC_SIZE;
    Func *fn = &vm->funcs[i];
    uint32_t start = rd32(e + FUNC_code_start), n = rd32(e + FUNC_code_len);
    uint32_t lstart = rd32(e + FUNC_line_start), ln = rd32(e + FUNC_line_count);
    fn->name = rd32(e + FUNC_name);
    fn->nparams = rd16(e + FUNC_nparams);
    fn->nregs = rd16(e + FUNC_nregs);
    fn->first_line = rd32(e + FUNC_first_line);
    if (fn->name >= vm->nstrings) return fail(why, "function name out of range");
    if (n == 0 || (uint64_t)start + n > cs.count) return fail(why, "function code out of range");
    if ((uint64_t)lstart + ln > ls.count) return fail(why, "function line table out of range");
    uint32_t xstart = rd32(e + FUNC_exc_start), xn = rd32(e + FUNC_exc_count);
    if ((uint64_t)xstart + xn > xs.count) return fail(why, "function exception table out of range");
    fn->exctab = f + xs.offset + (size_t)xstart * FMT_EXC_SIZE;
    fn->nexc = xn;
    if (fn->nregs == 0 || fn->nregs > FMT_MAX_REGS || fn->nparams > fn->nregs) return fail(why, "bad register count");
    fn->flags = rd16(e + FUNC_flags);
    fn->nkwonly = rd16(e + FUNC_nkwonly);
    fn->nnames = rd16(e + FUNC_nnames);
    fn->nfree = rd16(e + FUNC_nfree);
    uint32_t nstart = rd32(e + FUNC_names);
    fn->qualname = rd32(e + FUNC_qualname);
    if (fn->qualname >= vm->nstrings || rd16(e + FUNC_pad)) return fail(why, "bad function qualname");
    fn->nposonly = rd16(e + FUNC_nposonly);
    if (fn->nposonly > fn->nparams) return fail(why, "bad parameter counts");
    if (fn->flags & ~FMT_FFLAG_ALL) return fail(why, "unknown function flags");
    fn->nslots = (uint16_t)(fn->nparams + fn->nkwonly + !!(fn->flags & FMT_FFLAG_VARARGS) + !!(fn->flags & FMT_FFLAG_VARKW));
    if (fn->nparams + fn->nkwonly > fn->nnames || fn->nnames > fn->nregs || fn->nslots + fn->nfree > fn->nregs)
      return fail(why, "bad parameter counts");
    if ((uint64_t)nstart + fn->nnames > ns.count) return fail(why, "function names out of range");
    fn->names = f + ns.offset + (size_t)nstart * 4;
    for (uint32_t k = 0; k < fn->nnames; k++)
      if (rd32(fn->names + 4 * k) >= vm->nstrings) return fail(why, "function names out of range");
    fn->fast_nargs = fn->flags == 0 && fn->nkwonly == 0 && fn->nparams < 256 ? fn->nparams : 0xffffffffu;
    if (i == 0 && (fn->flags || fn->nkwonly || fn->nfree)) return fail(why, "the entry function takes no parameters");
    fn->code = (const uint32_t *)(f + cs.offset) + start;
    fn->code_len = n;
    fn->lines = f + ls.offset + (size_t)lstart * FMT_LINE_SIZE;
    fn->line_count = ln;
    uint32_t prev = 0;
    for (uint32_t k = 0; k < ln; k++) {
      uint32_t pc = rd32(fn->lines + k * FMT_LINE_SIZE + LINE_pc);
      if (pc >= n || (k && pc <= prev)) return fail(why, "line table not sorted or out of range");
      prev = pc;
    }
  }
  return true;
}
/* The value a global named `name` starts with: its built-in (a native, a built-in
 * class, NotImplemented) or unbound.  Returns the native's index, -1 if none. */
static int builtin_value(VM *vm, Str *name, Value *v) {
  int b = bi_lookup_global(name->data, name->nbytes);
  *v = b >= 0 ? v_native((uint32_t)b) : v_unbound();
  cls_builtin_global(vm, name, v);
  return b;
}

/* del of global slot gi (DELGLOBAL).  A built-in's name holds the built-in
 * until the program binds it: deleting it then is CPython's NameError, and
 * deleting the program's binding brings the built-in back (CPython's lookup
 * falls through to builtins).  Limit: after `len = len`, `del len` is taken
 * for a del of the built-in. */
bool global_del(VM *vm, uint32_t gi) {
  Str *name = OBJ(vm, vm->strings[rd32(vm->global_names + 4 * gi)], Str);
  Value b, cur = vm->globals[gi];
  builtin_value(vm, name, &b);
  if (cur.tag == T_UNBOUND || (b.tag != T_UNBOUND && cur.tag == b.tag && cur.as.i == b.as.i))
    return exc_raise(vm, E_NameError, "name '%S' is not defined", name);
  vm->globals[gi] = b;
  return true;
}


/* Check and load the bytecode file `f` (len bytes).  On failure returns
 * false and points *why at a one-line reason; the VM must not run. */
bool load_program(VM *vm, const uint8_t *f, size_t len, const char **why) {
  Sec sec[NSEC] = {{0}};
  uint8_t digest[32];
  load_start = vm->heap_top;
  load_ncarves = 0;
  if (((uintptr_t)f & 3) != 0) return fail(why, "bytecode is not 4-byte aligned in memory");
  if (len < FMT_HEADER_SIZE) return fail(why, "file too short for a header");
  if (rd32(f + HDR_magic) != FMT_MAGIC) return fail(why, "bad magic (not a Drift bytecode file)");
  if (rd32(f + HDR_version) != FMT_VERSION) return fail(why, "unsupported bytecode version");
  if (rd32(f + HDR_header_size) != FMT_HEADER_SIZE) return fail(why, "bad header size");
  if (rd32(f + HDR_file_size) != len) return fail(why, "file size does not match the header (truncated?)");
  sha256(f + FMT_HEADER_SIZE, len - FMT_HEADER_SIZE, digest);
  if (memcmp(digest, f + HDR_sha256, 32) != 0) return fail(why, "SHA-256 mismatch (corrupt bytecode)");
  if (!load_sections(f, len, sec, why)) return false;
  vm->code_file = f;
  vm->nfuncs = sec[SEC_FUNCS].count;
  if (!load_strings(vm, f, sec[SEC_STRINGS], why)) return false;
  if (!load_funcs(vm, f, sec, why)) return false;
  if (!load_consts(vm, f, sec[SEC_CONSTS], why)) return false;
  Sec g = sec[SEC_GLOBALS];
  vm->nglobals = g.count;
  vm->global_names = f + g.offset;
  vm->mcache = carve(vm, (size_t)vm->nconsts * 4 + 16);
  if (!vm->mcache) return fail(why, "not enough memory for constants");
  vm->acache = carve(vm, (size_t)vm->nconsts * sizeof(AttrCache) + 16);
  if (!vm->acache) return fail(why, "not enough memory for constants");
  vm->cache_epoch = 1;                           /* 0 is a class never cached (class.c) */
  if (!cls_boot(vm)) return fail(why, "not enough memory for the built-in classes");
  vm->globals = carve(vm, (size_t)g.count * sizeof(Value) + 16);
  if (!vm->globals) return fail(why, "not enough memory for globals");
  for (uint32_t i = 0; i < g.count; i++) {
    uint32_t s = rd32(f + g.offset + 4 * i);
    if (s >= vm->nstrings) return fail(why, "global name out of range");
    Str *name = OBJ(vm, vm->strings[s], Str);
    if (builtin_value(vm, name, &vm->globals[i]) < 0 && mod_constant(vm, name->data, name->nbytes, &vm->globals[i])) continue;
    if (name->nbytes == 8 && memcmp(name->data, "__name__", 8) == 0 &&
        !str_value(vm, "__main__", 8, &vm->globals[i]))
      return fail(why, "not enough memory for globals");
  }
  vm->gc_at = gc_next_at(vm);
  uint32_t entry = rd32(f + HDR_entry);
  vm->filename = rd32(f + HDR_filename);
  if (entry != 0 || vm->funcs[0].nparams != 0) return fail(why, "entry must be function 0, without parameters");
  if (vm->filename >= vm->nstrings) return fail(why, "file name out of range");
  for (uint32_t i = 0; i < vm->nfuncs; i++) {
    uint32_t pc;
    if (!verify_function(vm, i, why, &pc)) return false;
  }
  if (!exc_new(vm, vm->classes[E_MemoryError], NULL, 0, &vm->memerr)) return fail(why, "not enough memory for the VM");
  vm->exc = -1;
  return true;
}
