/*
 * strmethods.c -- the str methods beyond the basics in builtins.c: split
 * with maxsplit, rsplit, splitlines, partition, padding (center, ljust,
 * rjust, zfill), case mapping (title, capitalize, swapcase, casefold:
 * ASCII letters only), predicates, find/index with bounds, removeprefix,
 * expandtabs.  Indices are code points; CPython 3.11 messages.
 */
#include "vm.h"

static Str *S(VM *vm, Value v) { return AS(vm, v, Str); }
static bool is_str(Value v) { return v.tag == T_STR; }
static bool is_space(uint8_t c) { return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f); }
static bool is_upper(uint8_t c) { return c >= 'A' && c <= 'Z'; }
static bool is_lower(uint8_t c) { return c >= 'a' && c <= 'z'; }
static bool is_alpha(uint8_t c) { return is_upper(c) || is_lower(c); }
static bool is_digit(uint8_t c) { return c >= '0' && c <= '9'; }
static bool is_cont(uint8_t c) { return (c & 0xc0) == 0x80; }

/* Byte offset of code point i (clamped to [0, nchars]). */
static size_t cp_offset(Str *s, int64_t i) {
  if (i <= 0) return 0;
  if (i >= s->nchars) return s->nbytes;
  if (s->nchars == s->nbytes) return (size_t)i;
  size_t off = 0;
  for (; i > 0; i--) { off++; while (off < s->nbytes && is_cont((uint8_t)s->data[off])) off++; }
  return off;
}

/* The value of keyword `name` (UNBOUND if absent); TypeError for keywords not in `allowed`. */
static bool kwargs(VM *vm, const char *fn, Value *kw, int nkw, const char *const *names, Value *vals, int nnames) {
  for (int i = 0; i < nnames; i++) vals[i] = v_unbound();
  for (int k = 0; k < nkw; k++) {
    Str *key = S(vm, kw[2 * k]);
    int i = 0;
    while (i < nnames && !(strlen(names[i]) == key->nbytes && !memcmp(names[i], key->data, key->nbytes))) i++;
    if (i == nnames) return exc_raise(vm, E_TypeError, "%s() got an unexpected keyword argument '%S'", fn, key);
    vals[i] = kw[2 * k + 1];
  }
  return true;
}

static bool append_piece(VM *vm, Value list, Value s, size_t from, size_t to) {
  Value piece;
  return str_value(vm, S(vm, s)->data + from, to - from, &piece) && list_append(vm, list, piece);
}

/* split/rsplit: sep (None: runs of white space), maxsplit (-1: no limit). */
static bool split(VM *vm, const char *fn, Value *a, int n, Value *kw, int nkw, bool right, Value *out) {
  static const char *const names[] = {"sep", "maxsplit"};
  Value opt[2];
  int64_t max = -1;
  if (!bi_nargs(vm, fn, n - 1, 0, 2) || !kwargs(vm, fn, kw, nkw, names, opt, 2)) return false;
  if (n > 1) opt[0] = a[1];
  if (n > 2) opt[1] = a[2];
  if (opt[1].tag != T_UNBOUND && !bi_index(vm, opt[1], &max)) return false;
  Value sep = opt[0].tag == T_UNBOUND ? v_none() : opt[0];
  if (sep.tag != T_NONE && !is_str(sep)) return exc_raise(vm, E_TypeError, "must be str or None, not %T", sep);
  if (sep.tag != T_NONE && S(vm, sep)->nbytes == 0) return exc_raise(vm, E_ValueError, "empty separator");
  Ref lr = list_new(vm, 4);
  if (!lr) return false;
  Value list = v_obj(T_LIST, lr), s = a[0];
  size_t len = S(vm, s)->nbytes;
  if (max < 0) max = INT64_MAX;
  if (!right) {
    size_t i = 0;
    for (int64_t k = 0;; k++) {
      const char *d = S(vm, s)->data;
      if (sep.tag == T_NONE) {
        while (i < len && is_space((uint8_t)d[i])) i++;
        if (i >= len) break;
        if (k == max) { if (!append_piece(vm, list, s, i, len)) return false; break; }
        size_t j = i;
        while (j < len && !is_space((uint8_t)d[j])) j++;
        if (!append_piece(vm, list, s, i, j)) return false;
        i = j;
      } else {
        int64_t at = k == max ? -1 : str_find(S(vm, s), S(vm, sep), i);
        size_t j = at < 0 ? len : (size_t)at;
        if (!append_piece(vm, list, s, i, j)) return false;
        if (at < 0) break;
        i = j + S(vm, sep)->nbytes;
      }
    }
  } else {                                         /* collect from the right, then reverse */
    size_t j = len;
    for (int64_t k = 0;; k++) {
      const char *d = S(vm, s)->data;
      if (sep.tag == T_NONE) {
        while (j > 0 && is_space((uint8_t)d[j - 1])) j--;
        if (j == 0) break;
        if (k == max) { if (!append_piece(vm, list, s, 0, j)) return false; break; }
        size_t i = j;
        while (i > 0 && !is_space((uint8_t)d[i - 1])) i--;
        if (!append_piece(vm, list, s, i, j)) return false;
        j = i;
      } else {
        Str *x = S(vm, s), *p = S(vm, sep);
        int64_t at = -1;
        if (k < max)
          for (size_t i = j; i >= p->nbytes; i--)
            if (!memcmp(x->data + i - p->nbytes, p->data, p->nbytes)) { at = (int64_t)(i - p->nbytes); break; }
        if (at < 0) { if (!append_piece(vm, list, s, 0, j)) return false; break; }
        if (!append_piece(vm, list, s, (size_t)at + p->nbytes, j)) return false;
        j = (size_t)at;
      }
    }
    List *l = AS(vm, list, List);
    Value *it = list_items(vm, l);
    for (uint32_t i = 0, k = l->len; i + 1 < k; i++, k--) { Value t = it[i]; it[i] = it[k - 1]; it[k - 1] = t; }
  }
  *out = list;
  return true;
}
NATIVE(m_str_split) { return split(vm, "split", a, n, kw, nkw, false, out); }
NATIVE(m_str_rsplit) { return split(vm, "rsplit", a, n, kw, nkw, true, out); }

/* Length of the line break at d[i] (0 if none): \n \r \r\n \v \f \x1c-\x1e U+0085 U+2028 U+2029. */
static size_t line_break(const uint8_t *d, size_t i, size_t n) {
  uint8_t c = d[i];
  if (c == '\r') return i + 1 < n && d[i + 1] == '\n' ? 2 : 1;
  if (c == '\n' || c == 0x0b || c == 0x0c || (c >= 0x1c && c <= 0x1e)) return 1;
  if (c == 0xc2 && i + 1 < n && d[i + 1] == 0x85) return 2;
  if (c == 0xe2 && i + 2 < n && d[i + 1] == 0x80 && (d[i + 2] == 0xa8 || d[i + 2] == 0xa9)) return 3;
  return 0;
}

NATIVE(m_str_splitlines) {
  static const char *const names[] = {"keepends"};
  Value opt[1];
  if (!bi_nargs(vm, "splitlines", n - 1, 0, 1) || !kwargs(vm, "splitlines", kw, nkw, names, opt, 1)) return false;
  if (n > 1) opt[0] = a[1];
  bool keep = opt[0].tag != T_UNBOUND && truthy(vm, opt[0]);
  Ref lr = list_new(vm, 4);
  if (!lr) return false;
  Value list = v_obj(T_LIST, lr);
  size_t len = S(vm, a[0])->nbytes, start = 0;
  for (size_t i = 0; i < len;) {
    size_t k = line_break((const uint8_t *)S(vm, a[0])->data, i, len);
    if (!k) { i++; continue; }
    if (!append_piece(vm, list, a[0], start, keep ? i + k : i)) return false;
    i += k;
    start = i;
  }
  if (start < len && !append_piece(vm, list, a[0], start, len)) return false;
  *out = list;
  return true;
}

static bool partition(VM *vm, const char *fn, Value *a, int n, bool right, Value *out) {
  if (!bi_nargs(vm, fn, n - 1, 1, 1)) return false;
  if (!is_str(a[1])) return exc_raise(vm, E_TypeError, "must be str, not %T", a[1]);
  Str *s = S(vm, a[0]), *p = S(vm, a[1]);
  if (p->nbytes == 0) return exc_raise(vm, E_ValueError, "empty separator");
  int64_t at = -1;
  if (!right) at = str_find(s, p, 0);
  else for (size_t i = s->nbytes; i >= p->nbytes; i--)
    if (!memcmp(s->data + i - p->nbytes, p->data, p->nbytes)) { at = (int64_t)(i - p->nbytes); break; }
  Ref t = tuple_new(vm, 3);
  if (!t) return false;
  Value parts[3];
  size_t len = S(vm, a[0])->nbytes;
  if (at < 0) {
    Value e;
    if (!str_value(vm, "", 0, &e)) return false;
    parts[0] = right ? e : a[0];
    parts[1] = e;
    parts[2] = right ? a[0] : e;
  } else {
    size_t e = (size_t)at + S(vm, a[1])->nbytes;
    if (!str_value(vm, S(vm, a[0])->data, (size_t)at, &parts[0])) return false;
    parts[1] = a[1];
    if (!str_value(vm, S(vm, a[0])->data + e, len - e, &parts[2])) return false;
  }
  memcpy(OBJ(vm, t, Tuple)->v, parts, sizeof parts);
  *out = v_obj(T_TUPLE, t);
  return true;
}
NATIVE(m_str_partition) { return partition(vm, "partition", a, n, false, out); }
NATIVE(m_str_rpartition) { return partition(vm, "rpartition", a, n, true, out); }

/* center/ljust/rjust: how 0 '<' (ljust), 1 '>' (rjust), 2 '^' (center). */
static bool justify(VM *vm, const char *fn, Value *a, int n, int how, Value *out) {
  int64_t width;
  if (!bi_nargs(vm, fn, n - 1, 1, 2) || !bi_index(vm, a[1], &width)) return false;
  const char *fill = " ";
  size_t fl = 1;
  if (n > 2) {
    if (!is_str(a[2])) return exc_raise(vm, E_TypeError, "%s() argument 2 must be str, not %T", fn, a[2]);
    if (S(vm, a[2])->nchars != 1) return exc_raise(vm, E_TypeError, "The fill character must be exactly one character long");
    fill = S(vm, a[2])->data;
    fl = S(vm, a[2])->nbytes;
  }
  Str *s = S(vm, a[0]);
  if (width <= s->nchars) { *out = a[0]; return true; }
  int64_t pad = width - s->nchars, left = how == 1 ? pad : how == 0 ? 0 : pad / 2 + (pad & width & 1);
  if (width > 0x7fffffff / 4) return exc_raise(vm, E_MemoryError, "");
  StrBuf sb;
  sb_begin(vm, &sb);
  for (int64_t i = 0; i < left; i++) sb_put(&sb, fill, fl);
  sb_put(&sb, s->data, s->nbytes);
  for (int64_t i = left; i < pad; i++) sb_put(&sb, fill, fl);
  return sb_end(&sb, out);
}
NATIVE(m_str_ljust) { return justify(vm, "ljust", a, n, 0, out); }
NATIVE(m_str_rjust) { return justify(vm, "rjust", a, n, 1, out); }
NATIVE(m_str_center) { return justify(vm, "center", a, n, 2, out); }

NATIVE(m_str_zfill) {
  int64_t width;
  if (!bi_nargs(vm, "zfill", n - 1, 1, 1) || !bi_index(vm, a[1], &width)) return false;
  Str *s = S(vm, a[0]);
  if (width <= s->nchars) { *out = a[0]; return true; }
  if (width > 0x7fffffff / 4) return exc_raise(vm, E_MemoryError, "");
  StrBuf sb;
  sb_begin(vm, &sb);
  size_t k = s->nbytes && (s->data[0] == '+' || s->data[0] == '-');
  sb_put(&sb, s->data, k);
  for (int64_t i = s->nchars; i < width; i++) sb_putc(&sb, '0');
  sb_put(&sb, s->data + k, s->nbytes - k);
  return sb_end(&sb, out);
}

/* Case mappings over ASCII letters: mode 0 title, 1 capitalize, 2 swapcase, 3 casefold (lower). */
static bool recase(VM *vm, const char *fn, Value *a, int n, int mode, Value *out) {
  if (!bi_nargs(vm, fn, n - 1, 0, 0)) return false;
  StrBuf sb;
  sb_begin(vm, &sb);
  sb_put(&sb, S(vm, a[0])->data, S(vm, a[0])->nbytes);
  if (sb.failed) return exc_raise(vm, E_MemoryError, "");
  char *d = (char *)sb_data(&sb);
  bool prev_cased = false;
  for (size_t i = 0; i < sb.len; i++) {
    uint8_t c = (uint8_t)d[i];
    bool up;
    if (mode == 0) up = !prev_cased;
    else if (mode == 1) up = i == 0;
    else if (mode == 2) up = is_lower(c);
    else up = false;
    if (up && is_lower(c)) d[i] = (char)(c - 32);
    else if (!up && is_upper(c)) d[i] = (char)(c + 32);
    prev_cased = is_alpha(c) || (c >= 0x80 && prev_cased);
  }
  return sb_end(&sb, out);
}
NATIVE(m_str_title) { return recase(vm, "title", a, n, 0, out); }
NATIVE(m_str_capitalize) { return recase(vm, "capitalize", a, n, 1, out); }
NATIVE(m_str_swapcase) { return recase(vm, "swapcase", a, n, 2, out); }
NATIVE(m_str_casefold) { return recase(vm, "casefold", a, n, 3, out); }

/* Predicates: 0 isupper, 1 islower, 2 istitle, 3 isdecimal/isnumeric, 4 isidentifier, 5 isascii, 6 isprintable. */
static bool pred(VM *vm, const char *fn, Value *a, int n, int kind, Value *out) {
  if (!bi_nargs(vm, fn, n - 1, 0, 0)) return false;
  Str *s = S(vm, a[0]);
  const uint8_t *d = (const uint8_t *)s->data;
  bool ok = true, cased = false, prev = false;
  for (uint32_t i = 0; i < s->nbytes && ok; i++) {
    uint8_t c = d[i];
    switch (kind) {
    case 0: ok = !is_lower(c); cased |= is_upper(c); break;
    case 1: ok = !is_upper(c); cased |= is_lower(c); break;
    case 2:
      if (is_upper(c)) { ok = !prev; prev = cased = true; }
      else if (is_lower(c)) { ok = prev; }
      else prev = false;
      break;
    case 3: ok = is_digit(c); break;
    case 4: ok = is_alpha(c) || c == '_' || c >= 0x80 || (i > 0 && is_digit(c)); break;
    case 5: ok = c < 0x80; break;
    default: ok = c >= 0x20 && c != 0x7f; break;
    }
  }
  if (kind <= 2) ok = ok && cased;
  if (kind == 3 || kind == 4) ok = ok && s->nbytes > 0;
  *out = v_bool(ok);
  return true;
}
NATIVE(m_str_isupper) { return pred(vm, "isupper", a, n, 0, out); }
NATIVE(m_str_islower) { return pred(vm, "islower", a, n, 1, out); }
NATIVE(m_str_istitle) { return pred(vm, "istitle", a, n, 2, out); }
NATIVE(m_str_isdecimal) { return pred(vm, "isdecimal", a, n, 3, out); }
NATIVE(m_str_isnumeric) { return pred(vm, "isnumeric", a, n, 3, out); }
NATIVE(m_str_isidentifier) { return pred(vm, "isidentifier", a, n, 4, out); }
NATIVE(m_str_isascii) { return pred(vm, "isascii", a, n, 5, out); }
NATIVE(m_str_isprintable) { return pred(vm, "isprintable", a, n, 6, out); }

/* find/rfind/index/rindex/count(sub[, start[, end]]): kind 0 find, 1 rfind, 2 index, 3 rindex, 4 count. */
/* How many bytes of p[0..n) equal c: 8 at a time (SWAR), the per-byte
 * matches summed in byte lanes (at most 255 words between folds). */
static int64_t count_byte(const uint8_t *p, size_t n, uint8_t c) {
  const uint64_t ones = 0x0101010101010101ull, low7 = 0x7f7f7f7f7f7f7f7full, pat = ones * c;
  int64_t count = 0;
  size_t i = 0;
  while (n - i >= 8) {
    uint64_t lanes = 0;
    for (int k = 0; k < 255 && n - i >= 8; k++, i += 8) {
      uint64_t x = rd64(p + i) ^ pat;                    /* a zero byte where p[] == c */
      lanes += (~(((x & low7) + low7) | x) >> 7) & ones;  /* exact: 1 in each zero byte's lane */
    }
    const uint64_t m16 = 0x00ff00ff00ff00ffull;      /* lanes <= 255: 16-bit sums, then their total */
    count += (int64_t)((((lanes & m16) + ((lanes >> 8) & m16)) * 0x0001000100010001ull) >> 48);
  }
  for (; i < n; i++) count += p[i] == c;
  return count;
}

static bool search(VM *vm, const char *fn, Value *a, int n, int kind, Value *out) {
  int64_t lo = 0, hi = INT64_MAX;
  if (!bi_nargs(vm, fn, n - 1, 1, 3)) return false;
  if (!is_str(a[1])) return exc_raise(vm, E_TypeError, "must be str, not %T", a[1]);
  if (n > 2 && a[2].tag != T_NONE && !bi_index(vm, a[2], &lo)) return false;
  if (n > 3 && a[3].tag != T_NONE && !bi_index(vm, a[3], &hi)) return false;
  Str *s = S(vm, a[0]), *p = S(vm, a[1]);
  int64_t len = s->nchars;
  if (lo < 0) { lo += len; if (lo < 0) lo = 0; }
  if (hi < 0) { hi += len; if (hi < 0) hi = 0; }
  if (hi > len) hi = len;
  int64_t found = -1, count = 0;
  if (lo <= hi && (lo < len || p->nbytes == 0 || lo == len)) {
    size_t b0 = cp_offset(s, lo), b1 = cp_offset(s, hi);
    if (kind == 4 && p->nbytes == 0) count = hi - lo + 1;
    else if (kind == 4 && p->nbytes == 1) {          /* one ASCII char: never inside a multi-byte sequence */
      count = count_byte((const uint8_t *)s->data + b0, b1 - b0, (uint8_t)p->data[0]);
    }
    else for (size_t i = b0; i + p->nbytes <= b1; i++) {
      /* first byte, then the rest (a match's first byte is a lead byte: p is valid UTF-8) */
      if (p->nbytes ? s->data[i] != p->data[0] || memcmp(s->data + i + 1, p->data + 1, p->nbytes - 1)
                    : is_cont((uint8_t)s->data[i])) continue;
      if (kind == 4) { count++; i += p->nbytes ? p->nbytes - 1 : 0; continue; }
      found = (int64_t)i;
      if (kind == 0 || kind == 2) break;
    }
    if (kind != 4 && p->nbytes == 0) found = (kind == 1 || kind == 3) ? (int64_t)b1 : (int64_t)b0;
  }
  if (kind == 4) { *out = v_int(count); return true; }
  if (found < 0 && kind >= 2) return exc_raise(vm, E_ValueError, "substring not found");
  *out = v_int(found < 0 ? -1 : (int64_t)utf8_count(s->data, (size_t)found));
  return true;
}
NATIVE(m_str_find) { return search(vm, "find", a, n, 0, out); }
NATIVE(m_str_rfind) { return search(vm, "rfind", a, n, 1, out); }
NATIVE(m_str_index) { return search(vm, "index", a, n, 2, out); }
NATIVE(m_str_rindex) { return search(vm, "rindex", a, n, 3, out); }
NATIVE(m_str_count) { return search(vm, "count", a, n, 4, out); }

static bool remove_affix(VM *vm, const char *fn, Value *a, int n, bool suffix, Value *out) {
  if (!bi_nargs(vm, fn, n - 1, 1, 1)) return false;
  if (!is_str(a[1])) return exc_raise(vm, E_TypeError, "%s() argument must be str, not %T", fn, a[1]);
  Str *s = S(vm, a[0]), *x = S(vm, a[1]);
  if (x->nbytes > s->nbytes || memcmp(s->data + (suffix ? s->nbytes - x->nbytes : 0), x->data, x->nbytes) || !x->nbytes) {
    *out = a[0];
    return true;
  }
  return str_value(vm, s->data + (suffix ? 0 : x->nbytes), s->nbytes - x->nbytes, out);
}
NATIVE(m_str_removeprefix) { return remove_affix(vm, "removeprefix", a, n, false, out); }
NATIVE(m_str_removesuffix) { return remove_affix(vm, "removesuffix", a, n, true, out); }

NATIVE(m_str_expandtabs) {
  int64_t tab = 8;
  if (!bi_nargs(vm, "expandtabs", n - 1, 0, 1) || (n > 1 && !bi_index(vm, a[1], &tab))) return false;
  StrBuf sb;
  sb_begin(vm, &sb);
  Str *s = S(vm, a[0]);
  int64_t col = 0;
  for (uint32_t i = 0; i < s->nbytes; i++) {
    char c = s->data[i];
    if (c == '\t') {
      if (tab > 0) { int64_t k = tab - col % tab; col += k; while (k--) sb_putc(&sb, ' '); }
      if (sb.len > 0x7fffffff / 2) return exc_raise(vm, E_MemoryError, "");
      continue;
    }
    sb_putc(&sb, c);
    if (c == '\n' || c == '\r') col = 0;
    else if (!is_cont((uint8_t)c)) col++;
  }
  return sb_end(&sb, out);
}
