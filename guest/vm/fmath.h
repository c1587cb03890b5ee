/* fmath.h -- the few floating-point functions the VM needs, implemented
 * bit-exactly here so the guest and the hosted build agree everywhere. */
#ifndef DRIFT_FMATH_H
#define DRIFT_FMATH_H
double fm_floor(double x);
double fm_fmod(double x, double y);   /* C fmod: exact, sign of x */
double fm_ldexp(double x, int n);   /* x * 2**n */
double fm_frexp(double x, int *e);  /* mantissa in [0.5, 1) and exponent */
#endif
