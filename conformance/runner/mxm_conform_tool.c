/* mxm_conform_tool.c: the `mxm-conform` program, identical to `mxm conform`
 * (argv is shifted so argv[0] reads "conform"). */
#include <stdio.h>

#include "conform.h"

int main(int argc, char **argv)
{
  int rc;
  argv[0] = "conform";
  rc = mxmc_main(argc, argv);
  if(fflush(stdout) != 0 || ferror(stdout)) {
    fprintf(stderr, "mxm-conform: error writing output\n");
    return MXMC_EXIT_INTERNAL;
  }
  return rc;
}
