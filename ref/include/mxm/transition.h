/*
 * mxm/transition.h: what a membership change *means*, per the transition
 * table in the m.room.member schema, one table per spec era (r0.5.0-r0.6.1, v1.1-v1.2, v1.3+).
 *
 * This is interpretation only; whether a change is allowed is mxm/auth.h.
 * The two disagree in documented places (knock->join, invite->knock, 3PID
 * join->invite): classification never consults the auth rules.
 */
#ifndef MXM_TRANSITION_H
#define MXM_TRANSITION_H

#include "mxm/event.h"
#include "mxm/status.h"
#include "mxm/version.h"

#ifdef __cplusplus
extern "C" {
#endif

struct mxm_transition {
  const char *outcome; /* stable name, conformance/FORMAT.md "Outcome names"; static */
  const char *text;    /* the spec's cell text, code markup removed; static */
  unsigned must_never_happen : 1;
  unsigned not_implemented : 1;
};

/*
 * Classify from -> to in era. from may be MXM_MEMBERSHIP_NONE (read as leave,
 * as the table says when there is no prev_content). self is 1 when
 * sender == state_key. profile_changed matters only for join -> join.
 * MXM_OK, or MXM_E_USAGE for MXM_MEMBERSHIP_UNKNOWN or a bad era.
 */
enum mxm_status mxm_classify(enum mxm_era era, enum mxm_membership from, enum mxm_membership to,
                             int self, int profile_changed, struct mxm_transition *out) MXM_MUST_CHECK;

/* The raw cell text of the table of era (no sender split), static; NULL for
 * a bad argument. from NONE reads as leave. */
const char *mxm_table_cell(enum mxm_era era, enum mxm_membership from, enum mxm_membership to);

#ifdef __cplusplus
}
#endif
#endif /* MXM_TRANSITION_H */
