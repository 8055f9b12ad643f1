/*
 * ref_adapter.c: mxm-ref-adapter, the reference library behind the adapter
 * protocol (conformance/PROTOCOL.md). It answers each request exactly as the
 * in-process run does (mxmc_ref_answer), so running the corpus through it
 * tests the protocol end to end, and an adapter author can compare their
 * adapter's output with this one's line by line.
 *
 *   mxm-conform --adapter 'build/default/bin/mxm-ref-adapter' conformance/cases
 */
#include <stdio.h>
#include <string.h>

#include "conform.h"

static struct mxm_json *answer(const struct mxm_json *req, void *ctx)
{
  (void)ctx;
  return mxmc_ref_answer(req);
}

int main(int argc, char **argv)
{
  if(argc > 1) {
    fprintf(stdout, "usage: %s\n\nSpeaks conformance/PROTOCOL.md on stdin/stdout; started by\n"
                    "`mxm conform --adapter '%s'`. Takes no options.\n",
            argv[0], argv[0]);
    return strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ? 0 : 2;
  }
  mxm_json_deterministic();
  return mxmc_adapter_serve(stdin, stdout, "mxm-ref-adapter 0.1.0", answer, NULL);
}
