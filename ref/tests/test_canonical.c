/*
 * test_canonical.c: mxm_canonical_encode against content/appendices.md
 * "Canonical JSON" (every example there, byte for byte) and the grammar's
 * edges: escapes, key order by code point, number range, -0, strict errors
 * with their JSON pointers, depth.
 *
 * Expected outputs are written from the appendix text and grammar, not
 * from running the code.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mxm/canonical.h"
#include "mxm/json.h"
#include "canonical_int.h"
#include "tap.h"

#define S MXM_CANON_STRICT
#define L MXM_CANON_LAX

struct canon_case {
  const char *name;
  const char *input;
  enum mxm_canon_mode mode;
  enum mxm_status status;
  const char *expect; /* output when MXM_OK, JSON pointer (err.where) otherwise */
};

static const struct canon_case cases[] = {
  /* content/appendices.md "Examples", in order, in both modes. */
  {"appendix: empty object", "{}", S, MXM_OK, "{}"},
  {"appendix: one two", "{\n    \"one\": 1,\n    \"two\": \"Two\"\n}", S, MXM_OK, "{\"one\":1,\"two\":\"Two\"}"},
  {"appendix: b a pretty", "{\n    \"b\": \"2\",\n    \"a\": \"1\"\n}", S, MXM_OK, "{\"a\":\"1\",\"b\":\"2\"}"},
  {"appendix: b a compact", "{\"b\":\"2\",\"a\":\"1\"}", S, MXM_OK, "{\"a\":\"1\",\"b\":\"2\"}"},
  {"appendix: nested auth",
   "{\n    \"auth\": {\n        \"success\": true,\n        \"mxid\": \"@john.doe:example.com\",\n"
   "        \"profile\": {\n            \"display_name\": \"John Doe\",\n            \"three_pids\": [\n"
   "                {\n                    \"medium\": \"email\",\n                    \"address\": "
   "\"john.doe@example.org\"\n                },\n                {\n                    \"medium\": "
   "\"msisdn\",\n                    \"address\": \"123456789\"\n                }\n            ]\n        }\n"
   "    }\n}",
   S, MXM_OK,
   "{\"auth\":{\"mxid\":\"@john.doe:example.com\",\"profile\":{\"display_name\":\"John Doe\",\"three_pids\":"
   "[{\"address\":\"john.doe@example.org\",\"medium\":\"email\"},{\"address\":\"123456789\",\"medium\":"
   "\"msisdn\"}]},\"success\":true}}"},
  {"appendix: raw UTF-8 value", "{\n    \"a\": \"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\"\n}", S, MXM_OK,
   "{\"a\":\"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\"}"},
  {"appendix: CJK key order", "{\n    \"\xe6\x9c\xac\": 2,\n    \"\xe6\x97\xa5\": 1\n}", S, MXM_OK,
   "{\"\xe6\x97\xa5\":1,\"\xe6\x9c\xac\":2}"},
  {"appendix: \\u65E5 unescaped", "{\n    \"a\": \"\\u65E5\"\n}", S, MXM_OK, "{\"a\":\"\xe6\x97\xa5\"}"},
  {"appendix: null", "{\n    \"a\": null\n}", S, MXM_OK, "{\"a\":null}"},
  {"appendix: -0 and 1e10 (strict)", "{\n    \"a\": -0,\n    \"b\": 1e10\n}", S, MXM_OK,
   "{\"a\":0,\"b\":10000000000}"},
  {"appendix: -0 and 1e10 (lax)", "{\n    \"a\": -0,\n    \"b\": 1e10\n}", L, MXM_OK,
   "{\"a\":0,\"b\":10000000000}"},
  {"appendix: nested auth (lax)", "{\"b\":{\"d\":1,\"c\":[true,false]},\"a\":\"1\"}", L, MXM_OK,
   "{\"a\":\"1\",\"b\":{\"c\":[true,false],\"d\":1}}"},

  /* Escapes: exactly the grammar's set, lowercase hex, nothing else. */
  {"escape quote backslash", "[\"a\\\"b\\\\c\"]", S, MXM_OK, "[\"a\\\"b\\\\c\"]"},
  {"escape named controls", "[\"\\b\\f\\n\\r\\t\"]", S, MXM_OK, "[\"\\b\\f\\n\\r\\t\"]"},
  {"escape other controls lowercase", "[\"\\u0000\\u0001\\u001F\\u000B\\u001a\"]", S, MXM_OK,
   "[\"\\u0000\\u0001\\u001f\\u000b\\u001a\"]"},
  {"solidus not escaped", "[\"a\\/b\"]", S, MXM_OK, "[\"a/b\"]"},
  {"DEL raw", "[\"\\u007f\"]", S, MXM_OK, "[\"\x7f\"]"},
  {"U+2028 raw", "[\"\\u2028\"]", S, MXM_OK, "[\"\xe2\x80\xa8\"]"},
  {"surrogate pair to raw 4-byte", "[\"\\ud83d\\ude00\"]", S, MXM_OK, "[\"\xf0\x9f\x98\x80\"]"},
  {"escaped key", "{\"a\\nb\":1}", S, MXM_OK, "{\"a\\nb\":1}"},

  /* Key order: code point order = UTF-8 byte order; prefix first. */
  {"prefix sorts first", "{\"ab\":1,\"a\":2,\"\":3}", S, MXM_OK, "{\"\":3,\"a\":2,\"ab\":1}"},
  {"upper before lower", "{\"a\":1,\"B\":2,\"_\":3}", S, MXM_OK, "{\"B\":2,\"_\":3,\"a\":1}"},
  {"U+00E9 after z, before U+65E5, before U+1F600",
   "{\"\xf0\x9f\x98\x80\":4,\"\xe6\x97\xa5\":3,\"\xc3\xa9\":2,\"z\":1}", S, MXM_OK,
   "{\"z\":1,\"\xc3\xa9\":2,\"\xe6\x97\xa5\":3,\"\xf0\x9f\x98\x80\":4}"},
  /* U+FF61 (EF BD A1) < U+10000 (F0 90 80 80): code point and byte order agree
   * (UTF-16 order would put the surrogate D800 first). */
  {"BMP above surrogates before astral", "{\"\xf0\x90\x80\x80\":2,\"\xef\xbd\xa1\":1}", S, MXM_OK,
   "{\"\xef\xbd\xa1\":1,\"\xf0\x90\x80\x80\":2}"},

  /* Numbers: range edges, -0, notation. */
  {"2^53-1 ok", "[9007199254740991]", S, MXM_OK, "[9007199254740991]"},
  {"-(2^53-1) ok", "[-9007199254740991]", S, MXM_OK, "[-9007199254740991]"},
  {"2^53 strict error", "[1,9007199254740992]", S, MXM_E_MALFORMED, "/1"},
  {"-(2^53) strict error", "{\"x\":{\"y\":[-9007199254740992]}}", S, MXM_E_MALFORMED, "/x/y/0"},
  {"2^53 lax exact", "[9007199254740992]", L, MXM_OK, "[9007199254740992]"},
  {"int64 max lax is big: error", "[9223372036854775807]", L, MXM_E_MALFORMED, "/0"},
  {"above uint64 strict error", "{\"n\":99999999999999999999999}", S, MXM_E_MALFORMED, "/n"},
  {"float strict error", "{\"content\":{\"pl\":1.5}}", S, MXM_E_MALFORMED, "/content/pl"},
  {"float lax repr", "[1.5]", L, MXM_OK, "[1.5]"},
  /* The nearest double is an integer: write the integer, so encoding the
   * output again gives the same bytes (fuzz_canonical findings). */
  {"lax: rounds to 1", "[1.0000000000000001]", L, MXM_OK, "[1]"},
  {"lax: underflows to 0", "[1E-909]", L, MXM_OK, "[0]"},
  {"lax: rounds to 6e15", "[6000000000000000.5]", L, MXM_OK, "[6000000000000000]"},
  {"lax: rounds to an integer near 2^53", "[9007199252547449.9]", L, MXM_OK, "[9007199252547450]"},
  {"lax: rounds above 2^53 stays repr", "[9007199254740993.5]", L, MXM_OK, "[9007199254740994.0]"},
  {"strict: rounds to 1 is still a fraction", "[1.0000000000000001]", S, MXM_E_MALFORMED, "/0"},
  {"0.1 lax repr", "[0.1]", L, MXM_OK, "[0.1]"},
  {"1e-5 lax repr", "[1e-5]", L, MXM_OK, "[1e-05]"},
  {"1e16 strict error", "[1e16]", S, MXM_E_MALFORMED, "/0"},
  {"1e16 lax repr", "[1e16]", L, MXM_OK, "[1e+16]"},
  {"-2.5e-3 lax", "[-2.5e-3]", L, MXM_OK, "[-0.0025]"},
  /* Python repr() forms (shortest round trip; fixed for exponents -4..15). */
  {"repr 123.456", "[123.456]", L, MXM_OK, "[123.456]"},
  {"repr 1e-7", "[1e-7]", L, MXM_OK, "[1e-07]"},
  {"repr 0.0001", "[0.0001]", L, MXM_OK, "[0.0001]"},
  {"repr 1e22", "[1e22]", L, MXM_OK, "[1e+22]"},
  {"repr 2^53 as float", "[9007199254740992.0]", L, MXM_OK, "[9007199254740992.0]"},
  {"repr 1.5e300", "[1.5e300]", L, MXM_OK, "[1.5e+300]"},
  {"repr max double", "[1.7976931348623157e308]", L, MXM_OK, "[1.7976931348623157e+308]"},
  {"repr min subnormal", "[5e-324]", L, MXM_OK, "[5e-324]"},
  {"repr 0.1+ digits", "[0.30000000000000004]", L, MXM_OK, "[0.30000000000000004]"},
  {"integral float strict", "[1.0,-0.0,2.50e1,1E2,100e-2]", S, MXM_OK, "[1,0,25,100,1]"},
  {"9007199254740991.0 strict", "[9007199254740991.0]", S, MXM_OK, "[9007199254740991]"},
  {"9.007199254740992e15 strict error", "[9.007199254740992e15]", S, MXM_E_MALFORMED, "/0"},
  {"near-integer float is a float", "[1.0000000000000001]", S, MXM_E_MALFORMED, "/0"},
  {"tiny exponent", "[1e-999999999]", S, MXM_E_MALFORMED, "/0"},
  {"zero with huge exponent", "[0e999999999]", S, MXM_OK, "[0]"},
  /* leading zeros of a fraction still count as places: 0.010e2 = 1 */
  {"fraction leading zeros", "[0.010e2,0.0025e4]", S, MXM_OK, "[1,25]"},
  {"huge exponent strict error", "[1e400]", S, MXM_E_MALFORMED, "/0"},
  {"pointer escapes ~ and /", "{\"a/b\":{\"c~d\":0.5}}", S, MXM_E_MALFORMED, "/a~1b/c~0d"},

  /* Scalars at the top level and whitespace. */
  {"top-level string", "  \"x\"  ", S, MXM_OK, "\"x\""},
  {"top-level array ws", "[ 1 , [ ] , { } , true , false , null ]", S, MXM_OK, "[1,[],{},true,false,null]"},
};

static void run_cases(void)
{
  size_t i;
  for(i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    const struct canon_case *c = &cases[i];
    struct mxm_json *j = NULL;
    struct mxm_error err;
    char *out = NULL;
    size_t len = 0;
    enum mxm_status st;
    mxm_error_clear(&err);
    if(!tap_check(mxm_json_parse(c->input, strlen(c->input), &j, &err) == MXM_OK, c->name, "parse: %s",
                  err.message))
      continue;
    st = mxm_canonical_encode(j, c->mode, &out, &len, &err);
    tap_int_eq(c->name, c->status, st);
    if(c->status == MXM_OK && st == MXM_OK) {
      struct mxm_json *again = NULL;
      char *out2 = NULL;
      tap_str_eq(c->name, c->expect, out);
      tap_int_eq(c->name, (int64_t)strlen(c->expect), (int64_t)len);
      /* Canonical output is a fixed point: encoding it again changes nothing. */
      if(mxm_json_parse(out, len, &again, NULL) == MXM_OK &&
         mxm_canonical_encode(again, c->mode, &out2, NULL, NULL) == MXM_OK)
        tap_str_eq(c->name, out, out2);
      else
        tap_check(0, c->name, "canonical output does not re-encode: %s", out);
      free(out2);
      mxm_json_free(&again);
    }
    else if(st != MXM_OK) {
      tap_str_eq(c->name, c->expect, err.where);
      tap_check(out == NULL, c->name, "output must be NULL on error");
    }
    free(out);
    mxm_json_free(&j);
  }
}

/* Values built in code: U+0000 inside a key-less string, invalid UTF-8,
 * NaN, doubles without source text, depth. */
static void run_built(void)
{
  struct mxm_json *o = mxm_json_new_object(), *arr, *cur;
  struct mxm_error err;
  char *out = NULL;
  size_t len = 0;
  int i;

  if(mxm_json_object_set(o, "nul", mxm_json_new_string_len("a\0b", 3)) != MXM_OK)
    return;
  tap_int_eq("embedded NUL ok", MXM_OK, mxm_canonical_encode(o, S, &out, &len, &err));
  tap_check(out && len == 18 && memcmp(out, "{\"nul\":\"a\\u0000b\"}", 18) == 0, "embedded NUL escaped",
            "got %s", out ? out : "(null)");
  free(out);
  out = NULL;

  if(mxm_json_object_set(o, "bad", mxm_json_new_string_len("\xc3\x28", 2)) != MXM_OK)
    return;
  tap_int_eq("invalid UTF-8 rejected", MXM_E_MALFORMED, mxm_canonical_encode(o, L, &out, &len, &err));
  tap_str_eq("invalid UTF-8 pointer", "/bad", err.where);
  mxm_json_object_del(o, "bad");

  if(mxm_json_object_set(o, "x", mxm_json_new_double(2.0)) != MXM_OK)
    return;
  tap_int_eq("built 2.0 strict", MXM_OK, mxm_canonical_encode(o, S, &out, &len, &err));
  tap_str_eq("built 2.0 is 2", "{\"nul\":\"a\\u0000b\",\"x\":2}", out);
  free(out);
  out = NULL;

  if(mxm_json_object_set(o, "x", mxm_json_new_double((double)NAN)) != MXM_OK)
    return;
  tap_int_eq("NaN lax error", MXM_E_MALFORMED, mxm_canonical_encode(o, L, &out, &len, &err));
  tap_str_eq("NaN pointer", "/x", err.where);
  mxm_json_free(&o);

  /* MXM_JSON_MAX_DEPTH + 1 nested arrays built in code: too deep. */
  arr = mxm_json_new_array();
  cur = arr;
  for(i = 1; i <= MXM_JSON_MAX_DEPTH; i++) {
    struct mxm_json *inner = mxm_json_new_array();
    if(mxm_json_array_add(cur, inner) != MXM_OK)
      break;
    cur = inner;
  }
  tap_int_eq("depth 65 rejected", MXM_E_TOO_BIG, mxm_canonical_encode(arr, S, &out, &len, &err));
  tap_check(out == NULL, "depth 65 no output", "output set");
  mxm_json_free(&arr);

  /* Exactly MXM_JSON_MAX_DEPTH levels: fine. */
  arr = mxm_json_new_array();
  cur = arr;
  for(i = 1; i < MXM_JSON_MAX_DEPTH; i++) {
    struct mxm_json *inner = mxm_json_new_array();
    if(mxm_json_array_add(cur, inner) != MXM_OK)
      break;
    cur = inner;
  }
  tap_int_eq("depth 64 accepted", MXM_OK, mxm_canonical_encode(arr, S, &out, &len, &err));
  tap_int_eq("depth 64 length", 2 * MXM_JSON_MAX_DEPTH, (int64_t)len);
  free(out);
  mxm_json_free(&arr);
}

/*
 * Strings as UTF-8 (content/appendices.md §Canonical JSON: "encoded as
 * UTF-8"; RFC 3629 section 3-4: the shortest form only, no surrogates,
 * nothing above U+10FFFF). Built in code, so the bytes reach the encoder as
 * they are. Each well-formed sequence at an edge passes unchanged (canonical
 * JSON never escapes non-ASCII); each ill-formed one next to it is
 * MXM_E_MALFORMED at its pointer, in both modes.
 */
static void run_utf8_edges(void)
{
  static const struct {
    const char *name;
    const char *bytes;
    int ok;
  } utf8[] = {
    {"U+0080 (C2 80)", "\xc2\x80", 1},
    {"overlong U+007F (C1 BF)", "\xc1\xbf", 0},
    {"U+07FF (DF BF)", "\xdf\xbf", 1},
    {"U+0800 (E0 A0 80)", "\xe0\xa0\x80", 1},
    {"overlong U+07FF (E0 9F BF)", "\xe0\x9f\xbf", 0},
    {"U+D7FF (ED 9F BF)", "\xed\x9f\xbf", 1},
    {"surrogate U+D800 (ED A0 80)", "\xed\xa0\x80", 0},
    {"surrogate U+DFFF (ED BF BF)", "\xed\xbf\xbf", 0},
    {"U+E000 (EE 80 80)", "\xee\x80\x80", 1},
    {"U+FFFF (EF BF BF)", "\xef\xbf\xbf", 1},
    {"U+10000 (F0 90 80 80)", "\xf0\x90\x80\x80", 1},
    {"overlong U+FFFF (F0 8F BF BF)", "\xf0\x8f\xbf\xbf", 0},
    {"U+100000 (F4 80 80 80)", "\xf4\x80\x80\x80", 1},
    {"U+10FFFF (F4 8F BF BF)", "\xf4\x8f\xbf\xbf", 1},
    {"above U+10FFFF (F4 90 80 80)", "\xf4\x90\x80\x80", 0},
    {"F5 lead byte", "\xf5\x80\x80\x80", 0},
    {"truncated 4-byte sequence", "\xf4\x80\x80", 0},
    {"continuation byte alone", "\x80", 0},
    {"lead byte then ASCII", "\xe0\xa0" "a", 0},
  };
  size_t i;
  int m;
  for(i = 0; i < sizeof(utf8) / sizeof(utf8[0]); i++) {
    for(m = 0; m < 2; m++) {
      struct mxm_json *o = mxm_json_new_object();
      struct mxm_error err;
      char *out = NULL, want[64], name[96];
      size_t len = 7, blen = strlen(utf8[i].bytes);
      enum mxm_status s;
      snprintf(name, sizeof(name), "%s %s", utf8[i].name, m ? "lax" : "strict");
      if(!o || mxm_json_object_set(o, "k", mxm_json_new_string_len(utf8[i].bytes, blen)) != MXM_OK) {
        tap_check(0, name, "cannot build");
        mxm_json_free(&o);
        continue;
      }
      mxm_error_clear(&err);
      s = mxm_canonical_encode(o, m ? L : S, &out, &len, &err);
      if(utf8[i].ok) {
        snprintf(want, sizeof(want), "{\"k\":\"%s\"}", utf8[i].bytes);
        if(tap_int_eq(name, MXM_OK, s))
          tap_check(len == strlen(want) && memcmp(out, want, len) == 0, name, "bytes changed: %s", out);
      } else {
        tap_int_eq(name, MXM_E_MALFORMED, s);
        tap_str_eq(name, "/k", err.where);
        tap_check(out == NULL && len == 0, name, "output on error (length %zu)", len);
      }
      free(out);
      mxm_json_free(&o);
    }
  }
}

/* Lax mode (room versions 1-5, content/rooms/fragments/v1-canonical-json.md)
 * writes non-integers as Python's repr() does, negative ones with their
 * sign; an integral value is written as the integer. */
static void run_lax_negatives(void)
{
  static const struct {
    const char *in, *out;
  } negs[] = {
    {"[-1.0]", "[-1]"},
    {"[-2.5e1]", "[-25]"},
    {"[-2.5]", "[-2.5]"},
    {"[-0.5]", "[-0.5]"},
    {"[-1e-7]", "[-1e-07]"},
    {"[-1.5e300]", "[-1.5e+300]"},
    {"[-123.456]", "[-123.456]"},
    {"[-1e16]", "[-1e+16]"},
    {"[-10.25]", "[-10.25]"},
  };
  size_t i;
  for(i = 0; i < sizeof(negs) / sizeof(negs[0]); i++) {
    struct mxm_json *j = NULL;
    struct mxm_error err;
    char *out = NULL;
    size_t len = 0;
    if(!tap_check(mxm_json_parse(negs[i].in, strlen(negs[i].in), &j, &err) == MXM_OK, negs[i].in, "parse"))
      continue;
    if(tap_int_eq(negs[i].in, MXM_OK, mxm_canonical_encode(j, L, &out, &len, &err)))
      tap_str_eq(negs[i].in, negs[i].out, out);
    free(out);
    mxm_json_free(&j);
  }
}

/* The length the size checks use (mxmi_canonical_length, which counts
 * without writing) is the length of the encoding, for numbers of every
 * digit count around the powers of ten, negative ones, and strings with
 * escapes and multi-byte characters. */
static void run_lengths(void)
{
  static const char *const docs[] = {
    "[0,9,10,99,100,999,1000,-9,-10,-99,-100]",
    "[9007199254740991,-9007199254740991,1000000000000000,999999999999999]",
    "{\"a\\nb\":\"\\u0001\\t\\\"x\xc3\xa9\xf0\x9f\x98\x80\",\"k\":[true,false,null,{}]}",
  };
  size_t i;
  int m;
  for(i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
    for(m = 0; m < 2; m++) {
      struct mxm_json *j = NULL;
      struct mxm_error err;
      char *out = NULL;
      size_t len = 0, counted = 0;
      if(!tap_check(mxm_json_parse(docs[i], strlen(docs[i]), &j, &err) == MXM_OK, docs[i], "parse: %s", err.message))
        continue;
      if(tap_int_eq(docs[i], MXM_OK, mxm_canonical_encode(j, m ? L : S, &out, &len, &err)) &&
         tap_int_eq(docs[i], MXM_OK, mxmi_canonical_length(j, m ? L : S, &counted)))
        tap_int_eq(docs[i], (int64_t)len, (int64_t)counted);
      free(out);
      mxm_json_free(&j);
    }
  }
}

int main(void)
{
  run_cases();
  run_lengths();
  run_built();
  run_utf8_edges();
  run_lax_negatives();
  return tap_done();
}
