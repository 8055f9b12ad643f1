/*
 * fuzz/test_canon_ref.c: the independent Canonical JSON encoder (canon_ref.c)
 * checked without the library, against the input/output pairs of
 * content/appendices.md "Canonical JSON" (Examples) and the grammar's
 * escapes, and against the inputs it must leave without an answer.
 * TAP output; exit 1 on any failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canon_ref.h"

static int failures, n;

static void answer(const char *in, const char *want)
{
  char *out = NULL;
  size_t len = 0;
  enum mxmc_ref_result r = mxmc_ref_canonical(in, strlen(in), &out, &len);
  n++;
  if(r != MXMC_REF_OK || len != strlen(want) || memcmp(out, want, len) != 0) {
    printf("not ok %d - %s\n#   want %s\n#   got  %s (result %d)\n", n, in, want, out ? out : "(none)", (int)r);
    failures++;
  } else {
    printf("ok %d - %s\n", n, in);
  }
  free(out);
}

static void none(const char *in, enum mxmc_ref_result want)
{
  char *out = NULL;
  size_t len = 0;
  enum mxmc_ref_result r = mxmc_ref_canonical(in, strlen(in), &out, &len);
  n++;
  if(r != want || out) {
    printf("not ok %d - %s: want result %d, got %d (%s)\n", n, in, (int)want, (int)r, out ? out : "");
    failures++;
  } else {
    printf("ok %d - %s: no answer (%d)\n", n, in, (int)r);
  }
  free(out);
}

int main(void)
{
  /* content/appendices.md, Canonical JSON, Examples. */
  answer("{}", "{}");
  answer("{\"one\": 1, \"two\": \"Two\"}", "{\"one\":1,\"two\":\"Two\"}");
  answer("{\"b\": \"2\", \"a\": \"1\"}", "{\"a\":\"1\",\"b\":\"2\"}");
  answer("{\"auth\": {\"success\": true, \"mxid\": \"@john.doe:example.com\", \"profile\": {\"display_name\": "
         "\"John Doe\", \"three_pids\": [{\"medium\": \"email\", \"address\": \"john.doe@example.org\"}, "
         "{\"medium\": \"msisdn\", \"address\": \"123456789\"}]}}}",
         "{\"auth\":{\"mxid\":\"@john.doe:example.com\",\"profile\":{\"display_name\":\"John Doe\",\"three_pids\":"
         "[{\"address\":\"john.doe@example.org\",\"medium\":\"email\"},{\"address\":\"123456789\",\"medium\":\"msisdn\"}]},"
         "\"success\":true}}");
  answer("{\"a\": \"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\"}", "{\"a\":\"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\"}");
  answer("{\"\xe6\x9c\xac\": 2, \"\xe6\x97\xa5\": 1}", "{\"\xe6\x97\xa5\":1,\"\xe6\x9c\xac\":2}");
  answer("{\"a\": \"\\u65E5\"}", "{\"a\":\"\xe6\x97\xa5\"}");
  answer("{\"a\": null}", "{\"a\":null}");
  answer("{\"a\": -0, \"b\": 1e10}", "{\"a\":0,\"b\":10000000000}");
  /* The grammar's escapes: the six short ones, \u00XX lowercase for other controls, the rest raw. */
  answer("\"\\u0000\\u001F\\\"\\\\\\b\\f\\n\\r\\t\\/\\u007f\\u00e9\"", "\"\\u0000\\u001f\\\"\\\\\\b\\f\\n\\r\\t/\x7f\xc3\xa9\"");
  answer("\"\\uD83D\\uDE00\"", "\"\xf0\x9f\x98\x80\"");
  /* Code-point order, not UTF-16 order: U+FFFF sorts before U+1F600. */
  answer("{\"\\uD83D\\uDE00\":1,\"\\uFFFF\":2}", "{\"\xef\xbf\xbf\":2,\"\xf0\x9f\x98\x80\":1}");
  answer("[9007199254740991, -9007199254740991, 0, 1E2, 5e+0]", "[9007199254740991,-9007199254740991,0,100,5]");
  /* No answer. */
  none("1.5", MXMC_REF_NO_ANSWER);
  none("9007199254740992", MXMC_REF_NO_ANSWER);
  none("1e-1", MXMC_REF_NO_ANSWER);
  none("{\"a\":1,\"a\":2}", MXMC_REF_NO_ANSWER);
  none("{\"\":1,\"\":2}", MXMC_REF_NO_ANSWER);
  none("\"\\ud800\"", MXMC_REF_NO_ANSWER);
  none("[1,]", MXMC_REF_NOT_JSON);
  none("01", MXMC_REF_NOT_JSON);
  none("\"\xc0\xaf\"", MXMC_REF_NOT_JSON);
  none("\"a\tb\"", MXMC_REF_NOT_JSON);
  none("{} {}", MXMC_REF_NOT_JSON);
  printf("1..%d\n", n);
  return failures ? 1 : 0;
}
