/*
 * fuzz/fuzz_differential.c: the rule engine against the independent
 * decision procedure of fuzz/oracle.c, on structure-aware cases.
 *
 * Any disagreement on the verdict, or on the rule id where the oracle names
 * one, is a finding: both answers and the decoded case are printed and the
 * process aborts. Cases the spec leaves open (conformance/NOTES.md#ambiguities-and-contradictions) come back from the
 * oracle as MXMO_EITHER and are counted, not compared.
 */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "decode.h"

#define H "fuzz_differential"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  mxmf_init();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct mxmf_reader r;
  struct mxmf_case c;
  struct mxmo_answer want;
  struct mxmf_run run;
  char b1[512];

  mxmf_init();
  mxmf_reader_init(&r, data, size);
  mxmf_decode_case(&r, &c);
  mxmo_decide(&c, &want);
  mxmf_run_case(&c, &run);
  if(!mxmf_expect_decided(H, &c, &want, &run)) {
    mxmf_run_free(&run);
    return 0;
  }
  if(want.verdict == MXMO_EITHER) {
    mxmf_stats.either++;
  } else {
    enum mxm_verdict v = want.verdict == MXMO_ALLOW ? MXM_ALLOW : MXM_REJECT;
    int rule_differs = want.rule && (!run.res.rule_id || strcmp(want.rule, run.res.rule_id) != 0);
    if(run.res.verdict != v || rule_differs)
      mxmf_finding(H, &c, "rule engine and oracle disagree\n  library: %s\n  oracle:  %s by %s (%s)",
                   mxmf_result_text(&run.res, b1, sizeof(b1)), want.verdict == MXMO_ALLOW ? "allow" : "reject",
                   want.rule ? want.rule : "(any rule)", want.why);
  }
  mxmf_run_free(&run);
  return 0;
}
