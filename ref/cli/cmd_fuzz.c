/* cmd_fuzz.c: `mxm fuzz`, differential fuzzing of an implementation through
 * its adapter. It lives in the mxm_conform library
 * (conformance/runner/fuzz_adapter.c), next to the expander and the adapter
 * host it reuses; this file only forwards. */
#include "cli.h"

int mxmc_fuzz_main(int argc, char **argv);

int cmd_fuzz(int argc, char **argv)
{
  return mxmc_fuzz_main(argc, argv);
}
