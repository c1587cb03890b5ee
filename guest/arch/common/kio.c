/*
 * kio.c -- kputs, a tiny kprintf and the channel's exit record, for every
 * guest arch; all output goes through plat_write (the arch's console.c).
 */
#include <stdarg.h>

#include "platform.h"
#include "kio.h"

void kputs(int stream, const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    plat_write(stream, s, n);
}

/* A tiny printf: %s %c, and %u %d %x taking 64-bit integers (%x prints 0x
 * and 16 digits).  Buffered so a line goes out in FIFO-sized chunks. */
struct out {
    int stream;
    unsigned n;
    char buf[128];
};

static void put(struct out *o, char c)
{
    if (o->n == sizeof o->buf) {
        plat_write(o->stream, o->buf, o->n);
        o->n = 0;
    }
    o->buf[o->n++] = c;
}

static void puts_(struct out *o, const char *s)
{
    while (*s)
        put(o, *s++);
}

void kprintf(int stream, const char *fmt, ...)
{
    struct out o = {.stream = stream, .n = 0};
    va_list ap;
    va_start(ap, fmt);
    for (; *fmt; fmt++) {
        char t = *fmt == '%' ? *++fmt : 0;
        if (t == 's') {
            puts_(&o, va_arg(ap, const char *));
        } else if (t == 'c') {
            put(&o, (char)va_arg(ap, int));
        } else if (t == 'x' || t == 'u' || t == 'd') {
            uint64_t v = va_arg(ap, uint64_t);
            char d[24], *p = d + sizeof d;
            *--p = 0;
            if (t == 'x') {
                for (int k = 0; k < 16; k++, v >>= 4)
                    *--p = "0123456789abcdef"[v & 15];
                puts_(&o, "0x");
            } else {
                int neg = t == 'd' && (int64_t)v < 0;
                if (neg)
                    v = -v;
                do
                    *--p = (char)('0' + v % 10);
                while ((v /= 10) != 0);
                if (neg)
                    *--p = '-';
            }
            puts_(&o, p);
        } else if (t) {
            put(&o, t);             /* "%%" and unknown conversions */
        } else if (*fmt) {
            put(&o, *fmt);
        } else {
            break;                  /* a lone '%' at the end */
        }
    }
    va_end(ap);
    if (o.n)
        plat_write(stream, o.buf, o.n);
}

/* The control record "ESC exit N" (a raw ESC never starts a program's
 * message, see runtime/channel.py). */
void channel_exit_record(int status)
{
    char rec[16] = "\x1b" "exit ";
    size_t n = 6;
    char d[4];
    int k = 0;
    do d[k++] = (char)('0' + status % 10); while ((status /= 10) && k < 3);
    while (k) rec[n++] = d[--k];
    rec[n++] = '\n';
    plat_write(PLAT_CHANNEL, rec, n);
}

/* w past the prefix s, or null if w does not start with s */
static const char *skip(const char *w, const char *s)
{
    while (*s)
        if (*w++ != *s++)
            return 0;
    return w;
}

BootArgs parse_cmdline(const char *p, const char *end)
{
    BootArgs a = {0, 0, 0};
    const char *q, *r;
    for (;;) {
        while (p < end && *p == ' ')
            p++;
        if (p >= end || !*p)
            return a;
        if ((q = skip(p, "drift.")) != 0) {
            if ((r = skip(q, "timing")) != 0 && (*r == ' ' || !*r))
                a.timing = 1;
            else if ((r = skip(q, "fault=")) != 0)
                a.fault = r;
            else if ((r = skip(q, "restore=")) != 0)
                a.restore = r;
        }
        while (p < end && *p && *p != ' ')
            p++;
    }
}

/* Guests have no stdin: the console is output only (host input comes through
 * the channel, drift.recv()), so input() sees the end of input at once. */
int plat_stdin_read(void)
{
    return -1;
}
