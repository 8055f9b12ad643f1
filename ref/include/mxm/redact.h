/*
 * mxm/redact.h: the redaction algorithm of each room version
 * (content/rooms/fragments/v1-redactions.md, v6-, v9-, v11-redactions.md and
 * the room-version pages).
 */
#ifndef MXM_REDACT_H
#define MXM_REDACT_H

#include "mxm/json.h"
#include "mxm/status.h"
#include "mxm/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A redacted copy of event (caller owns *out; free with mxm_json_free).
 * The copy is deep: editing it never changes event. The algorithm is
 * rv->redaction (1, 6, 8, 9 or 11; ref/src/redact.c lists the keys).
 * MXM_OK, MXM_E_MALFORMED (event is not an object, or its content is
 * present but not an object: err->where "/content"), MXM_E_UNSUPPORTED
 * (rv names an unknown algorithm), MXM_E_USAGE (NULL rv or out),
 * MXM_E_NOMEM. */
enum mxm_status mxm_redact(const struct mxm_json *event, const struct mxm_room_version *rv,
                           struct mxm_json **out, struct mxm_error *err) MXM_MUST_CHECK;

#ifdef __cplusplus
}
#endif
#endif /* MXM_REDACT_H */
