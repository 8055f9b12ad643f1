/*
 * fuzz/scenario.h: the abstract test case the structure-aware fuzzers work on.
 *
 * A scenario is a room (version, spec release, a handful of users with
 * memberships, power levels, join rule, v12 creators, third-party-invite
 * token events) and one m.room.member event, all drawn from small
 * vocabularies. It holds no JSON and includes no mxm header on purpose: the
 * independent decision procedure (fuzz/oracle.c) reads only this, while
 * fuzz/build.c turns the same scenario into JSON events for the library. A
 * disagreement between the two therefore cannot come from shared code.
 *
 * Conventions: users are indices 0..MXMF_USERS-1; user 0 ("@alice:a.test")
 * sends the m.room.create event and is the room creator in every version.
 * Spec releases are numbered as the library numbers them (0 = r0, N = v1.N).
 */
#ifndef MXMF_SCENARIO_H
#define MXMF_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#define MXMF_USERS 5
#define MXMF_TOKENS 2
#define MXMF_SPEC_R0 0
#define MXMF_SPEC_CURRENT 19 /* v1.19 */

/* User IDs and their servers. Two users share a.test so that "same server"
 * and "other server" both occur for m.federate and the rule 4.2 signature. */
extern const char *const mxmf_user_ids[MXMF_USERS];
extern const char *const mxmf_user_servers[MXMF_USERS];

enum mxmf_membership { /* the abstract membership of a user, or of an event */
  MXMF_M_NONE = 0,     /* no member event */
  MXMF_M_INVITE,
  MXMF_M_JOIN,
  MXMF_M_LEAVE,
  MXMF_M_BAN,
  MXMF_M_KNOCK,
  MXMF_M_FOO,       /* event only: "membership": "foo" */
  MXMF_M_NOTSTRING, /* event only: "membership": 42 */
  MXMF_M_ABSENT     /* event only: no membership key */
};
#define MXMF_M_COUNT 9

/* How a power-level value is written. Whether the form is valid depends on
 * the room version (strings v1-v9, floats v1-v5): the builder writes what
 * the scenario says (mxmf_level_json) and the oracle parses that text itself
 * to decide whether the state is valid and what the level is.
 * MXMF_PL_SPELLED: the JSON text mxmf_level_spellings[variant], one of the
 * malformed or edge spellings the room versions treat differently (strings
 * such as "1e2" or " 50", exponents, true/null, integers beyond 2^53 and
 * 2^63); `value` is unused. */
enum mxmf_pl_form { MXMF_PL_INT = 0, MXMF_PL_STRING, MXMF_PL_FLOAT, MXMF_PL_SPELLED };

struct mxmf_level {
  unsigned present : 1;
  enum mxmf_pl_form form;
  int64_t value;      /* INT/STRING/FLOAT: the integer the spelling is built from */
  unsigned variant;   /* STRING/FLOAT: spelling 0 or 1; SPELLED: index into mxmf_level_spellings */
};

/* The spellings of MXMF_PL_SPELLED, as JSON text (scenario.c). */
extern const char *const mxmf_level_spellings[];
extern const unsigned mxmf_n_level_spellings;

/* The JSON text of a level's value, as the builder writes it. Returns buf. */
char *mxmf_level_json(const struct mxmf_level *l, char *buf, size_t cap);

struct mxmf_power {
  unsigned present : 1; /* an m.room.power_levels event exists */
  struct mxmf_level ban, kick, invite, users_default;
  struct mxmf_level users[MXMF_USERS];
};

enum mxmf_join_rule {
  MXMF_JR_NO_EVENT = 0, /* no m.room.join_rules event */
  MXMF_JR_PUBLIC,
  MXMF_JR_INVITE,
  MXMF_JR_KNOCK,
  MXMF_JR_RESTRICTED,
  MXMF_JR_KNOCK_RESTRICTED,
  MXMF_JR_PRIVATE,
  MXMF_JR_BOGUS,      /* "join_rule": "bogus" */
  MXMF_JR_MISSING,    /* content without join_rule */
  MXMF_JR_NOT_STRING  /* "join_rule": 7 */
};
#define MXMF_JR_COUNT 10

/* Identity-server keys: two derived Ed25519 keys (names "is1", "is2"). */
enum mxmf_is_key { MXMF_KEY_NONE = 0, MXMF_KEY_IS1, MXMF_KEY_IS2 };

struct mxmf_token_event { /* an m.room.third_party_invite in the state */
  unsigned present : 1;
  int sender;                 /* user index */
  enum mxmf_is_key public_key; /* content.public_key (never NONE when present) */
  enum mxmf_is_key extra_key;  /* an entry of public_keys[] besides public_key, or NONE */
  unsigned urlsafe : 1;        /* keys written in the URL-safe base64 alphabet */
};

/* content.third_party_invite of the event under test. */
struct mxmf_tpi {
  unsigned present : 1;
  unsigned omit_signed : 1;
  unsigned omit_mxid : 1;
  unsigned omit_token : 1;
  int mxid;             /* user index */
  int token;            /* 0..MXMF_TOKENS-1, or MXMF_TOKENS for an unknown token */
  enum mxmf_is_key signer; /* key that signs `signed`; NONE = no signature */
  unsigned corrupt : 1; /* flip a byte of the signature */
};

/* auth_events of the event under test: entries naming events of the room
 * (content/server-server-api.md "Auth events selection"). n == 0 writes
 * "auth_events": [], which the library reads as "not supplied" (the rules
 * on auth events run only when the event lists some:
 * mxm_auth_options.check_auth_events, ref/include/mxm/auth.h), and the
 * oracle agrees. The decoder writes the right selection or a wrong one
 * (an entry missing, an extra or duplicate entry, an entry of a type the
 * selection never picks, an entry naming a rejected event); the oracle
 * decides which rules fire from the spec text, not from how it was made. */
enum mxmf_ae_what {
  MXMF_AE_CREATE = 0,  /* the m.room.create */
  MXMF_AE_POWER,       /* the m.room.power_levels */
  MXMF_AE_JOIN_RULES,  /* the m.room.join_rules */
  MXMF_AE_MEMBER,      /* user `index`'s m.room.member in the room */
  MXMF_AE_TOKEN,       /* the m.room.third_party_invite with state_key "tok<index>" */
  MXMF_AE_REJECTED     /* an m.room.member of user `index` that was rejected on receipt:
                          its ID is not in the room (the library cannot know it) */
};
#define MXMF_AE_MAX 10 /* pdu_v1.yaml: at most 10 auth events */
struct mxmf_ae_entry {
  uint8_t what;  /* enum mxmf_ae_what */
  uint8_t index; /* user (MEMBER, REJECTED) or token (TOKEN) */
};
struct mxmf_auth_events {
  uint8_t n;
  struct mxmf_ae_entry e[MXMF_AE_MAX];
};

/* How the event is signed for rule 4.2 (join_authorised_via_users_server). */
enum mxmf_auth_sig { MXMF_ASIG_NONE = 0, MXMF_ASIG_RIGHT, MXMF_ASIG_WRONG };

struct mxmf_event {
  int sender, target;          /* user indices; target is the state_key */
  enum mxmf_membership membership;
  unsigned omit_state_key : 1;
  unsigned prev_create : 1;    /* prev_events = [the create event] */
  int authoriser;              /* -1, or the user named in join_authorised_via_users_server */
  enum mxmf_auth_sig auth_sig;
  struct mxmf_tpi tpi;
  unsigned displayname : 2;    /* 0 none, else one of three names (profile changes) */
  struct mxmf_auth_events auth; /* the event's auth_events */
};

struct mxmf_case {
  int room_version;            /* 1..12 */
  int spec;                    /* 0 = r0, N = v1.N; always a release that has room_version */
  unsigned bare : 1;           /* the state holds only the create event */
  unsigned no_federate : 1;    /* create content "m.federate": false */
  unsigned additional_creators; /* v12: bit i = user i is in additional_creators (bit 0 unused) */
  enum mxmf_membership member[MXMF_USERS]; /* NONE..KNOCK */
  unsigned displayname[MXMF_USERS];        /* 0 none, else a name index */
  struct mxmf_power power;
  enum mxmf_join_rule join_rule;
  unsigned allow_list : 1;     /* join rules carry an allow list */
  struct mxmf_token_event tokens[MXMF_TOKENS];
  struct mxmf_event ev;
};

/* The first spec release whose text has room version v (content/changelog/v1.*.md). */
int mxmf_version_intro(int room_version);

/* Human-readable dump of a case, for finding reports. Writes at most cap
 * bytes (NUL-terminated) and returns buf. */
char *mxmf_case_describe(const struct mxmf_case *c, char *buf, size_t cap);

const char *mxmf_membership_word(enum mxmf_membership m);
const char *mxmf_join_rule_word(enum mxmf_join_rule jr);
const char *mxmf_spec_word(int spec); /* "r0", "v1.3", ... (static) */

#endif /* MXMF_SCENARIO_H */
