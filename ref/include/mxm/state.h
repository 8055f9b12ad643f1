/*
 * mxm/state.h: the room state the auth rules read.
 *
 * A state holds the current m.room.create, m.room.power_levels,
 * m.room.join_rules, every m.room.third_party_invite (by token), every
 * member's membership (a hash map: O(1) lookups, sized for millions of
 * members), the servers' signing keys (for rule 4.2), and an index from event
 * ID to (type, state_key, room_id) for auth-events checks.
 *
 * Per member it keeps only what the rules and the transition table need: the
 * membership, a hash of (displayname, avatar_url), and the member event's ID.
 *
 * Ownership: the caller owns the state; free with mxm_state_free. Events and
 * strings returned by lookups are borrowed: valid until the next change to
 * the state or mxm_state_free.
 */
#ifndef MXM_STATE_H
#define MXM_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "mxm/event.h"
#include "mxm/json.h"
#include "mxm/status.h"
#include "mxm/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A power level that is "infinitely high" (v12 creators). Real levels lie in
 * [-(2^53)+1, 2^53-1], so this value cannot collide with one. */
#define MXM_PL_INFINITE INT64_MAX

struct mxm_state; /* opaque */

/* A new empty state for room version rv. MXM_OK or MXM_E_NOMEM. */
enum mxm_status mxm_state_new(const struct mxm_room_version *rv, struct mxm_state **out) MXM_MUST_CHECK;
void mxm_state_free(struct mxm_state **stp);

const struct mxm_room_version *mxm_state_room_version(const struct mxm_state *st);

/*
 * Put an accepted state event into the state, replacing any previous event
 * with the same (type, state_key). Takes ownership of ev in every case (on
 * failure it is freed). Member events are reduced to their membership,
 * profile hash and ID, and freed. No authorisation happens here: see
 * mxm_room_apply for that.
 * MXM_OK; MXM_E_MALFORMED if ev is not a state event (no state_key), or a
 * power-levels event in the state is invalid for the room version;
 * MXM_E_NOMEM.
 */
enum mxm_status mxm_state_put(struct mxm_state *st, struct mxm_event *ev, struct mxm_error *err) MXM_MUST_CHECK;

/*
 * Load state from JSON: either an array of full state events (the form
 * `mxm check --state` takes), or an object
 *   {"events": [...], "server_keys": {"example.org": {"ed25519:1": "<base64 public key>"}}}
 * Events are put in order. err->where is a JSON pointer into doc
 * ("/events/3/content/users").
 */
enum mxm_status mxm_state_load_json(struct mxm_state *st, const struct mxm_json *doc,
                                    struct mxm_error *err) MXM_MUST_CHECK;

/*
 * mxm_state_load_json when the caller already knows the events' IDs (it
 * built them, as the conformance expander does): ids[i], when i < n_ids and
 * ids[i] is not NULL, is the ID of the i-th event of the events array
 * (doc itself, or doc's "events"), given to mxm_event_set_id, so that event
 * is not hashed. An event that carries its own event_id keeps it. The
 * caller vouches for the IDs (mxm_event_set_id says what a wrong one does).
 */
enum mxm_status mxm_state_load_json_ids(struct mxm_state *st, const struct mxm_json *doc, const char *const *ids,
                                        size_t n_ids, struct mxm_error *err) MXM_MUST_CHECK;

/*
 * mxm_state_load_json_ids, also given a bound of each event's size as
 * canonical JSON when the caller parsed the events from text: bounds[i],
 * when bounds is not NULL, i < n and bounds[i] is not 0, bounds the i-th
 * event's size (ids, which may be NULL, as for mxm_state_load_json_ids,
 * also of length n). mxm_json_parse_bound of the event's own text gives one,
 * and so does that of a text holding it, less that text's length, plus the
 * event's. An event whose bound proves the size limit is not measured; the
 * others are measured as mxm_state_load_json does. The caller vouches for
 * the bounds: one that is too small lets an event over the limit load.
 */
enum mxm_status mxm_state_load_json_bounds(struct mxm_state *st, const struct mxm_json *doc, const char *const *ids,
                                           const size_t *bounds, size_t n, struct mxm_error *err) MXM_MUST_CHECK;

/* Add a server's public key (unpadded base64, standard or URL-safe). */
enum mxm_status mxm_state_add_server_key(struct mxm_state *st, const char *server, const char *key_id,
                                         const char *public_key_b64, struct mxm_error *err) MXM_MUST_CHECK;
/* Call fn for each key of server; stops when fn returns non-zero. Returns the
 * number of keys visited. */
typedef int (*mxm_server_key_fn)(const char *key_id, const char *public_key_b64, void *ctx);
size_t mxm_state_server_keys(const struct mxm_state *st, const char *server, mxm_server_key_fn fn, void *ctx);

/* --- lookups (all O(1) or O(log n)) --- */
enum mxm_membership mxm_state_membership(const struct mxm_state *st, const char *user_id);
/* Hash of (displayname, avatar_url) of the member's current event; 0 if the
 * user has no member event. Never 0 otherwise; an absent or null value and
 * an empty string hash differently. Deterministic across runs. */
uint64_t mxm_state_profile_hash(const struct mxm_state *st, const char *user_id);
/* ID of the member's current event, or NULL. */
const char *mxm_state_member_event_id(const struct mxm_state *st, const char *user_id);
/* Users with a member event, whatever the membership (leave, ban too). */
size_t mxm_state_member_count(const struct mxm_state *st);

const struct mxm_event *mxm_state_create(const struct mxm_state *st);       /* NULL if none */
const struct mxm_event *mxm_state_power_levels(const struct mxm_state *st); /* NULL if none */
const struct mxm_event *mxm_state_join_rules(const struct mxm_state *st);   /* NULL if none */
const struct mxm_event *mxm_state_third_party_invite(const struct mxm_state *st, const char *token);
/* The latest non-member state event of (type, state_key), or NULL. */
const struct mxm_event *mxm_state_get(const struct mxm_state *st, const char *type, const char *state_key);

/* Event-ID index: the (type, state_key, room_id) of an event put into the
 * state, by ID. 1 if found. Strings borrowed. */
int mxm_state_event_by_id(const struct mxm_state *st, const char *event_id, const char **type,
                          const char **state_key, const char **room_id);

/* The room creator as the auth rules mean it for this room version
 * (content.creator v1-v10, create sender v11+); NULL without a create. */
const char *mxm_state_creator(const struct mxm_state *st);
/* 1 if user is a v12 creator (create sender or additional_creators). 0 in
 * other versions. */
int mxm_state_is_v12_creator(const struct mxm_state *st, const char *user_id);

/*
 * A user's power level (m.room.power_levels.yaml; v12.md): v12 creators MXM_PL_INFINITE; with a
 * power-levels event users[user], else users_default, else 0; with none, the
 * creator 100 and everyone else 0 (v1-v11).
 */
int64_t mxm_state_user_level(const struct mxm_state *st, const char *user_id);

/* A named level ("invite", "kick", "ban", "redact", "state_default",
 * "events_default", "users_default") with the defaults of spec release
 * `release` (invite: 50 in r0 and v1.1-v1.5, 0 from v1.6; kick/ban/redact 50;
 * state_default 50 with a PL event, and with none: 0 before v1.7, 50 from). */
int64_t mxm_state_level(const struct mxm_state *st, const char *name, enum mxm_spec_release release);

/* The power level an event of `type` requires (auth rule 8; server-server-api.md §Definitions):
 * events[type] of the current power levels, else state_default (is_state)
 * or events_default, with the defaults of mxm_state_level. Member events
 * are governed by invite/kick/ban instead and never ask this. An unknown
 * `name` above, or type == NULL here, gives MXM_PL_INFINITE. */
int64_t mxm_state_required_level(const struct mxm_state *st, const char *type, int is_state,
                                 enum mxm_spec_release release);

#ifdef __cplusplus
}
#endif
#endif /* MXM_STATE_H */
