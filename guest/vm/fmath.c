/* fmath.c -- floor and fmod on IEEE-754 binary64 by bit manipulation
 * (after musl's floor.c and fmod.c). */
#include "common.h"
#include "fmath.h"

static uint64_t bits(double x) { uint64_t u; memcpy(&u, &x, 8); return u; }
static double from(uint64_t u) { double x; memcpy(&x, &u, 8); return x; }

double fm_floor(double x) {
  uint64_t u = bits(x);
  int e = (int)(u >> 52 & 0x7ff) - 0x3ff;
  if (e >= 52) return x;                          /* integral, inf or nan */
  if (e < 0) {                                     /* |x| < 1 */
    if ((u << 1) == 0) return x;                   /* +-0 */
    return (u >> 63) ? -1.0 : 0.0;
  }
  uint64_t m = 0x000fffffffffffffull >> e;
  if ((u & m) == 0) return x;
  if (u >> 63) u += m;
  return from(u & ~m);
}

double fm_fmod(double x, double y) {
  uint64_t ux = bits(x), uy = bits(y);
  int ex = (int)(ux >> 52 & 0x7ff), ey = (int)(uy >> 52 & 0x7ff);
  uint64_t sx = ux >> 63, i;
  if ((uy << 1) == 0 || ex == 0x7ff || (y != y)) return (x * y) / (x * y);
  if ((ux << 1) <= (uy << 1)) return (ux << 1) == (uy << 1) ? 0 * x : x;
  if (!ex) { for (i = ux << 12; i >> 63 == 0; ex--, i <<= 1) ; ux <<= -ex + 1; }
  else { ux &= -1ull >> 12; ux |= 1ull << 52; }
  if (!ey) { for (i = uy << 12; i >> 63 == 0; ey--, i <<= 1) ; uy <<= -ey + 1; }
  else { uy &= -1ull >> 12; uy |= 1ull << 52; }
  for (; ex > ey; ex--) {
    i = ux - uy;
    if (i >> 63 == 0) { if (i == 0) return 0 * x; ux = i; }
    ux <<= 1;
  }
  i = ux - uy;
  if (i >> 63 == 0) { if (i == 0) return 0 * x; ux = i; }
  for (; ux >> 52 == 0; ux <<= 1, ex--) ;
  if (ex > 0) { ux -= 1ull << 52; ux |= (uint64_t)ex << 52; }
  else ux >>= -ex + 1;
  ux |= sx << 63;
  return from(ux);
}

/* x * 2**n, correctly rounded (musl's scalbn). */
double fm_ldexp(double x, int n) {
  double y = x;
  if (n > 1023) {
    y *= 0x1p1023; n -= 1023;
    if (n > 1023) { y *= 0x1p1023; n -= 1023; if (n > 1023) n = 1023; }
  } else if (n < -1022) {
    y *= 0x1p-1022 * 0x1p53; n += 1022 - 53;
    if (n < -1022) { y *= 0x1p-1022 * 0x1p53; n += 1022 - 53; if (n < -1022) n = -1022; }
  }
  return y * from((uint64_t)(0x3ff + n) << 52);
}

/* x = m * 2**e with 0.5 <= |m| < 1 (musl's frexp). */
double fm_frexp(double x, int *e) {
  uint64_t u = bits(x);
  int ee = (int)(u >> 52 & 0x7ff);
  if (!ee) {
    if (x != 0) { x = fm_frexp(x * 0x1p64, e); *e -= 64; } else *e = 0;
    return x;
  }
  if (ee == 0x7ff) { *e = 0; return x; }
  *e = ee - 0x3fe;
  return from((u & 0x800fffffffffffffull) | 0x3fe0000000000000ull);
}
