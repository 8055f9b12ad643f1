/*
 * fuzz/afl_main.c: AFL++ persistent-mode driver for any harness. Built only
 * with afl-clang-fast (scripts/fuzz.sh --engine afl). Shared-memory test
 * cases, deferred fork server after the once-per-process setup (so json-c's
 * hash seed is fixed before forking: stability 100 %, toolchain.md pitfall 2).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mxm/json.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

__AFL_FUZZ_INIT();

int main(int argc, char **argv)
{
  unsigned char *buf;
  mxm_json_deterministic();
  LLVMFuzzerInitialize(&argc, &argv);
#ifdef __AFL_HAVE_MANUAL_CONTROL
  __AFL_INIT();
#endif
  buf = __AFL_FUZZ_TESTCASE_BUF;
  while(__AFL_LOOP(10000)) {
    size_t len = (size_t)__AFL_FUZZ_TESTCASE_LEN;
    /* An exactly sized copy, so that sanitizers see reads past the end. */
    uint8_t *copy = malloc(len ? len : 1);
    if(!copy)
      continue;
    memcpy(copy, buf, len);
    LLVMFuzzerTestOneInput(copy, len);
    free(copy);
  }
  return 0;
}
