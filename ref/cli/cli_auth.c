/* cli_auth.c: see cli_auth.h. */
#include "cli_auth.h"

#include <string.h>

#include "cli.h"

void cli_print_result(FILE *f, const struct mxm_result *res)
{
  fputs("{", f);
  cli_print_verdict(f, res, 1);
  fputs("}", f);
}

void cli_print_transition(FILE *f, const struct mxm_transition *t)
{
  fputs("{\"outcome\": ", f);
  cli_json_string(f, t->outcome);
  fputs(", \"text\": ", f);
  cli_json_string(f, t->text);
  fprintf(f, ", \"must_never_happen\": %s, \"not_implemented\": %s}", t->must_never_happen ? "true" : "false",
          t->not_implemented ? "true" : "false");
}

void cli_print_apply_transition(FILE *f, const struct mxm_apply_result *ar, enum mxm_era era)
{
  int e;
  if(!ar->is_member || !ar->transition[era].outcome) {
    fputs("null", f);
    return;
  }
  fputs("{\"from\": ", f);
  cli_json_string(f, mxm_membership_name(ar->from));
  fputs(", \"to\": ", f);
  cli_json_string(f, mxm_membership_name(ar->to));
  fprintf(f, ", \"self\": %s, \"era\": ", ar->self ? "true" : "false");
  cli_json_string(f, mxm_era_name(era));
  fputs(", \"outcome\": ", f);
  cli_json_string(f, ar->transition[era].outcome);
  fputs(", \"text\": ", f);
  cli_json_string(f, ar->transition[era].text);
  fputs(", \"eras\": {", f);
  for(e = MXM_ERA_R0; e <= MXM_ERA_V1_3; e++) {
    if(e != MXM_ERA_R0)
      fputs(", ", f);
    cli_json_string(f, mxm_era_name((enum mxm_era)e));
    fputs(": ", f);
    cli_print_transition(f, &ar->transition[e]);
  }
  fputs("}}", f);
}

int cli_load_state(const char *path, struct mxm_state *st)
{
  struct mxm_json *doc = NULL;
  struct mxm_error err;
  int rc = cli_read_json(path, &doc);
  if(rc)
    return rc;
  if(mxm_state_load_json(st, doc, &err) != MXM_OK) {
    cli_report(path, &err);
    mxm_json_free(&doc);
    return err.status == MXM_E_NOMEM ? MXM_EXIT_INTERNAL : MXM_EXIT_USAGE;
  }
  mxm_json_free(&doc);
  return 0;
}

int cli_room_arg(int argc, char **argv, int *i, struct cli_room_args *ra)
{
  const char *a = argv[*i];
  const char **slot;
  if(strcmp(a, "--room-version") == 0)
    slot = &ra->rv_id;
  else if(strcmp(a, "--spec") == 0)
    slot = &ra->spec_text;
  else if(strcmp(a, "--state") == 0)
    slot = &ra->state_path;
  else
    return 0;
  if(*i + 1 >= argc)
    return 0;
  *slot = argv[++*i];
  return 1;
}

int cli_auth_options(const char *spec_text, int no_auth_events, struct mxm_auth_options *opt)
{
  int rc;
  mxm_auth_options_init(opt);
  if(spec_text && (rc = cli_spec_release(spec_text, &opt->spec)) != 0)
    return rc;
  if(no_auth_events)
    opt->check_auth_events = 0;
  return 0;
}

int cli_room_open(const struct mxm_room_version *rv, const struct mxm_auth_options *opt, const char *state_path,
                  struct mxm_room **out)
{
  int rc;
  *out = NULL;
  if(mxm_room_new(rv, opt, out) != MXM_OK) {
    fprintf(stderr, "mxm: out of memory\n");
    return MXM_EXIT_INTERNAL;
  }
  if(state_path && (rc = cli_load_state(state_path, mxm_room_state_mut(*out))) != 0) {
    mxm_room_free(out);
    return rc;
  }
  return 0;
}

void cli_print_verdict(FILE *f, const struct mxm_result *r, int with_spec)
{
  fputs("\"verdict\": ", f);
  cli_json_string(f, mxm_verdict_name(r->verdict));
  fputs(", \"rule\": ", f);
  cli_json_string(f, r->rule_id);
  fputs(", \"reason\": ", f);
  cli_json_string(f, r->reason);
  if(with_spec) {
    fputs(", \"spec\": ", f);
    cli_json_string(f, r->spec);
  }
  fputs(", \"where\": ", f);
  cli_json_string(f, r->where);
}
