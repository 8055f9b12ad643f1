/* cmd_table.c: `mxm table`: print the m.room.member transition table of a
 * spec era (transition.c), as text, Markdown or JSON. Output only. */
#include <string.h>

#include "cli.h"

static void help(FILE *f)
{
  fputs("usage: mxm table --era ERA [--format text|markdown|json]\n"
        "\n"
        "Print the membership transition table of the m.room.member schema as written\n"
        "in spec era ERA: r0 (client-server r0.5.0-r0.6.1), v1.1 (v1.1-v1.2) or v1.3\n"
        "(v1.3 to current). Any release name (v1.7, current, ...) selects its era.\n"
        "Cell texts are the spec's, with code markup removed.\n"
        "\n"
        "formats:\n"
        "  text      (default) one line per cell: \"FROM -> TO: TEXT\"\n"
        "  markdown  a GFM table, rows = from, columns = to, as in the spec\n"
        "  json      an array of 25 objects {\"from\": M, \"to\": M, \"text\": TEXT}\n"
        "\n"
        "exit codes: 0 printed; 2 usage error\n",
        f);
}

static const enum mxm_membership order[] = {MXM_MEMBERSHIP_INVITE, MXM_MEMBERSHIP_JOIN, MXM_MEMBERSHIP_LEAVE,
                                            MXM_MEMBERSHIP_BAN, MXM_MEMBERSHIP_KNOCK};
#define N_ORDER (sizeof(order) / sizeof(order[0]))

int cmd_table(int argc, char **argv)
{
  const char *era_text = NULL, *format = "text";
  enum mxm_era era;
  size_t r, c;
  int i;

  for(i = 1; i < argc; i++) {
    if(cli_is_help(argv[i])) {
      help(stdout);
      return MXM_EXIT_OK;
    }
    if(strcmp(argv[i], "--era") == 0 && i + 1 < argc)
      era_text = argv[++i];
    else if(strcmp(argv[i], "--format") == 0 && i + 1 < argc)
      format = argv[++i];
    else
      return cli_usage_error("table: unexpected argument \"%s\" (see mxm table --help)", argv[i]);
  }
  if(!era_text)
    return cli_usage_error("table: --era is required (r0, v1.1 or v1.3)");
  if(mxm_era_parse(era_text, &era) != MXM_OK)
    return cli_usage_error("table: unknown era \"%s\" (r0, v1.1, v1.3, or a release name)", era_text);

  if(strcmp(format, "json") == 0) {
    fputs("[", stdout);
    for(r = 0; r < N_ORDER; r++) {
      for(c = 0; c < N_ORDER; c++) {
        fputs(r || c ? ",\n {\"from\": " : "{\"from\": ", stdout);
        cli_json_string(stdout, mxm_membership_name(order[r]));
        fputs(", \"to\": ", stdout);
        cli_json_string(stdout, mxm_membership_name(order[c]));
        fputs(", \"text\": ", stdout);
        cli_json_string(stdout, mxm_table_cell(era, order[r], order[c]));
        fputs("}", stdout);
      }
    }
    fputs("]\n", stdout);
  } else if(strcmp(format, "markdown") == 0) {
    fputs("| |", stdout);
    for(c = 0; c < N_ORDER; c++)
      printf(" to `%s` |", mxm_membership_name(order[c]));
    fputs("\n|---|", stdout);
    for(c = 0; c < N_ORDER; c++)
      fputs("---|", stdout);
    fputs("\n", stdout);
    for(r = 0; r < N_ORDER; r++) {
      printf("| **from `%s`** |", mxm_membership_name(order[r]));
      for(c = 0; c < N_ORDER; c++)
        printf(" %s |", mxm_table_cell(era, order[r], order[c]));
      fputs("\n", stdout);
    }
  } else if(strcmp(format, "text") == 0) {
    printf("# m.room.member transitions, spec era %s\n", mxm_era_name(era));
    for(r = 0; r < N_ORDER; r++)
      for(c = 0; c < N_ORDER; c++)
        printf("%s -> %s: %s\n", mxm_membership_name(order[r]), mxm_membership_name(order[c]),
               mxm_table_cell(era, order[r], order[c]));
  } else {
    return cli_usage_error("table: unknown format \"%s\" (text, markdown, json)", format);
  }
  return MXM_EXIT_OK;
}
