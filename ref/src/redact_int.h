/*
 * redact_int.h: redaction for the library's own hashing and verifying
 * (internal; mxmi_ prefix).
 */
#ifndef MXM_REDACT_INT_H
#define MXM_REDACT_INT_H

#include "mxm/redact.h"

/*
 * mxm_redact without the copies: the result holds the kept values of event
 * themselves (one more owner each), not deep copies. Only read it (encode
 * it, look things up in it) and free it; any change to it would change
 * event. The reference hash, signing and verifying use this: they encode
 * the redacted form once and never edit it.
 */
enum mxm_status mxmi_redact_shared(const struct mxm_json *event, const struct mxm_room_version *rv,
                                   struct mxm_json **out, struct mxm_error *err);

#endif /* MXM_REDACT_INT_H */
