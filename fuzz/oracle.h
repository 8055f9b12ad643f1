/*
 * fuzz/oracle.h: an independent decision procedure for m.room.member
 * authorisation, used by fuzz_differential and by the invariant checks.
 *
 * Written from the spec's rule text alone (content/rooms/fragments/v1-auth-rules.md,
 * v3-auth-rules.md, v8-auth-rules.md, content/rooms/v6.md .. v12.md, the power-level
 * fragments, conformance/NOTES.md), in a different form from the reference: it works on
 * the abstract scenario of fuzz/scenario.h (no JSON, no events, no state
 * map), keeps its own table of room-version features and its own table of
 * spec-release edits, and computes power levels from the abstract values.
 * It includes no mxm header and links no ref/ code.
 *
 * Where the spec does not settle an outcome (conformance/NOTES.md#ambiguities-and-contradictions) the answer is
 * MXMO_EITHER and callers skip the comparison; where the verdict is settled
 * but two rule ids could both claim it, rule is NULL and only the verdict is
 * compared.
 */
#ifndef MXMF_ORACLE_H
#define MXMF_ORACLE_H

#include <stdint.h>

#include "scenario.h"

enum mxmo_verdict {
  MXMO_ALLOW = 1,
  MXMO_REJECT,
  MXMO_EITHER,       /* the spec does not decide (NOTES.md) */
  MXMO_STATE_INVALID /* the state itself is not valid for the room version
                        (a power level of a form the version forbids) */
};

struct mxmo_answer {
  enum mxmo_verdict verdict;
  const char *rule;  /* ref/RULES.md id, or NULL when any id will do */
  const char *why;   /* one line, static: the spec rule that decided */
  /* The event lists an auth event that was rejected on receipt: a state
   * of accepted events cannot hold it, so "cannot decide" is also a right
   * answer for a library that sees only such a state. */
  unsigned unknown_auth_event : 1;
};

/* Decide c. Pure: no allocation, no globals written. */
void mxmo_decide(const struct mxmf_case *c, struct mxmo_answer *out);

/* "Infinitely high" power (v12 creators). Real levels are within
 * +-(2^53-1), so this cannot collide with one. */
#define MXMO_PL_INFINITE INT64_MAX

/* The oracle's own power computations, shared with the invariant checks.
 * Meaningful only when the state is valid (verdict != MXMO_STATE_INVALID). */
int64_t mxmo_user_level(const struct mxmf_case *c, int user);
int64_t mxmo_level(const struct mxmf_case *c, const char *name); /* "invite", "kick", "ban" */
int mxmo_is_v12_creator(const struct mxmf_case *c, int user);
/* 1 if the room version has the membership / join rule in question. */
int mxmo_has_knock(int room_version);
/* 1 if the room holds only the create event. */
int mxmo_room_is_bare(const struct mxmf_case *c);
/* 1 if the creator's first-join rule fires for c (the event is a join, its
 * only previous event is the create, and the target is the creator). */
int mxmo_first_join(const struct mxmf_case *c);
/* 1 if some reading of the spec text makes the event a creator's first
 * join: mxmo_first_join, or the v11 v1.8-v1.12 text read as "the join's
 * sender is its state_key" (v11.md rule 4.3.1). Invariants exempt these. */
int mxmo_first_join_possible(const struct mxmf_case *c);
/* A power level as the room version reads its JSON text (scenario.c
 * mxmf_level_json): 1 and *out, or 0 when the version does not accept it. */
int mxmo_level_of_text(const char *text, int room_version, int64_t *out);
/* The rules before the member block (auth events, m.federate) and member
 * rule 1 and 4.2 (shape, authoriser signature): the rule id of the first
 * that rejects c, or NULL when none does. Meaningful for a valid state. */
const char *mxmo_general_reject(const struct mxmf_case *c);

/* fuzz_room's state changes, decided against the room of c (c->ev is not
 * read; auth_events are "[]"): an m.room.power_levels event by sender with
 * the levels p, and an m.room.join_rules event by sender. The rules after
 * the member block (v1-auth-rules.md 6, 8, 10; v10.md 9; v12.md 10). */
void mxmo_decide_power(const struct mxmf_case *c, int sender, const struct mxmf_power *p, struct mxmo_answer *out);
void mxmo_decide_join_rules(const struct mxmf_case *c, int sender, struct mxmo_answer *out);

#endif /* MXMF_ORACLE_H */
