/*
 * tests/dtoa/driver.c -- line-oriented driver for guest/lib/dtoa.c, used by
 * tests/test_dtoa.py.  One command per input line, one result line each:
 *   R <bits>                  -> dtoa_repr
 *   F <mode> <prec> <bits>    -> dtoa_format with a 4096-byte buffer
 *                                (mode '0' means the 0 mode)
 *   C <mode> <prec> <cap> <bits> -> "<len> <text>" with cap bytes
 *   P <hex bytes>             -> dtoa_parse: result bits in hex, or ERR
 * <bits> is the double's bit pattern as 16 hex digits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dtoa.h"

static double from_bits(unsigned long long u) {
  double d;
  memcpy(&d, &u, 8);
  return d;
}

int main(void) {
  static char line[1 << 17], buf[4096], in[1 << 16];
  while (fgets(line, sizeof line, stdin)) {
    char mode;
    int prec;
    unsigned long long u;
    size_t cap, n;
    if (line[0] == 'R' && sscanf(line + 1, "%llx", &u) == 1) {
      char b[DTOA_REPR_BUF];
      memset(b, 'X', sizeof b);
      n = dtoa_repr(from_bits(u), b);
      if (b[n] != 0 || n != strlen(b)) {
        printf("BADNUL\n");
        continue;
      }
      printf("%s\n", b);
    } else if (line[0] == 'F' && sscanf(line + 1, " %c %d %llx", &mode, &prec, &u) == 3) {
      n = dtoa_format(from_bits(u), mode == '0' ? 0 : mode, prec, buf, sizeof buf);
      printf("%s\n", n ? buf : "<none>");
    } else if (line[0] == 'C' &&
               sscanf(line + 1, " %c %d %zu %llx", &mode, &prec, &cap, &u) == 4) {
      memset(buf, 'X', sizeof buf);
      n = dtoa_format(from_bits(u), mode, prec, buf, cap);
      if (n && (n >= cap || buf[n] != 0 || strlen(buf) != n)) printf("BADLEN\n");
      else if (!n && buf[cap] != 'X') printf("OVERRUN\n");
      else printf("%zu %s\n", n, n ? buf : "");
    } else if (line[0] == 'P') {
      size_t len = 0;
      const char *h = line + 2;
      double d = 12345.0;
      unsigned v;
      while (sscanf(h, "%2x", &v) == 1 && len < sizeof in) {
        in[len++] = (char)v;
        h += 2;
      }
      if (dtoa_parse(in, len, &d)) {
        memcpy(&u, &d, 8);
        printf("%016llx\n", u);
      } else {
        printf(d == 12345.0 ? "ERR\n" : "ERR-CLOBBER\n");
      }
    } else {
      printf("?\n");
    }
  }
  return 0;
}
