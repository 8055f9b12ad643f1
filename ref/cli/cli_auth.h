/*
 * cli_auth.h: what the check, replay and api subcommands share:
 * their room options (--room-version, --spec, --state), loading a state file,
 * and the JSON output of auth results and transitions. No rules.
 */
#ifndef MXM_CLI_AUTH_H
#define MXM_CLI_AUTH_H

#include <stdio.h>

#include "mxm/mxm.h"

/* {"verdict": ..., "rule": ..., "reason": ..., "spec": ..., "where": ...} */
void cli_print_result(FILE *f, const struct mxm_result *res);
/* {"outcome": ..., "text": ..., "must_never_happen": b, "not_implemented": b} */
void cli_print_transition(FILE *f, const struct mxm_transition *t);
/* {"from", "to", "self", "profile_changed"?, "outcome", "text" (era `era`),
 * "eras": {"r0": {...}, "v1.1": {...}, "v1.3": {...}}}, or null when the
 * event is not a classifiable member event. */
void cli_print_apply_transition(FILE *f, const struct mxm_apply_result *ar, enum mxm_era era);
/* "verdict": V, "rule": R, "reason": T, ["spec": S,] "where": P (no braces:
 * the caller writes what comes before and after). */
void cli_print_verdict(FILE *f, const struct mxm_result *r, int with_spec);
/* Load a state file (array of events or {"events", "server_keys"}) into st;
 * on failure prints "mxm: PATH: POINTER: message" and returns an exit code. */
int cli_load_state(const char *path, struct mxm_state *st);

/* The options check, replay and api share, each given as "OPTION VALUE".
 * Members are borrowed from argv; NULL when the option was not given. */
struct cli_room_args {
  const char *rv_id;      /* --room-version */
  const char *spec_text;  /* --spec */
  const char *state_path; /* --state */
};

/* If argv[*i] is one of the room options and a value follows it, stores the
 * value in ra, steps *i onto the value and returns 1. Otherwise returns 0 and
 * changes nothing (an option missing its value is the caller's to report). */
int cli_room_arg(int argc, char **argv, int *i, struct cli_room_args *ra);

/* mxm_auth_options_init(opt), then --spec (spec_text, NULL = default) and,
 * when no_auth_events is set, opt->check_auth_events = 0. Returns 0, or the
 * exit code of cli_spec_release after it printed the error. */
int cli_auth_options(const char *spec_text, int no_auth_events, struct mxm_auth_options *opt);

/* A new room of version rv with options opt, loaded from the state file
 * state_path (NULL = start empty). On success *out is the room (caller owns
 * it; free with mxm_room_free) and 0 is returned; on failure prints the error,
 * leaves *out NULL and returns the exit code. */
int cli_room_open(const struct mxm_room_version *rv, const struct mxm_auth_options *opt, const char *state_path,
                  struct mxm_room **out);

#endif
