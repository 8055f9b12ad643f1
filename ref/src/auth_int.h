/*
 * auth_int.h: internals shared by the rule engine's files (auth.c dispatch,
 * auth_general.c general rules, auth_member.c member block). Not public.
 *
 * The engine is a set of static const row tables, one row per spec rule, in
 * spec order; the first row whose predicate fires decides. Predicates are
 * small pure functions over a read-only context; they allocate nothing.
 */
#ifndef MXM_AUTH_INT_H
#define MXM_AUTH_INT_H

#include <stdint.h>

#include "limits.h"
#include "mxm/auth.h"
#include "mxm/event.h"
#include "mxm/state.h"
#include "mxm/version.h"

/* Citation families of the rule numbering (content/rooms/v1.md .. v12.md), chosen from the
 * version columns, never from the version number:
 *   F1  member rule 5, no restricted (v1-v5)
 *   F6  member rule 4, no knock (v6)
 *   F7  knock but no restricted (v7)
 *   F8  restricted, member rule 4 (v8-v11)
 *   F12 restricted, member rule 5 (v12) */
enum mxmi_family { MXMI_F1 = 0, MXMI_F6, MXMI_F7, MXMI_F8, MXMI_F12, MXMI_N_FAMILIES };
enum mxmi_family mxmi_family_of(const struct mxm_room_version *rv);

/* Citation strings per family, built from string literals so the result's
 * spec pointer is static. */
#define MXMI_CITE(f1, f6, f7, f8, f12)                                                              \
  {                                                                                                 \
    "v1-v5 auth rule " f1, "v6 auth rule " f6, "v7 auth rule " f7, "v8-v11 auth rule " f8,          \
        "v12 auth rule " f12                                                                        \
  }

/* One entry of the event's auth_events as the state's event index knows it. */
struct mxmi_auth_ref {
  int known;             /* 0: the index does not know the ID (the rules cannot decide) */
  const char *type;      /* borrowed from the state, like the rest */
  const char *state_key;
  const char *room_id;
};

/* Everything a predicate may read. Built once per decision, on the stack. */
struct mxmi_ctx {
  const struct mxm_state *st;
  const struct mxm_event *ev;
  const struct mxm_auth_facts *facts; /* never NULL (a zeroed one when the caller gave none) */
  const struct mxm_auth_options *opt;
  const struct mxm_room_version *rv;
  enum mxmi_family family;
  const char *sender;
  /* member events: */
  const char *target;                 /* state_key, NULL if absent */
  enum mxm_membership membership;     /* content.membership */
  enum mxm_membership cur_sender, cur_target;
  int64_t pl_sender, pl_target;
  const char *join_rule;              /* current join_rule string, NULL if none */
  const struct mxm_event *create;     /* the state's m.room.create, NULL if none */
  /* ev->auth_events resolved through the state's event index, once per
   * decision, by mxmi_auth_pre before the auth-events rows run; only when
   * they run (check_auth_events, 1..MXM_SPEC_MAX_AUTH_EVENTS entries).
   * n_auth is 0 otherwise. */
  size_t n_auth;
  struct mxmi_auth_ref auth[MXM_SPEC_MAX_AUTH_EVENTS];
};

/* Predicate results. */
#define MXMI_NO 0
#define MXMI_FIRES 1
#define MXMI_UNDECIDED (-1) /* the predicate filled why->err */

/* What a predicate may report besides firing: the JSON pointer of the
 * deciding field (when it is not the row's static one), and an error when it
 * cannot decide. */
struct mxmi_why {
  char where[MXM_ERROR_WHERE_MAX];
  struct mxm_error *err; /* may be NULL */
};

typedef int (*mxmi_check_fn)(const struct mxmi_ctx *c, struct mxmi_why *why);

/* Row gates: which version column a row needs. */
enum mxmi_gate {
  MXMI_GATE_NONE = 0,
  MXMI_GATE_KNOCK,      /* rv->knock */
  MXMI_GATE_RESTRICTED, /* rv->restricted */
  MXMI_GATE_V12,        /* rv->creators_v12 */
  MXMI_GATE_CREATE_DOMAIN,  /* rv->create_room_id_domain */
  MXMI_GATE_CREATE_CREATOR, /* rv->create_needs_creator */
  MXMI_GATE_AUTH_CREATE     /* rv->create_in_auth_events */
};

/* One rule row. on: the membership the row belongs to (MXM_MEMBERSHIP_NONE =
 * any) for member rows; unused elsewhere. */
struct mxmi_row {
  const char *id;
  enum mxm_membership on;
  enum mxmi_gate gate;
  mxmi_check_fn check;
  enum mxm_verdict verdict;
  const char *where;  /* static JSON pointer of the deciding field */
  const char *reason; /* static, human-readable */
  const char *cite[MXMI_N_FAMILIES];
};

int mxmi_gate_open(enum mxmi_gate gate, const struct mxm_room_version *rv);

/* Run rows in order; the first that fires decides into out. Returns MXM_OK
 * and sets *decided = 1 when a row fired, MXM_OK with *decided = 0 when none
 * did, or an error status (why.err filled) when a predicate cannot decide. */
enum mxm_status mxmi_run_rows(const struct mxmi_row *rows, size_t n, const struct mxmi_ctx *c,
                              int member_block, struct mxm_result *out, int *decided,
                              struct mxm_error *err);

/* Is an edit in force for this decision's release and room version. */
int mxmi_edit(const struct mxmi_ctx *c, const char *edit_id);

/* The member block (auth_member.c): always decides or errors. */
enum mxm_status mxmi_auth_member(const struct mxmi_ctx *c, struct mxm_result *out, struct mxm_error *err);

/* The general rules (auth_general.c) that precede the member block: create,
 * v12 room id, auth events, m.federate. *decided = 1 if one decided. Fills
 * c->auth (the only field it writes) before the auth-events rows. */
enum mxm_status mxmi_auth_pre(struct mxmi_ctx *c, struct mxm_result *out, int *decided,
                              struct mxm_error *err);
/* The general rules after the member block, for non-member events. Always
 * decides or errors. */
enum mxm_status mxmi_auth_post(const struct mxmi_ctx *c, struct mxm_result *out, struct mxm_error *err);

/* The rows, exported for the rule-info consistency test and mxm_rules. */
const struct mxmi_row *mxmi_member_rows(size_t *n);
/* General tables: 0 create + room ID, 1 auth events + m.federate, 2 after
 * the member block; NULL (and *n = 0) past the last. */
const struct mxmi_row *mxmi_general_table(int which, size_t *n);

/* The server part of a user ID ("example.org" for "@a:example.org"), or "". */
const char *mxmi_domain(const char *id);

#endif
