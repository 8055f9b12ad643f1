/*
 * fuzz/canon_ref.c: the independent Canonical JSON encoder (see canon_ref.h).
 *
 * Form: one pass over the text that appends tokens to a flat array (a
 * container token records where its subtree ends), strings decoded to code
 * points in a pool, then one writer over the tokens. Nothing is shared with
 * ref/src: no json library, no mxm header.
 *
 * The output rules, from content/appendices.md "Canonical JSON" (grammar
 * and examples): no insignificant whitespace; object members sorted by the
 * Unicode code points of their keys; integers in decimal without leading
 * zeros or "+" (-0 written 0, as the example {"a":-0,"b":1e10} ->
 * {"a":0,"b":10000000000}); in strings the escapes \" \\ \b \f \n \r \t,
 * \u00XX with lowercase hex for the other characters below U+0020, and
 * every other character as its UTF-8 bytes.
 */
#include "canon_ref.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SAFE 9007199254740991LL

enum kind { K_OBJECT, K_ARRAY, K_STRING, K_INT, K_TRUE, K_FALSE, K_NULL };

struct token {
  enum kind kind;
  size_t end;            /* containers: index of the first token after the subtree */
  size_t count;          /* containers: members (objects: key + value pairs) or elements */
  size_t cp_at, cp_len;  /* strings: code points in the pool */
  long long value;       /* integers */
};

struct reader {
  const unsigned char *s;
  size_t len, pos;
  struct token *tok;
  size_t n_tok, cap_tok;
  uint32_t *cp;
  size_t n_cp, cap_cp;
  int depth;
  enum mxmc_ref_result fail; /* MXMC_REF_OK while all is well */
};

static int failed(struct reader *r, enum mxmc_ref_result why)
{
  if(r->fail == MXMC_REF_OK)
    r->fail = why;
  return 0;
}

static void skip_ws(struct reader *r)
{
  while(r->pos < r->len && (r->s[r->pos] == ' ' || r->s[r->pos] == '\t' || r->s[r->pos] == '\n' || r->s[r->pos] == '\r'))
    r->pos++;
}

static size_t new_token(struct reader *r, enum kind k)
{
  if(r->n_tok == r->cap_tok) {
    size_t cap = r->cap_tok ? 2 * r->cap_tok : 64;
    struct token *t = realloc(r->tok, cap * sizeof(*t));
    if(!t) {
      failed(r, MXMC_REF_NOMEM);
      return (size_t)-1;
    }
    r->tok = t;
    r->cap_tok = cap;
  }
  memset(&r->tok[r->n_tok], 0, sizeof(r->tok[0]));
  r->tok[r->n_tok].kind = k;
  return r->n_tok++;
}

static int push_cp(struct reader *r, uint32_t c)
{
  if(r->n_cp == r->cap_cp) {
    size_t cap = r->cap_cp ? 2 * r->cap_cp : 256;
    uint32_t *p = realloc(r->cp, cap * sizeof(*p));
    if(!p)
      return failed(r, MXMC_REF_NOMEM);
    r->cp = p;
    r->cap_cp = cap;
  }
  r->cp[r->n_cp++] = c;
  return 1;
}

static int hex4(struct reader *r, uint32_t *out)
{
  uint32_t v = 0;
  if(r->pos + 4 > r->len)
    return failed(r, MXMC_REF_NOT_JSON);
  for(int i = 0; i < 4; i++) {
    unsigned char ch = r->s[r->pos++];
    v <<= 4;
    if(ch >= '0' && ch <= '9')
      v |= (uint32_t)(ch - '0');
    else if(ch >= 'a' && ch <= 'f')
      v |= (uint32_t)(ch - 'a' + 10);
    else if(ch >= 'A' && ch <= 'F')
      v |= (uint32_t)(ch - 'A' + 10);
    else
      return failed(r, MXMC_REF_NOT_JSON);
  }
  *out = v;
  return 1;
}

/* One UTF-8 sequence (RFC 3629: shortest form, no surrogates, <= U+10FFFF). */
static int utf8(struct reader *r, uint32_t *out)
{
  unsigned char b = r->s[r->pos];
  int n = b < 0x80 ? 0 : (b & 0xe0) == 0xc0 ? 1 : (b & 0xf0) == 0xe0 ? 2 : (b & 0xf8) == 0xf0 ? 3 : -1;
  static const uint32_t least[4] = {0, 0x80, 0x800, 0x10000};
  uint32_t c;
  if(n < 0 || r->pos + (size_t)n >= r->len + (n == 0 ? 1 : 0))
    return failed(r, MXMC_REF_NOT_JSON);
  c = n == 0 ? b : (uint32_t)(b & (0x3f >> n));
  for(int i = 1; i <= n; i++) {
    unsigned char x = r->s[r->pos + (size_t)i];
    if((x & 0xc0) != 0x80)
      return failed(r, MXMC_REF_NOT_JSON);
    c = (c << 6) | (x & 0x3f);
  }
  if(c < least[n] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
    return failed(r, MXMC_REF_NOT_JSON);
  r->pos += (size_t)n + 1;
  *out = c;
  return 1;
}

static int string_token(struct reader *r)
{
  size_t t = new_token(r, K_STRING);
  if(t == (size_t)-1)
    return 0;
  r->tok[t].cp_at = r->n_cp;
  r->pos++; /* opening quote */
  for(;;) {
    uint32_t c;
    if(r->pos >= r->len)
      return failed(r, MXMC_REF_NOT_JSON);
    if(r->s[r->pos] == '"') {
      r->pos++;
      break;
    }
    if(r->s[r->pos] < 0x20)
      return failed(r, MXMC_REF_NOT_JSON);
    if(r->s[r->pos] == '\\') {
      unsigned char e;
      if(++r->pos >= r->len)
        return failed(r, MXMC_REF_NOT_JSON);
      e = r->s[r->pos++];
      switch(e) {
      case '"': c = '"'; break;
      case '\\': c = '\\'; break;
      case '/': c = '/'; break;
      case 'b': c = 8; break;
      case 'f': c = 12; break;
      case 'n': c = 10; break;
      case 'r': c = 13; break;
      case 't': c = 9; break;
      case 'u':
        if(!hex4(r, &c))
          return 0;
        if(c >= 0xd800 && c <= 0xdbff) { /* a pair, or a lone high surrogate */
          uint32_t lo;
          if(r->pos + 6 > r->len || r->s[r->pos] != '\\' || r->s[r->pos + 1] != 'u')
            return failed(r, MXMC_REF_NO_ANSWER);
          r->pos += 2;
          if(!hex4(r, &lo))
            return 0;
          if(lo < 0xdc00 || lo > 0xdfff)
            return failed(r, MXMC_REF_NO_ANSWER);
          c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
        } else if(c >= 0xdc00 && c <= 0xdfff) {
          return failed(r, MXMC_REF_NO_ANSWER);
        }
        break;
      default: return failed(r, MXMC_REF_NOT_JSON);
      }
    } else if(!utf8(r, &c)) {
      return 0;
    }
    if(!push_cp(r, c))
      return 0;
  }
  r->tok[t].cp_len = r->n_cp - r->tok[t].cp_at;
  return 1;
}

static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

/* -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?; an answer only for an
 * integer value in range with no fraction and no negative exponent. */
static int number_token(struct reader *r)
{
  int neg = 0, frac = 0, eneg = 0;
  long long m = 0, e = 0;
  int big = 0;
  size_t t;
  if(r->s[r->pos] == '-') {
    neg = 1;
    r->pos++;
  }
  if(r->pos >= r->len || !is_digit(r->s[r->pos]))
    return failed(r, MXMC_REF_NOT_JSON);
  if(r->s[r->pos] == '0') {
    r->pos++;
  } else {
    while(r->pos < r->len && is_digit(r->s[r->pos])) {
      if(m > MAX_SAFE / 10 + 1)
        big = 1;
      else
        m = m * 10 + (r->s[r->pos] - '0');
      r->pos++;
    }
  }
  if(r->pos < r->len && r->s[r->pos] == '.') {
    r->pos++;
    if(r->pos >= r->len || !is_digit(r->s[r->pos]))
      return failed(r, MXMC_REF_NOT_JSON);
    while(r->pos < r->len && is_digit(r->s[r->pos]))
      r->pos++;
    frac = 1;
  }
  if(r->pos < r->len && (r->s[r->pos] == 'e' || r->s[r->pos] == 'E')) {
    r->pos++;
    if(r->pos < r->len && (r->s[r->pos] == '+' || r->s[r->pos] == '-'))
      eneg = r->s[r->pos++] == '-';
    if(r->pos >= r->len || !is_digit(r->s[r->pos]))
      return failed(r, MXMC_REF_NOT_JSON);
    while(r->pos < r->len && is_digit(r->s[r->pos])) {
      if(e < 1000)
        e = e * 10 + (r->s[r->pos] - '0');
      r->pos++;
    }
  }
  if(frac || (eneg && e > 0) || big)
    return failed(r, MXMC_REF_NO_ANSWER);
  for(long long k = 0; k < e && m != 0; k++) {
    if(m > MAX_SAFE / 10)
      return failed(r, MXMC_REF_NO_ANSWER);
    m *= 10;
  }
  if(m > MAX_SAFE)
    return failed(r, MXMC_REF_NO_ANSWER);
  t = new_token(r, K_INT);
  if(t == (size_t)-1)
    return 0;
  r->tok[t].value = neg ? -m : m;
  return 1;
}

static int literal(struct reader *r, const char *word, enum kind k)
{
  size_t n = strlen(word);
  if(r->pos + n > r->len || memcmp(r->s + r->pos, word, n) != 0)
    return failed(r, MXMC_REF_NOT_JSON);
  r->pos += n;
  return new_token(r, k) != (size_t)-1;
}

static int value(struct reader *r);

static int same_string(const struct reader *r, const struct token *a, const struct token *b)
{
  /* No pointer arithmetic on an empty pool: two empty keys, r->cp still NULL. */
  return a->cp_len == b->cp_len &&
         (a->cp_len == 0 || memcmp(r->cp + a->cp_at, r->cp + b->cp_at, a->cp_len * sizeof(uint32_t)) == 0);
}

static int container(struct reader *r, int object)
{
  size_t t = new_token(r, object ? K_OBJECT : K_ARRAY);
  char close = object ? '}' : ']';
  if(t == (size_t)-1)
    return 0;
  if(++r->depth > MXMC_REF_MAX_DEPTH)
    return failed(r, MXMC_REF_NO_ANSWER);
  r->pos++;
  skip_ws(r);
  if(r->pos < r->len && r->s[r->pos] == close) {
    r->pos++;
  } else {
    for(;;) {
      skip_ws(r);
      if(object) {
        size_t key = r->n_tok;
        if(r->pos >= r->len || r->s[r->pos] != '"' || !string_token(r))
          return failed(r, MXMC_REF_NOT_JSON);
        /* A repeated key: the appendix does not say which member stays. */
        for(size_t k = t + 1; k < key; k = r->tok[k + 1].kind <= K_ARRAY ? r->tok[k + 1].end : k + 2)
          if(same_string(r, &r->tok[k], &r->tok[key]))
            return failed(r, MXMC_REF_NO_ANSWER);
        skip_ws(r);
        if(r->pos >= r->len || r->s[r->pos] != ':')
          return failed(r, MXMC_REF_NOT_JSON);
        r->pos++;
      }
      if(!value(r))
        return 0;
      r->tok[t].count++;
      skip_ws(r);
      if(r->pos < r->len && r->s[r->pos] == ',') {
        r->pos++;
        continue;
      }
      if(r->pos < r->len && r->s[r->pos] == close) {
        r->pos++;
        break;
      }
      return failed(r, MXMC_REF_NOT_JSON);
    }
  }
  r->depth--;
  r->tok[t].end = r->n_tok;
  return 1;
}

static int value(struct reader *r)
{
  skip_ws(r);
  if(r->pos >= r->len)
    return failed(r, MXMC_REF_NOT_JSON);
  switch(r->s[r->pos]) {
  case '{': return container(r, 1);
  case '[': return container(r, 0);
  case '"': return string_token(r);
  case 't': return literal(r, "true", K_TRUE);
  case 'f': return literal(r, "false", K_FALSE);
  case 'n': return literal(r, "null", K_NULL);
  default: return number_token(r);
  }
}

/* ---- writer ---------------------------------------------------------------- */

struct writer {
  char *buf;
  size_t len, cap;
  int nomem;
};

static void put(struct writer *w, const char *s, size_t n)
{
  if(w->nomem)
    return;
  if(w->len + n + 1 > w->cap) {
    size_t cap = w->cap ? w->cap : 256;
    char *b;
    while(cap < w->len + n + 1)
      cap *= 2;
    b = realloc(w->buf, cap);
    if(!b) {
      w->nomem = 1;
      return;
    }
    w->buf = b;
    w->cap = cap;
  }
  memcpy(w->buf + w->len, s, n);
  w->len += n;
  w->buf[w->len] = '\0';
}

static void put_cp(struct writer *w, uint32_t c)
{
  static const char hex[] = "0123456789abcdef";
  char b[8];
  size_t n = 0;
  switch(c) {
  case '"': put(w, "\\\"", 2); return;
  case '\\': put(w, "\\\\", 2); return;
  case 8: put(w, "\\b", 2); return;
  case 12: put(w, "\\f", 2); return;
  case 10: put(w, "\\n", 2); return;
  case 13: put(w, "\\r", 2); return;
  case 9: put(w, "\\t", 2); return;
  default: break;
  }
  if(c < 0x20) {
    char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
    put(w, u, 6);
    return;
  }
  if(c < 0x80) {
    b[n++] = (char)c;
  } else if(c < 0x800) {
    b[n++] = (char)(0xc0 | (c >> 6));
    b[n++] = (char)(0x80 | (c & 0x3f));
  } else if(c < 0x10000) {
    b[n++] = (char)(0xe0 | (c >> 12));
    b[n++] = (char)(0x80 | ((c >> 6) & 0x3f));
    b[n++] = (char)(0x80 | (c & 0x3f));
  } else {
    b[n++] = (char)(0xf0 | (c >> 18));
    b[n++] = (char)(0x80 | ((c >> 12) & 0x3f));
    b[n++] = (char)(0x80 | ((c >> 6) & 0x3f));
    b[n++] = (char)(0x80 | (c & 0x3f));
  }
  put(w, b, n);
}

static void put_string(struct writer *w, const struct reader *r, const struct token *t)
{
  put(w, "\"", 1);
  for(size_t i = 0; i < t->cp_len; i++)
    put_cp(w, r->cp[t->cp_at + i]);
  put(w, "\"", 1);
}

/* Code-point order of two decoded keys. */
static int key_less(const struct reader *r, const struct token *a, const struct token *b)
{
  size_t n = a->cp_len < b->cp_len ? a->cp_len : b->cp_len;
  for(size_t i = 0; i < n; i++)
    if(r->cp[a->cp_at + i] != r->cp[b->cp_at + i])
      return r->cp[a->cp_at + i] < r->cp[b->cp_at + i];
  return a->cp_len < b->cp_len;
}

static size_t after(const struct reader *r, size_t i) { return r->tok[i].kind <= K_ARRAY ? r->tok[i].end : i + 1; }

static int write_value(struct writer *w, const struct reader *r, size_t i)
{
  const struct token *t = &r->tok[i];
  char num[32];
  switch(t->kind) {
  case K_TRUE: put(w, "true", 4); break;
  case K_FALSE: put(w, "false", 5); break;
  case K_NULL: put(w, "null", 4); break;
  case K_STRING: put_string(w, r, t); break;
  case K_INT: {
    /* decimal digits by hand, sign only below zero */
    long long v = t->value;
    size_t n = sizeof(num);
    unsigned long long mag = v < 0 ? (unsigned long long)(-v) : (unsigned long long)v;
    do {
      num[--n] = (char)('0' + mag % 10);
      mag /= 10;
    } while(mag);
    if(v < 0)
      num[--n] = '-';
    put(w, num + n, sizeof(num) - n);
    break;
  }
  case K_ARRAY: {
    size_t k = i + 1;
    put(w, "[", 1);
    for(size_t e = 0; e < t->count; e++, k = after(r, k)) {
      if(e)
        put(w, ",", 1);
      if(!write_value(w, r, k))
        return 0;
    }
    put(w, "]", 1);
    break;
  }
  case K_OBJECT: {
    size_t *keys = t->count ? malloc(t->count * sizeof(*keys)) : NULL, k = i + 1;
    if(t->count && !keys)
      return 0;
    for(size_t m = 0; m < t->count; m++) {
      keys[m] = k;
      k = after(r, k + 1);
    }
    for(size_t m = 1; m < t->count; m++) /* insertion sort by code points */
      for(size_t j = m; j > 0 && key_less(r, &r->tok[keys[j]], &r->tok[keys[j - 1]]); j--) {
        size_t x = keys[j];
        keys[j] = keys[j - 1];
        keys[j - 1] = x;
      }
    put(w, "{", 1);
    for(size_t m = 0; m < t->count; m++) {
      if(m)
        put(w, ",", 1);
      put_string(w, r, &r->tok[keys[m]]);
      put(w, ":", 1);
      if(!write_value(w, r, keys[m] + 1)) {
        free(keys);
        return 0;
      }
    }
    put(w, "}", 1);
    free(keys);
    break;
  }
  }
  return !w->nomem;
}

enum mxmc_ref_result mxmc_ref_canonical(const char *text, size_t len, char **out, size_t *out_len)
{
  struct reader r;
  struct writer w = {NULL, 0, 0, 0};
  enum mxmc_ref_result res;
  memset(&r, 0, sizeof(r));
  r.s = (const unsigned char *)text;
  r.len = len;
  *out = NULL;
  *out_len = 0;
  if(value(&r)) {
    skip_ws(&r);
    if(r.pos != r.len)
      failed(&r, MXMC_REF_NOT_JSON);
  }
  res = r.fail;
  if(res == MXMC_REF_OK) {
    if(write_value(&w, &r, 0)) {
      *out = w.buf;
      *out_len = w.len;
      w.buf = NULL;
    } else {
      res = MXMC_REF_NOMEM;
    }
  }
  free(w.buf);
  free(r.tok);
  free(r.cp);
  return res;
}
