/*
 * mxm/client.h: the client view. What a client makes of the /sync responses
 * its homeserver sends: for each room, the sync section it sits in, the
 * user's own membership, the members with their membership and profile, the
 * room name, and how each membership event of the last sync is classified by
 * the transition table (mxm/transition.h).
 *
 * The rules it follows (matrix-spec data/api/client-server/sync.yaml;
 * data/event-schemas/schema/m.room.member.yaml; content/client-server-api/
 * _index.md §Stripped state):
 *  - rooms.join and rooms.leave carry real state: `state` events, then the
 *    `timeline`'s state events, each replacing the (type, state_key) before
 *    it; a redaction in the timeline strips the current state event it names.
 *  - rooms.invite / rooms.knock carry stripped state, kept apart from the
 *    real state (it "SHOULD NOT be trusted"): it names the room and its
 *    members while the room is an invite or a knock, never says anything
 *    about the user's own membership (the section does), and is discarded
 *    when the room moves to join or leave.
 *  - a member's membership is content.membership of their current member
 *    event, whatever the transition; the outcome of a membership event comes
 *    from unsigned.prev_content (before v1.2 also the top-level prev_content,
 *    where the spec then put it), read as leave when it is absent.
 *  - from v1.11, unsigned.membership (the user's own membership at an event)
 *    tells ban from leave in a rooms.leave entry that carries no member event
 *    of the user.
 * Malformed events are skipped (a degraded view, never an error); a body
 * whose structure is not a /sync response (rooms not an object, events not an
 * array) is MXM_E_MALFORMED with the JSON pointer in err->where, and leaves
 * the view as it was.
 */
#ifndef MXM_CLIENT_H
#define MXM_CLIENT_H

#include "mxm/event.h"
#include "mxm/json.h"
#include "mxm/status.h"
#include "mxm/version.h"

#ifdef __cplusplus
extern "C" {
#endif

struct mxm_client; /* opaque */

enum mxm_sync_section {
  MXM_SECTION_NONE = 0, /* the client does not know the room */
  MXM_SECTION_JOIN,
  MXM_SECTION_INVITE,
  MXM_SECTION_KNOCK,
  MXM_SECTION_LEAVE
};
/* "none", "join", "invite", "knock", "leave". Static. */
const char *mxm_section_name(enum mxm_sync_section s);

/* A client for user_id (copied) following the text of release spec. */
enum mxm_status mxm_client_new(const char *user_id, enum mxm_spec_release spec,
                               struct mxm_client **out) MXM_MUST_CHECK;
void mxm_client_free(struct mxm_client **cp);

/* Apply one /sync response body. where_prefix (may be NULL) is put before
 * the JSON pointer of an error ("/syncs/2"). */
enum mxm_status mxm_client_apply_sync(struct mxm_client *c, const struct mxm_json *body,
                                      const char *where_prefix, struct mxm_error *err) MXM_MUST_CHECK;

/* The view after the syncs so far, as PROTOCOL.md §2.5 gives it:
 * {"rooms": {room: {"section", "membership", "name", "members", "outcomes"}}}
 * (outcomes: the membership events of the last sync). Caller owns *out. */
enum mxm_status mxm_client_view_json(const struct mxm_client *c, struct mxm_json **out) MXM_MUST_CHECK;

/* The whole run: a client for user_id at spec applies each body of the
 * array syncs in turn; *views_out (caller owns it) is the array of views
 * after each. A malformed body is MXM_E_MALFORMED with err->where
 * "<prefix>/<i>/rooms/..." (prefix may be NULL: "" ); *views_out is then NULL. */
enum mxm_status mxm_client_run(const char *user_id, enum mxm_spec_release spec, const struct mxm_json *syncs,
                               const char *prefix, struct mxm_json **views_out,
                               struct mxm_error *err) MXM_MUST_CHECK;

/* Typed access, for invariant checks. */
size_t mxm_client_room_count(const struct mxm_client *c);
const char *mxm_client_room_id(const struct mxm_client *c, size_t i); /* borrowed; NULL past the end */
enum mxm_sync_section mxm_client_section(const struct mxm_client *c, const char *room_id);
/* The user's own membership (NONE for an unknown room). */
enum mxm_membership mxm_client_own_membership(const struct mxm_client *c, const char *room_id);
/* A member's membership as the view shows it: NONE when the view has no
 * member event for them, UNKNOWN when it has one whose content.membership
 * is not one of the five. */
enum mxm_membership mxm_client_member(const struct mxm_client *c, const char *room_id, const char *user_id);

#ifdef __cplusplus
}
#endif
#endif /* MXM_CLIENT_H */
