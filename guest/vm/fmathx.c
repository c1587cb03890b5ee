/*
 * fmathx.c -- sqrt, exp, log, pow and the trigonometric functions for a
 * VM without libm.  Each is evaluated in double-double arithmetic (about
 * 100 bits: error-free sums and Dekker products, no FMA needed) by plain
 * argument reduction and Taylor/atanh series, then rounded once, so the
 * result is the correctly rounded one except in rare hard cases (then it
 * can differ in the last bit from CPython, whose libm is also nearly
 * correctly rounded).  Slower than a libm, small in code, table-free.
 * sin/cos/tan of |x| >= 2**50 reduce by a double 2*pi and are inaccurate.
 * Domain and range errors are the caller's business (see mathmod.c).
 */
#include "common.h"
#include "fmath.h"

typedef struct dd { double hi, lo; } dd;

static uint64_t bits(double x) { uint64_t u; memcpy(&u, &x, 8); return u; }
static __attribute__((unused)) double from(uint64_t u) { double x; memcpy(&x, &u, 8); return x; }

static dd two_sum(double a, double b) {
  double s = a + b, bb = s - a;
  return (dd){s, (a - (s - bb)) + (b - bb)};
}
static dd quick_two_sum(double a, double b) { double s = a + b; return (dd){s, b - (s - a)}; }
static void split(double a, double *hi, double *lo) {
  double t = 134217729.0 * a;                      /* 2**27 + 1 */
  *hi = t - (t - a);
  *lo = a - *hi;
}
static dd two_prod(double a, double b) {
  double p = a * b, ah, al, bh, bl;
  split(a, &ah, &al);
  split(b, &bh, &bl);
  return (dd){p, ((ah * bh - p) + ah * bl + al * bh) + al * bl};
}
static dd dd_d(double a) { return (dd){a, 0}; }
static dd dd_add(dd a, dd b) {
  dd s = two_sum(a.hi, b.hi), t = two_sum(a.lo, b.lo);
  s.lo += t.hi;
  s = quick_two_sum(s.hi, s.lo);
  s.lo += t.lo;
  return quick_two_sum(s.hi, s.lo);
}
static dd dd_neg(dd a) { return (dd){-a.hi, -a.lo}; }
static dd dd_sub(dd a, dd b) { return dd_add(a, dd_neg(b)); }
static dd dd_mul(dd a, dd b) {
  dd p = two_prod(a.hi, b.hi);
  p.lo += a.hi * b.lo + a.lo * b.hi;
  return quick_two_sum(p.hi, p.lo);
}
static dd dd_mul_d(dd a, double b) {
  dd p = two_prod(a.hi, b);
  p.lo += a.lo * b;
  return quick_two_sum(p.hi, p.lo);
}
static dd dd_div(dd a, dd b) {
  double q1 = a.hi / b.hi;
  dd r = dd_sub(a, dd_mul_d(b, q1));
  double q2 = r.hi / b.hi;
  r = dd_sub(r, dd_mul_d(b, q2));
  double q3 = r.hi / b.hi;
  dd q = quick_two_sum(q1, q2);
  return dd_add(q, dd_d(q3));
}
static dd dd_div_d(dd a, double b) { return dd_div(a, dd_d(b)); }
static dd dd_sqrt(dd a) {
  if (a.hi <= 0) return dd_d(0);
  double q = fm_sqrt(a.hi);
  dd r = dd_sub(a, two_prod(q, q));
  return two_sum(q, r.hi / (2 * q));
}
static dd dd_ldexp(dd a, int k) { return (dd){fm_ldexp(a.hi, k), fm_ldexp(a.lo, k)}; }
static double dd_round(dd a) { return a.hi + a.lo; }

static const dd LN2 = {0x1.62e42fefa39efp-1, 0x1.abc9e3b39803fp-56};
static const double PIO2[3] = {0x1.921fb54442d18p0, 0x1.1a62633145c07p-54, -0x1.f1976b7ed8fbcp-110};
static const dd PI_2 = {0x1.921fb54442d18p0, 0x1.1a62633145c07p-54};
static const dd PI = {0x1.921fb54442d18p1, 0x1.1a62633145c07p-53};

/* Round to the nearest integer (ties away), |x| < 2**52. */
static double nearest(double x) { return x >= 0 ? fm_floor(x + 0.5) : -fm_floor(0.5 - x); }

/* ---- sqrt ------------------------------------------------------------------------ */
double fm_sqrt(double x) {
  double r;
#if defined(__x86_64__)
  __asm__("sqrtsd %1, %0" : "=x"(r) : "x"(x));
#elif defined(__aarch64__)
  __asm__("fsqrt %d0, %d1" : "=w"(r) : "w"(x));
#else
  if (!(x > 0) || x == 1.0 / 0.0) return x == 0 || x == 1.0 / 0.0 ? x : (x - x) / (x - x);
  int e;
  double m = fm_frexp(x, &e);
  if (e & 1) { m *= 2; e--; }
  r = 0.5 + 0.5 * m;                               /* Newton from sqrt(m), m in [0.5, 2) */
  for (int i = 0; i < 6; i++) r = 0.5 * (r + m / r);
  r = fm_ldexp(r, e / 2);
  for (int i = 0; i < 2; i++) {                    /* fix the last bit: compare r*r with x exactly */
    double up = from(bits(r) + 1), dn = from(bits(r) - 1);
    dd mid_up = two_prod(0.5 * (r + up), 0.5 * (r + up)), mid_dn = two_prod(0.5 * (r + dn), 0.5 * (r + dn));
    if (mid_up.hi < x || (mid_up.hi == x && mid_up.lo < 0)) r = up;
    else if (mid_dn.hi > x || (mid_dn.hi == x && mid_dn.lo > 0)) r = dn;
  }
#endif
  return r;
}

/* ---- exp and log ------------------------------------------------------------------- */
/* e**x for a double-double x with |x.hi| < 746; the power of two comes back in *k. */
static dd dd_exp(dd x, int *k) {
  double kk = nearest(x.hi / LN2.hi);
  dd r = dd_sub(x, dd_mul_d(LN2, kk));
  r = dd_ldexp(r, -10);                            /* |r| < 0.35 / 1024 */
  dd term = r, sum = r;                            /* e**r - 1 */
  for (int n = 2; n <= 10; n++) {
    term = dd_div_d(dd_mul(term, r), n);
    sum = dd_add(sum, term);
  }
  for (int i = 0; i < 10; i++) sum = dd_add(dd_mul_d(sum, 2), dd_mul(sum, sum));   /* (1+s)**2 - 1 */
  *k = (int)kk;
  return dd_add(dd_d(1), sum);
}

/* log(x) for finite x > 0, in double-double. */
static dd dd_log(double x) {
  int e;
  double m = fm_frexp(x, &e);                      /* [0.5, 1) */
  if (m < 0.70710678118654752) { m *= 2; e--; }
  dd num = dd_d(m - 1), den = two_sum(m, 1);
  dd s = dd_div(num, den), t = dd_mul(s, s);
  dd acc = dd_div_d(dd_d(1), 47);
  for (int k = 22; k >= 0; k--) acc = dd_add(dd_mul(acc, t), dd_div_d(dd_d(1), 2 * k + 1));
  dd r = dd_mul_d(dd_mul(s, acc), 2);
  return dd_add(dd_mul_d(LN2, e), r);
}

/* Finish exp: scale by 2**k, with overflow to inf and underflow to 0. */
static double scaled(dd r, int k) {
  if (k > 1024) return 1.0 / 0.0;
  if (k < -1080) return 0.0;
  return fm_ldexp(dd_round(r), k);
}

double fm_exp(double x) {
  if (x != x) return x;
  if (x > 709.8) return 1.0 / 0.0;
  if (x < -745.2) return 0.0;
  int k;
  dd r = dd_exp(dd_d(x), &k);
  return scaled(r, k);
}

double fm_log(double x) { return dd_round(dd_log(x)); }
double fm_log2(double x) { return dd_round(dd_div(dd_log(x), LN2)); }
/* log10 as the C library CPython links (glibc, after fdlibm) computes it, so that
 * results agree: log10(m * 2**y) = y*log10(2) (in two parts) + log(m) / ln(10),
 * m in [1, 2) (in [0.5, 1) when y < 0), evaluated in doubles. */
double fm_log10(double x) {
  int e;
  double m = fm_frexp(x, &e);                      /* [0.5, 1) */
  int y = e - 1;
  if (y < 0) y++; else m *= 2;
  double z = y * 3.69423907715893078616e-13 + 4.34294481903251816668e-01 * fm_log(m);
  return z + y * 3.01029995663611771306e-01;
}

static bool is_int(double y) { return fm_floor(y) == y; }
static bool is_odd(double y) { return is_int(y) && fm_fmod(y, 2.0) != 0; }

/* C99 pow (Annex F special cases); a negative x with a non-integer y gives NaN. */
double fm_pow(double x, double y) {
  const double inf = 1.0 / 0.0;
  if (y == 0) return 1.0;
  if (x == 1.0) return 1.0;
  if (x != x || y != y) return x + y;
  if (y == inf || y == -inf) {
    double ax = x < 0 ? -x : x;
    if (ax == 1) return 1.0;
    return (ax > 1) == (y > 0) ? inf : 0.0;
  }
  if (x == 0) {
    bool neg = bits(x) >> 63 && is_odd(y);
    if (y > 0) return neg ? -0.0 : 0.0;
    return neg ? -inf : inf;
  }
  if (x == inf) return y > 0 ? inf : 0.0;
  if (x == -inf) {
    double r = y > 0 ? inf : 0.0;
    return is_odd(y) ? -r : r;
  }
  bool neg = false;
  if (x < 0) {
    if (!is_int(y)) return (x - x) / (x - x);      /* NaN */
    neg = is_odd(y);
    x = -x;
  }
  double r;
  if (x == 1.0) r = 1.0;                           /* (-1)**y: the product below would split a huge y */
  else if (y == 1) r = x;
  else if (y == 2) r = x * x;
  else if (y == 0.5) r = fm_sqrt(x);
  else if (y == -1) r = 1 / x;
  else {
    dd l = dd_log(x);
    double th = l.hi * y;                          /* the range check in plain doubles: a huge y */
    if (th > 709.8) r = inf;                       /* would make the double-double product NaN */
    else if (th < -745.2) r = 0.0;
    else { int k; dd e = dd_exp(dd_mul_d(l, y), &k); r = scaled(e, k); }
  }
  return neg ? -r : r;
}

/* ---- trigonometry ------------------------------------------------------------------- */
/* x - k*pi/2 in double-double, k = nearest(x * 2/pi), returned in *k (mod 4). */
static dd reduce(double x, int *k) {
  if (x > 0x1p50 || x < -0x1p50) x = fm_fmod(x, 4 * PIO2[0]);   /* inexact: see the header comment */
  double kk = nearest(x / PIO2[0]);
  dd r = dd_sub(dd_d(x), two_prod(kk, PIO2[0]));
  r = dd_sub(r, two_prod(kk, PIO2[1]));
  r = dd_sub(r, two_prod(kk, PIO2[2]));
  *k = (int)fm_fmod(kk, 4.0);
  if (*k < 0) *k += 4;
  return r;
}

/* sin and cos of a reduced |r| <= pi/4 in double-double. */
static dd dd_sin(dd r) {
  dd r2 = dd_mul(r, r), term = r, sum = r;
  for (int n = 1; n <= 14; n++) {
    term = dd_div_d(dd_mul(term, r2), -(double)(2 * n) * (2 * n + 1));
    sum = dd_add(sum, term);
  }
  return sum;
}
static dd dd_cos(dd r) {
  dd r2 = dd_mul(r, r), term = dd_d(1), sum = dd_d(1);
  for (int n = 1; n <= 14; n++) {
    term = dd_div_d(dd_mul(term, r2), -(double)(2 * n - 1) * (2 * n));
    sum = dd_add(sum, term);
  }
  return sum;
}

/* which: 0 sin, 1 cos, 2 tan; x finite. */
static double trig(double x, int which) {
  if (x == 0 && which != 1) return x;              /* keeps the sign of zero */
  int k;
  dd r = reduce(x, &k);
  dd s = dd_sin(r), c = dd_cos(r);
  if (which == 2) return k & 1 ? dd_round(dd_div(dd_neg(c), s)) : dd_round(dd_div(s, c));
  k = (k + which) & 3;                             /* cos(x) = sin(x + pi/2) */
  dd v = k == 0 ? s : k == 1 ? c : k == 2 ? dd_neg(s) : dd_neg(c);
  return dd_round(v);
}
double fm_sin(double x) { return x - x != 0 ? (x - x) / (x - x) : trig(x, 0); }
double fm_cos(double x) { return x - x != 0 ? (x - x) / (x - x) : trig(x, 1); }
double fm_tan(double x) { return x - x != 0 ? (x - x) / (x - x) : trig(x, 2); }

/* atan of a double-double x >= 0. */
static dd dd_atan(dd x) {
  bool inv = x.hi > 1;
  if (inv) x = dd_div(dd_d(1), x);
  for (int i = 0; i < 2; i++)                      /* atan(x) = 2 atan(x / (1 + sqrt(1 + x*x))) */
    x = dd_div(x, dd_add(dd_d(1), dd_sqrt(dd_add(dd_d(1), dd_mul(x, x)))));
  dd t = dd_mul(x, x), acc = dd_div_d(dd_d(1), 51);
  for (int k = 24; k >= 0; k--) acc = dd_sub(dd_div_d(dd_d(1), 2 * k + 1), dd_mul(acc, t));
  dd a = dd_mul_d(dd_mul(x, acc), 4);
  return inv ? dd_sub(PI_2, a) : a;
}

double fm_atan(double x) {
  if (x != x) return x;
  if (x == 0) return x;
  if (x == 1.0 / 0.0) return dd_round(PI_2);
  if (x == -1.0 / 0.0) return -dd_round(PI_2);
  double r = dd_round(dd_atan(dd_d(x < 0 ? -x : x)));
  return x < 0 ? -r : r;
}

/* atan(y/x) in the right quadrant, from double-double y >= 0 and x. */
static double quadrant(dd y, dd x, bool neg) {
  dd a;
  if (x.hi == 0) a = PI_2;
  else if (x.hi > 0) a = dd_atan(dd_div(y, x));
  else a = dd_sub(PI, dd_atan(dd_div(y, dd_neg(x))));
  double r = dd_round(a);
  return neg ? -r : r;
}

double fm_atan2(double y, double x) {
  const double inf = 1.0 / 0.0;
  if (x != x || y != y) return x + y;
  bool neg = bits(y) >> 63, xneg = bits(x) >> 63;
  double ay = neg ? -y : y;
  if (ay == inf) {
    double r = x == inf ? 0.78539816339744828 : x == -inf ? 2.3561944901923448 : dd_round(PI_2);
    return neg ? -r : r;
  }
  if (x == inf) return neg ? -0.0 : 0.0;
  if (x == -inf) return neg ? -dd_round(PI) : dd_round(PI);
  if (y == 0) {
    double r = xneg ? dd_round(PI) : 0.0;
    return neg ? -r : r;
  }
  return quadrant(dd_d(ay), dd_d(x), neg);
}

/* asin and acos for |x| <= 1: atan2 of x and sqrt(1 - x*x), all in double-double. */
double fm_asin(double x) {
  if (x == 0) return x;
  double ax = x < 0 ? -x : x;
  dd c = dd_sqrt(dd_sub(dd_d(1), two_prod(ax, ax)));
  return quadrant(dd_d(ax), c, x < 0);
}
double fm_acos(double x) {
  double ax = x < 0 ? -x : x;
  dd s = dd_sqrt(dd_sub(dd_d(1), two_prod(ax, ax)));
  if (x == 1) return 0.0;
  return quadrant(s, dd_d(x), false);
}

/* sqrt(x*x + y*y) without overflow, nearly correctly rounded. */
double fm_hypot(double x, double y) {
  const double inf = 1.0 / 0.0;
  if (x < 0) x = -x;
  if (y < 0) y = -y;
  if (x == inf || y == inf) return inf;
  if (x != x || y != y) return x + y;
  if (x < y) { double t = x; x = y; y = t; }
  if (x == 0) return 0.0;
  int e;
  fm_frexp(x, &e);
  x = fm_ldexp(x, -e);
  y = fm_ldexp(y, -e);
  return fm_ldexp(dd_round(dd_sqrt(dd_add(two_prod(x, x), two_prod(y, y)))), e);
}
