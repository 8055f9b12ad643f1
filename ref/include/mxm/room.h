/*
 * mxm/room.h: the room state machine. Applying an event authorises it
 * against the current state, updates the state only if it is allowed, and
 * classifies each accepted member transition. A rejected event never
 * changes anything.
 */
#ifndef MXM_ROOM_H
#define MXM_ROOM_H

#include "mxm/auth.h"
#include "mxm/event.h"
#include "mxm/state.h"
#include "mxm/status.h"
#include "mxm/transition.h"
#include "mxm/version.h"

#ifdef __cplusplus
extern "C" {
#endif

struct mxm_room; /* opaque */

/* A new empty room. opt may be NULL (defaults); it is copied. */
enum mxm_status mxm_room_new(const struct mxm_room_version *rv, const struct mxm_auth_options *opt,
                             struct mxm_room **out) MXM_MUST_CHECK;
void mxm_room_free(struct mxm_room **roomp);
/* The current state; borrowed, valid until the next apply or free. Mutable
 * access is for loading an initial state (mxm_state_load_json, server keys). */
const struct mxm_state *mxm_room_state(const struct mxm_room *room);
struct mxm_state *mxm_room_state_mut(struct mxm_room *room);

struct mxm_apply_result {
  struct mxm_result auth;          /* the verdict and rule */
  int accepted;                    /* 1 if the state changed (verdict allow) */
  int is_member;                   /* ev was an m.room.member event */
  enum mxm_membership from, to;    /* the target's membership before / after (member events) */
  int self;                        /* sender == state_key */
  struct mxm_transition transition[3]; /* per era (enum mxm_era), member events only */
};

/* Authorise ev and apply it if allowed. Takes ownership of ev in every case.
 * MXM_OK with out filled (accepted or not); another status means the event
 * could not be decided and nothing changed. */
enum mxm_status mxm_room_apply(struct mxm_room *room, struct mxm_event *ev, struct mxm_apply_result *out,
                               struct mxm_error *err) MXM_MUST_CHECK;

#ifdef __cplusplus
}
#endif
#endif /* MXM_ROOM_H */
