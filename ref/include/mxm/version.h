/*
 * mxm/version.h: room versions 1-12 as one table of feature columns, and the
 * spec releases whose rule text the library can follow.
 *
 * Rules ask a column ("does this version have knock?"), never "is v >= 7?".
 * The columns come from matrix-org/matrix-spec content/rooms/v1.md..v12.md
 * and the fragments they include.
 */
#ifndef MXM_VERSION_H
#define MXM_VERSION_H

#include <stddef.h>
#include <stdint.h>

#include "mxm/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where "the room creator" comes from. */
enum mxm_creator_src {
  MXM_CREATOR_CONTENT, /* content.creator of m.room.create (v1-v10) */
  MXM_CREATOR_SENDER   /* sender of m.room.create (v11+) */
};

/* Event ID form (content/rooms/fragments/v4-event-format.md etc.). */
enum mxm_event_id_format {
  MXM_EVENT_ID_SERVER,   /* "$opaque:domain", carried in the event (v1, v2) */
  MXM_EVENT_ID_HASH_STD, /* "$" + reference hash, standard unpadded base64 (v3) */
  MXM_EVENT_ID_HASH_URL  /* "$" + reference hash, URL-safe unpadded base64 (v4+) */
};

struct mxm_room_version {
  const char *id;          /* "1" .. "12" */
  unsigned number;         /* 1 .. 12, for display and ordering only */
  unsigned member_rule;    /* number of the m.room.member rule: 5, 4 or 5 */
  unsigned knock : 1;      /* membership knock and join rule knock (v7+) */
  unsigned restricted : 1; /* join rule restricted, rule 4.2 signatures (v8+) */
  unsigned knock_restricted : 1; /* join rule knock_restricted (v10+) */
  unsigned string_pl : 1;  /* power levels may be integer strings (v1-v9) */
  unsigned float_pl : 1;   /* power levels may be floats, truncated (v1-v5) */
  unsigned creators_v12 : 1; /* additional_creators, infinite creator PL, room_id = create id (v12) */
  unsigned create_needs_creator : 1; /* create rule: reject if no content.creator (v1-v10) */
  unsigned create_room_id_domain : 1; /* create rule: room_id domain = sender domain (v1-v11) */
  unsigned create_in_auth_events : 1; /* auth_events must include the create (v1-v11); v12 forbids it */
  unsigned strict_canonical : 1; /* canonical JSON strictly enforced (v6+) */
  unsigned aliases_rule : 1;  /* an m.room.aliases rule precedes the member rule (v1-v5) */
  enum mxm_creator_src creator_from;
  enum mxm_event_id_format event_id_format;
  unsigned redaction;      /* redaction algorithm, named by the version that
                              introduced it: 1, 6, 8, 9 or 11 */
  int64_t max_depth;       /* 2^63-1 (v1-v5) or 2^53-1 (v6+) */
  unsigned pl_notifications : 1; /* the power-levels rules compare `notifications`
                                    entries like `events` (v6+, v6.md rules 9.4/9.5);
                                    v1-v5 rules never read them */
};

/* The row for id ("1".."12"), or NULL for anything else, including unstable
 * identifiers such as "org.matrix.msc2176": never a guess. Static storage. */
const struct mxm_room_version *mxm_room_version_find(const char *id);

/* All rows, in order; *count gets the number (12). Static storage. */
const struct mxm_room_version *mxm_room_versions(size_t *count);

/* Number of rows in the table. */
#define MXM_N_ROOM_VERSIONS 12

/*
 * Spec releases. The auth-rule text of existing room versions changed between
 * releases (conformance/NOTES.md#spec-release-edits); the library follows the text of one release, by
 * default the newest. MXM_SPEC_R0 stands for the r0.x era (client-server
 * r0.5.0-r0.6.1, server-server r0.1.x).
 */
enum mxm_spec_release {
  MXM_SPEC_R0 = 0,
  MXM_SPEC_V1_1, MXM_SPEC_V1_2, MXM_SPEC_V1_3, MXM_SPEC_V1_4, MXM_SPEC_V1_5,
  MXM_SPEC_V1_6, MXM_SPEC_V1_7, MXM_SPEC_V1_8, MXM_SPEC_V1_9, MXM_SPEC_V1_10,
  MXM_SPEC_V1_11, MXM_SPEC_V1_12, MXM_SPEC_V1_13, MXM_SPEC_V1_14, MXM_SPEC_V1_15,
  MXM_SPEC_V1_16, MXM_SPEC_V1_17, MXM_SPEC_V1_18, MXM_SPEC_V1_19
};
#define MXM_SPEC_CURRENT MXM_SPEC_V1_19

/* "r0" (also "r0.5.0", "r0.6.0", "r0.6.1"), "v1.1".."v1.19" (also "1.19"),
 * "current"/"latest" -> MXM_SPEC_CURRENT. Returns MXM_OK or MXM_E_UNSUPPORTED. */
enum mxm_status mxm_spec_parse(const char *text, enum mxm_spec_release *out) MXM_MUST_CHECK;
/* "r0", "v1.1", ... Static. */
const char *mxm_spec_name(enum mxm_spec_release release);

/* Transition-table eras of the m.room.member schema (r0.5.0-r0.6.1, v1.1-v1.2, v1.3+). */
enum mxm_era {
  MXM_ERA_R0,   /* r0.5.0 - r0.6.1 */
  MXM_ERA_V1_1, /* v1.1 - v1.2 */
  MXM_ERA_V1_3  /* v1.3 - current */
};
/* "r0", "v1.1", "v1.3" (also "v1.2" -> v1.1, "current" -> v1.3, any release
 * name maps to its era). MXM_OK or MXM_E_UNSUPPORTED. */
enum mxm_status mxm_era_parse(const char *text, enum mxm_era *out) MXM_MUST_CHECK;
const char *mxm_era_name(enum mxm_era era);
enum mxm_era mxm_era_of(enum mxm_spec_release release);

/*
 * Spec-release edits that change a verdict, as data
 * (conformance/NOTES.md#spec-release-edits). Each names the rule it touches and the releases whose text has the *newer* behaviour.
 */
struct mxm_spec_edit {
  const char *id;       /* e.g. "knock.from_invite" */
  const char *rule_ids; /* the rule ids whose outcome it changes, space-separated */
  enum mxm_spec_release first; /* first release with the behaviour described */
  enum mxm_spec_release last;  /* last release with it (MXM_SPEC_CURRENT if still) */
  const char *summary;  /* one line: what the text says in [first, last] */
  const char *source;   /* commit / PR / changelog citation */
};
const struct mxm_spec_edit *mxm_spec_edits(size_t *count);
/* 1 if edit `id` is in force in `release` (for the room versions it
 * concerns); 0 otherwise or for an unknown id. */
int mxm_spec_edit_active(const char *id, enum mxm_spec_release release);

/*
 * The same for one room version: 1 if the text of room version rv in release
 * `release` has the edit's behaviour. 0 for an unknown id, a NULL rv, or a
 * room version the edit does not concern (e.g. "knock.from_invite" in v1-v6,
 * which have no knock). Some edits reached a few room versions' pages later
 * than the others: "federate.rule" and "auth_events.rejected" are in the
 * v1-v5 and v8+ texts from v1.3/v1.4 but in the v6 and v7 texts only from
 * v1.14 (matrix-spec #2065); this function knows that, mxm_spec_edit_active
 * does not. A room version that did not exist yet in `release` is answered
 * as if its text had existed (see mxm_room_version_first_release).
 */
int mxm_spec_edit_active_rv(const char *id, enum mxm_spec_release release,
                            const struct mxm_room_version *rv);
/* The room versions edit `id` concerns, as a bit mask (bit n-1 = version n);
 * 0 for an unknown id. */
unsigned mxm_spec_edit_rooms(const char *id);

/* The first spec release that defined room version rv (v1-v6: r0; v7 v1.1;
 * v8, v9 v1.2; v10 v1.3; v11 v1.8; v12 v1.16). */
enum mxm_spec_release mxm_room_version_first_release(const struct mxm_room_version *rv);

#ifdef __cplusplus
}
#endif
#endif /* MXM_VERSION_H */
