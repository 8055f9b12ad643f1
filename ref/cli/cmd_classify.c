/* cmd_classify.c: `mxm classify`: classify one membership change with the
 * transition table of a spec era (mxm_classify). Output only. */
#include <string.h>

#include "cli.h"
#include "cli_auth.h"

static void help(FILE *f)
{
  fputs("usage: mxm classify --era ERA --from M --to M (--self | --other) [--profile-changed]\n"
        "\n"
        "Say what a change of membership means, by the m.room.member transition table\n"
        "of spec era ERA (r0, v1.1, v1.3, or any release name). This is interpretation\n"
        "only: whether the change is allowed is `mxm check`.\n"
        "\n"
        "  --from M           invite, join, leave, ban, knock, or none (no previous member\n"
        "                     event: read as leave, as the table says)\n"
        "  --to M             invite, join, leave, ban or knock\n"
        "  --self / --other   sender == state_key, or not (matters for the ->leave cells)\n"
        "  --profile-changed  displayname or avatar_url changed (matters for join -> join)\n"
        "\n"
        "output: {\"outcome\": NAME, \"text\": CELL_TEXT, \"must_never_happen\": BOOL,\n"
        "         \"not_implemented\": BOOL}\n"
        "  NAME is one of conformance/FORMAT.md \"Outcome names\".\n"
        "\n"
        "exit codes: 0 printed; 2 usage error\n",
        f);
}

int cmd_classify(int argc, char **argv)
{
  const char *era_text = NULL, *from_text = NULL, *to_text = NULL;
  enum mxm_era era;
  enum mxm_membership from, to;
  struct mxm_transition t;
  int i, self = -1, profile = 0;

  for(i = 1; i < argc; i++) {
    const char *a = argv[i];
    if(cli_is_help(a)) {
      help(stdout);
      return MXM_EXIT_OK;
    }
    if(strcmp(a, "--era") == 0 && i + 1 < argc)
      era_text = argv[++i];
    else if(strcmp(a, "--from") == 0 && i + 1 < argc)
      from_text = argv[++i];
    else if(strcmp(a, "--to") == 0 && i + 1 < argc)
      to_text = argv[++i];
    else if(strcmp(a, "--self") == 0)
      self = 1;
    else if(strcmp(a, "--other") == 0)
      self = 0;
    else if(strcmp(a, "--profile-changed") == 0)
      profile = 1;
    else
      return cli_usage_error("classify: unexpected argument \"%s\" (see mxm classify --help)", a);
  }
  if(!era_text || !from_text || !to_text || self < 0)
    return cli_usage_error("classify: --era, --from, --to and one of --self/--other are required");
  if(mxm_era_parse(era_text, &era) != MXM_OK)
    return cli_usage_error("classify: unknown era \"%s\" (r0, v1.1, v1.3, or a release name)", era_text);
  from = mxm_membership_parse(from_text);
  to = mxm_membership_parse(to_text);
  if(from == MXM_MEMBERSHIP_UNKNOWN)
    return cli_usage_error("classify: --from \"%s\" is not invite, join, leave, ban, knock or none", from_text);
  if(to == MXM_MEMBERSHIP_UNKNOWN || to == MXM_MEMBERSHIP_NONE)
    return cli_usage_error("classify: --to \"%s\" is not invite, join, leave, ban or knock", to_text);
  if(mxm_classify(era, from, to, self, profile, &t) != MXM_OK)
    return cli_usage_error("classify: cannot classify %s -> %s", from_text, to_text);
  cli_print_transition(stdout, &t);
  fputs("\n", stdout);
  return MXM_EXIT_OK;
}
