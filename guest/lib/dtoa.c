/*
 * dtoa.c -- double <-> decimal conversion matching CPython 3.11 (see dtoa.h).
 *
 * Everything is exact big-integer arithmetic on a small fixed-size bignum:
 *  - output: Steele-White/Dragon4 digit generation.  Shortest mode copies the
 *    termination and tie rules of David Gay's dtoa.c mode 0 (which CPython
 *    uses), fixed modes are Gay's modes 2 and 3 (ties to even on the exact
 *    binary value); the text layout copies CPython's format_float_short().
 *  - input: the decimal significand (first 780 significant digits plus a
 *    sticky digit; no double needs more to round correctly) and a power of
 *    five form an exact fraction, which is divided bit by bit.
 * No libc, no static mutable state, stack use about 1.7 KiB.
 */
#include "dtoa.h"

#define FRAC_MASK ((UINT64_C(1) << 52) - 1)
#define EXP_MASK  (UINT64_C(0x7ff) << 52)
#define SIGN_BIT  (UINT64_C(1) << 63)

/* ---- bignum ------------------------------------------------------------- */

/* 86 x 32 bits = 2752 bits.  Parsing needs <= 83 limbs (a 781-digit
 * significand is < 2^2595, one more bit while dividing, one limb of slack in
 * bn_shl), printing <= 25 (2^54 * 5^324). */
#define BN_N 86

/* The small helpers are kept out of line: inlining them everywhere costs
 * ~800 bytes of code at -O2 for ~10% speed. */
#define NOINLINE __attribute__((noinline))

typedef struct {
  int n;               /* limbs in use; d[n-1] != 0 unless n == 0 */
  uint32_t d[BN_N];    /* little-endian limbs */
} bn;

NOINLINE static void bn_norm(bn *a) {
  while (a->n && !a->d[a->n - 1]) a->n--;
}

static void bn_set(bn *a, uint64_t v) {
  a->d[0] = (uint32_t)v;
  a->d[1] = (uint32_t)(v >> 32);
  a->n = 2;
  bn_norm(a);
}

/* a = a * m + c */
NOINLINE static void bn_muladd(bn *a, uint32_t m, uint32_t c) {
  uint64_t carry = c;
  for (int i = 0; i < a->n; i++) {
    carry += (uint64_t)a->d[i] * m;
    a->d[i] = (uint32_t)carry;
    carry >>= 32;
  }
  if (carry) a->d[a->n++] = (uint32_t)carry;
}

/* a *= 5^k */
static void bn_mulpow5(bn *a, int k) {
  while (k > 0) {
    uint32_t m = 1;
    int i;
    for (i = 0; i < 13 && i < k; i++) m *= 5;
    bn_muladd(a, m, 0);
    k -= i;
  }
}

/* a <<= sh */
static void bn_shl(bn *a, int sh) {
  int w = sh >> 5, b = sh & 31, n = a->n;
  if (!n || sh <= 0) return;
  a->d[n + w] = 0;
  for (int i = n - 1; i >= 0; i--) {
    uint64_t v = (uint64_t)a->d[i] << b;
    a->d[i + w + 1] |= (uint32_t)(v >> 32);
    a->d[i + w] = (uint32_t)v;
  }
  for (int i = 0; i < w; i++) a->d[i] = 0;
  a->n = n + w + 1;
  bn_norm(a);
}

NOINLINE static int bn_cmp(const bn *a, const bn *b) {
  if (a->n != b->n) return a->n > b->n ? 1 : -1;
  for (int i = a->n - 1; i >= 0; i--)
    if (a->d[i] != b->d[i]) return a->d[i] > b->d[i] ? 1 : -1;
  return 0;
}

/* a += b, or a -= b if sub (then a >= b is required) */
static void bn_addsub(bn *a, const bn *b, int sub) {
  int n = a->n > b->n ? a->n : b->n;
  int64_t c = 0;
  for (int i = 0; i < n; i++) {
    int64_t x = i < a->n ? a->d[i] : 0, y = i < b->n ? b->d[i] : 0;
    c += sub ? x - y : x + y;
    a->d[i] = (uint32_t)c;
    c = (c - (int64_t)(uint32_t)c) / ((int64_t)1 << 32); /* exact: -1, 0 or 1 */
  }
  if (c) a->d[n++] = 1;
  a->n = n;
  bn_norm(a);
}

static int bn_bits(const bn *a) {
  return a->n ? 32 * a->n - __builtin_clz(a->d[a->n - 1]) : 0;
}

/* r / s for r < 10 s; r becomes the remainder */
static int bn_qdig(bn *r, const bn *s) {
  int q = 0;
  while (bn_cmp(r, s) >= 0) {
    bn_addsub(r, s, 1);
    q++;
  }
  return q;
}

/* ---- double -> digits ------------------------------------------------- */

/*
 * ASCII digits of the finite, positive, nonzero double with bit pattern
 * bits, in Gay's modes: 0 shortest round trip, 2 nd significant digits,
 * 3 digits up to the 10^-nd place.  No trailing zeros, possibly no digits
 * at all (mode 3).  Value = 0.<digits> * 10^*decpt.  Returns the count, or
 * -1 if more than cap digits would be needed.
 */
static int gen_digits(uint64_t bits, int mode, int nd, char *out, int cap,
                      int *decpt) {
  bn r, s, mlo, mhi;
  int be = (int)(bits >> 52), e = be ? be - 1075 : -1074;
  uint64_t f = be ? (bits & FRAC_MASK) | (FRAC_MASK + 1) : bits;
  /* the gap below is half the gap above at exact powers of two */
  int special = mode == 0 && !(bits & FRAC_MASK) && be > 1;
  int L = 63 - __builtin_clzll(f) + e; /* 2^L <= x < 2^(L+1) */
  /* k = floor((L+1) log10 2): floor(log10 x) is k or k-1 */
  int k = (int)(((int64_t)(L + 1) * 1292913986) >> 32);
  int r2, s2, m2, r5 = 0, s5 = 0, n = 0, z = 0, dig, j, j1;

  /* x = r/s; the rounding interval is [x - mlo/s, x + mhi/s] (halved gaps) */
  r2 = e > 0 ? e : 0;
  s2 = e < 0 ? -e : 0;
  m2 = r2;
  r2 += 1 + special;
  s2 += 1 + special;
  if (k >= 0) {
    s5 = k;
    s2 += k;
  } else {
    r5 = -k;
    r2 -= k;
    m2 -= k;
  }
  j = r2 < s2 ? r2 : s2;
  if (mode == 0 && m2 < j) j = m2;
  r2 -= j, s2 -= j, m2 -= j;
  bn_set(&r, f);
  bn_mulpow5(&r, r5);
  bn_shl(&r, r2);
  bn_set(&s, 1);
  bn_mulpow5(&s, s5);
  bn_shl(&s, s2);
  if (mode == 0) {
    bn_set(&mlo, 1);
    bn_mulpow5(&mlo, r5);
    bn_shl(&mlo, m2);
    mhi = mlo;
    bn_shl(&mhi, special);
  }
  if (bn_cmp(&r, &s) < 0) { /* now 1 <= r/s < 10 */
    k--;
    bn_muladd(&r, 10, 0);
    if (mode == 0) {
      bn_muladd(&mlo, 10, 0);
      bn_muladd(&mhi, 10, 0);
    }
  }

  if (mode == 0) {
    int even = !(f & 1);
    for (;;) {
      if (n >= cap) return -1;
      dig = bn_qdig(&r, &s);
      j = bn_cmp(&r, &mlo);       /* < 0: truncating here stays inside */
      bn_addsub(&r, &mhi, 0);
      j1 = bn_cmp(&r, &s);        /* > 0: rounding up here stays inside */
      bn_addsub(&r, &mhi, 1);
      if (j1 == 0 && even) {
        if (dig == 9) goto roundoff;
        out[n++] = (char)('0' + dig + (j > 0));
        goto done;
      }
      if (j < 0 || (j == 0 && even)) {
        if (r.n && j1 > 0) { /* both ok: nearer one, ties to even digit */
          bn_shl(&r, 1);
          j1 = bn_cmp(&r, &s);
          if (j1 > 0 || (j1 == 0 && (dig & 1))) {
            if (dig == 9) goto roundoff;
            dig++;
          }
        }
        out[n++] = (char)('0' + dig);
        goto done;
      }
      if (j1 > 0) {
        if (dig == 9) goto roundoff;
        out[n++] = (char)('0' + dig + 1);
        goto done;
      }
      out[n++] = (char)('0' + dig);
      bn_muladd(&r, 10, 0);
      bn_muladd(&mlo, 10, 0);
      bn_muladd(&mhi, 10, 0);
    }
  } else {
    int ilim = mode == 2 ? nd : nd + k + 1;
    if (ilim <= 0) { /* mode 3, x < 10^-nd: "" or "1" */
      bn_muladd(&s, 5, 0);
      if (ilim < 0 || bn_cmp(&r, &s) <= 0) {
        k = -1 - nd;
      } else {
        if (cap < 1) return -1;
        out[n++] = '1';
        k = -nd;
      }
      goto done;
    }
    /* zeros are held back in z: trailing ones never reach out[] ('g') */
    for (;;) {
      dig = bn_qdig(&r, &s);
      if (!dig) {
        z++;
      } else {
        if (n + z >= cap) return -1;
        for (; z; z--) out[n++] = '0';
        out[n++] = (char)('0' + dig);
      }
      if (!r.n) goto done;
      if (n + z >= ilim) break;
      bn_muladd(&r, 10, 0);
    }
    bn_shl(&r, 1); /* round half even on the exact remainder */
    j = bn_cmp(&r, &s);
    if (!(j > 0 || (j == 0 && (dig & 1)))) goto done;
    if (z) { /* ...d000 -> ...d001 */
      if (n + z > cap) return -1;
      for (; z > 1; z--) out[n++] = '0';
      out[n++] = '1';
      goto done;
    }
  }
roundoff: /* add one unit to the digits out[0..n) followed by a 9 */
  while (n > 0 && out[n - 1] == '9') n--;
  if (n == 0) {
    out[n++] = '1';
    k++;
  } else {
    out[n - 1]++;
  }
done:
  while (n > 0 && out[n - 1] == '0') n--;
  *decpt = k + 1;
  return n;
}

/* ---- formatting (CPython's format_float_short) ------------------------ */

size_t dtoa_format(double x, char mode, int precision, char *buf, size_t cap) {
  union { double d; uint64_t u; } v;
  uint64_t bits;
  int64_t prec = precision < 0 ? 6 : precision, vend, vstart, lim, len;
  int gmode = 2, nd = 0, decpt = 1, n = 1, ex, use_exp, point, dot0 = 0;
  size_t p = 0;
  char *q;

  v.d = x;
  bits = v.u & ~SIGN_BIT;
  switch (mode) {
  case 0:
  case 'r':
    mode = 'r';
    gmode = 0;
    dot0 = 1;
    break;
  case 'e':
    nd = (int)(prec > 1100 ? 1100 : prec + 1);
    break;
  case 'f':
    gmode = 3;
    nd = (int)(prec > 1100 ? 1100 : prec);
    break;
  case 'g':
    if (!prec) prec = 1;
    nd = (int)(prec > 1100 ? 1100 : prec);
    break;
  default:
    return 0;
  }
  if (cap < 2) return 0;
  if (bits >= EXP_MASK) {
    const char *t = bits > EXP_MASK ? "nan" : (v.u & SIGN_BIT) ? "-inf" : "inf";
    while (*t && p + 1 < cap) buf[p++] = *t++;
    if (*t) return 0;
    buf[p] = 0;
    return p;
  }
  if ((mode == 'e' || mode == 'f') && (size_t)prec >= cap) return 0;
  if (v.u & SIGN_BIT) buf[p++] = '-';
  q = buf + p;
  if (!bits) {
    q[0] = '0';
  } else {
    size_t room = cap - p - 1;
    n = gen_digits(bits, gmode, nd, q, room > 0x7fffffff ? 0x7fffffff : (int)room,
                   &decpt);
    if (n < 0) return 0;
  }

  vend = n;
  use_exp = mode == 'e' || (mode == 'g' && (decpt <= -4 || decpt > prec)) ||
            (mode == 'r' && (decpt <= -4 || decpt > 16));
  if (mode == 'e') vend = prec + 1;
  if (mode == 'f') vend = decpt + prec;
  ex = decpt - 1;
  if (use_exp) decpt = 1;
  vstart = decpt <= 0 ? decpt - 1 : 0;
  lim = decpt + (dot0 && !use_exp);
  if (vend < lim) vend = lim;
  point = vend > decpt; /* a trailing '.' is dropped */
  len = (int64_t)p + vend - vstart + point + (use_exp ? (ex >= 100 || ex <= -100 ? 5 : 4) : 0);
  if ((size_t)len >= cap) return 0;

  /* Output the slice [vstart, vend) of ...000<digits>000... with a '.'
   * before index decpt: move the digits into place, then fill around. */
  for (int64_t i = n - 1; i >= 0; i--) q[i - vstart + (i >= decpt)] = q[i];
  for (int64_t i = vstart; i < vend; i++)
    if (i < 0 || i >= n) q[i - vstart + (i >= decpt)] = '0';
  if (point) q[decpt - vstart] = '.';
  p += (size_t)(vend - vstart + point);
  if (use_exp) {
    buf[p++] = 'e';
    buf[p++] = ex < 0 ? '-' : '+';
    if (ex < 0) ex = -ex;
    if (ex >= 100) buf[p++] = (char)('0' + ex / 100);
    buf[p++] = (char)('0' + ex / 10 % 10);
    buf[p++] = (char)('0' + ex % 10);
  }
  buf[p] = 0;
  return p;
}

size_t dtoa_repr(double x, char *buf) {
  return dtoa_format(x, 'r', 0, buf, DTOA_REPR_BUF);
}

/* ---- parsing ---------------------------------------------------------- */

#define MAXDIG 780 /* > 767, the most significant digits a tie can have */

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

/* case-insensitive s[0..n) == lowercase word w */
static int word_is(const char *s, size_t n, const char *w) {
  size_t i = 0;
  for (; i < n && w[i]; i++)
    if ((s[i] | 0x20) != w[i]) return 0;
  return i == n && !w[i];
}

bool dtoa_parse(const char *s, size_t n, double *out) {
  size_t i = 0, start;
  int64_t ndig = 0, nint = -1, fnz = -1, lnz = 0, ex = 0, dexp;
  uint64_t sign = 0, m = 0;
  bn num, den;
  union { double d; uint64_t u; } v;

  while (n && is_space(s[n - 1])) n--;
  while (i < n && is_space(s[i])) i++;
  for (size_t j = i; j < n; j++) /* '_' only between two digits */
    if (s[j] == '_' && !(j > i && is_digit(s[j - 1]) && j + 1 < n && is_digit(s[j + 1])))
      return false;
  if (i < n && (s[i] == '+' || s[i] == '-')) sign = (uint64_t)(s[i++] == '-') << 63;

  start = i;
  for (; i < n; i++) {
    char c = s[i];
    if (is_digit(c)) {
      if (c != '0') {
        if (fnz < 0) fnz = ndig;
        lnz = ndig;
      }
      ndig++;
    } else if (c == '.' && nint < 0) {
      nint = ndig;
    } else if (c != '_') {
      break;
    }
  }
  if (!ndig) {
    if (word_is(s + start, n - start, "nan")) {
      v.u = sign | EXP_MASK | (UINT64_C(1) << 51);
    } else if (word_is(s + start, n - start, "inf") ||
               word_is(s + start, n - start, "infinity")) {
      v.u = sign | EXP_MASK;
    } else {
      return false;
    }
    *out = v.d;
    return true;
  }
  if (nint < 0) nint = ndig;
  if (i < n && (s[i] | 0x20) == 'e') {
    int eneg = 0;
    i++;
    if (i < n && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
    if (i >= n || !is_digit(s[i])) return false;
    for (; i < n && (is_digit(s[i]) || s[i] == '_'); i++)
      if (s[i] != '_' && ex < 100000000) ex = ex * 10 + (s[i] - '0');
    if (eneg) ex = -ex;
  }
  if (i != n) return false;

  v.u = 0; /* zero or underflow */
  if (fnz < 0) goto finish;
  dexp = nint - fnz + ex; /* x = 0.<significant digits> * 10^dexp */
  if (dexp > 310) {
    v.u = EXP_MASK;
    goto finish;
  }
  if (dexp < -330) goto finish;

  {
    int64_t nsig = lnz - fnz + 1, use = nsig > MAXDIG ? MAXDIG : nsig, d = 0;
    uint32_t acc = 0, mul = 1;
    int E, t, L, nb;
    num.n = 0;
    for (i = start; d < fnz + use; i++) {
      if (!is_digit(s[i])) continue;
      if (d++ < fnz) continue;
      acc = acc * 10 + (uint32_t)(s[i] - '0');
      mul *= 10;
      if (mul == 1000000000) {
        bn_muladd(&num, mul, acc);
        acc = 0;
        mul = 1;
      }
    }
    if (nsig > use) { /* sticky digit for everything cut off (it is > 0) */
      acc = acc * 10 + 1;
      mul *= 10;
      use++;
    }
    bn_muladd(&num, mul, acc);

    /* x = num/den * 2^E */
    E = (int)(dexp - use);
    bn_set(&den, 1);
    bn_mulpow5(E >= 0 ? &num : &den, E >= 0 ? E : -E);
    t = bn_bits(&num) - bn_bits(&den);
    bn_shl(&den, t);
    bn_shl(&num, -t);
    if (bn_cmp(&num, &den) < 0) {
      bn_shl(&num, 1);
      t--;
    }
    /* now 1 <= num/den < 2, x = num/den * 2^L */
    L = t + E;
    nb = L >= -1022 ? 53 : L + 1075; /* significand bits to keep */
    if (nb < 0) goto finish;
    for (int b = 0; b <= nb; b++) { /* nb bits, then the rounding bit */
      int bit = bn_cmp(&num, &den) >= 0;
      if (bit) bn_addsub(&num, &den, 1);
      if (b == nb) {
        if (bit && (num.n || (m & 1))) m++;
        break;
      }
      m = 2 * m + (uint64_t)bit;
      bn_shl(&num, 1);
    }
    /* m * 2^(L-nb+1); the exponent field is added on top of the hidden bit,
     * which also handles a carry out of the significand */
    v.u = m + ((uint64_t)(L - nb + 1 + 1074) << 52);
    if (v.u > EXP_MASK) v.u = EXP_MASK;
  }
finish:
  v.u |= sign;
  *out = v.d;
  return true;
}
