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
 * %S (Str*), %d (int64_t), %T (type name of a Value).  Returns false so
 * callers can `return exc_raise(...)`.  If the message cannot be allocated
 * the exception is still raised, without a message. */
bool exc_raise(VM *vm, int kind, const char *fmt, ...) {
  va_list ap;
  StrBuf sb;
  vm->exc = kind;
  vm->exc_msg = 0;
  if (!fmt[0]) return false;
  sb_begin(vm, &sb);
  va_start(ap, fmt);
  for (const char *p = fmt; *p; p++) {
    if (*p != '%') { sb_putc(&sb, *p); continue; }
    switch (*++p) {
    case 's': { const char *s = va_arg(ap, const char *); sb_put(&sb, s, strlen(s)); break; }
    case 'S': { Str *s = va_arg(ap, Str *); sb_put(&sb, s->data, s->nbytes); break; }
    case 'd': { char b[24]; sb_put(&sb, b, fmt_int(va_arg(ap, int64_t), b)); break; }
    case 'T': { const char *s = type_name(va_arg(ap, Value)); sb_put(&sb, s, strlen(s)); break; }
    case 'R': { Value v = va_arg(ap, Value); sb_repr(&sb, v); break; }
    default: sb_putc(&sb, *p); break;
    }
  }
  va_end(ap);
  Value msg;
  int kept = vm->exc;
  if (sb_end(&sb, &msg)) vm->exc_msg = (Ref)msg.as.r;
  vm->exc = kept;
  return false;
}

/* TypeError for a binary operator applied to unsupported operand types. */
bool exc_type_error_op(VM *vm, const char *op, Value a, Value b) {
  return exc_raise(vm, E_TypeError, "unsupported operand type(s) for %s: '%T' and '%T'", op, a, b);
}

static void err_puts(VM *vm, const char *s, size_t n) { out_write(vm, 2, s, n); }
static void err_cstr(VM *vm, const char *s) { err_puts(vm, s, strlen(s)); }

/* Print the pending exception with the stack of active frames, innermost
 * last, to stderr -- the same shape as CPython's traceback. */
void exc_print_traceback(VM *vm) {
  char num[24];
  Str *file = OBJ(vm, vm->strings[vm->filename], Str);
  err_cstr(vm, "Traceback (most recent call last):\n");
  for (uint32_t i = 0; i < vm->nframes; i++) {
    Frame *fr = &vm->frames[i];
    Func *fn = &vm->funcs[fr->func];
    Str *name = OBJ(vm, vm->strings[fn->name], Str);
    err_cstr(vm, "  File \"");
    err_puts(vm, file->data, file->nbytes);
    err_cstr(vm, "\", line ");
    err_puts(vm, num, fmt_int(vm_line_of(vm, fr->func, fr->pc ? fr->pc - 1 : 0), num));
    err_cstr(vm, ", in ");
    err_puts(vm, name->data, name->nbytes);
    err_cstr(vm, "\n");
  }
  err_cstr(vm, exc_name(vm->exc));
  if (vm->exc_msg) {
    Str *m = OBJ(vm, vm->exc_msg, Str);
    if (m->nbytes) {
      err_cstr(vm, ": ");
      err_puts(vm, m->data, m->nbytes);
    }
  }
  err_cstr(vm, "\n");
}
