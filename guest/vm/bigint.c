/*
 * bigint.c -- arbitrary-precision ints.  Small ints are the immediate
 * T_INT (int64); a result that does not fit becomes a heap BigInt (sign and
 * magnitude in 32-bit limbs, least significant first) and every result is
 * normalised back to T_INT when it fits, so a BigInt always lies outside
 * the int64 range.  Operands are read through a BV view, which holds a
 * small int's magnitude in its own buffer or points at a BigInt's limbs
 * (heap pointers stay valid: allocation never moves objects, only the
 * collector does, and it runs at safe points only).  Semantics and error
 * messages follow CPython 3.11.
 */
#include "vm.h"
#include "opcodes.h"
#include "fmath.h"

#define MAX_LIMBS (1u << 20)            /* 32 Mbit: beyond that, MemoryError */

typedef struct BV { const uint32_t *d; uint32_t n; bool neg; uint32_t buf[2]; } BV;

static BigInt *BI(VM *vm, Value v) { return AS(vm, v, BigInt); }

bool is_int(Value v) { return v.tag == T_INT || v.tag == T_BOOL || v.tag == T_BIGINT; }

static void bv_load(VM *vm, Value v, BV *b) {
  if (v.tag == T_BIGINT) { BigInt *x = BI(vm, v); b->d = x->d; b->n = x->n; b->neg = x->neg; return; }
  uint64_t u = v.as.i < 0 ? 0 - (uint64_t)v.as.i : (uint64_t)v.as.i;
  b->neg = v.as.i < 0;
  b->buf[0] = (uint32_t)u; b->buf[1] = (uint32_t)(u >> 32);
  b->d = b->buf;
  b->n = b->buf[1] ? 2 : b->buf[0] ? 1 : 0;
}

/* A new zeroed BigInt of n limbs (its Ref; 0 and MemoryError on failure). */
static Ref big_alloc(VM *vm, uint64_t n) {
  if (n > MAX_LIMBS) { exc_raise(vm, E_MemoryError, ""); return 0; }
  Ref r = heap_alloc(vm, T_BIGINT, sizeof(BigInt) + (n ? n : 1) * 4);
  if (r) OBJ(vm, r, BigInt)->n = (uint32_t)n;
  return r;
}

/* Trim the BigInt at r, give it sign neg and return it as a Value: a T_INT if it fits. */
static Value big_norm(VM *vm, Ref r, bool neg) {
  BigInt *x = OBJ(vm, r, BigInt);
  while (x->n && !x->d[x->n - 1]) x->n--;
  if (x->n <= 2) {
    uint64_t u = x->n == 0 ? 0 : x->n == 1 ? x->d[0] : (uint64_t)x->d[1] << 32 | x->d[0];
    if (u < (UINT64_C(1) << 63)) return v_int(neg ? -(int64_t)u : (int64_t)u);
    if (neg && u == (UINT64_C(1) << 63)) return v_int(INT64_MIN);
  }
  x->neg = neg;
  return v_obj(T_BIGINT, r);
}

/* ---- magnitudes -------------------------------------------------------------- */
static int mag_cmp(const uint32_t *a, uint32_t na, const uint32_t *b, uint32_t nb) {
  while (na && !a[na - 1]) na--;
  while (nb && !b[nb - 1]) nb--;
  if (na != nb) return na < nb ? -1 : 1;
  for (uint32_t i = na; i--;) if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

static void mag_add(uint32_t *r, const uint32_t *a, uint32_t na, const uint32_t *b, uint32_t nb) {
  if (na < nb) { const uint32_t *t = a; a = b; b = t; uint32_t tn = na; na = nb; nb = tn; }
  uint64_t c = 0;
  for (uint32_t i = 0; i < na; i++) { c += (uint64_t)a[i] + (i < nb ? b[i] : 0); r[i] = (uint32_t)c; c >>= 32; }
  r[na] = (uint32_t)c;
}

static void mag_sub(uint32_t *r, const uint32_t *a, uint32_t na, const uint32_t *b, uint32_t nb) {  /* a >= b */
  int64_t c = 0;
  for (uint32_t i = 0; i < na; i++) {
    c += (int64_t)a[i] - (i < nb ? (int64_t)b[i] : 0);
    r[i] = (uint32_t)c;
    c = c < 0 ? -1 : 0;
  }
}

static void mag_mul(uint32_t *r, const uint32_t *a, uint32_t na, const uint32_t *b, uint32_t nb) {  /* r zeroed */
  for (uint32_t i = 0; i < na; i++) {
    uint64_t c = 0, ai = a[i];
    if (!ai) continue;
    for (uint32_t j = 0; j < nb; j++) { c += ai * b[j] + r[i + j]; r[i + j] = (uint32_t)c; c >>= 32; }
    r[i + nb] = (uint32_t)c;
  }
}

/* q = a / d (q may be a), returns a % d. */
static uint32_t mag_divsmall(uint32_t *q, const uint32_t *a, uint32_t na, uint32_t d) {
  uint64_t rem = 0;
  for (uint32_t i = na; i--;) { uint64_t cur = rem << 32 | a[i]; q[i] = (uint32_t)(cur / d); rem = cur % d; }
  return (uint32_t)rem;
}

static int clz32(uint32_t x) { return x ? __builtin_clz(x) : 32; }

/* Knuth's algorithm D: q[0..na-nb] = a / b, r[0..nb) = a % b; nb >= 2, top limb of b nonzero,
 * na >= nb.  u is scratch of na+1 limbs, v of nb limbs. */
static void mag_divmod(uint32_t *q, uint32_t *r, const uint32_t *a, uint32_t na, const uint32_t *b, uint32_t nb,
                       uint32_t *u, uint32_t *v) {
  int s = clz32(b[nb - 1]);
  for (uint32_t i = nb; i--;) v[i] = (b[i] << s) | (s && i ? b[i - 1] >> (32 - s) : 0);
  u[na] = s ? a[na - 1] >> (32 - s) : 0;
  for (uint32_t i = na; i--;) u[i] = (a[i] << s) | (s && i ? a[i - 1] >> (32 - s) : 0);
  for (uint32_t j = na - nb + 1; j--;) {
    uint64_t num = (uint64_t)u[j + nb] << 32 | u[j + nb - 1];
    uint64_t qhat = num / v[nb - 1], rhat = num % v[nb - 1];
    while (qhat >> 32 || qhat * v[nb - 2] > (rhat << 32 | u[j + nb - 2])) {
      qhat--; rhat += v[nb - 1];
      if (rhat >> 32) break;
    }
    int64_t borrow = 0;
    uint64_t carry = 0;
    for (uint32_t i = 0; i < nb; i++) {
      uint64_t p = qhat * v[i] + carry;
      carry = p >> 32;
      int64_t t = (int64_t)u[i + j] - (int64_t)(uint32_t)p + borrow;
      u[i + j] = (uint32_t)t;
      borrow = t >> 32;
    }
    int64_t t = (int64_t)u[j + nb] - (int64_t)carry + borrow;
    u[j + nb] = (uint32_t)t;
    if (t < 0) {                                   /* qhat was one too big: add back */
      qhat--;
      uint64_t c = 0;
      for (uint32_t i = 0; i < nb; i++) { c += (uint64_t)u[i + j] + v[i]; u[i + j] = (uint32_t)c; c >>= 32; }
      u[j + nb] += (uint32_t)c;
    }
    q[j] = (uint32_t)qhat;
  }
  for (uint32_t i = 0; i < nb; i++) r[i] = (u[i] >> s) | (s ? u[i + 1] << (32 - s) : 0);
}

/* ---- signed operations ---------------------------------------------------------- */
static bool big_addsub(VM *vm, BV *a, BV *b, bool negate_b, Value *out) {
  bool bneg = b->neg != negate_b;
  uint32_t n = a->n > b->n ? a->n : b->n;
  Ref r = big_alloc(vm, n + 1);
  if (!r) return false;
  uint32_t *d = OBJ(vm, r, BigInt)->d;
  if (a->neg == bneg) { mag_add(d, a->d, a->n, b->d, b->n); *out = big_norm(vm, r, a->neg); return true; }
  if (mag_cmp(a->d, a->n, b->d, b->n) >= 0) { mag_sub(d, a->d, a->n, b->d, b->n); *out = big_norm(vm, r, a->neg); }
  else { mag_sub(d, b->d, b->n, a->d, a->n); *out = big_norm(vm, r, bneg); }
  return true;
}

static bool big_mul(VM *vm, BV *a, BV *b, Value *out) {
  if (FUEL_WORK(vm, (uint64_t)a->n * b->n)) return false;   /* quadratic: fuzzing builds bound it */
  Ref r = big_alloc(vm, (uint64_t)a->n + b->n);
  if (!r) return false;
  mag_mul(OBJ(vm, r, BigInt)->d, a->d, a->n, b->d, b->n);
  *out = big_norm(vm, r, a->neg != b->neg);
  return true;
}

/* Floor division and modulo (either output may be NULL); b != 0. */
static bool big_divmod(VM *vm, BV *a, BV *b, Value *qo, Value *ro) {
  if (FUEL_WORK(vm, (uint64_t)a->n * b->n)) return false;
  uint32_t nq = a->n >= b->n ? a->n - b->n + 1 : 1;
  Ref qr = big_alloc(vm, nq), rr = big_alloc(vm, b->n + 1);
  if (!qr || !rr) return false;
  uint32_t *q = OBJ(vm, qr, BigInt)->d, *r = OBJ(vm, rr, BigInt)->d;
  if (mag_cmp(a->d, a->n, b->d, b->n) < 0) memcpy(r, a->d, a->n * 4);
  else if (b->n == 1) r[0] = mag_divsmall(q, a->d, a->n, b->d[0]);
  else {
    Ref sr;
    uint32_t *u = heap_raw(vm, ((size_t)a->n + 1 + b->n) * 4, &sr);
    if (!u) return false;
    q = OBJ(vm, qr, BigInt)->d; r = OBJ(vm, rr, BigInt)->d;
    mag_divmod(q, r, a->d, a->n, b->d, b->n, u, u + a->n + 1);
  }
  bool rnz = mag_cmp(r, b->n, NULL, 0) != 0;
  if (a->neg != b->neg && rnz) {                   /* floor: q += 1, r = |b| - r */
    uint64_t c = 1;
    for (uint32_t i = 0; i < nq && c; i++) { c += q[i]; q[i] = (uint32_t)c; c >>= 32; }
    mag_sub(r, b->d, b->n, r, b->n);
  }
  if (qo) *qo = big_norm(vm, qr, a->neg != b->neg);
  if (ro) *ro = big_norm(vm, rr, b->neg && rnz);
  return true;
}

/* |a| << k (k >= 0) with a's sign. */
static bool big_shl(VM *vm, BV *a, uint64_t k, Value *out) {
  if (a->n == 0) { *out = v_int(0); return true; }
  uint64_t w = k / 32;
  int s = (int)(k % 32);
  Ref r = big_alloc(vm, a->n + w + 1);
  if (!r) return false;
  uint32_t *d = OBJ(vm, r, BigInt)->d;
  for (uint32_t i = 0; i < a->n; i++) {
    d[i + w] |= a->d[i] << s;
    if (s) d[i + w + 1] = a->d[i] >> (32 - s);
  }
  *out = big_norm(vm, r, a->neg);
  return true;
}

/* a >> k, flooring (Python semantics for negatives). */
static bool big_shr(VM *vm, BV *a, uint64_t k, Value *out) {
  uint64_t w = k / 32;
  int s = (int)(k % 32);
  if (w >= a->n) { *out = v_int(a->neg ? -1 : 0); return true; }
  uint32_t n = a->n - (uint32_t)w;
  Ref r = big_alloc(vm, n);
  if (!r) return false;
  uint32_t *d = OBJ(vm, r, BigInt)->d;
  bool lost = false;
  for (uint32_t i = 0; i < w; i++) lost |= a->d[i] != 0;
  if (s) lost |= (a->d[w] & ((1u << s) - 1)) != 0;
  for (uint32_t i = 0; i < n; i++)
    d[i] = (a->d[i + w] >> s) | (s && i + w + 1 < a->n ? a->d[i + w + 1] << (32 - s) : 0);
  *out = big_norm(vm, r, a->neg);
  if (a->neg && lost) {                            /* round toward -inf */
    BV x, one;
    bv_load(vm, *out, &x);
    bv_load(vm, v_int(-1), &one);
    return big_addsub(vm, &x, &one, false, out);
  }
  return true;
}

/* Limb i of a's two's complement representation (sign-extended). */
static uint32_t twos(BV *a, uint32_t i, uint64_t *carry) {
  uint32_t m = i < a->n ? a->d[i] : 0;
  if (!a->neg) return m;
  uint64_t t = (uint64_t)(uint32_t)~m + *carry;
  *carry = t >> 32;
  return (uint32_t)t;
}

static bool big_bitop(VM *vm, int op, BV *a, BV *b, Value *out) {
  uint32_t n = (a->n > b->n ? a->n : b->n) + 1;
  Ref r = big_alloc(vm, n);
  if (!r) return false;
  uint32_t *d = OBJ(vm, r, BigInt)->d;
  uint64_t ca = 1, cb = 1;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t x = twos(a, i, &ca), y = twos(b, i, &cb);
    d[i] = op == OP_BAND ? x & y : op == OP_BOR ? x | y : x ^ y;
  }
  bool neg = d[n - 1] >> 31;
  if (neg) {                                       /* back to magnitude: ~d + 1 */
    uint64_t c = 1;
    for (uint32_t i = 0; i < n; i++) { c += (uint32_t)~d[i]; d[i] = (uint32_t)c; c >>= 32; }
  }
  *out = big_norm(vm, r, neg);
  return true;
}

static bool big_pow(VM *vm, Value base, uint64_t e, Value *out) {
  Value acc = v_int(1);
  for (;;) {
    if (e & 1 && !big_arith(vm, OP_MUL, acc, base, &acc)) return false;
    e >>= 1;
    if (!e) break;
    if (!big_arith(vm, OP_MUL, base, base, &base)) return false;
  }
  *out = acc;
  return true;
}

static bool int_to_double_op(VM *vm, int op, Value a, Value b, Value *out) {
  double x, y;
  if (!int_to_double(vm, a, &x) || !int_to_double(vm, b, &y)) return false;
  return arith(vm, op, v_float(x), v_float(y), out);
}

/* a / b for ints, correctly rounded (CPython's long_true_divide, without the subnormal refinement). */
static bool big_truediv(VM *vm, Value a, Value b, Value *out) {
  BV x, y;
  bv_load(vm, a, &x);
  bv_load(vm, b, &y);
  if (y.n == 0) return exc_raise(vm, E_ZeroDivisionError, "division by zero");
  if (x.n == 0) { *out = v_float(x.neg != y.neg ? -0.0 : 0.0); return true; }
  int64_t la = (int64_t)x.n * 32 - clz32(x.d[x.n - 1]), lb = (int64_t)y.n * 32 - clz32(y.d[y.n - 1]);
  if (la <= 53 && lb <= 53) return int_to_double_op(vm, OP_TRUEDIV, a, b, out);
  int64_t shift = la - lb - 55;                   /* quotient gets 55 or 56 bits */
  if (shift > 1100) return exc_raise(vm, E_OverflowError, "integer division result too large for a float");
  if (shift < -1200) { *out = v_float(x.neg != y.neg ? -0.0 : 0.0); return true; }
  Value num, den, q, r;
  BV ax = x, ay = y;
  ax.neg = ay.neg = false;
  if (ax.d == x.buf) ax.d = ax.buf;
  if (ay.d == y.buf) ay.d = ay.buf;
  if (shift >= 0) { num = v_none(); if (!big_shr(vm, &ax, 0, &num) || !big_shl(vm, &ay, (uint64_t)shift, &den)) return false; }
  else if (!big_shl(vm, &ax, (uint64_t)-shift, &num) || !big_shr(vm, &ay, 0, &den)) return false;
  BV nb, db;
  bv_load(vm, num, &nb);
  bv_load(vm, den, &db);
  if (!big_divmod(vm, &nb, &db, &q, &r)) return false;
  uint64_t m = (uint64_t)q.as.i;                   /* < 2**57: always small */
  if (!(r.tag == T_INT && r.as.i == 0)) m |= 1;     /* sticky bit */
  double d = fm_ldexp((double)m, (int)shift);
  if (d == 1.0 / 0.0) return exc_raise(vm, E_OverflowError, "integer division result too large for a float");
  *out = v_float(x.neg != y.neg ? -d : d);
  return true;
}

static bool too_big_shift(VM *vm) { return exc_raise(vm, E_OverflowError, "too many digits in integer"); }

/* a <op> b where both are ints (T_INT, T_BOOL or T_BIGINT), for any binary OP_ code. */
bool big_arith(VM *vm, int op, Value a, Value b, Value *out) {
  BV x, y;
  bv_load(vm, a, &x);
  bv_load(vm, b, &y);
  switch (op) {
  case OP_ADD: case OP_IADD: return big_addsub(vm, &x, &y, false, out);
  case OP_SUB: return big_addsub(vm, &x, &y, true, out);
  case OP_MUL: return big_mul(vm, &x, &y, out);
  case OP_TRUEDIV: return big_truediv(vm, a, b, out);
  case OP_FLOORDIV: case OP_MOD:
    if (y.n == 0) return exc_raise(vm, E_ZeroDivisionError, op == OP_MOD ? "integer modulo by zero" : "integer division or modulo by zero");
    return big_divmod(vm, &x, &y, op == OP_FLOORDIV ? out : NULL, op == OP_MOD ? out : NULL);
  case OP_POW:
    if (y.neg) return int_to_double_op(vm, OP_POW, a, b, out);
    if (x.n == 0 || (x.n == 1 && x.d[0] == 1)) {
      *out = v_int(x.n == 0 ? (y.n == 0) : (x.neg && (y.d[0] & 1) ? -1 : 1));
      return true;
    }
    if (b.tag == T_BIGINT || (uint64_t)b.as.i > (uint64_t)MAX_LIMBS * 32 / (uint64_t)(int_bit_length(vm, a) > 1 ? int_bit_length(vm, a) - 1 : 1))
      return exc_raise(vm, E_MemoryError, "");
    return big_pow(vm, a, (uint64_t)b.as.i, out);
  case OP_BAND: case OP_BOR: case OP_BXOR: return big_bitop(vm, op, &x, &y, out);
  case OP_SHL: case OP_SHR:
    if (y.neg) return exc_raise(vm, E_ValueError, "negative shift count");
    if (b.tag == T_BIGINT) {
      if (op == OP_SHR || x.n == 0) { *out = v_int(x.n == 0 ? 0 : x.neg ? -1 : 0); return true; }
      return too_big_shift(vm);
    }
    if (op == OP_SHL) {
      if ((uint64_t)b.as.i > (uint64_t)MAX_LIMBS * 32) return x.n ? too_big_shift(vm) : (*out = v_int(0), true);
      return big_shl(vm, &x, (uint64_t)b.as.i, out);
    }
    return big_shr(vm, &x, (uint64_t)b.as.i, out);
  default: return exc_raise(vm, E_TypeError, "bad operand");
  }
}

/* -a, ~a, abs(a) for any int. */
bool big_unary(VM *vm, int op, Value a, Value *out) {
  BV x, one;
  bv_load(vm, a, &x);
  if (op == OP_INVERT) {                           /* ~a == -(a + 1) */
    bv_load(vm, v_int(1), &one);
    if (!big_addsub(vm, &x, &one, false, out)) return false;
    bv_load(vm, *out, &x);
    x.neg = !x.neg;
  } else if (op == OP_NEG) x.neg = !x.neg;
  else if (op == OP_POS) { *out = a.tag == T_BOOL ? v_int(a.as.i) : a; return true; }
  else x.neg = false;                              /* abs */
  Ref r = big_alloc(vm, x.n);
  if (!r) return false;
  memcpy(OBJ(vm, r, BigInt)->d, x.d, x.n * 4);
  *out = big_norm(vm, r, x.n ? x.neg : false);
  return true;
}

/* Three-way comparison of two ints. */
int big_cmp(VM *vm, Value a, Value b) {
  BV x, y;
  bv_load(vm, a, &x);
  bv_load(vm, b, &y);
  if (x.n == 0 && y.n == 0) return 0;
  if (x.neg != y.neg) return x.neg ? -1 : 1;
  int c = mag_cmp(x.d, x.n, y.d, y.n);
  return x.neg ? -c : c;
}

/* ---- conversions -------------------------------------------------------------------- */
/* float(a), correctly rounded; OverflowError if too large. */
bool int_to_double(VM *vm, Value a, double *out) {
  if (a.tag != T_BIGINT) { *out = (double)a.as.i; return true; }
  BigInt *x = BI(vm, a);
  uint32_t n = x->n;
  int lz = clz32(x->d[n - 1]);
  int64_t bits = (int64_t)n * 32 - lz;            /* > 63 */
  int64_t shift = bits - 64;                       /* take the top 64 bits */
  uint64_t top = 0;
  for (int k = 0; k < 64; k++) {
    int64_t bit = shift + k;
    if (x->d[bit / 32] >> (bit % 32) & 1) top |= UINT64_C(1) << k;
  }
  bool sticky = false;
  for (int64_t w = 0; w < shift / 32 && !sticky; w++) sticky = x->d[w] != 0;
  for (int64_t bit = shift / 32 * 32; bit < shift && !sticky; bit++) sticky = x->d[bit / 32] >> (bit % 32) & 1;
  if (sticky) top |= 1;
  /* round to 53 bits by hand (ties to even), then scale exactly */
  uint64_t m = top >> 11, rest = top & 0x7ff;
  if (rest > 0x400 || (rest == 0x400 && (m & 1))) m++;
  double d = fm_ldexp((double)m, (int)(shift + 11));
  if (d == 1.0 / 0.0) return exc_raise(vm, E_OverflowError, "int too large to convert to float");
  *out = x->neg ? -d : d;
  return true;
}

/* int(f) for a finite float (truncates). */
bool int_from_double(VM *vm, double f, Value *out) {
  if (f > -9223372036854775808.0 && f < 9223372036854775808.0) { *out = v_int((int64_t)f); return true; }
  uint64_t u;
  memcpy(&u, &f, 8);
  int e = (int)(u >> 52 & 0x7ff) - 1075;           /* f = m * 2**e, e > 0 here */
  uint64_t m = (u & ((UINT64_C(1) << 52) - 1)) | (UINT64_C(1) << 52);
  BV x;
  bv_load(vm, v_int((int64_t)m), &x);
  x.neg = f < 0;
  return big_shl(vm, &x, (uint64_t)e, out);
}

/* Exact comparison of an int with a float: -1, 0, 1, or 2 if unordered (NaN). */
int big_cmp_double(VM *vm, Value a, double f) {
  if (f != f) return 2;
  if (f == 1.0 / 0.0) return -1;
  if (f == -1.0 / 0.0) return 1;
  if (a.tag != T_BIGINT) {
    if (f >= 9223372036854775808.0) return -1;
    if (f < -9223372036854775808.0) return 1;
    int64_t fi = (int64_t)f;
    if (a.as.i != fi) return a.as.i < fi ? -1 : 1;
    double frac = f - (double)fi;
    return frac > 0 ? -1 : frac < 0 ? 1 : 0;
  }
  BigInt *x = BI(vm, a);
  int sgn = x->neg ? -1 : 1;
  if ((f < 0) != (bool)x->neg || (f > -9223372036854775808.0 && f < 9223372036854775808.0)) return sgn;
  uint64_t u;                                      /* |f| = m * 2**e, integral, e >= 11 */
  memcpy(&u, &f, 8);
  int64_t e = (int64_t)(u >> 52 & 0x7ff) - 1075;
  uint64_t m = (u & ((UINT64_C(1) << 52) - 1)) | (UINT64_C(1) << 52);
  int64_t bits = int_bit_length(vm, a);
  if (bits != 53 + e) return bits < 53 + e ? -sgn : sgn;
  uint64_t top = 0;
  for (int k = 0; k < 53; k++) { int64_t bit = e + k; top |= (uint64_t)(x->d[bit / 32] >> (bit % 32) & 1) << k; }
  if (top != m) return top < m ? -sgn : sgn;
  for (int64_t bit = 0; bit < e; bit++) if (x->d[bit / 32] >> (bit % 32) & 1) return sgn;
  return 0;
}

#define HASH_BITS 61
#define HASH_MOD ((UINT64_C(1) << HASH_BITS) - 1)

/* CPython's hash of an int: |a| mod 2**61-1 with a's sign (-1 becomes -2). */
uint64_t big_hash(VM *vm, Value a) {
  BV x;
  bv_load(vm, a, &x);
  uint64_t h = 0;
  for (uint32_t i = x.n; i--;) {
    h = ((h << 32) & HASH_MOD) | (h >> (HASH_BITS - 32));
    h += x.d[i];
    if (h >= HASH_MOD) h -= HASH_MOD;
  }
  if (x.neg) h = 0 - h;
  return h == (uint64_t)-1 ? (uint64_t)-2 : h;
}

/* CPython's hash of a float (_Py_HashDouble); NaN hashes to 0. */
uint64_t float_hash(double v) {
  if (v != v) return 0;
  if (v == 1.0 / 0.0) return 314159;
  if (v == -1.0 / 0.0) return (uint64_t)-314159;
  int e;
  double m = fm_frexp(v, &e);
  int sign = 1;
  if (m < 0) { sign = -1; m = -m; }
  uint64_t x = 0;
  while (m) {
    x = ((x << 28) & HASH_MOD) | x >> (HASH_BITS - 28);
    m *= 268435456.0;
    e -= 28;
    uint64_t y = (uint64_t)m;
    m -= (double)y;
    x += y;
    if (x >= HASH_MOD) x -= HASH_MOD;
  }
  e = e >= 0 ? e % HASH_BITS : HASH_BITS - 1 - ((-1 - e) % HASH_BITS);
  x = ((x << e) & HASH_MOD) | x >> (HASH_BITS - e);
  if (sign < 0) x = 0 - x;
  return x == (uint64_t)-1 ? (uint64_t)-2 : x;
}

static bool too_many_digits(VM *vm) {
  return exc_raise(vm, E_ValueError, "Exceeds the limit (4300 digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit");
}

/* Append the digits of |a| in base 2, 8, 10 or 16 to sb (no sign, no prefix).
 * Like CPython, more than 4300 decimal digits is a ValueError. */
bool int_put_digits(StrBuf *sb, Value a, int base, bool upper) {
  VM *vm = sb->vm;
  const char *digs = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  BV x;
  bv_load(vm, a, &x);
  if (x.n == 0) { sb_putc(sb, '0'); return true; }
  if (base != 10) {
    int k = base == 16 ? 4 : base == 8 ? 3 : 1;
    int64_t bits = (int64_t)x.n * 32 - clz32(x.d[x.n - 1]);
    for (int64_t pos = (bits - 1) / k * k; pos >= 0; pos -= k) {
      unsigned v = 0;
      for (int j = k - 1; j >= 0; j--) {
        int64_t bit = pos + j;
        v = v << 1 | (bit < bits ? (x.d[bit / 32] >> (bit % 32) & 1) : 0);
      }
      sb_putc(sb, digs[v]);
    }
    return true;
  }
  /* base 10: at least floor((bits - 1) * log10(2)) + 1 digits -- too many is a ValueError at
   * once, as CPython checks before converting (the division below is quadratic) */
  uint64_t bits = (uint64_t)x.n * 32 - (uint64_t)clz32(x.d[x.n - 1]);
  if ((bits - 1) * 30103 / 100000 + 1 > 4300) return too_many_digits(vm);
  /* divide a scratch copy (at the top of the free heap) by 10**9 repeatedly */
  size_t nchunks = (size_t)x.n * 32 / 29 + 2;
  size_t need = ((size_t)x.n + nchunks) * 4 + 16;
  size_t end = sb->start + sizeof(Str) + sb->len;
  if (sb->failed || end + nchunks * 9 + need + 16 > vm->heap_hi) { sb->failed = true; return true; }
  uint32_t *t = (uint32_t *)(vm->mem + ALIGN_UP(vm->heap_hi - need, 8) - 8);
  uint32_t *chunks = t + x.n, n = x.n, nc = 0;
  memmove(t, x.d, n * 4);
  while (n) {
    chunks[nc++] = mag_divsmall(t, t, n, 1000000000u);
    while (n && !t[n - 1]) n--;
  }
  uint32_t top = chunks[nc - 1], ndig = 9 * (nc - 1);
  do ndig++; while (top /= 10);
  if (ndig > 4300) return too_many_digits(vm);
  char buf[10];
  for (size_t i = nc; i--;) {
    uint32_t c = chunks[i];
    int k = 9;
    for (int j = 8; j >= 0; j--) { buf[j] = (char)('0' + c % 10); c /= 10; }
    int skip = 0;
    if (i == nc - 1) while (skip < 8 && buf[skip] == '0') skip++;
    sb_put(sb, buf + skip, (size_t)(k - skip));
  }
  return true;
}

/* Parse digits s[0..n) (no sign, no prefix, '_' between digits allowed) in base 2..36.
 * Returns 1 with *out set, 0 if the text is malformed (no exception), -1 on MemoryError. */
int int_parse_digits(VM *vm, const char *s, size_t n, int base, bool neg, Value *out) {
  if (n == 0 || s[0] == '_' || s[n - 1] == '_') return 0;
  uint64_t acc = 0;                                /* fast path: fits in 63 bits */
  size_t i = 0;
  for (; i < n; i++) {
    char c = s[i];
    int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'z' ? c - 'a' + 10 : c >= 'A' && c <= 'Z' ? c - 'A' + 10 : 99;
    if (v >= base || acc > (UINT64_C(1) << 62) / 36) break;
    acc = acc * (uint64_t)base + (uint64_t)v;
  }
  if (i == n) { *out = v_int(neg ? -(int64_t)acc : (int64_t)acc); return 1; }
  uint64_t nlimbs = n / 9 + 2;
  if (base > 10) nlimbs = n / 6 + 2;
  if (nlimbs > MAX_LIMBS) { exc_raise(vm, E_ValueError, "too many digits in integer"); return -1; }
  Ref r = big_alloc(vm, nlimbs);
  if (!r) return -1;
  uint32_t *d = OBJ(vm, r, BigInt)->d, len = 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    int v;
    if (c == '_') { if (s[i - 1] == '_') return 0; continue; }
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'Z') v = c - 'A' + 10;
    else return 0;
    if (v >= base) return 0;
    uint64_t carry = (uint64_t)v;
    for (uint32_t k = 0; k < len; k++) { carry += (uint64_t)d[k] * (uint64_t)base; d[k] = (uint32_t)carry; carry >>= 32; }
    if (carry) d[len++] = (uint32_t)carry;
  }
  *out = big_norm(vm, r, neg);
  return 1;
}

/* Number of bits of |a| (int.bit_length()). */
int64_t int_bit_length(VM *vm, Value a) {
  BV x;
  bv_load(vm, a, &x);
  return x.n ? (int64_t)x.n * 32 - clz32(x.d[x.n - 1]) : 0;
}
