/*
 * dtoa.h -- double <-> decimal conversion that matches CPython 3.11 exactly.
 *
 * Freestanding: needs nothing beyond <stddef.h>/<stdint.h>/<stdbool.h>, no
 * libc calls, no static mutable state (reentrant), < 2 KiB of stack.
 * Exact big-integer arithmetic throughout (Steele-White / Dragon4 with
 * David Gay's termination rules for the shortest digits, exact division for
 * parsing), so every result is correctly rounded.
 */
#ifndef DRIFT_DTOA_H
#define DRIFT_DTOA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Buffer size that is always enough for dtoa_repr (longest output is 24). */
#define DTOA_REPR_BUF 32

/*
 * repr(x) / str(x): shortest round-tripping digits, exponent form when the
 * decimal exponent is < -4 or >= 16 ("1e+16", "1.5e-07", "0.0001",
 * "123456789012345.0", "-0.0", "inf", "-inf", "nan", "5e-324").
 * buf must hold DTOA_REPR_BUF bytes.  Returns the length; a NUL is written
 * after the text.
 */
size_t dtoa_repr(double x, char *buf);

/*
 * format(x, '.{precision}{mode}') for mode 'f', 'e', 'g' (correctly rounded,
 * ties to even on the exact binary value; 'g' strips trailing zeros and
 * treats precision 0 as 1).  A negative precision means "omitted" (6).
 * mode 'r' or 0: repr(x), precision ignored.
 * inf/nan come out as "inf", "-inf", "nan" (nan never gets a sign).
 * Writes the text plus a NUL into buf; returns the length, or 0 if the text
 * and its NUL do not fit in cap bytes (or mode is unknown).  'f' of 1e308
 * needs about 310 + precision bytes.
 */
size_t dtoa_format(double x, char mode, int precision, char *buf, size_t cap);

/*
 * float(s) for the n bytes at s (no NUL needed): optional ASCII whitespace
 * around an optional sign and either "inf", "infinity", "nan" (any case) or
 * digits with at most one '.', at least one digit, an optional exponent
 * (e/E, optional sign, digits); '_' is allowed only between two digits.
 * Correctly rounded (ties to even) for any number of digits; overflow gives
 * +-inf and underflow +-0.0, as CPython does.  Returns false (and leaves
 * *out alone) if the text is not a valid float literal.
 */
bool dtoa_parse(const char *s, size_t n, double *out);

#endif
