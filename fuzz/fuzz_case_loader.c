/*
 * fuzz/fuzz_case_loader.c: a malformed conformance case file must never
 * crash (or leak in) the runner (conformance/runner, library mxm_conform).
 *
 * Each input is a case file's bytes. The harness writes them to one
 * per-process temporary file (created and unlinked at start-up, reached
 * through /proc/self/fd, so nothing is left behind), then runs what
 * `mxm conform` runs on a file: load (mxmc_file_load), lint
 * (mxmc_lint_file, findings counted, not printed) and, when it parsed, the
 * whole file against the in-process reference (mxmc_run_file, report to
 * /dev/null). Checked: no crash, no sanitizer report, no leak, and a file
 * that did not parse always says why.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "conform.h"

#define H "fuzz_case_loader"
#define MAX_CASE_BYTES (256u * 1024u) /* the largest committed case file is well under this */

static int case_fd = -1;
static char case_path[64];
static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  char tmpl[] = "/tmp/mxm-fuzz-case-XXXXXX";
  (void)argc;
  (void)argv;
  mxmf_init();
  if(case_fd < 0) {
    case_fd = mkstemp(tmpl);
    if(case_fd >= 0) {
      unlink(tmpl);
      snprintf(case_path, sizeof(case_path), "/proc/self/fd/%d", case_fd);
    }
  }
  if(!devnull)
    devnull = fopen("/dev/null", "w");
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct mxmc_file *f;
  struct mxmc_lint lint;
  struct mxmc_report *rep;
  struct mxmc_options opt;

  LLVMFuzzerInitialize(NULL, NULL);
  if(case_fd < 0 || !devnull || size > MAX_CASE_BYTES)
    return 0;
  if(ftruncate(case_fd, 0) != 0 || pwrite(case_fd, data, size, 0) != (ssize_t)size)
    return 0;
  f = mxmc_file_load(case_path);
  if(!f)
    return 0; /* out of memory */
  if(!f->root) {
    if(!f->load_error || !f->load_error[0])
      mxmf_finding(H, NULL, "a case file that did not load gives no reason");
    mxmc_file_free(&f);
    return 0;
  }
  memset(&lint, 0, sizeof(lint));
  lint.out = NULL;
  (void)mxmc_lint_file(&lint, f);
  mxmc_lint_free(&lint);

  memset(&opt, 0, sizeof(opt));
  rep = mxmc_report_new(MXMC_FMT_TEXT, devnull, 0);
  if(rep) {
    mxmc_run_file(f, &opt, rep);
    (void)mxmc_report_finish(rep);
    mxmc_report_free(&rep);
  }
  mxmc_file_free(&f);
  return 0;
}
