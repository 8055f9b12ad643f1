/*
 * fuzz/check.h: what the harnesses share besides decoding: running a
 * scenario through the library, reporting a finding, the invariants, and
 * run statistics.
 *
 * A finding is reported by mxmf_finding: it prints "MXM-FUZZ FINDING", the
 * harness, what went wrong, the decoded case and both answers to stderr, and
 * then calls abort(), which is how libFuzzer, AFL++ and the replay driver
 * all recognise a crash. Nothing else in a harness may stop the process.
 */
#ifndef MXMF_CHECK_H
#define MXMF_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "build.h"
#include "mxm/mxm.h"
#include "oracle.h"
#include "scenario.h"

#if defined(__GNUC__) || defined(__clang__)
#define MXMF_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define MXMF_PRINTF(a, b)
#endif

/* Print the finding with the case (may be NULL) and abort. */
_Noreturn void mxmf_finding(const char *harness, const struct mxmf_case *c, const char *fmt, ...)
    MXMF_PRINTF(3, 4);

/* Once per process: deterministic JSON hashing, derived keys, statistics
 * printed at exit when MXMF_STATS is set (the replay driver sets it). */
void mxmf_init(void);

/* Counters that are reported, not hidden: documented contradictions the
 * invariants tolerate, ambiguous cases the oracle skips, and inputs the
 * library could not decide. Process-wide, only ever incremented. */
struct mxmf_stats {
  uint64_t cases, decided, either, state_invalid, undecidable, unsupported;
  uint64_t contradiction_knock_join;     /* knock -> join allowed (conformance/NOTES.md#knock-to-join) */
  uint64_t contradiction_3pid_join_invite; /* 3PID join -> invite allowed (conformance/NOTES.md#third-party-invite-skips-invite-checks) */
  uint64_t ambiguous_first_join;         /* creator's first join in a non-bare room (8.5) */
  uint64_t room_steps, room_accepted;
  uint64_t auth_unknown;                 /* a rejected auth event listed: the library says "cannot decide" */
  uint64_t room_oracle, room_oracle_either; /* fuzz_room steps compared with the oracle's model / left open */
  uint64_t canon_known, canon_no_answer;  /* fuzz_canonical: compared with canon_ref.c / no known answer */
};
extern struct mxmf_stats mxmf_stats;
void mxmf_stats_print(void);

/* Where a library run stopped. */
enum mxmf_stage { MXMF_AT_BUILD = 0, MXMF_AT_STATE, MXMF_AT_EVENT, MXMF_AT_AUTH, MXMF_DONE };
const char *mxmf_stage_name(enum mxmf_stage s);

/* One case run through the library: state, event, verdict. */
struct mxmf_run {
  struct mxmf_room_build rb;
  struct mxm_state *st;   /* owned */
  struct mxm_json *evjson; /* owned */
  struct mxm_event *ev;   /* owned */
  struct mxm_auth_options opt;
  enum mxmf_stage stage;  /* MXMF_DONE when res holds a verdict */
  enum mxm_status status; /* why it stopped, when stage != MXMF_DONE */
  struct mxm_error err;
  struct mxm_result res;
};

/* Build, load and authorise c. Never aborts; read run->stage. */
void mxmf_run_case(const struct mxmf_case *c, struct mxmf_run *run);
void mxmf_run_free(struct mxmf_run *run);

/* Check the library's handling of the case's validity against the oracle's
 * prediction: a state the oracle calls invalid must be refused, a valid one
 * must be loaded. Returns 1 when run holds a verdict to compare, 0 when the
 * case is finished (counted as invalid/undecidable/unsupported). */
int mxmf_expect_decided(const char *harness, const struct mxmf_case *c, const struct mxmo_answer *oracle,
                        const struct mxmf_run *run);

/* The invariants of the brief, written against the abstract case: they
 * hold for any correct rule engine, on allowed and on rejected events (a
 * rejection of an event some rule must allow is a finding). Aborts with a
 * finding on violation. */
void mxmf_check_invariants(const char *harness, const struct mxmf_case *c, const struct mxm_result *res);

/* The transition tables of the three eras (m.room.member.yaml), as this
 * file's own data: the kind of cell from -> to in era (0 r0.5.0-r0.6.1,
 * 1 v1.1-v1.2, 2 v1.3+): 'N' "Must never happen.", 'I' "Not implemented.",
 * '.' any other cell, '?' no cell. from NONE reads as leave. */
char mxmf_table_kind(int era, enum mxmf_membership from, enum mxmf_membership to);
/* The current (v1.3+) table's "Must never happen." cells. */
int mxmf_must_never_happen(enum mxmf_membership from, enum mxmf_membership to);
/* The library's classification (mxm_apply_result.transition, indexed by
 * enum mxm_era) against the three tables; a finding on any difference. */
void mxmf_check_classification(const char *h, const struct mxmf_case *c, const char *what, enum mxmf_membership from,
                               enum mxmf_membership to, const struct mxm_transition tr[3]);

/* Print the library result compactly into buf. */
const char *mxmf_result_text(const struct mxm_result *r, char *buf, size_t cap);

#endif /* MXMF_CHECK_H */
