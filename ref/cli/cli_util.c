/* cli_util.c: file reading, error printing and JSON output shared by the
 * mxm subcommands. See cli.h. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_read_file(const char *path, char **buf, size_t *len)
{
  FILE *f;
  char *data = NULL;
  size_t cap = 0, n = 0;
  int is_stdin = strcmp(path, "-") == 0;

  *buf = NULL;
  *len = 0;
  f = is_stdin ? stdin : fopen(path, "rb");
  if(!f) {
    fprintf(stderr, "mxm: %s: cannot open: %s\n", is_stdin ? "<stdin>" : path, strerror(errno));
    return MXM_EXIT_USAGE;
  }
  for(;;) {
    size_t got;
    if(cap - n < 65536 + 1) {
      size_t ncap = cap ? cap * 2 : 65536 * 2;
      char *nb;
      if(ncap > MXM_CLI_MAX_FILE_BYTES + 1)
        ncap = MXM_CLI_MAX_FILE_BYTES + 1;
      if(ncap <= cap) {
        fprintf(stderr, "mxm: %s: larger than the %zu-byte limit\n", path, MXM_CLI_MAX_FILE_BYTES);
        goto fail;
      }
      nb = realloc(data, ncap);
      if(!nb) {
        fprintf(stderr, "mxm: %s: out of memory\n", path);
        goto fail;
      }
      data = nb;
      cap = ncap;
    }
    got = fread(data + n, 1, cap - n - 1, f);
    n += got;
    if(got == 0) {
      if(ferror(f)) {
        fprintf(stderr, "mxm: %s: read error: %s\n", path, strerror(errno));
        goto fail;
      }
      break;
    }
  }
  if(!is_stdin)
    fclose(f);
  data[n] = '\0';
  *buf = data;
  *len = n;
  return 0;
fail:
  if(!is_stdin)
    fclose(f);
  free(data);
  return MXM_EXIT_USAGE;
}

int cli_read_json(const char *path, struct mxm_json **out)
{
  const char *name = cli_input_name(path);
  char *buf;
  size_t len;
  struct mxm_error err;
  int rc = cli_read_file(path, &buf, &len);
  *out = NULL;
  if(rc)
    return rc;
  if(mxm_json_parse(buf, len, out, &err) != MXM_OK) {
    cli_report(name, &err);
    free(buf);
    return err.status == MXM_E_NOMEM ? MXM_EXIT_INTERNAL : MXM_EXIT_USAGE;
  }
  free(buf);
  return 0;
}

void cli_report(const char *what, const struct mxm_error *err)
{
  if(err->where[0])
    fprintf(stderr, "mxm: %s: %s: %s\n", what, err->where, err->message);
  else
    fprintf(stderr, "mxm: %s: %s\n", what, err->message);
}

const char *cli_input_name(const char *path)
{
  return strcmp(path, "-") == 0 ? "<stdin>" : path;
}

int cli_input_error(const char *path, enum mxm_status st, const struct mxm_error *err)
{
  cli_report(cli_input_name(path), err);
  return st == MXM_E_NOMEM ? MXM_EXIT_INTERNAL : MXM_EXIT_USAGE;
}

int cli_opt_take(const char *cmd, const struct cli_opt *opts, int argc, char **argv, int *i)
{
  const char *a = argv[*i], *v;
  size_t n = strcspn(a, "=");
  for(; opts->name; opts++) {
    if(strlen(opts->name) == n && strncmp(a, opts->name, n) == 0)
      break;
  }
  if(!opts->name)
    return 0;
  v = a[n] == '=' ? a + n + 1 : (*i + 1 < argc ? argv[++*i] : NULL);
  if(!v) {
    cli_usage_error("%s: %s needs a value", cmd, opts->name);
    return -1;
  }
  if(opts->rv)
    return cli_room_version(v, opts->rv) == 0 ? 1 : -1;
  *opts->value = v;
  return 1;
}

int cli_input_arg(const char *cmd, const char *a, const char **file, int *have_file)
{
  if(a[0] == '-' && a[1] != '\0')
    return cli_usage_error("%s: unknown option \"%s\" (see mxm %s --help)", cmd, a, cmd);
  if(*have_file)
    return cli_usage_error("%s: more than one input file", cmd);
  *file = a;
  *have_file = 1;
  return 0;
}

/* The row of table (cli_opt or cli_flag rows, each starting with its name)
 * that argument a names: exactly, or as NAME=VALUE when eq. */
static int names(const char *a, const char *name, int eq)
{
  size_t n = strlen(name);
  return strncmp(a, name, n) == 0 && (a[n] == '\0' || (eq && a[n] == '='));
}

int cli_args_one_input(const char *cmd, int argc, char **argv, const struct cli_opt *opts,
                       const struct cli_flag *flags, void (*help)(FILE *), const char **file)
{
  int have_file = 0, i, m, rc;
  *file = "-";
  for(i = 1; i < argc; i++) {
    const char *a = argv[i];
    const struct cli_flag *f;
    const struct cli_opt *o;
    int flag = 0;
    if(cli_is_help(a)) {
      help(stdout);
      return MXM_EXIT_OK;
    }
    /* a flag of its own (not an option with a value) */
    for(f = flags; f && f->name; f++) {
      for(o = opts; o->name && strcmp(o->name, f->name) != 0; o++)
        ;
      if(!o->name && names(a, f->name, 0)) {
        *f->var = f->value;
        flag = 1;
      }
    }
    if(flag)
      continue;
    if((m = cli_opt_take(cmd, opts, argc, argv, &i)) < 0)
      return MXM_EXIT_USAGE;
    if(m) {
      /* a flag row with the option's name marks that it was given */
      for(f = flags; f && f->name; f++)
        if(names(a, f->name, 1))
          *f->var = f->value;
    } else if((rc = cli_input_arg(cmd, a, file, &have_file)) != 0) {
      return rc;
    }
  }
  return CLI_ARGS_GO_ON;
}

int cli_usage_error(const char *fmt, ...)
{
  va_list ap;
  fputs("mxm: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputs("\n", stderr);
  return MXM_EXIT_USAGE;
}

int cli_room_version(const char *id, const struct mxm_room_version **out)
{
  size_t n, i;
  const struct mxm_room_version *all = mxm_room_versions(&n);
  *out = id ? mxm_room_version_find(id) : NULL;
  if(*out)
    return 0;
  fprintf(stderr, "mxm: unknown room version \"%s\" (known:", id ? id : "");
  for(i = 0; i < n; i++)
    fprintf(stderr, " %s", all[i].id);
  fprintf(stderr, ")\n");
  return MXM_EXIT_USAGE;
}

int cli_spec_release(const char *text, enum mxm_spec_release *out)
{
  if(mxm_spec_parse(text, out) == MXM_OK)
    return 0;
  fprintf(stderr, "mxm: unknown spec release \"%s\" (known: r0, v1.1 ... v1.19, current)\n", text);
  return MXM_EXIT_USAGE;
}

void cli_json_string(FILE *f, const char *s)
{
  const unsigned char *p = (const unsigned char *)s;
  if(!s) {
    fputs("null", f);
    return;
  }
  fputc('"', f);
  for(; *p; p++) {
    switch(*p) {
    case '"':
      fputs("\\\"", f);
      break;
    case '\\':
      fputs("\\\\", f);
      break;
    case '\n':
      fputs("\\n", f);
      break;
    case '\r':
      fputs("\\r", f);
      break;
    case '\t':
      fputs("\\t", f);
      break;
    default:
      if(*p < 0x20)
        fprintf(f, "\\u%04x", *p);
      else
        fputc(*p, f);
    }
  }
  fputc('"', f);
}

int cli_is_help(const char *arg)
{
  return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

int cli_stderr_is_tty(void)
{
  return isatty(STDERR_FILENO);
}
