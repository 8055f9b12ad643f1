/* cmd_rules.c: `mxm rules`: list the rule ids the reference can return
 * (mxm_rules), the binding vocabulary of ref/RULES.md and the corpus. */
#include <string.h>

#include "cli.h"

static void help(FILE *f)
{
  fputs("usage: mxm rules [--format text|json]\n"
        "\n"
        "List every rule id the reference's rule engine can return, with the verdict\n"
        "it gives when it fires, the room versions it exists in, and a summary. The\n"
        "conformance lint checks corpus rule ids against this list.\n"
        "\n"
        "formats:\n"
        "  text  (default) \"ID  VERDICT  VERSIONS  SUMMARY\" per line\n"
        "  json  an array of {\"id\", \"verdict\", \"versions\", \"summary\"}\n"
        "\n"
        "exit codes: 0 printed; 2 usage error\n",
        f);
}

int cmd_rules(int argc, char **argv)
{
  const char *format = "text";
  const struct mxm_rule_info *rules;
  size_t n, k;
  int i;

  for(i = 1; i < argc; i++) {
    if(cli_is_help(argv[i])) {
      help(stdout);
      return MXM_EXIT_OK;
    }
    if(strcmp(argv[i], "--format") == 0 && i + 1 < argc)
      format = argv[++i];
    else
      return cli_usage_error("rules: unexpected argument \"%s\" (see mxm rules --help)", argv[i]);
  }
  rules = mxm_rules(&n);
  if(strcmp(format, "json") == 0) {
    fputs("[", stdout);
    for(k = 0; k < n; k++) {
      fputs(k ? ",\n {\"id\": " : "{\"id\": ", stdout);
      cli_json_string(stdout, rules[k].id);
      fputs(", \"verdict\": ", stdout);
      cli_json_string(stdout, mxm_verdict_name(rules[k].verdict));
      fputs(", \"versions\": ", stdout);
      cli_json_string(stdout, rules[k].versions);
      fputs(", \"summary\": ", stdout);
      cli_json_string(stdout, rules[k].summary);
      fputs("}", stdout);
    }
    fputs("]\n", stdout);
  } else if(strcmp(format, "text") == 0) {
    for(k = 0; k < n; k++)
      printf("%-46s %-6s %-5s %s\n", rules[k].id, mxm_verdict_name(rules[k].verdict), rules[k].versions,
             rules[k].summary);
  } else {
    return cli_usage_error("rules: unknown format \"%s\" (text, json)", format);
  }
  return MXM_EXIT_OK;
}
