/*
 * test_size_check.c: the event size limit (C-S "Size limits": 65536 bytes
 * of canonical JSON, 65535 in the r0 texts) decided from the raw text
 * without encoding, as event.c's check_size proves it may be.
 *
 * Three parts:
 *   1. The claim itself, on random texts of every kind the parser accepts
 *      (whitespace, every escape, raw UTF-8, integers of every length and
 *      beyond 64 bits, "-0", fractions and exponents that canonical JSON
 *      shortens or lengthens, 1e400, repeated keys, nesting): with the
 *      parser's counts, R - W - E - N <= C <= R + G, where C is measured
 *      here by the real encoder (or the plain form for a v1-v5 event the lax
 *      encoder refuses), the left side only without repeated keys.
 *   2. Boundary cases, each at 65536 and 65537 bytes (and 65535/65536 for
 *      r0): compact text, whitespace, \u escapes that shrink, \u00XX that do
 *      not, \/, numbers that grow (v1-v5) or are refused (v6+), big
 *      integers, "-0", a repeated key, a tree without text.
 *   3. Random events near the limit: the verdict of mxm_event_parse equals
 *      the one computed here by encoding.
 *   4. Bounds of a part (mxm_json_parse_bound of a text holding the event,
 *      as the adapter's state loads use): C <= the part's length plus the
 *      whole's G, and mxm_state_load_json_bounds decides as if it measured.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event_int.h"
#include "json_int.h"
#include "mxm/mxm.h"
#include "tap.h"

#define LIMIT MXM_MAX_EVENT_BYTES

/* ---- a deterministic generator ---- */

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static unsigned rnd(unsigned n)
{
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return n ? (unsigned)(rng % n) : 0;
}

struct buf {
  char *p;
  size_t len, cap;
};
static void add(struct buf *b, const char *s, size_t n)
{
  if(b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while(b->len + n + 1 > cap)
      cap *= 2;
    b->p = realloc(b->p, cap);
    if(!b->p)
      exit(3);
    b->cap = cap;
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
}
static void adds(struct buf *b, const char *s) { add(b, s, strlen(s)); }

static void ws(struct buf *b)
{
  static const char *const w[] = {"", "", "", " ", "\n", "\t", "\r\n  ", "    "};
  adds(b, w[rnd(8)]);
}

static void string_body(struct buf *b, int key)
{
  static const char *const pieces[] = {
    "a", "xyz", "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t", "\\u0041", "\\u00e9", "\\u20AC",
    "\\u0001", "\\u001f", "\\u0008", "\\u0022", "\\u005c", "\\u007f", "\\ud83d\\ude00", "\\ud800", "\\udc00x",
    "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\x7f", "~", "/", " ",
  };
  unsigned n = rnd(6), i;
  for(i = 0; i < n; i++) {
    const char *p = pieces[rnd(sizeof(pieces) / sizeof(pieces[0]))];
    if(key && strcmp(p, "\\ud800") == 0)
      p = "k";
    adds(b, p);
  }
}

static void number(struct buf *b)
{
  static const char *const nums[] = {
    "0", "-0", "1", "-1", "42", "9007199254740991", "-9007199254740991", "9007199254740992",
    "9223372036854775807", "-9223372036854775808", "9223372036854775808", "-9223372036854775809",
    "18446744073709551615", "18446744073709551616", "123456789012345678901234567890",
    "-123456789012345678901234567890", "1.5", "-2.25", "0.1", "1e15", "1E15", "-1e15", "1e16", "1e22",
    "1e-7", "1e-4", "1.23456789e-4", "5e-324", "1e400", "-1e400", "1.0", "-0.0", "0.000001", "1.5e1",
    "2.5E+3", "0e0", "1.0000000000000001", "4599627370495705.5", "123456789012345678.5", "1e-909",
    /* the longest growths: fixed notation with zeros, a 2-digit exponent */
    "-9e15", "9.1e15", "-9.1e15", "1.5e15", "-1e-4", "-1.5e-4", "1.2345678901234567e-5",
    "-1.2345678901234567e-5", "1.7976931348623157e308", "-2.2250738585072014e-308", "-5e-310",
  };
  adds(b, nums[rnd(sizeof(nums) / sizeof(nums[0]))]);
}

static void value(struct buf *b, int depth);

static void object(struct buf *b, int depth)
{
  unsigned n = rnd(5), i;
  char key[32];
  adds(b, "{");
  for(i = 0; i < n; i++) {
    if(i)
      adds(b, ",");
    ws(b);
    adds(b, "\"");
    if(rnd(4) == 0) {
      snprintf(key, sizeof(key), "k%u", rnd(3)); /* repeated keys, sometimes */
      adds(b, key);
    } else {
      string_body(b, 1);
      snprintf(key, sizeof(key), "_%u", i); /* distinct otherwise */
      adds(b, key);
    }
    adds(b, "\"");
    ws(b);
    adds(b, ":");
    ws(b);
    value(b, depth + 1);
    ws(b);
  }
  adds(b, "}");
}

static void value(struct buf *b, int depth)
{
  unsigned k = rnd(depth > 4 ? 5 : 7), i, n;
  switch(k) {
  case 0:
    adds(b, rnd(3) == 0 ? "true" : rnd(2) ? "false" : "null");
    break;
  case 1:
  case 2:
    number(b);
    break;
  case 3:
  case 4:
    adds(b, "\"");
    string_body(b, 0);
    adds(b, "\"");
    break;
  case 5:
    n = rnd(4);
    adds(b, "[");
    for(i = 0; i < n; i++) {
      if(i)
        adds(b, ",");
      ws(b);
      value(b, depth + 1);
      ws(b);
    }
    adds(b, "]");
    break;
  default:
    object(b, depth);
  }
}

/* An event: the common fields, a random content, then a padding string of
 * pad bytes of padding (pad_piece repeated). */
static void event_text(struct buf *b, const char *pad_piece, size_t pad_count)
{
  size_t i;
  b->len = 0;
  adds(b, "{");
  ws(b);
  adds(b, "\"type\":\"m.room.message\",\"sender\":\"@a:example.org\",\"room_id\":\"!r:example.org\",");
  ws(b);
  adds(b, "\"event_id\":\"$e:example.org\",\"content\":");
  object(b, 1);
  adds(b, ",\"pad\":\"");
  for(i = 0; i < pad_count; i++)
    adds(b, pad_piece);
  adds(b, "\"");
  ws(b);
  adds(b, "}");
  ws(b);
}

/* ---- the measure the limit is on, computed the long way ---- */

static int measure(const struct mxm_json *j, const struct mxm_room_version *rv, size_t *len)
{
  char *out = NULL;
  enum mxm_status st = mxm_canonical_encode(j, mxm_canon_mode_for(rv), &out, len, NULL);
  free(out);
  if(st == MXM_E_MALFORMED && !rv->strict_canonical) {
    out = mxm_json_to_string(j, len);
    free(out);
    return out != NULL;
  }
  return st == MXM_OK;
}

static size_t members(const struct mxm_json *j);
static int members_cb(const char *k, size_t kl, const struct mxm_json *v, void *ctx)
{
  (void)k;
  (void)kl;
  *(size_t *)ctx += 1 + members(v);
  return 0;
}
static size_t members(const struct mxm_json *j)
{
  size_t n = 0, i;
  if(mxm_json_type(j) == MXM_JSON_OBJECT)
    (void)mxm_json_object_foreach(j, members_cb, &n);
  for(i = 0; i < mxm_json_array_len(j); i++)
    n += members(mxm_json_array_get(j, i));
  return n;
}

/* ---- 1. the claim ---- */

static void test_bounds(void)
{
  static const char *const versions[] = {"1", "4", "5", "6", "10", "12"};
  struct buf b = {0};
  size_t i, checked = 0, lower_checked = 0, bad_hi = 0, bad_lo = 0, parts = 0, bad_part = 0;
  for(i = 0; i < 20000; i++) {
    const struct mxm_room_version *rv = mxm_room_version_find(versions[i % 6]);
    struct mxm_json *j = NULL;
    struct mxmi_json_stats st;
    size_t c, hi, lo, slack;
    event_text(&b, "p", rnd(40));
    if(mxmi_json_parse_stats(b.p, b.len, &j, &st, NULL) != MXM_OK) {
      tap_check(0, "generated text parses", "%s", b.p);
      continue;
    }
    if(!measure(j, rv, &c)) {
      mxm_json_free(&j); /* strict rooms refuse such numbers before the size check */
      continue;
    }
    hi = b.len + st.num_grow;
    slack = st.ws + st.esc_shrink + st.num_shrink;
    lo = b.len > slack ? b.len - slack : 0;
    checked++;
    if(c > hi && bad_hi++ < 5)
      tap_check(0, "C <= R + G", "v%s C=%zu R=%zu G=%zu: %s", rv->id, c, b.len, st.num_grow, b.p);
    {
      /* the same event as an element of an array, after another one: its
       * text's length plus the whole array's G bounds it too */
      struct buf arr = {0};
      struct mxm_json *a = NULL;
      size_t whole = 0;
      adds(&arr, "[{\"n\":[1e-7,2.5]} ,");
      add(&arr, b.p, b.len);
      adds(&arr, "]");
      if(mxm_json_parse_bound(arr.p, arr.len, &a, &whole, NULL) == MXM_OK && whole >= arr.len) {
        size_t part = b.len + (whole - arr.len), c2 = 0;
        if(measure(mxm_json_array_get(a, 1), rv, &c2) && c2 > part && bad_part++ < 5)
          tap_check(0, "C <= part length + G of the whole", "v%s C=%zu part=%zu: %s", rv->id, c2, part, b.p);
        parts++;
      } else if(bad_part++ < 5) {
        tap_check(0, "the array parses with a bound", "%s", arr.p);
      }
      mxm_json_free(&a);
      free(arr.p);
    }
    if(members(j) == st.n_keys) {
      lower_checked++;
      if(c < lo && bad_lo++ < 5)
        tap_check(0, "R - W - E - N <= C", "v%s C=%zu lo=%zu: %s", rv->id, c, lo, b.p);
    }
    mxm_json_free(&j);
  }
  tap_check(bad_hi == 0, "C <= R + G on every generated event", "%zu of %zu", bad_hi, checked);
  tap_check(bad_lo == 0, "R - W - E - N <= C on every one without a repeated key", "%zu of %zu", bad_lo,
            lower_checked);
  tap_check(checked > 10000 && lower_checked > 3000, "enough events were measured", "%zu, %zu", checked,
            lower_checked);
  tap_check(bad_part == 0 && parts == checked, "C <= part length + G of the whole on every one", "%zu bad of %zu",
            bad_part, parts);
  free(b.p);
}

/* ---- 2. boundaries ---- */

/* {"type":...,"sender":...,"room_id":...,"content":{},"pad":"<pad>"} with
 * `head` inserted before "pad" (a member with its comma, or ""), the pad
 * made of `piece` (canonical length piece_canon each), so that the event is
 * exactly `target` bytes as canonical JSON. tail_ws bytes of spaces follow
 * the closing brace. */
static char *boundary_text(const char *head, const char *piece, size_t piece_canon, size_t target, size_t tail_ws,
                           size_t *len)
{
  static const char fixed[] = "{\"content\":{},\"event_id\":\"$e:example.org\",\"pad\":\"\",\"room_id\":\"!r:example.org\","
                              "\"sender\":\"@a:example.org\",\"type\":\"m.room.message\"}";
  struct buf b = {0};
  size_t base = sizeof(fixed) - 1, head_canon = 0, n, rest, i;
  struct mxm_json *h = NULL;
  /* the canonical length of head's member, measured by the encoder */
  if(*head) {
    char tmp[512];
    char *out = NULL;
    snprintf(tmp, sizeof(tmp), "{%s\"z\":0}", head);
    if(mxm_json_parse(tmp, strlen(tmp), &h, NULL) == MXM_OK &&
       (mxm_canonical_encode(h, MXM_CANON_LAX, &out, &head_canon, NULL) == MXM_OK ||
        (out = mxm_json_to_string(h, &head_canon)) != NULL))
      head_canon -= 7; /* {"z":0} */
    free(out);
    mxm_json_free(&h);
  }
  if(target < base + head_canon)
    return NULL;
  /* n pieces, then single "a"s for what is left */
  n = (target - base - head_canon) / piece_canon;
  rest = (target - base - head_canon) % piece_canon;
  adds(&b, "{\"type\":\"m.room.message\",\"sender\":\"@a:example.org\",\"room_id\":\"!r:example.org\","
           "\"event_id\":\"$e:example.org\",\"content\":{},");
  adds(&b, head);
  adds(&b, "\"pad\":\"");
  for(i = 0; i < n; i++)
    adds(&b, piece);
  for(i = 0; i < rest; i++)
    adds(&b, "a");
  adds(&b, "\"}");
  for(i = 0; i < tail_ws; i++)
    adds(&b, " ");
  *len = b.len;
  return b.p;
}

struct bcase {
  const char *name;
  const char *version;
  const char *head;  /* extra member before the pad, with its comma */
  const char *piece; /* pad piece */
  size_t piece_canon;
  size_t tail_ws;
};

static void test_boundaries(void)
{
  static const struct bcase cases[] = {
    {"compact text", "10", "", "a", 1, 0},
    {"compact text, lax", "4", "", "a", 1, 0},
    {"trailing whitespace", "10", "", "a", 1, 3000},
    {"\\u0041 escapes (6 bytes, 1 canonical)", "10", "", "\\u0041", 1, 0},
    {"\\u00e9 escapes (6 bytes, 2 canonical)", "4", "", "\\u00e9", 2, 0},
    {"\\u0001 escapes (6 bytes, 6 canonical)", "10", "", "\\u0001", 6, 0},
    {"\\/ escapes (2 bytes, 1 canonical)", "10", "", "\\/", 1, 0},
    {"\\n escapes (2 bytes, 2 canonical)", "10", "", "\\n", 2, 0},
    {"surrogate pairs (12 bytes, 4 canonical)", "10", "", "\\ud83d\\ude00", 4, 0},
    {"1e15 (4 bytes, 16 canonical), lax", "4", "\"n\":[1e15,1e15,1e15,1e15,1e15,1e15,1e15,1e15],", "a", 1, 0},
    {"1e-7 (4 bytes, 5 canonical), lax", "5", "\"n\":[1e-7,1e-7,1e-7],", "a", 1, 0},
    {"1.000 (5 bytes, 1 canonical), lax", "3", "\"n\":[1.000,1.000,1.000,1.000],", "a", 1, 0},
    {"an integer beyond 64 bits, lax (plain form)", "4", "\"n\":123456789012345678901234567890,", "a", 1, 0},
    {"1e400, lax (plain form)", "2", "\"n\":1e400,", "a", 1, 0},
    {"-0 (2 bytes, 1 canonical)", "10", "\"n\":[-0,-0,-0,-0],", "a", 1, 0},
    {"a repeated key", "10", "\"d\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\",\"d\":1,", "a", 1, 0},
    {"a repeated key, whitespace", "10", "\"d\":\"xxxxxxxxxxxxxxxxxxxxxxxx\",  \"d\" : 1 ,", "a", 1, 100},
  };
  size_t i, k;
  for(i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    const struct bcase *c = &cases[i];
    const struct mxm_room_version *rv = mxm_room_version_find(c->version);
    for(k = 0; k < 2; k++) {
      size_t target = LIMIT + k, len = 0, measured = 0;
      char *text = boundary_text(c->head, c->piece, c->piece_canon, target, c->tail_ws, &len);
      struct mxm_event *ev = NULL;
      struct mxm_error err;
      struct mxm_json *j = NULL;
      char name[200];
      enum mxm_status st;
      if(!text) {
        snprintf(name, sizeof(name), "%s: %zu bytes can be built", c->name, target);
        tap_check(0, name, "piece %s", c->piece);
        continue;
      }
      /* the fixture is what it says */
      if(mxm_json_parse(text, len, &j, NULL) == MXM_OK && measure(j, rv, &measured)) {
        snprintf(name, sizeof(name), "%s: the fixture is %zu bytes as canonical JSON", c->name, target);
        tap_int_eq(name, (int64_t)target, (int64_t)measured);
      }
      st = mxm_event_parse(text, len, rv, &ev, &err);
      snprintf(name, sizeof(name), "%s, v%s: %zu bytes (%zu of text) %s", c->name, c->version, target, len,
               k ? "is too big" : "fits");
      tap_int_eq(name, k ? MXM_E_TOO_BIG : MXM_OK, st);
      if(k && st == MXM_E_TOO_BIG) {
        snprintf(name, sizeof(name), "%s: the message names the size", c->name);
        tap_check(strstr(err.message, "65537 bytes as canonical JSON") != NULL ||
                      strstr(err.message, "at least") != NULL,
                  name, "%s", err.message);
      }
      if(!k && ev) {
        /* the bound kept for the r0 check is right, and the r0 check (65535) refuses it */
        snprintf(name, sizeof(name), "%s: size_max bounds the measure", c->name);
        tap_check(ev->size_max >= measured && (!ev->size_exact || ev->size_max == measured), name,
                  "size_max %zu exact %d measured %zu", ev->size_max, ev->size_exact, measured);
        snprintf(name, sizeof(name), "%s: 65536 bytes are too big for r0", c->name);
        tap_int_eq(name, MXM_E_TOO_BIG, mxm_event_check_release(ev, rv, MXM_SPEC_R0, &err));
        snprintf(name, sizeof(name), "%s: and fit v1.1", c->name);
        tap_int_eq(name, MXM_OK, mxm_event_check_release(ev, rv, MXM_SPEC_V1_1, &err));
      }
      mxm_event_free(&ev);
      /* the same tree without its text: measured, same verdict */
      if(j) {
        snprintf(name, sizeof(name), "%s: the tree without text, %zu bytes", c->name, target);
        tap_int_eq(name, k ? MXM_E_TOO_BIG : MXM_OK, mxm_event_from_json(j, rv, &ev, &err));
        mxm_event_free(&ev);
      }
      /* and with the bound of a text holding it: same verdict, and r0's
       * 65535 still refuses 65536 (the bound is not the event's length) */
      {
        struct buf arr = {0};
        struct mxm_json *a = NULL;
        size_t whole = 0;
        adds(&arr, "[");
        add(&arr, text, len);
        adds(&arr, "]");
        if(mxm_json_parse_bound(arr.p, arr.len, &a, &whole, NULL) == MXM_OK) {
          snprintf(name, sizeof(name), "%s: with a part's bound, %zu bytes", c->name, target);
          st = mxmi_event_from_json_bound(mxm_json_array_get(a, 0), rv, len + (whole - arr.len), &ev, &err);
          tap_int_eq(name, k ? MXM_E_TOO_BIG : MXM_OK, st);
          if(!k && ev) {
            snprintf(name, sizeof(name), "%s: with a part's bound, 65536 bytes are too big for r0", c->name);
            tap_int_eq(name, MXM_E_TOO_BIG, mxm_event_check_release(ev, rv, MXM_SPEC_R0, &err));
          }
          mxm_event_free(&ev);
        } else {
          snprintf(name, sizeof(name), "%s: the array parses", c->name);
          tap_check(0, name, "%zu bytes", arr.len);
        }
        mxm_json_free(&a);
        free(arr.p);
      }
      mxm_json_free(&j);
      free(text);
    }
  }
  /* r0's limit is 65535: an event of exactly 65535 bytes fits it */
  {
    size_t len = 0;
    char *text = boundary_text("", "a", 1, LIMIT - 1, 0, &len);
    struct mxm_event *ev = NULL;
    struct mxm_error err;
    if(text && mxm_event_parse(text, len, mxm_room_version_find("4"), &ev, &err) == MXM_OK)
      tap_int_eq("65535 bytes fit r0", MXM_OK, mxm_event_check_release(ev, mxm_room_version_find("4"), MXM_SPEC_R0, &err));
    else
      tap_check(0, "65535 bytes parse", "%s", text ? err.message : "no fixture");
    mxm_event_free(&ev);
    free(text);
  }
  /* v6+: a number that canonical JSON would lengthen is refused first */
  {
    size_t len = 0;
    char *text = boundary_text("\"n\":1e15,", "a", 1, LIMIT - 12, 0, &len);
    struct mxm_event *ev = NULL;
    struct mxm_error err;
    tap_int_eq("v10: 1e15 is not canonical JSON", MXM_E_MALFORMED,
               text ? mxm_event_parse(text, len, mxm_room_version_find("10"), &ev, &err) : MXM_OK);
    mxm_event_free(&ev);
    free(text);
  }
}

/* ---- 3. random events near the limit ---- */

static void test_near_limit(void)
{
  static const char *const versions[] = {"1", "4", "6", "10"};
  static const char *const pieces[] = {"a", "\\u0041", "\\/", "\\u00e9", "\\n"};
  struct buf b = {0};
  size_t i, agree = 0, tried = 0;
  for(i = 0; i < 400; i++) {
    const struct mxm_room_version *rv = mxm_room_version_find(versions[i % 4]);
    const char *piece = pieces[rnd(5)];
    size_t piece_raw = strlen(piece), pad, measured = 0;
    struct mxm_json *j = NULL;
    struct mxm_event *ev = NULL;
    struct mxm_error err;
    struct mxmi_json_stats stats;
    enum mxm_status st, want;
    /* aim the raw text around the limit and around its slack */
    pad = (LIMIT - 200 + rnd(400 + (unsigned)(piece_raw * 200))) / piece_raw;
    event_text(&b, piece, pad);
    if(mxmi_json_parse_stats(b.p, b.len, &j, &stats, NULL) != MXM_OK)
      continue;
    if(rv->strict_canonical && (stats.n_frac || stats.n_long_int)) {
      mxm_json_free(&j);
      continue; /* v6+ refuses it for its numbers, not its size */
    }
    tried++;
    want = measure(j, rv, &measured) && measured <= LIMIT ? MXM_OK : MXM_E_TOO_BIG;
    st = mxm_event_parse(b.p, b.len, rv, &ev, &err);
    if(st == want)
      agree++;
    else
      tap_check(0, "near the limit: parse agrees with encoding", "v%s measured %zu raw %zu: got %s: %s at %s", rv->id,
                measured, b.len, mxm_status_name(st), err.message, err.where);
    mxm_event_free(&ev);
    mxm_json_free(&j);
  }
  tap_check(tried > 150 && agree == tried, "near the limit: every verdict agrees with encoding", "%zu of %zu", agree,
            tried);
  free(b.p);
}

/* ---- 4. a state loaded with bounds ---- */

/* A v10 m.room.create event of exactly target bytes as canonical JSON
 * (compact text, no escapes, so the text's length is C). */
static char *create_text(size_t target, size_t *len)
{
  static const char head[] = "{\"content\":{\"creator\":\"@a:example.org\",\"pad\":\"";
  static const char tail[] = "\"},\"room_id\":\"!r:example.org\",\"sender\":\"@a:example.org\",\"state_key\":\"\","
                             "\"type\":\"m.room.create\"}";
  struct buf b = {0};
  size_t fixed = sizeof(head) - 1 + sizeof(tail) - 1, i;
  adds(&b, head);
  for(i = fixed; i < target; i++)
    adds(&b, "a");
  adds(&b, tail);
  *len = b.len;
  return b.p;
}

static void test_state_bounds(void)
{
  const struct mxm_room_version *rv = mxm_room_version_find("10");
  size_t k;
  for(k = 0; k < 2; k++) {
    size_t len = 0, bound = 0, target = LIMIT + k;
    char *text = create_text(target, &len), name[160];
    struct mxm_json *doc = NULL;
    struct buf arr = {0};
    adds(&arr, "[");
    add(&arr, text, len);
    adds(&arr, "]");
    if(mxm_json_parse_bound(arr.p, arr.len, &doc, &bound, NULL) == MXM_OK) {
      struct mxm_state *with = NULL, *without = NULL;
      struct mxm_error err;
      size_t b = len + (bound - arr.len);
      enum mxm_status sw, so;
      if(mxm_state_new(rv, &with) != MXM_OK || mxm_state_new(rv, &without) != MXM_OK)
        exit(3);
      sw = mxm_state_load_json_bounds(with, doc, NULL, &b, 1, &err);
      so = mxm_state_load_json(without, doc, &err);
      snprintf(name, sizeof(name), "state of a %zu-byte create event, loaded with its bound: %s", target,
               k ? "too big" : "loads");
      tap_int_eq(name, k ? MXM_E_TOO_BIG : MXM_OK, sw);
      snprintf(name, sizeof(name), "state of a %zu-byte create event: the same without the bound", target);
      tap_int_eq(name, so, sw);
      mxm_state_free(&with);
      mxm_state_free(&without);
    } else {
      tap_check(0, "the state array parses", "%zu bytes", arr.len);
    }
    mxm_json_free(&doc);
    free(arr.p);
    free(text);
  }
}

int main(void)
{
  test_bounds();
  test_boundaries();
  test_near_limit();
  test_state_bounds();
  return tap_done();
}
