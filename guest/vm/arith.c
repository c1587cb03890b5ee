/*
 * arith.c -- binary and unary operators on numbers and sequences, with
 * CPython 3.11's results and error messages.  Int results that leave the
 * int64 range continue in bigint.c.
 */
#include "vm.h"
#include "opcodes.h"
#include "fmath.h"

static const char *op_symbol(int op) {
  switch (op) {
  case OP_ADD: case OP_IADD: return "+";
  case OP_SUB: return "-";
  case OP_MUL: return "*";
  case OP_TRUEDIV: return "/";
  case OP_FLOORDIV: return "//";
  case OP_MOD: return "%";
  case OP_POW: return "** or pow()";
  case OP_BAND: return "&";
  case OP_BOR: return "|";
  case OP_BXOR: return "^";
  case OP_SHL: return "<<";
  default: return ">>";
  }
}


/* Floor division and modulo of ints, rounding toward negative infinity. */
static void int_divmod(int64_t a, int64_t b, int64_t *q, int64_t *r) {
  int64_t qq = a / b, rr = a % b;
  if (rr != 0 && ((rr < 0) != (b < 0))) { qq--; rr += b; }
  *q = qq; *r = rr;
}

static bool float_op(VM *vm, int op, double a, double b, Value *out);

static bool int_pow(VM *vm, int64_t base, int64_t exp, Value *out) {
  if (exp < 0) return float_op(vm, OP_POW, (double)base, (double)exp, out);
  int64_t r = 1, b0 = base, e0 = exp;
  for (;;) {
    if ((exp & 1) && __builtin_mul_overflow(r, base, &r)) return big_arith(vm, OP_POW, v_int(b0), v_int(e0), out);
    exp >>= 1;
    if (!exp) break;
    if (__builtin_mul_overflow(base, base, &base)) return big_arith(vm, OP_POW, v_int(b0), v_int(e0), out);
  }
  *out = v_int(r);
  return true;
}

static bool int_op(VM *vm, int op, int64_t a, int64_t b, Value *out) {
  int64_t r, q;
  const int64_t exact = INT64_C(1) << 53;
  switch (op) {
  case OP_ADD: case OP_IADD: if (__builtin_add_overflow(a, b, &r)) goto big; break;
  case OP_SUB: if (__builtin_sub_overflow(a, b, &r)) goto big; break;
  case OP_MUL: if (__builtin_mul_overflow(a, b, &r)) goto big; break;
  case OP_TRUEDIV:
    if (b == 0) return exc_raise(vm, E_ZeroDivisionError, "division by zero");
    if (a > exact || a < -exact || b > exact || b < -exact) goto big;   /* correctly rounded there */
    *out = v_float((double)a / (double)b);
    return true;
  case OP_FLOORDIV:
    if (b == 0) return exc_raise(vm, E_ZeroDivisionError, "integer division or modulo by zero");
    if (a == INT64_MIN && b == -1) goto big;
    int_divmod(a, b, &r, &q);
    break;
  case OP_MOD:
    if (b == 0) return exc_raise(vm, E_ZeroDivisionError, "integer modulo by zero");
    if (b == -1) { r = 0; break; }
    int_divmod(a, b, &q, &r);
    break;
  case OP_POW: return int_pow(vm, a, b, out);
  case OP_BAND: r = a & b; break;
  case OP_BOR: r = a | b; break;
  case OP_BXOR: r = a ^ b; break;
  case OP_SHL:
    if (b < 0) return exc_raise(vm, E_ValueError, "negative shift count");
    if (a == 0) { r = 0; break; }
    if (b >= 63) goto big;
    r = (int64_t)((uint64_t)a << b);              /* unsigned: a signed shift that overflows is UB */
    if (r >> b != a) goto big;
    break;
  default: /* SHR */
    if (b < 0) return exc_raise(vm, E_ValueError, "negative shift count");
    r = b >= 63 ? (a < 0 ? -1 : 0) : a >> b;
    break;
  }
  *out = v_int(r);
  return true;
big:
  return big_arith(vm, op, v_int(a), v_int(b), out);
}

static bool float_op(VM *vm, int op, double a, double b, Value *out) {
  double r, m;
  switch (op) {
  case OP_ADD: case OP_IADD: r = a + b; break;
  case OP_SUB: r = a - b; break;
  case OP_MUL: r = a * b; break;
  case OP_TRUEDIV:
    if (b == 0.0) return exc_raise(vm, E_ZeroDivisionError, "float division by zero");
    r = a / b;
    break;
  case OP_FLOORDIV: case OP_MOD:
    if (b == 0.0) return exc_raise(vm, E_ZeroDivisionError, op == OP_MOD ? "float modulo" : "float floor division by zero");
    m = fm_fmod(a, b);
    if (op == OP_MOD) {           /* CPython float_rem */
      if (m != 0.0) { if ((b < 0) != (m < 0)) m += b; }
      else m = b < 0 ? -0.0 : 0.0;
      r = m;
    } else {                      /* CPython float_floor_div */
      double div = (a - m) / b;
      if (m != 0.0 && ((b < 0) != (m < 0))) div -= 1.0;
      if (div != 0.0) {
        r = fm_floor(div);
        if (div - r > 0.5) r += 1.0;
      } else r = (a / b) < 0 ? -0.0 : 0.0;
    }
    break;
  case OP_POW:                    /* CPython's float_pow */
    if (a == 0.0 && b < 0 && b - b == 0) return exc_raise(vm, E_ZeroDivisionError, "0.0 cannot be raised to a negative power");
    if (a < 0 && a - a == 0 && b == b && b - b == 0 && b != fm_floor(b))
      return exc_raise(vm, E_ValueError, "negative number cannot be raised to a fractional power (Drift has no complex numbers)");
    r = fm_pow(a, b);
    if (r - r != 0 && r == r && a - a == 0 && b - b == 0)
      return exc_raise(vm, E_OverflowError, "(34, 'Numerical result out of range')");
    break;
  default: return exc_type_error_op(vm, op_symbol(op), v_float(a), v_float(b));
  }
  *out = v_float(r);
  return true;
}

/* The float operators for the interpreter's fast paths (both operands floats). */
bool arith_float(VM *vm, int op, double a, double b, Value *out) { return float_op(vm, op, a, b, out); }

/* Concatenate or repeat sequences. */
static bool seq_concat(VM *vm, Value a, Value b, Value *out) {
  if (a.tag == T_STR) return str_concat(vm, a, b, out);
  if (a.tag == T_LIST) {
    uint32_t n = AS(vm, a, List)->len, m = AS(vm, b, List)->len;
    Ref r = list_new(vm, n + m);
    if (!r) return false;
    List *l = OBJ(vm, r, List);
    memcpy(list_items(vm, l), list_items(vm, AS(vm, a, List)), n * sizeof(Value));
    memcpy(list_items(vm, l) + n, list_items(vm, AS(vm, b, List)), m * sizeof(Value));
    l->len = n + m;
    *out = v_obj(T_LIST, r);
    return true;
  }
  uint32_t n = AS(vm, a, Tuple)->len, m = AS(vm, b, Tuple)->len;
  Ref r = tuple_new(vm, n + m);
  if (!r) return false;
  memcpy(OBJ(vm, r, Tuple)->v, AS(vm, a, Tuple)->v, n * sizeof(Value));
  memcpy(OBJ(vm, r, Tuple)->v + n, AS(vm, b, Tuple)->v, m * sizeof(Value));
  *out = v_obj(T_TUPLE, r);
  return true;
}

static bool seq_repeat(VM *vm, Value s, Value kv, Value *out) {
  if (kv.tag == T_BIGINT) return exc_raise(vm, E_OverflowError, "cannot fit 'int' into an index-sized integer");
  int64_t k = kv.as.i;
  if (k < 0) k = 0;
  uint32_t n;
  size_t unit;
  if (s.tag == T_STR) { n = AS(vm, s, Str)->nbytes; unit = 1; }
  else if (s.tag == T_LIST) { n = AS(vm, s, List)->len; unit = sizeof(Value); }
  else { n = AS(vm, s, Tuple)->len; unit = sizeof(Value); }
  if (n && (uint64_t)k > 0x7fffffffu / n / unit) return exc_raise(vm, E_MemoryError, "");
  uint32_t total = (uint32_t)(n * k);
  Ref r;
  void *dst;
  const void *src;
  if (s.tag == T_STR) {
    r = heap_alloc(vm, T_STR, sizeof(Str) + total + 1);
    if (!r) return false;
    Str *st = OBJ(vm, r, Str);
    st->nbytes = total;
    st->nchars = AS(vm, s, Str)->nchars * (uint32_t)k;
    dst = st->data; src = AS(vm, s, Str)->data;
  } else if (s.tag == T_LIST) {
    r = list_new(vm, total);
    if (!r) return false;
    OBJ(vm, r, List)->len = total;
    dst = list_items(vm, OBJ(vm, r, List)); src = list_items(vm, AS(vm, s, List));
  } else {
    r = tuple_new(vm, total);
    if (!r) return false;
    dst = OBJ(vm, r, Tuple)->v; src = AS(vm, s, Tuple)->v;
  }
  /* by doubling: log2(k) copies, not k (a 1-byte string repeated 10^8 times) */
  size_t want = (size_t)total * unit, have = k ? (size_t)n * unit : 0;
  if (have) memcpy(dst, src, have);
  while (have < want) {
    size_t m = have < want - have ? have : want - have;
    memcpy((char *)dst + have, dst, m);
    have += m;
  }
  *out = v_obj(s.tag, r);
  return true;
}

static bool is_intlike(Value v) { return v.tag == T_INT || v.tag == T_BOOL; }
static bool is_seq(Value v) { return v.tag == T_STR || v.tag == T_LIST || v.tag == T_TUPLE; }

/* out = a <op> b for a binary OP_ code. */
bool arith(VM *vm, int op, Value a, Value b, Value *out) {
  if (is_intlike(a) && is_intlike(b)) return int_op(vm, op, a.as.i, b.as.i, out);
  if (unlikely(a.tag == T_INSTANCE || b.tag == T_INSTANCE)) return obj_arith(vm, op, a, b, out);
  if (is_int(a) && is_int(b)) return big_arith(vm, op, a, b, out);
  bool af = a.tag == T_FLOAT, bf = b.tag == T_FLOAT;
  if ((af || is_int(a)) && (bf || is_int(b)) && (op <= OP_POW || op == OP_IADD)) {
    double x = a.as.f, y = b.as.f;
    if (!af && !int_to_double(vm, a, &x)) return false;
    if (!bf && !int_to_double(vm, b, &y)) return false;
    return float_op(vm, op, x, y, out);
  }
  if ((op == OP_ADD || op == OP_IADD) && a.tag == b.tag && is_seq(a)) {
    if (op == OP_IADD && a.tag == T_LIST) {       /* lst += other: extend in place */
      uint32_t m = AS(vm, b, List)->len;
      for (uint32_t i = 0; i < m; i++)
        if (!list_append(vm, a, list_items(vm, AS(vm, b, List))[i])) return false;
      *out = a;
      return true;
    }
    return seq_concat(vm, a, b, out);
  }
  if (op == OP_MUL && is_seq(a) && is_int(b)) return seq_repeat(vm, a, b, out);
  if (op == OP_MUL && is_seq(b) && is_int(a)) return seq_repeat(vm, b, a, out);
  if (op == OP_MUL && (is_seq(a) || is_seq(b)))
    return exc_raise(vm, E_TypeError, "can't multiply sequence by non-int of type '%T'", is_seq(a) ? b : a);
  if ((op == OP_ADD || op == OP_IADD) && a.tag == T_STR && b.tag != T_STR)   /* instances went to obj_arith */
    return exc_raise(vm, E_TypeError, "can only concatenate str (not \"%T\") to str", b);
  if ((op == OP_ADD || op == OP_IADD) && a.tag == T_LIST && is_seq(b))
    return exc_raise(vm, E_TypeError, "can only concatenate list (not \"%T\") to list", b);
  if (is_anyset(a) && is_anyset(b) && (op == OP_BOR || op == OP_BAND || op == OP_SUB || op == OP_BXOR))
    return set_binop(vm, op, a, b, out);
  if (a.tag == T_BYTESTR && b.tag == T_BYTESTR && (op == OP_ADD || op == OP_IADD)) return bytes_concat(vm, a, b, out);
  if (a.tag == T_BYTESTR && (op == OP_ADD || op == OP_IADD) && b.tag != T_INSTANCE)
    return exc_raise(vm, E_TypeError, "can't concat %T to bytes", b);
  if (op == OP_MUL && a.tag == T_BYTESTR && is_int(b)) return bytes_repeat(vm, a, b, out);
  if (op == OP_MUL && b.tag == T_BYTESTR && is_int(a)) return bytes_repeat(vm, b, a, out);
  if (op == OP_MOD && a.tag == T_STR) return str_percent(vm, a, b, out);
  if (op == OP_BOR && a.tag == T_DICT && b.tag == T_DICT) return dict_or(vm, a, b, out);
  if ((is_setlike_view(a) || is_setlike_view(b)) && (op == OP_BOR || op == OP_BAND || op == OP_SUB || op == OP_BXOR))
    return view_setop(vm, op, a, b, out);
  return exc_type_error_op(vm, op_symbol(op), a, b);
}

/* *a op= b for the in-place opcodes other than IADD (op: the binary OP_SUB, OP_MUL,
 * OP_TRUEDIV ... OP_SHR), as CPython: a set (with a set or frozenset) and a dict (|=,
 * with what dict.update takes) change in place and stay the result, a list is
 * repeated in place by *=; an instance's __isub__, __imul__, __itruediv__... comes
 * first; anything else is a op b.  a points at the register (a GC root). */
bool arith_inplace(VM *vm, int op, Value *a, Value b, Value *out) {
  static const struct { int op; const char *sym, *dunder; } ops[] = {
    {OP_SUB, "-=", "__isub__"}, {OP_MUL, "*=", "__imul__"}, {OP_TRUEDIV, "/=", "__itruediv__"},
    {OP_FLOORDIV, "//=", "__ifloordiv__"}, {OP_MOD, "%=", "__imod__"}, {OP_POW, "**=", "__ipow__"},
    {OP_BAND, "&=", "__iand__"}, {OP_BOR, "|=", "__ior__"}, {OP_BXOR, "^=", "__ixor__"},
    {OP_SHL, "<<=", "__ilshift__"}, {OP_SHR, ">>=", "__irshift__"},
  };
  uint32_t oi = 0;
  while (oi + 1 < sizeof ops / sizeof ops[0] && ops[oi].op != op) oi++;
  const char *sym = ops[oi].sym;
  if (op == OP_MUL && a->tag == T_LIST && is_int(b)) {   /* lst *= n: the list takes the repeated items */
    Value r;
    if (!seq_repeat(vm, *a, b, &r)) return false;
    List *d = AS(vm, *a, List), *s = AS(vm, r, List);
    d->len = s->len; d->cap = s->cap; d->items = s->items;
    *out = *a;
    return true;
  }
  if (a->tag == T_SET && is_anyset(b)) {
    if (!set_inplace(vm, op, *a, b)) return false;
    *out = *a;
    return true;
  }
  if (op == OP_BOR && a->tag == T_DICT) {
    if (!dict_update_from(vm, a, b)) return false;
    *out = *a;
    return true;
  }
  if (a->tag == T_INSTANCE) {
    int k = obj_idunder(vm, *a, ops[oi].dunder, b, out);
    if (k) return k > 0;
  }
  if (arith(vm, op, *a, b, out)) return true;
  if (vm->exc == E_TypeError && exc_is_instance(vm, vm->exc_val)) {   /* name the in-place operator, as CPython */
    Value args = AS(vm, vm->exc_val, Instance)->x[EX_ARGS];
    static const char pre[] = "unsupported operand type(s) for ";
    if (args.tag == T_TUPLE && AS(vm, args, Tuple)->len == 1 && AS(vm, args, Tuple)->v[0].tag == T_STR) {
      /* only arith()'s own message for these operands (not one raised by a dunder it called) */
      Str *m = AS(vm, AS(vm, args, Tuple)->v[0], Str);
      const char *parts[] = {pre, op_symbol(op), ": '", cls_name(vm, *a), "' and '", cls_name(vm, b), "'"};
      size_t at = 0;
      bool same = true;
      for (size_t p = 0; p < sizeof parts / sizeof parts[0] && same; p++) {
        size_t k = strlen(parts[p]);
        same = at + k <= m->nbytes && !memcmp(m->data + at, parts[p], k);
        at += k;
      }
      if (same && at == m->nbytes) return exc_type_error_op(vm, sym, *a, b);
    }
  }
  return false;
}

bool unary(VM *vm, int op, Value a, Value *out) {
  if (unlikely(a.tag == T_INSTANCE && op != OP_NOT)) return obj_unary(vm, op, a, out);
  switch (op) {
  case OP_NOT: *out = v_bool(!truthy(vm, a)); return true;
  case OP_NEG:
    if (is_intlike(a) && a.as.i != INT64_MIN) { *out = v_int(-a.as.i); return true; }
    if (is_int(a)) return big_unary(vm, OP_NEG, a, out);
    if (a.tag == T_FLOAT) { *out = v_float(-a.as.f); return true; }
    return exc_raise(vm, E_TypeError, "bad operand type for unary -: '%T'", a);
  case OP_POS:
    if (is_int(a)) return big_unary(vm, OP_POS, a, out);
    if (a.tag == T_FLOAT) { *out = a; return true; }
    return exc_raise(vm, E_TypeError, "bad operand type for unary +: '%T'", a);
  default: /* INVERT */
    if (is_intlike(a)) { *out = v_int(~a.as.i); return true; }
    if (is_int(a)) return big_unary(vm, OP_INVERT, a, out);
    return exc_raise(vm, E_TypeError, "bad operand type for unary ~: '%T'", a);
  }
}
