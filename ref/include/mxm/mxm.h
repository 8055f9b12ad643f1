/* mxm/mxm.h: the umbrella header of the mxm reference library. */
#ifndef MXM_MXM_H
#define MXM_MXM_H

#include "mxm/about.h"
#include "mxm/status.h"
#include "mxm/json.h"
#include "mxm/version.h"
#include "mxm/event.h"
#include "mxm/state.h"
#include "mxm/auth.h"
#include "mxm/transition.h"
#include "mxm/room.h"
#include "mxm/api.h"
#include "mxm/client.h"
#include "mxm/canonical.h"
#include "mxm/redact.h"
#include "mxm/sign.h"

#endif
