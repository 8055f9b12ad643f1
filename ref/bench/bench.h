/*
 * bench.h: what the files of mxm-bench share (internal to ref/bench/).
 *
 * mxm-bench measures throughput of the reference library and reports every
 * figure next to a baseline measured in the same run, as a ratio. It asserts
 * no timing: a run fails only when a fixture does not decide the way the
 * bench expects (it would then measure the wrong path) or cannot be built.
 *
 * Files: bench_main.c (options, sections, output), bench_measure.c (timing,
 * statistics, pinning, memory, the result table), bench_fixture.c (rooms and
 * member events as signed JSON), bench_auth.c (sections "decide" and
 * "verdict"), bench_scale.c ("scale"), bench_conform.c ("conform"),
 * bench_fuzz.c and fuzzbody_*.c ("fuzz").
 */
#ifndef MXMB_BENCH_H
#define MXMB_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mxm/mxm.h"

/* ------------------------------------------------------------------ */
/* Options                                                             */

struct mxmb_opts {
  int quick;          /* tiny sizes, one repeat: for ctest, no meaningful figures */
  int json;           /* machine-readable output on stdout */
  int repeat;         /* timed runs per measurement (default 7; quick 1) */
  int verbose;        /* progress on stderr */
  double run_seconds; /* target duration of one timed run */
  const char *only;   /* run only this section, or NULL */
  const char *root;   /* repository root (conformance/, corpus/, build/) */
  const char *json_out; /* also write the JSON results to this file, or NULL */
  const char *sizes;  /* scale: comma-separated member counts, or NULL for the defaults */
};

/* ------------------------------------------------------------------ */
/* Measurement                                                         */

/* One operation kind to time: run(ctx, n) does n operations and returns a
 * value that depends on their results (folded into a sink, so the compiler
 * cannot drop the work). */
typedef uint64_t (*mxmb_run_fn)(void *ctx, size_t n);

struct mxmb_stats {
  double median, min, max; /* ns per operation over the repeats */
  int runs;
  size_t ops_per_run;
};

/* Time `subject` and `baseline` in alternating runs (ABBA order, so drift in
 * machine load hits both alike): calibration runs first (they are the
 * warm-up), then opts->repeat timed runs each, every run at least
 * opts->run_seconds long. baseline may be NULL. */
void mxmb_measure_pair(const struct mxmb_opts *opts, mxmb_run_fn subject, void *sctx, mxmb_run_fn baseline,
                       void *bctx, struct mxmb_stats *s_out, struct mxmb_stats *b_out);

/* Statistics of `runs` values (sorted in place). */
void mxmb_stats_of(double *values, int runs, struct mxmb_stats *out);

/* Monotonic nanoseconds. */
uint64_t mxmb_now_ns(void);

/* ------------------------------------------------------------------ */
/* Results                                                             */

struct mxmb_row {
  char section[16];
  char name[48];
  char unit[16];      /* "ns/op", "B/member", "exec/s"... */
  struct mxmb_stats st; /* per-op time; for non-timed rows only median is used */
  double per_second;  /* operations per second at the median, 0 for non-timed rows */
  char baseline[48];  /* name of the baseline row, or "" */
  double ratio;       /* see ratio_sense; 0 when no baseline */
  char ratio_sense[48]; /* what the ratio means, e.g. "x baseline time" */
  char target[32];    /* the target, as text, or "" */
  int target_met;     /* 1 met, 0 missed, -1 no target */
  char note[160];
};

/* Append a row to the run's results (static storage; at most MXMB_MAX_ROWS). */
#define MXMB_MAX_ROWS 256
struct mxmb_row *mxmb_row_add(const char *section, const char *name, const char *unit);
/* A timed row: median ns/op, ops/s. */
struct mxmb_row *mxmb_row_timed(const char *section, const char *name, const struct mxmb_stats *st);
void mxmb_print_table(const struct mxmb_opts *opts);
void mxmb_print_json(const struct mxmb_opts *opts, FILE *out);

/* Notes about the run (pinning, load, methods), printed with the results. */
void mxmb_note(const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
/* A problem that makes figures unreliable (a fixture mismatch): printed and
 * counted; the exit code stays 0 unless it is fatal to the section. */
void mxmb_warn(const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
int mxmb_warning_count(void);

/* ------------------------------------------------------------------ */
/* Machine                                                             */

/* Pin the process to one CPU. Writes what happened into buf. 1 if pinned. */
int mxmb_pin_one_cpu(char *buf, size_t len);
/* Load averages from /proc/loadavg ("0.12 0.30 0.25"), or "unknown". */
void mxmb_loadavg(char *buf, size_t len);
/* Resident and peak resident memory from /proc/self/status, in bytes; 0 if
 * unavailable. */
size_t mxmb_rss_bytes(void);
size_t mxmb_hwm_bytes(void);
/* Reset the peak-RSS counter (writes "5" to /proc/self/clear_refs). 1 on
 * success. */
int mxmb_hwm_reset(void);

/* ------------------------------------------------------------------ */
/* Fixtures (bench_fixture.c)                                          */

#define MXMB_SERVER "bench.example"

/* The member-event kinds of the decision mix. */
enum mxmb_kind {
  MXMB_JOIN = 0,   /* outsider joins a public room */
  MXMB_INVITE,     /* admin invites an outsider */
  MXMB_LEAVE,      /* member leaves */
  MXMB_KICK,       /* moderator kicks a member */
  MXMB_BAN,        /* admin bans a member */
  MXMB_UNBAN,      /* admin unbans the banned user */
  MXMB_KNOCK,      /* outsider knocks (join rule knock) */
  MXMB_RESTRICTED, /* outsider joins via an authorising admin (join rule restricted; signed) */
  MXMB_BANNED_JOIN,/* banned user joins: reject */
  MXMB_WEAK_KICK,  /* member kicks the moderator: reject */
  MXMB_KIND_COUNT
};
const char *mxmb_kind_name(enum mxmb_kind k);

/* The join rule of a fixture room. */
enum mxmb_room_kind { MXMB_ROOM_PUBLIC = 0, MXMB_ROOM_KNOCK, MXMB_ROOM_RESTRICTED, MXMB_ROOM_KIND_COUNT };

/* A prepared room: state with `fill` joined members besides the named users. */
struct mxmb_room {
  const struct mxm_room_version *rv;
  struct mxm_state *st;           /* owned unless borrowed */
  int borrowed;                   /* st belongs to someone else (an mxm_room) */
  char room_id[80];
  char create_id[MXM_EVENT_ID_MAX + 200];
  char pl_id[MXM_EVENT_ID_MAX + 200];
  char jr_id[MXM_EVENT_ID_MAX + 200];
};

/* Build a room of kind rk for room version rv with `fill` extra members,
 * into a new state (into == NULL) or into the empty state `into` (borrowed:
 * for example an mxm_room's). MXM_OK or an error (err filled). */
enum mxm_status mxmb_room_build(const struct mxm_room_version *rv, enum mxmb_room_kind rk, size_t fill,
                                struct mxm_state *into, struct mxmb_room *out, struct mxm_error *err);
/* Add filler members from..from+count-1 (joined), each as a compact
 * client-form member event carrying an event_id of the length of a real one
 * (44 bytes in v3+), so the state does not spend the build hashing. */
enum mxm_status mxmb_room_fill(struct mxmb_room *r, size_t from, size_t count, struct mxm_error *err);
void mxmb_room_free(struct mxmb_room *room);

/* The signing key of MXMB_SERVER (derived with mxm_signing_key_for_name). */
const struct mxm_signing_key *mxmb_server_key(void);

/* A member event as signed PDU bytes, for room r: sender, target, membership,
 * optional authoriser (join_authorised_via_users_server). auth_events lists
 * the create (v1-v11), the power levels and, for join/invite/knock, the join
 * rules. depth varies the bytes. Caller owns *out (free()). */
enum mxm_status mxmb_member_pdu(const struct mxmb_room *r, const char *sender, const char *target,
                                const char *membership, const char *authoriser, int64_t depth, char **out,
                                size_t *out_len, struct mxm_error *err);

/* Names of the fixture users. */
#define MXMB_ADMIN "@admin:" MXMB_SERVER
#define MXMB_MOD "@mod:" MXMB_SERVER
#define MXMB_BANNED "@banned:" MXMB_SERVER
/* "@m%07zu:bench.example" for filler member i into buf (>= 32 bytes). */
void mxmb_member_name(size_t i, char *buf, size_t len);

/* ------------------------------------------------------------------ */
/* Sections                                                            */

int mxmb_section_decide(const struct mxmb_opts *opts);
int mxmb_section_verdict(const struct mxmb_opts *opts);
int mxmb_section_scale(const struct mxmb_opts *opts);
int mxmb_section_conform(const struct mxmb_opts *opts);
int mxmb_section_fuzz(const struct mxmb_opts *opts);
int mxmb_section_fuzzadapter(const struct mxmb_opts *opts);

/* A sink the timed loops fold results into, read at exit. */
extern volatile uint64_t mxmb_sink;

#endif /* MXMB_BENCH_H */
