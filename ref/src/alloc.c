/*
 * alloc.c: the library's allocator and its fault-injection hook
 * (alloc_int.h). Owns nothing else.
 */
#include "alloc_int.h"

#include <stdlib.h>

static unsigned long fail_at;   /* 0 = disarmed */
static int fail_persistent;
static unsigned long seen;      /* allocation points passed while armed */
static unsigned long failed;    /* of which made to fail */
static int paused;

int mxmi_alloc_fails(void)
{
  if(!fail_at || paused)
    return 0;
  seen++;
  if(seen == fail_at || (fail_persistent && seen > fail_at)) {
    failed++;
    return 1;
  }
  return 0;
}

void *mxmi_malloc(size_t n)
{
  return mxmi_alloc_fails() ? NULL : malloc(n);
}

void *mxmi_calloc(size_t count, size_t size)
{
  return mxmi_alloc_fails() ? NULL : calloc(count, size);
}

void *mxmi_realloc(void *p, size_t n)
{
  return mxmi_alloc_fails() ? NULL : realloc(p, n);
}

void mxmi_alloc_fail_at(unsigned long n, int persistent)
{
  fail_at = n;
  fail_persistent = persistent;
  seen = 0;
  failed = 0;
  paused = 0;
}

void mxmi_alloc_pause(int on) { paused = on; }

unsigned long mxmi_alloc_count(void) { return seen; }

unsigned long mxmi_alloc_failures(void) { return failed; }
