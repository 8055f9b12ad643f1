/* about.c: the library's version at run time (mxm/about.h). */
#include "mxm/about.h"

const char *mxm_version(void)
{
  return MXM_VERSION;
}
