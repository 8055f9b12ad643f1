/*
 * ref_adapter.c: mxm-ref-adapter, the reference library behind the adapter
 * protocol (conformance/PROTOCOL.md). It answers each request exactly as the
 * in-process run does (mxmc_ref_answer), so running the corpus through it
 * tests the protocol end to end, and an adapter author can compare their
 * adapter's output with this one's line by line.
 *
 *   mxm-conform --adapter 'build/default/bin/mxm-ref-adapter' conformance/cases
 *
 * It keeps the most recently used states, keyed by the bytes they came in
 * (ref/bench/PERFORMANCE.md): consecutive requests often carry the same one.
 */
#include <stdio.h>
#include <string.h>

#include "conform.h"

int main(int argc, char **argv)
{
  if(argc > 1) {
    fprintf(stdout, "usage: %s\n\nSpeaks conformance/PROTOCOL.md on stdin/stdout; started by\n"
                    "`mxm conform --adapter '%s'`. Takes no options.\n\n"
                    "It keeps the 16 most recently used request states, keyed by their bytes,\n"
                    "and answers a request carrying one of them without parsing it again.\n"
                    "Environment: MXM_REF_ADAPTER_NO_CACHE=1 parses every request whole;\n"
                    "MXM_REF_ADAPTER_STATS=1 prints the cache's hits and misses on stderr at exit.\n",
            argv[0], argv[0]);
    return strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ? 0 : 2;
  }
  mxm_json_deterministic();
  /* mxmc_ref_serve keeps the 16 most recently used states, keyed by the
   * bytes of the request's state (refimpl.c, "the state cache"). */
  return mxmc_ref_serve(stdin, stdout, "mxm-ref-adapter " MXM_VERSION);
}
