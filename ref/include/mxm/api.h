/*
 * mxm/api.h: the client-server membership API as a layer of its own.
 *
 * Given a state, a caller and a target, an endpoint (/invite, /join, /leave,
 * /kick, /ban, /unban, /knock) either refuses (with HTTP status and errcode)
 * or produces the m.room.member event it would send, which then goes through
 * the auth rules. The API verdict and the auth verdict are kept apart: /kick
 * of a user who is not in the room is refused by the API although the raw
 * event passes auth. Every API-only refusal cites its spec statement.
 */
#ifndef MXM_API_H
#define MXM_API_H

#include "mxm/auth.h"
#include "mxm/json.h"
#include "mxm/state.h"
#include "mxm/status.h"

#ifdef __cplusplus
extern "C" {
#endif

enum mxm_endpoint {
  MXM_API_INVITE = 0,
  MXM_API_JOIN,
  MXM_API_LEAVE,
  MXM_API_KICK,
  MXM_API_BAN,
  MXM_API_UNBAN,
  MXM_API_KNOCK
};
/* "invite" ... "knock"; static. */
const char *mxm_endpoint_name(enum mxm_endpoint e);
/* MXM_OK or MXM_E_USAGE. */
enum mxm_status mxm_endpoint_parse(const char *name, enum mxm_endpoint *out) MXM_MUST_CHECK;

struct mxm_api_call {
  enum mxm_endpoint endpoint;
  const char *caller;  /* user ID making the request */
  const char *target;  /* user_id in the body (invite/kick/ban/unban); NULL = caller */
  const char *reason;  /* optional */
};

enum mxm_api_verdict { MXM_API_OK = 1, MXM_API_REFUSED = 2, MXM_API_UNSPECIFIED = 3 };

struct mxm_api_result {
  enum mxm_api_verdict verdict;
  int http_status;        /* 200, 403, ... */
  const char *errcode;    /* "M_FORBIDDEN" etc., NULL when ok */
  const char *reason;     /* static human text */
  const char *spec;       /* static citation of the statement behind the verdict */
  struct mxm_json *event; /* the event the endpoint would send (owned), or NULL */
  int has_auth;           /* auth holds the verdict on event */
  struct mxm_result auth;
};

/* Run one call. out->event is owned by out: release with mxm_api_result_clear. */
enum mxm_status mxm_api_call(const struct mxm_state *st, const struct mxm_api_call *call,
                             const struct mxm_auth_options *opt, struct mxm_api_result *out,
                             struct mxm_error *err) MXM_MUST_CHECK;
void mxm_api_result_clear(struct mxm_api_result *res);

#ifdef __cplusplus
}
#endif
#endif /* MXM_API_H */
