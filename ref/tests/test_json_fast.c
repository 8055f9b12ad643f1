/*
 * test_json_fast.c: mxm_json_parse's single-pass parser and its slow path
 * (the pre-scan, then json-c) give the same answer on every input: the same
 * status, error message and JSON pointer, the same statistics for the size
 * check, the same tree (types and serialisation). The inputs: a table of
 * edge cases, every file of the fuzz seed corpora and regressions, and
 * mutations of the event-parse seeds (each byte deleted or replaced, short
 * snippets inserted), so both the fast path and each way of leaving it are
 * reached.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_int.h"
#include "mxm/json.h"
#include "tap.h"

static size_t n_inputs, n_ok, n_failures;

static int same_tree(const struct mxm_json *a, const struct mxm_json *b);

struct walk {
  const struct mxm_json *other;
  int same;
};

static int member_same(const char *key, size_t key_len, const struct mxm_json *val, void *ctx)
{
  struct walk *w = ctx;
  (void)key_len;
  if(!same_tree(val, mxm_json_get(w->other, key)))
    w->same = 0;
  return !w->same;
}

static int same_tree(const struct mxm_json *a, const struct mxm_json *b)
{
  enum mxm_json_type t = mxm_json_type(a);
  size_t i;
  if(!a || !b || t != mxm_json_type(b))
    return 0;
  if(t == MXM_JSON_ARRAY) {
    if(mxm_json_array_len(a) != mxm_json_array_len(b))
      return 0;
    for(i = 0; i < mxm_json_array_len(a); i++)
      if(!same_tree(mxm_json_array_get(a, i), mxm_json_array_get(b, i)))
        return 0;
  } else if(t == MXM_JSON_OBJECT) {
    struct walk w;
    w.other = b;
    w.same = mxm_json_object_len(a) == mxm_json_object_len(b);
    if(w.same)
      mxm_json_object_foreach(a, member_same, &w);
    return w.same;
  }
  return 1;
}

/* One input through both paths; a failed check names it by label. */
static void compare(const char *label, const char *buf, size_t len)
{
  struct mxm_json *fj = NULL, *sj = NULL;
  struct mxm_error fe, se;
  struct mxmi_json_stats fs, ss;
  enum mxm_status f, s;
  int same;
  memset(&fs, 0, sizeof(fs));
  memset(&ss, 0, sizeof(ss));
  mxm_error_clear(&fe);
  mxm_error_clear(&se);
  f = mxmi_json_parse_stats(buf, len, &fj, &fs, &fe);
  s = mxmi_json_parse_slow(buf, len, &sj, &ss, &se);
  n_inputs++;
  same = f == s;
  if(same && f != MXM_OK)
    same = fe.status == se.status && strcmp(fe.message, se.message) == 0 && strcmp(fe.where, se.where) == 0 &&
           !fj && !sj;
  if(same && f == MXM_OK) {
    char *a = mxm_json_to_string(fj, NULL), *b = mxm_json_to_string(sj, NULL);
    n_ok++;
    same = a && b && strcmp(a, b) == 0 && same_tree(fj, sj) && memcmp(&fs, &ss, sizeof(fs)) == 0;
    free(a);
    free(b);
  }
  if(!same) {
    n_failures++;
    if(n_failures <= 10)
      tap_check(0, label, "fast path: %s \"%s\"; slow path: %s \"%s\" (%zu bytes: %.*s)", mxm_status_name(f),
                f ? fe.message : "", mxm_status_name(s), s ? se.message : "", len, (int)(len < 200 ? len : 200),
                buf);
  }
  mxm_json_free(&fj);
  mxm_json_free(&sj);
}

static const char *const table[] = {
  "{}", "[]", " {} ", "\t[ ]\r\n", "{\"a\":1}", "{\"a\":1,\"b\":2,\"a\":3}", "{\"\":0}", "null", "true", "false",
  "0", "-0", "1", "-1", " 7 ", "123456789012345678", "-123456789012345678", "1234567890123456789",
  "9223372036854775807", "9223372036854775808", "-9223372036854775808", "99999999999999999999999", "01", "-",
  "--1", "1.5", "1e5", "1E+5", "-0.0", "1.", ".5", "[1,]", "[,1]", "{\"a\"}", "{\"a\":}", "{\"a\" 1}", "{1:2}",
  "[1 2]", "[1]x", "[1] [2]", "\"\"", "\"a\\\"b\"", "\"\\\\\"", "\"\\/\"", "\"\\b\\f\\n\\r\\t\"", "\"\\u0041\"",
  "\"\\u00e9\"", "\"\\u20ac\"", "\"\\ud83d\\ude00\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"",
  "\"\\u0000\"", "{\"a\\u0000\":1}", "{\"a\":\"\\u0000\"}", "\"\\u00\"", "\"\\uzzzz\"", "\"\\x\"", "\"\\",
  "\"abc", "\"\x01\"", "\"\x7f\"", "\"\xc3\xa9\"", "\"\xc3\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\"",
  "\"\xf4\x90\x80\x80\"", "\"\xf0\x9f\x98\x80\"", "\xc3\xa9", "'a'", "{'a':1}", "tru", "truex", "nul", "NaN",
  "Infinity", "[true,false,null]", "{\"a\":null,\"b\":[null]}", "/* */{}", "{\"a\":{\"b\":{\"c\":[1,{\"d\":\"e\"}]}}}",
  "{\"k\\u00e9y\":\"v\\u00e9\",\"k\\\"\":{\"x\\ty\":[\"\\n\"]}}", "[\"\\u0000\", {\"\\u0041\":\"\\u0042\"}]",
  "\x0b{}", "{}\x0c", "[1,\x0b2]",
};

static void check_table(void)
{
  size_t i;
  char label[64];
  for(i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
    snprintf(label, sizeof(label), "table row %zu", i);
    compare(label, table[i], strlen(table[i]));
  }
  {
    /* longer than the fast path's scratch: an escaped string, a key, keys
     * nested inside keys */
    static char big[8192];
    size_t k, n;
    for(k = 0; k < 3; k++) {
      size_t at = 0;
      n = k == 0 ? 3000 : 1500;
      memcpy(big + at, k == 0 ? "[\"" : "{\"", 2);
      at += 2;
      memset(big + at, 'a', n);
      at += n;
      {
        const char *tail = k == 0 ? "\\n\"]" : k == 1 ? "\\t\":1}" : "\":{\"";
        memcpy(big + at, tail, strlen(tail));
        at += strlen(tail);
      }
      if(k == 2) {
        memset(big + at, 'b', n);
        at += n;
        memcpy(big + at, "\":2}}", 5);
        at += 5; /* "bbb":2}} */
      }
      compare("beyond the scratch", big, at);
    }
  }
  compare("NUL byte", "{\"a\":\0}", 7);
  compare("NUL in a string", "\"a\0b\"", 5);
}

/* Nesting around the depth limit, both kinds of bracket. */
static void check_depth(void)
{
  char buf[4 * (MXM_JSON_MAX_DEPTH + 4)];
  size_t d, n, k;
  for(d = MXM_JSON_MAX_DEPTH - 2; d <= MXM_JSON_MAX_DEPTH + 2; d++) {
    n = 0;
    for(k = 0; k < d; k++) {
      if(k % 2) {
        memcpy(buf + n, "{\"k\":", 5);
        n += 5;
      } else
        buf[n++] = '[';
    }
    for(k = d; k-- > 0;)
      buf[n++] = k % 2 ? '}' : ']';
    compare("depth", buf, n);
  }
}

static char *read_file(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  char *buf = NULL;
  long n;
  if(!f)
    return NULL;
  if(fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
     (buf = malloc((size_t)n + 1)) != NULL) {
    *len = fread(buf, 1, (size_t)n, f);
    buf[*len] = '\0';
  }
  fclose(f);
  return buf;
}

static const char mutate_bytes[] = "\"\\u0-.e{}[],: \tntf/x\x01\x7f\x80\xc3\xe2\xf0\xff";
static const char *const inserts[] = {"\\u0000", "\\ud800", "\\u00e9", "1.5", "12345678901234567890", "\\/", "\"\"",
                                      "{}", "[[", "\xc3\xa9", "-0"};

/* Every byte of buf deleted or replaced, and snippets inserted, at every
 * stride-th position from phase. */
static void mutate(const char *label, const char *buf, size_t len, size_t stride, size_t phase)
{
  char *m = malloc(len + 32);
  size_t j, k;
  if(!m)
    return;
  for(j = phase; j < len; j += stride) {
    memcpy(m, buf, j);
    memcpy(m + j, buf + j + 1, len - j - 1);
    compare(label, m, len - 1);
    memcpy(m, buf, len);
    for(k = 0; k < sizeof(mutate_bytes) - 1; k++) {
      m[j] = mutate_bytes[k];
      compare(label, m, len);
    }
    for(k = 0; k < sizeof(inserts) / sizeof(inserts[0]); k++) {
      size_t il = strlen(inserts[k]);
      memcpy(m, buf, j);
      memcpy(m + j, inserts[k], il);
      memcpy(m + j + il, buf + j, len - j);
      compare(label, m, len + il);
    }
  }
  free(m);
}

/* Every file of dir; the first max_mutated of them mutated too. */
static size_t check_dir(const char *dir, size_t max_mutated)
{
  DIR *d = opendir(dir);
  struct dirent *de;
  size_t files = 0;
  if(!d)
    return 0;
  while((de = readdir(d)) != NULL) {
    char path[4096];
    size_t len = 0;
    char *buf;
    if(de->d_name[0] == '.')
      continue;
    snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
    buf = read_file(path, &len);
    if(!buf)
      continue;
    compare(path, buf, len);
    if(files < max_mutated)
      mutate(path, buf, len, 7, files % 7);
    files++;
    free(buf);
  }
  closedir(d);
  return files;
}

int main(void)
{
  static const char *const dirs[] = {"fuzz_event_parse", "fuzz_canonical", "fuzz_case_loader", "fuzz_auth"};
  size_t i, files = 0;
  check_table();
  check_depth();
  for(i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
    char dir[256];
    snprintf(dir, sizeof(dir), "../../corpus/%s", dirs[i]);
    files += check_dir(dir, i < 2 ? 80 : 0);
    snprintf(dir, sizeof(dir), "../../corpus/regressions/%s", dirs[i]);
    files += check_dir(dir, 8);
  }
  printf("# %zu files, %zu inputs, %zu parsed\n", files, n_inputs, n_ok);
  tap_check(files > 100, "seed corpora read", "%zu files (run from ref/tests)", files);
  tap_check(n_failures == 0, "both paths agree", "%zu of %zu inputs differ", n_failures, n_inputs);
  /* the comparison is not vacuous: both accepted and refused inputs */
  tap_check(n_ok > 1000 && n_ok < n_inputs, "inputs of both kinds", "%zu of %zu parsed", n_ok, n_inputs);
  return tap_done();
}
