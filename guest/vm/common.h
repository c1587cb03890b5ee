/*
 * common.h -- the few libc pieces the VM uses, identical in the hosted and
 * the freestanding build (guest/lib provides them on bare metal).
 */
#ifndef DRIFT_COMMON_H
#define DRIFT_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define ALIGN_UP(x, a) (((x) + ((a) - 1)) & ~((size_t)(a) - 1))

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "Drift needs a little-endian CPU");
_Static_assert(sizeof(void *) == 8, "Drift needs a 64-bit CPU");

static inline uint16_t rd16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static inline uint32_t rd32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline uint64_t rd64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

#endif
