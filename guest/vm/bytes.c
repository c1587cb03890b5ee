/*
 * bytes.c -- immutable byte strings (T_BYTESTR).  A bytes object has the
 * layout of a Str (nbytes, nchars == nbytes, data with a NUL after it) but
 * any byte values.  Indexing gives ints, slicing bytes; repr as CPython;
 * decode/encode are UTF-8 only.  The hooks in object.c, arith.c and
 * format.c call the functions here.
 */
#include "vm.h"

static Str *B(VM *vm, Value v) { return AS(vm, v, Str); }

/* A new bytes object holding a copy of s[0..n) (zeros if s is NULL); 0 on MemoryError. */
Ref bytes_new(VM *vm, const void *s, size_t n) {
  if (n > 0x7fffffffu) { exc_raise(vm, E_MemoryError, ""); return 0; }
  Ref r = heap_alloc(vm, T_BYTESTR, sizeof(Str) + n + 1);
  if (!r) return 0;
  Str *b = OBJ(vm, r, Str);
  b->nbytes = b->nchars = (uint32_t)n;
  if (n && s) memcpy(b->data, s, n);             /* s NULL: zeroed, for the caller to fill */
  return r;
}

static bool bytes_value(VM *vm, const void *s, size_t n, Value *out) {
  Ref r = bytes_new(vm, s, n);
  *out = v_obj(T_BYTESTR, r);
  return r != 0;
}

/* repr(b): b'...' with CPython's escapes and quote choice. */
void bytes_repr(StrBuf *sb, Value v) {
  static const char hex[] = "0123456789abcdef";
  Str *b = B(sb->vm, v);
  bool sq = false, dq = false;
  for (uint32_t i = 0; i < b->nbytes; i++) { sq |= b->data[i] == '\''; dq |= b->data[i] == '"'; }
  char q = sq && !dq ? '"' : '\'';
  sb_putc(sb, 'b');
  sb_putc(sb, q);
  for (uint32_t i = 0; i < b->nbytes; i++) {
    uint8_t c = (uint8_t)B(sb->vm, v)->data[i];
    if (c == (uint8_t)q || c == '\\') { sb_putc(sb, '\\'); sb_putc(sb, (char)c); }
    else if (c == '\n') sb_put(sb, "\\n", 2);
    else if (c == '\r') sb_put(sb, "\\r", 2);
    else if (c == '\t') sb_put(sb, "\\t", 2);
    else if (c < 0x20 || c >= 0x7f) { char e[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]}; sb_put(sb, e, 4); }
    else sb_putc(sb, (char)c);
  }
  sb_putc(sb, q);
}

/* b + c and b * k. */
bool bytes_concat(VM *vm, Value a, Value b, Value *out) {
  uint64_t n = (uint64_t)B(vm, a)->nbytes + B(vm, b)->nbytes;
  if (n > 0x7fffffff) return exc_raise(vm, E_MemoryError, "");
  Ref r = bytes_new(vm, NULL, (size_t)n);
  if (!r) return false;
  memcpy(OBJ(vm, r, Str)->data, B(vm, a)->data, B(vm, a)->nbytes);
  memcpy(OBJ(vm, r, Str)->data + B(vm, a)->nbytes, B(vm, b)->data, B(vm, b)->nbytes);
  *out = v_obj(T_BYTESTR, r);
  return true;
}

bool bytes_repeat(VM *vm, Value b, Value kv, Value *out) {
  if (kv.tag == T_BIGINT) return exc_raise(vm, E_OverflowError, "cannot fit 'int' into an index-sized integer");
  int64_t k = kv.as.i < 0 ? 0 : kv.as.i;
  uint32_t n = B(vm, b)->nbytes;
  if (n && (uint64_t)k > 0x7fffffffu / n) return exc_raise(vm, E_MemoryError, "");
  Ref r = bytes_new(vm, NULL, (size_t)(n * k));
  if (!r) return false;
  for (int64_t i = 0; i < k; i++) memcpy(OBJ(vm, r, Str)->data + i * n, B(vm, b)->data, n);
  *out = v_obj(T_BYTESTR, r);
  return true;
}

/* b[i] (an int) or b[slice] (bytes). */
bool bytes_getitem(VM *vm, Value b, Value key, Value *out) {
  int64_t n = B(vm, b)->nbytes;
  if (key.tag == T_SLICE) {
    Slice *sl = AS(vm, key, Slice);
    int64_t start, step, count;
    if (!slice_indices(vm, sl, n, &start, &step, &count)) return false;
    Ref r = bytes_new(vm, NULL, (size_t)count);
    if (!r) return false;
    for (int64_t k = 0; k < count; k++) OBJ(vm, r, Str)->data[k] = B(vm, b)->data[start + k * step];
    *out = v_obj(T_BYTESTR, r);
    return true;
  }
  if (key.tag != T_INT && key.tag != T_BOOL) {
    if (key.tag == T_BIGINT) return exc_raise(vm, E_IndexError, "cannot fit 'int' into an index-sized integer");
    return exc_raise(vm, E_TypeError, "byte indices must be integers or slices, not %T", key);
  }
  int64_t i = key.as.i < 0 ? key.as.i + n : key.as.i;
  if (i < 0 || i >= n) return exc_raise(vm, E_IndexError, "index out of range");
  *out = v_int((uint8_t)B(vm, b)->data[i]);
  return true;
}

/* x in b: an int byte value or a bytes substring. */
bool bytes_contains(VM *vm, Value b, Value x, bool *res) {
  Str *s = B(vm, b);
  if (x.tag == T_INT || x.tag == T_BOOL) {
    if (x.as.i < 0 || x.as.i > 255) return exc_raise(vm, E_ValueError, "byte must be in range(0, 256)");
    *res = false;
    for (uint32_t i = 0; i < s->nbytes && !*res; i++) *res = (uint8_t)s->data[i] == x.as.i;
    return true;
  }
  if (x.tag != T_BYTESTR) return exc_raise(vm, E_TypeError, "a bytes-like object is required, not '%T'", x);
  *res = str_find(s, B(vm, x), 0) >= 0;
  return true;
}

/* bytes(), bytes(n), bytes(iterable of ints), bytes(str, encoding). */
NATIVE(bi_bytes) {
  if (!bi_nargs(vm, "bytes", n, 0, 3)) return false;
  if (n == 0) return bytes_value(vm, "", 0, out);
  Value x = a[0];
  if (x.tag == T_STR) {
    if (n < 2) return exc_raise(vm, E_TypeError, "string argument without an encoding");
    return bytes_value(vm, B(vm, x)->data, B(vm, x)->nbytes, out);
  }
  if (n > 1) return exc_raise(vm, E_TypeError, "encoding without a string argument");
  if (x.tag == T_BYTESTR) { *out = x; return true; }
  if (x.tag == T_INT || x.tag == T_BOOL) {
    if (x.as.i < 0) return exc_raise(vm, E_ValueError, "negative count");
    if (x.as.i > 0x7fffffff) return exc_raise(vm, E_MemoryError, "");
    Ref r = bytes_new(vm, NULL, (size_t)x.as.i);
    if (r) memset(OBJ(vm, r, Str)->data, 0, (size_t)x.as.i);
    *out = v_obj(T_BYTESTR, r);
    return r != 0;
  }
  uint32_t mark = vm->ntop;
  Value *r = vm_push(vm, 2);                       /* the iterator, the items so far (a list) */
  if (!r) return false;
  Ref l = list_new(vm, 8);
  int k = l ? 1 : -1;
  Value item;
  if (l) r[1] = v_obj(T_LIST, l);
  if (k > 0 && !vm_getiter(vm, x, &r[0])) k = -1;
  while (k > 0 && (k = vm_next(vm, r[0], &item)) == 1) {
    if (item.tag != T_INT && item.tag != T_BOOL) { exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", item); k = -1; }
    else if (item.as.i < 0 || item.as.i > 255) { exc_raise(vm, E_ValueError, "bytes must be in range(0, 256)"); k = -1; }
    else if (!list_append(vm, r[1], item)) k = -1;
  }
  if (k == 0) {
    List *lst = AS(vm, r[1], List);
    Ref b = bytes_new(vm, NULL, lst->len);
    if (!b) k = -1;
    else {
      lst = AS(vm, r[1], List);
      for (uint32_t i = 0; i < lst->len; i++) OBJ(vm, b, Str)->data[i] = (char)list_items(vm, lst)[i].as.i;
      *out = v_obj(T_BYTESTR, b);
    }
  }
  vm_pop(vm, mark);
  return k == 0;
}

static bool utf8_only(VM *vm, Value *a, int n, int at) {
  if (n <= at) return true;
  if (a[at].tag != T_STR) return exc_raise(vm, E_TypeError, "decode() argument 'encoding' must be str, not %T", a[at]);
  Str *e = B(vm, a[at]);
  char name[16];
  size_t k = 0;
  for (uint32_t i = 0; i < e->nbytes && k < sizeof name - 1; i++) {
    char c = e->data[i];
    if (c == '-' || c == '_') continue;
    name[k++] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
  }
  name[k] = 0;
  if (k == 4 && !memcmp(name, "utf8", 4)) return true;
  return exc_raise(vm, E_LookupError, "unknown encoding: %S (Drift has UTF-8 only)", e);
}

NATIVE(m_bytes_decode) {
  if (!bi_nargs(vm, "decode", n - 1, 0, 2) || !utf8_only(vm, a, n, 1)) return false;
  Str *b = B(vm, a[0]);
  if (!utf8_valid((const uint8_t *)b->data, b->nbytes))
    return exc_raise(vm, E_ValueError, "'utf-8' codec can't decode bytes: invalid UTF-8");
  return str_value(vm, b->data, b->nbytes, out);
}

NATIVE(m_str_encode) {
  if (!bi_nargs(vm, "encode", n - 1, 0, 2) || !utf8_only(vm, a, n, 1)) return false;
  return bytes_value(vm, B(vm, a[0])->data, B(vm, a[0])->nbytes, out);
}

NATIVE(m_bytes_hex) {
  static const char hex[] = "0123456789abcdef";
  if (!bi_nargs(vm, "hex", n - 1, 0, 0)) return false;
  StrBuf sb;
  sb_begin(vm, &sb);
  for (uint32_t i = 0; i < B(vm, a[0])->nbytes; i++) {
    uint8_t c = (uint8_t)B(vm, a[0])->data[i];
    sb_putc(&sb, hex[c >> 4]);
    sb_putc(&sb, hex[c & 15]);
  }
  return sb_end(&sb, out);
}

NATIVE(m_bytes_count) {
  if (!bi_nargs(vm, "count", n - 1, 1, 1)) return false;
  Str *s = B(vm, a[0]);
  int64_t c = 0;
  if (a[1].tag == T_INT) { for (uint32_t i = 0; i < s->nbytes; i++) c += (uint8_t)s->data[i] == a[1].as.i; }
  else if (a[1].tag == T_BYTESTR) {
    Str *x = B(vm, a[1]);
    if (x->nbytes == 0) c = s->nbytes + 1;
    else for (int64_t at = 0; (at = str_find(s, x, (size_t)at)) >= 0; at += x->nbytes) c++;
  } else return exc_raise(vm, E_TypeError, "argument should be integer or bytes-like object, not '%T'", a[1]);
  *out = v_int(c);
  return true;
}

NATIVE(m_bytes_find) {
  if (!bi_nargs(vm, "find", n - 1, 1, 1)) return false;
  Str *s = B(vm, a[0]);
  if (a[1].tag == T_INT) {
    for (uint32_t i = 0; i < s->nbytes; i++) if ((uint8_t)s->data[i] == a[1].as.i) { *out = v_int(i); return true; }
    *out = v_int(-1);
    return true;
  }
  if (a[1].tag != T_BYTESTR) return exc_raise(vm, E_TypeError, "argument should be integer or bytes-like object, not '%T'", a[1]);
  *out = v_int(str_find(s, B(vm, a[1]), 0));
  return true;
}
