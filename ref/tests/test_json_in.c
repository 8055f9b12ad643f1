/*
 * test_json_in.c: strict parsing and the accessors of mxm/json.h.
 * Each row is an input and what mxm_json_parse must make of it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mxm/json.h"
#include "tap.h"

struct parse_case {
  const char *name;
  const char *input;
  size_t len; /* 0 = strlen(input) */
  enum mxm_status status;
  enum mxm_json_type type; /* checked when status == MXM_OK */
};

static const struct parse_case parse_cases[] = {
  {"object", "{\"a\":1}", 0, MXM_OK, MXM_JSON_OBJECT},
  {"top-level null", "null", 0, MXM_OK, MXM_JSON_NULL},
  {"trailing whitespace", "[1] \n\t", 0, MXM_OK, MXM_JSON_ARRAY},
  {"int64 max is big", "9223372036854775807", 0, MXM_OK, MXM_JSON_BIGINT},
  {"above int64", "9223372036854775808", 0, MXM_OK, MXM_JSON_BIGINT},
  {"above uint64", "99999999999999999999999", 0, MXM_OK, MXM_JSON_BIGINT},
  {"below int64", "-99999999999999999999999", 0, MXM_OK, MXM_JSON_BIGINT},
  {"2^53", "9007199254740992", 0, MXM_OK, MXM_JSON_INT},
  {"minus zero", "-0", 0, MXM_OK, MXM_JSON_INT},
  {"float", "1.5", 0, MXM_OK, MXM_JSON_DOUBLE},
  {"exponent", "1e10", 0, MXM_OK, MXM_JSON_DOUBLE},
  {"string", "\"x\"", 0, MXM_OK, MXM_JSON_STRING},
  {"empty", "", 0, MXM_E_MALFORMED, MXM_JSON_NULL},
  {"truncated", "{\"a\":", 0, MXM_E_MALFORMED, MXM_JSON_NULL},
  {"trailing garbage", "{} x", 0, MXM_E_MALFORMED, MXM_JSON_NULL},
  {"two values", "{}{}", 0, MXM_E_MALFORMED, MXM_JSON_NULL},
  {"single quotes", "{'a':1}", 0, MXM_E_MALFORMED, MXM_JSON_NULL},
  {"trailing comma", "[1,]", 0, MXM_E_MALFORMED, MXM_JSON_NULL},
  {"NaN", "NaN", 0, MXM_E_MALFORMED, MXM_JSON_NULL},
  {"leading zero", "01", 0, MXM_E_MALFORMED, MXM_JSON_NULL},
  {"NUL byte", "{\"a\":\0}", 7, MXM_E_MALFORMED, MXM_JSON_NULL},
  {"invalid UTF-8", "\"\xff\"", 0, MXM_E_MALFORMED, MXM_JSON_NULL},
  {"overlong UTF-8", "\"\xc0\xaf\"", 0, MXM_E_MALFORMED, MXM_JSON_NULL},
  {"raw control char in string", "\"a\x01\"", 0, MXM_E_MALFORMED, MXM_JSON_NULL},
  {"comment", "/* c */ {}", 0, MXM_E_MALFORMED, MXM_JSON_NULL},
  /* json-c would cut a key at U+0000: such keys are refused, values are fine */
  {"NUL escape in key", "{\"a\\u0000b\":1}", 0, MXM_E_MALFORMED, MXM_JSON_NULL},
  {"NUL escape in nested key", "{\"a\":[{\"k\":1},{\"b\\u0000\":2}]}", 0, MXM_E_MALFORMED, MXM_JSON_NULL},
  {"NUL escape in value", "{\"a\":\"x\\u0000y\"}", 0, MXM_OK, MXM_JSON_OBJECT},
  {"NUL escape in array string", "{\"a\":[\"\\u0000\"],\"b\":2}", 0, MXM_OK, MXM_JSON_OBJECT},
  {"escaped quote then key", "{\"a\\\"\":{\"b\":\"\\u0000\"}}", 0, MXM_OK, MXM_JSON_OBJECT},
};

static void check_parse_table(void)
{
  size_t i;
  for(i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
    const struct parse_case *c = &parse_cases[i];
    struct mxm_json *j = NULL;
    struct mxm_error err;
    size_t len = c->len ? c->len : strlen(c->input);
    enum mxm_status st = mxm_json_parse(c->input, len, &j, &err);
    tap_check(st == c->status, c->name, "status %s, expected %s (%s)", mxm_status_name(st),
              mxm_status_name(c->status), st ? err.message : "");
    if(st == MXM_OK && c->status == MXM_OK)
      tap_check(mxm_json_type(j) == c->type, c->name, "type %s, expected %s",
                mxm_json_type_name(mxm_json_type(j)), mxm_json_type_name(c->type));
    if(st != MXM_OK)
      tap_check(j == NULL, c->name, "output must stay NULL on failure");
    mxm_json_free(&j);
  }
}

static void check_depth(void)
{
  char buf[2 * (MXM_JSON_MAX_DEPTH + 2)];
  struct mxm_json *j = NULL;
  enum mxm_status st;
  size_t n;
  /* Exactly the limit parses; one more level is too big. */
  for(n = 0; n < MXM_JSON_MAX_DEPTH; n++) {
    buf[n] = '[';
    buf[2 * MXM_JSON_MAX_DEPTH - 1 - n] = ']';
  }
  st = mxm_json_parse(buf, 2 * MXM_JSON_MAX_DEPTH, &j, NULL);
  tap_check(st == MXM_OK, "depth at limit", "status %s", mxm_status_name(st));
  mxm_json_free(&j);
  for(n = 0; n < MXM_JSON_MAX_DEPTH + 1; n++) {
    buf[n] = '[';
    buf[2 * (MXM_JSON_MAX_DEPTH + 1) - 1 - n] = ']';
  }
  st = mxm_json_parse(buf, 2 * (MXM_JSON_MAX_DEPTH + 1), &j, NULL);
  tap_check(st == MXM_E_TOO_BIG, "depth over limit", "status %s", mxm_status_name(st));
}

static int count_member(const char *key, size_t key_len, const struct mxm_json *val, void *ctx)
{
  (void)key;
  (void)key_len;
  (void)val;
  (*(int *)ctx)++;
  return 0;
}

static void check_accessors(void)
{
  const char *doc = "{\"s\":\"a\\u0000b\",\"n\":null,\"i\":-42,\"b\":true,\"arr\":[null,1]}";
  struct mxm_json *j = NULL;
  const struct mxm_json *v;
  size_t len = 0;
  int64_t i64 = 0;
  int b = 0, count = 0;
  char *text;
  if(!tap_check(mxm_json_parse(doc, strlen(doc), &j, NULL) == MXM_OK, "accessor doc parses", NULL))
    return;
  v = mxm_json_get(j, "s");
  tap_check(mxm_json_string_len(v, &len) != NULL && len == 3, "string with U+0000 keeps its length",
            "len %zu", len);
  v = mxm_json_get(j, "n");
  tap_check(v != NULL && mxm_json_type(v) == MXM_JSON_NULL, "null differs from missing", NULL);
  tap_check(mxm_json_get(j, "missing") == NULL, "missing key is NULL", NULL);
  tap_check(mxm_json_int(mxm_json_get(j, "i"), &i64) && i64 == -42, "int accessor", NULL);
  tap_check(!mxm_json_int(mxm_json_get(j, "s"), &i64), "int accessor refuses a string", NULL);
  tap_check(mxm_json_bool(mxm_json_get(j, "b"), &b) && b == 1, "bool accessor", NULL);
  tap_check(mxm_json_type(mxm_json_array_get(mxm_json_get(j, "arr"), 0)) == MXM_JSON_NULL,
            "null array element", NULL);
  tap_check(mxm_json_array_get(mxm_json_get(j, "arr"), 2) == NULL, "array out of range", NULL);
  mxm_json_object_foreach(j, count_member, &count);
  tap_int_eq("foreach visits every member", 5, count);
  text = mxm_json_to_string(j, NULL);
  tap_check(text && strstr(text, "\"n\":null") != NULL, "to_string keeps null", "%s", text ? text : "");
  free(text);
  {
    struct mxm_json *obj = mxm_json_new_object();
    tap_check(mxm_json_object_set(obj, "z", mxm_json_new_null()) == MXM_OK, "set null", NULL);
    tap_check(mxm_json_type(mxm_json_get(obj, "z")) == MXM_JSON_NULL, "set null reads back", NULL);
    mxm_json_free(&obj);
  }
  mxm_json_free(&j);
}

/* What an error says and where it points (the byte offset of the problem
 * is in the message; the pointer of a parse error is the whole input). */
static void check_messages(void)
{
  static const struct {
    const char *name, *input, *message_part;
  } rows[] = {
    {"empty input", "", "empty input: expected a JSON value"},
    {"unknown literal", "[abc]", "unknown literal (only true, false and null are JSON)"},
    {"unknown literal at a", "[a]", "unknown literal (only true, false and null are JSON)"},
    {"NUL escape in key", "{\"a\\u0000b\":1}", "object key contains U+0000 (unsupported: keys are C strings)"},
    {"F5 lead byte", "\"\xf5\x80\x80\x80\"", "invalid UTF-8 lead byte"},
    {"F4 90: above U+10FFFF", "\"\xf4\x90\x80\x80\"", "UTF-8 encodes a surrogate or a code point above U+10FFFF"},
    {"overlong", "\"\xe0\x80\xaf\"", "overlong UTF-8 sequence"},
  };
  size_t i;
  for(i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
    struct mxm_json *j = NULL;
    struct mxm_error err;
    mxm_error_clear(&err);
    tap_int_eq(rows[i].name, MXM_E_MALFORMED, mxm_json_parse(rows[i].input, strlen(rows[i].input), &j, &err));
    tap_check(strstr(err.message, rows[i].message_part) != NULL, rows[i].name, "message \"%s\"", err.message);
    tap_str_eq(rows[i].name, "", err.where);
    mxm_json_free(&j);
  }
}

int main(void)
{
  check_parse_table();
  check_messages();
  check_depth();
  check_accessors();
  return tap_done();
}
