/*
 * util.c: small helpers of the conformance runner: a growable string, JSON
 * pointer tokens, version sets, rule branches and the spec release in which
 * each room version first appears. Owns no state.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conform.h"

static int buf_reserve(struct mxmc_buf *b, size_t extra)
{
  size_t need, ncap;
  char *nd;
  if(b->failed)
    return -1;
  need = b->len + extra + 1;
  if(need <= b->cap)
    return 0;
  ncap = b->cap ? b->cap : 64;
  while(ncap < need)
    ncap *= 2;
  nd = realloc(b->data, ncap);
  if(!nd) {
    b->failed = 1;
    return -1;
  }
  b->data = nd;
  b->cap = ncap;
  return 0;
}

void mxmc_buf_addn(struct mxmc_buf *b, const char *s, size_t n)
{
  if(buf_reserve(b, n))
    return;
  memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
}

void mxmc_buf_add(struct mxmc_buf *b, const char *s)
{
  mxmc_buf_addn(b, s ? s : "", s ? strlen(s) : 0);
}

void mxmc_buf_printf(struct mxmc_buf *b, const char *fmt, ...)
{
  va_list ap;
  int n;
  va_start(ap, fmt);
  n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if(n < 0 || buf_reserve(b, (size_t)n))
    return;
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

const char *mxmc_buf_str(const struct mxmc_buf *b)
{
  return b->data ? b->data : "";
}

char *mxmc_buf_take(struct mxmc_buf *b)
{
  char *s = b->data;
  if(!s)
    s = mxmc_strdup("");
  b->data = NULL;
  b->len = b->cap = 0;
  b->failed = 0;
  return s;
}

void mxmc_buf_free(struct mxmc_buf *b)
{
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
  b->failed = 0;
}

char *mxmc_strdup(const char *s)
{
  size_t n;
  char *d;
  if(!s)
    return NULL;
  n = strlen(s);
  d = malloc(n + 1);
  if(d)
    memcpy(d, s, n + 1);
  return d;
}

char *mxmc_printf(const char *fmt, ...)
{
  va_list ap;
  int n;
  char *s;
  va_start(ap, fmt);
  n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if(n < 0)
    return NULL;
  s = malloc((size_t)n + 1);
  if(!s)
    return NULL;
  va_start(ap, fmt);
  vsnprintf(s, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return s;
}

void mxmc_buf_ptr_token(struct mxmc_buf *b, const char *token)
{
  const char *p;
  mxmc_buf_add(b, "/");
  for(p = token; *p; p++) {
    if(*p == '~')
      mxmc_buf_add(b, "~0");
    else if(*p == '/')
      mxmc_buf_add(b, "~1");
    else
      mxmc_buf_addn(b, p, 1);
  }
}

void mxmc_buf_json_string(struct mxmc_buf *b, const char *s)
{
  const unsigned char *p = (const unsigned char *)s;
  if(!s) {
    mxmc_buf_add(b, "null");
    return;
  }
  mxmc_buf_add(b, "\"");
  for(; *p; p++) {
    switch(*p) {
    case '"':
      mxmc_buf_add(b, "\\\"");
      break;
    case '\\':
      mxmc_buf_add(b, "\\\\");
      break;
    case '\n':
      mxmc_buf_add(b, "\\n");
      break;
    case '\r':
      mxmc_buf_add(b, "\\r");
      break;
    case '\t':
      mxmc_buf_add(b, "\\t");
      break;
    default:
      if(*p < 0x20)
        mxmc_buf_printf(b, "\\u%04x", *p);
      else
        mxmc_buf_addn(b, (const char *)p, 1);
    }
  }
  mxmc_buf_add(b, "\"");
}

const char *mxmc_basename(const char *path)
{
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

/* Reads a decimal number in [1, 31] at *p; advances *p. -1 when absent. */
static int read_version_number(const char **p)
{
  int v = 0, digits = 0;
  if(**p == 'v')
    (*p)++;
  while(**p >= '0' && **p <= '9' && digits < 3) {
    v = v * 10 + (**p - '0');
    (*p)++;
    digits++;
  }
  if(!digits || v < 1 || v > 31)
    return -1;
  return v;
}

uint32_t mxmc_version_set(const char *text)
{
  uint32_t set = 0;
  const char *p = text;
  if(!text)
    return 0;
  if(strcmp(text, "all") == 0)
    return 0x1ffe; /* 1..12 */
  while(*p) {
    int lo, hi, i;
    while(*p == ' ' || *p == ',')
      p++;
    if(!*p)
      break;
    lo = read_version_number(&p);
    if(lo < 0)
      return 0;
    hi = lo;
    if(*p == '-' || *p == '+') {
      int open = *p == '+';
      p++;
      if(open)
        hi = 12;
      else if((hi = read_version_number(&p)) < 0)
        return 0;
    }
    if(hi < lo)
      return 0;
    for(i = lo; i <= hi; i++)
      set |= (uint32_t)1 << i;
    if(*p && *p != ',' && *p != ' ')
      return 0;
  }
  return set;
}

enum mxm_spec_release mxmc_version_first_release(const char *id)
{
  /* content/changelog/v1.*.md: v8/v9 added in v1.2, v10 in v1.3, v11 in v1.8, v12 in v1.16;
   * knocking (v7) in v1.1; v1-v6 were specified in the r0 era. */
  static const struct {
    const char *id;
    enum mxm_spec_release first;
  } table[] = {
    {"1", MXM_SPEC_R0},    {"2", MXM_SPEC_R0},    {"3", MXM_SPEC_R0},     {"4", MXM_SPEC_R0},
    {"5", MXM_SPEC_R0},    {"6", MXM_SPEC_R0},    {"7", MXM_SPEC_V1_1},   {"8", MXM_SPEC_V1_2},
    {"9", MXM_SPEC_V1_2},  {"10", MXM_SPEC_V1_3}, {"11", MXM_SPEC_V1_8},  {"12", MXM_SPEC_V1_16},
  };
  size_t i;
  for(i = 0; i < sizeof(table) / sizeof(table[0]); i++)
    if(strcmp(table[i].id, id) == 0)
      return table[i].first;
  return (enum mxm_spec_release)(MXM_SPEC_CURRENT + 1);
}

void mxmc_rule_branch(const char *rule_id, char *out, size_t outlen)
{
  const char *last = strrchr(rule_id, '.');
  const char *first = strchr(rule_id, '.');
  size_t n;
  if(!outlen)
    return;
  if(!last) {
    n = strlen(rule_id);
  } else {
    const char *second = strchr(first + 1, '.');
    /* cut at the last dot, but keep at most two segments */
    const char *end = last;
    if(second && second < end)
      end = second;
    n = (size_t)(end - rule_id);
  }
  if(n >= outlen)
    n = outlen - 1;
  memcpy(out, rule_id, n);
  out[n] = '\0';
}

const char *mxmc_layer_name(enum mxmc_layer l)
{
  switch(l) {
  case MXMC_LAYER_AUTH:
    return "auth";
  case MXMC_LAYER_TRANSITION:
    return "transition";
  case MXMC_LAYER_API:
    return "api";
  case MXMC_LAYER_SEQUENCE:
    return "sequence";
  case MXMC_LAYER_CLIENT:
    return "client";
  }
  return "?";
}

int mxmc_layer_parse(const char *s)
{
  if(strcmp(s, "auth") == 0)
    return MXMC_LAYER_AUTH;
  if(strcmp(s, "transition") == 0)
    return MXMC_LAYER_TRANSITION;
  if(strcmp(s, "api") == 0)
    return MXMC_LAYER_API;
  if(strcmp(s, "sequence") == 0)
    return MXMC_LAYER_SEQUENCE;
  if(strcmp(s, "client") == 0)
    return MXMC_LAYER_CLIENT;
  return 0;
}

double mxmc_now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
