/*
 * error.c -- raising built-in exceptions and printing tracebacks in
 * CPython's format ("Traceback (most recent call last):" ...).
 */
#include <stdarg.h>
#include "vm.h"

static const char *const exc_names[] = {
#define EXC(name, parent) #name,
#include "exc.def"
#undef EXC
};

const char *exc_name(int kind) { return kind >= 0 && kind < E__COUNT ? exc_names[kind] : "Exception"; }

/* Raise exception `kind` with a message from a tiny printf: %s (C string),
 * %S (Str*), %d (int64_t), %T (type name of a Value), %R (repr of a Value;
 * a format of just "%R" makes the Value itself the exception's argument, as
 * KeyError does).  Returns false so callers can `return exc_raise(...)`.  If
 * the exception cannot be allocated, the MemoryError made at start is raised. */
bool exc_raise(VM *vm, int kind, const char *fmt, ...) {
  va_list ap;
  StrBuf sb;
  Value arg;
  int nargs = fmt[0] != 0;
  vm->exc = kind;
  vm->exc_val = v_none();
  if (kind == E_MemoryError && !fmt[0]) goto memerr;
  va_start(ap, fmt);
  if (fmt[0] == '%' && fmt[1] == 'R' && !fmt[2]) {
    arg = va_arg(ap, Value);
  } else if (nargs) {
    sb_begin(vm, &sb);
    for (const char *p = fmt; *p; p++) {
      if (*p != '%') { sb_putc(&sb, *p); continue; }
      switch (*++p) {
      case 's': { const char *s = va_arg(ap, const char *); sb_put(&sb, s, strlen(s)); break; }
      case 'S': { Str *s = va_arg(ap, Str *); sb_put(&sb, s->data, s->nbytes); break; }
      case 'd': { char b[24]; sb_put(&sb, b, fmt_int(va_arg(ap, int64_t), b)); break; }
      case 'T': { const char *s = cls_name(vm, va_arg(ap, Value)); sb_put(&sb, s, strlen(s)); break; }
      case 'R': { Value v = va_arg(ap, Value); sb_repr(&sb, v); break; }
      default: sb_putc(&sb, *p); break;
      }
    }
    if (!sb_end(&sb, &arg)) { va_end(ap); goto memerr; }
  }
  va_end(ap);
  if (!vm->classes[kind] || !exc_new(vm, vm->classes[kind], &arg, nargs, &vm->exc_val)) goto memerr;
  vm->exc = kind;
  return false;
memerr:
  vm->exc = E_MemoryError;
  vm->exc_val = vm->memerr;
  if (exc_is_instance(vm, vm->memerr)) {          /* reused: a fresh traceback and no chain */
    Instance *in = AS(vm, vm->memerr, Instance);
    in->x[EX_TB] = in->x[EX_CAUSE] = in->x[EX_CONTEXT] = v_none();
    in->x[EX_SUPPRESS] = v_bool(false);
  }
  return false;
}

/* TypeError for a binary operator applied to unsupported operand types. */
bool exc_type_error_op(VM *vm, const char *op, Value a, Value b) {
  return exc_raise(vm, E_TypeError, "unsupported operand type(s) for %s: '%T' and '%T'", op, a, b);
}

static void err_puts(VM *vm, const char *s, size_t n) { out_write(vm, 2, s, n); }
static void err_cstr(VM *vm, const char *s) { err_puts(vm, s, strlen(s)); }

/* str(exc) for the last line of a traceback. */
static bool exc_to_str(VM *vm, Value exc, StrBuf *sb) {
  int kind = vm->exc;
  Value pending = vm->exc_val;
  bool ok = obj_str(sb, exc);                   /* a user __str__ runs here */
  vm->exc = kind;
  vm->exc_val = pending;
  return ok;
}

static void print_one(VM *vm, Value exc, int depth) {
  char num[24];
  Instance *in = AS(vm, exc, Instance);
  Value cause = in->x[EX_CAUSE], ctx = in->x[EX_CONTEXT];
  if (depth < 32 && exc_is_instance(vm, cause)) {
    print_one(vm, cause, depth + 1);
    err_cstr(vm, "\nThe above exception was the direct cause of the following exception:\n\n");
  } else if (depth < 32 && exc_is_instance(vm, ctx) && !AS(vm, exc, Instance)->x[EX_SUPPRESS].as.i) {
    print_one(vm, ctx, depth + 1);
    err_cstr(vm, "\nDuring handling of the above exception, another exception occurred:\n\n");
  }
  in = AS(vm, exc, Instance);
  Str *file = OBJ(vm, vm->strings[vm->filename], Str);
  if (depth == 0 && in->x[EX_TB].tag != T_LIST) err_cstr(vm, "Traceback (most recent call last):\n");
  if (in->x[EX_TB].tag == T_LIST) {
    List *tb = AS(vm, in->x[EX_TB], List);
    err_cstr(vm, "Traceback (most recent call last):\n");
    for (uint32_t i = tb->len; i-- > 0;) {
      uint64_t e = (uint64_t)list_items(vm, tb)[i].as.i;
      uint32_t func = (uint32_t)(e >> 32), pc = (uint32_t)e;
      if (func >= vm->nfuncs) continue;
      Str *name = OBJ(vm, vm->strings[vm->funcs[func].name], Str);
      err_cstr(vm, "  File \"");
      err_puts(vm, file->data, file->nbytes);
      err_cstr(vm, "\", line ");
      err_puts(vm, num, fmt_int(vm_line_of(vm, func, pc ? pc - 1 : 0), num));
      err_cstr(vm, ", in ");
      err_puts(vm, name->data, name->nbytes);
      err_cstr(vm, "\n");
    }
  }
  err_cstr(vm, OBJ(vm, OBJ(vm, AS(vm, exc, Instance)->cls, Class)->qualname, Str)->data);   /* as CPython: the __qualname__ */
  StrBuf sb;
  sb_begin(vm, &sb);
  if (exc_to_str(vm, exc, &sb) && !sb.failed && sb.len) {
    err_cstr(vm, ": ");
    err_puts(vm, sb_data(&sb), sb.len);
  }
  sb_abandon(&sb);
  err_cstr(vm, "\n");
}

/* Print the pending exception with its chain (__cause__ or __context__) and
 * its traceback entries, outermost frame first, to stderr -- the same shape
 * as CPython's traceback. */
void exc_print_traceback(VM *vm) {
  if (!exc_is_instance(vm, vm->exc_val)) {
    err_cstr(vm, "Traceback (most recent call last):\n");
    err_cstr(vm, exc_name(vm->exc));
    err_cstr(vm, "\n");
    return;
  }
  print_one(vm, vm->exc_val, 0);
}
