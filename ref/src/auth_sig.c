/*
 * auth_sig.c: the signature facts the auth rules need (mxm_auth_facts_compute):
 * whether a third-party invite's `signed` object carries a valid signature by
 * a key of the matching m.room.third_party_invite, and whether an event that
 * names join_authorised_via_users_server is signed by that user's server.
 *
 * Until signature verification is implemented, every needed fact is
 * MXM_SIG_UNKNOWN, which the rule engine reports as "cannot decide" (never
 * as allowed).
 */
#include <stdio.h>
#include <string.h>

#include "mxm/auth.h"

enum mxm_status mxm_auth_facts_compute(const struct mxm_state *st, const struct mxm_event *ev,
                                       struct mxm_auth_facts *out, struct mxm_error *err)
{
  (void)st;
  (void)err;
  memset(out, 0, sizeof(*out));
  if(ev->kind != MXM_EVENT_MEMBER)
    return MXM_OK;
  if(ev->u.member.has_third_party_invite) {
    out->tpi_signature = MXM_SIG_UNKNOWN;
    snprintf(out->tpi_detail, sizeof(out->tpi_detail), "third-party-invite signature verification is not available");
  }
  if(ev->u.member.has_join_authorised) {
    out->authoriser_signature = MXM_SIG_UNKNOWN;
    snprintf(out->authoriser_detail, sizeof(out->authoriser_detail),
             "server signature verification (rule 4.2) is not available");
  }
  return MXM_OK;
}
