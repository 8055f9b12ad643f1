/*
 * test_lsan.c: LeakSanitizer is on in the sanitizer test run.
 *
 * The allocation-failure loop (test_alloc_fail) and every other unit test
 * rely on LeakSanitizer to report a leak; if the asan ctest run lost
 * detect_leaks=1 (CMakePresets.json, test preset "asan") or LeakSanitizer
 * stopped working on the machine, those tests would pass with leaks. This
 * test plants one leak on purpose, hides its pointer from the leak scanner,
 * and asks LeakSanitizer for a recoverable check: it must report the leak.
 * Then it frees the block, so the check at exit finds nothing. The leak
 * report printed in the middle of the run is that planted leak.
 *
 * Without AddressSanitizer (the default preset) it exits 77: skipped.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MXM_TEST_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(MXM_TEST_ASAN)
#define MXM_TEST_ASAN 1
#endif

#ifdef MXM_TEST_ASAN
#include <sanitizer/lsan_interface.h>

#include "tap.h"

#define MASK ((uintptr_t)0x5a5a5a5a5a5a5a5aULL)
static volatile uintptr_t hidden; /* the planted block's address, masked */

__attribute__((noinline)) static int plant(void)
{
  char *p = malloc(48);
  if(!p)
    return 0;
  memset(p, 7, 48);
  hidden = (uintptr_t)p ^ MASK;
  return 1;
}

/* Overwrite the stack the allocation used, so no stale copy of the pointer
 * keeps the block reachable. */
__attribute__((noinline)) static void clobber(void)
{
  volatile char buf[8192];
  size_t i;
  for(i = 0; i < sizeof buf; i++)
    buf[i] = 0;
}

int main(void)
{
  int leaks;
  const char *opts = getenv("ASAN_OPTIONS");
  tap_check(plant(), "plant a 48-byte block", "malloc failed");
  clobber();
  fprintf(stderr, "test_lsan: the leak report below is the planted leak\n");
  leaks = __lsan_do_recoverable_leak_check();
  tap_check(leaks != 0, "LeakSanitizer reports the planted leak",
            "no leak reported: LeakSanitizer is off (ASAN_OPTIONS=%s)", opts ? opts : "(unset)");
  free((void *)(hidden ^ MASK));
  return tap_done();
}
#else
int main(void)
{
  printf("test_lsan: not built with AddressSanitizer: skipped\n");
  return 77;
}
#endif
