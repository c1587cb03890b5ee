/*
 * fdt.c -- just enough of a flattened device tree reader: the properties of
 * the root's children (memory@, chosen, pcie@, intc@).  The blob is untrusted
 * in principle: every offset is checked against its size.
 */
#include "platform.h"
#include "arch.h"

enum { FDT_BEGIN_NODE = 1, FDT_END_NODE = 2, FDT_PROP = 3, FDT_NOP = 4, FDT_END = 9 };
#define FDT_MAGIC 0xd00dfeedu

static const uint8_t *blob;
static uint32_t size, off_struct, off_strings;

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

uint64_t fdt_cells(const uint8_t *p, int n)
{
    uint64_t v = 0;
    while (n--) {
        v = v << 32 | be32(p);
        p += 4;
    }
    return v;
}

int fdt_init(const void *fdt)
{
    const uint8_t *b = fdt;
    if (be32(b) != FDT_MAGIC)
        return 0;
    blob = b;
    size = be32(b + 4);
    off_struct = be32(b + 8);
    off_strings = be32(b + 12);
    return off_struct < size && off_strings < size;
}

/* s (NUL-terminated in the blob) equals w, or starts with w@ when at is set */
static int name_is(const uint8_t *s, const char *w, int at)
{
    while (*w)
        if (*s++ != (uint8_t)*w++)
            return 0;
    return *s == 0 || (at && *s == '@');
}

struct fdt_prop fdt_get(const char *node, const char *prop)
{
    struct fdt_prop r = {0, 0};
    if (!blob)
        return r;
    uint32_t p = off_struct;
    int depth = 0, in_node = 0;
    while (p + 4 <= size) {
        uint32_t tok = be32(blob + p);
        p += 4;
        if (tok == FDT_BEGIN_NODE) {
            const uint8_t *name = blob + p;
            while (p < size && blob[p])
                p++;
            p = (p + 4) & ~3u;
            depth++;
            in_node = depth == 2 && name_is(name, node, 1);
        } else if (tok == FDT_END_NODE) {
            if (in_node)
                return r;           /* the first such node had no such property */
            depth--;
        } else if (tok == FDT_PROP) {
            if (p + 8 > size)
                break;
            uint32_t len = be32(blob + p), nameoff = be32(blob + p + 4);
            p += 8;
            if (len > size - p)
                break;
            if (in_node && off_strings + nameoff < size && name_is(blob + off_strings + nameoff, prop, 0)) {
                r.data = blob + p;
                r.len = len;
                return r;
            }
            p = (p + len + 3) & ~3u;
        } else if (tok != FDT_NOP) {
            break;                  /* FDT_END or garbage */
        }
    }
    return r;
}

/* whether `node`'s compatible list holds `want` */
int fdt_compatible(const char *node, const char *want)
{
    struct fdt_prop c = fdt_get(node, "compatible");
    for (uint32_t i = 0; i < c.len;) {
        if (name_is(c.data + i, want, 0))
            return 1;
        while (i < c.len && c.data[i])
            i++;
        i++;
    }
    return 0;
}
