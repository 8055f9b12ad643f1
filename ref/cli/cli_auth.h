/*
 * cli_auth.h: JSON output of auth results and transitions, shared by the
 * check, replay and api subcommands (core-b's). Output only, no rules.
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
/* Load a state file (array of events or {"events", "server_keys"}) into st;
 * on failure prints "mxm: PATH: POINTER: message" and returns an exit code. */
int cli_load_state(const char *path, struct mxm_state *st);

#endif
