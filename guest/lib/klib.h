/*
 * klib.h -- the few C library functions the freestanding guest provides
 * (lib/string.c).  The hosted build gets them from libc instead.
 */
#ifndef DRIFT_KLIB_H
#define DRIFT_KLIB_H

#include <stddef.h>

#ifdef DRIFT_HOSTED
#include <string.h>
#else
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
#endif

#endif
