/*
 * mxm/event.h: typed Matrix events, as the auth rules need them.
 *
 * mxm_event_parse turns JSON bytes into a struct mxm_event: the common PDU
 * fields, plus typed content for m.room.member, m.room.create,
 * m.room.power_levels, m.room.join_rules and m.room.third_party_invite. Other
 * event types keep only the common fields. Both federation form (PDU) and
 * client form (with event_id, unsigned.prev_content) are accepted.
 *
 * What parsing checks (each failure is MXM_E_MALFORMED or MXM_E_TOO_BIG with
 * a JSON pointer in err->where): JSON syntax and UTF-8 (mxm/json.h); field
 * types; size limits (65536-byte event as canonical JSON, 255 bytes for
 * state_key, sender, type, room_id, event_id); the user-ID grammar for sender
 * (historical IDs accepted); canonical-JSON value rules for v6+ rooms (no
 * floats, integers within +-(2^53-1)).
 *
 * Details of the checks (event.c has the reasons):
 *   - type, sender: required strings; room_id: required string starting '!'
 *     except on a v12 m.room.create; state_key, event_id: optional strings
 *     (event_id starts '$'; required in v1/v2, whose PDUs carry it);
 *     content: required object. These five strings must not hold U+0000.
 *   - prev_events, auth_events: optional arrays of event-ID strings; v1/v2
 *     also accept the PDU form [id, {"sha256": ...}].
 *   - depth: optional; an integer in [0, rv->max_depth].
 *   - unsigned.prev_content.membership is read when it is a string.
 *   - Input larger than 16 x 65536 raw bytes is MXM_E_TOO_BIG unparsed.
 *   - v6+: any number written with a fraction or exponent is MXM_E_MALFORMED,
 *     even 1.0 or 1e2 (the canonical grammar has no such spelling); so is an
 *     integer outside +-(2^53-1), anywhere in the event (unsigned included).
 *   - v1-v5: an event the lax canonical encoder cannot write (1e400) is
 *     measured by its plain serialisation instead, so that the power-levels
 *     rule, not the parser, rejects a PL event holding one.
 * Typed content never fails the parse: a wrong type leaves the field NULL
 * (or pl.valid = 0). A typed string that holds U+0000 is treated as "not a
 * string", so "join\u0000x" can never pass for "join".
 *
 * What parsing does NOT decide: anything the auth rules decide. A member event
 * with no state_key or no content.membership parses (the member rule rejects
 * it as "member.shape"); a power-levels event whose values are wrong for the
 * room version parses with pl.valid = 0 (the power-levels rule rejects it).
 *
 * Ownership: the caller owns the event; free with mxm_event_free. Every
 * string in it is borrowed from the event's JSON tree and valid until then.
 */
#ifndef MXM_EVENT_H
#define MXM_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "mxm/json.h"
#include "mxm/status.h"
#include "mxm/version.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MXM_MAX_EVENT_BYTES 65536 /* whole PDU, canonical JSON (C-S "Size limits", v1.1+) */
#define MXM_MAX_ID_BYTES 255      /* state_key, sender, type, room_id, event_id */

enum mxm_membership {
  MXM_MEMBERSHIP_NONE = 0, /* no member event (treated as leave by the table) */
  MXM_MEMBERSHIP_INVITE,
  MXM_MEMBERSHIP_JOIN,
  MXM_MEMBERSHIP_LEAVE,
  MXM_MEMBERSHIP_BAN,
  MXM_MEMBERSHIP_KNOCK,
  MXM_MEMBERSHIP_UNKNOWN /* a string outside the enum, or not a string */
};
/* "none", "invite", "join", "leave", "ban", "knock", "unknown". Static. */
const char *mxm_membership_name(enum mxm_membership m);
/* Parse the five names plus "none"; MXM_MEMBERSHIP_UNKNOWN otherwise. */
enum mxm_membership mxm_membership_parse(const char *s);

enum mxm_event_kind {
  MXM_EVENT_OTHER = 0,
  MXM_EVENT_MEMBER,
  MXM_EVENT_CREATE,
  MXM_EVENT_POWER_LEVELS,
  MXM_EVENT_JOIN_RULES,
  MXM_EVENT_THIRD_PARTY_INVITE
};

/* Power-level content, normalised to integers per the room version's rules
 * (strings v1-v9, floats truncated v1-v5, integers only v10+). */
struct mxm_pl_entry {
  const char *key; /* user ID (users) or event type (events); borrowed */
  int64_t level;
};
struct mxm_power_levels {
  int valid;             /* 0: a value is of the wrong type/range for the room
                            version; invalid_where says where */
  char invalid_where[MXM_ERROR_WHERE_MAX];
  /* Top-level levels; has_* is 0 when the key is absent (default applies). */
  int64_t ban, kick, invite, redact, users_default, events_default, state_default;
  unsigned has_ban : 1, has_kick : 1, has_invite : 1, has_redact : 1,
      has_users_default : 1, has_events_default : 1, has_state_default : 1;
  struct mxm_pl_entry *users; /* sorted by key (strcmp); owned by the event */
  size_t n_users;
  struct mxm_pl_entry *events; /* sorted by key; owned by the event */
  size_t n_events;
  struct mxm_pl_entry *notifications; /* sorted by key; owned by the event */
  size_t n_notifications;
  /* v1-v5: the first value written as a float (accepted and truncated), ""
   * if none. The float text exists only from spec v1.18 (spec edit
   * "pl.float_values"); a rule engine following an older release can use
   * this to treat such an event as undefined by its text. */
  int has_float;
  char float_where[MXM_ERROR_WHERE_MAX];
  const char *invalid_reason; /* static text saying what is wrong at
                                 invalid_where; NULL while valid */
};

struct mxm_member_content {
  enum mxm_membership membership; /* UNKNOWN when membership_raw is not one of the five */
  const char *membership_raw;     /* NULL if absent or not a string */
  int has_membership;             /* the key is present (any type) */
  const char *displayname;        /* NULL if absent or null */
  const char *avatar_url;         /* NULL if absent */
  const char *join_authorised_via_users_server; /* NULL if absent */
  int has_join_authorised;        /* the key is present (any type) */
  int has_third_party_invite;     /* content.third_party_invite present (any type) */
  const struct mxm_json *third_party_invite; /* borrowed, or NULL */
};

struct mxm_create_content {
  const char *creator;       /* content.creator, NULL if absent or not a string
                                (or a string holding U+0000) */
  int federate;              /* m.federate, default 1 */
  const char *room_version;  /* NULL if absent (= "1") */
  int room_version_valid;    /* room_version absent or a string */
  const char **additional_creators; /* owned array of borrowed strings */
  size_t n_additional_creators;
  int additional_creators_valid; /* absent, or an array of valid user-ID strings */
  int has_creator;           /* content.creator is present (any type): the v1-v10
                                create rule rejects only a *missing* creator */
};

struct mxm_join_rules_content {
  const char *join_rule;           /* NULL if absent or not a string */
  const struct mxm_json *allow;    /* borrowed, or NULL */
};

struct mxm_third_party_invite_content {
  const char *public_key;          /* NULL if absent or not a string */
  const char **public_keys;        /* owned array of borrowed strings */
  size_t n_public_keys;
};

struct mxm_event {
  enum mxm_event_kind kind;
  struct mxm_json *json;     /* the whole event; owned */
  const char *type;          /* borrowed from json */
  const char *sender;
  const char *state_key;     /* NULL if absent */
  const char *room_id;       /* NULL if absent (v12 create) */
  const char *event_id;      /* given in the event (v1/v2, client form), else NULL */
  char computed_id[64];      /* "$..." reference-hash ID for v3+ when computed; "" otherwise */
  const char **prev_events;  /* owned array of borrowed IDs */
  size_t n_prev_events;
  const char **auth_events;  /* owned array of borrowed IDs */
  size_t n_auth_events;
  int64_t depth;
  const char *prev_membership_raw; /* unsigned.prev_content.membership (client form), or NULL */
  union {
    struct mxm_member_content member;
    struct mxm_create_content create;
    struct mxm_power_levels power_levels;
    struct mxm_join_rules_content join_rules;
    struct mxm_third_party_invite_content third_party_invite;
  } u;
};

/*
 * Parse len bytes as one event for room version rv. On success *out is the
 * event (caller owns it; free with mxm_event_free). On failure *out is NULL
 * and err (may be NULL) names the JSON pointer and the problem.
 */
enum mxm_status mxm_event_parse(const char *buf, size_t len, const struct mxm_room_version *rv,
                                struct mxm_event **out, struct mxm_error *err) MXM_MUST_CHECK;

/* The same from an already-parsed JSON value. Takes a new reference to json;
 * the caller keeps its own. */
enum mxm_status mxm_event_from_json(const struct mxm_json *json, const struct mxm_room_version *rv,
                                    struct mxm_event **out, struct mxm_error *err) MXM_MUST_CHECK;

/* The event's ID: event_id if given, else computed_id if set, else NULL. */
const char *mxm_event_id(const struct mxm_event *ev);

/*
 * Checks that depend on the spec release rather than the room version. Today
 * one: the r0-era texts limit a whole event to 65535 bytes of canonical JSON
 * (spec edit "event.size_65536": 65536 from v1.1). MXM_OK, or MXM_E_TOO_BIG
 * with a message naming the size and the limit.
 */
enum mxm_status mxm_event_check_release(const struct mxm_event *ev, const struct mxm_room_version *rv,
                                        enum mxm_spec_release release, struct mxm_error *err) MXM_MUST_CHECK;

/* Make sure the event has an ID: if it carries no event_id and computed_id
 * is empty, compute the reference-hash ID for rv (mxm_compute_event_id,
 * mxm/sign.h) into computed_id. rv MUST be the room version the event was
 * parsed for. MXM_OK (mxm_event_id(ev) is then non-NULL), or the status of
 * the computation (MXM_E_MALFORMED, MXM_E_TOO_BIG, MXM_E_NOMEM) with err. */
enum mxm_status mxm_event_ensure_id(struct mxm_event *ev, const struct mxm_room_version *rv,
                                    struct mxm_error *err) MXM_MUST_CHECK;

/*
 * Give ev its ID when the caller already knows it, so that nothing hashes
 * the event again: the caller built or signed the event and computed the
 * ID then (mxm_event_signing_bytes + mxm_sha256 + mxm_event_id_from_hash,
 * or mxm_compute_event_id), or has it from a trusted source. After this,
 * mxm_event_id returns id, and mxm_event_ensure_id and mxm_state_put
 * compute nothing. The library does not check id against the event: a
 * wrong ID makes a wrong event-ID index, and the auth-events rules then
 * judge by it.
 *
 * id: "$" and at most MXM_EVENT_ID_MAX - 2 more bytes, no U+0000 (any
 * v3+ ID fits; v1/v2 events carry their event_id, which always wins). An
 * event that carries event_id keeps it: MXM_OK if id is the same,
 * MXM_E_USAGE if it differs. MXM_E_MALFORMED for an id of the wrong form.
 */
enum mxm_status mxm_event_set_id(struct mxm_event *ev, const char *id, struct mxm_error *err) MXM_MUST_CHECK;

void mxm_event_free(struct mxm_event **evp);

/* 1 if s (len bytes) is a valid user ID for federation: "@" localpart ":"
 * server_name, at most 255 bytes, a localpart of the historical form (any
 * Unicode code point except ':' and U+0000, possibly empty, as valid UTF-8:
 * appendices "Historical User IDs", text since spec v1.14), and a
 * server_name per appendices "Server Name". 0 otherwise, and for NULL. */
int mxm_user_id_valid(const char *s, size_t len);
/* The server_name part of a user/room/event ID ("example.org:8448"), as a
 * pointer into s after the first ':'; NULL if there is no ':'. */
const char *mxm_id_domain(const char *s);

#ifdef __cplusplus
}
#endif
#endif /* MXM_EVENT_H */
