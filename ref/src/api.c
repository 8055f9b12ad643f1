/*
 * api.c: the client-server membership API as a layer of its own (mxm/api.h;
 * matrix-spec data/api/client-server/{inviting,joining,knocking,leaving,
 * kicking,banning}.yaml). For an endpoint call it decides the API's own answer
 * (HTTP status, errcode, the spec statement behind it), builds the
 * m.room.member event the endpoint would send, and runs the auth rules on
 * that event. The two verdicts stay apart.
 *
 * Owns: the endpoint -> event mapping and the API-only refusals. Does not
 * own: the auth rules (auth*.c) or event parsing (event.c).
 *
 * API-only answers (all under /_matrix/client/v3):
 *  - /invite of a user who is already invited, by a caller who may invite
 *    (the re-invite would pass auth): 200 and no new event (inviting.yaml
 *    200 "...or was already invited to the room", spec v1.4). The spec does
 *    not say whether a server sends a second invite; this reference sends
 *    none (Synapse skips it when sender and content are unchanged). A caller
 *    who may not invite gets the ordinary 403.
 *  - /kick of a user who is not in the room (no member event, or leave):
 *    403 M_FORBIDDEN (kicking.yaml 403 "The kickee is not currently in the
 *    room."), although the raw leave event passes auth (conformance/NOTES.md#kick-of-an-outsider; the
 *    membership diagram's "External -> leave via /kick" edge disagrees).
 *  - /kick of a banned user: 403 M_FORBIDDEN. A leave would lift the ban,
 *    which is /unban's job (banning.yaml); servers that sent it unbanned
 *    users by accident (conformance/NOTES.md#kick-after-ban).
 *  - /unban of a user who is not banned: 403 M_FORBIDDEN. The leave it
 *    would send is a kick (or nothing), not an unban (banning.yaml /unban;
 *    conformance/NOTES.md#kick-of-an-outsider: the spec does not say this outright).
 *  - /leave by a user who was never invited or joined (none, leave, ban):
 *    MXM_API_UNSPECIFIED. leaving.yaml documents only 200 and 429 (conformance/NOTES.md#leave-when-never-joined); the auth rules reject the event, which is reported too.
 * Otherwise the endpoint answers 200 when the event passes auth and 403
 * M_FORBIDDEN when it does not (each endpoint's 403 list names the auth
 * conditions: not in the room, power level too low, banned, ...).
 *
 * Not modelled: restricted joins through a resident server (the reference
 * does not pick or sign for an authorising user, so such a /join sends no
 * join_authorised_via_users_server and fails auth unless the user is
 * invited or joined), third-party /invite, room aliases, M_INVITE_BLOCKED,
 * rate limits.
 */
#include <stdio.h>
#include <string.h>

#include "mxm/api.h"

static const char *const endpoint_names[] = {"invite", "join", "leave", "kick", "ban", "unban", "knock"};
#define N_ENDPOINTS (sizeof(endpoint_names) / sizeof(endpoint_names[0]))

const char *mxm_endpoint_name(enum mxm_endpoint e)
{
  return (unsigned)e < N_ENDPOINTS ? endpoint_names[e] : "unknown";
}

enum mxm_status mxm_endpoint_parse(const char *name, enum mxm_endpoint *out)
{
  size_t i;
  for(i = 0; name && i < N_ENDPOINTS; i++) {
    if(strcmp(name, endpoint_names[i]) == 0) {
      *out = (enum mxm_endpoint)i;
      return MXM_OK;
    }
  }
  return MXM_E_USAGE;
}

void mxm_api_result_clear(struct mxm_api_result *res)
{
  if(!res)
    return;
  mxm_json_free(&res->event);
  memset(res, 0, sizeof(*res));
}

/* Per endpoint: the membership it sends, whether the body names a target,
 * and the spec source of its 200/403 answers. */
struct endpoint_row {
  enum mxm_membership membership;
  int needs_target;
  const char *spec;
};
static const struct endpoint_row endpoints[] = {
  [MXM_API_INVITE] = {MXM_MEMBERSHIP_INVITE, 1,
                      "client-server inviting.yaml POST /rooms/{roomId}/invite: 403 if the invitee is banned or "
                      "already a member, the inviter is not in the room, or lacks power"},
  [MXM_API_JOIN] = {MXM_MEMBERSHIP_JOIN, 0,
                    "client-server joining.yaml POST /rooms/{roomId}/join: 403 if the room is invite-only and the "
                    "user is not invited, the user is banned, or fails restricted conditions"},
  [MXM_API_LEAVE] = {MXM_MEMBERSHIP_LEAVE, 0, "client-server leaving.yaml POST /rooms/{roomId}/leave"},
  [MXM_API_KICK] = {MXM_MEMBERSHIP_LEAVE, 1,
                    "client-server kicking.yaml POST /rooms/{roomId}/kick: 403 if the kicker is not in the room, "
                    "the kickee is not in the room, or the kicker's power level is insufficient"},
  [MXM_API_BAN] = {MXM_MEMBERSHIP_BAN, 1,
                   "client-server banning.yaml POST /rooms/{roomId}/ban: 403 if the banner is not in the room or "
                   "lacks power"},
  [MXM_API_UNBAN] = {MXM_MEMBERSHIP_LEAVE, 1,
                     "client-server banning.yaml POST /rooms/{roomId}/unban: 403 if the caller lacks permission"},
  [MXM_API_KNOCK] = {MXM_MEMBERSHIP_KNOCK, 0,
                     "client-server knocking.yaml POST /knock/{roomIdOrAlias}: 403 if the room is not set up for "
                     "knocking or the user is banned"},
};

static void set_verdict(struct mxm_api_result *out, enum mxm_api_verdict v, int status, const char *errcode,
                        const char *reason, const char *spec)
{
  out->verdict = v;
  out->http_status = status;
  out->errcode = errcode;
  out->reason = reason;
  out->spec = spec;
}

/* The room ID events of this state carry: the create event's room_id, or in
 * v12 "!" + the create event's ID without its "$". */
static const char *room_id_of(const struct mxm_state *st, char *buf, size_t cap)
{
  const struct mxm_event *create = mxm_state_create(st);
  const char *id;
  if(!create)
    return NULL;
  if(create->room_id)
    return create->room_id;
  id = mxm_event_id(create);
  if(!id || id[0] != '$')
    return NULL;
  snprintf(buf, cap, "!%s", id + 1);
  return buf;
}

#define SET(obj, key, val)                                                                                       \
  do {                                                                                                         \
    if(mxm_json_object_set((obj), (key), (val)) != MXM_OK)                                                     \
      goto nomem;                                                                                              \
  } while(0)

/* Build the member event the endpoint would send. No signatures or hashes:
 * the auth rules do not read them (rule 4.2 facts come from auth_sig.c and
 * are "not needed" without join_authorised_via_users_server). */
static enum mxm_status build_event(const struct mxm_state *st, const struct mxm_api_call *call, const char *target,
                                   enum mxm_membership m, struct mxm_json **out, struct mxm_error *err)
{
  const struct mxm_room_version *rv = mxm_state_room_version(st);
  char room_buf[80];
  const char *room_id = room_id_of(st, room_buf, sizeof(room_buf));
  struct mxm_json *ev = mxm_json_new_object(), *content = mxm_json_new_object();

  *out = NULL;
  if(!ev || !content)
    goto nomem;
  if(!room_id) {
    mxm_json_free(&ev);
    mxm_json_free(&content);
    return mxm_error_set(err, MXM_E_UNDECIDABLE, "", "the state has no m.room.create with a usable room ID");
  }
  SET(content, "membership", mxm_json_new_string(mxm_membership_name(m)));
  if(call->reason)
    SET(content, "reason", mxm_json_new_string(call->reason));
  SET(ev, "type", mxm_json_new_string("m.room.member"));
  SET(ev, "room_id", mxm_json_new_string(room_id));
  SET(ev, "sender", mxm_json_new_string(call->caller));
  SET(ev, "state_key", mxm_json_new_string(target));
  {
    /* mxm_json_object_set owns content from here, also when it fails. */
    struct mxm_json *c = content;
    content = NULL;
    SET(ev, "content", c);
  }
  SET(ev, "origin_server_ts", mxm_json_new_int(0));
  SET(ev, "depth", mxm_json_new_int(1));
  SET(ev, "prev_events", mxm_json_new_array());
  SET(ev, "auth_events", mxm_json_new_array());
  if(rv->event_id_format == MXM_EVENT_ID_SERVER) {
    char id[MXM_MAX_ID_BYTES + 1];
    const char *domain = strchr(call->caller, ':');
    snprintf(id, sizeof(id), "$api-%s%s", mxm_endpoint_name(call->endpoint), domain ? domain : ":invalid");
    SET(ev, "event_id", mxm_json_new_string(id));
  }
  *out = ev;
  return MXM_OK;
nomem:
  mxm_json_free(&ev);
  mxm_json_free(&content);
  return mxm_error_set(err, MXM_E_NOMEM, "", "out of memory building the event");
}

enum mxm_status mxm_api_call(const struct mxm_state *st, const struct mxm_api_call *call,
                             const struct mxm_auth_options *opt, struct mxm_api_result *out, struct mxm_error *err)
{
  const struct endpoint_row *row;
  const char *target;
  enum mxm_membership cur_caller, cur_target;
  struct mxm_event *ev = NULL;
  enum mxm_status s;
  int decided = 0;

  if(!st || !call || !out)
    return mxm_error_set(err, MXM_E_USAGE, "", "mxm_api_call: state, call and result are required");
  memset(out, 0, sizeof(*out));
  if((unsigned)call->endpoint >= N_ENDPOINTS)
    return mxm_error_set(err, MXM_E_USAGE, "", "unknown endpoint %d", (int)call->endpoint);
  row = &endpoints[call->endpoint];
  if(!call->caller || !mxm_user_id_valid(call->caller, strlen(call->caller)))
    return mxm_error_set(err, MXM_E_USAGE, "", "the caller must be a valid user ID");
  if(row->needs_target && !call->target)
    return mxm_error_set(err, MXM_E_USAGE, "", "/%s needs a target user_id", mxm_endpoint_name(call->endpoint));
  target = row->needs_target ? call->target : call->caller;
  if(!mxm_user_id_valid(target, strlen(target)))
    return mxm_error_set(err, MXM_E_USAGE, "/user_id", "the target must be a valid user ID");
  cur_caller = mxm_state_membership(st, call->caller);
  cur_target = mxm_state_membership(st, target);

  /* API-only answers that come before any event (see the file comment). */
  switch(call->endpoint) {
  case MXM_API_INVITE: /* already invited: decided after the auth check below */
    break;
  case MXM_API_KICK:
    if(cur_target == MXM_MEMBERSHIP_NONE || cur_target == MXM_MEMBERSHIP_LEAVE) {
      set_verdict(out, MXM_API_REFUSED, 403, "M_FORBIDDEN", "the user to kick is not in the room",
                  "client-server kicking.yaml 403: \"The kickee is not currently in the room.\" (conformance/NOTES.md#kick-of-an-outsider)");
      decided = 1;
    } else if(cur_target == MXM_MEMBERSHIP_BAN) {
      set_verdict(out, MXM_API_REFUSED, 403, "M_FORBIDDEN",
                  "the user to kick is banned; a leave would unban them, which only /unban may do",
                  "client-server kicking.yaml 403 (the kickee is not in the room) and banning.yaml /unban");
      decided = 1;
    }
    break;
  case MXM_API_UNBAN:
    if(cur_target != MXM_MEMBERSHIP_BAN) {
      set_verdict(out, MXM_API_REFUSED, 403, "M_FORBIDDEN", "the user is not banned: there is nothing to unban",
                  "client-server banning.yaml POST /rooms/{roomId}/unban (conformance/NOTES.md#kick-of-an-outsider)");
      decided = 1;
    }
    break;
  case MXM_API_LEAVE:
    if(cur_caller == MXM_MEMBERSHIP_NONE || cur_caller == MXM_MEMBERSHIP_LEAVE || cur_caller == MXM_MEMBERSHIP_BAN) {
      set_verdict(out, MXM_API_UNSPECIFIED, 0, NULL,
                  "the caller was never invited to or joined the room; the spec documents no response",
                  "client-server leaving.yaml documents only 200 and 429 (conformance/NOTES.md#leave-when-never-joined)");
      decided = 1;
    }
    break;
  case MXM_API_JOIN:
  case MXM_API_BAN:
  case MXM_API_KNOCK:
    break;
  }

  s = build_event(st, call, target, row->membership, &out->event, err);
  if(s == MXM_OK)
    s = mxm_event_from_json(out->event, mxm_state_room_version(st), &ev, err);
  if(s == MXM_OK)
    s = mxm_auth_check(st, ev, opt, &out->auth, err);
  mxm_event_free(&ev);
  if(s != MXM_OK) {
    mxm_api_result_clear(out);
    return s;
  }
  out->has_auth = 1;
  if(call->endpoint == MXM_API_INVITE && cur_target == MXM_MEMBERSHIP_INVITE && out->auth.verdict == MXM_ALLOW) {
    mxm_json_free(&out->event);
    out->has_auth = 0;
    memset(&out->auth, 0, sizeof(out->auth));
    set_verdict(out, MXM_API_OK, 200, NULL, "the user was already invited: 200 and no new event",
                "client-server inviting.yaml 200: \"The user has been invited to join the room, or was already "
                "invited to the room.\" (v1.4, #1084)");
    return MXM_OK;
  }
  if(!decided) {
    if(out->auth.verdict == MXM_ALLOW)
      set_verdict(out, MXM_API_OK, 200, NULL, "the event passes the auth rules", row->spec);
    else
      set_verdict(out, MXM_API_REFUSED, 403, "M_FORBIDDEN", "the event fails the auth rules", row->spec);
  }
  return MXM_OK;
}
