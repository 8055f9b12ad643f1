/*
 * fuzz/fuzz_differential.c: the rule engine against the independent
 * decision procedure of fuzz/oracle.c, on structure-aware cases.
 *
 * Any disagreement on the verdict, or on the rule id where the oracle names
 * one, is a finding: both answers and the decoded case are printed and the
 * process aborts. Cases the spec leaves open (conformance/NOTES.md#ambiguities-and-contradictions) come back from the
 * oracle as MXMO_EITHER and are counted, not compared.
 *
 * Two paths (fuzz/README.md "Typed and JSON paths"): every input runs on
 * the typed path (fuzz/typed.c: typed events, no JSON text, no hashing);
 * some inputs also run the whole bytes -> JSON text -> parse -> verdict
 * path (fuzz/build.c), which must then give the same outcome and verdict
 * as the typed path and is compared with the oracle too. Which inputs:
 * MXMF_JSON_PATH=all (every input; ctest's replays set it), =none, or by
 * default one input in 16, picked by a hash of its bytes (deterministic, so
 * a finding reproduces).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "decode.h"
#include "typed.h"

#define H "fuzz_differential"

static int json_mode = -1; /* 0 none, 1 sampled, 2 all */

static int want_json(const uint8_t *data, size_t size)
{
  uint32_t h = 2166136261u; /* FNV-1a */
  if(json_mode < 0) {
    const char *m = getenv("MXMF_JSON_PATH");
    json_mode = !m ? 1 : strcmp(m, "all") == 0 ? 2 : strcmp(m, "none") == 0 ? 0 : 1;
  }
  if(json_mode != 1)
    return json_mode == 2;
  for(size_t i = 0; i < size; i++)
    h = (h ^ data[i]) * 16777619u;
  return (h >> 7) % 16 == 0;
}

static enum mxmf_stage stage_of(enum mxmf_stage s) { return s == MXMF_AT_BUILD ? MXMF_AT_STATE : s; }

/* The library's verdict on run against the oracle's answer. */
static void compare(const char *path, const struct mxmf_case *c, const struct mxmo_answer *want,
                    const struct mxmf_run *run)
{
  char b1[512];
  if(want->verdict == MXMO_EITHER) {
    mxmf_stats.either++;
  } else {
    enum mxm_verdict v = want->verdict == MXMO_ALLOW ? MXM_ALLOW : MXM_REJECT;
    int rule_differs = want->rule && (!run->res.rule_id || strcmp(want->rule, run->res.rule_id) != 0);
    if(run->res.verdict != v || rule_differs)
      mxmf_finding(H, c, "rule engine and oracle disagree (%s path)\n  library: %s\n  oracle:  %s by %s (%s)", path,
                   mxmf_result_text(&run->res, b1, sizeof(b1)), want->verdict == MXMO_ALLOW ? "allow" : "reject",
                   want->rule ? want->rule : "(any rule)", want->why);
  }
}

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
  struct mxmf_run run, jrun;
  struct mxmt_room rm;
  int decided;
  char b1[512], b2[512];

  mxmf_init();
  mxmf_reader_init(&r, data, size);
  mxmf_decode_case(&r, &c);
  mxmo_decide(&c, &want);
  mxmt_run_case(&c, &run, &rm);
  decided = mxmf_expect_decided(H, &c, &want, &run);
  if(decided)
    compare("typed", &c, &want, &run);
  if(want_json(data, size)) {
    mxmf_run_case(&c, &jrun);
    /* Building and loading the state are one step on the typed path. */
    if(stage_of(jrun.stage) != stage_of(run.stage) || (jrun.stage != MXMF_DONE && jrun.status != run.status))
      mxmf_finding(H, &c, "the typed and JSON paths stop differently: typed %s (%s: %s), JSON %s (%s: %s)",
                   mxmf_stage_name(run.stage), mxm_status_name(run.status), run.err.message,
                   mxmf_stage_name(jrun.stage), mxm_status_name(jrun.status), jrun.err.message);
    if(decided && (jrun.res.verdict != run.res.verdict || !jrun.res.rule_id || !run.res.rule_id ||
                   strcmp(jrun.res.rule_id, run.res.rule_id) != 0))
      mxmf_finding(H, &c, "the typed and JSON paths disagree\n  typed: %s\n  JSON:  %s",
                   mxmf_result_text(&run.res, b1, sizeof(b1)), mxmf_result_text(&jrun.res, b2, sizeof(b2)));
    if(decided)
      compare("JSON", &c, &want, &jrun);
    mxmf_run_free(&jrun);
  }
  mxmf_run_free(&run);
  return 0;
}
