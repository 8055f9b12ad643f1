/*
 * canonical.c: Canonical JSON encoding (content/appendices.md "Canonical
 * JSON"), the byte string every hash and signature in Matrix is computed
 * over. It owns mxm_canonical_encode and mxm_canon_mode_for, nothing else.
 *
 * Output: object keys sorted by Unicode code point (for well-formed UTF-8
 * that is plain byte order, so keys are compared with memcmp and then by
 * length), no insignificant whitespace, raw UTF-8 for every non-ASCII
 * character, and only the escapes of the appendix grammar: \" \\ \b \f \n
 * \r \t and lowercase \u00XX for the other characters below U+0020. U+007F
 * and everything above is written raw. A string or key that is not valid
 * UTF-8 (possible only for values built in code, the parser rejects it) is
 * an error.
 *
 * Numbers. The JSON layer gives integers exactly (MXM_JSON_INT), the mere
 * fact of an integer outside int64 (MXM_JSON_BIGINT), and other numbers as
 * doubles whose printed form (mxm_json_to_string) is the literal as written
 * in the input, or json-c's %.17g form for values built in code. The value
 * of a non-integer literal is decided EXACTLY from that decimal text, never
 * through a rounded double, so "1.0000000000000001" is not mistaken for 1.
 *
 *   STRICT (room versions 6+):
 *     - an integer in [-(2^53)+1, 2^53-1] is written in plain decimal;
 *     - a number written with a fraction or exponent whose exact value is
 *       an integer in that range (1e10, 1.0, -0.0, 2.50e1) is written as
 *       that integer. DECISION: the appendix example {"a":-0,"b":1e10} ->
 *       {"a":0,"b":10000000000} shows canonicalisation *producing* the
 *       integer from exponent notation, and the appendix defines the
 *       encoding of a value, not of a spelling, so these are accepted;
 *     - -0 (in any spelling) is written 0 (the appendix example);
 *     - anything else (a fraction, |value| >= 2^53, a big integer, NaN or
 *       infinity from code) is MXM_E_MALFORMED with err->where the JSON
 *       pointer of the value.
 *   LAX (room versions 1-5, appendix warning "might not be fully
 *   compliant"; servers SHOULD handle such JSON):
 *     - everything STRICT accepts is written the same way;
 *     - an integer inside int64 but outside +-(2^53-1) is written exactly
 *       in decimal (what Python-based servers, whose integers are
 *       unbounded, emit);
 *     - a number whose nearest double is an integer in that range is
 *       written as that integer ("1.0000000000000001" -> 1, "1E-909" -> 0),
 *       so that encoding the output again gives the same bytes;
 *     - any other finite number is written in the shortest form that
 *       reads back as the same IEEE double, formatted as Python's repr()
 *       (the appendix's reference canonical_json is Python json.dumps):
 *       fixed notation with at least one fractional digit when the decimal
 *       exponent is in [-4, 16) ("1.5", "0.0001", "1e+16" otherwise),
 *       "d.ddde+XX" with a signed two-digit-minimum exponent outside it;
 *     - a big integer (outside int64: its exact value is not available
 *       from the JSON layer) and NaN/infinity stay errors, because no
 *       output would be the bytes another server signs.
 *
 * Nesting is bounded by MXM_JSON_MAX_DEPTH (deeper trees built in code are
 * MXM_E_TOO_BIG), so recursion depth is bounded.
 */
#include "mxm/canonical.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_int.h"

#define MAX_SAFE_INT INT64_C(9007199254740991) /* 2^53 - 1 */

enum mxm_canon_mode mxm_canon_mode_for(const struct mxm_room_version *rv)
{
  return (rv && rv->strict_canonical) ? MXM_CANON_STRICT : MXM_CANON_LAX;
}

/* ------------------------------------------------------------------ */
/* Output buffer and the JSON pointer of the value being written.      */

struct enc {
  char *buf;
  size_t len, cap;
  enum mxm_canon_mode mode;
  struct mxm_error *err;
  enum mxm_status st; /* first failure */
  char path[1024];    /* JSON pointer of the current value, truncated */
  size_t path_len;
  const char *const *omit; /* top-level keys written as if absent */
  size_t n_omit;
};

static int put(struct enc *e, const char *s, size_t n)
{
  if(e->st != MXM_OK)
    return 0;
  if(n > e->cap - e->len) {
    size_t cap = e->cap ? e->cap : 256;
    char *nb;
    while(n > cap - e->len) {
      if(cap > SIZE_MAX / 2) {
        e->st = mxm_error_set(e->err, MXM_E_NOMEM, "", "canonical JSON output too large");
        return 0;
      }
      cap *= 2;
    }
    nb = mxmi_realloc(e->buf, cap);
    if(!nb) {
      e->st = mxm_error_set(e->err, MXM_E_NOMEM, "", "out of memory writing canonical JSON");
      return 0;
    }
    e->buf = nb;
    e->cap = cap;
  }
  memcpy(e->buf + e->len, s, n);
  e->len += n;
  return 1;
}

static int putc1(struct enc *e, char c) { return put(e, &c, 1); }
static int puts0(struct enc *e, const char *s) { return put(e, s, strlen(s)); }

/* Append "/" + key (with ~0 ~1 escapes) to the pointer; returns the old
 * length for path_pop. Silently truncates: the pointer is for humans. */
static size_t path_push_key(struct enc *e, const char *key, size_t klen)
{
  size_t old = e->path_len;
  size_t room = sizeof(e->path) - 1;
  size_t i;
  if(e->path_len < room)
    e->path[e->path_len++] = '/';
  for(i = 0; i < klen && e->path_len < room; i++) {
    char c = key[i];
    if(c == '~' || c == '/') {
      if(e->path_len + 2 > room)
        break;
      e->path[e->path_len++] = '~';
      e->path[e->path_len++] = c == '~' ? '0' : '1';
    }
    else if(c == '\0')
      break; /* a pointer is a C string here */
    else
      e->path[e->path_len++] = c;
  }
  e->path[e->path_len] = '\0';
  return old;
}

static size_t path_push_index(struct enc *e, size_t idx)
{
  char tmp[32];
  int n = snprintf(tmp, sizeof(tmp), "%zu", idx);
  return path_push_key(e, tmp, (size_t)(n > 0 ? n : 0));
}

static void path_pop(struct enc *e, size_t old)
{
  e->path_len = old;
  e->path[old] = '\0';
}

/* Record a failure at the current pointer (first one wins). The pointer
 * is cut by mxm_error_set to what struct mxm_error can hold. */
static int fail(struct enc *e, enum mxm_status st, const char *msg)
{
  if(e->st == MXM_OK) {
    e->st = mxm_error_set(e->err, st, e->path, "%s", msg);
  }
  return 0;
}

/* ------------------------------------------------------------------ */
/* Strings.                                                            */

/* Length of the well-formed UTF-8 sequence at s[i] (RFC 3629: no
 * overlongs, no surrogates, nothing above U+10FFFF), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t len, size_t i)
{
  unsigned char c = s[i];
  size_t need, k;
  uint32_t cp, min;
  if(c < 0x80)
    return 1;
  if(c >= 0xC2 && c <= 0xDF) {
    need = 1;
    cp = c & 0x1F;
    min = 0x80;
  }
  else if(c >= 0xE0 && c <= 0xEF) {
    need = 2;
    cp = c & 0x0F;
    min = 0x800;
  }
  else if(c >= 0xF0 && c <= 0xF4) {
    need = 3;
    cp = c & 0x07;
    min = 0x10000;
  }
  else
    return 0;
  if(len - i - 1 < need)
    return 0;
  for(k = 1; k <= need; k++) {
    if((s[i + k] & 0xC0) != 0x80)
      return 0;
    cp = (cp << 6) | (s[i + k] & 0x3F);
  }
  if(cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return need + 1;
}

static int put_string(struct enc *e, const char *str, size_t len)
{
  static const char hex[] = "0123456789abcdef";
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0, run = 0;
  if(!putc1(e, '"'))
    return 0;
  while(i < len) {
    unsigned char c = s[i];
    const char *esc = NULL;
    char ubuf[7];
    if(c >= 0x80) {
      size_t n = utf8_seq(s, len, i);
      if(n == 0)
        return fail(e, MXM_E_MALFORMED, "string is not valid UTF-8");
      i += n;
      continue;
    }
    switch(c) {
    case '"':
      esc = "\\\"";
      break;
    case '\\':
      esc = "\\\\";
      break;
    case '\b':
      esc = "\\b";
      break;
    case '\f':
      esc = "\\f";
      break;
    case '\n':
      esc = "\\n";
      break;
    case '\r':
      esc = "\\r";
      break;
    case '\t':
      esc = "\\t";
      break;
    default:
      if(c < 0x20) {
        ubuf[0] = '\\';
        ubuf[1] = 'u';
        ubuf[2] = '0';
        ubuf[3] = '0';
        ubuf[4] = hex[c >> 4];
        ubuf[5] = hex[c & 0xF];
        ubuf[6] = '\0';
        esc = ubuf;
      }
    }
    if(esc) {
      if(!put(e, str + run, i - run) || !puts0(e, esc))
        return 0;
      run = i + 1;
    }
    i++;
  }
  return put(e, str + run, len - run) && putc1(e, '"');
}

/* ------------------------------------------------------------------ */
/* Numbers.                                                            */

static int put_int(struct enc *e, int64_t v)
{
  char tmp[32];
  int n = snprintf(tmp, sizeof(tmp), "%lld", (long long)v);
  return put(e, tmp, (size_t)n);
}

/*
 * Exact analysis of a decimal literal -?D(.F)?([eE][+-]?X)?: is it an
 * integer, and if so is |value| <= 2^53-1 (then *out is the value)?
 * Returns 1 = integer in range (*out set), 0 = finite but not an integer
 * or out of range, -1 = not a decimal literal (NaN, Infinity, ...).
 */
static int decimal_to_safe_int(const char *t, int64_t *out)
{
  int neg = 0;
  char digits[64]; /* significant digits, leading zeros dropped */
  size_t nd = 0;
  int too_many = 0; /* more significant digits than kept (so >= 10^63) */
  long long exp10 = 0; /* value = digits * 10^exp10 */
  long long x = 0;
  int xneg = 0, any = 0;
  const char *p = t;

  if(*p == '-') {
    neg = 1;
    p++;
  }
  if(!(*p >= '0' && *p <= '9'))
    return -1;
  for(; *p >= '0' && *p <= '9'; p++) {
    any = 1;
    if(nd == 0 && *p == '0')
      continue;
    if(nd < sizeof(digits))
      digits[nd++] = *p;
    else {
      too_many = 1;
      exp10++; /* dropped integer digit: still a factor of ten */
    }
  }
  if(*p == '.') {
    p++;
    if(!(*p >= '0' && *p <= '9'))
      return -1;
    for(; *p >= '0' && *p <= '9'; p++) {
      if(nd == 0 && *p == '0') {
        exp10--;
        continue;
      }
      if(nd < sizeof(digits)) {
        digits[nd++] = *p;
        exp10--;
      }
      else if(*p != '0')
        too_many = 2; /* a non-zero digit far right: a fraction, or huge */
    }
  }
  if(*p == 'e' || *p == 'E') {
    p++;
    if(*p == '+' || *p == '-')
      xneg = *p++ == '-';
    if(!(*p >= '0' && *p <= '9'))
      return -1;
    for(; *p >= '0' && *p <= '9'; p++)
      if(x < 100000)
        x = x * 10 + (*p - '0'); /* saturate: anything past 1e5 is decided */
  }
  if(*p != '\0' || !any)
    return -1;
  if(nd == 0) {
    *out = 0; /* every spelling of zero, including -0, is 0 */
    (void)neg;
    return 1;
  }
  if(too_many)
    return 0; /* >= 10^63 in magnitude or a fraction: not a safe integer */
  exp10 += xneg ? -x : x;
  while(nd > 0 && digits[nd - 1] == '0') {
    nd--;
    exp10++;
  }
  if(exp10 < 0)
    return 0; /* a fractional part remains */
  if((long long)nd + exp10 > 16)
    return 0; /* >= 10^16 > 2^53 */
  {
    int64_t v = 0;
    size_t i;
    long long k;
    for(i = 0; i < nd; i++)
      v = v * 10 + (digits[i] - '0');
    for(k = 0; k < exp10; k++)
      v *= 10;
    if(v > MAX_SAFE_INT)
      return 0;
    *out = neg ? -v : v;
  }
  return 1;
}

/* Python repr() of a finite double: the shortest digits that round-trip,
 * fixed notation for decimal exponents in [-4, 16), scientific otherwise. */
static int put_double_repr(struct enc *e, double d)
{
  char sci[40], digits[24], out[48];
  int prec, dexp = 0;
  size_t nd = 0, i;
  const char *p;
  int neg = signbit(d) != 0;
  size_t o = 0;
  for(prec = 0; prec < 17; prec++) {
    snprintf(sci, sizeof(sci), "%.*e", prec, d);
    if(strtod(sci, NULL) == d)
      break;
  }
  /* sci = "-d.ddde+XX" */
  p = sci;
  if(*p == '-')
    p++;
  for(; *p && *p != 'e'; p++)
    if(*p >= '0' && *p <= '9' && nd < sizeof(digits) - 1)
      digits[nd++] = *p;
  if(*p == 'e')
    dexp = atoi(p + 1);
  while(nd > 1 && digits[nd - 1] == '0')
    nd--;
  digits[nd] = '\0';
  if(neg)
    out[o++] = '-';
  if(dexp >= -4 && dexp < 16) {
    if(dexp < 0) {
      out[o++] = '0';
      out[o++] = '.';
      for(i = 0; i < (size_t)(-dexp - 1); i++)
        out[o++] = '0';
      for(i = 0; i < nd; i++)
        out[o++] = digits[i];
    }
    else {
      for(i = 0; i <= (size_t)dexp; i++)
        out[o++] = i < nd ? digits[i] : '0';
      out[o++] = '.';
      if(nd > (size_t)dexp + 1)
        for(i = (size_t)dexp + 1; i < nd; i++)
          out[o++] = digits[i];
      else
        out[o++] = '0';
    }
    out[o] = '\0';
  }
  else {
    out[o++] = digits[0];
    if(nd > 1) {
      out[o++] = '.';
      for(i = 1; i < nd; i++)
        out[o++] = digits[i];
    }
    snprintf(out + o, sizeof(out) - o, "e%c%02d", dexp < 0 ? '-' : '+', dexp < 0 ? -dexp : dexp);
  }
  return puts0(e, out);
}

static int put_number(struct enc *e, const struct mxm_json *j, enum mxm_json_type t)
{
  if(t == MXM_JSON_INT) {
    int64_t v = 0;
    (void)mxm_json_int(j, &v);
    if((v > MAX_SAFE_INT || v < -MAX_SAFE_INT) && e->mode == MXM_CANON_STRICT)
      return fail(e, MXM_E_MALFORMED, "integer outside the canonical JSON range [-(2^53)+1, (2^53)-1]");
    return put_int(e, v);
  }
  if(t == MXM_JSON_BIGINT)
    return fail(e, MXM_E_MALFORMED,
                e->mode == MXM_CANON_STRICT
                    ? "integer outside the canonical JSON range [-(2^53)+1, (2^53)-1]"
                    : "integer outside the 64-bit range: its exact value is not available, so it cannot be canonicalised");
  /* MXM_JSON_DOUBLE: decide from its decimal text. */
  {
    size_t tl = 0;
    char *text = mxm_json_to_string(j, &tl);
    int64_t v = 0;
    int r;
    double d = 0;
    if(!text)
      return fail(e, MXM_E_NOMEM, "out of memory reading a number");
    r = decimal_to_safe_int(text, &v);
    free(text);
    if(r == 1)
      return put_int(e, v);
    if(!mxm_json_number(j, &d) || r < 0 || !isfinite(d))
      return fail(e, MXM_E_MALFORMED, "number is not finite (NaN or infinity)");
    if(e->mode == MXM_CANON_STRICT)
      return fail(e, MXM_E_MALFORMED,
                  "number is not an integer in the canonical JSON range [-(2^53)+1, (2^53)-1] (room versions 6+ forbid floats)");
    /* The nearest double may be an integer in the safe range even though
     * the text is not ("1.0000000000000001" -> 1.0, "1E-909" -> 0.0,
     * "6000000000000000.5" -> 6e15). Its repr form ("1.0") would re-encode
     * as the integer, so write the integer now: encoding stays a fixed
     * point. Found by fuzz_canonical (corpus/regressions/fuzz_canonical). */
    if(d == floor(d) && fabs(d) <= (double)MAX_SAFE_INT)
      return put_int(e, (int64_t)d);
    return put_double_repr(e, d);
  }
}

/* ------------------------------------------------------------------ */
/* Objects, arrays, values.                                            */

struct member {
  const char *key;
  size_t key_len;
  const struct mxm_json *val;
};

struct collect {
  struct member *m;
  size_t n, cap;
};

static int collect_member(const char *key, size_t key_len, const struct mxm_json *val, void *ctx)
{
  struct collect *c = ctx;
  if(c->n == c->cap)
    return 1; /* cannot happen: cap = mxm_json_object_len */
  c->m[c->n].key = key;
  c->m[c->n].key_len = key_len;
  c->m[c->n].val = val;
  c->n++;
  return 0;
}

/* Byte order of UTF-8 = code point order; a prefix sorts first. */
static int member_cmp(const void *a, const void *b)
{
  const struct member *x = a, *y = b;
  size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
  int c = memcmp(x->key, y->key, n);
  if(c)
    return c;
  return (x->key_len > y->key_len) - (x->key_len < y->key_len);
}

static int put_value(struct enc *e, const struct mxm_json *j, int depth);

/* 1 if key is one of the keys mxm_canonical_encode_without leaves out
 * (they are top-level keys: only the root object is filtered). */
static int omitted(const struct enc *e, const struct member *m)
{
  size_t i;
  for(i = 0; i < e->n_omit; i++)
    if(strlen(e->omit[i]) == m->key_len && memcmp(e->omit[i], m->key, m->key_len) == 0)
      return 1;
  return 0;
}

static int put_object(struct enc *e, const struct mxm_json *j, int depth)
{
  size_t n = mxm_json_object_len(j), i;
  struct collect c = {NULL, 0, n};
  int ok = 1;
  if(n) {
    c.m = mxmi_malloc(n * sizeof(*c.m));
    if(!c.m)
      return fail(e, MXM_E_NOMEM, "out of memory sorting object keys");
    (void)mxm_json_object_foreach(j, collect_member, &c);
    if(depth == 1 && e->n_omit) {
      size_t k = 0;
      for(i = 0; i < c.n; i++)
        if(!omitted(e, &c.m[i]))
          c.m[k++] = c.m[i];
      c.n = k;
    }
    qsort(c.m, c.n, sizeof(*c.m), member_cmp);
  }
  ok = putc1(e, '{');
  for(i = 0; ok && i < c.n; i++) {
    size_t old = path_push_key(e, c.m[i].key, c.m[i].key_len);
    ok = (i == 0 || putc1(e, ',')) && put_string(e, c.m[i].key, c.m[i].key_len) && putc1(e, ':') &&
         put_value(e, c.m[i].val, depth + 1);
    if(ok)
      path_pop(e, old);
  }
  free(c.m);
  return ok && putc1(e, '}');
}

static int put_array(struct enc *e, const struct mxm_json *j, int depth)
{
  size_t n = mxm_json_array_len(j), i;
  if(!putc1(e, '['))
    return 0;
  for(i = 0; i < n; i++) {
    size_t old = path_push_index(e, i);
    if(!(i == 0 || putc1(e, ',')) || !put_value(e, mxm_json_array_get(j, i), depth + 1))
      return 0;
    path_pop(e, old);
  }
  return putc1(e, ']');
}

static int put_value(struct enc *e, const struct mxm_json *j, int depth)
{
  enum mxm_json_type t = mxm_json_type(j);
  if(depth > MXM_JSON_MAX_DEPTH)
    return fail(e, MXM_E_TOO_BIG, "JSON nested deeper than MXM_JSON_MAX_DEPTH");
  switch(t) {
  case MXM_JSON_NULL:
    return puts0(e, "null");
  case MXM_JSON_BOOL: {
    int b = 0;
    (void)mxm_json_bool(j, &b);
    return puts0(e, b ? "true" : "false");
  }
  case MXM_JSON_INT:
  case MXM_JSON_BIGINT:
  case MXM_JSON_DOUBLE:
    return put_number(e, j, t);
  case MXM_JSON_STRING: {
    size_t len = 0;
    const char *s = mxm_json_string_len(j, &len);
    return put_string(e, s, len);
  }
  case MXM_JSON_ARRAY:
    return put_array(e, j, depth);
  case MXM_JSON_OBJECT:
    return put_object(e, j, depth);
  }
  return fail(e, MXM_E_MALFORMED, "unknown JSON value type");
}

enum mxm_status mxm_canonical_encode(const struct mxm_json *j, enum mxm_canon_mode mode, char **out,
                                     size_t *out_len, struct mxm_error *err)
{
  return mxm_canonical_encode_without(j, mode, NULL, 0, out, out_len, err);
}

enum mxm_status mxm_canonical_encode_without(const struct mxm_json *j, enum mxm_canon_mode mode,
                                             const char *const *omit, size_t n_omit, char **out, size_t *out_len,
                                             struct mxm_error *err)
{
  struct enc e;
  if(!out)
    return mxm_error_set(err, MXM_E_USAGE, "", "no output pointer");
  *out = NULL;
  if(out_len)
    *out_len = 0;
  if(mode != MXM_CANON_STRICT && mode != MXM_CANON_LAX)
    return mxm_error_set(err, MXM_E_USAGE, "", "unknown canonical JSON mode %d", (int)mode);
  memset(&e, 0, sizeof(e));
  e.mode = mode;
  e.err = err;
  e.st = MXM_OK;
  e.omit = omit;
  e.n_omit = omit ? n_omit : 0;
  if(!put_value(&e, j, 1) || !putc1(&e, '\0')) {
    free(e.buf);
    return e.st != MXM_OK ? e.st : mxm_error_set(err, MXM_E_NOMEM, "", "out of memory");
  }
  *out = e.buf;
  if(out_len)
    *out_len = e.len - 1;
  return MXM_OK;
}
