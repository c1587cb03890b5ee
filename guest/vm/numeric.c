/*
 * numeric.c -- built-in functions on numbers: hex, oct, bin, hash, pow
 * (with the 3-argument modular form).  CPython 3.11 semantics.
 */
#include "vm.h"
#include "opcodes.h"

/* hex/oct/bin: prefix "0x"/"0o"/"0b", a '-' before it for negatives. */
static bool int_text(VM *vm, const char *fn, Value *a, int n, int base, Value *out) {
  if (!bi_nargs(vm, fn, n, 1, 1)) return false;
  if (!is_int(a[0])) return exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", a[0]);
  StrBuf sb;
  sb_begin(vm, &sb);
  if (a[0].tag == T_BIGINT ? AS(vm, a[0], BigInt)->neg : a[0].as.i < 0) sb_putc(&sb, '-');
  sb_putc(&sb, '0');
  sb_putc(&sb, base == 16 ? 'x' : base == 8 ? 'o' : 'b');
  return int_put_digits(&sb, a[0], base, false) && sb_end(&sb, out);
}
NATIVE(bi_hex) { return int_text(vm, "hex", a, n, 16, out); }
NATIVE(bi_oct) { return int_text(vm, "oct", a, n, 8, out); }
NATIVE(bi_bin) { return int_text(vm, "bin", a, n, 2, out); }

NATIVE(bi_hash) {
  uint64_t h;
  if (!bi_nargs(vm, "hash", n, 1, 1) || !value_hash(vm, a[0], &h)) return false;
  *out = v_int((int64_t)h);
  return true;
}

static bool is_zero(Value v) { return v.tag != T_BIGINT && v.as.i == 0; }

/* pow(base, exp, mod): square and multiply, reducing modulo mod; a negative
 * exponent uses the modular inverse (extended Euclid). */
static bool pow_mod(VM *vm, Value b, Value e, Value m, Value *out) {
  if (is_zero(m)) return exc_raise(vm, E_ValueError, "pow() 3rd argument cannot be 0");
  Value r = v_int(1), t, bit;
  bool neg_e = big_cmp(vm, e, v_int(0)) < 0;
  if (!arith(vm, OP_MOD, b, m, &b)) return false;
  if (neg_e) {                                     /* b = inverse of b modulo |m| */
    Value am, x0 = v_int(1), x1 = v_int(0), aa = b, bb, q;
    if (!big_unary(vm, -1, m, &am)) return false;
    bb = am;
    while (!is_zero(bb)) {                         /* invariant: x0 * b == aa (mod |m|) */
      if (!arith(vm, OP_FLOORDIV, aa, bb, &q) || !arith(vm, OP_MOD, aa, bb, &t)) return false;
      aa = bb; bb = t;
      if (!arith(vm, OP_MUL, q, x1, &t) || !arith(vm, OP_SUB, x0, t, &t)) return false;
      x0 = x1; x1 = t;
    }
    if (big_cmp(vm, aa, v_int(1)) != 0) return exc_raise(vm, E_ValueError, "base is not invertible for the given modulus");
    if (!arith(vm, OP_MOD, x0, m, &b) || !big_unary(vm, OP_NEG, e, &e)) return false;
  }
  while (!is_zero(e)) {
    if (!arith(vm, OP_BAND, e, v_int(1), &bit)) return false;
    if (!is_zero(bit) && (!arith(vm, OP_MUL, r, b, &r) || !arith(vm, OP_MOD, r, m, &r))) return false;
    if (!arith(vm, OP_SHR, e, v_int(1), &e)) return false;
    if (!is_zero(e) && (!arith(vm, OP_MUL, b, b, &b) || !arith(vm, OP_MOD, b, m, &b))) return false;
  }
  return arith(vm, OP_MOD, r, m, out);             /* pow(x, 0, 1) == 0 */
}

NATIVE(bi_pow) {
  if (!bi_nargs(vm, "pow", n, 2, 3)) return false;
  if (n == 2 || a[2].tag == T_NONE) return arith(vm, OP_POW, a[0], a[1], out);
  if (!is_int(a[0]) || !is_int(a[1]) || !is_int(a[2]))
    return exc_raise(vm, E_TypeError, "pow() 3rd argument not allowed unless all arguments are integers");
  return pow_mod(vm, a[0], a[1], a[2], out);
}

NATIVE(bi_format) {
  if (!bi_nargs(vm, "format", n, 1, 2)) return false;
  if (n == 2 && a[1].tag != T_STR) return exc_raise(vm, E_TypeError, "format() argument 2 must be str, not %T", a[1]);
  StrBuf sb;
  sb_begin(vm, &sb);
  if (n == 1) return sb_str(&sb, a[0]) && sb_end(&sb, out);
  return sb_format(&sb, a[0], AS(vm, a[1], Str)) && sb_end(&sb, out);
}

/* int.bit_length(), float.is_integer() */
NATIVE(m_int_bit_length) {
  if (!bi_nargs(vm, "bit_length", n - 1, 0, 0)) return false;
  *out = v_int(int_bit_length(vm, a[0]));
  return true;
}

NATIVE(m_float_is_integer) {
  if (!bi_nargs(vm, "is_integer", n - 1, 0, 0)) return false;
  double x = a[0].as.f;
  *out = v_bool(x - x == 0 && (x >= 0x1p52 || x <= -0x1p52 || (double)(int64_t)x == x));
  return true;
}
