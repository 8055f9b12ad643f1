/*
 * test_versions.c: the room-version table column by column against the spec
 * (content/rooms/v1.md..v12.md), spec-release parsing and names,
 * eras, and the spec-edit ranges (conformance/NOTES.md#spec-release-edits, content/changelog/v1.*.md).
 *
 * Each column is written as a 12-character string, one character per room
 * version v1..v12, transcribed from the spec text, so a wrong cell in the
 * implementation's table shows up as a named mismatch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mxm/version.h"
#include "tap.h"

struct column {
  const char *name;
  const char *expect; /* v1..v12 */
  unsigned (*get)(const struct mxm_room_version *rv);
};

static unsigned get_knock(const struct mxm_room_version *rv) { return rv->knock; }
static unsigned get_restricted(const struct mxm_room_version *rv) { return rv->restricted; }
static unsigned get_knock_restricted(const struct mxm_room_version *rv) { return rv->knock_restricted; }
static unsigned get_string_pl(const struct mxm_room_version *rv) { return rv->string_pl; }
static unsigned get_float_pl(const struct mxm_room_version *rv) { return rv->float_pl; }
static unsigned get_creators_v12(const struct mxm_room_version *rv) { return rv->creators_v12; }
static unsigned get_needs_creator(const struct mxm_room_version *rv) { return rv->create_needs_creator; }
static unsigned get_room_id_domain(const struct mxm_room_version *rv) { return rv->create_room_id_domain; }
static unsigned get_create_in_auth(const struct mxm_room_version *rv) { return rv->create_in_auth_events; }
static unsigned get_strict(const struct mxm_room_version *rv) { return rv->strict_canonical; }
static unsigned get_aliases(const struct mxm_room_version *rv) { return rv->aliases_rule; }
static unsigned get_member_rule(const struct mxm_room_version *rv) { return rv->member_rule; }
static unsigned get_pl_notifications(const struct mxm_room_version *rv) { return rv->pl_notifications; }
static unsigned get_creator_sender(const struct mxm_room_version *rv)
{
  return rv->creator_from == MXM_CREATOR_SENDER;
}
/* S = server-named ($x:domain), H = hash standard base64, U = URL-safe */
static unsigned get_id_format(const struct mxm_room_version *rv)
{
  switch(rv->event_id_format) {
  case MXM_EVENT_ID_SERVER:
    return 'S';
  case MXM_EVENT_ID_HASH_STD:
    return 'H';
  case MXM_EVENT_ID_HASH_URL:
    return 'U';
  }
  return '?';
}

static const struct column columns[] = {
  /* v1.md-v5.md number the member rule 5 (after m.room.aliases, rule 4);
   * v6-v11 drop the aliases rule: 4; v12 inserts the room_id rule 2: 5.
   * Written as digits. */
  {"member_rule", "555554444445", get_member_rule},
  {"knock (v7.md adds knocking)", "000000111111", get_knock},
  {"restricted (v8.md)", "000000011111", get_restricted},
  {"knock_restricted (v10.md)", "000000000111", get_knock_restricted},
  {"string_pl (v1-stringy-power-levels.md in v1-v9)", "111111111000", get_string_pl},
  {"float_pl (v1-floaty-power-levels.md in v1-v5)", "111110000000", get_float_pl},
  {"creators_v12 (v12.md)", "000000000001", get_creators_v12},
  {"create needs content.creator (removed in v11.md)", "111111111100", get_needs_creator},
  {"create room_id domain = sender domain (v12 has no room_id)", "111111111110", get_room_id_domain},
  {"create in auth_events (v12 forbids)", "111111111110", get_create_in_auth},
  {"canonical JSON strict (v6-canonical-json.md)", "000001111111", get_strict},
  {"m.room.aliases rule (v1-v5)", "111110000000", get_aliases},
  {"creator from create sender (v11.md)", "000000000011", get_creator_sender},
  {"event ID format (v1/v2 $x:domain, v3 std b64, v4+ url-safe)", "SSHUUUUUUUUU", get_id_format},
  {"PL rules read notifications (v6.md rules 9.4/9.5)", "000001111111", get_pl_notifications},
};

static void test_columns(void)
{
  size_t n, i, c;
  const struct mxm_room_version *all = mxm_room_versions(&n);
  tap_int_eq("12 room versions", 12, (int64_t)n);
  tap_int_eq("MXM_N_ROOM_VERSIONS", 12, MXM_N_ROOM_VERSIONS);
  for(c = 0; c < sizeof(columns) / sizeof(columns[0]); c++) {
    for(i = 0; i < n && i < 12; i++) {
      char e = columns[c].expect[i];
      unsigned want = (e >= '0' && e <= '9') ? (unsigned)(e - '0') : (unsigned)e;
      unsigned got = columns[c].get(&all[i]);
      tap_check(got == want, columns[c].name, "room v%u: expected %u, got %u", all[i].number, want, got);
    }
  }
}

static void test_other_columns(void)
{
  /* Redaction algorithm, named by the version that introduced it:
   * v1-redactions.md (v1-v5), v6-redactions.md (v6, v7), v8.md (v8),
   * v9-redactions.md (v9, v10), v11-redactions.md (v11, v12). */
  static const unsigned redaction[12] = {1, 1, 1, 1, 1, 6, 6, 8, 9, 9, 11, 11};
  size_t n, i;
  const struct mxm_room_version *all = mxm_room_versions(&n);
  for(i = 0; i < n; i++) {
    char name[64];
    char id[8];
    snprintf(name, sizeof(name), "v%u redaction algorithm", all[i].number);
    tap_int_eq(name, redaction[i], all[i].redaction);
    snprintf(name, sizeof(name), "v%u max depth", all[i].number);
    /* pdu_v1.yaml: below 2^63; depth_v6.yaml (v6+): 2^53 - 1 */
    tap_int_eq(name, i < 5 ? INT64_MAX : (int64_t)9007199254740991LL, all[i].max_depth);
    snprintf(id, sizeof(id), "%zu", i + 1);
    tap_str_eq("id is the number", id, all[i].id);
    tap_check(mxm_room_version_find(id) == &all[i], "find by id", "room version %s", id);
  }
}

static void test_find(void)
{
  static const char *const unknown[] = {"0", "13", "", "01", "1 ", "v1", "org.matrix.msc2176", "1.0"};
  size_t i;
  for(i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
    tap_check(mxm_room_version_find(unknown[i]) == NULL, "unknown room version", "\"%s\" was found",
              unknown[i]);
  tap_check(mxm_room_version_find(NULL) == NULL, "NULL room version", "found");
}

static void test_releases(void)
{
  static const struct {
    const char *text;
    int ok;
    enum mxm_spec_release want;
  } rows[] = {
    {"r0", 1, MXM_SPEC_R0},        {"r0.5.0", 1, MXM_SPEC_R0},      {"r0.6.1", 1, MXM_SPEC_R0},
    {"v1.1", 1, MXM_SPEC_V1_1},    {"1.1", 1, MXM_SPEC_V1_1},       {"v1.10", 1, MXM_SPEC_V1_10},
    {"v1.19", 1, MXM_SPEC_V1_19},  {"1.19", 1, MXM_SPEC_V1_19},     {"current", 1, MXM_SPEC_V1_19},
    {"latest", 1, MXM_SPEC_V1_19}, {"v1.20", 0, MXM_SPEC_R0},       {"v1.0", 0, MXM_SPEC_R0},
    {"v1", 0, MXM_SPEC_R0},        {"", 0, MXM_SPEC_R0},            {"v1.1 ", 0, MXM_SPEC_R0},
    {"r0.4.0", 0, MXM_SPEC_R0},    {"V1.1", 0, MXM_SPEC_R0},        {"v1.01", 0, MXM_SPEC_R0},
  };
  size_t i;
  for(i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
    enum mxm_spec_release got = MXM_SPEC_R0;
    enum mxm_status st = mxm_spec_parse(rows[i].text, &got);
    tap_check((st == MXM_OK) == rows[i].ok, "spec parse status", "\"%s\": %s", rows[i].text,
              mxm_status_name(st));
    if(rows[i].ok)
      tap_int_eq(rows[i].text, rows[i].want, got);
  }
  tap_str_eq("name r0", "r0", mxm_spec_name(MXM_SPEC_R0));
  tap_str_eq("name v1.9", "v1.9", mxm_spec_name(MXM_SPEC_V1_9));
  tap_str_eq("name v1.19", "v1.19", mxm_spec_name(MXM_SPEC_V1_19));
  tap_str_eq("name out of range", "unknown", mxm_spec_name((enum mxm_spec_release)99));
  /* Every name parses back to itself. */
  for(i = 0; i <= MXM_SPEC_CURRENT; i++) {
    enum mxm_spec_release back = MXM_SPEC_CURRENT;
    tap_check(mxm_spec_parse(mxm_spec_name((enum mxm_spec_release)i), &back) == MXM_OK && back == i,
              "name round trip", "%s", mxm_spec_name((enum mxm_spec_release)i));
  }
}

static void test_eras(void)
{
  /* m.room.member.yaml: r0 table; v1.1-v1.2 table (knock added); v1.3+ table */
  static const struct {
    const char *text;
    enum mxm_era want;
  } rows[] = {
    {"r0", MXM_ERA_R0},       {"r0.6.0", MXM_ERA_R0},   {"v1.1", MXM_ERA_V1_1},
    {"v1.2", MXM_ERA_V1_1},   {"v1.3", MXM_ERA_V1_3},   {"v1.19", MXM_ERA_V1_3},
    {"current", MXM_ERA_V1_3},
  };
  size_t i;
  enum mxm_era era;
  for(i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
    era = MXM_ERA_R0;
    tap_check(mxm_era_parse(rows[i].text, &era) == MXM_OK && era == rows[i].want, "era parse",
              "\"%s\" -> %s", rows[i].text, mxm_era_name(era));
  }
  tap_check(mxm_era_parse("v2.0", &era) == MXM_E_UNSUPPORTED, "era parse unknown", "accepted");
  tap_str_eq("era name v1.1", "v1.1", mxm_era_name(MXM_ERA_V1_1));
  tap_str_eq("era name v1.3", "v1.3", mxm_era_name(MXM_ERA_V1_3));
}

/* Edit ranges: the releases just outside and inside each boundary. */
static void test_edits(void)
{
  static const struct {
    const char *id;
    enum mxm_spec_release before, first, last, after; /* after = last when still in force */
    int still;
  } rows[] = {
    {"knock.from_invite", MXM_SPEC_V1_3, MXM_SPEC_V1_4, MXM_SPEC_V1_9, MXM_SPEC_V1_10, 0},
    {"restricted.authoriser_joined", MXM_SPEC_V1_16, MXM_SPEC_V1_17, MXM_SPEC_CURRENT, MXM_SPEC_CURRENT, 1},
    {"leave.self_from_knock", MXM_SPEC_V1_1, MXM_SPEC_V1_2, MXM_SPEC_CURRENT, MXM_SPEC_CURRENT, 1},
    {"join.knock_rule_invited", MXM_SPEC_V1_2, MXM_SPEC_V1_3, MXM_SPEC_CURRENT, MXM_SPEC_CURRENT, 1},
    {"federate.rule", MXM_SPEC_V1_2, MXM_SPEC_V1_3, MXM_SPEC_CURRENT, MXM_SPEC_CURRENT, 1},
    {"pl.invite_default_0", MXM_SPEC_V1_5, MXM_SPEC_V1_6, MXM_SPEC_CURRENT, MXM_SPEC_CURRENT, 1},
    {"pl.state_default_50_without_pl", MXM_SPEC_V1_6, MXM_SPEC_V1_7, MXM_SPEC_CURRENT, MXM_SPEC_CURRENT, 1},
    {"auth_events.room_id", MXM_SPEC_V1_15, MXM_SPEC_V1_16, MXM_SPEC_CURRENT, MXM_SPEC_CURRENT, 1},
    {"pl.users_demote_equal", MXM_SPEC_V1_4, MXM_SPEC_V1_5, MXM_SPEC_CURRENT, MXM_SPEC_CURRENT, 1},
    {"pl.float_values", MXM_SPEC_V1_17, MXM_SPEC_V1_18, MXM_SPEC_CURRENT, MXM_SPEC_CURRENT, 1},
  };
  size_t i, n, j;
  const struct mxm_spec_edit *edits = mxm_spec_edits(&n);
  for(i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
    const char *id = rows[i].id;
    tap_check(!mxm_spec_edit_active(id, rows[i].before), id, "active in %s (before its range)",
              mxm_spec_name(rows[i].before));
    tap_check(!mxm_spec_edit_active(id, MXM_SPEC_R0), id, "active in r0");
    tap_check(mxm_spec_edit_active(id, rows[i].first), id, "not active in %s (first)",
              mxm_spec_name(rows[i].first));
    tap_check(mxm_spec_edit_active(id, rows[i].last), id, "not active in %s (last)",
              mxm_spec_name(rows[i].last));
    if(!rows[i].still)
      tap_check(!mxm_spec_edit_active(id, rows[i].after), id, "active in %s (after)",
                mxm_spec_name(rows[i].after));
    else
      tap_check(mxm_spec_edit_active(id, MXM_SPEC_CURRENT), id, "not active in the current release");
  }
  tap_check(!mxm_spec_edit_active("no.such.edit", MXM_SPEC_CURRENT), "unknown edit", "active");
  tap_check(!mxm_spec_edit_active(NULL, MXM_SPEC_CURRENT), "NULL edit", "active");
  /* Table consistency: unique ids, first <= last, every field filled. */
  for(i = 0; i < n; i++) {
    tap_check(edits[i].first <= edits[i].last, "edit range ordered", "%s", edits[i].id);
    /* Edits of event validity ("event.*", e.g. the size limit) change no
     * auth rule, so they alone may name no rule id. */
    tap_check(edits[i].rule_ids && (edits[i].rule_ids[0] || strncmp(edits[i].id, "event.", 6) == 0) &&
                  edits[i].summary && edits[i].summary[0] &&
                  edits[i].source && edits[i].source[0],
              "edit fields filled", "%s", edits[i].id);
    for(j = i + 1; j < n; j++)
      tap_check(strcmp(edits[i].id, edits[j].id) != 0, "edit ids unique", "%s twice", edits[i].id);
  }
}

/* Per-room-version nuance: federate.rule reached the v6 and v7 texts only
 * in v1.14 (#2065); the others from v1.3 (#1103). */
static void test_edits_per_version(void)
{
  static const struct {
    const char *id, *rv;
    enum mxm_spec_release release;
    int want;
  } rows[] = {
    {"federate.rule", "1", MXM_SPEC_V1_2, 0},   {"federate.rule", "1", MXM_SPEC_V1_3, 1},
    {"federate.rule", "5", MXM_SPEC_V1_3, 1},   {"federate.rule", "6", MXM_SPEC_V1_3, 0},
    {"federate.rule", "6", MXM_SPEC_V1_13, 0},  {"federate.rule", "6", MXM_SPEC_V1_14, 1},
    {"federate.rule", "7", MXM_SPEC_V1_13, 0},  {"federate.rule", "7", MXM_SPEC_V1_14, 1},
    {"federate.rule", "8", MXM_SPEC_V1_3, 1},   {"federate.rule", "12", MXM_SPEC_CURRENT, 1},
    /* knock.from_invite concerns only rooms with knock (v7+) */
    {"knock.from_invite", "6", MXM_SPEC_V1_5, 0}, {"knock.from_invite", "7", MXM_SPEC_V1_5, 1},
    {"knock.from_invite", "10", MXM_SPEC_V1_9, 1}, {"knock.from_invite", "10", MXM_SPEC_V1_10, 0},
    /* restricted.authoriser_joined: v8+ only */
    {"restricted.authoriser_joined", "7", MXM_SPEC_CURRENT, 0},
    {"restricted.authoriser_joined", "8", MXM_SPEC_V1_16, 0},
    {"restricted.authoriser_joined", "8", MXM_SPEC_V1_17, 1},
    /* all-version edits */
    {"pl.invite_default_0", "1", MXM_SPEC_V1_6, 1}, {"pl.invite_default_0", "12", MXM_SPEC_V1_5, 0},
    {"auth_events.room_id", "3", MXM_SPEC_V1_16, 1}, {"auth_events.room_id", "3", MXM_SPEC_V1_15, 0},
    {"leave.self_from_knock", "7", MXM_SPEC_V1_1, 0}, {"leave.self_from_knock", "7", MXM_SPEC_V1_2, 1},
    {"join.knock_rule_invited", "9", MXM_SPEC_V1_2, 0}, {"join.knock_rule_invited", "9", MXM_SPEC_V1_3, 1},
    /* pl.float_values: v1-v5 only (the floaty fragment is included by v1.md-v5.md) */
    {"pl.float_values", "5", MXM_SPEC_V1_18, 1}, {"pl.float_values", "5", MXM_SPEC_V1_17, 0},
    {"pl.float_values", "6", MXM_SPEC_CURRENT, 0},
  };
  size_t i;
  for(i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
    const struct mxm_room_version *rv = mxm_room_version_find(rows[i].rv);
    int got = mxm_spec_edit_active_rv(rows[i].id, rows[i].release, rv);
    tap_check(got == rows[i].want, "edit per room version", "%s in v%s, %s: expected %d, got %d",
              rows[i].id, rows[i].rv, mxm_spec_name(rows[i].release), rows[i].want, got);
  }
  tap_check(!mxm_spec_edit_active_rv("federate.rule", MXM_SPEC_CURRENT, NULL), "NULL room version", "active");
  tap_int_eq("federate.rule rooms", 0xFFF, mxm_spec_edit_rooms("federate.rule"));
  tap_int_eq("knock.from_invite rooms (v7-v12)", 0xFC0, mxm_spec_edit_rooms("knock.from_invite"));
}

static void test_first_release(void)
{
  static const struct {
    const char *rv;
    enum mxm_spec_release want;
  } rows[] = {
    {"1", MXM_SPEC_R0},   {"6", MXM_SPEC_R0},   {"7", MXM_SPEC_V1_1},  {"8", MXM_SPEC_V1_2},
    {"9", MXM_SPEC_V1_2}, {"10", MXM_SPEC_V1_3}, {"11", MXM_SPEC_V1_8}, {"12", MXM_SPEC_V1_16},
  };
  size_t i;
  for(i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
    tap_int_eq(rows[i].rv, rows[i].want, mxm_room_version_first_release(mxm_room_version_find(rows[i].rv)));
}

/* Every rule id an edit names is a rule id of ref/RULES.md (the binding
 * vocabulary), written there as `id`. */
static void test_edit_rule_ids(void)
{
  size_t n, i, len = 0;
  const struct mxm_spec_edit *e = mxm_spec_edits(&n);
  char *rules = tap_read_file("../RULES.md", &len);
  if(!tap_check(rules != NULL, "read ../RULES.md", "cannot read it (tests run in ref/tests)"))
    return;
  for(i = 0; i < n; i++) {
    const char *p = e[i].rule_ids;
    while(*p) {
      char id[128], quoted[132];
      size_t k = 0;
      while(*p == ' ')
        p++;
      while(*p && *p != ' ' && k + 1 < sizeof(id))
        id[k++] = *p++;
      id[k] = '\0';
      if(!k)
        continue;
      snprintf(quoted, sizeof(quoted), "`%s`", id);
      tap_check(strstr(rules, quoted) != NULL, "edit rule id in RULES.md", "%s names %s", e[i].id, id);
    }
  }
  free(rules);
}

int main(void)
{
  test_columns();
  test_other_columns();
  test_find();
  test_releases();
  test_eras();
  test_edits();
  test_edits_per_version();
  test_first_release();
  test_edit_rule_ids();
  return tap_done();
}
