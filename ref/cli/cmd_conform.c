/* cmd_conform.c: `mxm conform`, the conformance runner. All of it lives in
 * the mxm_conform library (conformance/runner/); this file only forwards, so
 * the CLI stays a thin layer. */
#include "cli.h"

int mxmc_main(int argc, char **argv);

int cmd_conform(int argc, char **argv)
{
  return mxmc_main(argc, argv);
}
