/*
 * strformat.c -- printf-style `fmt % args` and `str.format(*args, **kw)`,
 * built into one StrBuf (format specs go through sb_format).  CPython 3.11
 * semantics and messages.
 */
#include "vm.h"

/* A format spec held on the C stack as a Str (header + up to 63 bytes), for sb_format. */
#define SPEC_MAX 63
typedef struct SpecBuf { _Alignas(Str) unsigned char raw[sizeof(Str) + SPEC_MAX + 1]; } SpecBuf;

static Str *spec_of(SpecBuf *b, const char *p, size_t n) {
  Str *s = (Str *)b->raw;
  if (n > SPEC_MAX) n = SPEC_MAX;
  memcpy(s->data, p, n);
  s->data[n] = 0;
  s->nbytes = (uint32_t)n;
  s->nchars = utf8_count(p, n);
  s->hash = 0;
  return s;
}

/* Pad the text appended since `from` to `width` code points (left-justified if `left`). */
static void pad_from(StrBuf *sb, size_t from, int64_t width, bool left) {
  int64_t chars = utf8_count(sb_data(sb) + from, sb->len - from);
  if (width <= chars) return;
  size_t pad = (size_t)(width - chars);
  char *p = sb_insert(sb, left ? sb->len : from, pad);
  if (p) memset(p, ' ', pad);
}

/* ---- fmt % args ------------------------------------------------------------------------ */
bool str_percent(VM *vm, Value fmt, Value args, Value *out) {
  Value *items = &args;
  uint32_t nitems = 1, next = 0;
  bool mapping = args.tag == T_DICT;
  if (args.tag == T_TUPLE) { items = AS(vm, args, Tuple)->v; nitems = AS(vm, args, Tuple)->len; }
  StrBuf sb;
  sb_begin(vm, &sb);
  Str *f = AS(vm, fmt, Str);
  const char *p = f->data, *end = p + f->nbytes;
  while (p < end) {
    const char *pct = p;
    while (pct < end && *pct != '%') pct++;
    sb_put(&sb, p, (size_t)(pct - p));
    if (pct == end) break;
    p = pct + 1;
    Value v;
    bool have = false;
    if (p < end && *p == '(') {                    /* %(name)s */
      if (!mapping) return exc_raise(vm, E_TypeError, "format requires a mapping");
      const char *k = ++p;
      int depth = 1;
      while (p < end && (depth > 1 || *p != ')')) { depth += *p == '(' ? 1 : *p == ')' ? -1 : 0; p++; }
      if (p == end) return exc_raise(vm, E_ValueError, "incomplete format key");
      size_t kn = (size_t)(p - k);
      Dict *d = AS(vm, args, Dict);
      for (uint32_t i = 0; i < d->used && !have; i++) {   /* compare str keys in place: no allocation */
        DictEntry e = dict_entries(vm, d)[i];
        if (e.key.tag == T_STR && AS(vm, e.key, Str)->nbytes == kn && !memcmp(AS(vm, e.key, Str)->data, k, kn)) { v = e.val; have = true; }
      }
      if (!have) {
        char name[64];
        size_t m = kn < sizeof name - 1 ? kn : sizeof name - 1;
        memcpy(name, k, m);
        name[m] = 0;
        return exc_raise(vm, E_KeyError, "%s", name);
      }
      have = true;
      p++;
      f = AS(vm, fmt, Str);
    }
    bool left = false, plus = false, space = false, alt = false, zero = false;
    for (; p < end; p++) {
      if (*p == '-') left = true;
      else if (*p == '+') plus = true;
      else if (*p == ' ') space = true;
      else if (*p == '#') alt = true;
      else if (*p == '0') zero = true;
      else break;
    }
    int64_t width = -1, prec = -1;
    if (p < end && *p == '*') {
      p++;
      if (next >= nitems || mapping) return exc_raise(vm, E_TypeError, "not enough arguments for format string");
      if (items[next].tag != T_INT) return exc_raise(vm, E_TypeError, "* wants int");
      width = items[next++].as.i;
      if (width < 0) { left = true; width = -width; }
    } else if (p < end && *p >= '0' && *p <= '9') {
      width = 0;
      while (p < end && *p >= '0' && *p <= '9') { width = width * 10 + (*p++ - '0'); if (width > 100000) width = 100000; }
    }
    if (p < end && *p == '.') {
      p++;
      prec = 0;
      if (p < end && *p == '*') {
        p++;
        if (next >= nitems || mapping) return exc_raise(vm, E_TypeError, "not enough arguments for format string");
        if (items[next].tag != T_INT) return exc_raise(vm, E_TypeError, "* wants int");
        prec = items[next++].as.i;
        if (prec < 0) prec = 0;
      } else while (p < end && *p >= '0' && *p <= '9') { prec = prec * 10 + (*p++ - '0'); if (prec > 100000) prec = 100000; }
    }
    while (p < end && (*p == 'h' || *p == 'l' || *p == 'L')) p++;
    if (p == end) return exc_raise(vm, E_ValueError, "incomplete format");
    char c = *p++;
    if (c == '%') { sb_putc(&sb, '%'); continue; }
    if (!have) {
      if (mapping) v = args;
      else if (next >= nitems) return exc_raise(vm, E_TypeError, "not enough arguments for format string");
      else v = items[next++];
    }
    size_t from = sb.len;
    switch (c) {
    case 's': case 'r': case 'a':
      if (!(c == 's' ? sb_str(&sb, v) : sb_repr(&sb, v))) return false;
      if (prec >= 0) {                             /* cut to prec code points */
        const char *d = sb_data(&sb) + from;
        size_t k = 0, len = sb.len - from;
        for (int64_t i = 0; i < prec && k < len; i++) { k++; while (k < len && ((uint8_t)d[k] & 0xc0) == 0x80) k++; }
        sb.len = from + k;
      }
      pad_from(&sb, from, width, left);
      break;
    case 'c': {
      char cb[4];
      if (v.tag == T_STR && AS(vm, v, Str)->nchars == 1) sb_put(&sb, AS(vm, v, Str)->data, AS(vm, v, Str)->nbytes);
      else if (v.tag == T_INT && v.as.i >= 0 && v.as.i < 0x110000) {
        uint32_t cp = (uint32_t)v.as.i;
        size_t k = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        if (k == 1) cb[0] = (char)cp;
        else if (k == 2) { cb[0] = (char)(0xc0 | cp >> 6); cb[1] = (char)(0x80 | (cp & 63)); }
        else if (k == 3) { cb[0] = (char)(0xe0 | cp >> 12); cb[1] = (char)(0x80 | (cp >> 6 & 63)); cb[2] = (char)(0x80 | (cp & 63)); }
        else { cb[0] = (char)(0xf0 | cp >> 18); cb[1] = (char)(0x80 | (cp >> 12 & 63)); cb[2] = (char)(0x80 | (cp >> 6 & 63)); cb[3] = (char)(0x80 | (cp & 63)); }
        sb_put(&sb, cb, k);
      } else if (v.tag == T_INT) return exc_raise(vm, E_OverflowError, "%%c arg not in range(0x110000)");
      else return exc_raise(vm, E_TypeError, "%%c requires int or char");
      pad_from(&sb, from, width, left);
      break;
    }
    case 'd': case 'i': case 'u': case 'x': case 'X': case 'o':
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': {
      bool intfmt = c == 'd' || c == 'i' || c == 'u' || c == 'x' || c == 'X' || c == 'o';
      if (!is_int(v) && v.tag != T_FLOAT) {
        if (c == 'd' || c == 'i' || c == 'u' || !intfmt)
          return exc_raise(vm, E_TypeError, "%%%s format: a real number is required, not %T", (char[]){c, 0}, v);
        return exc_raise(vm, E_TypeError, "%%%s format: an integer is required, not %T", (char[]){c, 0}, v);
      }
      if (intfmt && v.tag == T_FLOAT) {
        if (c != 'd' && c != 'i' && c != 'u') return exc_raise(vm, E_TypeError, "%%%s format: an integer is required, not float", (char[]){c, 0});
        if (v.as.f != v.as.f) return exc_raise(vm, E_ValueError, "cannot convert float NaN to integer");
        if (v.as.f == 1.0 / 0.0 || v.as.f == -1.0 / 0.0) return exc_raise(vm, E_OverflowError, "cannot convert float infinity to integer");
        if (v.as.f >= 9223372036854775808.0 || v.as.f < -9223372036854775808.0) {
          Value part;                              /* a big int: made outside the buffer being built */
          if (!sb_end(&sb, &part)) return false;
          bool ok = int_from_double(vm, v.as.f, &v);
          sb_begin(vm, &sb);
          sb_put(&sb, AS(vm, part, Str)->data, AS(vm, part, Str)->nbytes);
          if (!ok) return false;
        } else v = v_int((int64_t)v.as.f);
      }
      char spec[48];
      size_t k = 0;
      if (intfmt && prec >= 0) {                   /* %.3d: at least prec digits, then the width */
        size_t from = sb.len;
        if (plus) spec[k++] = '+'; else if (space) spec[k++] = ' ';
        if (alt) spec[k++] = '#';
        spec[k++] = c == 'i' || c == 'u' ? 'd' : c;
        SpecBuf sbuf;
        if (!sb_format(&sb, v.tag == T_BOOL ? v_int(v.as.i) : v, spec_of(&sbuf, spec, k))) return false;
        if (sb.failed) return exc_raise(vm, E_MemoryError, "");
        size_t ds = from;                          /* where the digits start: after the sign and 0x/0o */
        const char *d = sb_data(&sb);
        if (ds < sb.len && (d[ds] == '-' || d[ds] == '+' || d[ds] == ' ')) ds++;
        if (alt && c != 'd' && c != 'i' && c != 'u' && ds + 1 < sb.len && d[ds] == '0') ds += 2;
        size_t nd = sb.len - ds;
        if ((size_t)prec > nd) {
          char *q = sb_insert(&sb, ds, (size_t)prec - nd);
          if (q) memset(q, '0', (size_t)prec - nd);
        }
        if (width > (int64_t)(sb.len - from)) {
          size_t pad = (size_t)width - (sb.len - from);
          char *q = sb_insert(&sb, left ? sb.len : zero ? ds : from, pad);
          if (q) memset(q, left || !zero ? ' ' : '0', pad);
        }
        break;
      }
      if (left) spec[k++] = '<';
      if (plus) spec[k++] = '+'; else if (space) spec[k++] = ' ';
      if (alt) spec[k++] = '#';
      if (zero && !left) spec[k++] = '0';
      if (width >= 0) k += fmt_int(width, spec + k);
      if (prec >= 0 && !intfmt) { spec[k++] = '.'; k += fmt_int(prec, spec + k); }
      spec[k++] = c == 'i' || c == 'u' ? 'd' : c;
      SpecBuf sbuf;
      if (!sb_format(&sb, v.tag == T_BOOL ? v_int(v.as.i) : v, spec_of(&sbuf, spec, k))) return false;
      break;
    }
    default:
      return exc_raise(vm, E_ValueError, "unsupported format character '%s' (0x%s) at index %d",
                       (char[]){c, 0}, (char[]){"0123456789abcdef"[(uint8_t)c >> 4], "0123456789abcdef"[c & 15], 0},
                       (int64_t)utf8_count(AS(vm, fmt, Str)->data, (size_t)(p - 1 - AS(vm, fmt, Str)->data)));
    }
    f = AS(vm, fmt, Str);
  }
  if (!mapping && next < nitems)
    return exc_raise(vm, E_TypeError, "not all arguments converted during string formatting");
  return sb_end(&sb, out);
}

/* ---- str.format ----------------------------------------------------------------------- */
/* Find keyword `name` in kw pairs. */
static bool kw_find(VM *vm, Value *kw, int nkw, const char *name, size_t n, Value *out) {
  for (int i = 0; i < nkw; i++) {
    Str *k = AS(vm, kw[2 * i], Str);
    if (k->nbytes == n && !memcmp(k->data, name, n)) { *out = kw[2 * i + 1]; return true; }
  }
  return false;
}

typedef struct Fmt { VM *vm; Value *args; int nargs; Value *kw; int nkw; int auto_ix; } Fmt;

/* Resolve a field name ("", "0", "name", with [index] parts) to its value. */
static bool field_value(Fmt *F, const char *p, size_t n, Value *out) {
  VM *vm = F->vm;
  size_t k = 0;
  while (k < n && p[k] != '[' && p[k] != '.') k++;
  if (k == 0) {
    if (F->auto_ix < 0) return exc_raise(vm, E_ValueError, "cannot switch from manual field specification to automatic field numbering");
    int ix = F->auto_ix++;
    if (ix >= F->nargs) return exc_raise(vm, E_IndexError, "Replacement index %d out of range for positional args tuple", (int64_t)ix);
    *out = F->args[ix];
  } else if (p[0] >= '0' && p[0] <= '9') {
    int64_t ix = 0;
    for (size_t i = 0; i < k; i++) {
      if (p[i] < '0' || p[i] > '9') goto by_name;
      ix = ix * 10 + (p[i] - '0');
      if (ix > 1000000) ix = 1000000;
    }
    if (F->auto_ix > 0) return exc_raise(vm, E_ValueError, "cannot switch from automatic field numbering to manual field specification");
    F->auto_ix = -1;
    if (ix >= F->nargs) return exc_raise(vm, E_IndexError, "Replacement index %d out of range for positional args tuple", ix);
    *out = F->args[ix];
  } else {
  by_name:
    if (!kw_find(vm, F->kw, F->nkw, p, k, out)) {
      char name[64];
      size_t m = k < sizeof name - 1 ? k : sizeof name - 1;
      memcpy(name, p, m);
      name[m] = 0;
      return exc_raise(vm, E_KeyError, "%s", name);
    }
  }
  while (k < n) {                                 /* .attr and [key] parts (the caller allows allocation) */
    if (p[k] == '.') {
      size_t e = k + 1;
      while (e < n && p[e] != '.' && p[e] != '[') e++;
      if (e == k + 1) return exc_raise(vm, E_ValueError, "Empty attribute in format string");
      Ref nm = str_new(vm, p + k + 1, e - k - 1);
      if (!nm) return exc_raise(vm, E_MemoryError, "");
      Value ga[2] = {*out, v_obj(T_STR, nm)};
      if (!bi_getattr(vm, ga, 2, NULL, 0, out)) return false;
      k = e;
      continue;
    }
    size_t e = k + 1;
    while (e < n && p[e] != ']') e++;
    if (e == n) return exc_raise(vm, E_ValueError, "Missing ']' in format string");
    const char *ip = p + k + 1;
    size_t il = e - k - 1;
    if (il == 0) return exc_raise(vm, E_ValueError, "Empty attribute in format string");
    bool digits = true;
    int64_t ix = 0;
    for (size_t i = 0; i < il; i++) {
      if (ip[i] < '0' || ip[i] > '9') digits = false;
      else if (ix < 1000000000000) ix = ix * 10 + (ip[i] - '0');
    }
    Value key = v_int(ix);
    if (!digits) {                                 /* {0[key]}: a str key */
      Ref ks = str_new(vm, ip, il);
      if (!ks) return exc_raise(vm, E_MemoryError, "");
      key = v_obj(T_STR, ks);
    }
    if (!get_item(vm, *out, key, out)) return false;
    k = e + 1;
    if (k < n && p[k] != '[' && p[k] != '.') return exc_raise(vm, E_ValueError, "Only '.' or '[' may follow ']' in format field specifier");
  }
  return true;
}

/* Format `fmt` (bytes [p, end)) into sb; depth limits nested specs. */
static bool format_into(Fmt *F, StrBuf *sb, const char *p, const char *end, int depth) {
  VM *vm = F->vm;
  while (p < end) {
    char c = *p++;
    if (c == '}') {
      if (p < end && *p == '}') { sb_putc(sb, '}'); p++; continue; }
      return exc_raise(vm, E_ValueError, "Single '}' encountered in format string");
    }
    if (c != '{') { sb_putc(sb, c); continue; }
    if (p < end && *p == '{') { sb_putc(sb, '{'); p++; continue; }
    const char *f = p;                             /* field: name[!conv][:spec] up to the matching '}' */
    int nest = 1;
    bool in_name = true;                           /* in the field name, [key] is literal up to ']' */
    while (p < end) {
      if (in_name && *p == '[') {
        while (p < end && *p != ']') p++;
        if (p < end) p++;
        continue;
      }
      if (*p == ':' || *p == '!') in_name = false;
      if (*p == '{') nest++;
      else if (*p == '}' && --nest == 0) break;
      p++;
    }
    if (p == end) return exc_raise(vm, E_ValueError, nest > 1 ? "unmatched '{' in format spec" : "expected '}' before end of string");
    const char *fe = p++, *name_end = f;
    while (name_end < fe && *name_end != '!' && *name_end != ':') {
      if (*name_end == '[') while (name_end < fe && *name_end != ']') name_end++;
      if (name_end < fe) name_end++;
    }
    char conv = 0;
    const char *spec = name_end;
    if (name_end < fe && *name_end == '!') {
      if (name_end + 1 >= fe) return exc_raise(vm, E_ValueError, "end of string while looking for conversion specifier");
      conv = name_end[1];
      spec = name_end + 2;
      if (spec < fe && *spec != ':') return exc_raise(vm, E_ValueError, "expected ':' after conversion specifier");
      if (conv != 'r' && conv != 's' && conv != 'a')
        return exc_raise(vm, E_ValueError, "Unknown conversion specifier %s", (char[]){conv, 0});
    }
    if (spec < fe) spec++;                         /* skip ':' */
    Value v;
    bool parts = false;
    for (const char *q = f; q < name_end; q++) parts |= *q == '.' || *q == '[';
    if (parts) {
      /* .attr / [key] may allocate and run code (properties, __getitem__): commit the text so far,
       * resolve with collection deferred (f, fe, end point into the format string), go on */
      Value part;
      if (!sb_end(sb, &part)) return false;
      vm->gc_hold++;
      bool ok = field_value(F, f, (size_t)(name_end - f), &v);
      vm->gc_hold--;
      sb_begin(vm, sb);
      sb_put(sb, AS(vm, part, Str)->data, AS(vm, part, Str)->nbytes);
      if (!ok) return false;
    } else if (!field_value(F, f, (size_t)(name_end - f), &v)) return false;
    /* the spec may hold nested fields: expand them at the end of sb, then take the text out */
    char specbuf[64];
    size_t sl = 0;
    if (spec < fe) {
      if (depth >= 2) return exc_raise(vm, E_ValueError, "Max string recursion exceeded");
      size_t mark = sb->len;
      if (!format_into(F, sb, spec, fe, depth + 1)) return false;
      sl = sb->len - mark;
      if (sl >= sizeof specbuf) return exc_raise(vm, E_ValueError, "format spec too long");
      memcpy(specbuf, sb_data(sb) + mark, sl);
      sb->len = mark;
    }
    size_t from = sb->len;
    if (conv) {
      if (!(conv == 's' ? sb_str(sb, v) : sb_repr(sb, v))) return false;
      if (sl) {                                    /* the spec applies to the converted text: fill, align, width */
        int64_t width = 0;
        char align = '<';
        size_t i = 0;
        if (sl >= 2 && (specbuf[1] == '<' || specbuf[1] == '>' || specbuf[1] == '^')) { align = specbuf[1]; i = 2; }
        else if (sl >= 1 && (specbuf[0] == '<' || specbuf[0] == '>' || specbuf[0] == '^')) { align = specbuf[0]; i = 1; }
        char fill = i == 2 ? specbuf[0] : ' ';
        while (i < sl && specbuf[i] >= '0' && specbuf[i] <= '9') width = width * 10 + (specbuf[i++] - '0');
        if (i != sl) return exc_raise(vm, E_ValueError, "only fill, align and width are supported after a !r or !s conversion");
        int64_t chars = utf8_count(sb_data(sb) + from, sb->len - from);
        if (width > chars) {
          size_t pad = (size_t)(width - chars), lp = align == '>' ? pad : align == '^' ? pad / 2 : 0;
          char *q = sb_insert(sb, from, lp);
          if (q) memset(q, fill, lp);
          q = sb_insert(sb, sb->len, pad - lp);
          if (q) memset(q, fill, pad - lp);
        }
      }
    } else {
      SpecBuf b;
      if (!sb_format(sb, v, spec_of(&b, specbuf, sl))) return false;
    }
  }
  return true;
}

NATIVE(m_str_format) {
  Fmt F = {vm, a + 1, n - 1, kw, nkw, 0};
  StrBuf sb;
  sb_begin(vm, &sb);
  Str *s = AS(vm, a[0], Str);
  return format_into(&F, &sb, s->data, s->data + s->nbytes, 0) && sb_end(&sb, out);
}
