/*
 * fuzz/build.h: scenario (fuzz/scenario.h) -> JSON events and a library
 * state. This is the only fuzz/ file that knows how events are written:
 * the create event, members, power levels (with their string/float
 * spellings), join rules, third-party-invite token events, the event under
 * test with its rule 4.2 server signature and its signed 3PID block.
 *
 * Keys are the conformance corpus's derived keys (conformance/FORMAT.md
 * "Keys"): one per server (a.test, b.test, c.test) and two identity-server
 * keys (is1, is2), computed once per process and then only read.
 *
 * Ownership: mxmf_room_build_free releases everything a build holds.
 */
#ifndef MXMF_BUILD_H
#define MXMF_BUILD_H

#include "mxm/mxm.h"
#include "scenario.h"

#define MXMF_MAX_STATE_EVENTS 16

struct mxmf_room_build {
  const struct mxm_room_version *rv;
  struct mxm_json *events[MXMF_MAX_STATE_EVENTS]; /* owned; in the order they are put */
  uint8_t what[MXMF_MAX_STATE_EVENTS];  /* enum mxmf_ae_what of events[i] (for auth_events) */
  uint8_t index[MXMF_MAX_STATE_EVENTS]; /* its user or token */
  size_t n_events;
  char create_id[MXM_EVENT_ID_MAX];
  char last_id[MXM_EVENT_ID_MAX];  /* ID of the newest event (prev_events of the next) */
  char room_id[MXM_EVENT_ID_MAX + 16];
  int64_t depth;                   /* depth of the newest event */
};

/* Derive the keys once (idempotent). MXM_OK or an error from libsodium. */
enum mxm_status mxmf_keys_init(struct mxm_error *err);

/* Build the room's state events. On failure everything is released and the
 * status says why (MXM_E_UNSUPPORTED for a room version the library lacks). */
enum mxm_status mxmf_build_room(const struct mxmf_case *c, struct mxmf_room_build *rb, struct mxm_error *err);
void mxmf_room_build_free(struct mxmf_room_build *rb);

/* Build event e against rb (prev_events = rb->last_id, or the create when
 * e->prev_create). Caller owns *out. */
enum mxm_status mxmf_build_event(const struct mxmf_case *c, const struct mxmf_event *e,
                                 const struct mxmf_room_build *rb, struct mxm_json **out, struct mxm_error *err);

/* A non-member state event (power levels or join rules), for fuzz_room. */
enum mxm_status mxmf_build_power_event(const struct mxmf_case *c, const struct mxmf_power *p, int sender,
                                       const struct mxmf_room_build *rb, struct mxm_json **out,
                                       struct mxm_error *err);
enum mxm_status mxmf_build_join_rules_event(const struct mxmf_case *c, enum mxmf_join_rule jr, int sender,
                                            const struct mxmf_room_build *rb, struct mxm_json **out,
                                            struct mxm_error *err);

/* Record that ev (accepted into the room) is now the newest event. */
enum mxm_status mxmf_build_advance(struct mxmf_room_build *rb, const struct mxm_json *ev, struct mxm_error *err);

/* Fill st (new, empty, same room version) with rb's events and every
 * server's key. */
enum mxm_status mxmf_fill_state(const struct mxmf_room_build *rb, struct mxm_state *st, struct mxm_error *err);

/* The library's membership value for an abstract one. */
enum mxm_membership mxmf_to_lib_membership(enum mxmf_membership m);

#endif /* MXMF_BUILD_H */
