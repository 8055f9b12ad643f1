/* main.c: the mxm command dispatcher. Each subcommand is cmd_<name>.c. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

struct command {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *summary;
};

static const struct command commands[] = {
  {"check", cmd_check, "decide one event against a state (allow/reject, rule, reason, transition)"},
  {"replay", cmd_replay, "apply a JSON-lines stream of events through the room state machine"},
  {"table", cmd_table, "print the membership transition table of a spec era"},
  {"classify", cmd_classify, "classify one membership change (from, to, self/other, era)"},
  {"api", cmd_api, "run a membership API call (/invite, /join, /kick, ...) against a state"},
  {"client", cmd_client, "apply /sync bodies as a client does and print its view of each room"},
  {"versions", cmd_versions, "print the room-version feature table"},
  {"rules", cmd_rules, "list the rule ids of the reference's rule table"},
  {"canonical", cmd_canonical, "encode JSON as Matrix canonical JSON"},
  {"redact", cmd_redact, "redact an event for a room version"},
  {"hash", cmd_hash, "print an event's content hash, reference hash and event ID"},
  {"sign", cmd_sign, "sign an event or a third-party-invite signed object with a seed-derived key"},
  {"verify", cmd_verify, "check the signatures on an event or JSON object"},
  {"conform", cmd_conform, "run the conformance corpus against the reference or an adapter"},
  {"fuzz", cmd_fuzz, "differential fuzzing: generated cases against an adapter and the reference"},
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
  size_t i;
  fprintf(f, "usage: mxm <command> [options] [args]\n"
             "       mxm <command> --help\n\n"
             "mxm is the reference implementation of Matrix room membership (m.room.member):\n"
             "transition tables per spec era, authorisation rules for room versions 1-12,\n"
             "the membership API layer, signatures, and a conformance runner.\n\n"
             "commands:\n");
  for(i = 0; i < N_COMMANDS; i++)
    fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf(f, "\nexit codes:\n"
             "  0  success (check: allowed; conform: all cases passed)\n"
             "  1  negative answer (check: rejected; verify: no valid signature;\n"
             "     conform: failures or errors)\n"
             "  2  usage or input error (message names the file and JSON pointer)\n"
             "  3  internal error (out of memory, write failure)\n");
}

int main(int argc, char **argv)
{
  size_t i;
  if(argc < 2) {
    usage(stderr);
    return MXM_EXIT_USAGE;
  }
  if(cli_is_help(argv[1]) || strcmp(argv[1], "help") == 0) {
    usage(stdout);
    return MXM_EXIT_OK;
  }
  if(strcmp(argv[1], "--version") == 0) {
    printf("mxm %s\nadapter protocol %s\nconformance corpus %s\n", mxm_version(), MXM_PROTOCOL_VERSION,
           MXM_CORPUS_VERSION);
    return MXM_EXIT_OK;
  }
  for(i = 0; i < N_COMMANDS; i++) {
    if(strcmp(argv[1], commands[i].name) == 0) {
      int rc = commands[i].run(argc - 1, argv + 1);
      if(fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "mxm: error writing output\n");
        return MXM_EXIT_INTERNAL;
      }
      return rc;
    }
  }
  fprintf(stderr, "mxm: unknown command \"%s\"\n\n", argv[1]);
  usage(stderr);
  return MXM_EXIT_USAGE;
}
