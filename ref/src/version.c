/*
 * version.c: the room-version table (v1-v12), spec releases and eras, and the
 * spec-release edit table. Owns data and lookups only; no rule logic.
 *
 * Room-version rows: column by column from
 * matrix-org/matrix-spec content/rooms/v1.md .. v12.md and the fragments they
 * include (v1-stringy-power-levels.md in v1-v9, v1-floaty-power-levels.md in
 * v1-v5, v1-canonical-json.md / v6-canonical-json.md, the redaction
 * fragments, pdu_v1.yaml / depth_v6.yaml for depth).
 *
 * Spec edits: conformance/NOTES.md#spec-release-edits, checked against content/changelog/v1.*.md.
 * An edit is in force for the releases [first, last]; some edits reached the
 * texts of a few room versions later than the others (the v6 and v7 pages
 * were only brought in line in v1.14), which scope rows below express as
 * "late" room versions with their own first release.
 */
#include "mxm/version.h"

#include <string.h>

#include "limits.h"

/* Column order: id, number, member_rule, knock, restricted, knock_restricted,
 * string_pl, float_pl, creators_v12, create_needs_creator,
 * create_room_id_domain, create_in_auth_events, strict_canonical,
 * aliases_rule, creator_from, event_id_format, redaction, max_depth,
 * pl_notifications. */
#define D63 INT64_MAX                      /* pdu_v1.yaml: depth < 2^63 */
#define D53 ((int64_t)9007199254740991LL) /* depth_v6.yaml: 2^53-1 */
static const struct mxm_room_version room_versions[] = {
  /* id  n  rule kn rs kr str flt v12 crt dom cae can ali  creator              id format               red  depth notif */
  {"1",  1,  5,  0, 0, 0, 1,  1,  0,  1,  1,  1,  0,  1,  MXM_CREATOR_CONTENT, MXM_EVENT_ID_SERVER,   1,  D63, 0},
  {"2",  2,  5,  0, 0, 0, 1,  1,  0,  1,  1,  1,  0,  1,  MXM_CREATOR_CONTENT, MXM_EVENT_ID_SERVER,   1,  D63, 0},
  {"3",  3,  5,  0, 0, 0, 1,  1,  0,  1,  1,  1,  0,  1,  MXM_CREATOR_CONTENT, MXM_EVENT_ID_HASH_STD, 1,  D63, 0},
  {"4",  4,  5,  0, 0, 0, 1,  1,  0,  1,  1,  1,  0,  1,  MXM_CREATOR_CONTENT, MXM_EVENT_ID_HASH_URL, 1,  D63, 0},
  {"5",  5,  5,  0, 0, 0, 1,  1,  0,  1,  1,  1,  0,  1,  MXM_CREATOR_CONTENT, MXM_EVENT_ID_HASH_URL, 1,  D63, 0},
  {"6",  6,  4,  0, 0, 0, 1,  0,  0,  1,  1,  1,  1,  0,  MXM_CREATOR_CONTENT, MXM_EVENT_ID_HASH_URL, 6,  D53, 1},
  {"7",  7,  4,  1, 0, 0, 1,  0,  0,  1,  1,  1,  1,  0,  MXM_CREATOR_CONTENT, MXM_EVENT_ID_HASH_URL, 6,  D53, 1},
  {"8",  8,  4,  1, 1, 0, 1,  0,  0,  1,  1,  1,  1,  0,  MXM_CREATOR_CONTENT, MXM_EVENT_ID_HASH_URL, 8,  D53, 1},
  {"9",  9,  4,  1, 1, 0, 1,  0,  0,  1,  1,  1,  1,  0,  MXM_CREATOR_CONTENT, MXM_EVENT_ID_HASH_URL, 9,  D53, 1},
  {"10", 10, 4,  1, 1, 1, 0,  0,  0,  1,  1,  1,  1,  0,  MXM_CREATOR_CONTENT, MXM_EVENT_ID_HASH_URL, 9,  D53, 1},
  {"11", 11, 4,  1, 1, 1, 0,  0,  0,  0,  1,  1,  1,  0,  MXM_CREATOR_SENDER,  MXM_EVENT_ID_HASH_URL, 11, D53, 1},
  {"12", 12, 5,  1, 1, 1, 0,  0,  1,  0,  0,  0,  1,  0,  MXM_CREATOR_SENDER,  MXM_EVENT_ID_HASH_URL, 11, D53, 1},
};
#define N_ROOM_VERSIONS (sizeof(room_versions) / sizeof(room_versions[0]))
static_assert(sizeof(room_versions) / sizeof(room_versions[0]) == MXM_N_ROOM_VERSIONS,
              "room-version table and MXM_N_ROOM_VERSIONS disagree");

const struct mxm_room_version *mxm_room_version_find(const char *id)
{
  size_t i;
  if(!id)
    return NULL;
  for(i = 0; i < N_ROOM_VERSIONS; i++)
    if(strcmp(room_versions[i].id, id) == 0)
      return &room_versions[i];
  return NULL;
}

const struct mxm_room_version *mxm_room_versions(size_t *count)
{
  if(count)
    *count = N_ROOM_VERSIONS;
  return room_versions;
}

/* The spec release whose text first defined each room version (content/changelog/v1.*.md). v1-v6 predate the v1.x releases. */
enum mxm_spec_release mxm_room_version_first_release(const struct mxm_room_version *rv)
{
  static const enum mxm_spec_release first[MXM_N_ROOM_VERSIONS] = {
    MXM_SPEC_R0,   MXM_SPEC_R0,   MXM_SPEC_R0,   MXM_SPEC_R0,   MXM_SPEC_R0,   MXM_SPEC_R0,
    MXM_SPEC_V1_1, MXM_SPEC_V1_2, MXM_SPEC_V1_2, MXM_SPEC_V1_3, MXM_SPEC_V1_8, MXM_SPEC_V1_16,
  };
  if(!rv || rv->number < 1 || rv->number > MXM_N_ROOM_VERSIONS)
    return MXM_SPEC_CURRENT;
  return first[rv->number - 1];
}

/* --- spec releases --- */

static const char *const release_names[] = {
  "r0",    "v1.1",  "v1.2",  "v1.3",  "v1.4",  "v1.5",  "v1.6",
  "v1.7",  "v1.8",  "v1.9",  "v1.10", "v1.11", "v1.12", "v1.13",
  "v1.14", "v1.15", "v1.16", "v1.17", "v1.18", "v1.19",
};
static_assert(sizeof(release_names) / sizeof(release_names[0]) == MXM_SPEC_CURRENT + 1,
              "one name per spec release");

enum mxm_status mxm_spec_parse(const char *text, enum mxm_spec_release *out)
{
  size_t i;
  if(!text || !out)
    return MXM_E_UNSUPPORTED;
  if(strcmp(text, "current") == 0 || strcmp(text, "latest") == 0) {
    *out = MXM_SPEC_CURRENT;
    return MXM_OK;
  }
  /* The r0 era: the client-server r0.5.0-r0.6.1 and server-server r0.1.x
   * releases all carry the same membership rule text (conformance/NOTES.md#spec-release-edits). */
  if(strcmp(text, "r0") == 0 || strcmp(text, "r0.5.0") == 0 || strcmp(text, "r0.6.0") == 0 ||
     strcmp(text, "r0.6.1") == 0) {
    *out = MXM_SPEC_R0;
    return MXM_OK;
  }
  for(i = 1; i < sizeof(release_names) / sizeof(release_names[0]); i++) {
    /* "v1.19" or "1.19"; exact match only, so "v1.1" never matches "v1.10". */
    if(strcmp(text, release_names[i]) == 0 || strcmp(text, release_names[i] + 1) == 0) {
      *out = (enum mxm_spec_release)i;
      return MXM_OK;
    }
  }
  return MXM_E_UNSUPPORTED;
}

const char *mxm_spec_name(enum mxm_spec_release release)
{
  if((unsigned)release > (unsigned)MXM_SPEC_CURRENT)
    return "unknown";
  return release_names[release];
}

/* --- eras of the transition table --- */

enum mxm_era mxm_era_of(enum mxm_spec_release release)
{
  if(release == MXM_SPEC_R0)
    return MXM_ERA_R0;
  if(release <= MXM_SPEC_V1_2)
    return MXM_ERA_V1_1;
  return MXM_ERA_V1_3;
}

enum mxm_status mxm_era_parse(const char *text, enum mxm_era *out)
{
  enum mxm_spec_release release;
  if(!text || !out)
    return MXM_E_UNSUPPORTED;
  if(mxm_spec_parse(text, &release) != MXM_OK)
    return MXM_E_UNSUPPORTED;
  *out = mxm_era_of(release);
  return MXM_OK;
}

const char *mxm_era_name(enum mxm_era era)
{
  switch(era) {
  case MXM_ERA_R0:
    return "r0";
  case MXM_ERA_V1_1:
    return "v1.1";
  case MXM_ERA_V1_3:
    return "v1.3";
  }
  return "unknown";
}

/* --- spec-release edits --- */

/* Room-version sets as bit masks: bit (n - 1) for room version n. */
#define RV(n) (1u << ((n) - 1))
#define RV_ALL 0xFFFu
#define RV_RANGE(a, b) ((RV(b) << 1) - RV(a)) /* versions a..b inclusive */
static_assert(RV_RANGE(1, MXM_N_ROOM_VERSIONS) == RV_ALL, "RV_ALL covers every room version");

/*
 * The edit list, one X(...) per edit: id, rule ids, first, last, summary,
 * source, rooms, late, late_first. `rooms` are the room versions whose text
 * the edit concerns; `late` (a subset of rooms) got the same text only from
 * release `late_first` (late = 0: none). Ordered by first release. Ranges
 * from content/changelog/v1.*.md and the PRs they name; PR numbers are
 * matrix-org/matrix-spec unless marked otherwise.
 */
#define MXM_EDIT_LIST(X)                                                                                                                 \
  X("knock.otherwise_reject", "member.knock.current_membership",                                                                         \
    MXM_SPEC_V1_2, MXM_SPEC_CURRENT,                                                                                                     \
    "the knock rule ends with \"Otherwise, reject\" (v1.1 text lacked it)",                                                              \
    "4a597ace, matrix-doc #3661; changelog v1.2",                                                                                        \
    RV_RANGE(7, 12), 0, MXM_SPEC_R0)                                                                                                     \
  X("leave.self_from_knock", "member.leave.self.allow member.leave.self.reject",                                                         \
    MXM_SPEC_V1_2, MXM_SPEC_CURRENT,                                                                                                     \
    "a user may leave (retract) their own knock: self-leave allowed from knock",                                                         \
    "0f9eadd1, matrix-doc #3694; changelog v1.2",                                                                                        \
    RV_RANGE(7, 12), 0, MXM_SPEC_R0)                                                                                                     \
  X("join.knock_rule_invited", "member.join.invited member.join.otherwise",                                                              \
    MXM_SPEC_V1_3, MXM_SPEC_CURRENT,                                                                                                     \
    "join rule knock lets invited or joined users join, like invite",                                                                    \
    "9b0bd091, matrix-doc #3737; changelog v1.3",                                                                                        \
    RV_RANGE(7, 12), 0, MXM_SPEC_R0)                                                                                                     \
  X("federate.rule", "federate",                                                                                                         \
    MXM_SPEC_V1_3, MXM_SPEC_CURRENT,                                                                                                     \
    "m.federate: false rejects events whose sender's server differs from the create sender's " "(v6/v7 texts only from v1.14)",          \
    "1a994f61, #1103 (v1.3); 10587366, #2065 (v1.14, v6 and v7)",                                                                        \
    RV_ALL, RV(6) | RV(7), MXM_SPEC_V1_14)                                                                                               \
  X("restricted.homeserver_signature", "member.authorised_via.signature",                                                                \
    MXM_SPEC_V1_3, MXM_SPEC_CURRENT,                                                                                                     \
    "the join_authorised_via_users_server signature must come from that user's homeserver",                                              \
    "25a9dcfd, #1093; changelog v1.3",                                                                                                   \
    RV_RANGE(8, 12), 0, MXM_SPEC_R0)                                                                                                     \
  X("auth_events.rejected", "auth_events.unexpected",                                                                                    \
    MXM_SPEC_V1_4, MXM_SPEC_CURRENT,                                                                                                     \
    "an event with a rejected auth event is rejected (v6/v7 texts only from v1.14)",                                                     \
    "848294ea, #1137 (v1.4); 10587366, #2065 (v1.14, v6 and v7)",                                                                        \
    RV_ALL, RV(6) | RV(7), MXM_SPEC_V1_14)                                                                                               \
  X("knock.from_invite", "member.knock.allow member.knock.current_membership",                                                           \
    MXM_SPEC_V1_4, MXM_SPEC_V1_9,                                                                                                        \
    "an invited user may knock: the knock rule blocks only ban and join",                                                                \
    "b36d4eff, #1175 (v1.4); reverted by c4e69d8c, #1717 (v1.10)",                                                                       \
    RV_RANGE(7, 12), 0, MXM_SPEC_R0)                                                                                                     \
  X("pl.users_demote_equal", "power_levels.users_demote",                                                                                \
    MXM_SPEC_V1_5, MXM_SPEC_CURRENT,                                                                                                     \
    "a users entry (not the sender's own) changed or removed with old value >= sender's level " "is rejected (before: only > rejected)", \
    "11cef541, #1269; changelog v1.5",                                                                                                   \
    RV_ALL, 0, MXM_SPEC_R0)                                                                                                              \
  X("pl.invite_default_0", "member.invite.allow member.invite.insufficient_power",                                                       \
    MXM_SPEC_V1_6, MXM_SPEC_CURRENT,                                                                                                     \
    "the invite level defaults to 0 when power levels omit it (50 before)",                                                              \
    "9555cbe5, #1371; changelog v1.6",                                                                                                   \
    RV_ALL, 0, MXM_SPEC_R0)                                                                                                              \
  X("pl.state_default_50_without_pl", "event.insufficient_power",                                                                        \
    MXM_SPEC_V1_7, MXM_SPEC_CURRENT,                                                                                                     \
    "state_default is 50 also when the room has no m.room.power_levels (0 before)",                                                      \
    "#1478, #1479; changelog v1.7",                                                                                                      \
    RV_ALL, 0, MXM_SPEC_R0)                                                                                                              \
  X("v11.first_join_create_sender", "member.join.creator",                                                                               \
    MXM_SPEC_V1_13, MXM_SPEC_CURRENT,                                                                                                    \
    "v11 creator's first join names the m.room.create sender (v1.8 text: \"state_key is the " "sender\"; "         \
    "a clarification: the engine applies the create-sender reading in every release)",                               \
    "#2024; changelog v1.13",                                                                                                            \
    RV(11) | RV(12), 0, MXM_SPEC_R0)                                                                                                     \
  X("auth_events.knock_join_rules", "auth_events.unexpected",                                                                            \
    MXM_SPEC_V1_14, MXM_SPEC_CURRENT,                                                                                                    \
    "auth events selection includes the current m.room.join_rules for knock",                                                            \
    "#2063; changelog v1.14",                                                                                                            \
    RV_RANGE(7, 12), 0, MXM_SPEC_R0)                                                                                                     \
  X("auth_events.authoriser_join_only", "auth_events.unexpected",                                                                        \
    MXM_SPEC_V1_15, MXM_SPEC_CURRENT,                                                                                                    \
    "the authorising user's member event is selected only for join events",                                                              \
    "#2100; changelog v1.15",                                                                                                            \
    RV_RANGE(8, 12), 0, MXM_SPEC_R0)                                                                                                     \
  X("auth_events.room_id", "auth_events.room_mismatch",                                                                                  \
    MXM_SPEC_V1_16, MXM_SPEC_CURRENT,                                                                                                    \
    "an auth event whose room_id differs from the event's is rejected (all room versions)",                                              \
    "f97d2944, MSC4307/MSC4291; changelog v1.16",                                                                                        \
    RV_ALL, 0, MXM_SPEC_R0)                                                                                                              \
  X("restricted.authoriser_joined", "member.join.restricted.authoriser_not_joined",                                                      \
    MXM_SPEC_V1_17, MXM_SPEC_CURRENT,                                                                                                    \
    "the restricted-join authorising user must be joined to the room",                                                                   \
    "b6a127b5, #2220; changelog v1.17",                                                                                                  \
    RV_RANGE(8, 12), 0, MXM_SPEC_R0)                                                                                                     \
  X("pl.float_values", "power_levels.types", MXM_SPEC_V1_18, MXM_SPEC_CURRENT,                                                           \
    "v1-v5 power levels may be floats: exponent expanded, then truncated (earlier texts are silent)",                                    \
    "#2297 \"Clarify meaning of floating-point powerlevels\"; changelog v1.18",                                                          \
    RV_RANGE(1, 5), 0, MXM_SPEC_R0)                                                                                                     \
  X("event.size_65536", "", MXM_SPEC_V1_1, MXM_SPEC_CURRENT,                                                                             \
    "a whole event may be 65536 bytes as canonical JSON (r0 texts: larger than 65535 bytes is too big)",                                 \
    "#3127; changelog v1.1; matrix-doc client_server/r0.6.1 client_server_api.rst Size limits",                                         \
    RV_ALL, 0, MXM_SPEC_R0)

static const struct mxm_spec_edit edits[] = {
#define MXM_X_(id, rules, first, last, summary, source, rooms, late, late_first) \
  {id, rules, first, last, summary, source},
  MXM_EDIT_LIST(MXM_X_)
#undef MXM_X_
};
struct edit_scope {
  unsigned rooms;
  unsigned late;
  enum mxm_spec_release late_first;
};
static const struct edit_scope edit_scopes[] = {
#define MXM_X_(id, rules, first, last, summary, source, rooms, late, late_first) \
  {rooms, late, late_first},
  MXM_EDIT_LIST(MXM_X_)
#undef MXM_X_
};
#define N_EDITS (sizeof(edits) / sizeof(edits[0]))
static_assert(sizeof(edits) / sizeof(edits[0]) == sizeof(edit_scopes) / sizeof(edit_scopes[0]),
              "one scope per edit");

const struct mxm_spec_edit *mxm_spec_edits(size_t *count)
{
  if(count)
    *count = N_EDITS;
  return edits;
}

/* Index of edit id, or -1. */
static long edit_find(const char *id)
{
  size_t i;
  if(!id)
    return -1;
  for(i = 0; i < N_EDITS; i++)
    if(strcmp(edits[i].id, id) == 0)
      return (long)i;
  return -1;
}

int mxm_spec_edit_active(const char *id, enum mxm_spec_release release)
{
  long i = edit_find(id);
  if(i < 0)
    return 0;
  return release >= edits[i].first && release <= edits[i].last;
}

int mxm_spec_edit_active_rv(const char *id, enum mxm_spec_release release,
                            const struct mxm_room_version *rv)
{
  long i = edit_find(id);
  unsigned bit;
  enum mxm_spec_release first;
  if(i < 0 || !rv || rv->number < 1 || rv->number > MXM_N_ROOM_VERSIONS)
    return 0;
  bit = RV(rv->number);
  if(!(edit_scopes[i].rooms & bit))
    return 0;
  first = (edit_scopes[i].late & bit) ? edit_scopes[i].late_first : edits[i].first;
  return release >= first && release <= edits[i].last;
}

unsigned mxm_spec_edit_rooms(const char *id)
{
  long i = edit_find(id);
  return i < 0 ? 0 : edit_scopes[i].rooms;
}
