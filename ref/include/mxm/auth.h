/*
 * mxm/auth.h: authorisation of one event against a room state.
 *
 * Two steps. mxm_auth_facts_compute does the cryptography the rules need
 * (third-party-invite signatures, the rule 4.2 server signature) and may
 * allocate. mxm_auth_decide is the rule engine: a table of rows in spec
 * order, the first that fires decides; it allocates nothing and reads only
 * const inputs. mxm_auth_check does both.
 *
 * A verdict is never an error: MXM_OK with out->verdict MXM_ALLOW or
 * MXM_REJECT and the rule id (ref/RULES.md) that decided. Any other status
 * means "cannot decide" (malformed input, a key that is needed but not given)
 * and err says why; *out is then untouched.
 */
#ifndef MXM_AUTH_H
#define MXM_AUTH_H

#include <stddef.h>

#include "mxm/event.h"
#include "mxm/state.h"
#include "mxm/status.h"
#include "mxm/version.h"

#ifdef __cplusplus
extern "C" {
#endif

enum mxm_verdict { MXM_ALLOW = 1, MXM_REJECT = 2 };
const char *mxm_verdict_name(enum mxm_verdict v); /* "allow" / "reject" */

struct mxm_result {
  enum mxm_verdict verdict;
  const char *rule_id; /* static, e.g. "member.join.banned" */
  const char *reason;  /* static, human-readable */
  const char *spec;    /* static, the rule's citation for this room version */
  char where[MXM_ERROR_WHERE_MAX]; /* JSON pointer of the deciding field, or "" */
};

/* Leniencies model known deviations of real servers. All off by default; each
 * opens up behaviour the spec text forbids. */
enum mxm_lenient {
  MXM_LENIENT_NONE = 0
};

struct mxm_auth_options {
  enum mxm_spec_release spec;     /* whose rule text; MXM_SPEC_CURRENT by default */
  unsigned check_auth_events : 1; /* run the auth_events rules (needs IDs in the state) */
  unsigned lenient;               /* mxm_lenient bits */
};
/* spec = MXM_SPEC_CURRENT, auth-events checks on when the event lists any. */
void mxm_auth_options_init(struct mxm_auth_options *opt);

enum mxm_sig_fact {
  MXM_SIG_NOT_NEEDED = 0, /* the event does not need this check */
  MXM_SIG_VALID,
  MXM_SIG_INVALID,
  MXM_SIG_UNKNOWN         /* could not be checked (no key given): cannot decide */
};

struct mxm_auth_facts {
  enum mxm_sig_fact tpi_signature;        /* 3PID: some signature in signed verifies
                                             against some key of the token event */
  enum mxm_sig_fact authoriser_signature; /* rule 4.2: signed by the server of
                                             join_authorised_via_users_server */
  char tpi_detail[128];                   /* why, for reasons and errors */
  char authoriser_detail[128];
};

/* Compute the signature facts of ev against st. MXM_OK, or an error. */
enum mxm_status mxm_auth_facts_compute(const struct mxm_state *st, const struct mxm_event *ev,
                                       struct mxm_auth_facts *out, struct mxm_error *err) MXM_MUST_CHECK;

/* The rule engine. See the file comment. */
enum mxm_status mxm_auth_decide(const struct mxm_state *st, const struct mxm_event *ev,
                                const struct mxm_auth_facts *facts, const struct mxm_auth_options *opt,
                                struct mxm_result *out, struct mxm_error *err) MXM_MUST_CHECK;

/* Facts, then decide. opt may be NULL for the defaults. */
enum mxm_status mxm_auth_check(const struct mxm_state *st, const struct mxm_event *ev,
                               const struct mxm_auth_options *opt, struct mxm_result *out,
                               struct mxm_error *err) MXM_MUST_CHECK;

/* The rule table, for documentation, lint and coverage reports. */
struct mxm_rule_info {
  const char *id;            /* "member.join.banned" */
  enum mxm_verdict verdict;  /* what the rule decides when it fires */
  const char *summary;       /* one line */
  const char *versions;      /* room versions it exists in, e.g. "1-12", "8-12" */
};
const struct mxm_rule_info *mxm_rules(size_t *count);
/* The row for id, or NULL. */
const struct mxm_rule_info *mxm_rule_find(const char *id);

#ifdef __cplusplus
}
#endif
#endif /* MXM_AUTH_H */
