/*
 * auth_fixture.h: small room states and events for the rule-engine tests,
 * written as compact descriptions and expanded into real JSON events that go
 * through the library's own parser and state loader (no shortcuts into
 * internals). Shared by test_auth_*.c, test_room.c and test_api.c; every
 * function is static inline so a test that does not use one does not warn.
 *
 * Users are written as short names ("bob" -> "@bob:example.org"); a name
 * with ':' is taken as the localpart:server ("bob:other.org").
 */
#ifndef MXM_TEST_AUTH_FIXTURE_H
#define MXM_TEST_AUTH_FIXTURE_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mxm/mxm.h"

#define FX_BUF 16384

struct fx_state {
  const char *creator;         /* create sender (and content.creator in v1-v10) */
  const char *content_creator; /* override content.creator (v1-v10), or NULL */
  const char *create_extra;    /* extra create content members, e.g. "\"m.federate\": false", or NULL */
  const char *members;         /* "alice:join bob:ban" (short names), or NULL */
  const char *join_rule;       /* NULL: no m.room.join_rules event; "-": join_rules with no join_rule */
  const char *pl;              /* power-levels content JSON, or NULL for none */
  const char *extra;           /* extra full events, comma-separated JSON objects, or NULL ("$ROOM" is replaced) */
};

/* "@name:example.org" for "name", "@name" for "name:server". */
static inline void fx_user(char *buf, size_t cap, const char *name)
{
  if(name[0] == '@')
    snprintf(buf, cap, "%s", name);
  else if(strchr(name, ':'))
    snprintf(buf, cap, "@%s", name);
  else
    snprintf(buf, cap, "@%s:example.org", name);
}

/* Append printf output to buf at *len. */
static inline void fx_cat(char *buf, size_t *len, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static inline void fx_cat(char *buf, size_t *len, const char *fmt, ...)
{
  va_list ap;
  int n;
  va_start(ap, fmt);
  n = vsnprintf(buf + *len, FX_BUF - *len, fmt, ap);
  va_end(ap);
  if(n > 0)
    *len += (size_t)n < FX_BUF - *len ? (size_t)n : FX_BUF - *len - 1;
}

/* Replace every "$ROOM" in src with room into dst. */
static inline void fx_subst_room(char *dst, size_t cap, const char *src, const char *room)
{
  size_t n = 0;
  while(*src && n + 1 < cap) {
    if(strncmp(src, "$ROOM", 5) == 0) {
      size_t rl = strlen(room);
      if(n + rl + 1 >= cap)
        break;
      memcpy(dst + n, room, rl);
      n += rl;
      src += 5;
    } else {
      dst[n++] = *src++;
    }
  }
  dst[n] = '\0';
}

/* One state event's JSON. */
static inline void fx_event(char *buf, size_t *len, const struct mxm_room_version *rv, int n, const char *room,
                            const char *type, const char *sender, const char *state_key, const char *content)
{
  fx_cat(buf, len, "{\"type\": \"%s\", \"sender\": \"%s\", \"state_key\": \"%s\", \"content\": %s, "
                   "\"depth\": %d, \"origin_server_ts\": %d, \"prev_events\": [], \"auth_events\": []",
         type, sender, state_key, content, n, n * 1000);
  if(room)
    fx_cat(buf, len, ", \"room_id\": \"%s\"", room);
  if(rv->event_id_format == MXM_EVENT_ID_SERVER)
    fx_cat(buf, len, ", \"event_id\": \"$%d:example.org\"", n);
  fx_cat(buf, len, "}");
}

static inline int fx_load(struct mxm_state *st, const char *json, const char *what)
{
  struct mxm_json *doc = NULL;
  struct mxm_error err;
  if(mxm_json_parse(json, strlen(json), &doc, &err) != MXM_OK) {
    fprintf(stderr, "fixture %s: bad JSON: %s at %s\n%s\n", what, err.message, err.where, json);
    return 0;
  }
  if(mxm_state_load_json(st, doc, &err) != MXM_OK) {
    fprintf(stderr, "fixture %s: state load failed: %s at %s\n", what, err.message, err.where);
    mxm_json_free(&doc);
    return 0;
  }
  mxm_json_free(&doc);
  return 1;
}

/* The room ID of a state (v12: "!" + create ID without "$"). */
static inline void fx_room_id(const struct mxm_state *st, char *buf, size_t cap)
{
  const struct mxm_event *create = mxm_state_create(st);
  const char *id = create ? mxm_event_id(create) : NULL;
  if(create && create->room_id)
    snprintf(buf, cap, "%s", create->room_id);
  else if(id)
    snprintf(buf, cap, "!%s", id + 1);
  else
    snprintf(buf, cap, "!unknown:example.org");
}

/* Build the state described by fx for room version rv id. NULL on failure
 * (printed). Caller frees with mxm_state_free. */
static inline struct mxm_state *fx_build(const char *rv_id, const struct fx_state *fx)
{
  const struct mxm_room_version *rv = mxm_room_version_find(rv_id);
  struct mxm_state *st = NULL;
  char *buf = malloc(FX_BUF), *tmp = malloc(FX_BUF);
  char creator[300], content[1024], room[128];
  size_t len = 0;
  int n = 1;
  const char *p;

  if(!rv || !buf || !tmp || mxm_state_new(rv, &st) != MXM_OK)
    goto fail;
  fx_user(creator, sizeof(creator), fx->creator ? fx->creator : "alice");
  /* 1. the create event alone, so its ID (v12 room ID) is known. */
  len = 0;
  snprintf(content, sizeof(content), "{\"room_version\": \"%s\"", rv->id);
  if(rv->creator_from == MXM_CREATOR_CONTENT) {
    char cc[300];
    fx_user(cc, sizeof(cc), fx->content_creator ? fx->content_creator : (fx->creator ? fx->creator : "alice"));
    snprintf(content + strlen(content), sizeof(content) - strlen(content), ", \"creator\": \"%s\"", cc);
  }
  if(fx->create_extra)
    snprintf(content + strlen(content), sizeof(content) - strlen(content), ", %s", fx->create_extra);
  snprintf(content + strlen(content), sizeof(content) - strlen(content), "}");
  fx_cat(buf, &len, "[");
  fx_event(buf, &len, rv, n++, rv->creators_v12 ? NULL : "!room:example.org", "m.room.create", creator, "", content);
  fx_cat(buf, &len, "]");
  if(!fx_load(st, buf, "create"))
    goto fail;
  fx_room_id(st, room, sizeof(room));

  /* 2. everything else. */
  len = 0;
  fx_cat(buf, &len, "[");
  if(fx->pl) {
    fx_event(buf, &len, rv, n++, room, "m.room.power_levels", creator, "", fx->pl);
    fx_cat(buf, &len, ",");
  }
  if(fx->join_rule) {
    if(strcmp(fx->join_rule, "-") == 0)
      snprintf(content, sizeof(content), "{}");
    else
      snprintf(content, sizeof(content), "{\"join_rule\": \"%s\"}", fx->join_rule);
    fx_event(buf, &len, rv, n++, room, "m.room.join_rules", creator, "", content);
    fx_cat(buf, &len, ",");
  }
  for(p = fx->members; p && *p;) {
    char name[128], user[300], sender[300];
    const char *colon = NULL, *end = p;
    size_t nl;
    while(*end && *end != ' ')
      end++;
    for(colon = end; colon > p && *colon != '='; colon--)
      ;
    if(colon == p) /* "name=membership" */
      goto fail;
    nl = (size_t)(colon - p) < sizeof(name) - 1 ? (size_t)(colon - p) : sizeof(name) - 1;
    memcpy(name, p, nl);
    name[nl] = '\0';
    fx_user(user, sizeof(user), name);
    snprintf(content, sizeof(content), "{\"membership\": \"%.*s\"}", (int)(end - colon - 1), colon + 1);
    /* invites and bans are sent by the creator, others by the user */
    if(strncmp(colon + 1, "invite", 6) == 0 || strncmp(colon + 1, "ban", 3) == 0)
      snprintf(sender, sizeof(sender), "%s", creator);
    else
      snprintf(sender, sizeof(sender), "%s", user);
    fx_event(buf, &len, rv, n++, room, "m.room.member", sender, user, content);
    fx_cat(buf, &len, ",");
    p = *end ? end + 1 : end;
  }
  if(fx->extra) {
    fx_subst_room(tmp, FX_BUF, fx->extra, room);
    fx_cat(buf, &len, "%s,", tmp);
  }
  if(buf[len - 1] == ',')
    buf[--len] = '\0';
  fx_cat(buf, &len, "]");
  if(!fx_load(st, buf, "state"))
    goto fail;
  free(buf);
  free(tmp);
  return st;
fail:
  fprintf(stderr, "fixture: cannot build state for room version %s\n", rv_id);
  mxm_state_free(&st);
  free(buf);
  free(tmp);
  return NULL;
}

/* A member event against st: sender, state_key (NULL = omit), content JSON
 * (whole content object), prev ("create" = [create ID], else one dummy ID).
 * Extra top-level members may be given in extra_top (", \"auth_events\": [...]"). */
static inline struct mxm_event *fx_parse_event(const struct mxm_state *st, const char *type, const char *sender,
                                               const char *state_key, const char *content, int prev_create,
                                               const char *extra_top)
{
  const struct mxm_room_version *rv = mxm_state_room_version(st);
  char *buf = malloc(FX_BUF);
  char s[300], k[300], room[128], prev[128];
  size_t len = 0;
  struct mxm_event *ev = NULL;
  struct mxm_error err;
  const struct mxm_event *create = mxm_state_create(st);

  if(!buf)
    return NULL;
  fx_user(s, sizeof(s), sender);
  fx_room_id(st, room, sizeof(room));
  if(prev_create && create && mxm_event_id(create))
    snprintf(prev, sizeof(prev), "%s", mxm_event_id(create));
  else
    snprintf(prev, sizeof(prev), "$previous:example.org");
  fx_cat(buf, &len, "{\"type\": \"%s\", \"sender\": \"%s\", \"room_id\": \"%s\", \"content\": %s, \"depth\": 50, "
                    "\"origin_server_ts\": 50000, \"prev_events\": [\"%s\"]",
         type, s, room, content, prev);
  if(state_key) {
    if(state_key[0] == '\0' || state_key[0] == '!')
      fx_cat(buf, &len, ", \"state_key\": \"%s\"", state_key[0] ? state_key + 1 : "");
    else {
      fx_user(k, sizeof(k), state_key);
      fx_cat(buf, &len, ", \"state_key\": \"%s\"", k);
    }
  }
  if(rv->event_id_format == MXM_EVENT_ID_SERVER)
    fx_cat(buf, &len, ", \"event_id\": \"$test:example.org\"");
  if(extra_top)
    fx_cat(buf, &len, "%s", extra_top);
  if(!strstr(buf, "\"auth_events\""))
    fx_cat(buf, &len, ", \"auth_events\": []");
  fx_cat(buf, &len, "}");
  if(mxm_event_parse(buf, len, rv, &ev, &err) != MXM_OK) {
    fprintf(stderr, "fixture event: %s at %s\n%s\n", err.message, err.where, buf);
    ev = NULL;
  }
  free(buf);
  return ev;
}

/* Room versions as a bit mask (bit n-1 = version n). */
#define FX_V(n) (1u << ((n) - 1))
#define FX_VR(a, b) ((FX_V(b) << 1) - FX_V(a))
#define FX_ALL FX_VR(1, 12)

#endif
