/*
 * fuzz/typed.h: scenario (fuzz/scenario.h) -> typed events and a library
 * state, with no JSON text in between. The fast path of fuzz_auth,
 * fuzz_differential and fuzz_room (fuzz/README.md "Typed and JSON paths").
 *
 * fuzz/build.c writes each event as JSON text, parses it, and the library
 * then parses the tree into a struct mxm_event and hashes it for its ID.
 * Here the struct mxm_event is filled directly, as the parser
 * (ref/src/event.c) would fill it for the event build.c writes, and every
 * event gets a stand-in ID once (mxm_event_set_id), so nothing is hashed.
 * The strings an event names live in the event's own allocation (or are
 * static), so mxm_event_free releases a typed event like a parsed one.
 *
 * JSON is built only where a rule reads JSON:
 *   - content.third_party_invite of the event under test (the 3PID rules
 *     read `signed` and verify its signature) and the content of
 *     m.room.third_party_invite token events (the keys): trees built and,
 *     for `signed`, signed once per process per distinct value, then shared
 *     read-only;
 *   - the join rules' allow list: one shared tree;
 *   - an event under test whose join_authorised_via_users_server is set in
 *     a room version with rule 4.2 (v8+) and that carries a server
 *     signature: written by fuzz/build.c, given the typed auth_events,
 *     signed here and parsed by the library, because rule 4.2 verifies the
 *     signature over the whole event;
 *   - a power level of a spelling this file has no typed meaning for
 *     (anything but the integer, string and float forms of build.c): that
 *     power-levels event is written by fuzz/build.c and parsed.
 * Everything else a typed event holds is what build.c would have written:
 * the same fields, values and spellings' meanings (stringy levels v1-v9,
 * floats truncated v1-v5, as content/rooms/fragments/v1-stringy-power-levels.md
 * and v1-floaty-power-levels.md say), prev_events, depth and room_id.
 * ev->json is NULL for a typed event without JSON, and size_max is an upper
 * bound of its canonical size by construction (every field is short).
 *
 * Keys and shared trees are made once per process (mxmt_init) and only read
 * afterwards; they are never freed (still reachable at exit).
 */
#ifndef MXMF_TYPED_H
#define MXMF_TYPED_H

#include <stddef.h>
#include <stdint.h>

#include "check.h"
#include "mxm/mxm.h"
#include "scenario.h"

/* A typed room under construction: what the next event refers to. */
struct mxmt_room {
  const struct mxmf_case *c;
  const struct mxm_room_version *rv;
  char room_id[MXM_EVENT_ID_MAX + 16]; /* "" for the v12 create */
  char create_id[MXM_EVENT_ID_MAX];
  char last_id[MXM_EVENT_ID_MAX];      /* the newest event (prev_events of the next) */
  int64_t depth;                       /* depth of the newest event */
  /* The state events put, for auth_events: their kind, user/token, ID. */
  size_t n;
  uint8_t kind[MXMF_MAX_STATE_EVENTS];  /* enum mxm_event_kind */
  uint8_t index[MXMF_MAX_STATE_EVENTS]; /* user (member) or token */
  char ids[MXMF_MAX_STATE_EVENTS][MXM_EVENT_ID_MAX];
  struct mxm_json **views; /* only while mxmt_fill_state runs */
  size_t n_views;
};

/* Keys and shared trees, once per process (idempotent). */
enum mxm_status mxmt_init(struct mxm_error *err);

/* Start rm for c and fill st (new, empty, c's room version) with the
 * room's state: the server keys, then the events in build.c's order. On
 * failure st holds what was put before; the status says why (MXM_E_MALFORMED
 * for power levels the room version forbids, as mxm_state_put says).
 * views (NULL, or room for MXMF_MAX_STATE_EVENTS): the JSON of each event
 * put (mxmt_event_json), *n_views of them, owned by the caller. */
enum mxm_status mxmt_fill_state(const struct mxmf_case *c, struct mxmt_room *rm, struct mxm_state *st,
                                struct mxm_json **views, size_t *n_views, struct mxm_error *err);

/* Event e against rm (prev_events = rm->last_id, or the create when
 * e->prev_create), with its stand-in ID. Caller owns *out. */
enum mxm_status mxmt_member_event(const struct mxmt_room *rm, const struct mxmf_event *e, struct mxm_event **out,
                                  struct mxm_error *err);
/* Non-member state events for fuzz_room. */
enum mxm_status mxmt_power_event(const struct mxmt_room *rm, const struct mxmf_power *p, int sender,
                                 struct mxm_event **out, struct mxm_error *err);
enum mxm_status mxmt_join_rules_event(const struct mxmt_room *rm, enum mxmf_join_rule jr, int sender,
                                      struct mxm_event **out, struct mxm_error *err);

/* Record that ev (accepted into the room) is now the newest event. */
void mxmt_advance(struct mxmt_room *rm, const struct mxm_event *ev);
/* Give ev (an event from elsewhere, e.g. the client-server API's) the
 * stand-in ID of the next event if it has none, so that putting it into a
 * state hashes nothing. */
enum mxm_status mxmt_give_id(const struct mxmt_room *rm, struct mxm_event *ev, struct mxm_error *err);

/* A JSON tree of a typed event, as a /sync timeline carries it (type,
 * state_key, sender, event_id, room_id, origin_server_ts, content), for
 * consumers that read JSON (the client view of fuzz_room). Caller owns it. */
struct mxm_json *mxmt_event_json(const struct mxm_event *ev);

/* fuzz/check.h's mxmf_run_case on the typed path: the same stages and
 * statuses; run->rb holds only the room version, run->evjson stays NULL,
 * and *rm is the typed room (for building more events against it). */
void mxmt_run_case(const struct mxmf_case *c, struct mxmf_run *run, struct mxmt_room *rm);

#endif /* MXMF_TYPED_H */
