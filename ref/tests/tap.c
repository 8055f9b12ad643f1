/* tap.c: see tap.h. */
#include "tap.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int n_pass, n_fail;

int tap_check(int cond, const char *name, const char *fmt, ...)
{
  if(cond) {
    n_pass++;
    return 1;
  }
  n_fail++;
  printf("FAIL %s: ", name);
  if(fmt) {
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
  }
  printf("\n");
  return 0;
}

int tap_str_eq(const char *name, const char *expected, const char *actual)
{
  int ok = (expected == NULL && actual == NULL) ||
           (expected && actual && strcmp(expected, actual) == 0);
  return tap_check(ok, name, "\n  expected: %s\n  actual:   %s", expected ? expected : "(null)",
                   actual ? actual : "(null)");
}

int tap_int_eq(const char *name, int64_t expected, int64_t actual)
{
  return tap_check(expected == actual, name, "expected %lld, got %lld", (long long)expected,
                   (long long)actual);
}

int tap_done(void)
{
  printf("%d passed, %d failed\n", n_pass, n_fail);
  return (n_fail == 0 && n_pass > 0) ? 0 : 1;
}

char *tap_read_file(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  char *buf = NULL;
  size_t cap = 0, n = 0;
  if(!f)
    return NULL;
  for(;;) {
    size_t got;
    if(n + 4096 + 1 > cap) {
      char *nb;
      cap = cap ? cap * 2 : 8192;
      nb = realloc(buf, cap);
      if(!nb) {
        free(buf);
        fclose(f);
        return NULL;
      }
      buf = nb;
    }
    got = fread(buf + n, 1, cap - n - 1, f);
    n += got;
    if(got == 0)
      break;
  }
  fclose(f);
  buf[n] = '\0';
  if(len)
    *len = n;
  return buf;
}
