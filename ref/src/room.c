/*
 * room.c: the room state machine (mxm/room.h). Applying an event authorises
 * it against the current state (mxm_auth_check), puts it into the state only
 * when it is allowed, and classifies the member transition in all three
 * spec eras (transition.c).
 *
 * Owns: the apply sequence and its invariants: a rejected or undecidable
 * event changes nothing; the transition compares the target's membership
 * before the event with the event's membership, and (join -> join) the
 * profile hash of the target's current member event with the event's.
 * Does not own: the rules (auth*.c), the state (state.c), the tables
 * (transition.c).
 *
 * Classification is filled for every member event with a known membership,
 * accepted or not, so callers can say what a rejected change would have
 * meant; `accepted` says whether it happened.
 */
#include <stdlib.h>
#include <string.h>

#include "alloc_int.h"
#include "mxm/room.h"
#include "state_int.h" /* mxmi_profile_hash */

struct mxm_room {
  struct mxm_state *st; /* owned */
  struct mxm_auth_options opt;
};

enum mxm_status mxm_room_new(const struct mxm_room_version *rv, const struct mxm_auth_options *opt,
                             struct mxm_room **out)
{
  struct mxm_room *room;
  enum mxm_status s;
  if(!out)
    return MXM_E_USAGE;
  *out = NULL;
  if(!rv)
    return MXM_E_USAGE;
  room = mxmi_calloc(1, sizeof(*room));
  if(!room)
    return MXM_E_NOMEM;
  s = mxm_state_new(rv, &room->st);
  if(s != MXM_OK) {
    free(room);
    return s;
  }
  if(opt)
    room->opt = *opt;
  else
    mxm_auth_options_init(&room->opt);
  *out = room;
  return MXM_OK;
}

void mxm_room_free(struct mxm_room **roomp)
{
  if(!roomp || !*roomp)
    return;
  mxm_state_free(&(*roomp)->st);
  free(*roomp);
  *roomp = NULL;
}

const struct mxm_state *mxm_room_state(const struct mxm_room *room)
{
  return room ? room->st : NULL;
}

struct mxm_state *mxm_room_state_mut(struct mxm_room *room)
{
  return room ? room->st : NULL;
}

enum mxm_status mxm_room_apply(struct mxm_room *room, struct mxm_event *ev, struct mxm_apply_result *out,
                               struct mxm_error *err)
{
  enum mxm_status s;
  int profile_changed = 0;
  int era;

  if(!room || !ev || !out) {
    mxm_event_free(&ev);
    return mxm_error_set(err, MXM_E_USAGE, "", "mxm_room_apply: room, event and result are required");
  }
  memset(out, 0, sizeof(*out));
  out->is_member = ev->kind == MXM_EVENT_MEMBER;
  if(out->is_member && ev->state_key) {
    out->from = mxm_state_membership(room->st, ev->state_key);
    out->to = ev->u.member.membership;
    out->self = strcmp(ev->sender, ev->state_key) == 0;
    /* join -> join: did the profile change? The hash the event would give
     * its target against the current one; computing it needs nothing of
     * the event but these two fields (no copy, no event ID). */
    if(out->from == MXM_MEMBERSHIP_JOIN && out->to == MXM_MEMBERSHIP_JOIN)
      profile_changed = mxmi_profile_hash(ev->u.member.displayname, ev->u.member.avatar_url) !=
                        mxm_state_profile_hash(room->st, ev->state_key);
  }

  s = mxm_auth_check(room->st, ev, &room->opt, &out->auth, err);
  if(s != MXM_OK) {
    mxm_event_free(&ev);
    memset(out, 0, sizeof(*out));
    return s;
  }

  if(out->is_member && ev->state_key && out->to != MXM_MEMBERSHIP_NONE && out->to != MXM_MEMBERSHIP_UNKNOWN) {
    for(era = MXM_ERA_R0; era <= MXM_ERA_V1_3; era++) {
      /* from and to are valid cells here, so this cannot fail. */
      if(mxm_classify((enum mxm_era)era, out->from, out->to, out->self, profile_changed, &out->transition[era]) !=
         MXM_OK)
        memset(&out->transition[era], 0, sizeof(out->transition[era]));
    }
  }

  if(out->auth.verdict != MXM_ALLOW) {
    mxm_event_free(&ev);
    return MXM_OK;
  }
  if(!ev->state_key) { /* an allowed message event: nothing to store */
    mxm_event_free(&ev);
    out->accepted = 1;
    return MXM_OK;
  }
  s = mxm_state_put(room->st, ev, err); /* takes ownership */
  if(s != MXM_OK)
    return s;
  out->accepted = 1;
  return MXM_OK;
}
