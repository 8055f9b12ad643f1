/*
 * limits.h: every hard limit of the reference library, with the reason for
 * its value, and compile-time checks of how they relate. Internal header;
 * the public headers repeat the limits callers need (MXM_MAX_EVENT_BYTES,
 * MXM_MAX_ID_BYTES, MXM_JSON_MAX_DEPTH, MXM_ERROR_WHERE_MAX), and the
 * static_asserts below keep the two in step.
 */
#ifndef MXM_LIMITS_H
#define MXM_LIMITS_H

#include <assert.h> /* static_assert (C11) */
#include <stdint.h>

#include "mxm/event.h"
#include "mxm/json.h"
#include "mxm/status.h"

/* Whole PDU as canonical JSON, signatures included: at most 65536 bytes
 * (C-S "Size limits" from v1.1, #3127; r0 said "larger than 65535"). */
static_assert(MXM_MAX_EVENT_BYTES == 65536, "spec PDU size limit");

/* Raw bytes mxm_event_parse looks at before giving up: the size limit is on
 * canonical JSON, and raw text may be longer (insignificant whitespace, or
 * "\u0041" escapes, 6 bytes for 1) or shorter ("1e10" is 11 bytes as
 * canonical JSON). 16 times the limit leaves room for any real
 * pretty-printed event while bounding work on hostile input; a larger input
 * is MXM_E_TOO_BIG without being parsed. */
#define MXM_MAX_EVENT_INPUT_BYTES ((size_t)16 * MXM_MAX_EVENT_BYTES)

/* state_key, type, sender, room_id, event_id: 255 bytes (C-S "Size limits";
 * appendices "User Identifiers", "Room IDs", "Event IDs"). */
static_assert(MXM_MAX_ID_BYTES == 255, "spec identifier size limit");

/* Largest integer allowed in canonical JSON (appendices "Canonical JSON") and
 * the range of a power level (m.room.power_levels.yaml): +-(2^53 - 1). */
#define MXM_MAX_SAFE_INT ((int64_t)9007199254740991LL)
static_assert(MXM_MAX_SAFE_INT == ((int64_t)1 << 53) - 1, "2^53 - 1");

/* Depth: below 2^63 in v1-v5 (pdu_v1.yaml), at most 2^53 - 1 from v6
 * (components/depth_v6.yaml); the room-version row carries the value. */

/* prev_events <= 20 and auth_events <= 10 (pdu_v1.yaml,
 * components/auth_events_prev_events_v4.yaml). Parsing does not reject a
 * longer list (that is a federation format check, not an auth rule input);
 * it only bounds how many IDs the parser copies, at the event size limit's
 * worth: an ID takes at least 3 bytes of JSON ("$",) so no valid event can
 * list more than MXM_MAX_EVENT_BYTES / 3 of them. */
#define MXM_SPEC_MAX_PREV_EVENTS 20
#define MXM_SPEC_MAX_AUTH_EVENTS 10
#define MXM_MAX_EVENT_REFS (MXM_MAX_EVENT_BYTES / 3)

/* Power-level maps (users, events, notifications) are bounded by the event
 * size: each entry costs at least 6 bytes of JSON ("":0,). */
#define MXM_MAX_PL_ENTRIES (MXM_MAX_EVENT_BYTES / 6)

/* The state's member map: at most 2^30 members. Sized for millions (1M
 * members measured: about 100 bytes of tables and 37 bytes of strings per
 * member); the cap keeps every table index and the 32-bit string offsets
 * of state_int.h in range. A put beyond it fails with MXM_E_NOMEM. */
#define MXM_MAX_STATE_MEMBERS ((size_t)1 << 30)
/* Non-member state events and indexed event IDs: the same bound (a put
 * beyond it is MXM_E_TOO_BIG). The string arena is capped at 4 GiB by its
 * 32-bit offsets (MXM_E_NOMEM beyond). */
#define MXM_MAX_STATE_EVENTS ((size_t)1 << 30)

/* A JSON pointer must fit struct mxm_error.where; longer pointers are cut at
 * a code-point boundary and end in "...". 128 bytes hold
 * "/events/<n>/content/users/" plus a 255-byte user ID only when truncated,
 * which is why truncation is defined rather than an error. */
static_assert(MXM_ERROR_WHERE_MAX >= 64, "room for the usual pointers");
static_assert(sizeof(((struct mxm_power_levels *)0)->invalid_where) == MXM_ERROR_WHERE_MAX,
              "invalid_where is a JSON pointer buffer like mxm_error.where");

/* The JSON parser's depth limit bounds every recursive walk in event.c. */
static_assert(MXM_JSON_MAX_DEPTH <= 128, "recursion bound for value walkers");

#endif /* MXM_LIMITS_H */
