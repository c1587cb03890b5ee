/* fmath.h -- the few floating-point functions the VM needs, implemented
 * bit-exactly here so the guest and the hosted build agree everywhere. */
#ifndef DRIFT_FMATH_H
#define DRIFT_FMATH_H
double fm_floor(double x);
double fm_fmod(double x, double y);   /* C fmod: exact, sign of x */
double fm_ldexp(double x, int n);   /* x * 2**n */
double fm_frexp(double x, int *e);  /* mantissa in [0.5, 1) and exponent */
/* fmathx.c: nearly correctly rounded (double-double evaluation) */
double fm_sqrt(double x);             /* correctly rounded */
double fm_exp(double x);
double fm_log(double x);              /* x > 0 finite */
double fm_log2(double x);
double fm_log10(double x);
double fm_pow(double x, double y);    /* C99 special cases */
double fm_sin(double x);
double fm_cos(double x);
double fm_tan(double x);
double fm_atan(double x);
double fm_atan2(double y, double x);
double fm_asin(double x);             /* |x| <= 1 */
double fm_acos(double x);             /* |x| <= 1 */
double fm_hypot(double x, double y);
#endif
