/*
 * json_in.c: the project's only user of json-c (see mxm/json.h).
 *
 * It owns strict parsing (syntax, UTF-8, depth, whole-input, NUL bytes) and
 * the thin accessors over json-c values. It knows nothing about Matrix: typed
 * events are built from these values in event.c.
 *
 * A struct mxm_json * is a json_object * under another name, so no copy is
 * made between json-c and the rest of the library.
 */
#include "mxm/json.h"
#include "json_int.h"

#include <json.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_int.h"

#define JO(j) ((struct json_object *)(j))
#define CJO(j) ((const struct json_object *)(j))
#define MJ(o) ((struct mxm_json *)(o))

/* json-c represents JSON null as a NULL json_object pointer. We need a
 * non-NULL handle so that "present but null" differs from "missing" (NULL),
 * so JSON null is this marker, which is never passed to json-c: every
 * function checks for it first, and the setters translate it back to NULL. */
static const char null_marker_storage;
#define NULLM ((struct mxm_json *)(uintptr_t)&null_marker_storage)
static int is_null_marker(const struct mxm_json *j) { return j == NULLM; }

const char *mxm_json_type_name(enum mxm_json_type type)
{
  switch(type) {
  case MXM_JSON_NULL:
    return "null";
  case MXM_JSON_BOOL:
    return "boolean";
  case MXM_JSON_INT:
    return "integer";
  case MXM_JSON_BIGINT:
    return "big integer";
  case MXM_JSON_DOUBLE:
    return "number";
  case MXM_JSON_STRING:
    return "string";
  case MXM_JSON_ARRAY:
    return "array";
  case MXM_JSON_OBJECT:
    return "object";
  }
  return "unknown";
}

void mxm_json_deterministic(void)
{
  /* json-c otherwise seeds its string hash randomly per process, which makes
   * fuzzers unstable and replays differ (see shared toolchain notes). */
  (void)json_global_set_string_hash(JSON_C_STR_HASH_PERLLIKE);
}

/* Scan an RFC 8259 number starting at p[i]:
 *   -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
 * and return the offset just past it, or 0 if it is not one. json-c accepts
 * "1." and NaN, so the grammar is checked here. */
static size_t scan_number(const unsigned char *p, size_t len, size_t i)
{
#define DIGIT(k) ((k) < len && p[k] >= '0' && p[k] <= '9')
  if(i < len && p[i] == '-')
    i++;
  if(i < len && p[i] == '0')
    i++;
  else if(DIGIT(i)) {
    while(DIGIT(i))
      i++;
  }
  else
    return 0;
  if(i < len && p[i] == '.') {
    i++;
    if(!DIGIT(i))
      return 0;
    while(DIGIT(i))
      i++;
  }
  if(i < len && (p[i] == 'e' || p[i] == 'E')) {
    i++;
    if(i < len && (p[i] == '+' || p[i] == '-'))
      i++;
    if(!DIGIT(i))
      return 0;
    while(DIGIT(i))
      i++;
  }
  /* A leading zero followed by more digits ("01") stops after "0" above;
   * the next character must then be a delimiter, which json-c checks. */
  if(DIGIT(i))
    return 0;
  return i;
#undef DIGIT
}

static int is_literal(const unsigned char *p, size_t n)
{
  return (n == 4 && memcmp(p, "true", 4) == 0) || (n == 5 && memcmp(p, "false", 5) == 0) ||
         (n == 4 && memcmp(p, "null", 4) == 0);
}

/*
 * A byte-level check run before json-c, because json-c 0.16 in strict mode
 * still accepts single-quoted strings, raw control characters inside strings
 * overlong or surrogate UTF-8 sequences, NaN, Infinity and "1.". This enforces RFC 8259 for those
 * points: UTF-8 must be well-formed (RFC 3629: no overlongs, no surrogates,
 * nothing above U+10FFFF), strings use double quotes only, and U+0000-U+001F
 * appear in strings only as escapes, numbers follow the grammar, and the only
 * bare words are true, false and null. Returns 0 and sets *bad to the offending
 * offset and *why to a static reason on failure.
 */
static int prescan(const unsigned char *p, size_t len, size_t *bad, const char **why, struct mxmi_json_stats *stats)
{
  struct mxmi_json_stats t; /* counted locally: the scan stays in registers */
  /* Container stack, to know whether a string is an object key: json-c
   * stores keys as C strings, so a key holding U+0000 would be silently cut
   * short ({"a\u0000b":1} would read as {"a":1}) and every hash and
   * signature over it would be wrong. Keys with U+0000 are refused instead.
   * Nesting beyond the stack is refused by json-c's depth limit anyway. */
  char stack[MXM_JSON_MAX_DEPTH + 2];
  size_t depth = 0;
  int expect_key = 0, in_key = 0;
  size_t i = 0;
  int in_string = 0;
  memset(&t, 0, sizeof(t));
  while(i < len) {
    unsigned char c = p[i];
    if(c < 0x80) {
      if(in_string) {
        if(c == '"') {
          in_string = 0;
          if(in_key)
            expect_key = 0;
          in_key = 0;
        }
        else if(c == '\\') {
          if(in_key && len - i >= 6 && memcmp(p + i + 1, "u0000", 5) == 0) {
            *bad = i;
            *why = "object key contains U+0000 (unsupported: keys are C strings)";
            return 0;
          }
          i++; /* the escaped byte is checked by json-c; skip it */
          if(i < len && p[i] == 'u')
            t.esc_shrink += 5; /* \uXXXX (6 bytes) becomes at least 1 byte */
          else if(i < len && p[i] == '/')
            t.esc_shrink += 1; /* \/ becomes / */
          if(i < len && p[i] >= 0x80)
            continue; /* let the UTF-8 check see a non-ASCII byte */
        }
        else if(c < 0x20) {
          *bad = i;
          *why = "raw control character inside a string (must be escaped)";
          return 0;
        }
      }
      else if(c == '"') {
        in_string = 1;
        in_key = depth > 0 && depth <= sizeof(stack) && stack[depth - 1] == '{' && expect_key;
        t.n_keys += (size_t)in_key;
      }
      else if(c == '{' || c == '[') {
        if(depth < sizeof(stack))
          stack[depth] = (char)c;
        depth++;
        if(depth > t.max_depth)
          t.max_depth = depth;
        expect_key = c == '{';
      }
      else if(c == '}' || c == ']') {
        if(depth > 0)
          depth--;
        expect_key = 0;
      }
      else if(c == ',') {
        expect_key = depth > 0 && depth <= sizeof(stack) && stack[depth - 1] == '{';
        i++;
        continue;
      }
      else if(c == '-' || (c >= '0' && c <= '9')) {
        size_t end = scan_number(p, len, i), k, n;
        int frac = 0;
        if(end == 0) {
          *bad = i;
          *why = "number does not follow the JSON grammar";
          return 0;
        }
        n = end - i;
        for(k = i; k < end; k++)
          frac |= p[k] == '.' || p[k] == 'e' || p[k] == 'E';
        if(frac) {
          /* canonical JSON can write it as "0" (shorter by n - 1) or, in
           * v1-v5, in Python repr form of at most MXMI_JSON_NUMBER_MAX */
          t.n_frac++;
          t.num_shrink += n - 1;
          if(n < MXMI_JSON_NUMBER_MAX)
            t.num_grow += MXMI_JSON_NUMBER_MAX - n;
        } else {
          /* an integer keeps its digits, except "-0" -> "0" and one
           * outside 64 bits, which the plain serialisation (v1-v5) writes
           * saturated, in at most 20 bytes */
          size_t digits = n - (p[i] == '-');
          if(digits >= 16)
            t.n_long_int++;
          if(n == 2 && p[i] == '-' && p[i + 1] == '0')
            t.num_shrink += 1;
          else if(n > 20)
            t.num_shrink += n - 20;
        }
        i = end;
        continue;
      }
      else if((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
        size_t end = i;
        while(end < len && ((p[end] >= 'a' && p[end] <= 'z') || (p[end] >= 'A' && p[end] <= 'Z')))
          end++;
        if(!is_literal(p + i, end - i)) {
          *bad = i;
          *why = "unknown literal (only true, false and null are JSON)";
          return 0;
        }
        i = end;
        continue;
      }
      else if(c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        t.ws++;
      }
      else if(!(c == '{' || c == '}' || c == '[' || c == ']' || c == ',' || c == ':')) {
        *bad = i;
        *why = c == '\'' ? "single quote outside a string (JSON strings use double quotes)"
                         : "character not allowed outside a string";
        return 0;
      }
      i++;
      continue;
    }
    /* Multi-byte UTF-8 sequence: lead byte, then continuation bytes. */
    {
      size_t need;
      uint32_t cp, min;
      size_t k;
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
      else {
        *bad = i;
        *why = "invalid UTF-8 lead byte";
        return 0;
      }
      if(len - i - 1 < need) {
        *bad = i;
        *why = "truncated UTF-8 sequence";
        return 0;
      }
      for(k = 1; k <= need; k++) {
        if((p[i + k] & 0xC0) != 0x80) {
          *bad = i + k;
          *why = "invalid UTF-8 continuation byte";
          return 0;
        }
        cp = (cp << 6) | (p[i + k] & 0x3F);
      }
      if(cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        *bad = i;
        *why = cp < min ? "overlong UTF-8 sequence" : "UTF-8 encodes a surrogate or a code point above U+10FFFF";
        return 0;
      }
      if(!in_string) {
        *bad = i;
        *why = "non-ASCII character outside a string";
        return 0;
      }
      i += need + 1;
    }
  }
  if(stats)
    *stats = t;
  return 1;
}

static int is_json_ws(char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* ---- the single-pass parser ----
 *
 * The usual input (an event, a request line) is parsed here in one pass that
 * checks the grammar, the UTF-8 and the pre-scan's rules while it builds the
 * json-c values, with json-c's own constructors, so the tree is the one
 * json-c would build (duplicate keys: the last value in the first key's
 * place, as json_object_object_add does). It covers only what it can build
 * exactly as json-c does, and gives up on everything else: any error, a
 * number with a fraction or an exponent, an integer of more than 18 digits,
 * a \u escape of a surrogate or (in a key) of U+0000, nesting beyond
 * MXM_JSON_MAX_DEPTH, input beyond INT32_MAX bytes. Giving up is never an
 * answer: the input then goes through the pre-scan and json-c
 * (parse_slow), so every error, its message and offset, and every limit are
 * exactly those of that path. ref/tests/test_json_fast.c checks that both
 * paths agree on every input it makes. */

/* Bytes a string holds as they are: printable ASCII but '"' and '\\'. */
static const unsigned char plain_byte[256] = {
#define P4(a) a, a, a, a
#define P16(a) P4(a), P4(a), P4(a), P4(a)
  P16(0), P16(0), /* 0x00-0x1F: control characters */
  1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x20-0x2F: '"' */
  P16(1), /* 0x30-0x3F */
  P16(1), /* 0x40-0x4F */
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, /* 0x50-0x5F: '\\' */
  P16(1), P16(1), /* 0x60-0x7F */
  P16(0), P16(0), P16(0), P16(0), P16(0), P16(0), P16(0), P16(0) /* 0x80-0xFF */
#undef P16
#undef P4
};

struct fast {
  const unsigned char *p;
  size_t len, i;
  struct mxmi_json_stats t;
  size_t top;
  char buf[2048]; /* scratch, used as a stack: the keys being parsed (each
                     with its NUL), then a string with its escapes decoded */
};

/* Room for n bytes of scratch. The scratch never grows: the fast path
 * allocates nothing of its own (so the allocation-failure hook sees the
 * same points on both paths); a longer key or escaped string gives up. */
static int fast_reserve(const struct fast *f, size_t n)
{
  return n <= sizeof(f->buf);
}

static void fast_ws(struct fast *f)
{
  while(f->i < f->len) {
    unsigned char c = f->p[f->i];
    if(c != ' ' && c != '\n' && c != '\t' && c != '\r')
      break;
    f->t.ws++;
    f->i++;
  }
}

static int hex4(const unsigned char *p, uint32_t *out)
{
  uint32_t v = 0;
  int k;
  for(k = 0; k < 4; k++) {
    unsigned char c = p[k];
    v <<= 4;
    if(c >= '0' && c <= '9')
      v |= (uint32_t)(c - '0');
    else if(c >= 'a' && c <= 'f')
      v |= (uint32_t)(c - 'a' + 10);
    else if(c >= 'A' && c <= 'F')
      v |= (uint32_t)(c - 'A' + 10);
    else
      return 0;
  }
  *out = v;
  return 1;
}

/* The length of the well-formed UTF-8 sequence (RFC 3629) at p[0], or 0. */
static size_t utf8_len(const unsigned char *p, size_t avail)
{
  unsigned char c = p[0];
  size_t need, k;
  uint32_t cp, min;
  if(c >= 0xC2 && c <= 0xDF) {
    need = 1;
    cp = c & 0x1F;
    min = 0x80;
  } else if(c >= 0xE0 && c <= 0xEF) {
    need = 2;
    cp = c & 0x0F;
    min = 0x800;
  } else if(c >= 0xF0 && c <= 0xF4) {
    need = 3;
    cp = c & 0x07;
    min = 0x10000;
  } else {
    return 0;
  }
  if(avail < need + 1)
    return 0;
  for(k = 1; k <= need; k++) {
    if((p[k] & 0xC0) != 0x80)
      return 0;
    cp = (cp << 6) | (p[k] & 0x3F);
  }
  if(cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return need + 1;
}

/* Append code point cp as UTF-8 to the scratch at *o (room reserved). */
static size_t put_utf8(char *o, uint32_t cp)
{
  if(cp < 0x80) {
    o[0] = (char)cp;
    return 1;
  }
  if(cp < 0x800) {
    o[0] = (char)(0xC0 | (cp >> 6));
    o[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if(cp < 0x10000) {
    o[0] = (char)(0xE0 | (cp >> 12));
    o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  o[0] = (char)(0xF0 | (cp >> 18));
  o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  o[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

/* The string whose opening quote is at p[i]. 1 with *s, *n: a value's
 * bytes as they are in the input (no escape: *s points into it) or decoded
 * into the scratch at f->top; a key always goes to the scratch at f->top,
 * NUL-terminated. 0: give up. */
static int fast_string(struct fast *f, int key, const char **s, size_t *n)
{
  const unsigned char *p = f->p;
  size_t i = f->i + 1, start = i, len = f->len, o = f->top, o0 = f->top;
  int decoded = 0; /* an escape was seen: the bytes go to the scratch from there on */
  for(;;) {
    unsigned char c;
    size_t run = i;
    while(i < len && plain_byte[p[i]])
      i++;
    if(i >= len)
      return 0;
    c = p[i];
    if(c >= 0x80) {
      size_t k = utf8_len(p + i, len - i);
      if(!k)
        return 0;
      i += k;
    }
    if(decoded) {
      if(!fast_reserve(f, o + (i - run) + 4)) /* the run, an escape's bytes, the NUL */
        return 0;
      memcpy(f->buf + o, p + run, i - run);
      o += i - run;
    }
    if(c == '"')
      break;
    if(c >= 0x80)
      continue;
    if(c != '\\' || i + 1 >= len)
      return 0; /* a raw control character, or the end */
    if(!decoded) {
      /* the first escape: what came before it, then everything decoded
       * into the scratch */
      if(!fast_reserve(f, o0 + (i - start) + 4))
        return 0;
      memcpy(f->buf + o0, p + start, i - start);
      o = o0 + (i - start);
      decoded = 1;
    }
    c = p[i + 1];
    if(c == 'u') {
      uint32_t cp;
      if(i + 6 > len || !hex4(p + i + 2, &cp))
        return 0;
      if((cp >= 0xD800 && cp <= 0xDFFF) || (key && cp == 0))
        return 0; /* surrogates: json-c's own rules; U+0000 in a key: refused by the slow path */
      o += put_utf8(f->buf + o, cp); /* at most 3 bytes: room was made above */
      f->t.esc_shrink += 5;
      i += 6;
    } else {
      static const char esc_in[] = "\"\\/bfnrt", esc_out[] = "\"\\/\b\f\n\r\t";
      const char *at = memchr(esc_in, c, sizeof(esc_in) - 1);
      if(!at)
        return 0;
      f->buf[o++] = esc_out[at - esc_in];
      f->t.esc_shrink += c == '/'; /* \/ becomes / */
      i += 2;
    }
  }
  if(!decoded && key) {
    if(!fast_reserve(f, o0 + (i - start) + 1))
      return 0;
    memcpy(f->buf + o0, p + start, i - start);
    o = o0 + (i - start);
    decoded = 1;
  }
  if(decoded) {
    f->buf[o] = '\0';
    *s = f->buf + o0;
    *n = o - o0;
  } else {
    *s = (const char *)p + start;
    *n = i - start;
  }
  f->i = i + 1;
  return 1;
}

/* An integer of at most 18 digits at p[i] (the grammar's: no leading zero);
 * 0 to give up. */
static int fast_int(struct fast *f, int64_t *v)
{
  const unsigned char *p = f->p;
  size_t i = f->i, len = f->len, d0;
  int neg = 0;
  int64_t x = 0;
  if(p[i] == '-') {
    neg = 1;
    i++;
  }
  d0 = i;
  if(i < len && p[i] == '0')
    i++;
  else
    while(i < len && p[i] >= '0' && p[i] <= '9') {
      if(i - d0 == 18)
        return 0; /* more than 18 digits: 10^18 <= |x|, too near the edge of int64 */
      x = x * 10 + (p[i++] - '0');
    }
  /* no digit, a digit after a leading zero, a fraction, an exponent */
  if(i == d0 || (i < len && ((p[i] >= '0' && p[i] <= '9') || p[i] == '.' || p[i] == 'e' || p[i] == 'E')))
    return 0;
  if(i - d0 >= 16)
    f->t.n_long_int++;
  if(neg && i - d0 == 1 && p[d0] == '0')
    f->t.num_shrink += 1; /* "-0" is written "0" */
  *v = neg ? -x : x;
  f->i = i;
  return 1;
}

/* The object keys Matrix events and adapter requests use most, by length
 * (known_from[n] is the first of length n): parsed, they are handed to json-c
 * as constants (JSON_C_OBJECT_KEY_IS_CONSTANT), so json-c neither copies nor
 * frees them. The same key string, the same tree: only who owns the key's
 * bytes differs. */
static const char *const known_keys[] = {
  "id", "age", "ban", "via", "body", "call", "kick", "mxid", "room", "type", "allow", "depth", "event", "state",
  "steps", "token", "users", "age_ts", "caller", "events", "hashes", "invite", "origin", "reason", "redact",
  "sender", "sha256", "signed", "target", "content", "creator", "redacts", "room_id", "endpoint", "event_id",
  "unsigned", "is_direct", "join_rule", "state_key", "avatar_url", "event_text", "m.federate", "membership",
  "prev_state", "public_key", "signatures", "auth_events", "displayname", "prev_events", "public_keys",
  "server_keys", "display_name", "other_events", "prev_content", "room_version", "spec_release",
  "notifications", "state_default", "users_default", "events_default", "replaces_state", "key_validity_url",
  "origin_server_ts", "check_auth_events", "history_visibility", "third_party_invite", "additional_creators",
  "join_authorised_via_users_server"};
static const unsigned char known_from[] = {
  0, 0, 0, 1, 4, 10, 17, 29, 33, 36, 39, 46, 51, 56, 59, 61, 61, 63, 64, 66, 67, 67, 67, 67, 67, 67,
  67, 67, 67, 67, 67, 67, 67, 68};

/* The constant for key k of n bytes, or NULL. */
static const char *known_key(const char *k, size_t n)
{
  size_t i;
  if(n + 1 >= sizeof(known_from))
    return NULL;
  for(i = known_from[n]; i < known_from[n + 1]; i++)
    if(memcmp(k, known_keys[i], n) == 0)
      return known_keys[i];
  return NULL;
}

/* One value at p[i] (no whitespace before it). 1 with *out (NULL for JSON
 * null), 0 to give up (nothing is left allocated). */
static int fast_value(struct fast *f, size_t depth, struct json_object **out)
{
  const unsigned char *p = f->p;
  size_t len = f->len;
  unsigned char c;
  *out = NULL;
  if(f->i >= len)
    return 0;
  c = p[f->i];
  if(c == '{' || c == '[') {
    struct json_object *o;
    if(++depth > MXM_JSON_MAX_DEPTH)
      return 0;
    if(depth > f->t.max_depth)
      f->t.max_depth = depth;
    o = c == '{' ? json_object_new_object() : json_object_new_array();
    if(!o)
      return 0;
    f->i++;
    fast_ws(f);
    if(f->i < len && p[f->i] == (c == '{' ? '}' : ']')) {
      f->i++;
      *out = o;
      return 1;
    }
    for(;;) {
      struct json_object *v;
      if(c == '{') {
        const char *k;
        size_t kn, at = f->top;
        int added;
        if(f->i >= len || p[f->i] != '"' || !fast_string(f, 1, &k, &kn))
          goto fail;
        f->t.n_keys++;
        /* the key stays on the scratch while its value is parsed (the
         * scratch may move: it is found again by its offset) */
        f->top = at + kn + 1;
        fast_ws(f);
        if(f->i >= len || p[f->i] != ':' || (f->i++, fast_ws(f), !fast_value(f, depth, &v))) {
          f->top = at;
          goto fail;
        }
        f->top = at;
        {
          const char *known = known_key(f->buf + at, kn);
          /* json-c copies any other key */
          added = (known ? json_object_object_add_ex(o, known, v, JSON_C_OBJECT_KEY_IS_CONSTANT)
                         : json_object_object_add(o, f->buf + at, v)) == 0;
        }
        if(!added) {
          json_object_put(v);
          goto fail;
        }
      } else {
        if(!fast_value(f, depth, &v))
          goto fail;
        if(json_object_array_add(o, v) != 0) {
          json_object_put(v);
          goto fail;
        }
      }
      fast_ws(f);
      if(f->i >= len)
        goto fail;
      if(p[f->i] == ',') {
        f->i++;
        fast_ws(f);
        continue;
      }
      if(p[f->i] == (c == '{' ? '}' : ']')) {
        f->i++;
        *out = o;
        return 1;
      }
      goto fail;
    }
  fail:
    json_object_put(o);
    return 0;
  }
  if(c == '"') {
    const char *s;
    size_t n;
    if(!fast_string(f, 0, &s, &n))
      return 0;
    *out = json_object_new_string_len(s, (int)n);
    return *out != NULL;
  }
  if(c == '-' || (c >= '0' && c <= '9')) {
    int64_t v;
    if(!fast_int(f, &v))
      return 0;
    *out = json_object_new_int64(v);
    return *out != NULL;
  }
  if(c == 't' && len - f->i >= 4 && memcmp(p + f->i, "true", 4) == 0) {
    f->i += 4;
    *out = json_object_new_boolean(1);
    return *out != NULL;
  }
  if(c == 'f' && len - f->i >= 5 && memcmp(p + f->i, "false", 5) == 0) {
    f->i += 5;
    *out = json_object_new_boolean(0);
    return *out != NULL;
  }
  if(c == 'n' && len - f->i >= 4 && memcmp(p + f->i, "null", 4) == 0) {
    f->i += 4;
    return 1;
  }
  return 0;
}

/* 1 with *out (NULLM for a top-level null) and *stats; 0 to give up. */
static int parse_fast(const char *buf, size_t len, struct mxm_json **out, struct mxmi_json_stats *stats)
{
  struct fast f;
  struct json_object *obj = NULL;
  int ok;
  memset(&f.t, 0, sizeof(f.t));
  f.p = (const unsigned char *)buf;
  f.len = len;
  f.i = 0;
  f.top = 0;
  fast_ws(&f);
  ok = fast_value(&f, 0, &obj);
  if(ok) {
    fast_ws(&f);
    ok = f.i == len;
  }
  if(!ok) {
    json_object_put(obj);
    return 0;
  }
  if(stats)
    *stats = f.t;
  *out = obj ? MJ(obj) : NULLM;
  return 1;
}

/* The pre-scan, then json-c: the path that reports every error. */
static enum mxm_status parse_slow(const char *buf, size_t len, struct mxm_json **out, struct mxmi_json_stats *stats,
                                  struct mxm_error *err)
{
  struct json_tokener *tok = NULL;
  struct json_object *obj = NULL;
  enum json_tokener_error jerr;
  size_t end;
  enum mxm_status st = MXM_OK;

  {
    size_t bad = 0;
    const char *why = NULL;
    if(!prescan((const unsigned char *)buf, len, &bad, &why, stats))
      return mxm_error_set(err, MXM_E_MALFORMED, "", "%s at byte offset %zu", why, bad);
  }

  tok = mxmi_alloc_fails() ? NULL : json_tokener_new_ex(MXM_JSON_MAX_DEPTH);
  if(!tok)
    return mxm_error_set(err, MXM_E_NOMEM, "", "out of memory creating the JSON tokenizer");
  json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);

  /* json-c allocates every value it parses; the hook fails the whole
   * parse as one allocation point (json-c 0.16 reports its own
   * out-of-memory only as a NULL result, which the checks below see). */
  if(mxmi_alloc_fails()) {
    st = mxm_error_set(err, MXM_E_NOMEM, "", "out of memory parsing JSON");
    goto fail;
  }
  obj = json_tokener_parse_ex(tok, buf, (int)len);
  jerr = json_tokener_get_error(tok);
  end = json_tokener_get_parse_end(tok);
  if(jerr == json_tokener_continue) {
    /* A top-level number or literal ends only at a delimiter, which json-c
     * waits for. Feed one space: it completes such a value and cannot
     * complete anything that is really truncated. */
    obj = json_tokener_parse_ex(tok, " ", 1);
    jerr = json_tokener_get_error(tok);
    end = len;
  }
  if(jerr == json_tokener_continue) {
    st = mxm_error_set(err, MXM_E_MALFORMED, "", "unexpected end of input after %zu bytes", len);
    goto fail;
  }
  if(jerr != json_tokener_success) {
    enum mxm_status code = MXM_E_MALFORMED;
    if(jerr == json_tokener_error_depth)
      code = MXM_E_TOO_BIG;
    st = mxm_error_set(err, code, "", "%s at byte offset %zu",
                       json_tokener_error_desc(jerr), end);
    goto fail;
  }
  /* The value must be the whole input: only whitespace may follow it. */
  while(end < len && is_json_ws(buf[end]))
    end++;
  if(end != len) {
    st = mxm_error_set(err, MXM_E_MALFORMED, "", "unexpected data after the JSON value at byte offset %zu", end);
    goto fail;
  }
  json_tokener_free(tok);
  *out = obj ? MJ(obj) : NULLM; /* a top-level JSON null */
  return MXM_OK;

fail:
  json_object_put(obj);
  json_tokener_free(tok);
  return st;
}


enum mxm_status mxm_json_parse(const char *buf, size_t len, struct mxm_json **out,
                               struct mxm_error *err)
{
  return mxmi_json_parse_stats(buf, len, out, NULL, err);
}

enum mxm_status mxm_json_parse_bound(const char *buf, size_t len, struct mxm_json **out, size_t *size_bound,
                                     struct mxm_error *err)
{
  struct mxmi_json_stats stats;
  enum mxm_status st = mxmi_json_parse_stats(buf, len, out, &stats, err);
  if(size_bound)
    *size_bound = st == MXM_OK ? len + stats.num_grow : 0;
  return st;
}

/* The checks both paths share; 1 to go on. */
static int parse_checks(const char *buf, size_t len, struct mxm_json **out, struct mxm_error *err,
                        enum mxm_status *st)
{
  const char *nul;
  *st = MXM_OK;
  if(!out) {
    *st = mxm_error_set(err, MXM_E_USAGE, "", "no output pointer");
    return 0;
  }
  *out = NULL;
  if(!buf && len)
    *st = mxm_error_set(err, MXM_E_USAGE, "", "NULL buffer with non-zero length");
  else if(len == 0)
    *st = mxm_error_set(err, MXM_E_MALFORMED, "", "empty input: expected a JSON value");
  else if(len > (size_t)INT32_MAX)
    *st = mxm_error_set(err, MXM_E_TOO_BIG, "", "input of %zu bytes is too large to parse", len);
  /* A raw NUL byte is never valid JSON (control characters must be escaped
   * inside strings), and json-c would treat it as end of input. */
  else if((nul = memchr(buf, '\0', len)) != NULL)
    *st = mxm_error_set(err, MXM_E_MALFORMED, "", "NUL byte at offset %zu", (size_t)(nul - buf));
  return *st == MXM_OK;
}

enum mxm_status mxmi_json_parse_stats(const char *buf, size_t len, struct mxm_json **out,
                                      struct mxmi_json_stats *stats, struct mxm_error *err)
{
  enum mxm_status st;
  if(!parse_checks(buf, len, out, err, &st))
    return st;
  if(parse_fast(buf, len, out, stats)) {
    /* the same two allocation points as the slow path's tokenizer and parse */
    if(mxmi_alloc_fails()) {
      mxm_json_free(out);
      return mxm_error_set(err, MXM_E_NOMEM, "", "out of memory creating the JSON tokenizer");
    }
    if(mxmi_alloc_fails()) {
      mxm_json_free(out);
      return mxm_error_set(err, MXM_E_NOMEM, "", "out of memory parsing JSON");
    }
    return MXM_OK;
  }
  return parse_slow(buf, len, out, stats, err);
}

enum mxm_status mxmi_json_parse_slow(const char *buf, size_t len, struct mxm_json **out,
                                     struct mxmi_json_stats *stats, struct mxm_error *err)
{
  enum mxm_status st;
  if(!parse_checks(buf, len, out, err, &st))
    return st;
  return parse_slow(buf, len, out, stats, err);
}

enum mxm_status mxmi_json_parse_jsonc(const char *buf, size_t len, struct mxm_json **out)
{
  struct json_tokener *tok;
  struct json_object *obj;
  enum json_tokener_error jerr;
  *out = NULL;
  if(len > (size_t)INT32_MAX || !(tok = json_tokener_new_ex(MXM_JSON_MAX_DEPTH)))
    return MXM_E_NOMEM;
  json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
  obj = json_tokener_parse_ex(tok, buf, (int)len);
  jerr = json_tokener_get_error(tok);
  if(jerr == json_tokener_continue) {
    obj = json_tokener_parse_ex(tok, " ", 1);
    jerr = json_tokener_get_error(tok);
  }
  json_tokener_free(tok);
  if(jerr != json_tokener_success) {
    json_object_put(obj);
    return MXM_E_MALFORMED;
  }
  *out = obj ? MJ(obj) : NULLM;
  return MXM_OK;
}

void mxm_json_free(struct mxm_json **jp)
{
  if(jp && *jp) {
    if(!is_null_marker(*jp))
      json_object_put(JO(*jp));
    *jp = NULL;
  }
}

struct mxm_json *mxm_json_ref(const struct mxm_json *j)
{
  /* json-c reference counts are part of the object; adding an owner is a
   * logical, not a semantic, mutation of a borrowed value. */
  if(!j || is_null_marker(j))
    return (struct mxm_json *)(uintptr_t)j;
  return MJ(json_object_get(JO((uintptr_t)j)));
}

enum mxm_json_type mxm_json_type(const struct mxm_json *j)
{
  if(!j || is_null_marker(j))
    return MXM_JSON_NULL;
  switch(json_object_get_type(CJO(j))) {
  case json_type_null:
    return MXM_JSON_NULL;
  case json_type_boolean:
    return MXM_JSON_BOOL;
  case json_type_double:
    return MXM_JSON_DOUBLE;
  case json_type_int:
    /* json-c stores integers above INT64_MAX as uint64; below INT64_MIN it
     * saturates (see mxm_json_parse tests). Report both as big. */
    if(json_object_get_uint64(CJO(j)) > (uint64_t)INT64_MAX)
      return MXM_JSON_BIGINT;
    {
      int64_t v = json_object_get_int64(CJO(j));
      if(v == INT64_MIN || v == INT64_MAX) {
        /* Saturated or exactly at the edge: both are outside every
         * range Matrix accepts (|v| <= 2^53-1), so calling them big is
         * safe and keeps the saturation from passing as a real value. */
        return MXM_JSON_BIGINT;
      }
    }
    return MXM_JSON_INT;
  case json_type_string:
    return MXM_JSON_STRING;
  case json_type_array:
    return MXM_JSON_ARRAY;
  case json_type_object:
    return MXM_JSON_OBJECT;
  }
  return MXM_JSON_NULL;
}

const struct mxm_json *mxm_json_get(const struct mxm_json *j, const char *key)
{
  struct json_object *v = NULL;
  if(!key || mxm_json_type(j) != MXM_JSON_OBJECT)
    return NULL;
  if(!json_object_object_get_ex(CJO(j), key, &v))
    return NULL;
  return v ? MJ(v) : NULLM;
}

const char *mxm_json_string_len(const struct mxm_json *j, size_t *len)
{
  if(mxm_json_type(j) != MXM_JSON_STRING)
    return NULL;
  if(len)
    *len = (size_t)json_object_get_string_len(CJO(j));
  return json_object_get_string(JO((uintptr_t)j));
}

const char *mxm_json_string(const struct mxm_json *j)
{
  return mxm_json_string_len(j, NULL);
}

int mxm_json_int(const struct mxm_json *j, int64_t *out)
{
  if(mxm_json_type(j) != MXM_JSON_INT)
    return 0;
  *out = json_object_get_int64(CJO(j));
  return 1;
}

int mxm_json_number(const struct mxm_json *j, double *out)
{
  enum mxm_json_type t = mxm_json_type(j);
  if(t != MXM_JSON_INT && t != MXM_JSON_DOUBLE)
    return 0;
  *out = json_object_get_double(CJO(j));
  return 1;
}

int mxm_json_bool(const struct mxm_json *j, int *out)
{
  if(mxm_json_type(j) != MXM_JSON_BOOL)
    return 0;
  *out = json_object_get_boolean(CJO(j)) ? 1 : 0;
  return 1;
}

size_t mxm_json_array_len(const struct mxm_json *j)
{
  if(mxm_json_type(j) != MXM_JSON_ARRAY)
    return 0;
  return json_object_array_length(CJO(j));
}

const struct mxm_json *mxm_json_array_get(const struct mxm_json *j, size_t i)
{
  struct json_object *v;
  if(i >= mxm_json_array_len(j))
    return NULL;
  v = json_object_array_get_idx(CJO(j), i);
  return v ? MJ(v) : NULLM;
}

size_t mxm_json_object_len(const struct mxm_json *j)
{
  if(mxm_json_type(j) != MXM_JSON_OBJECT)
    return 0;
  return (size_t)json_object_object_length(CJO(j));
}

int mxm_json_object_foreach(const struct mxm_json *j, mxm_json_member_fn fn, void *ctx)
{
  struct lh_entry *e;
  if(mxm_json_type(j) != MXM_JSON_OBJECT)
    return 0;
  for(e = json_object_get_object(CJO(j))->head; e; e = e->next) {
    const char *key = (const char *)lh_entry_k(e);
    struct json_object *v = (struct json_object *)lh_entry_v(e);
    const struct mxm_json *val = v ? MJ(v) : NULLM;
    int rc = fn(key, strlen(key), val, ctx);
    if(rc)
      return rc;
  }
  return 0;
}

/* --- building (each json-c constructor is one allocation point) --- */
#define NEW_OR_NULL(call) (mxmi_alloc_fails() ? NULL : MJ(call))
struct mxm_json *mxm_json_new_object(void) { return NEW_OR_NULL(json_object_new_object()); }
struct mxm_json *mxm_json_new_array(void) { return NEW_OR_NULL(json_object_new_array()); }
struct mxm_json *mxm_json_new_string(const char *s) { return s ? NEW_OR_NULL(json_object_new_string(s)) : NULL; }
struct mxm_json *mxm_json_new_string_len(const char *s, size_t len)
{
  if(!s || len > (size_t)INT32_MAX)
    return NULL;
  return NEW_OR_NULL(json_object_new_string_len(s, (int)len));
}
struct mxm_json *mxm_json_new_int(int64_t v) { return NEW_OR_NULL(json_object_new_int64(v)); }
struct mxm_json *mxm_json_new_double(double v) { return NEW_OR_NULL(json_object_new_double(v)); }
struct mxm_json *mxm_json_new_bool(int v) { return NEW_OR_NULL(json_object_new_boolean(v ? 1 : 0)); }
#undef NEW_OR_NULL

struct mxm_json *mxm_json_new_null(void) { return NULLM; }

static struct json_object *to_jo(struct mxm_json *val)
{
  return (!val || is_null_marker(val)) ? NULL : JO(val);
}

enum mxm_status mxm_json_object_set(struct mxm_json *obj, const char *key, struct mxm_json *val)
{
  struct json_object *v = to_jo(val);
  if(!obj || !key || mxm_json_type(obj) != MXM_JSON_OBJECT) {
    json_object_put(v);
    return MXM_E_USAGE;
  }
  if(!val)
    return MXM_E_NOMEM; /* the value failed to allocate */
  if(mxmi_alloc_fails() || json_object_object_add(JO(obj), key, v) != 0) {
    json_object_put(v);
    return MXM_E_NOMEM;
  }
  return MXM_OK;
}

void mxm_json_object_del(struct mxm_json *obj, const char *key)
{
  if(obj && key && mxm_json_type(obj) == MXM_JSON_OBJECT)
    json_object_object_del(JO(obj), key);
}

enum mxm_status mxm_json_array_add(struct mxm_json *arr, struct mxm_json *val)
{
  struct json_object *v = to_jo(val);
  if(!arr || mxm_json_type(arr) != MXM_JSON_ARRAY) {
    json_object_put(v);
    return MXM_E_USAGE;
  }
  if(!val)
    return MXM_E_NOMEM;
  if(mxmi_alloc_fails() || json_object_array_add(JO(arr), v) != 0) {
    json_object_put(v);
    return MXM_E_NOMEM;
  }
  return MXM_OK;
}

struct mxm_json *mxm_json_get_mut(struct mxm_json *j, const char *key)
{
  return (struct mxm_json *)(uintptr_t)mxm_json_get(j, key);
}

struct mxm_json *mxm_json_array_get_mut(struct mxm_json *j, size_t i)
{
  return (struct mxm_json *)(uintptr_t)mxm_json_array_get(j, i);
}

struct mxm_json *mxm_json_copy(const struct mxm_json *j)
{
  struct json_object *dst = NULL;
  if(!j || is_null_marker(j))
    return mxm_json_new_null();
  if(mxmi_alloc_fails() || json_object_deep_copy(JO((uintptr_t)j), &dst, NULL) != 0)
    return NULL;
  return MJ(dst);
}

char *mxm_json_to_string(const struct mxm_json *j, size_t *len_out)
{
  size_t n = 0;
  const char *s;
  char *copy;
  struct json_object *o = (j && !is_null_marker(j)) ? JO((uintptr_t)j) : NULL;
  if(mxmi_alloc_fails())
    return NULL; /* json-c's print buffer */
  s = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);
  if(!s)
    return NULL;
  copy = mxmi_malloc(n + 1);
  if(!copy)
    return NULL;
  memcpy(copy, s, n);
  copy[n] = '\0';
  if(len_out)
    *len_out = n;
  return copy;
}
