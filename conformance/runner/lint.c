/*
 * lint.c: `mxm conform --lint`. Checks each case file against
 * conformance/FORMAT.md (the same constraints as
 * conformance/schema/mxm-conformance-1.schema.json, since no JSON Schema
 * validator is available to CI), then the corpus-wide coverage of the rule
 * table. Every finding is one line "file:tcId: message (at /json/pointer)".
 *
 * What it checks, per file: every key is known and of the type FORMAT.md
 * gives (unknown keys are findings); tcIds are unique; numberOfTests is the
 * number of tests; the suite matches the file name; every flag used is
 * defined in notes; "either" only with an AMBIGUOUS flag; every rule id
 * exists in the reference's table (mxm_rule_find), exists in the case's room
 * versions, and decides the verdict the case expects; every link and spec
 * text cites only sources a reader can open (lint_cite.c).
 *
 * Coverage (corpus-wide, see mxmc_lint_coverage): every rule id x room
 * version where the rule exists has a case expecting it; every branch
 * (mxmc_rule_branch) x room version has an allow case and a reject case when
 * the rule table has both an allow rule and a reject rule of that branch in
 * that version.
 */
#include <stdlib.h>
#include <string.h>

#include "conform.h"

struct mxmc_cov {
  char *rule;       /* owned */
  uint32_t versions;
  int verdict;      /* MXM_ALLOW / MXM_REJECT */
};

/* Checking context: where we are. */
struct ctx {
  struct mxmc_lint *l;
  const char *file;
  int64_t tc;               /* current tcId, -1 outside a test */
  const struct mxm_json *notes;
  size_t found;
};

static const char *const BUG_TYPES[] = {"BASIC", "AUTH_BYPASS", "DENIAL", "EDGE_CASE", "LEGACY",
                                        "SPEC_EDIT", "CONTRADICTION", "AMBIGUOUS", "DIVERGENCE",
                                        "MALFORMED", "KNOWN_BUG", "API_ONLY", NULL};
static const char *const MEMBERSHIPS[] = {"invite", "join", "leave", "ban", "knock", NULL};
static const char *const FROM_MEMBERSHIPS[] = {"invite", "join", "leave", "ban", "knock", "none", NULL};
static const char *const AUTH_VERDICTS[] = {"allow", "reject", "either", "invalid", NULL};
static const char *const ERAS[] = {"r0", "v1.1", "v1.3", NULL};
static const char *const KINDS[] = {"auth", "transition", "api", "sequence", "client", NULL};
static const char *const SECTIONS[] = {"join", "invite", "knock", "leave", NULL};
static const char *const ENDPOINTS[] = {"invite", "join", "leave", "kick", "ban", "unban", "knock", NULL};
static const char *const API_VERDICTS[] = {"ok", "refused", "either", NULL};
static const char *const OUTCOMES[] = {
  "no_change", "joined_room", "joined", "invite_rejected", "invite_revoked", "banned",
  "re_knocking", "knocking", "must_never_happen", "not_implemented", "profile_changed",
  "profile_unchanged", "left", "kicked", "kicked_and_banned", "invited", "unbanned",
  "knock_accepted", "knock_retracted", "knock_denied", NULL};

void mxmc_lint_finding(struct mxmc_lint *l, const char *file, int64_t tc_id, const char *pointer,
                       const char *fmt, ...)
{
  va_list ap;
  struct mxmc_buf b = {0};
  char msg[1024];
  if(tc_id >= 0)
    mxmc_buf_printf(&b, "%s:%lld: ", file, (long long)tc_id);
  else
    mxmc_buf_printf(&b, "%s: ", file);
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  mxmc_buf_add(&b, msg);
  if(pointer)
    mxmc_buf_printf(&b, " (at %s)", pointer[0] ? pointer : "/");
  if(l->out)
    fprintf(l->out, "%s\n", mxmc_buf_str(&b));
  else if(!l->first)
    l->first = mxmc_buf_take(&b);
  mxmc_buf_free(&b);
  l->findings++;
}

#define FIND(c, ptr, ...)                                          \
  do {                                                             \
    mxmc_lint_finding((c)->l, (c)->file, (c)->tc, ptr, __VA_ARGS__); \
    (c)->found++;                                                  \
  } while(0)

static int in_list(const char *s, const char *const *list)
{
  for(; *list; list++)
    if(strcmp(s, *list) == 0)
      return 1;
  return 0;
}

/* ptr + "/" + key, as a new string (owned by the caller). */
static char *sub_ptr(const char *ptr, const char *key)
{
  struct mxmc_buf b = {0};
  mxmc_buf_add(&b, ptr);
  mxmc_buf_ptr_token(&b, key);
  return mxmc_buf_take(&b);
}

static char *idx_ptr(const char *ptr, size_t i)
{
  return mxmc_printf("%s/%zu", ptr, i);
}

/* Unknown keys of obj are findings. */
struct keys_ctx {
  struct ctx *c;
  const char *ptr;
  const char *const *allowed;
};
static int keys_cb(const char *key, size_t key_len, const struct mxm_json *val, void *vctx)
{
  struct keys_ctx *k = vctx;
  (void)val;
  if(strlen(key) != key_len || !in_list(key, k->allowed)) {
    char *p = sub_ptr(k->ptr, key);
    if(strcmp(key, "candidate") == 0)
      FIND(k->c, p, "an unjudged candidate case from mxm fuzz: judge \"expected\" from the spec text, then "
                    "remove \"candidate\" (FORMAT.md, \"Candidate cases\")");
    else
      FIND(k->c, p, "unknown key \"%s\"", key);
    free(p);
  }
  return 0;
}
static void check_keys(struct ctx *c, const struct mxm_json *obj, const char *ptr, const char *const *allowed)
{
  struct keys_ctx k = {c, ptr, allowed};
  (void)mxm_json_object_foreach(obj, keys_cb, &k);
}

/* Get obj[key] of type t. Missing and required, or present with another
 * type, is a finding; returns NULL then. An INT is accepted where t is INT. */
static const struct mxm_json *get(struct ctx *c, const struct mxm_json *obj, const char *ptr, const char *key,
                                  enum mxm_json_type t, int required)
{
  const struct mxm_json *v = mxm_json_get(obj, key);
  if(!v) {
    if(required) {
      FIND(c, ptr, "missing required key \"%s\"", key);
    }
    return NULL;
  }
  if(mxm_json_type(v) != t) {
    char *p = sub_ptr(ptr, key);
    FIND(c, p, "\"%s\" must be %s, not %s", key, mxm_json_type_name(t), mxm_json_type_name(mxm_json_type(v)));
    free(p);
    return NULL;
  }
  return v;
}

static const char *get_str(struct ctx *c, const struct mxm_json *obj, const char *ptr, const char *key, int required)
{
  return mxm_json_string(get(c, obj, ptr, key, MXM_JSON_STRING, required));
}

static const char *get_enum(struct ctx *c, const struct mxm_json *obj, const char *ptr, const char *key, int required,
                            const char *const *values)
{
  const char *s = get_str(c, obj, ptr, key, required);
  if(s && !in_list(s, values)) {
    char *p = sub_ptr(ptr, key);
    struct mxmc_buf b = {0};
    for(; *values; values++)
      mxmc_buf_printf(&b, "%s%s", b.len ? ", " : "", *values);
    FIND(c, p, "\"%s\" is \"%s\"; must be one of: %s", key, s, mxmc_buf_str(&b));
    mxmc_buf_free(&b);
    free(p);
    return NULL;
  }
  return s;
}

/* An array whose every element is a string (optionally from values). */
static const struct mxm_json *get_str_array(struct ctx *c, const struct mxm_json *obj, const char *ptr,
                                            const char *key, int required, const char *const *values)
{
  const struct mxm_json *a = get(c, obj, ptr, key, MXM_JSON_ARRAY, required);
  size_t i;
  for(i = 0; a && i < mxm_json_array_len(a); i++) {
    const struct mxm_json *e = mxm_json_array_get(a, i);
    const char *s = mxm_json_string(e);
    if(!s || (values && !in_list(s, values))) {
      char *p0 = sub_ptr(ptr, key);
      char *p = idx_ptr(p0, i);
      if(!s)
        FIND(c, p, "element must be a string, not %s", mxm_json_type_name(mxm_json_type(e)));
      else
        FIND(c, p, "\"%s\" is not an allowed value", s);
      free(p);
      free(p0);
    }
  }
  return a;
}

/* ---- notes and flags ---- */

static const char *flag_bug_type(const struct ctx *c, const char *flag)
{
  return mxm_json_string(mxm_json_get(mxm_json_get(c->notes, flag), "bugType"));
}

/* Check a test's flags; returns 1 if one of them has bugType AMBIGUOUS. */
static int check_flags(struct ctx *c, const struct mxm_json *test, const char *ptr)
{
  const struct mxm_json *flags = get_str_array(c, test, ptr, "flags", 1, NULL);
  size_t i;
  int ambiguous = 0;
  for(i = 0; flags && i < mxm_json_array_len(flags); i++) {
    const char *f = mxm_json_string(mxm_json_array_get(flags, i));
    const char *bt;
    if(!f)
      continue;
    bt = flag_bug_type(c, f);
    if(!mxm_json_get(c->notes, f)) {
      char *p = mxmc_printf("%s/flags/%zu", ptr, i);
      FIND(c, p, "flag \"%s\" is not defined in notes", f);
      free(p);
    } else if(bt && strcmp(bt, "AMBIGUOUS") == 0) {
      ambiguous = 1;
    }
  }
  return ambiguous;
}

struct notes_ctx {
  struct ctx *c;
};
static int note_cb(const char *key, size_t key_len, const struct mxm_json *val, void *vctx)
{
  struct notes_ctx *n = vctx;
  struct ctx *c = n->c;
  static const char *const keys[] = {"bugType", "description", "effect", "links", NULL};
  char *ptr = sub_ptr("/notes", key);
  const char *bt;
  (void)key_len;
  if(mxm_json_type(val) != MXM_JSON_OBJECT) {
    FIND(c, ptr, "a note must be an object");
    free(ptr);
    return 0;
  }
  check_keys(c, val, ptr, keys);
  bt = get_enum(c, val, ptr, "bugType", 1, BUG_TYPES);
  (void)get_str(c, val, ptr, "description", 1);
  (void)get_str(c, val, ptr, "effect", 0);
  {
    const struct mxm_json *links = get_str_array(c, val, ptr, "links", 0, NULL);
    size_t i;
    for(i = 0; links && i < mxm_json_array_len(links); i++) {
      const char *s = mxm_json_string(mxm_json_array_get(links, i));
      const char *why = s ? mxmc_cite_link_problem(s) : NULL;
      if(why) {
        char *p = mxmc_printf("%s/links/%zu", ptr, i);
        FIND(c, p, "%s", why);
        free(p);
      }
    }
    if(bt && (strcmp(bt, "AMBIGUOUS") == 0 || strcmp(bt, "DIVERGENCE") == 0 || strcmp(bt, "KNOWN_BUG") == 0) &&
       mxm_json_array_len(links) == 0)
      FIND(c, ptr, "a %s note must cite its source in \"links\"", bt);
  }
  free(ptr);
  return 0;
}

/* ---- room versions, spec releases ---- */

/* Returns the version bits of a roomVersions array (0 on findings). */
static uint32_t check_room_versions(struct ctx *c, const struct mxm_json *holder, const char *ptr, int required)
{
  const struct mxm_json *a = get_str_array(c, holder, ptr, "roomVersions", required, NULL);
  uint32_t set = 0;
  size_t i;
  if(!a)
    return 0;
  if(mxm_json_array_len(a) == 0) {
    char *p = sub_ptr(ptr, "roomVersions");
    FIND(c, p, "roomVersions must not be empty");
    free(p);
  }
  for(i = 0; i < mxm_json_array_len(a); i++) {
    const char *v = mxm_json_string(mxm_json_array_get(a, i));
    const struct mxm_room_version *rv = v ? mxm_room_version_find(v) : NULL;
    char *p = mxmc_printf("%s/roomVersions/%zu", ptr, i);
    if(!v) {
      /* already reported */
    } else if(!rv) {
      FIND(c, p, "unknown room version \"%s\"", v);
    } else if(set & ((uint32_t)1 << rv->number)) {
      FIND(c, p, "room version \"%s\" listed twice", v);
    } else {
      set |= (uint32_t)1 << rv->number;
    }
    free(p);
  }
  return set;
}

static void check_spec_releases(struct ctx *c, const struct mxm_json *holder, const char *ptr)
{
  static const char *const keys[] = {"from", "to", NULL};
  const struct mxm_json *sr = get(c, holder, ptr, "specReleases", MXM_JSON_OBJECT, 0);
  char *p;
  const char *from, *to;
  enum mxm_spec_release f = MXM_SPEC_R0, t = MXM_SPEC_CURRENT;
  if(!sr)
    return;
  p = sub_ptr(ptr, "specReleases");
  check_keys(c, sr, p, keys);
  from = get_str(c, sr, p, "from", 0);
  to = get_str(c, sr, p, "to", 0);
  if(from && mxm_spec_parse(from, &f) != MXM_OK)
    FIND(c, p, "unknown spec release \"%s\" in \"from\"", from);
  if(to && mxm_spec_parse(to, &t) != MXM_OK)
    FIND(c, p, "unknown spec release \"%s\" in \"to\"", to);
  if(f > t)
    FIND(c, p, "\"from\" (%s) is after \"to\" (%s)", from ? from : "r0", to ? to : "current");
  free(p);
}

/* ---- compact state and events ---- */

/* What a callback walking the members of an object (walk_members) gets. */
struct members_ctx {
  struct ctx *c;
  const char *ptr;     /* the object's pointer */
  const char *creator; /* compact state: the room's creator, or NULL */
  int ambiguous;       /* expected views: the test is flagged ambiguous */
};

/* If obj[key] is an object (get reports it otherwise), call cb on each of
 * its members, with a members_ctx whose ptr is ptr/key. */
static void walk_members(struct ctx *c, const struct mxm_json *obj, const char *ptr, const char *key,
                         mxm_json_member_fn cb, const char *creator, int ambiguous)
{
  const struct mxm_json *v = get(c, obj, ptr, key, MXM_JSON_OBJECT, 0);
  if(v) {
    char *p = sub_ptr(ptr, key);
    struct members_ctx m = {c, p, creator, ambiguous};
    (void)mxm_json_object_foreach(v, cb, &m);
    free(p);
  }
}
static int member_cb(const char *key, size_t key_len, const struct mxm_json *val, void *vctx)
{
  struct members_ctx *m = vctx;
  const char *s = mxm_json_string(val);
  char *p = sub_ptr(m->ptr, key);
  if(!mxm_user_id_valid(key, key_len))
    FIND(m->c, p, "\"%s\" is not a valid user ID", key);
  if(!s || !in_list(s, MEMBERSHIPS))
    FIND(m->c, p, "membership must be one of invite, join, leave, ban, knock");
  else if(m->creator && strcmp(key, m->creator) == 0 && strcmp(s, "join") != 0)
    FIND(m->c, p, "the creator's own entry must be \"join\" (FORMAT.md, compact state)");
  free(p);
  return 0;
}
static int object_values_cb(const char *key, size_t key_len, const struct mxm_json *val, void *vctx)
{
  struct members_ctx *m = vctx;
  (void)key_len;
  if(mxm_json_type(val) != MXM_JSON_OBJECT) {
    char *p = sub_ptr(m->ptr, key);
    FIND(m->c, p, "must be an object");
    free(p);
  }
  return 0;
}

static void check_state(struct ctx *c, const struct mxm_json *group, const char *gptr)
{
  static const char *const keys[] = {"creator", "createContent", "members", "memberContent", "powerLevels",
                                     "joinRule", "joinRules", "thirdPartyInvites", "events", NULL};
  static const char *const tpi_keys[] = {"token", "sender", "keys", "keyEncoding", "publicKeysOnly",
                                         "displayName", NULL};
  static const char *const encodings[] = {"standard", "urlsafe", NULL};
  const struct mxm_json *st = get(c, group, gptr, "state", MXM_JSON_OBJECT, 1);
  const struct mxm_json *v;
  char *ptr;
  const char *creator;
  size_t i;
  if(!st)
    return;
  ptr = sub_ptr(gptr, "state");
  check_keys(c, st, ptr, keys);
  creator = get_str(c, st, ptr, "creator", 1);
  if(creator && !mxm_user_id_valid(creator, strlen(creator)))
    FIND(c, ptr, "creator \"%s\" is not a valid user ID", creator);
  (void)get(c, st, ptr, "createContent", MXM_JSON_OBJECT, 0);
  walk_members(c, st, ptr, "members", member_cb, creator, 0);
  walk_members(c, st, ptr, "memberContent", object_values_cb, NULL, 0);
  (void)get(c, st, ptr, "powerLevels", MXM_JSON_OBJECT, 0);
  (void)get_str(c, st, ptr, "joinRule", 0);
  (void)get(c, st, ptr, "joinRules", MXM_JSON_OBJECT, 0);
  if(mxm_json_get(st, "joinRule") && mxm_json_get(st, "joinRules"))
    FIND(c, ptr, "give either joinRule or joinRules, not both");
  if((v = get(c, st, ptr, "thirdPartyInvites", MXM_JSON_ARRAY, 0)) != NULL) {
    for(i = 0; i < mxm_json_array_len(v); i++) {
      const struct mxm_json *t = mxm_json_array_get(v, i);
      char *p = mxmc_printf("%s/thirdPartyInvites/%zu", ptr, i);
      if(mxm_json_type(t) != MXM_JSON_OBJECT) {
        FIND(c, p, "must be an object");
      } else {
        check_keys(c, t, p, tpi_keys);
        (void)get_str(c, t, p, "token", 1);
        (void)get_str(c, t, p, "sender", 1);
        (void)get_str(c, t, p, "displayName", 0);
        if(mxm_json_array_len(get_str_array(c, t, p, "keys", 1, NULL)) == 0 && mxm_json_get(t, "keys"))
          FIND(c, p, "\"keys\" must name at least one identity-server key");
        (void)get_enum(c, t, p, "keyEncoding", 0, encodings);
        (void)get(c, t, p, "publicKeysOnly", MXM_JSON_BOOL, 0);
      }
      free(p);
    }
  }
  if((v = get(c, st, ptr, "events", MXM_JSON_ARRAY, 0)) != NULL) {
    for(i = 0; i < mxm_json_array_len(v); i++) {
      const struct mxm_json *e = mxm_json_array_get(v, i);
      char *p = mxmc_printf("%s/events/%zu", ptr, i);
      if(mxm_json_type(e) != MXM_JSON_OBJECT) {
        FIND(c, p, "a state event must be an object");
      } else {
        (void)get_str(c, e, p, "type", 1);
        (void)get_str(c, e, p, "state_key", 1);
        (void)get_str(c, e, p, "sender", 1);
        (void)get(c, e, p, "content", MXM_JSON_OBJECT, 1);
      }
      free(p);
    }
  }
  free(ptr);
}

static int selector_ok(const char *s)
{
  static const char *const plain[] = {"create", "power_levels", "join_rules", NULL};
  if(in_list(s, plain))
    return 1;
  if(strncmp(s, "member:", 7) == 0)
    return mxm_user_id_valid(s + 7, strlen(s + 7));
  if(strncmp(s, "third_party_invite:", 19) == 0)
    return s[19] != '\0';
  if(strncmp(s, "foreign:", 8) == 0)
    return s[8] != '\0';
  return 0;
}

static void check_compact_event(struct ctx *c, const struct mxm_json *ev, const char *ptr)
{
  static const char *const keys[] = {"sender", "stateKey", "membership", "content", "type", "prevEvents",
                                     "signedBy", "corruptSignatures", "thirdPartyInvite", "omit", "contentOmit",
                                     "authEvents", NULL};
  static const char *const tpi_keys[] = {"token", "mxid", "sender", "signWith", "corrupt", "omitSigned",
                                         "omitFields", "displayName", NULL};
  static const char *const prev[] = {"last", "create", NULL};
  const struct mxm_json *v;
  const char *type;
  check_keys(c, ev, ptr, keys);
  (void)get_str(c, ev, ptr, "sender", 1);
  (void)get_str(c, ev, ptr, "stateKey", 0);
  (void)get_str(c, ev, ptr, "membership", 0);
  (void)get(c, ev, ptr, "content", MXM_JSON_OBJECT, 0);
  type = get_str(c, ev, ptr, "type", 0);
  if(type && strcmp(type, "m.room.member") != 0 && mxm_json_get(ev, "membership"))
    FIND(c, ptr, "\"membership\" only applies to m.room.member events; use \"content\"");
  (void)get_enum(c, ev, ptr, "prevEvents", 0, prev);
  (void)get_str_array(c, ev, ptr, "signedBy", 0, NULL);
  (void)get_str_array(c, ev, ptr, "corruptSignatures", 0, NULL);
  (void)get_str_array(c, ev, ptr, "omit", 0, NULL);
  (void)get_str_array(c, ev, ptr, "contentOmit", 0, NULL);
  if((v = get(c, ev, ptr, "thirdPartyInvite", MXM_JSON_OBJECT, 0)) != NULL) {
    char *p = sub_ptr(ptr, "thirdPartyInvite");
    check_keys(c, v, p, tpi_keys);
    (void)get_str(c, v, p, "token", 1);
    (void)get_str(c, v, p, "mxid", 0);
    (void)get_str(c, v, p, "sender", 0);
    (void)get_str(c, v, p, "displayName", 0);
    (void)get_str_array(c, v, p, "signWith", 0, NULL);
    (void)get(c, v, p, "corrupt", MXM_JSON_BOOL, 0);
    (void)get(c, v, p, "omitSigned", MXM_JSON_BOOL, 0);
    (void)get_str_array(c, v, p, "omitFields", 0, NULL);
    free(p);
  }
  v = mxm_json_get(ev, "authEvents");
  if(v) {
    char *p = sub_ptr(ptr, "authEvents");
    if(mxm_json_type(v) == MXM_JSON_STRING) {
      if(strcmp(mxm_json_string(v), "selected") != 0)
        FIND(c, p, "authEvents must be \"selected\" or a list of selectors");
    } else if(mxm_json_type(v) == MXM_JSON_ARRAY) {
      size_t i;
      for(i = 0; i < mxm_json_array_len(v); i++) {
        const char *s = mxm_json_string(mxm_json_array_get(v, i));
        if(!s || !selector_ok(s)) {
          char *pi = idx_ptr(p, i);
          FIND(c, pi, "not an auth-events selector (create, power_levels, join_rules, member:<user>, "
                      "third_party_invite:<token>, foreign:<type>)");
          free(pi);
        }
      }
    } else {
      FIND(c, p, "authEvents must be \"selected\" or an array");
    }
    free(p);
  }
}

/* Exactly one of event / rawEvent / rawEventText. */
static void check_event_holder(struct ctx *c, const struct mxm_json *holder, const char *ptr)
{
  int n = (mxm_json_get(holder, "event") != NULL) + (mxm_json_get(holder, "rawEvent") != NULL) +
          (mxm_json_get(holder, "rawEventText") != NULL);
  const struct mxm_json *ev;
  if(n != 1) {
    FIND(c, ptr, "exactly one of \"event\", \"rawEvent\", \"rawEventText\" is required (found %d)", n);
    return;
  }
  if((ev = get(c, holder, ptr, "event", MXM_JSON_OBJECT, 0)) != NULL) {
    char *p = sub_ptr(ptr, "event");
    check_compact_event(c, ev, p);
    free(p);
  }
  (void)get(c, holder, ptr, "rawEvent", MXM_JSON_OBJECT, 0);
  (void)get_str(c, holder, ptr, "rawEventText", 0);
}

/* ---- rules and coverage ---- */

static void cov_add(struct mxmc_lint *l, const char *rule, uint32_t versions, int verdict)
{
  if(!l->coverage)
    return;
  if(l->n_cov == l->cap_cov) {
    size_t ncap = l->cap_cov ? l->cap_cov * 2 : 256;
    struct mxmc_cov *n = realloc(l->cov, ncap * sizeof(*n));
    if(!n)
      return;
    l->cov = n;
    l->cap_cov = ncap;
  }
  l->cov[l->n_cov].rule = mxmc_strdup(rule);
  l->cov[l->n_cov].versions = versions;
  l->cov[l->n_cov].verdict = verdict;
  if(l->cov[l->n_cov].rule)
    l->n_cov++;
}

/* One rule id expected with `verdict` in room versions `versions`. */
static void check_rule(struct ctx *c, const char *rule, int verdict, uint32_t versions, const char *ptr)
{
  const struct mxm_rule_info *ri;
  uint32_t exists;
  if(c->l->skip_rules)
    return;
  ri = mxm_rule_find(rule);
  if(!ri) {
    FIND(c, ptr, "rule \"%s\" is not in the reference's rule table (ref/RULES.md)", rule);
    return;
  }
  if((int)ri->verdict != verdict)
    FIND(c, ptr, "rule \"%s\" decides %s, but the case expects %s", rule, mxm_verdict_name(ri->verdict),
         mxm_verdict_name((enum mxm_verdict)verdict));
  exists = mxmc_version_set(ri->versions);
  if(exists && (versions & ~exists)) {
    struct mxmc_buf b = {0};
    int i;
    for(i = 1; i < 32; i++)
      if(versions & ~exists & ((uint32_t)1 << i))
        mxmc_buf_printf(&b, "%s%d", b.len ? "," : "", i);
    FIND(c, ptr, "rule \"%s\" does not exist in room version(s) %s (it exists in %s)", rule, mxmc_buf_str(&b),
         ri->versions);
    mxmc_buf_free(&b);
  }
  cov_add(c->l, rule, versions, verdict);
}

struct rules_ctx {
  struct ctx *c;
  const char *ptr;
  int verdict;
  uint32_t versions;
  uint32_t seen;
};
static int rules_cb(const char *key, size_t key_len, const struct mxm_json *val, void *vctx)
{
  struct rules_ctx *r = vctx;
  const struct mxm_room_version *rv = mxm_room_version_find(key);
  char *p = sub_ptr(r->ptr, key);
  (void)key_len;
  if(!rv || !(r->versions & ((uint32_t)1 << rv->number))) {
    FIND(r->c, p, "\"%s\" is not one of this test's room versions", key);
  } else if(mxm_json_type(val) != MXM_JSON_STRING) {
    FIND(r->c, p, "a rule id must be a string");
  } else {
    r->seen |= (uint32_t)1 << rv->number;
    check_rule(r->c, mxm_json_string(val), r->verdict, (uint32_t)1 << rv->number, p);
  }
  free(p);
  return 0;
}

/* expected.auth / rule / rules / transition, shared by auth tests, api tests
 * and sequence steps. auth_required: auth must be present. */
static void check_expected_auth(struct ctx *c, const struct mxm_json *exp, const char *ptr, uint32_t versions,
                                int ambiguous, int auth_required, int allow_transition)
{
  const char *auth = get_enum(c, exp, ptr, "auth", auth_required, AUTH_VERDICTS);
  const char *rule = get_str(c, exp, ptr, "rule", 0);
  const struct mxm_json *rules = get(c, exp, ptr, "rules", MXM_JSON_OBJECT, 0);
  const struct mxm_json *tr;
  int verdict = 0;
  if(auth && strcmp(auth, "either") == 0 && !ambiguous)
    FIND(c, ptr, "\"either\" needs a flag whose bugType is AMBIGUOUS");
  if(auth && strcmp(auth, "allow") == 0)
    verdict = MXM_ALLOW;
  if(auth && strcmp(auth, "reject") == 0)
    verdict = MXM_REJECT;
  if(rule && rules)
    FIND(c, ptr, "give either \"rule\" or \"rules\", not both");
  if(!auth && (rule || rules))
    FIND(c, ptr, "a rule without an \"auth\" verdict");
  if(verdict && !rule && !rules && mxm_json_get(exp, "rule") == NULL && mxm_json_get(exp, "rules") == NULL)
    FIND(c, ptr, "\"%s\" needs \"rule\" (or \"rules\" per room version)", auth);
  if(verdict && rule) {
    char *p = sub_ptr(ptr, "rule");
    check_rule(c, rule, verdict, versions, p);
    free(p);
  }
  if(verdict && rules) {
    char *p = sub_ptr(ptr, "rules");
    struct rules_ctx r = {c, p, verdict, versions, 0};
    (void)mxm_json_object_foreach(rules, rules_cb, &r);
    if(versions & ~r.seen)
      FIND(c, p, "\"rules\" must name a rule for every room version of the test");
    free(p);
  }
  if(!verdict && (rule || rules) && auth && strcmp(auth, "either") == 0)
    FIND(c, ptr, "\"either\" cases cite no single rule; put the rules in \"spec\"");
  tr = mxm_json_get(exp, "transition");
  if(tr) {
    char *p = sub_ptr(ptr, "transition");
    if(!allow_transition) {
      FIND(c, p, "\"transition\" is not expected here");
    } else if(mxm_json_type(tr) != MXM_JSON_OBJECT) {
      FIND(c, p, "must be an object era -> outcome");
    } else {
      size_t i;
      for(i = 0; ERAS[i]; i++)
        (void)get_enum(c, tr, p, ERAS[i], 0, OUTCOMES);
      check_keys(c, tr, p, ERAS);
    }
    free(p);
  }
}

/* ---- tests of each kind ---- */

static void check_common_test(struct ctx *c, const struct mxm_json *t, const char *ptr)
{
  const char *spec, *why;
  (void)get_str(c, t, ptr, "comment", 1);
  spec = get_str(c, t, ptr, "spec", 1);
  if(spec && (why = mxmc_cite_text_problem(spec)) != NULL) {
    char *p = sub_ptr(ptr, "spec");
    FIND(c, p, "%s", why);
    free(p);
  }
}

static void check_auth_test(struct ctx *c, const struct mxm_json *t, const char *ptr, uint32_t versions)
{
  static const char *const keys[] = {"tcId", "comment", "flags", "spec", "roomVersions", "specReleases", "event",
                                     "rawEvent", "rawEventText", "expected", NULL};
  static const char *const exp_keys[] = {"auth", "rule", "rules", "transition", NULL};
  const struct mxm_json *exp;
  int ambiguous;
  check_keys(c, t, ptr, keys);
  check_common_test(c, t, ptr);
  ambiguous = check_flags(c, t, ptr);
  if(mxm_json_get(t, "roomVersions"))
    versions = check_room_versions(c, t, ptr, 1);
  check_spec_releases(c, t, ptr);
  check_event_holder(c, t, ptr);
  if((exp = get(c, t, ptr, "expected", MXM_JSON_OBJECT, 1)) != NULL) {
    char *p = sub_ptr(ptr, "expected");
    check_keys(c, exp, p, exp_keys);
    check_expected_auth(c, exp, p, versions, ambiguous, 1, 1);
    free(p);
  }
}

struct era_ctx {
  struct ctx *c;
  const char *ptr;
};
static int era_cb(const char *key, size_t key_len, const struct mxm_json *val, void *vctx)
{
  static const char *const keys[] = {"outcome", "text", NULL};
  struct era_ctx *e = vctx;
  char *p = sub_ptr(e->ptr, key);
  (void)key_len;
  if(!in_list(key, ERAS)) {
    FIND(e->c, p, "unknown era \"%s\" (r0, v1.1, v1.3)", key);
  } else if(mxm_json_type(val) != MXM_JSON_OBJECT) {
    FIND(e->c, p, "must be {\"outcome\", \"text\"}");
  } else {
    check_keys(e->c, val, p, keys);
    (void)get_enum(e->c, val, p, "outcome", 1, OUTCOMES);
    (void)get_str(e->c, val, p, "text", 1);
  }
  free(p);
  return 0;
}

static void check_transition_test(struct ctx *c, const struct mxm_json *t, const char *ptr)
{
  static const char *const keys[] = {"tcId", "comment", "flags", "spec", "from", "to", "self", "profileChanged",
                                     "expected", NULL};
  static const char *const exp_keys[] = {"transition", NULL};
  const struct mxm_json *exp;
  check_keys(c, t, ptr, keys);
  check_common_test(c, t, ptr);
  (void)check_flags(c, t, ptr);
  (void)get_enum(c, t, ptr, "from", 1, FROM_MEMBERSHIPS);
  (void)get_enum(c, t, ptr, "to", 1, MEMBERSHIPS);
  (void)get(c, t, ptr, "self", MXM_JSON_BOOL, 1);
  (void)get(c, t, ptr, "profileChanged", MXM_JSON_BOOL, 0);
  if((exp = get(c, t, ptr, "expected", MXM_JSON_OBJECT, 1)) != NULL) {
    char *p = sub_ptr(ptr, "expected");
    const struct mxm_json *tr;
    check_keys(c, exp, p, exp_keys);
    if((tr = get(c, exp, p, "transition", MXM_JSON_OBJECT, 1)) != NULL) {
      char *pt = sub_ptr(p, "transition");
      struct era_ctx e = {c, pt};
      if(mxm_json_object_len(tr) == 0)
        FIND(c, pt, "name at least one era");
      (void)mxm_json_object_foreach(tr, era_cb, &e);
      free(pt);
    }
    free(p);
  }
}

static void check_api_test(struct ctx *c, const struct mxm_json *t, const char *ptr, uint32_t versions)
{
  static const char *const keys[] = {"tcId", "comment", "flags", "spec", "roomVersions", "specReleases", "call",
                                     "expected", NULL};
  static const char *const call_keys[] = {"endpoint", "caller", "target", "body", NULL};
  static const char *const exp_keys[] = {"api", "auth", "rule", "rules", NULL};
  static const char *const api_keys[] = {"verdict", "status", "errcode", NULL};
  const struct mxm_json *call, *exp;
  int ambiguous;
  check_keys(c, t, ptr, keys);
  check_common_test(c, t, ptr);
  ambiguous = check_flags(c, t, ptr);
  if(mxm_json_get(t, "roomVersions"))
    versions = check_room_versions(c, t, ptr, 1);
  check_spec_releases(c, t, ptr);
  if((call = get(c, t, ptr, "call", MXM_JSON_OBJECT, 1)) != NULL) {
    char *p = sub_ptr(ptr, "call");
    check_keys(c, call, p, call_keys);
    (void)get_enum(c, call, p, "endpoint", 1, ENDPOINTS);
    (void)get_str(c, call, p, "caller", 1);
    (void)get_str(c, call, p, "target", 0);
    (void)get(c, call, p, "body", MXM_JSON_OBJECT, 0);
    free(p);
  }
  if((exp = get(c, t, ptr, "expected", MXM_JSON_OBJECT, 1)) != NULL) {
    char *p = sub_ptr(ptr, "expected");
    const struct mxm_json *api;
    check_keys(c, exp, p, exp_keys);
    if((api = get(c, exp, p, "api", MXM_JSON_OBJECT, 1)) != NULL) {
      char *pa = sub_ptr(p, "api");
      const char *verdict;
      check_keys(c, api, pa, api_keys);
      verdict = get_enum(c, api, pa, "verdict", 1, API_VERDICTS);
      (void)get(c, api, pa, "status", MXM_JSON_INT, verdict && strcmp(verdict, "refused") == 0);
      (void)get_str(c, api, pa, "errcode", verdict && strcmp(verdict, "refused") == 0);
      if(verdict && strcmp(verdict, "either") == 0 && !ambiguous)
        FIND(c, pa, "\"either\" needs a flag whose bugType is AMBIGUOUS");
      free(pa);
    }
    check_expected_auth(c, exp, p, versions, ambiguous, 0, 0);
    free(p);
  }
}

static void check_sequence_test(struct ctx *c, const struct mxm_json *t, const char *ptr, uint32_t versions)
{
  static const char *const keys[] = {"tcId", "comment", "flags", "spec", "roomVersions", "specReleases", "steps",
                                     NULL};
  static const char *const step_keys[] = {"comment", "event", "rawEvent", "rawEventText", "expected", NULL};
  static const char *const exp_keys[] = {"auth", "rule", "rules", "transition", NULL};
  const struct mxm_json *steps;
  int ambiguous;
  size_t i;
  check_keys(c, t, ptr, keys);
  check_common_test(c, t, ptr);
  ambiguous = check_flags(c, t, ptr);
  if(mxm_json_get(t, "roomVersions"))
    versions = check_room_versions(c, t, ptr, 1);
  check_spec_releases(c, t, ptr);
  steps = get(c, t, ptr, "steps", MXM_JSON_ARRAY, 1);
  if(steps && mxm_json_array_len(steps) == 0)
    FIND(c, ptr, "a sequence needs at least one step");
  for(i = 0; steps && i < mxm_json_array_len(steps); i++) {
    const struct mxm_json *s = mxm_json_array_get(steps, i);
    char *p = mxmc_printf("%s/steps/%zu", ptr, i);
    const struct mxm_json *exp;
    if(mxm_json_type(s) != MXM_JSON_OBJECT) {
      FIND(c, p, "a step must be an object");
    } else {
      check_keys(c, s, p, step_keys);
      (void)get_str(c, s, p, "comment", 0);
      check_event_holder(c, s, p);
      if((exp = get(c, s, p, "expected", MXM_JSON_OBJECT, 1)) != NULL) {
        char *pe = sub_ptr(p, "expected");
        check_keys(c, exp, pe, exp_keys);
        check_expected_auth(c, exp, pe, versions, ambiguous, 1, 1);
        free(pe);
      }
    }
    free(p);
  }
}

/* ---- files ---- */

struct tcid_seen {
  int64_t *ids;
  size_t n, cap;
};
static int tcid_add(struct tcid_seen *s, int64_t id)
{
  size_t i;
  for(i = 0; i < s->n; i++)
    if(s->ids[i] == id)
      return 1;
  if(s->n == s->cap) {
    size_t ncap = s->cap ? s->cap * 2 : 64;
    int64_t *n = realloc(s->ids, ncap * sizeof(*n));
    if(!n)
      return 0;
    s->ids = n;
    s->cap = ncap;
  }
  s->ids[s->n++] = id;
  return 0;
}

/* ---- client tests (FORMAT.md "Client cases") ---- */

static void check_client_event(struct ctx *c, const struct mxm_json *ev, const char *ptr)
{
  static const char *const keys[] = {"id", "type", "sender", "stateKey", "membership", "content", "ts",
                                     "prevContent", "prevSender", "unsigned", "redacts", "omit", "contentOmit",
                                     "raw", NULL};
  if(mxm_json_type(ev) != MXM_JSON_OBJECT) {
    FIND(c, ptr, "a compact client event is an object (wrap other values in {\"raw\": ...})");
    return;
  }
  check_keys(c, ev, ptr, keys);
  if(mxm_json_get(ev, "raw")) {
    if(mxm_json_object_len(ev) != 1)
      FIND(c, ptr, "\"raw\" stands alone: the value is sent as given");
    return;
  }
  (void)get_str(c, ev, ptr, "sender", 1);
  (void)get_str(c, ev, ptr, "id", 0);
  (void)get_str(c, ev, ptr, "type", 0);
  (void)get_str(c, ev, ptr, "stateKey", 0);
  (void)get_str(c, ev, ptr, "membership", 0);
  (void)get_str(c, ev, ptr, "prevSender", 0);
  (void)get_str(c, ev, ptr, "redacts", 0);
  (void)get(c, ev, ptr, "content", MXM_JSON_OBJECT, 0);
  (void)get(c, ev, ptr, "prevContent", MXM_JSON_OBJECT, 0);
  (void)get(c, ev, ptr, "unsigned", MXM_JSON_OBJECT, 0);
  (void)get(c, ev, ptr, "ts", MXM_JSON_INT, 0);
  (void)get_str_array(c, ev, ptr, "omit", 0, NULL);
  (void)get_str_array(c, ev, ptr, "contentOmit", 0, NULL);
}

static void check_client_events(struct ctx *c, const struct mxm_json *holder, const char *ptr, const char *key)
{
  const struct mxm_json *a = get(c, holder, ptr, key, MXM_JSON_ARRAY, 0);
  char *p = sub_ptr(ptr, key);
  size_t i;
  for(i = 0; a && i < mxm_json_array_len(a); i++) {
    char *pe = idx_ptr(p, i);
    check_client_event(c, mxm_json_array_get(a, i), pe);
    free(pe);
  }
  free(p);
}

static void check_client_sync(struct ctx *c, const struct mxm_json *sync, const char *ptr)
{
  static const char *const keys[] = {"join", "invite", "knock", "leave", "raw", NULL};
  static const char *const part_keys[] = {"state", "timeline", "limited", NULL};
  size_t i, n = 0;
  if(mxm_json_type(sync) != MXM_JSON_OBJECT) {
    FIND(c, ptr, "a sync is an object");
    return;
  }
  check_keys(c, sync, ptr, keys);
  for(i = 0; keys[i]; i++)
    n += mxm_json_get(sync, keys[i]) != NULL;
  if(n > 1)
    FIND(c, ptr, "a sync names one section (join, invite, knock, leave) or raw");
  (void)get(c, sync, ptr, "raw", MXM_JSON_OBJECT, 0);
  for(i = 0; SECTIONS[i]; i++) {
    const struct mxm_json *part = mxm_json_get(sync, SECTIONS[i]);
    char *p;
    if(!part)
      continue;
    if(strcmp(SECTIONS[i], "invite") == 0 || strcmp(SECTIONS[i], "knock") == 0) {
      check_client_events(c, sync, ptr, SECTIONS[i]);
      continue;
    }
    p = sub_ptr(ptr, SECTIONS[i]);
    if(get(c, sync, ptr, SECTIONS[i], MXM_JSON_OBJECT, 1)) {
      check_keys(c, part, p, part_keys);
      check_client_events(c, part, p, "state");
      check_client_events(c, part, p, "timeline");
      (void)get(c, part, p, "limited", MXM_JSON_BOOL, 0);
    }
    free(p);
  }
}

static int view_member_cb(const char *user, size_t len, const struct mxm_json *m, void *vctx)
{
  static const char *const keys[] = {"membership", "displayname", "avatar_url", NULL};
  struct members_ctx *v = vctx;
  char *p = sub_ptr(v->ptr, user);
  size_t i;
  (void)len;
  if(user[0] != '@')
    FIND(v->c, p, "a member is a user ID");
  if(mxm_json_type(m) == MXM_JSON_OBJECT) {
    check_keys(v->c, m, p, keys);
    (void)get_enum(v->c, m, p, "membership", 0, MEMBERSHIPS);
    for(i = 1; i < 3; i++) {
      const struct mxm_json *f = mxm_json_get(m, keys[i]);
      if(f && mxm_json_type(f) != MXM_JSON_STRING && mxm_json_type(f) != MXM_JSON_NULL) {
        char *pf = sub_ptr(p, keys[i]);
        FIND(v->c, pf, "\"%s\" is a string or null", keys[i]);
        free(pf);
      }
    }
  } else if(mxm_json_type(m) != MXM_JSON_NULL) {
    FIND(v->c, p, "a member is an object, or null for \"must not be shown\"");
  }
  free(p);
  return 0;
}

static int view_outcome_cb(const char *event_id, size_t len, const struct mxm_json *o, void *vctx)
{
  struct members_ctx *v = vctx;
  char *p = sub_ptr(v->ptr, event_id);
  const char *s = mxm_json_string(o);
  size_t i;
  (void)len;
  if(event_id[0] != '$')
    FIND(v->c, p, "outcomes are keyed by event ID");
  if(s) {
    if(strcmp(s, "either") != 0 && !in_list(s, OUTCOMES))
      FIND(v->c, p, "\"%s\" is not an outcome name (FORMAT.md \"Outcome names\") or \"either\"", s);
  } else if(mxm_json_type(o) == MXM_JSON_ARRAY && mxm_json_array_len(o) > 0) {
    if(!v->ambiguous)
      FIND(v->c, p, "a list of outcomes needs a flag whose bugType is AMBIGUOUS");
    for(i = 0; i < mxm_json_array_len(o); i++) {
      const char *alt = mxm_json_string(mxm_json_array_get(o, i));
      if(!alt || !in_list(alt, OUTCOMES))
        FIND(v->c, p, "element %zu is not an outcome name", i);
    }
  } else {
    FIND(v->c, p, "an outcome is a name, a non-empty list of names, or \"either\"");
  }
  free(p);
  return 0;
}

static void check_client_view(struct ctx *c, const struct mxm_json *view, const char *ptr, int ambiguous)
{
  static const char *const keys[] = {"room", "section", "membership", "name", "members", "outcomes", NULL};
  const struct mxm_json *name = mxm_json_get(view, "name");
  if(mxm_json_type(view) != MXM_JSON_OBJECT) {
    FIND(c, ptr, "an expected view is an object");
    return;
  }
  check_keys(c, view, ptr, keys);
  if(mxm_json_get(view, "room")) {
    if(mxm_json_type(mxm_json_get(view, "room")) != MXM_JSON_NULL || mxm_json_object_len(view) != 1)
      FIND(c, ptr, "\"room\": null stands alone (the client must not show the room)");
    return;
  }
  (void)get_enum(c, view, ptr, "section", 0, SECTIONS);
  (void)get_enum(c, view, ptr, "membership", 0, MEMBERSHIPS);
  if(name && mxm_json_type(name) != MXM_JSON_STRING && mxm_json_type(name) != MXM_JSON_NULL) {
    char *p = sub_ptr(ptr, "name");
    FIND(c, p, "\"name\" is a string or null");
    free(p);
  }
  walk_members(c, view, ptr, "members", view_member_cb, NULL, ambiguous);
  walk_members(c, view, ptr, "outcomes", view_outcome_cb, NULL, ambiguous);
}

static void check_client_test(struct ctx *c, const struct mxm_json *g, const struct mxm_json *t, const char *ptr)
{
  static const char *const keys[] = {"tcId", "comment", "flags", "spec", "specReleases", "user", "room", "syncs",
                                     "cell", "expected", NULL};
  static const char *const cell_keys[] = {"from", "to", "by", "observer", "profile", NULL};
  static const char *const BY[] = {"self", "other", NULL};
  static const char *const OBSERVERS[] = {"witness", "target", NULL};
  const struct mxm_json *syncs, *cell, *exp;
  size_t i, want = 0;
  int ambiguous;
  check_keys(c, t, ptr, keys);
  check_common_test(c, t, ptr);
  ambiguous = check_flags(c, t, ptr);
  check_spec_releases(c, t, ptr);
  (void)get_str(c, t, ptr, "user", 0);
  (void)get_str(c, t, ptr, "room", 0);
  syncs = get(c, t, ptr, "syncs", MXM_JSON_ARRAY, 0);
  cell = get(c, t, ptr, "cell", MXM_JSON_OBJECT, 0);
  if(!!mxm_json_get(t, "syncs") == !!mxm_json_get(t, "cell"))
    FIND(c, ptr, "a client test has exactly one of syncs and cell");
  if(syncs) {
    char *p = sub_ptr(ptr, "syncs");
    want = mxm_json_array_len(syncs);
    if(!want)
      FIND(c, p, "a client test needs at least one sync");
    for(i = 0; i < want; i++) {
      char *ps = idx_ptr(p, i);
      check_client_sync(c, mxm_json_array_get(syncs, i), ps);
      free(ps);
    }
    free(p);
    if(!mxm_json_get(t, "user") && !mxm_json_string(mxm_json_get(g, "user")))
      FIND(c, ptr, "a client test needs a user (in the test or its group)");
  }
  if(cell) {
    char *p = sub_ptr(ptr, "cell");
    want = 2;
    check_keys(c, cell, p, cell_keys);
    (void)get_enum(c, cell, p, "from", 1, FROM_MEMBERSHIPS);
    (void)get_enum(c, cell, p, "to", 1, MEMBERSHIPS);
    (void)get_enum(c, cell, p, "by", 1, BY);
    (void)get_enum(c, cell, p, "observer", 1, OBSERVERS);
    (void)get(c, cell, p, "profile", MXM_JSON_BOOL, 0);
    if(mxm_json_get(t, "user"))
      FIND(c, ptr, "a cell test takes its user from the observer");
    free(p);
  }
  if((exp = get(c, t, ptr, "expected", MXM_JSON_ARRAY, 1)) != NULL) {
    char *p = sub_ptr(ptr, "expected");
    if(want && mxm_json_array_len(exp) != want)
      FIND(c, p, "%zu expected views for %zu syncs (one view per sync)", mxm_json_array_len(exp), want);
    for(i = 0; i < mxm_json_array_len(exp); i++) {
      char *pv = idx_ptr(p, i);
      check_client_view(c, mxm_json_array_get(exp, i), pv, ambiguous);
      free(pv);
    }
    free(p);
  }
}

size_t mxmc_lint_file(struct mxmc_lint *l, const struct mxmc_file *f)
{
  static const char *const keys[] = {"schema", "suite", "description", "numberOfTests", "notes", "testGroups", NULL};
  static const char *const group_keys[] = {"kind", "comment", "roomVersions", "specReleases", "state", "tests",
                                           "user", "room", NULL};
  struct ctx c = {l, f->name, -1, NULL, 0};
  const struct mxm_json *root = f->root, *groups, *notes;
  const char *schema, *suite;
  int64_t declared = -1;
  size_t total = 0, gi;
  struct tcid_seen seen = {0};

  if(!root) {
    FIND(&c, NULL, "cannot load: %s", f->load_error ? f->load_error : "unknown error");
    return c.found;
  }
  check_keys(&c, root, "", keys);
  schema = get_str(&c, root, "", "schema", 1);
  if(schema && strcmp(schema, "mxm-conformance-1") != 0)
    FIND(&c, "/schema", "schema is \"%s\", expected \"mxm-conformance-1\"", schema);
  suite = get_str(&c, root, "", "suite", 1);
  if(suite) {
    char *want = mxmc_printf("%s_test.json", suite);
    if(want && strcmp(want, f->name) != 0)
      FIND(&c, "/suite", "suite \"%s\" does not match the file name (expected %s)", suite, want);
    free(want);
  }
  (void)get_str(&c, root, "", "description", 0);
  {
    const struct mxm_json *n = mxm_json_get(root, "numberOfTests");
    if(!n)
      FIND(&c, "", "missing required key \"numberOfTests\"");
    else if(!mxm_json_int(n, &declared) || declared < 0)
      FIND(&c, "/numberOfTests", "numberOfTests must be a non-negative integer");
  }
  notes = get(&c, root, "", "notes", MXM_JSON_OBJECT, 1);
  c.notes = notes;
  if(notes) {
    struct notes_ctx n = {&c};
    (void)mxm_json_object_foreach(notes, note_cb, &n);
  }
  groups = get(&c, root, "", "testGroups", MXM_JSON_ARRAY, 1);
  for(gi = 0; groups && gi < mxm_json_array_len(groups); gi++) {
    const struct mxm_json *g = mxm_json_array_get(groups, gi);
    char *gptr = mxmc_printf("/testGroups/%zu", gi);
    const char *kind;
    const struct mxm_json *tests;
    uint32_t versions = 0;
    size_t ti;
    c.tc = -1;
    if(mxm_json_type(g) != MXM_JSON_OBJECT) {
      FIND(&c, gptr, "a test group must be an object");
      free(gptr);
      continue;
    }
    check_keys(&c, g, gptr, group_keys);
    kind = get_enum(&c, g, gptr, "kind", 0, KINDS);
    if(!kind)
      kind = mxm_json_get(g, "kind") ? "?" : "auth";
    (void)get_str(&c, g, gptr, "comment", 0);
    if(strcmp(kind, "client") != 0 && (mxm_json_get(g, "user") || mxm_json_get(g, "room")))
      FIND(&c, gptr, "only client groups take user and room");
    if(strcmp(kind, "client") == 0) {
      if(mxm_json_get(g, "state"))
        FIND(&c, gptr, "client groups take no state (the syncs carry it)");
      if(mxm_json_get(g, "roomVersions"))
        FIND(&c, gptr, "client groups take no roomVersions (the sync format does not depend on them)");
      (void)get_str(&c, g, gptr, "user", 0);
      (void)get_str(&c, g, gptr, "room", 0);
    } else if(strcmp(kind, "transition") == 0) {
      if(mxm_json_get(g, "state"))
        FIND(&c, gptr, "transition groups take no state");
      if(mxm_json_get(g, "roomVersions"))
        FIND(&c, gptr, "transition groups take no roomVersions (the table depends on the spec era only)");
    } else {
      versions = check_room_versions(&c, g, gptr, 1);
      check_state(&c, g, gptr);
    }
    check_spec_releases(&c, g, gptr);
    tests = get(&c, g, gptr, "tests", MXM_JSON_ARRAY, 1);
    if(tests && mxm_json_array_len(tests) == 0)
      FIND(&c, gptr, "a group needs at least one test");
    for(ti = 0; tests && ti < mxm_json_array_len(tests); ti++) {
      const struct mxm_json *t = mxm_json_array_get(tests, ti);
      char *tptr = mxmc_printf("%s/tests/%zu", gptr, ti);
      int64_t id;
      total++;
      c.tc = -1;
      if(mxm_json_type(t) != MXM_JSON_OBJECT) {
        FIND(&c, tptr, "a test must be an object");
        free(tptr);
        continue;
      }
      if(!mxm_json_int(mxm_json_get(t, "tcId"), &id)) {
        FIND(&c, tptr, "tcId must be an integer");
      } else {
        c.tc = id;
        if(id < 0)
          FIND(&c, tptr, "tcId must not be negative");
        else if(tcid_add(&seen, id))
          FIND(&c, tptr, "duplicate tcId %lld", (long long)id);
      }
      if(strcmp(kind, "auth") == 0)
        check_auth_test(&c, t, tptr, versions);
      else if(strcmp(kind, "transition") == 0)
        check_transition_test(&c, t, tptr);
      else if(strcmp(kind, "api") == 0)
        check_api_test(&c, t, tptr, versions);
      else if(strcmp(kind, "sequence") == 0)
        check_sequence_test(&c, t, tptr, versions);
      else if(strcmp(kind, "client") == 0)
        check_client_test(&c, g, t, tptr);
      free(tptr);
    }
    free(gptr);
  }
  c.tc = -1;
  if(declared >= 0 && groups && (size_t)declared != total)
    FIND(&c, "/numberOfTests", "numberOfTests is %lld but the file has %zu tests", (long long)declared, total);
  free(seen.ids);
  return c.found;
}

/* ---- coverage ---- */

static int covered(const struct mxmc_lint *l, const char *rule, int version)
{
  size_t i;
  for(i = 0; i < l->n_cov; i++)
    if(strcmp(l->cov[i].rule, rule) == 0 && (l->cov[i].versions & ((uint32_t)1 << version)))
      return 1;
  return 0;
}

static int branch_covered(const struct mxmc_lint *l, const char *branch, int version, int verdict)
{
  size_t i;
  char b[128];
  for(i = 0; i < l->n_cov; i++) {
    if(l->cov[i].verdict != verdict || !(l->cov[i].versions & ((uint32_t)1 << version)))
      continue;
    mxmc_rule_branch(l->cov[i].rule, b, sizeof(b));
    if(strcmp(b, branch) == 0)
      return 1;
  }
  return 0;
}

size_t mxmc_lint_coverage(struct mxmc_lint *l)
{
  size_t n_rules = 0, i, j, before = l->findings;
  const struct mxm_rule_info *rules = mxm_rules(&n_rules);
  size_t n_versions = 0;
  const struct mxm_room_version *rvs = mxm_room_versions(&n_versions);
  const char *where = "coverage";

  for(i = 0; i < n_rules; i++) {
    uint32_t exists = mxmc_version_set(rules[i].versions);
    struct mxmc_buf missing = {0};
    if(!exists) {
      mxmc_lint_finding(l, where, -1, NULL, "rule %s: cannot read its room versions \"%s\"", rules[i].id,
                        rules[i].versions ? rules[i].versions : "(null)");
      continue;
    }
    for(j = 0; j < n_versions; j++) {
      unsigned v = rvs[j].number;
      if((exists & ((uint32_t)1 << v)) && !covered(l, rules[i].id, (int)v))
        mxmc_buf_printf(&missing, "%s%u", missing.len ? "," : "", v);
    }
    if(missing.len)
      mxmc_lint_finding(l, where, -1, NULL, "rule %s (%s) has no case in room version(s) %s", rules[i].id,
                        mxm_verdict_name(rules[i].verdict), mxmc_buf_str(&missing));
    mxmc_buf_free(&missing);
  }
  /* branches: each distinct branch once */
  for(i = 0; i < n_rules; i++) {
    char branch[128], other[128];
    int dup = 0;
    mxmc_rule_branch(rules[i].id, branch, sizeof(branch));
    for(j = 0; j < i && !dup; j++) {
      mxmc_rule_branch(rules[j].id, other, sizeof(other));
      dup = strcmp(branch, other) == 0;
    }
    if(dup)
      continue;
    for(j = 0; j < n_versions; j++) {
      unsigned v = rvs[j].number;
      int has_allow = 0, has_reject = 0;
      size_t k;
      for(k = 0; k < n_rules; k++) {
        mxmc_rule_branch(rules[k].id, other, sizeof(other));
        if(strcmp(branch, other) != 0 || !(mxmc_version_set(rules[k].versions) & ((uint32_t)1 << v)))
          continue;
        if(rules[k].verdict == MXM_ALLOW)
          has_allow = 1;
        else
          has_reject = 1;
      }
      if(!(has_allow && has_reject))
        continue;
      if(!branch_covered(l, branch, (int)v, MXM_ALLOW))
        mxmc_lint_finding(l, where, -1, NULL, "branch %s has no allow case in room version %u", branch, v);
      if(!branch_covered(l, branch, (int)v, MXM_REJECT))
        mxmc_lint_finding(l, where, -1, NULL, "branch %s has no reject case in room version %u", branch, v);
    }
  }
  return l->findings - before;
}

void mxmc_lint_free(struct mxmc_lint *l)
{
  size_t i;
  for(i = 0; i < l->n_cov; i++)
    free(l->cov[i].rule);
  free(l->cov);
  free(l->first);
  l->first = NULL;
  l->cov = NULL;
  l->n_cov = l->cap_cov = 0;
}
