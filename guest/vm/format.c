/*
 * format.c -- the text of values: str(), repr() and format(value, spec),
 * built into a StrBuf that grows at the top of the heap.  Between
 * sb_begin() and sb_end()/sb_abandon() nothing else may allocate.
 */
#include "vm.h"
#include "dtoa.h"

void sb_begin(VM *vm, StrBuf *sb) {
  sb->vm = vm;
  sb->start = vm->heap_top;
  sb->len = 0;
  sb->failed = false;
}

void sb_put(StrBuf *sb, const char *s, size_t n) {
  VM *vm = sb->vm;
  size_t at = sb->start + sizeof(Str) + sb->len;
  if (sb->failed || at + n + 1 > vm->heap_hi || sb->len + n > 0x7fffffffu) { sb->failed = true; return; }
  memmove(vm->mem + at, s, n);
  sb->len += n;
}

void sb_putc(StrBuf *sb, char c) { sb_put(sb, &c, 1); }

const char *sb_data(StrBuf *sb) { return (const char *)sb->vm->mem + sb->start + sizeof(Str); }

void sb_abandon(StrBuf *sb) { (void)sb; }

/* Commit the text as a Str at the heap top; MemoryError if it did not fit. */
bool sb_end(StrBuf *sb, Value *out) {
  VM *vm = sb->vm;
  if (sb->failed) return exc_raise(vm, E_MemoryError, "");
  size_t size = ALIGN_UP(sizeof(Str) + sb->len + 1, 8);
  if (size > vm->heap_hi - sb->start) return exc_raise(vm, E_MemoryError, "");
  Str *s = (Str *)(vm->mem + sb->start);
  s->h.type = T_STR;
  s->h.size = (uint32_t)size;
  s->nbytes = (uint32_t)sb->len;
  s->nchars = utf8_count(s->data, sb->len);
  s->hash = 0;
  s->data[sb->len] = 0;
  vm->heap_top = sb->start + size;
  FUEL_USE(size);
  *out = v_obj(T_STR, (Ref)sb->start);
  return true;
}

/* Decimal digits of u (1..20). */
size_t fmt_udigits(uint64_t u) {
  size_t n = 1;
  while (u >= 10000) { u /= 10000; n += 4; }
  return n + (u >= 10) + (u >= 100) + (u >= 1000);
}

/* Write the nd decimal digits of u ending just before `end`. */
void fmt_put_udigits(char *end, uint64_t u) {
  static const char pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";
  while (u >= 100) { unsigned d = (unsigned)(u % 100) * 2; u /= 100; *--end = pairs[d + 1]; *--end = pairs[d]; }
  if (u >= 10) { *--end = pairs[u * 2 + 1]; *--end = pairs[u * 2]; }
  else *--end = (char)('0' + u);
}

size_t fmt_int(int64_t i, char *buf) {
  uint64_t u = i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i;
  size_t k = (i < 0) + fmt_udigits(u);
  if (i < 0) buf[0] = '-';
  fmt_put_udigits(buf + k, u);
  buf[k] = 0;
  return k;
}

static void put_str_repr(StrBuf *sb, Str *s) {
  static const char hex[] = "0123456789abcdef";
  bool sq = false, dq = false;
  for (uint32_t i = 0; i < s->nbytes; i++) { sq |= s->data[i] == '\''; dq |= s->data[i] == '"'; }
  char q = sq && !dq ? '"' : '\'';
  sb_putc(sb, q);
  for (uint32_t i = 0; i < s->nbytes; i++) {
    unsigned char c = (unsigned char)s->data[i];
    if (c == (unsigned char)q || c == '\\') { sb_putc(sb, '\\'); sb_putc(sb, (char)c); }
    else if (c == '\n') sb_put(sb, "\\n", 2);
    else if (c == '\r') sb_put(sb, "\\r", 2);
    else if (c == '\t') sb_put(sb, "\\t", 2);
    else if (c < 0x20 || c == 0x7f) { char e[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]}; sb_put(sb, e, 4); }
    else if (c == 0xc2 && i + 1 < s->nbytes && (unsigned char)s->data[i + 1] < 0xa0) {
      unsigned char d = (unsigned char)s->data[++i];       /* U+0080..U+009F: not printable */
      char e[4] = {'\\', 'x', hex[d >> 4], hex[d & 15]};
      sb_put(sb, e, 4);
    } else sb_putc(sb, (char)c);
  }
  sb_putc(sb, q);
}

static void put_float(StrBuf *sb, double f) {
  char buf[40];
  sb_put(sb, buf, dtoa_repr(f, buf));
}

static int repr_depth;

static bool put_repr(StrBuf *sb, Value v);

static bool put_seq(StrBuf *sb, Value v, const char *open, const char *close) {
  VM *vm = sb->vm;
  if (repr_depth > 100) { sb_put(sb, "...", 3); return true; }
  repr_depth++;
  sb_put(sb, open, 1);
  uint32_t n = v.tag == T_LIST ? AS(vm, v, List)->len : AS(vm, v, Tuple)->len;
  for (uint32_t i = 0; i < n && !sb->failed; i++) {   /* failed: out of memory, stop (shared */
    if (i) sb_put(sb, ", ", 2);                        /* items can make the text exponential) */
    n = v.tag == T_LIST ? AS(vm, v, List)->len : n;
    if (i >= n) break;
    Value item = v.tag == T_LIST ? list_items(vm, AS(vm, v, List))[i] : AS(vm, v, Tuple)->v[i];
    if (item.tag == v.tag && item.as.r == v.as.r) sb_put(sb, v.tag == T_LIST ? "[...]" : "(...)", 5);
    else if (!put_repr(sb, item)) { repr_depth--; return false; }   /* a __repr__ raised */
  }
  if (v.tag == T_TUPLE && n == 1) sb_putc(sb, ',');
  sb_put(sb, close, 1);
  repr_depth--;
  return true;
}

static bool put_repr(StrBuf *sb, Value v) {
  VM *vm = sb->vm;
  char buf[32];
  switch (v.tag) {
  case T_NONE: sb_put(sb, "None", 4); return true;
  case T_BOOL: v.as.i ? sb_put(sb, "True", 4) : sb_put(sb, "False", 5); return true;
  case T_INT: sb_put(sb, buf, fmt_int(v.as.i, buf)); return true;
  case T_BIGINT:
    if (AS(vm, v, BigInt)->neg) sb_putc(sb, '-');
    return int_put_digits(sb, v, 10, false);
  case T_FLOAT: put_float(sb, v.as.f); return true;
  case T_STR: put_str_repr(sb, AS(vm, v, Str)); return true;
  case T_LIST: return put_seq(sb, v, "[", "]");
  case T_TUPLE: return put_seq(sb, v, "(", ")");
  case T_DICT: {
    Dict *d = AS(vm, v, Dict);
    if (repr_depth > 100) { sb_put(sb, "...", 3); return true; }
    repr_depth++;
    sb_putc(sb, '{');
    bool first = true;
    for (uint32_t i = 0; i < d->used && !sb->failed; i++) {
      DictEntry e = dict_entries(vm, d)[i];
      if (e.key.tag == T_UNBOUND) continue;
      if (!first) sb_put(sb, ", ", 2);
      first = false;
      if (!put_repr(sb, e.key)) { repr_depth--; return false; }
      sb_put(sb, ": ", 2);
      if (e.val.tag == T_DICT && e.val.as.r == v.as.r) sb_put(sb, "{...}", 5);
      else if (!put_repr(sb, e.val)) { repr_depth--; return false; }
      d = AS(vm, v, Dict);
    }
    sb_putc(sb, '}');
    repr_depth--;
    return true;
  }
  case T_BYTESTR: bytes_repr(sb, v); return true;
  case T_DKEYS: case T_DVALUES: case T_DITEMS: {   /* dict_keys([...]): the items in order */
    const char *t = type_name(v);
    Dict *d = AS(vm, AS(vm, v, Iter)->seq, Dict);
    if (repr_depth > 100) { sb_put(sb, "...", 3); return true; }
    repr_depth++;
    sb_put(sb, t, strlen(t));
    sb_put(sb, "([", 2);
    bool first = true, ok = true;
    for (uint32_t i = 0; ok && i < d->used && !sb->failed; i++) {
      DictEntry e = dict_entries(vm, d)[i];
      if (e.key.tag == T_UNBOUND) continue;
      if (!first) sb_put(sb, ", ", 2);
      first = false;
      if (v.tag == T_DITEMS) { sb_putc(sb, '('); ok = put_repr(sb, e.key); sb_put(sb, ", ", 2); ok = ok && put_repr(sb, e.val); sb_putc(sb, ')'); }
      else ok = put_repr(sb, v.tag == T_DKEYS ? e.key : e.val);
      d = AS(vm, AS(vm, v, Iter)->seq, Dict);
    }
    sb_put(sb, "])", 2);
    repr_depth--;
    return ok;
  }
  case T_SET: case T_FROZENSET: {
    bool fz = v.tag == T_FROZENSET, empty = AS(vm, v, Set)->used == 0;
    if (fz) sb_put(sb, "frozenset(", 10);
    if (empty) { sb_put(sb, fz ? ")" : "set()", fz ? 1 : 5); return true; }
    if (repr_depth > 100) { sb_put(sb, "...", 3); return true; }
    repr_depth++;
    sb_putc(sb, '{');
    Value key;
    bool ok = true;
    for (int64_t pos = 0, k = 0; ok && !sb->failed && set_next(vm, v, &pos, &key, NULL); k++) {
      if (k) sb_put(sb, ", ", 2);
      ok = put_repr(sb, key);
    }
    sb_putc(sb, '}');
    if (fz) sb_putc(sb, ')');
    repr_depth--;
    return ok;
  }
  case T_RANGE: {
    Range *r = AS(vm, v, Range);
    sb_put(sb, "range(", 6);
    sb_put(sb, buf, fmt_int(r->start, buf));
    sb_put(sb, ", ", 2);
    sb_put(sb, buf, fmt_int(r->stop, buf));
    if (r->step != 1) { sb_put(sb, ", ", 2); sb_put(sb, buf, fmt_int(r->step, buf)); }
    sb_putc(sb, ')');
    return true;
  }
  case T_FUNC: {
    Str *name = OBJ(vm, vm->strings[vm->funcs[v.as.i].qualname], Str);
    sb_put(sb, "<function ", 10);
    sb_put(sb, name->data, name->nbytes);
    sb_putc(sb, '>');
    return true;
  }
  case T_CLOSURE: {
    Str *name = OBJ(vm, vm->strings[vm->funcs[AS(vm, v, FuncObj)->func].qualname], Str);
    sb_put(sb, "<function ", 10);
    sb_put(sb, name->data, name->nbytes);
    sb_putc(sb, '>');
    return true;
  }
  case T_GEN: {
    Str *name = OBJ(vm, vm->strings[vm->funcs[AS(vm, v, Gen)->func].qualname], Str);
    sb_put(sb, "<generator object ", 18);
    sb_put(sb, name->data, name->nbytes);
    sb_putc(sb, '>');
    return true;
  }
  case T_INSTANCE: case T_CLASS: case T_WRAP: return obj_repr(sb, v);
  case T_SLICE: {                                  /* slice(start, stop, step) */
    sb_put(sb, "slice(", 6);
    for (int k = 0; k < 3; k++) {
      Slice *sl = AS(vm, v, Slice);                /* re-read: a __repr__ may have run */
      if (k) sb_put(sb, ", ", 2);
      if (!put_repr(sb, k == 0 ? sl->start : k == 1 ? sl->stop : sl->step)) return false;
    }
    sb_putc(sb, ')');
    return true;
  }
  case T_NATIVE: {
    const char *name = bi_natives[v.as.i].name;
    if (native_is_type(name)) {
      sb_put(sb, "<class '", 8);
      sb_put(sb, name, strlen(name));
      sb_put(sb, "'>", 2);
      return true;
    }
    sb_put(sb, "<built-in function ", 19);
    sb_put(sb, name, strlen(name));
    sb_putc(sb, '>');
    return true;
  }
  default: {
    const char *t = type_name(v);
    sb_putc(sb, '<');
    sb_put(sb, t, strlen(t));
    sb_put(sb, " object>", 8);
    return true;
  }
  }
}

bool sb_repr(StrBuf *sb, Value v) { return put_repr(sb, v); }

bool sb_str(StrBuf *sb, Value v) {
  if (v.tag == T_STR) {
    Str *s = AS(sb->vm, v, Str);
    sb_put(sb, s->data, s->nbytes);
    return true;
  }
  if (v.tag == T_INSTANCE) return obj_str(sb, v);
  return put_repr(sb, v);
}

/* ---- format(value, spec): [[fill]align][sign][#][0][width][,|_][.precision][type] --- */
typedef struct Spec {
  char fill[4]; uint8_t fill_len;
  char align, sign, type, grouping;
  bool alt, zero;
  int64_t width, precision;
} Spec;

static bool is_align(char c) { return c == '<' || c == '>' || c == '^' || c == '='; }

static bool parse_spec(VM *vm, Str *s, Spec *sp) {
  const char *p = s->data, *end = p + s->nbytes;
  memset(sp, 0, sizeof *sp);
  sp->fill[0] = ' '; sp->fill_len = 1; sp->precision = -1; sp->sign = '-';
  size_t clen = 1;
  if (p < end) while (p + clen < end && ((uint8_t)p[clen] & 0xc0) == 0x80) clen++;
  if (p + clen < end && is_align(p[clen]) && clen <= 4) {
    memcpy(sp->fill, p, clen); sp->fill_len = (uint8_t)clen; sp->align = p[clen]; p += clen + 1;
  } else if (p < end && is_align(*p)) sp->align = *p++;
  if (p < end && (*p == '+' || *p == '-' || *p == ' ')) sp->sign = *p++;
  if (p < end && *p == '#') { sp->alt = true; p++; }
  if (p < end && *p == '0') { sp->zero = true; p++; }
  while (p < end && *p >= '0' && *p <= '9') { sp->width = sp->width * 10 + (*p++ - '0'); if (sp->width > 100000) goto bad; }
  if (p < end && (*p == ',' || *p == '_')) sp->grouping = *p++;
  if (p < end && *p == '.') {
    p++;
    if (p == end || *p < '0' || *p > '9') return exc_raise(vm, E_ValueError, "Format specifier missing precision");
    sp->precision = 0;
    while (p < end && *p >= '0' && *p <= '9') { sp->precision = sp->precision * 10 + (*p++ - '0'); if (sp->precision > 100000) goto bad; }
  }
  if (p < end) sp->type = *p++;
  if (p != end) goto bad;
  if (sp->zero && !sp->align) { sp->align = '='; sp->fill[0] = '0'; sp->fill_len = 1; }
  return true;
bad:
  return exc_raise(vm, E_ValueError, "Invalid format specifier '%S' for object of type '%s'", s, "value");
}

/* Pad body (which starts with `prefix_len` bytes of sign/prefix) to the spec's width. */
static void put_padded(StrBuf *sb, const Spec *sp, const char *body, size_t n, size_t prefix_len, char default_align) {
  uint32_t chars = utf8_count(body, n);
  int64_t pad = sp->width > chars ? sp->width - chars : 0;
  char align = sp->align ? sp->align : default_align;
  int64_t left = align == '>' ? pad : align == '^' ? pad / 2 : 0;
  int64_t right = pad - left;
  if (align == '=') { sb_put(sb, body, prefix_len); body += prefix_len; n -= prefix_len; left = pad; right = 0; }
  for (int64_t i = 0; i < left; i++) sb_put(sb, sp->fill, sp->fill_len);
  sb_put(sb, body, n);
  for (int64_t i = 0; i < right; i++) sb_put(sb, sp->fill, sp->fill_len);
}

/* Insert a grouping character every 3 digits of digits[0..n). */
static size_t group(char *out, const char *digits, size_t n, char sep) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    out[k++] = digits[i];
    size_t rest = n - i - 1;
    if (rest && rest % 3 == 0) out[k++] = sep;
  }
  return k;
}

static bool format_number(StrBuf *sb, Value v, Spec *sp) {
  VM *vm = sb->vm;
  char num[512], body[700];
  size_t n = 0, k = 0;
  char type = sp->type;
  bool neg;
  if (v.tag != T_FLOAT && (type == 0 || type == 'd' || type == 'n' || type == 'x' || type == 'X' || type == 'o' || type == 'b')) {
    int64_t i = v.as.i;
    uint64_t u = i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i;
    neg = i < 0;
    unsigned base = type == 'x' || type == 'X' ? 16 : type == 'o' ? 8 : type == 'b' ? 2 : 10;
    const char *digs = type == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[70];
    size_t t = 0;
    do { tmp[t++] = digs[u % base]; u /= base; } while (u);
    while (t) num[n++] = tmp[--t];
    if (sp->precision >= 0) return exc_raise(vm, E_ValueError, "Precision not allowed in integer format specifier");
    if (neg) body[k++] = '-';
    else if (sp->sign != '-') body[k++] = sp->sign;
    if (sp->alt && base != 10) { body[k++] = '0'; body[k++] = type == 'X' ? 'X' : type == 'x' ? 'x' : type == 'o' ? 'o' : 'b'; }
  } else {
    double f = v.tag == T_FLOAT ? v.as.f : (double)v.as.i;
    char mode = type;
    int prec = (int)sp->precision;
    bool pct = type == '%';
    if (type == 0) { mode = prec < 0 ? 'r' : 'g'; }
    else if (type == 'F') mode = 'f';
    else if (type == 'E') mode = 'e';
    else if (type == 'G') mode = 'g';
    else if (pct) { mode = 'f'; f *= 100; }
    else if (type != 'f' && type != 'e' && type != 'g')
      return exc_raise(vm, E_ValueError, "Unknown format code '%s' for object of type '%T'", (char[]){type, 0}, v);
    if (prec < 0 && mode != 'r') prec = 6;
    neg = (f < 0) || (f == 0 && 1 / f < 0);
    double a = neg ? -f : f;
    n = dtoa_format(a, mode, prec, num, sizeof num - 2);
    if (n == 0) return exc_raise(vm, E_ValueError, "formatted float is too long");
    if (type == 0 && prec >= 0) {                   /* '' with precision: like 'g' but keeps ".0" */
      bool has = false;
      for (size_t i = 0; i < n; i++) has |= num[i] == '.' || num[i] == 'e' || num[i] == 'n' || num[i] == 'i';
      if (!has) { num[n++] = '.'; num[n++] = '0'; }
    }
    if (sp->alt && mode != 'r') {
      bool has = false;
      for (size_t i = 0; i < n; i++) has |= num[i] == '.';
      if (!has) {
        size_t e = 0;
        while (e < n && num[e] != 'e') e++;
        memmove(num + e + 1, num + e, n - e);
        num[e] = '.';
        n++;
      }
    }
    if (type == 'F' || type == 'E' || type == 'G')
      for (size_t i = 0; i < n; i++) if (num[i] >= 'a' && num[i] <= 'z') num[i] = (char)(num[i] - 32);
    if (pct) num[n++] = '%';
    if (neg && !(f != f)) body[k++] = '-';
    else if (sp->sign != '-') body[k++] = sp->sign;
  }
  size_t prefix = k;
  size_t intlen = 0;
  while (intlen < n && num[intlen] >= '0' && num[intlen] <= '9') intlen++;
  if (sp->grouping && intlen > 3) {
    char g[600];
    size_t gl = group(g, num, intlen, sp->grouping);
    memcpy(body + k, g, gl);
    k += gl;
    memcpy(body + k, num + intlen, n - intlen);
    k += n - intlen;
  } else {
    memcpy(body + k, num, n);
    k += n;
  }
  put_padded(sb, sp, body, k, prefix, '>');
  return true;
}

/* Insert n bytes (uninitialised) at offset `at` of the text built so far; a pointer to them. */
char *sb_insert(StrBuf *sb, size_t at, size_t n) {
  size_t old = sb->len;
  for (size_t i = 0; i < n && !sb->failed; i++) sb_putc(sb, ' ');
  if (sb->failed) return NULL;
  char *d = (char *)sb_data(sb);
  memmove(d + at + n, d + at, old - at);
  return d + at;
}

/* format() of a big int with an integer presentation type (float types go through a double). */
static bool format_bigint(StrBuf *sb, Value v, Spec *sp) {
  VM *vm = sb->vm;
  char type = sp->type;
  if (sp->precision >= 0) return exc_raise(vm, E_ValueError, "Precision not allowed in integer format specifier");
  size_t at = sb->len;
  if (AS(vm, v, BigInt)->neg) sb_putc(sb, '-');
  else if (sp->sign != '-') sb_putc(sb, sp->sign);
  int base = type == 'x' || type == 'X' ? 16 : type == 'o' ? 8 : type == 'b' ? 2 : 10;
  if (sp->alt && base != 10) { sb_putc(sb, '0'); sb_putc(sb, type); }
  size_t digits = sb->len;
  if (!int_put_digits(sb, v, base, type == 'X')) return false;
  if (sb->failed) return exc_raise(vm, E_MemoryError, "");
  if (sp->grouping) {
    size_t nd = sb->len - digits, every = base == 10 ? 3 : 4, seps = (nd - 1) / every;
    if (!sb_insert(sb, sb->len, seps)) return exc_raise(vm, E_MemoryError, "");
    char *d = (char *)sb_data(sb) + digits;
    for (size_t i = nd, o = nd + seps, k = 0; i--; k++) {   /* spread from the right */
      if (k && k % every == 0) d[--o] = sp->grouping;
      d[--o] = d[i];
    }
  }
  size_t chars = sb->len - at;
  if (sp->width > (int64_t)chars) {
    size_t pad = (size_t)sp->width - chars, left = pad, ins = at;
    char align = sp->align ? sp->align : '>';
    if (align == '<') ins = sb->len;
    else if (align == '^') left = pad / 2;
    else if (align == '=') ins = digits;
    if (align == '^') {
      char *p = sb_insert(sb, at, left * sp->fill_len);
      for (size_t i = 0; p && i < left; i++) memcpy(p + i * sp->fill_len, sp->fill, sp->fill_len);
      left = pad - left; ins = sb->len;
    }
    char *p = sb_insert(sb, ins, left * sp->fill_len);
    for (size_t i = 0; p && i < left; i++) memcpy(p + i * sp->fill_len, sp->fill, sp->fill_len);
    if (sb->failed) return exc_raise(vm, E_MemoryError, "");
  }
  return true;
}

bool sb_format(StrBuf *sb, Value v, Str *spec) {
  VM *vm = sb->vm;
  Spec sp;
  if (spec->nbytes == 0) return sb_str(sb, v);
  if (!parse_spec(vm, spec, &sp)) return false;
  if (v.tag == T_BOOL) v = v_int(v.as.i);          /* a non-empty spec formats a bool as an int */
  if (v.tag == T_BIGINT) {
    char t = sp.type;
    if (t == 0 || t == 'd' || t == 'n' || t == 'x' || t == 'X' || t == 'o' || t == 'b') return format_bigint(sb, v, &sp);
    double d;
    if (!int_to_double(vm, v, &d)) return false;
    v = v_float(d);
  }
  if (v.tag == T_INT || v.tag == T_FLOAT || (v.tag == T_BOOL && sp.type)) return format_number(sb, v, &sp);
  if (v.tag == T_STR) {
    if (sp.type && sp.type != 's') return exc_raise(vm, E_ValueError, "Unknown format code '%s' for object of type 'str'", (char[]){sp.type, 0});
    if (sp.sign != '-') return exc_raise(vm, E_ValueError, "Sign not allowed in string format specifier");
    if (sp.align == '=') return exc_raise(vm, E_ValueError, "'=' alignment not allowed in string format specifier");
    Str *s = AS(vm, v, Str);
    size_t n = s->nbytes;
    if (sp.precision >= 0 && sp.precision < s->nchars) {
      n = 0;
      for (int64_t c = 0; c < sp.precision; c++) { n++; while (n < s->nbytes && ((uint8_t)s->data[n] & 0xc0) == 0x80) n++; }
    }
    put_padded(sb, &sp, s->data, n, 0, '<');   /* s lies below the buffer: it cannot move */
    return true;
  }
  return exc_raise(vm, E_TypeError, "unsupported format string passed to %T.__format__", v);
}
