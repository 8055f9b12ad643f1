/*
 * cli.h: shared pieces of the mxm command-line tool. The CLI is a thin layer
 * over the library: argument parsing and output only, no rules.
 *
 * Each subcommand lives in its own file cmd_<name>.c and exports
 * int cmd_<name>(int argc, char **argv), where argv[0] is the subcommand
 * name. main.c holds the table.
 *
 * Exit codes (documented in README.md and `mxm --help`):
 *   0  success; for `check`: the event is allowed; for `conform`: every case passed
 *   1  a negative answer: `check` rejected the event; `verify` found no valid
 *      signature; `conform` found failures or errors
 *   2  usage or input error (bad option, unreadable file, malformed JSON, unknown
 *      room version); the message names the file and the JSON pointer
 *   3  internal error (out of memory, I/O failure while writing)
 */
#ifndef MXM_CLI_H
#define MXM_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "mxm/mxm.h"

#define MXM_EXIT_OK 0
#define MXM_EXIT_NO 1
#define MXM_EXIT_USAGE 2
#define MXM_EXIT_INTERNAL 3

/* Largest input file the CLI reads (state files can be big). */
#define MXM_CLI_MAX_FILE_BYTES ((size_t)1 << 30)

/* Read a whole file ("-" = standard input) into a malloc'd NUL-terminated
 * buffer. On failure prints "mxm: PATH: reason" to stderr and returns
 * MXM_EXIT_USAGE; on success returns 0. */
int cli_read_file(const char *path, char **buf, size_t *len);

/* Read and parse a JSON file. On failure prints the file, the JSON pointer
 * or byte offset, and the message, and returns MXM_EXIT_USAGE. */
int cli_read_json(const char *path, struct mxm_json **out);

/* Print "mxm: <what>: <where>: <message>" for a library error to stderr.
 * what is usually a file name; where is err->where (omitted when empty). */
void cli_report(const char *what, const struct mxm_error *err);

/* printf-style "mxm: message" to stderr; returns MXM_EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* Look up --room-version; prints an error listing the known versions and
 * returns MXM_EXIT_USAGE when unknown. */
int cli_room_version(const char *id, const struct mxm_room_version **out);
/* Parse --spec; same error behaviour. */
int cli_spec_release(const char *text, enum mxm_spec_release *out);

/* Write s as a JSON string literal (quotes and escapes) to f. NULL -> null. */
void cli_json_string(FILE *f, const char *s);

/* The name to print for an input path: "<stdin>" for "-", else path. */
const char *cli_input_name(const char *path);

/* Report a library error on input file path (cli_report under
 * cli_input_name(path)) and return the exit code for status st:
 * MXM_EXIT_INTERNAL for MXM_E_NOMEM, else MXM_EXIT_USAGE. */
int cli_input_error(const char *path, enum mxm_status st, const struct mxm_error *err);

/* One row of a table of options that take a value, given as "NAME VALUE" or
 * "NAME=VALUE". A table ends with a row whose name is NULL. */
struct cli_opt {
  const char *name;                   /* e.g. "--server" */
  const char **value;                 /* receives the value (borrowed from argv), or NULL */
  const struct mxm_room_version **rv; /* or: the value is a room version, looked up at once */
};

/* If argv[*i] is an option of the table opts, stores its value, steps *i onto a
 * separate value and returns 1. Returns 0 when argv[*i] is none of them, and
 * -1 after printing the error ("mxm: CMD: NAME needs a value", or an unknown
 * room version) when the exit code is MXM_EXIT_USAGE. */
int cli_opt_take(const char *cmd, const struct cli_opt *opts, int argc, char **argv, int *i);

/* The last case of the argument loop of a command that reads one input,
 * FILE or "-" (default "-"): a is no option the command knows. "-x" is an
 * unknown option; the first other argument is the input (*file = a,
 * *have_file = 1); a second one is an error. Returns 0, or MXM_EXIT_USAGE
 * after printing "mxm: CMD: unknown option ..." or "mxm: CMD: more than one
 * input file". */
int cli_input_arg(const char *cmd, const char *a, const char **file, int *have_file);

/* A row of a table of arguments without a value: NAME sets *var = value.
 * A row may also name an option of the cli_opt table: it then marks that the
 * option was given, in order with the flags (the last one given wins). A
 * table ends with a row whose name is NULL. */
struct cli_flag {
  const char *name; /* e.g. "--newline" */
  int *var;
  int value;
};

/* cli_args_one_input's answer when the command should go on. */
#define CLI_ARGS_GO_ON (-1)

/* The argument loop of a command that reads one input, FILE or "-"
 * (default "-", in *file): for each argument in order, -h/--help prints
 * help(stdout); a flag of flags (may be NULL) sets its variable; an option
 * of opts takes its value (cli_opt_take); anything else is the input
 * (cli_input_arg). Returns CLI_ARGS_GO_ON, or the exit code to return now:
 * MXM_EXIT_OK after the help, MXM_EXIT_USAGE after printing the error. */
int cli_args_one_input(const char *cmd, int argc, char **argv, const struct cli_opt *opts,
                       const struct cli_flag *flags, void (*help)(FILE *), const char **file);

/* 1 if arg is "-h" or "--help". */
int cli_is_help(const char *arg);

/* 1 if stderr is a terminal (for progress output). */
int cli_stderr_is_tty(void);

/* The subcommands. */
int cmd_check(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_versions(int argc, char **argv);
int cmd_table(int argc, char **argv);
int cmd_classify(int argc, char **argv);
int cmd_api(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_canonical(int argc, char **argv);
int cmd_redact(int argc, char **argv);
int cmd_hash(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_conform(int argc, char **argv);
int cmd_fuzz(int argc, char **argv);
int cmd_client(int argc, char **argv);

#endif
