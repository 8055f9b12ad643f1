/*
 * redact.c: the redaction algorithm of every room version (mxm_redact).
 *
 * The algorithms are data: which top-level keys survive, and per event
 * type which content keys survive, one table per algorithm, named by the
 * room version that introduced it (struct mxm_room_version.redaction):
 *
 *   1  (v1-v5)   content/rooms/fragments/v1-redactions.md
 *   6  (v6, v7)  v6-redactions.md: m.room.aliases no longer keeps `aliases`
 *   8  (v8)      content/rooms/v8.md: m.room.join_rules also keeps `allow`
 *   9  (v9, v10) v9-redactions.md: m.room.member also keeps
 *                `join_authorised_via_users_server`
 *   11 (v11, v12) v11-redactions.md: top-level `origin`, `membership`,
 *                `prev_state` no longer kept; m.room.create keeps all of
 *                content; m.room.power_levels also keeps `invite`;
 *                m.room.redaction keeps content `redacts`; m.room.member
 *                keeps the `signed` key of `third_party_invite`.
 *
 * Decisions where the text is silent (documented in the report too):
 *   - A kept key keeps its whole value, whatever its type (the algorithm
 *     names keys, not shapes), including nested objects such as
 *     power_levels.users.
 *   - `content` absent stays absent (the algorithm only strips keys); a
 *     `content` that is present but not an object is MXM_E_MALFORMED at
 *     "/content", because "the content object" cannot be stripped.
 *   - v11 third_party_invite: kept as {"signed": <value>} only when it is
 *     an object that has a `signed` member; otherwise it is dropped (there
 *     is no `signed` key to allow).
 *   - The result is a deep copy: editing it never touches the input.
 *   - The event type is matched exactly; a non-string `type` matches no
 *     row, so all of content is stripped.
 */
#include "mxm/redact.h"
#include "redact_int.h"

#include <string.h>

/* A NULL-terminated key list. */
typedef const char *const keylist[];

static keylist top_v1 = {"event_id", "type", "room_id", "sender", "state_key", "content", "hashes", "signatures",
                         "depth", "prev_events", "prev_state", "auth_events", "origin", "origin_server_ts",
                         "membership", NULL};
static keylist top_v11 = {"event_id",    "type",   "room_id",     "sender",          "state_key", "content",
                          "hashes",      "signatures", "depth",   "prev_events",     "auth_events",
                          "origin_server_ts", NULL};

static keylist member_v1 = {"membership", NULL};
static keylist member_v9 = {"membership", "join_authorised_via_users_server", NULL};
static keylist create_v1 = {"creator", NULL};
static keylist join_rules_v1 = {"join_rule", NULL};
static keylist join_rules_v8 = {"join_rule", "allow", NULL};
static keylist pl_v1 = {"ban", "events", "events_default", "kick", "redact", "state_default", "users",
                        "users_default", NULL};
static keylist pl_v11 = {"ban", "events", "events_default", "invite", "kick", "redact", "state_default", "users",
                         "users_default", NULL};
static keylist aliases_v1 = {"aliases", NULL};
static keylist hv_v1 = {"history_visibility", NULL};
static keylist redaction_v11 = {"redacts", NULL};

/* keys == NULL with all_content = 1 keeps the whole content. */
struct content_rule {
  const char *type;
  const char *const *keys;
  unsigned all_content : 1;
  unsigned tpi_signed : 1; /* v11: also content.third_party_invite.signed */
};

struct algorithm {
  unsigned id;
  const char *const *top;
  struct content_rule content[8]; /* terminated by type == NULL */
};

static const struct algorithm algorithms[] = {
  {1,
   top_v1,
   {{"m.room.member", member_v1, 0, 0},
    {"m.room.create", create_v1, 0, 0},
    {"m.room.join_rules", join_rules_v1, 0, 0},
    {"m.room.power_levels", pl_v1, 0, 0},
    {"m.room.aliases", aliases_v1, 0, 0},
    {"m.room.history_visibility", hv_v1, 0, 0},
    {NULL, NULL, 0, 0}}},
  {6,
   top_v1,
   {{"m.room.member", member_v1, 0, 0},
    {"m.room.create", create_v1, 0, 0},
    {"m.room.join_rules", join_rules_v1, 0, 0},
    {"m.room.power_levels", pl_v1, 0, 0},
    {"m.room.history_visibility", hv_v1, 0, 0},
    {NULL, NULL, 0, 0}}},
  {8,
   top_v1,
   {{"m.room.member", member_v1, 0, 0},
    {"m.room.create", create_v1, 0, 0},
    {"m.room.join_rules", join_rules_v8, 0, 0},
    {"m.room.power_levels", pl_v1, 0, 0},
    {"m.room.history_visibility", hv_v1, 0, 0},
    {NULL, NULL, 0, 0}}},
  {9,
   top_v1,
   {{"m.room.member", member_v9, 0, 0},
    {"m.room.create", create_v1, 0, 0},
    {"m.room.join_rules", join_rules_v8, 0, 0},
    {"m.room.power_levels", pl_v1, 0, 0},
    {"m.room.history_visibility", hv_v1, 0, 0},
    {NULL, NULL, 0, 0}}},
  {11,
   top_v11,
   {{"m.room.member", member_v9, 0, 1},
    {"m.room.create", NULL, 1, 0},
    {"m.room.join_rules", join_rules_v8, 0, 0},
    {"m.room.power_levels", pl_v11, 0, 0},
    {"m.room.history_visibility", hv_v1, 0, 0},
    {"m.room.redaction", redaction_v11, 0, 0},
    {NULL, NULL, 0, 0}}},
};

static const struct algorithm *find_algorithm(unsigned id)
{
  size_t i;
  for(i = 0; i < sizeof(algorithms) / sizeof(algorithms[0]); i++)
    if(algorithms[i].id == id)
      return &algorithms[i];
  return NULL;
}

/* A kept value: a deep copy (mxm_redact), or the same value with one more
 * owner (mxmi_redact_shared, whose result is only read). */
static struct mxm_json *keep(const struct mxm_json *v, int share)
{
  return share ? mxm_json_ref(v) : mxm_json_copy(v);
}

/* Keep src[key] in dst if present. 0 on out-of-memory. */
static int copy_key(struct mxm_json *dst, const struct mxm_json *src, const char *key, int share)
{
  const struct mxm_json *v = mxm_json_get(src, key);
  if(!v)
    return 1;
  return mxm_json_object_set(dst, key, keep(v, share)) == MXM_OK;
}

static int copy_keys(struct mxm_json *dst, const struct mxm_json *src, const char *const *keys, int share)
{
  for(; keys && *keys; keys++)
    if(!copy_key(dst, src, *keys, share))
      return 0;
  return 1;
}

/* The redacted content of an event whose content is the object `content`. */
static struct mxm_json *redact_content(const struct algorithm *alg, const char *type,
                                       const struct mxm_json *content, int share)
{
  const struct content_rule *r;
  struct mxm_json *out;
  for(r = alg->content; type && r->type; r++)
    if(strcmp(r->type, type) == 0)
      break;
  if(type && r->type && r->all_content)
    return keep(content, share);
  out = mxm_json_new_object();
  if(!out)
    return NULL;
  if(!type || !r->type)
    return out;
  if(!copy_keys(out, content, r->keys, share))
    goto oom;
  if(r->tpi_signed) {
    const struct mxm_json *tpi = mxm_json_get(content, "third_party_invite");
    const struct mxm_json *sig = mxm_json_get(tpi, "signed");
    if(sig) {
      struct mxm_json *kept = mxm_json_new_object();
      if(!kept)
        goto oom;
      if(mxm_json_object_set(kept, "signed", keep(sig, share)) != MXM_OK) {
        mxm_json_free(&kept);
        goto oom;
      }
      if(mxm_json_object_set(out, "third_party_invite", kept) != MXM_OK)
        goto oom;
    }
  }
  return out;
oom:
  mxm_json_free(&out);
  return NULL;
}

static enum mxm_status redact(const struct mxm_json *event, const struct mxm_room_version *rv, int share,
                              struct mxm_json **out, struct mxm_error *err)
{
  const struct algorithm *alg;
  const struct mxm_json *content;
  struct mxm_json *res = NULL, *rc = NULL;
  const char *const *k;

  if(!out)
    return mxm_error_set(err, MXM_E_USAGE, "", "no output pointer");
  *out = NULL;
  if(!rv)
    return mxm_error_set(err, MXM_E_USAGE, "", "no room version");
  alg = find_algorithm(rv->redaction);
  if(!alg)
    return mxm_error_set(err, MXM_E_UNSUPPORTED, "", "room version %s names unknown redaction algorithm %u",
                         rv->id ? rv->id : "?", rv->redaction);
  if(mxm_json_type(event) != MXM_JSON_OBJECT)
    return mxm_error_set(err, MXM_E_MALFORMED, "", "event is a JSON %s, not an object",
                         mxm_json_type_name(mxm_json_type(event)));
  content = mxm_json_get(event, "content");
  if(content && mxm_json_type(content) != MXM_JSON_OBJECT)
    return mxm_error_set(err, MXM_E_MALFORMED, "/content", "content is a JSON %s, not an object",
                         mxm_json_type_name(mxm_json_type(content)));

  res = mxm_json_new_object();
  if(!res)
    goto oom;
  for(k = alg->top; *k; k++) {
    if(strcmp(*k, "content") == 0)
      continue;
    if(!copy_key(res, event, *k, share))
      goto oom;
  }
  if(content) {
    rc = redact_content(alg, mxm_json_string(mxm_json_get(event, "type")), content, share);
    if(!rc || mxm_json_object_set(res, "content", rc) != MXM_OK)
      goto oom;
  }
  *out = res;
  return MXM_OK;
oom:
  mxm_json_free(&res);
  return mxm_error_set(err, MXM_E_NOMEM, "", "out of memory redacting the event");
}

enum mxm_status mxm_redact(const struct mxm_json *event, const struct mxm_room_version *rv,
                           struct mxm_json **out, struct mxm_error *err)
{
  return redact(event, rv, 0, out, err);
}

enum mxm_status mxmi_redact_shared(const struct mxm_json *event, const struct mxm_room_version *rv,
                                   struct mxm_json **out, struct mxm_error *err)
{
  return redact(event, rv, 1, out, err);
}
