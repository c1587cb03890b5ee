/*
 * mathmod.c -- the built-in modules math and sys.  Their functions are
 * natives named "math.sqrt", "sys.exit" (bound at compile time, like the
 * drift module); their constants (math.pi, sys.maxsize, sys.argv) are set
 * into those globals at load time by mod_constant().  CPython 3.11's
 * results, errors and messages.
 */
#include "vm.h"
#include "fmath.h"
#include "opcodes.h"

#define INF __builtin_inf()

static bool domain(VM *vm) { return exc_raise(vm, E_ValueError, "math domain error"); }
static bool range_err(VM *vm) { return exc_raise(vm, E_OverflowError, "math range error"); }

/* A float argument: float, int or big int. */
static bool num(VM *vm, Value v, double *d) {
  if (v.tag == T_FLOAT) { *d = v.as.f; return true; }
  if (is_int(v)) return int_to_double(vm, v, d);
  return exc_raise(vm, E_TypeError, "must be real number, not %T", v);
}

static bool isfin(double x) { return x - x == 0; }

/* One-argument float functions: f(x), with CPython's math_1 error rules
 * (NaN from a finite argument: domain error; inf from finite: range error). */
static bool math_1(VM *vm, const char *fn, Value *a, int n, double (*f)(double), bool can_overflow, Value *out) {
  double x;
  if (!bi_nargs(vm, fn, n, 1, 1) || !num(vm, a[0], &x)) return false;
  double r = f(x);
  if (r != r && x == x) return domain(vm);
  if (!isfin(r) && isfin(x)) return can_overflow ? range_err(vm) : domain(vm);
  *out = v_float(r);
  return true;
}

static double sqrt_(double x) { return x < 0 ? __builtin_nan("") : fm_sqrt(x); }
static double exp_(double x) { return x == -INF ? 0.0 : x == INF ? INF : fm_exp(x); }
static double sin_(double x) { return fm_sin(x); }
static double cos_(double x) { return fm_cos(x); }
static double tan_(double x) { return fm_tan(x); }
static double atan_(double x) { return fm_atan(x); }
static double asin_(double x) { return x != x ? x : (x < -1 || x > 1) ? __builtin_nan("") : fm_asin(x); }
static double acos_(double x) { return x != x ? x : (x < -1 || x > 1) ? __builtin_nan("") : fm_acos(x); }
static double fabs_(double x) { return x < 0 || (x == 0 && 1 / x < 0) ? -x : x; }

NATIVE(mt_sqrt) { return math_1(vm, "sqrt", a, n, sqrt_, false, out); }
NATIVE(mt_exp) { return math_1(vm, "exp", a, n, exp_, true, out); }
NATIVE(mt_sin) { return math_1(vm, "sin", a, n, sin_, false, out); }
NATIVE(mt_cos) { return math_1(vm, "cos", a, n, cos_, false, out); }
NATIVE(mt_tan) { return math_1(vm, "tan", a, n, tan_, false, out); }
NATIVE(mt_atan) { return math_1(vm, "atan", a, n, atan_, false, out); }
NATIVE(mt_asin) { return math_1(vm, "asin", a, n, asin_, false, out); }
NATIVE(mt_acos) { return math_1(vm, "acos", a, n, acos_, false, out); }
NATIVE(mt_fabs) { return math_1(vm, "fabs", a, n, fabs_, false, out); }

/* log of any positive number (big ints beyond the float range too); which: 0 e, 2, 10. */
static bool log_of(VM *vm, Value v, int which, double *out) {
  double x;
  if (v.tag == T_BIGINT && !AS(vm, v, BigInt)->neg && int_bit_length(vm, v) > 1024) {
    /* as CPython: x = m * 2**e with m in [0.5, 1) (correctly rounded), log(x) = log(m) + log(2) * e */
    int64_t e = int_bit_length(vm, v), sh = e - 60;
    Value m, back;
    if (!big_arith(vm, OP_SHR, v, v_int(sh), &m) || !big_arith(vm, OP_SHL, m, v_int(sh), &back)) return false;
    if (big_cmp(vm, back, v) != 0) m.as.i |= 1;     /* sticky bit for the rounding to 53 bits */
    double f = fm_ldexp((double)m.as.i, -60);
    double (*fn)(double) = which == 0 ? fm_log : which == 2 ? fm_log2 : fm_log10;
    *out = fn(f) + fn(2.0) * (double)e;
    return true;
  }
  if (!num(vm, v, &x)) return false;
  if (x != x || x == INF) { *out = x; return true; }
  if (x <= 0) return domain(vm);
  *out = which == 0 ? fm_log(x) : which == 2 ? fm_log2(x) : fm_log10(x);
  return true;
}

NATIVE(mt_log) {
  double x, b;
  if (!bi_nargs(vm, "log", n, 1, 2) || !log_of(vm, a[0], 0, &x)) return false;
  if (n == 2) {
    if (!log_of(vm, a[1], 0, &b)) return false;
    if (b == 0) return exc_raise(vm, E_ZeroDivisionError, "float division by zero");
    x /= b;
  }
  *out = v_float(x);
  return true;
}
NATIVE(mt_log2) { double x; if (!bi_nargs(vm, "log2", n, 1, 1) || !log_of(vm, a[0], 2, &x)) return false; *out = v_float(x); return true; }
NATIVE(mt_log10) { double x; if (!bi_nargs(vm, "log10", n, 1, 1) || !log_of(vm, a[0], 10, &x)) return false; *out = v_float(x); return true; }

/* Two-argument float functions. */
static bool args2(VM *vm, const char *fn, Value *a, int n, double *x, double *y) {
  return bi_nargs(vm, fn, n, 2, 2) && num(vm, a[0], x) && num(vm, a[1], y);
}

NATIVE(mt_pow) {
  double x, y;
  if (!args2(vm, "pow", a, n, &x, &y)) return false;
  double r = fm_pow(x, y);
  if (isfin(x) && isfin(y)) {
    if (r != r) return domain(vm);
    if (!isfin(r)) return x == 0 ? domain(vm) : range_err(vm);
  }
  *out = v_float(r);
  return true;
}

NATIVE(mt_atan2) {
  double y, x;
  if (!args2(vm, "atan2", a, n, &y, &x)) return false;
  *out = v_float(fm_atan2(y, x));
  return true;
}

NATIVE(mt_fmod) {
  double x, y;
  if (!args2(vm, "fmod", a, n, &x, &y)) return false;
  if (y == INF || y == -INF) { if (isfin(x)) { *out = v_float(x); return true; } }
  if ((y == 0 || !isfin(x)) && x == x && y == y) return domain(vm);
  *out = v_float(fm_fmod(x, y));
  return true;
}

NATIVE(mt_copysign) {
  double x, y;
  if (!args2(vm, "copysign", a, n, &x, &y)) return false;
  uint64_t ux, uy;
  memcpy(&ux, &x, 8);
  memcpy(&uy, &y, 8);
  ux = (ux & ~(UINT64_C(1) << 63)) | (uy & (UINT64_C(1) << 63));
  memcpy(&x, &ux, 8);
  *out = v_float(x);
  return true;
}

NATIVE(mt_hypot) {
  double acc = 0, x;
  bool nan = false, inf = false;
  for (int i = 0; i < n; i++) {
    if (!num(vm, a[i], &x)) return false;
    if (x == INF || x == -INF) inf = true;
    else if (x != x) nan = true;
    else acc = i ? fm_hypot(acc, x) : (x < 0 ? -x : x);
  }
  *out = v_float(inf ? INF : nan ? __builtin_nan("") : acc);
  return true;
}

static const double DEG = 3.141592653589793 / 180.0;
NATIVE(mt_degrees) { double x; if (!bi_nargs(vm, "degrees", n, 1, 1) || !num(vm, a[0], &x)) return false; *out = v_float(x / DEG); return true; }
NATIVE(mt_radians) { double x; if (!bi_nargs(vm, "radians", n, 1, 1) || !num(vm, a[0], &x)) return false; *out = v_float(x * DEG); return true; }

static bool pred(VM *vm, const char *fn, Value *a, int n, int kind, Value *out) {
  double x;
  if (!bi_nargs(vm, fn, n, 1, 1) || !num(vm, a[0], &x)) return false;
  *out = v_bool(kind == 0 ? isfin(x) : kind == 1 ? (x == INF || x == -INF) : x != x);
  return true;
}
NATIVE(mt_isfinite) { return pred(vm, "isfinite", a, n, 0, out); }
NATIVE(mt_isinf) { return pred(vm, "isinf", a, n, 1, out); }
NATIVE(mt_isnan) { return pred(vm, "isnan", a, n, 2, out); }

/* floor, ceil, trunc: ints stay as they are; floats become ints. */
static bool to_int(VM *vm, const char *fn, Value *a, int n, int mode, Value *out) {
  if (!bi_nargs(vm, fn, n, 1, 1)) return false;
  if (is_int(a[0])) { *out = a[0].tag == T_BOOL ? v_int(a[0].as.i) : a[0]; return true; }
  if (a[0].tag != T_FLOAT) return exc_raise(vm, E_TypeError, "must be real number, not %T", a[0]);
  double x = a[0].as.f;
  if (x != x) return exc_raise(vm, E_ValueError, "cannot convert float NaN to integer");
  if (!isfin(x)) return exc_raise(vm, E_OverflowError, "cannot convert float infinity to integer");
  double f = fm_floor(x);
  if (mode == 1 && f != x) f += 1;                 /* ceil */
  if (mode == 2 && x < 0 && f != x) f += 1;        /* trunc */
  return int_from_double(vm, f, out);
}
NATIVE(mt_floor) { return to_int(vm, "floor", a, n, 0, out); }
NATIVE(mt_ceil) { return to_int(vm, "ceil", a, n, 1, out); }
NATIVE(mt_trunc) { return to_int(vm, "trunc", a, n, 2, out); }

/* ---- integer functions ------------------------------------------------------------------ */
static bool need_intarg(VM *vm, Value v) {
  if (is_int(v)) return true;
  return exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", v);
}
static bool is_neg(VM *vm, Value v) { return big_cmp(vm, v, v_int(0)) < 0; }

NATIVE(mt_gcd) {
  Value g = v_int(0), t;
  for (int i = 0; i < n; i++) {
    if (!need_intarg(vm, a[i])) return false;
    Value x = a[i], y = g;
    while (big_cmp(vm, y, v_int(0)) != 0) {
      if (!arith(vm, OP_MOD, x, y, &t)) return false;
      x = y; y = t;
    }
    g = x;
    if (is_neg(vm, g) && !big_unary(vm, OP_NEG, g, &g)) return false;
  }
  *out = g.tag == T_BOOL ? v_int(g.as.i) : g;
  return true;
}

NATIVE(mt_isqrt) {
  if (!bi_nargs(vm, "isqrt", n, 1, 1) || !need_intarg(vm, a[0])) return false;
  Value v = a[0].tag == T_BOOL ? v_int(a[0].as.i) : a[0];
  if (is_neg(vm, v)) return exc_raise(vm, E_ValueError, "isqrt() argument must be nonnegative");
  if (v.tag == T_INT && v.as.i < (INT64_C(1) << 52)) {
    int64_t r = (int64_t)fm_sqrt((double)v.as.i);
    while (r * r > v.as.i) r--;
    while ((r + 1) * (r + 1) <= v.as.i) r++;
    *out = v_int(r);
    return true;
  }
  Value x, y, t;                                   /* Newton from above: x = 2**ceil(bits/2) */
  if (!big_arith(vm, OP_SHL, v_int(1), v_int((int_bit_length(vm, v) + 1) / 2), &x)) return false;
  for (;;) {
    if (!arith(vm, OP_FLOORDIV, v, x, &t) || !arith(vm, OP_ADD, x, t, &y) || !arith(vm, OP_SHR, y, v_int(1), &y)) return false;
    if (big_cmp(vm, y, x) >= 0) break;
    x = y;
  }
  *out = x;
  return true;
}

NATIVE(mt_factorial) {
  if (!bi_nargs(vm, "factorial", n, 1, 1) || !need_intarg(vm, a[0])) return false;
  if (is_neg(vm, a[0])) return exc_raise(vm, E_ValueError, "factorial() not defined for negative values");
  if (a[0].tag == T_BIGINT) return exc_raise(vm, E_OverflowError, "factorial() argument should not exceed 9223372036854775807");
  Value r = v_int(1);
  for (int64_t i = 2; i <= a[0].as.i; i++)
    if (!arith(vm, OP_MUL, r, v_int(i), &r)) return false;
  *out = r;
  return true;
}

/* perm(n, k) and comb(n, k) (k defaults to n for perm). */
static bool perm_comb(VM *vm, const char *fn, Value *a, int n, bool comb, Value *out) {
  if (!bi_nargs(vm, fn, n, comb ? 2 : 1, 2) || !need_intarg(vm, a[0]) || (n > 1 && a[1].tag != T_NONE && !need_intarg(vm, a[1]))) return false;
  Value N = a[0], K = n > 1 && a[1].tag != T_NONE ? a[1] : a[0];
  if (is_neg(vm, N)) return exc_raise(vm, E_ValueError, "n must be a non-negative integer");
  if (is_neg(vm, K)) return exc_raise(vm, E_ValueError, "k must be a non-negative integer");
  if (big_cmp(vm, K, N) > 0) { *out = v_int(0); return true; }
  Value r = v_int(1), t, kk = K;
  if (comb) {                                      /* use the smaller of k and n - k */
    if (!arith(vm, OP_SUB, N, K, &t)) return false;
    if (big_cmp(vm, t, K) < 0) kk = t;
  }
  if (kk.tag == T_BIGINT) return exc_raise(vm, E_OverflowError, "min(n - k, k) must not exceed 9223372036854775807");
  for (int64_t i = 0; i < kk.as.i; i++) {
    if (!arith(vm, OP_SUB, N, v_int(i), &t) || !arith(vm, OP_MUL, r, t, &r)) return false;
    if (comb && !arith(vm, OP_FLOORDIV, r, v_int(i + 1), &r)) return false;
  }
  *out = r;
  return true;
}
NATIVE(mt_perm) { return perm_comb(vm, "perm", a, n, false, out); }
NATIVE(mt_comb) { return perm_comb(vm, "comb", a, n, true, out); }

/* ---- sys ---------------------------------------------------------------------------------- */
NATIVE(sy_exit) {
  if (!bi_nargs(vm, "exit", n, 0, 1)) return false;
  return exc_raise(vm, E_SystemExit, "%R", n ? a[0] : v_none());
}

/* The value of a module constant global ("math.pi", "sys.argv", ...); false if `name` is none. */
bool mod_constant(VM *vm, const char *name, size_t n, Value *out) {
  static const struct { const char *name; double v; } fc[] = {
    {"math.pi", 3.141592653589793}, {"math.e", 2.718281828459045}, {"math.tau", 6.283185307179586},
    {"math.inf", __builtin_inf()}, {"math.nan", __builtin_nan("")},
  };
  for (size_t i = 0; i < sizeof fc / sizeof fc[0]; i++)
    if (strlen(fc[i].name) == n && !memcmp(fc[i].name, name, n)) { *out = v_float(fc[i].v); return true; }
  if (n == 11 && !memcmp(name, "sys.maxsize", 11)) { *out = v_int(INT64_MAX); return true; }
  if (n == 8 && !memcmp(name, "sys.argv", 8)) {
    Ref l = list_new(vm, 1);
    if (!l) return false;
    *out = v_obj(T_LIST, l);
    return list_append(vm, *out, v_obj(T_STR, vm->strings[vm->filename]));
  }
  return false;
}

/* If the uncaught exception is a SystemExit, print its message (if it is
 * not an int or None) and return the exit status; -1 otherwise.  Statuses
 * above status.def's USER_MAX are clamped to it (higher ones mean VM errors). */
int sys_exit_status(VM *vm) {
  Value e = vm->exc_val;
  if (!exc_is_instance(vm, e) || !cls_is_sub(vm, AS(vm, e, Instance)->cls, vm->classes[E_SystemExit])) return -1;
  Value args = AS(vm, e, Instance)->x[EX_ARGS], code = v_none();
  if (args.tag == T_TUPLE && AS(vm, args, Tuple)->len == 1) code = AS(vm, args, Tuple)->v[0];
  else if (args.tag == T_TUPLE && AS(vm, args, Tuple)->len > 1) code = args;
  if (code.tag == T_NONE) return 0;
  if (code.tag == T_INT || code.tag == T_BOOL) {
    int64_t c = code.as.i & 0xff;
    return c > 119 ? 119 : (int)c;
  }
  StrBuf sb;
  sb_begin(vm, &sb);
  if (sb_str(&sb, code)) {
    sb_putc(&sb, '\n');
    if (!sb.failed) out_write(vm, 2, sb_data(&sb), sb.len);
  }
  return 1;
}
