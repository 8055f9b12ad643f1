/*
 * fuzz/replay_selftest.c: a stand-in harness for testing the replay driver
 * (replay_main.c) itself: an input that starts with "BOOM" is a finding
 * (abort, as mxmf_finding does), anything else passes. test_replay_driver.sh
 * checks that a finding does not stop the replay and that every finding is
 * listed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if(size >= 4 && memcmp(data, "BOOM", 4) == 0) {
    fprintf(stderr, "\n==== MXM-FUZZ FINDING (replay_selftest) ====\ninput starts with BOOM\n==== end of finding ====\n");
    abort();
  }
  return 0;
}
