/*
 * cmd_versions.c: `mxm versions`, the room-version feature table (one row
 * per room version, one column per feature the membership rules ask about)
 * and, with --edits, the spec-release edit table. Output only: the data is
 * mxm_room_versions() and mxm_spec_edits() (ref/src/version.c).
 */
#include <string.h>

#include "cli.h"

static void help(FILE *f)
{
  fprintf(f, "usage: mxm versions [--format text|json|markdown] [--edits]\n\n"
             "Print the room-version feature table of room versions 1-12: for each version\n"
             "the number of the m.room.member auth rule, which membership features it has\n"
             "(knock, restricted, knock_restricted), which power-level value forms it accepts\n"
             "(strings v1-v9, floats v1-v5), whether the power-level rules read\n"
             "`notifications` (v6+), the create-event rules, strict canonical JSON,\n"
             "where the room creator comes from, the event-ID format, the redaction\n"
             "algorithm, the maximum depth and the spec release that introduced it.\n\n"
             "  --format F   text (default), json or markdown\n"
             "  --edits      print instead the spec-release edits that change a verdict\n"
             "               (id, rule ids, first and last release, summary, source)\n\n"
             "exit: 0 printed; 2 usage error\n");
}

enum format { FMT_TEXT, FMT_JSON, FMT_MARKDOWN };

static const char *yn(unsigned v) { return v ? "yes" : "no"; }
static const char *tf(unsigned v) { return v ? "true" : "false"; }

static const char *creator_name(enum mxm_creator_src c)
{
  switch(c) {
  case MXM_CREATOR_CONTENT:
    return "content";
  case MXM_CREATOR_SENDER:
    return "sender";
  }
  return "?";
}

static const char *id_format_name(enum mxm_event_id_format f)
{
  switch(f) {
  case MXM_EVENT_ID_SERVER:
    return "$x:domain";
  case MXM_EVENT_ID_HASH_STD:
    return "hash-b64";
  case MXM_EVENT_ID_HASH_URL:
    return "hash-url";
  }
  return "?";
}

/* The columns, once, for text and markdown. */
struct col {
  const char *head;
  const char *(*text)(const struct mxm_room_version *rv, char *buf, size_t n);
};

#define BOOL_COL(fn, field)                                                      \
  static const char *fn(const struct mxm_room_version *rv, char *buf, size_t n) \
  {                                                                              \
    (void)buf;                                                                   \
    (void)n;                                                                     \
    return yn(rv->field);                                                        \
  }
BOOL_COL(c_knock, knock)
BOOL_COL(c_restricted, restricted)
BOOL_COL(c_knock_restricted, knock_restricted)
BOOL_COL(c_string_pl, string_pl)
BOOL_COL(c_float_pl, float_pl)
BOOL_COL(c_creators_v12, creators_v12)
BOOL_COL(c_needs_creator, create_needs_creator)
BOOL_COL(c_room_id_domain, create_room_id_domain)
BOOL_COL(c_create_auth, create_in_auth_events)
BOOL_COL(c_strict, strict_canonical)
BOOL_COL(c_aliases, aliases_rule)
BOOL_COL(c_pl_notifications, pl_notifications)

static const char *c_id(const struct mxm_room_version *rv, char *buf, size_t n)
{
  (void)buf;
  (void)n;
  return rv->id;
}
static const char *c_rule(const struct mxm_room_version *rv, char *buf, size_t n)
{
  snprintf(buf, n, "%u", rv->member_rule);
  return buf;
}
static const char *c_creator(const struct mxm_room_version *rv, char *buf, size_t n)
{
  (void)buf;
  (void)n;
  return creator_name(rv->creator_from);
}
static const char *c_idfmt(const struct mxm_room_version *rv, char *buf, size_t n)
{
  (void)buf;
  (void)n;
  return id_format_name(rv->event_id_format);
}
static const char *c_redaction(const struct mxm_room_version *rv, char *buf, size_t n)
{
  snprintf(buf, n, "v%u", rv->redaction);
  return buf;
}
static const char *c_depth(const struct mxm_room_version *rv, char *buf, size_t n)
{
  (void)buf;
  (void)n;
  return rv->max_depth == INT64_MAX ? "2^63-1" : "2^53-1";
}
static const char *c_since(const struct mxm_room_version *rv, char *buf, size_t n)
{
  (void)buf;
  (void)n;
  return mxm_spec_name(mxm_room_version_first_release(rv));
}

static const struct col cols[] = {
  {"version", c_id},
  {"member rule", c_rule},
  {"knock", c_knock},
  {"restricted", c_restricted},
  {"knock_restricted", c_knock_restricted},
  {"string PL", c_string_pl},
  {"float PL", c_float_pl},
  {"PL notifications", c_pl_notifications},
  {"v12 creators", c_creators_v12},
  {"create needs creator", c_needs_creator},
  {"create room_id domain", c_room_id_domain},
  {"create in auth_events", c_create_auth},
  {"strict canonical JSON", c_strict},
  {"m.room.aliases rule", c_aliases},
  {"creator from", c_creator},
  {"event IDs", c_idfmt},
  {"redaction", c_redaction},
  {"max depth", c_depth},
  {"since spec", c_since},
};
#define N_COLS (sizeof(cols) / sizeof(cols[0]))

static void print_versions_table(enum format fmt)
{
  size_t n, i, c, width[MXM_N_ROOM_VERSIONS];
  const struct mxm_room_version *all = mxm_room_versions(&n);
  char buf[32];
  if(fmt == FMT_MARKDOWN) {
    printf("|");
    for(c = 0; c < N_COLS; c++)
      printf(" %s |", cols[c].head);
    printf("\n|");
    for(c = 0; c < N_COLS; c++)
      printf("---|");
    printf("\n");
    for(i = 0; i < n; i++) {
      printf("|");
      for(c = 0; c < N_COLS; c++)
        printf(" %s |", cols[c].text(&all[i], buf, sizeof(buf)));
      printf("\n");
    }
    return;
  }
  /* text: one column per feature would be too wide for a terminal, so the
   * table is transposed: one line per feature, one column per version. */
  if(n > MXM_N_ROOM_VERSIONS)
    n = MXM_N_ROOM_VERSIONS;
  for(i = 0; i < n; i++) {
    width[i] = 0;
    for(c = 0; c < N_COLS; c++) {
      size_t w = strlen(cols[c].text(&all[i], buf, sizeof(buf)));
      if(w > width[i])
        width[i] = w;
    }
  }
  for(c = 0; c < N_COLS; c++) {
    printf("%-22s", cols[c].head);
    for(i = 0; i < n; i++)
      printf("  %-*s", i + 1 < n ? (int)width[i] : 0, cols[c].text(&all[i], buf, sizeof(buf)));
    printf("\n");
  }
}

static void print_versions_json(void)
{
  size_t n, i;
  const struct mxm_room_version *all = mxm_room_versions(&n);
  printf("[\n");
  for(i = 0; i < n; i++) {
    const struct mxm_room_version *rv = &all[i];
    printf("  {\"id\": \"%s\", \"member_rule\": %u, \"knock\": %s, \"restricted\": %s, "
           "\"knock_restricted\": %s, \"string_pl\": %s, \"float_pl\": %s, \"creators_v12\": %s, "
           "\"create_needs_creator\": %s, \"create_room_id_domain\": %s, \"create_in_auth_events\": %s, "
           "\"strict_canonical\": %s, \"aliases_rule\": %s, \"creator_from\": \"%s\", "
           "\"event_id_format\": \"%s\", \"redaction\": %u, \"max_depth\": %lld, \"pl_notifications\": %s, "
           "\"since\": \"%s\"}%s\n",
           rv->id, rv->member_rule, tf(rv->knock), tf(rv->restricted), tf(rv->knock_restricted),
           tf(rv->string_pl), tf(rv->float_pl), tf(rv->creators_v12), tf(rv->create_needs_creator),
           tf(rv->create_room_id_domain), tf(rv->create_in_auth_events), tf(rv->strict_canonical),
           tf(rv->aliases_rule), rv->creator_from == MXM_CREATOR_SENDER ? "sender" : "content",
           rv->event_id_format == MXM_EVENT_ID_SERVER     ? "server"
           : rv->event_id_format == MXM_EVENT_ID_HASH_STD ? "hash_std"
                                                          : "hash_url",
           rv->redaction, (long long)rv->max_depth, tf(rv->pl_notifications),
           mxm_spec_name(mxm_room_version_first_release(rv)),
           i + 1 < n ? "," : "");
  }
  printf("]\n");
}

/* Room versions of an edit as "v7-v12" style ranges. */
static void rooms_text(unsigned mask, char *buf, size_t n)
{
  unsigned v = 1;
  size_t used = 0;
  buf[0] = '\0';
  while(v <= MXM_N_ROOM_VERSIONS) {
    unsigned end;
    int w;
    if(!(mask & (1u << (v - 1)))) {
      v++;
      continue;
    }
    end = v;
    while(end + 1 <= MXM_N_ROOM_VERSIONS && (mask & (1u << end)))
      end++;
    w = end == v ? snprintf(buf + used, n - used, "%sv%u", used ? "," : "", v)
                 : snprintf(buf + used, n - used, "%sv%u-v%u", used ? "," : "", v, end);
    if(w < 0 || (size_t)w >= n - used)
      return;
    used += (size_t)w;
    v = end + 1;
  }
}

static void print_edits(enum format fmt)
{
  size_t n, i;
  const struct mxm_spec_edit *e = mxm_spec_edits(&n);
  char rooms[64];
  if(fmt == FMT_JSON) {
    printf("[\n");
    for(i = 0; i < n; i++) {
      rooms_text(mxm_spec_edit_rooms(e[i].id), rooms, sizeof(rooms));
      printf("  {\"id\": ");
      cli_json_string(stdout, e[i].id);
      printf(", \"rule_ids\": ");
      cli_json_string(stdout, e[i].rule_ids);
      printf(", \"first\": \"%s\", \"last\": \"%s\", \"room_versions\": \"%s\", \"summary\": ",
             mxm_spec_name(e[i].first), mxm_spec_name(e[i].last), rooms);
      cli_json_string(stdout, e[i].summary);
      printf(", \"source\": ");
      cli_json_string(stdout, e[i].source);
      printf("}%s\n", i + 1 < n ? "," : "");
    }
    printf("]\n");
    return;
  }
  if(fmt == FMT_MARKDOWN)
    printf("| id | releases | room versions | rule ids | summary | source |\n|---|---|---|---|---|---|\n");
  for(i = 0; i < n; i++) {
    rooms_text(mxm_spec_edit_rooms(e[i].id), rooms, sizeof(rooms));
    if(fmt == FMT_MARKDOWN)
      printf("| `%s` | %s-%s | %s | %s | %s | %s |\n", e[i].id, mxm_spec_name(e[i].first),
             mxm_spec_name(e[i].last), rooms, e[i].rule_ids, e[i].summary, e[i].source);
    else
      printf("%s\n  releases %s-%s, room versions %s\n  rules: %s\n  %s\n  source: %s\n", e[i].id,
             mxm_spec_name(e[i].first), mxm_spec_name(e[i].last), rooms, e[i].rule_ids, e[i].summary,
             e[i].source);
  }
}

int cmd_versions(int argc, char **argv)
{
  enum format fmt = FMT_TEXT;
  int edits = 0, i;
  for(i = 1; i < argc; i++) {
    const char *a = argv[i];
    if(cli_is_help(a)) {
      help(stdout);
      return MXM_EXIT_OK;
    }
    if(strcmp(a, "--edits") == 0) {
      edits = 1;
    } else if(strcmp(a, "--format") == 0 || strncmp(a, "--format=", 9) == 0) {
      const char *v = a[8] == '=' ? a + 9 : (i + 1 < argc ? argv[++i] : NULL);
      if(!v)
        return cli_usage_error("versions: --format needs a value (text, json or markdown)");
      if(strcmp(v, "text") == 0)
        fmt = FMT_TEXT;
      else if(strcmp(v, "json") == 0)
        fmt = FMT_JSON;
      else if(strcmp(v, "markdown") == 0)
        fmt = FMT_MARKDOWN;
      else
        return cli_usage_error("versions: unknown format \"%s\" (text, json or markdown)", v);
    } else {
      help(stderr);
      return cli_usage_error("versions: unexpected argument \"%s\"", a);
    }
  }
  if(edits)
    print_edits(fmt);
  else if(fmt == FMT_JSON)
    print_versions_json();
  else
    print_versions_table(fmt);
  return MXM_EXIT_OK;
}
