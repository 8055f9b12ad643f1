/*
 * conform.h: internals of the conformance runner (`mxm conform`), the static
 * library mxm_conform. Cross-file internals of this library use the prefix
 * mxmc_; file-local helpers are static and unprefixed.
 *
 * Data flows one way:
 *   case file bytes -> load.c (parse, never crash, byte offset on error)
 *                   -> lint.c (schema of FORMAT.md, ids, flags, coverage)
 *                   -> expand.c (compact state/event -> full signed events)
 *                   -> run.c (one request per case x room version, to a backend)
 *                   -> backend: refimpl.c in process, or adapter.c (a child
 *                      process speaking PROTOCOL.md)
 *                   -> report.c (text, tap, junit, json, markdown, html)
 * The expander and the runner never decide a verdict; only a backend does,
 * and the expected verdict always comes from the case file.
 *
 * Ownership: every char * member marked "owned" is from malloc() and freed by
 * the structure's free function.
 */
#ifndef MXMC_CONFORM_H
#define MXMC_CONFORM_H

#include <signal.h> /* sig_atomic_t */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mxm/mxm.h"

/* Limits, each with its reason. */
#define MXMC_MAX_FILE_BYTES ((size_t)64 << 20) /* a case file; the whole corpus is < 10 MB */
#define MXMC_MAX_LINE_BYTES ((size_t)16 << 20) /* one adapter response line */
#define MXMC_MAX_STATE_EVENTS 4096             /* compact states are small; caps expansion */

/* Exit codes of `mxm conform` (same values as ref/cli/cli.h). */
#define MXMC_EXIT_OK 0       /* every case passed (lint: no finding) */
#define MXMC_EXIT_FAIL 1     /* a failure, an error, or an unexpected pass (lint: findings) */
#define MXMC_EXIT_USAGE 2    /* bad option, unreadable or malformed case file */
#define MXMC_EXIT_INTERNAL 3 /* out of memory, write failure */
#define MXMC_EXIT_NOTHING_RAN 4 /* every selected case was skipped: nothing in common with the implementation */
#define MXMC_EXIT_PIPE 141   /* standard output closed (128 + SIGPIPE, as if killed by it, but quietly) */
/* interrupted: 128 + the signal (129 SIGHUP, 130 SIGINT, 143 SIGTERM) */

/* ---- growable string (util.c) ---- */
struct mxmc_buf {
  char *data; /* owned, always NUL-terminated once anything was appended */
  size_t len, cap;
  int failed; /* an allocation failed: contents are truncated */
};
void mxmc_buf_add(struct mxmc_buf *b, const char *s);
void mxmc_buf_addn(struct mxmc_buf *b, const char *s, size_t n);
void mxmc_buf_printf(struct mxmc_buf *b, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* The text ("" if empty); borrowed from b. */
const char *mxmc_buf_str(const struct mxmc_buf *b);
/* Hand the text to the caller (owned; never NULL) and reset b. */
char *mxmc_buf_take(struct mxmc_buf *b);
void mxmc_buf_free(struct mxmc_buf *b);

char *mxmc_strdup(const char *s); /* NULL-safe; NULL on NULL or OOM */
char *mxmc_printf(const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
/* Append a JSON pointer token (escaping ~ and /) to b. */
void mxmc_buf_ptr_token(struct mxmc_buf *b, const char *token);
/* Write s as a JSON string literal into b (valid UTF-8 passes through). */
void mxmc_buf_json_string(struct mxmc_buf *b, const char *s);

/* Seconds on the monotonic clock (differences only). */
double mxmc_now(void);

/* The file name without directories (borrowed from path). */
const char *mxmc_basename(const char *path);

/* Room versions a rule exists in: parses "1-12", "8-12", "7", "1-5,12",
 * "all". Sets bit n for version n (1..31). 0 for text it cannot read. */
uint32_t mxmc_version_set(const char *text);

/* Spec releases in which room version id exists (content/changelog/v1.*.md): v1-v6 from r0, v7 from v1.1, v8/v9 from v1.2, v10 from v1.3,
 * v11 from v1.8, v12 from v1.16. Unknown ids give MXM_SPEC_CURRENT + 1. */
enum mxm_spec_release mxmc_version_first_release(const char *id);

/* The rule "branch" of a rule id, used by coverage: the id without its last
 * dot-separated segment, cut to at most two segments; a one-segment id is its
 * own branch. member.join.restricted.allow -> member.join; member.shape ->
 * member; power_levels.allow -> power_levels; federate -> federate. The
 * result is written into out (NUL-terminated, truncated to outlen). */
void mxmc_rule_branch(const char *rule_id, char *out, size_t outlen);

/* ---- case files (load.c) ---- */
struct mxmc_file {
  char *path;            /* owned */
  const char *name;      /* base name, borrowed from path */
  struct mxm_json *root; /* owned; NULL when the file could not be read or parsed */
  char *load_error;      /* owned; why root is NULL ("byte 1234: ...") */
  size_t size;           /* bytes read */
};
/* Read and parse path. Always returns a file object (NULL only on OOM);
 * on failure root is NULL and load_error says why, with the byte offset. */
struct mxmc_file *mxmc_file_load(const char *path);
void mxmc_file_free(struct mxmc_file **fp);

/* Expand paths: a directory contributes its *_test.json files (sorted);
 * a file is taken as is. Appends owned strings to *list. Returns 0, or -1
 * with a message on stderr for a path that does not exist. */
int mxmc_collect_paths(const char *path, char ***list, size_t *n);

/* ---- lint (lint.c) ---- */
struct mxmc_lint {
  FILE *out;           /* findings go here, one per line; NULL = only count
                          them and keep the first in `first` */
  char *first;         /* owned: the first finding when out is NULL */
  size_t findings;     /* count */
  int coverage;        /* check rule x room-version and branch coverage */
  int skip_rules;      /* do not consult the rule table (schema only) */
  /* coverage data, filled by mxmc_lint_file */
  struct mxmc_cov *cov; /* owned */
  size_t n_cov, cap_cov;
};
/* Print one finding "file:tcId: message (at pointer)". tc_id < 0 = file level. */
void mxmc_lint_finding(struct mxmc_lint *l, const char *file, int64_t tc_id, const char *pointer,
                       const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
/* Check one loaded file (schema, tcIds, numberOfTests, flags, rule ids) and
 * record its cases for coverage. Returns the number of findings it added. */
size_t mxmc_lint_file(struct mxmc_lint *l, const struct mxmc_file *f);
/* After every file: the coverage findings. Returns the number added. */
size_t mxmc_lint_coverage(struct mxmc_lint *l);
void mxmc_lint_free(struct mxmc_lint *l);

/* Citation grammar (lint_cite.c): NULL when a link (or a spec text) cites
 * only sources a reader can open, else a static reason. */
const char *mxmc_cite_link_problem(const char *link);
const char *mxmc_cite_text_problem(const char *text);

/* Same-situation check (lint_situation.c): auth cases with the same compact
 * state, event and room version and overlapping spec-release ranges must expect
 * the same verdict, rule and transition. Add every file, then report (findings go
 * through mxmc_lint_finding). new() returns NULL on OOM. */
struct mxmc_situations;
struct mxmc_situations *mxmc_situations_new(void);
void mxmc_situations_add_file(struct mxmc_situations *s, const struct mxmc_file *f);
size_t mxmc_situations_report(struct mxmc_situations *s, struct mxmc_lint *l);
void mxmc_situations_free(struct mxmc_situations **s);

/* ---- expansion (expand.c) ---- */
struct mxmc_room; /* a room being built from a compact state; opaque */

/* Expansion errors are case errors (the case file asks for something that
 * cannot be built), reported with a JSON pointer. */
struct mxmc_room *mxmc_room_build(const struct mxm_room_version *rv, enum mxm_spec_release spec,
                                  const struct mxm_json *compact_state, const char *state_ptr,
                                  struct mxm_error *err);
void mxmc_room_free(struct mxmc_room **roomp);
/* Full state events, in order (borrowed). */
const struct mxm_json *mxmc_room_state(const struct mxmc_room *room);
/* {"server": {"ed25519:1": "<base64>"}} for every server involved so far,
 * including those of events expanded since (borrowed). */
const struct mxm_json *mxmc_room_server_keys(const struct mxmc_room *room);

/* Events of other rooms that expanded events name in auth_events (the
 * "foreign:<type>" selector), or NULL if there are none (borrowed). */
const struct mxm_json *mxmc_room_other_events(const struct mxmc_room *room);
/* The IDs of mxmc_room_state's and mxmc_room_other_events's events, in
 * their order, computed when they were built (borrowed; valid until the
 * room changes). */
struct mxmc_ids;
void mxmc_room_ids(const struct mxmc_room *room, struct mxmc_ids *out);

/* The test event of a case, from exactly one of event / rawEvent /
 * rawEventText in `holder` (a test or a sequence step). Exactly one of
 * *event (owned) and *event_text (owned) is set on success.
 * *explicit_auth is 1 when the compact event lists authEvents. */
enum mxm_status mxmc_room_expand_event(struct mxmc_room *room, const struct mxm_json *holder,
                                       const char *holder_ptr, struct mxm_json **event,
                                       char **event_text, int *explicit_auth, struct mxm_error *err);
/* Sequences: make ev (a full event from mxmc_room_expand_event) part of the
 * state the following steps are built on. Copies ev. */
enum mxm_status mxmc_room_accept(struct mxmc_room *room, const struct mxm_json *ev, struct mxm_error *err);

/* ---- the expander's memory of one run (signcache.c, expand.c) ---- */
/* Derived keys, hashes and signatures are computed once per run for each
 * distinct input (the input bytes are the key, compared in full), and an
 * expanded room once per distinct (compact state, room version, spec
 * release): mxmc_room_build then hands out copies. */
enum mxm_status mxmc_key_for_name(const char *name, struct mxm_signing_key *out);
enum mxm_status mxmc_sha256_once(const char *bytes, size_t len, unsigned char out[32]);
enum mxm_status mxmc_sign_once(const char *bytes, size_t len, const struct mxm_signing_key *key,
                               char sig_b64[MXM_SIGNATURE_B64_MAX], struct mxm_error *err);
/* Forget everything: the next expansion starts a new run. */
void mxmc_expand_reset(void);
struct mxmc_expand_stats {
  size_t keys_derived;         /* key pairs derived (the rest came from memory) */
  size_t hashes, hash_hits;    /* SHA-256 computed / answered from memory */
  size_t signatures, sign_hits; /* Ed25519 signatures made / answered from memory */
  size_t rooms_built, room_hits; /* mxmc_room_build: expanded / copied from memory */
  size_t rooms_cached;
};
void mxmc_expand_stats_get(struct mxmc_expand_stats *out);
/* expand.c's room memory (used by signcache.c) */
void mxmc_expand_rooms_reset(void);
size_t mxmc_expand_rooms_cached(void);
void mxmc_expand_count_room(int built);

/* ---- backends ---- */
enum mxmc_layer {
  MXMC_LAYER_AUTH = 1,
  MXMC_LAYER_TRANSITION = 2,
  MXMC_LAYER_API = 4,
  MXMC_LAYER_SEQUENCE = 8,
  MXMC_LAYER_CLIENT = 16 /* protocol 1.1 */
};
const char *mxmc_layer_name(enum mxmc_layer l);
int mxmc_layer_parse(const char *s); /* a layer bit, or 0 */

/* What a backend said it supports (the adapter's hello, PROTOCOL.md). */
struct mxmc_caps {
  char *name;                   /* owned */
  uint32_t room_versions;       /* bit n = room version n */
  unsigned layers;              /* enum mxmc_layer bits */
  enum mxm_spec_release spec_from, spec_to; /* releases whose text it follows */
  int reports_rules;            /* its rule ids are comparable to ref/RULES.md */
  char protocol[16];            /* the protocol version it speaks: "1.0" unless its hello says */
};

/* The reference, in process: answers one request object of PROTOCOL.md with
 * one response object (owned by the caller). Never fails on a bad request:
 * it answers {"id":..,"error":".."} instead. NULL only on out-of-memory. */
struct mxm_json *mxmc_ref_answer(const struct mxm_json *request);
/* Event IDs the expander already computed for a request's events, so that
 * the reference in process does not hash them again (an adapter has no
 * such list: it computes what it needs, as any implementation must).
 * state[i] is the ID of the request's state[i], other[i] of its
 * other_events[i]; NULL entries, or entries past the arrays, are computed. */
struct mxmc_ids {
  const char *const *state;
  size_t n_state;
  const char *const *other;
  size_t n_other;
  int events_fixed; /* the event objects never change while they exist (the
                       expander's): the backend may keep the state it loaded
                       from them for the next request with the same objects */
};
/* mxmc_ref_answer with known IDs (ids may be NULL). The answer is the same
 * as without them. */
struct mxm_json *mxmc_ref_answer_ids(const struct mxm_json *request, const struct mxmc_ids *ids);
/* The reference's cache of recently loaded states (refimpl.c says how it
 * is keyed): hits and misses so far; reset forgets every state. */
struct mxmc_state_cache_stats {
  size_t hits, misses;
};
void mxmc_ref_cache_stats(struct mxmc_state_cache_stats *out);
void mxmc_ref_cache_reset(void);
/* mxm-ref-adapter's loop: mxmc_adapter_serve with mxmc_ref_answer, and for
 * a request line whose state bytes it saw recently, an answer that parses
 * only the rest of the line. */
int mxmc_ref_serve(FILE *in, FILE *out, const char *name);
void mxmc_ref_caps(struct mxmc_caps *caps);
/* The reference's hello line object (owned). */
struct mxm_json *mxmc_ref_hello(const char *name);

/* The adapter side of PROTOCOL.md: print the reference's hello (named
 * `name`), then answer each request line of `in` with answer(req, ctx) as
 * one line on `out`, flushed, until end of input. An unparseable line gets
 * {"id": null, "error": ...}. Returns 0 at end of input, 3 on OOM or a write
 * error. Used by mxm-ref-adapter and wrong-adapter. */
typedef struct mxm_json *(*mxmc_answer_fn)(const struct mxm_json *req, void *ctx);
int mxmc_adapter_serve(FILE *in, FILE *out, const char *name, mxmc_answer_fn answer, void *ctx);

/* Signals (adapter.c). mxmc_signals_install ignores SIGPIPE and makes
 * SIGINT, SIGTERM and SIGHUP set mxmc_stop_signal (and kill the adapter's
 * process group): the run stops after the case in progress and the report
 * is finished, marked interrupted. A second signal ends the process at once
 * and removes the file named by mxmc_signals_tmp_file (the unfinished
 * report; NULL for none). */
extern volatile sig_atomic_t mxmc_stop_signal;
void mxmc_signals_install(void);
void mxmc_signals_tmp_file(const char *path);
/* "SIGSEGV" for SIGSEGV, or NULL for a signal without a name here. */
const char *mxmc_signal_name(int sig);

/* An adapter child process (adapter.c). */
struct mxmc_adapter;
/* Start `command` (run directly when it is a plain list of words, else
 * with /bin/sh -c; see adapter.c) and read its hello. NULL with a message
 * in err on failure (the message says what the adapter did). */
struct mxmc_adapter *mxmc_adapter_start(const char *command, double timeout_s, struct mxmc_buf *err);
const struct mxmc_caps *mxmc_adapter_caps(const struct mxmc_adapter *a);
/* Send one request and wait for its response (matched by id). On a fault
 * (timeout, exit, garbage, wrong id) returns NULL with a description in
 * *fault (owned), kills the child and restarts it before returning. */
struct mxm_json *mxmc_adapter_call(struct mxmc_adapter *a, const struct mxm_json *request, char **fault);
/* Number of restarts so far. */
unsigned mxmc_adapter_restarts(const struct mxmc_adapter *a);
/* The process group the running adapter leads (its own processes and
 * their children, e.g. a shell and what it started), or 0 if none: for
 * measuring its CPU time (mxm-bench conform). */
long mxmc_adapter_pgid(const struct mxmc_adapter *a);
void mxmc_adapter_stop(struct mxmc_adapter **ap);

void mxmc_caps_clear(struct mxmc_caps *caps);
/* Fill caps from a hello object; 0 on success, -1 with a message in err. */
int mxmc_caps_from_hello(const struct mxm_json *hello, struct mxmc_caps *caps, struct mxmc_buf *err);

/* ---- expected failures (xfail.c) ---- */
struct mxmc_xfail_entry {
  char *file;        /* owned: case file base name */
  int64_t tc_id;
  uint32_t versions; /* room-version bits; 0 = every version */
  char *reason;      /* owned */
  size_t duplicate_of; /* 1 + index of an earlier entry for the same case and versions, or 0 */
  int matched;       /* a failing case used this entry */
  int passed;        /* a case it names passed (stale entry) */
};
struct mxmc_xfail {
  struct mxmc_xfail_entry *entries; /* owned */
  size_t n;
};
/* Load FILE (format in conformance/expected-failures/README.md). 0, or -1
 * with a message on stderr naming the file and JSON pointer. */
int mxmc_xfail_load(const char *path, struct mxmc_xfail *xf);
struct mxmc_xfail_entry *mxmc_xfail_find(struct mxmc_xfail *xf, const char *file, int64_t tc_id,
                                         const char *room_version);
void mxmc_xfail_free(struct mxmc_xfail *xf);

/* ---- results and reports (report.c) ---- */
enum mxmc_outcome { MXMC_PASS = 0, MXMC_FAIL, MXMC_ERROR, MXMC_SKIP, MXMC_XFAIL, MXMC_XPASS };
#define MXMC_N_OUTCOMES 6
const char *mxmc_outcome_name(enum mxmc_outcome o); /* "PASS", "FAIL", ... */

struct mxmc_result {
  enum mxmc_outcome outcome;
  char *file;         /* owned: base name */
  int64_t tc_id;
  char *kind;         /* owned: "auth", "transition", "api", "sequence" */
  char *room_version; /* owned: "7", or "" for transition cases */
  char *release;      /* owned: spec release the case ran at ("v1.19"), or the era of a transition case */
  char *citation;     /* owned: the case's "spec" text (FORMAT.md), or "" */
  char *comment;      /* owned */
  char *area;         /* owned: rule area for the matrix (rule branch, "transition", "api.kick") */
  char *expected;     /* owned: one line, "reject   by member.join.banned" */
  struct mxm_json *expected_json; /* owned: the expected verdict as an object, e.g.
                                     {"auth": "reject", "rule": "member.join.banned"}; NULL for skips */
  char *actual;       /* owned: one line, "allow    by member.join.public", or "" */
  struct mxm_json *response; /* owned: the backend's whole response object, or NULL when none came
                                (skips, faults). Reports show its fields generically, so a layer
                                that answers more fields gets them shown without report changes. */
  struct mxm_json *flags; /* owned: array of {"name", "bugType", "description", "effect", "links"} */
  char *message;      /* owned: error text, skip reason, xfail reason, step detail */
  char *pointer;      /* owned: JSON pointer of the test in its file */
  int trans_from, trans_to; /* transition cases: enum mxm_membership of the cell; 0 otherwise */
  size_t not_expressed; /* client cases: expected fields the implementation left out */
  double seconds;     /* wall time of the exchange with the backend (JUnit time) */
};

struct mxmc_report;
enum mxmc_format { MXMC_FMT_TEXT, MXMC_FMT_TAP, MXMC_FMT_JUNIT, MXMC_FMT_JSON, MXMC_FMT_MARKDOWN, MXMC_FMT_HTML };
int mxmc_format_parse(const char *s, enum mxmc_format *out); /* 0 or -1 */

/* A report writing to out (borrowed; flushed after every streamed result).
 * verbose: the text format prints the full block of every failing case
 * (spec citation, flags, the whole answer) and lists passes and skips. */
struct mxmc_report *mxmc_report_new(enum mxmc_format fmt, FILE *out, int verbose);
/* Run metadata: one key/value line, shown by every format in the order set
 * (text and markdown header, JSON summary.run, JUnit properties, HTML
 * header). Setting a key again replaces its value. This is the one place
 * for facts about the run: implementation, spec, corpus, versions. */
void mxmc_report_meta(struct mxmc_report *rep, const char *key, const char *value);
/* Mark the report as cut short (why: "SIGTERM", "stdout closed"); the
 * formats say so and keep the results decided so far. */
void mxmc_report_interrupted(struct mxmc_report *rep, const char *why);
/* Record a result: takes ownership of r's strings (r itself is copied).
 * Streaming formats (text, tap, json) write it at once. */
void mxmc_report_add(struct mxmc_report *rep, struct mxmc_result *r);
/* A file that could not be loaded or linted: reported as an input error. */
void mxmc_report_file_error(struct mxmc_report *rep, const char *file, const char *message);
/* Free-form context for the header (backend name, spec, filters). */
void mxmc_report_set_info(struct mxmc_report *rep, const char *backend, const char *spec_note,
                          unsigned adapter_restarts);
/* Write the summary, matrix and transition tables (and, for junit, markdown
 * and html, everything). Returns 0, or -1 on a write error. */
int mxmc_report_finish(struct mxmc_report *rep);
/* Counts by outcome, and input errors. */
size_t mxmc_report_count(const struct mxmc_report *rep, enum mxmc_outcome o);
size_t mxmc_report_file_errors(const struct mxmc_report *rep);
/* 1 once a write to the report's output failed with EPIPE (a reader such
 * as `head` went away): the run should stop quietly. */
int mxmc_report_output_closed(const struct mxmc_report *rep);
/* The distinct reasons of the skipped results, "N x reason; ..." (at most
 * three), for the message of a run in which nothing ran (owned). */
char *mxmc_report_skip_reasons(const struct mxmc_report *rep);
void mxmc_report_free(struct mxmc_report **repp);
void mxmc_result_clear(struct mxmc_result *r);

/* ---- client cases (client_case.c) ---- */
/* The /sync bodies of a client test (FORMAT.md "Client cases": compact
 * syncs or a `cell`), owned; *user and *room (borrowed from the case, or
 * static) are the observing user and the room. NULL with err (pointer at
 * or under ptr) when the case cannot be expanded. */
struct mxm_json *mxmc_client_syncs(const struct mxm_json *group, const struct mxm_json *test, const char *ptr,
                                   const char **user, const char **room, struct mxm_error *err);
/* Compare a response's views with the expected ones, field by field: a
 * field the response leaves out is not expressed (counted in
 * *not_expressed, never failed). MXMC_PASS, MXMC_FAIL (*why lists every
 * wrong field) or MXMC_ERROR (*why says why); *why is owned. */
enum mxmc_outcome mxmc_client_compare(const struct mxm_json *expected, const struct mxm_json *resp,
                                      const char *room, char **why, size_t *compared, size_t *not_expressed);

/* ---- the runner (run.c) ---- */
struct mxmc_options {
  uint32_t room_versions;      /* 0 = every version */
  const char **only;           /* --only patterns (borrowed) */
  size_t n_only;
  unsigned layers;             /* 0 = every layer */
  int spec_given;
  enum mxm_spec_release spec;  /* --spec */
  struct mxmc_xfail *xfail;    /* NULL = none */
  struct mxmc_adapter *adapter; /* NULL = the reference in process */
  int progress;                /* progress line on stderr */
  FILE *dump;                  /* --dump-requests: every request line, or NULL */
};
/* Run every case of f. Adds results to rep. */
void mxmc_run_file(const struct mxmc_file *f, const struct mxmc_options *opt, struct mxmc_report *rep);

/* The requests `mxm conform` sends (PROTOCOL.md), built from an expanded
 * room, for any caller that has a compact case (the runner; `mxm fuzz`).
 * v is the room version's id, spec the release the request runs at, id the
 * request id. Each returns NULL on failure: err says why when the case
 * cannot be expanded; err->status is MXM_OK when memory ran out. */
/* {"id", "type", "room_version", "spec_release", "state", "server_keys"}. */
struct mxm_json *mxmc_request_new(const char *type, const char *id, const char *v, enum mxm_spec_release spec,
                                  const struct mxmc_room *room);
/* Put an expanded test event into an auth request: ev (owned) or text
 * (owned, from malloc), check_auth_events and the room's other_events. */
enum mxm_status mxmc_request_auth_event(struct mxm_json *req, const struct mxmc_room *room, struct mxm_json *ev,
                                        char *text, int explicit_auth);
/* An auth request for the test event of holder (a test object; FORMAT.md). */
struct mxm_json *mxmc_request_auth(struct mxmc_room *room, const struct mxm_json *holder, const char *holder_ptr,
                                   const char *v, enum mxm_spec_release spec, const char *id, struct mxm_error *err);
/* A sequence request for steps (an array of step objects; FORMAT.md),
 * built in order on room. accept decides which steps become part of the
 * state the later steps are built on: 1 accept, 0 not, -1 fail the build.
 * The runner accepts the steps the case expects to be allowed. */
typedef int (*mxmc_accept_fn)(void *ctx, size_t step_index, const struct mxm_json *step, struct mxmc_room *room,
                              const struct mxm_json *ev, int explicit_auth);
struct mxm_json *mxmc_request_sequence(struct mxmc_room *room, const struct mxm_json *steps, const char *ptr,
                                       const char *v, enum mxm_spec_release spec, const char *id,
                                       mxmc_accept_fn accept, void *ctx, struct mxm_error *err);
/* Send req to the adapter, or to the reference in process when adapter is
 * NULL (with the IDs room's expansion computed; room may be NULL). NULL with
 * *fault (owned) on a fault, as mxmc_adapter_call. */
struct mxm_json *mxmc_backend_call(struct mxmc_adapter *adapter, const struct mxm_json *req,
                                   const struct mxmc_room *room, char **fault);
/* Compare an auth answer resp with an expected verdict exp ({"auth",
 * "rule"|"rules", "transition"}; FORMAT.md) at room version v: allow/reject
 * must match, and the rule id too when reports_rules; "invalid" passes with
 * invalid or reject, "either" with allow or reject. Returns MXMC_PASS,
 * MXMC_FAIL or MXMC_ERROR (resp has an error or no verdict); *why gets a
 * message (owned) for failures and errors. */
enum mxmc_outcome mxmc_compare_auth(const struct mxm_json *exp, const char *v, const struct mxm_json *resp,
                                    int reports_rules, char **why);

/* ---- differential fuzzing (fuzz_adapter.c) ---- */
/* Generated cases (fuzz/decode.c -> compact case -> the requests above),
 * each sent to the reference in process and to an adapter, and compared.
 * adapter NULL compares the reference with itself in process (a baseline
 * for mxm-bench). Disagreements become candidate cases in out_dir (NULL:
 * only counted). command is what the candidates name as the adapter. */
struct mxmc_fuzz;
struct mxmc_fuzz_stats {
  uint64_t cases;            /* generated cases that ran (auth + sequence) */
  uint64_t auth, sequence;
  uint64_t skipped;          /* not run: no spec release fits, expansion failed, reference undecided */
  uint64_t expansion_errors, reference_undecided;
  uint64_t agreed, disagreements, duplicates;
  uint64_t faults;           /* adapter faults (each also a disagreement) */
  uint64_t requests;         /* cases sent, shrinking excluded */
  uint64_t shrink_requests;  /* cases sent while minimising and trying other room versions */
  size_t distinct;           /* candidates */
  unsigned restarts;
};
struct mxmc_fuzz *mxmc_fuzz_new(struct mxmc_adapter *adapter, uint64_t seed, uint32_t room_versions,
                                const char *out_dir, const char *command);
/* 0 when the adapter shares no room version and layer with the generator. */
int mxmc_fuzz_can_run(const struct mxmc_fuzz *f);
/* Generate, run and compare one case (shrinking it if it disagrees). 0, or
 * -1 on out-of-memory. */
int mxmc_fuzz_step(struct mxmc_fuzz *f);
void mxmc_fuzz_stats_get(const struct mxmc_fuzz *f, struct mxmc_fuzz_stats *out);
void mxmc_fuzz_free(struct mxmc_fuzz **fp);
/* The `mxm fuzz` command. argv[0] is "fuzz". */
int mxmc_fuzz_main(int argc, char **argv);

/* The `mxm conform` command (conform_main.c). argv[0] is "conform". */
int mxmc_main(int argc, char **argv);

#endif /* MXMC_CONFORM_H */
