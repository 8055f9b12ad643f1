/*
 * status.c: status codes to names and text, and the error-detail helpers.
 * Owns nothing else.
 */
#include "mxm/status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *mxm_status_name(enum mxm_status status)
{
  switch(status) {
#define MXM_X_(name, num, text) \
  case MXM_##name:              \
    return "MXM_" #name;
    MXM_STATUS_LIST(MXM_X_)
#undef MXM_X_
  }
  return "MXM_UNKNOWN_STATUS";
}

const char *mxm_status_str(enum mxm_status status)
{
  switch(status) {
#define MXM_X_(name, num, text) \
  case MXM_##name:              \
    return text;
    MXM_STATUS_LIST(MXM_X_)
#undef MXM_X_
  }
  return "unknown status";
}

enum mxm_status mxm_error_set(struct mxm_error *err, enum mxm_status status,
                              const char *where, const char *fmt, ...)
{
  if(err) {
    va_list ap;
    err->status = status;
    snprintf(err->where, sizeof(err->where), "%s", where ? where : "");
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
  }
  return status;
}

void mxm_error_clear(struct mxm_error *err)
{
  if(err) {
    err->status = MXM_OK;
    err->where[0] = '\0';
    err->message[0] = '\0';
  }
}
