/*
 * test_client.c: the client view (mxm/client.h). Each case applies /sync
 * bodies and checks fields of the views by path; malformed bodies must fail
 * with the JSON pointer of the bad part and leave the view as it was.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mxm/client.h"
#include "tap.h"

/* Shorthands for the bodies below. */
#define CREATE "{\"type\":\"m.room.create\",\"state_key\":\"\",\"sender\":\"@a:x\",\"event_id\":\"$c\",\"content\":{\"room_version\":\"10\"}}"
#define MEMBER(id, sender, sk, content, uns)                                                             \
  "{\"type\":\"m.room.member\",\"event_id\":\"" id "\",\"sender\":\"" sender "\",\"state_key\":\"" sk \
  "\",\"content\":" content uns "}"
#define PREV(c) ",\"unsigned\":{\"prev_content\":" c "}"
#define JOINED(events) "{\"rooms\":{\"join\":{\"!r:x\":{\"state\":{\"events\":[" events "]}}}}}"
#define TIMELINE(sec, events) "{\"rooms\":{\"" sec "\":{\"!r:x\":{\"timeline\":{\"events\":[" events "]}}}}}"
#define STRIPPED(sec, key, events) "{\"rooms\":{\"" sec "\":{\"!r:x\":{\"" key "\":{\"events\":[" events "]}}}}}"
#define BASE JOINED(CREATE "," MEMBER("$a", "@a:x", "@a:x", "{\"membership\":\"join\"}", "") "," \
                    MEMBER("$b", "@b:x", "@b:x", "{\"membership\":\"join\",\"displayname\":\"Bob\"}", "") "," \
                    MEMBER("$w", "@w:x", "@w:x", "{\"membership\":\"join\"}", ""))

struct expect {
  const char *path; /* "<view>/<room>/<key>[/<key>...]" */
  const char *value; /* the string, "null", or "<absent>" */
};

struct tcase {
  const char *name, *user, *spec;
  const char *syncs; /* a JSON array */
  struct expect want[6];
};

static const struct tcase cases[] = {
  {"kick seen by a third party", "@w:x", "v1.19",
   "[" BASE "," TIMELINE("join", MEMBER("$k", "@a:x", "@b:x", "{\"membership\":\"leave\"}", PREV("{\"membership\":\"join\",\"displayname\":\"Bob\"}"))) "]",
   {{"1/!r:x/members/@b:x/membership", "leave"}, {"1/!r:x/members/@b:x/displayname", "null"},
    {"1/!r:x/outcomes/$k", "kicked"}, {"1/!r:x/section", "join"}, {"0/!r:x/members/@b:x/displayname", "Bob"}}},
  {"leave by the user: left; absent prev_content reads as leave", "@w:x", "v1.19",
   "[" BASE "," TIMELINE("join", MEMBER("$l", "@b:x", "@b:x", "{\"membership\":\"leave\"}", PREV("{\"membership\":\"join\"}")) ","
                                 MEMBER("$j", "@c:x", "@c:x", "{\"membership\":\"join\"}", "")) "]",
   {{"1/!r:x/outcomes/$l", "left"}, {"1/!r:x/outcomes/$j", "joined"}, {"1/!r:x/members/@c:x/membership", "join"}}},
  {"profile change, and a prev_content naming no membership", "@w:x", "v1.19",
   "[" BASE "," TIMELINE("join", MEMBER("$p", "@b:x", "@b:x", "{\"membership\":\"join\",\"displayname\":\"Robert\"}", PREV("{\"membership\":\"join\",\"displayname\":\"Bob\"}")) ","
                                 MEMBER("$q", "@a:x", "@a:x", "{\"membership\":\"join\"}", PREV("{\"membership\":\"joined\"}")) ","
                                 MEMBER("$s", "@w:x", "@w:x", "{\"membership\":\"join\"}", PREV("{\"membership\":\"join\"}"))) "]",
   {{"1/!r:x/outcomes/$p", "profile_changed"}, {"1/!r:x/outcomes/$q", "<absent>"}, {"1/!r:x/outcomes/$s", "profile_unchanged"},
    {"1/!r:x/members/@b:x/displayname", "Robert"}}},
  {"a must-never-happen cell still moves the member", "@w:x", "v1.19",
   "[" BASE "," TIMELINE("join", MEMBER("$x", "@a:x", "@b:x", "{\"membership\":\"invite\"}", PREV("{\"membership\":\"join\"}"))) "]",
   {{"1/!r:x/members/@b:x/membership", "invite"}, {"1/!r:x/outcomes/$x", "must_never_happen"}}},
  {"r0 era: a knock is not implemented", "@w:x", "r0",
   "[" BASE "," TIMELINE("join", MEMBER("$n", "@c:x", "@c:x", "{\"membership\":\"knock\"}", "")) "]",
   {{"1/!r:x/members/@c:x/membership", "knock"}, {"1/!r:x/outcomes/$n", "not_implemented"}}},
  {"redaction strips the current member event to its membership", "@w:x", "v1.19",
   "[" BASE "," TIMELINE("join", "{\"type\":\"m.room.redaction\",\"sender\":\"@a:x\",\"event_id\":\"$r\",\"redacts\":\"$b\",\"content\":{}}") ","
   TIMELINE("join", "{\"type\":\"m.room.redaction\",\"sender\":\"@a:x\",\"event_id\":\"$r2\",\"content\":{\"redacts\":\"$nothing\"}}") "]",
   {{"1/!r:x/members/@b:x/displayname", "null"}, {"1/!r:x/members/@b:x/membership", "join"}, {"2/!r:x/members/@b:x/membership", "join"}}},
  {"invite: forged own membership in stripped state grants nothing", "@b:x", "v1.19",
   "[" STRIPPED("invite", "invite_state", CREATE ","
                "{\"type\":\"m.room.member\",\"state_key\":\"@b:x\",\"sender\":\"@b:x\",\"content\":{\"membership\":\"join\",\"displayname\":\"B\"}},"
                "{\"type\":\"m.room.member\",\"state_key\":\"@a:x\",\"sender\":\"@a:x\",\"content\":{\"membership\":\"join\"}},"
                "{\"type\":\"m.room.name\",\"state_key\":\"\",\"sender\":\"@a:x\",\"content\":{\"name\":\"Hi\"}}") "]",
   {{"0/!r:x/section", "invite"}, {"0/!r:x/membership", "invite"}, {"0/!r:x/members/@b:x/membership", "invite"},
    {"0/!r:x/members/@a:x/membership", "join"}, {"0/!r:x/name", "Hi"}}},
  {"empty invite state still shows the invite; malformed stripped events are skipped", "@b:x", "v1.19",
   "[" STRIPPED("invite", "invite_state", "") "," STRIPPED("knock", "knock_state", "42, \"x\", null, [],"
                "{\"type\":\"m.room.name\",\"state_key\":\"\",\"sender\":\"@a:x\",\"content\":\"Hi\"},"
                "{\"type\":\"m.room.name\",\"sender\":\"@a:x\",\"content\":{\"name\":\"No key\"}},"
                "{\"type\":\"m.room.member\",\"state_key\":\"@a:x\",\"sender\":\"@a:x\",\"content\":{}}") "]",
   {{"0/!r:x/section", "invite"}, {"0/!r:x/members/@b:x/membership", "invite"}, {"1/!r:x/section", "knock"},
    {"1/!r:x/name", "null"}, {"1/!r:x/members/@a:x", "<absent>"}, {"1/!r:x/members/@b:x/membership", "knock"}}},
  {"joining discards invite-only state", "@b:x", "v1.19",
   "[" STRIPPED("invite", "invite_state", "{\"type\":\"m.room.name\",\"state_key\":\"\",\"sender\":\"@a:x\",\"content\":{\"name\":\"Hi\"}},"
                "{\"type\":\"m.room.member\",\"state_key\":\"@z:x\",\"sender\":\"@z:x\",\"content\":{\"membership\":\"join\"}}") ","
   JOINED(CREATE "," MEMBER("$j", "@b:x", "@b:x", "{\"membership\":\"join\"}", PREV("{\"membership\":\"invite\"}"))) "]",
   {{"1/!r:x/name", "null"}, {"1/!r:x/members/@z:x", "<absent>"}, {"1/!r:x/membership", "join"}, {"1/!r:x/outcomes/$j", "joined_room"}}},
  {"reject, then re-invite", "@b:x", "v1.19",
   "[" STRIPPED("invite", "invite_state", "{\"type\":\"m.room.name\",\"state_key\":\"\",\"sender\":\"@a:x\",\"content\":{\"name\":\"One\"}}") ","
   TIMELINE("leave", MEMBER("$rj", "@b:x", "@b:x", "{\"membership\":\"leave\"}", PREV("{\"membership\":\"invite\"}"))) ","
   STRIPPED("invite", "invite_state", "") "]",
   {{"1/!r:x/section", "leave"}, {"1/!r:x/outcomes/$rj", "invite_rejected"}, {"1/!r:x/name", "null"},
    {"2/!r:x/section", "invite"}, {"2/!r:x/membership", "invite"}, {"2/!r:x/name", "null"}}},
  {"banned: own membership from the leave entry", "@b:x", "v1.19",
   "[" BASE "," TIMELINE("leave", MEMBER("$ban", "@a:x", "@b:x", "{\"membership\":\"ban\"}", PREV("{\"membership\":\"join\"}"))) "]",
   {{"1/!r:x/section", "leave"}, {"1/!r:x/membership", "ban"}, {"1/!r:x/outcomes/$ban", "kicked_and_banned"}}},
  {"unsigned.membership from v1.11", "@b:x", "v1.11",
   "[" TIMELINE("leave", "{\"type\":\"m.room.message\",\"sender\":\"@a:x\",\"event_id\":\"$m\",\"content\":{},\"unsigned\":{\"membership\":\"ban\"}}") "]",
   {{"0/!r:x/membership", "ban"}}},
  {"unsigned.membership is not read before v1.11", "@b:x", "v1.10",
   "[" TIMELINE("leave", "{\"type\":\"m.room.message\",\"sender\":\"@a:x\",\"event_id\":\"$m\",\"content\":{},\"unsigned\":{\"membership\":\"ban\"}}") "]",
   {{"0/!r:x/membership", "leave"}}},
  {"top-level prev_content is read before v1.2", "@w:x", "v1.1",
   "[" BASE "," TIMELINE("join", "{\"type\":\"m.room.member\",\"event_id\":\"$t\",\"sender\":\"@a:x\",\"state_key\":\"@b:x\","
                                 "\"content\":{\"membership\":\"leave\"},\"prev_content\":{\"membership\":\"join\"}}") "]",
   {{"1/!r:x/outcomes/$t", "kicked"}}},
  {"top-level prev_content is not read from v1.2", "@w:x", "v1.2",
   "[" BASE "," TIMELINE("join", "{\"type\":\"m.room.member\",\"event_id\":\"$t\",\"sender\":\"@a:x\",\"state_key\":\"@b:x\","
                                 "\"content\":{\"membership\":\"leave\"},\"prev_content\":{\"membership\":\"join\"}}") "]",
   {{"1/!r:x/outcomes/$t", "no_change"}}},
  {"limited sync: the gap's member events in state", "@w:x", "v1.19",
   "[" BASE ",{\"rooms\":{\"join\":{\"!r:x\":{\"state\":{\"events\":[" MEMBER("$g", "@a:x", "@b:x", "{\"membership\":\"ban\"}", "")
   "]},\"timeline\":{\"limited\":true,\"events\":[]}}}}}]",
   {{"1/!r:x/members/@b:x/membership", "ban"}, {"1/!r:x/outcomes/$g", "banned"}}},
  {"an empty body and one without rooms change nothing", "@w:x", "v1.19", "[" BASE ",{},{\"rooms\":{}}]",
   {{"2/!r:x/members/@b:x/membership", "join"}, {"2/!r:x/outcomes/$b", "<absent>"}}},
};

/* The value at path in views, printed as the expectations spell it. */
static void lookup(const struct mxm_json *views, const char *path, char *out, size_t n)
{
  char buf[256], *p, *slash;
  const struct mxm_json *j;
  snprintf(buf, sizeof(buf), "%s", path);
  slash = strchr(buf, '/');
  if(slash)
    *slash = '\0';
  j = mxm_json_get(mxm_json_array_get(views, (size_t)strtoul(buf, NULL, 10)), "rooms");
  for(p = slash ? slash + 1 : NULL; j && p; p = slash ? slash + 1 : NULL) {
    slash = strchr(p, '/');
    if(slash)
      *slash = '\0';
    j = mxm_json_get(j, p);
  }
  if(!j)
    snprintf(out, n, "<absent>");
  else if(mxm_json_type(j) == MXM_JSON_NULL)
    snprintf(out, n, "null");
  else if(mxm_json_string(j))
    snprintf(out, n, "%s", mxm_json_string(j));
  else
    snprintf(out, n, "<%s>", mxm_json_type_name(mxm_json_type(j)));
}

static void run_case(const struct tcase *tc)
{
  struct mxm_json *syncs = NULL, *views = NULL;
  struct mxm_error err;
  enum mxm_spec_release spec;
  size_t i;
  if(!tap_check(mxm_json_parse(tc->syncs, strlen(tc->syncs), &syncs, &err) == MXM_OK, tc->name, "bad fixture: %s", err.message) ||
     !tap_check(mxm_spec_parse(tc->spec, &spec) == MXM_OK, tc->name, "bad release")) {
    mxm_json_free(&syncs);
    return;
  }
  if(tap_check(mxm_client_run(tc->user, spec, syncs, "/syncs", &views, &err) == MXM_OK, tc->name, "run failed: %s: %s",
               err.where, err.message)) {
    for(i = 0; i < sizeof(tc->want) / sizeof(tc->want[0]) && tc->want[i].path; i++) {
      char got[256], name[400];
      lookup(views, tc->want[i].path, got, sizeof(got));
      snprintf(name, sizeof(name), "%s: %s", tc->name, tc->want[i].path);
      tap_str_eq(name, tc->want[i].value, got);
    }
  }
  mxm_json_free(&views);
  mxm_json_free(&syncs);
}

/* Malformed bodies: the error names the JSON pointer; the view is unchanged. */
static void malformed(void)
{
  static const struct {
    const char *body, *where;
  } bad[] = {
    {"[]", "/syncs/1"},
    {"{\"rooms\":[]}", "/syncs/1/rooms"},
    {"{\"rooms\":{\"join\":7}}", "/syncs/1/rooms/join"},
    {"{\"rooms\":{\"join\":{\"!r:x\":\"x\"}}}", "/syncs/1/rooms/join/!r:x"},
    {"{\"rooms\":{\"join\":{\"!r/x~\":{\"state\":[]}}}}", "/syncs/1/rooms/join/!r~1x~0/state"},
    {"{\"rooms\":{\"leave\":{\"!r:x\":{\"timeline\":{\"events\":{}}}}}}", "/syncs/1/rooms/leave/!r:x/timeline/events"},
    {"{\"rooms\":{\"join\":{\"!r:x\":{\"timeline\":{\"events\":[],\"limited\":\"yes\"}}}}}", "/syncs/1/rooms/join/!r:x/timeline/limited"},
    {"{\"rooms\":{\"invite\":{\"!r:x\":{\"invite_state\":{\"events\":null}}}}}", "/syncs/1/rooms/invite/!r:x/invite_state/events"},
    {"{\"rooms\":{\"knock\":{\"!r:x\":{\"knock_state\":3}}}}", "/syncs/1/rooms/knock/!r:x/knock_state"},
    {"{\"rooms\":{\"join\":{\"!q:x\":{}},\"knock\":{\"!r:x\":{\"knock_state\":3}}}}", "/syncs/1/rooms/knock/!r:x/knock_state"},
  };
  size_t i;
  for(i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    struct mxm_client *c = NULL;
    struct mxm_json *good = NULL, *b = NULL, *v1 = NULL, *v2 = NULL;
    struct mxm_error err;
    char *s1 = NULL, *s2 = NULL;
    enum mxm_status st;
    if(mxm_client_new("@w:x", MXM_SPEC_CURRENT, &c) != MXM_OK ||
       mxm_json_parse(BASE, strlen(BASE), &good, NULL) != MXM_OK ||
       mxm_json_parse(bad[i].body, strlen(bad[i].body), &b, NULL) != MXM_OK ||
       mxm_client_apply_sync(c, good, "/syncs/0", NULL) != MXM_OK || mxm_client_view_json(c, &v1) != MXM_OK) {
      tap_check(0, "malformed fixture", "%s", bad[i].body);
    } else {
      memset(&err, 0, sizeof(err));
      st = mxm_client_apply_sync(c, b, "/syncs/1", &err);
      tap_check(st == MXM_E_MALFORMED, bad[i].body, "status %s", mxm_status_name(st));
      tap_str_eq(bad[i].body, bad[i].where, err.where);
      if(mxm_client_view_json(c, &v2) == MXM_OK) {
        s1 = mxm_json_to_string(v1, NULL);
        s2 = mxm_json_to_string(v2, NULL);
      }
      tap_check(s1 && s2 && strcmp(s1, s2) == 0, bad[i].body, "the view changed: %s", s2 ? s2 : "(none)");
    }
    free(s1);
    free(s2);
    mxm_json_free(&v1);
    mxm_json_free(&v2);
    mxm_json_free(&good);
    mxm_json_free(&b);
    mxm_client_free(&c);
  }
}

/* The typed accessors agree with the view; bad arguments are refused. */
static void accessors(void)
{
  struct mxm_client *c = NULL;
  struct mxm_json *b = NULL;
  const char *body = STRIPPED("invite", "invite_state",
                              "{\"type\":\"m.room.member\",\"state_key\":\"@b:x\",\"sender\":\"@b:x\",\"content\":{\"membership\":\"ban\"}}");
  struct mxm_json *views = NULL;
  tap_check(mxm_client_new(NULL, MXM_SPEC_CURRENT, &c) == MXM_E_USAGE, "new without user", "not refused");
  tap_check(mxm_client_run("@b:x", MXM_SPEC_CURRENT, NULL, NULL, &views, NULL) == MXM_E_MALFORMED, "run without syncs",
            "not refused");
  if(mxm_client_new("@b:x", MXM_SPEC_CURRENT, &c) != MXM_OK || mxm_json_parse(body, strlen(body), &b, NULL) != MXM_OK ||
     mxm_client_apply_sync(c, b, NULL, NULL) != MXM_OK) {
    tap_check(0, "accessor fixture", "setup failed");
  } else {
    tap_int_eq("room count", 1, (int64_t)mxm_client_room_count(c));
    tap_str_eq("room id", "!r:x", mxm_client_room_id(c, 0));
    tap_check(mxm_client_room_id(c, 1) == NULL, "room id past the end", "not NULL");
    tap_int_eq("section", MXM_SECTION_INVITE, mxm_client_section(c, "!r:x"));
    tap_int_eq("own", MXM_MEMBERSHIP_INVITE, mxm_client_own_membership(c, "!r:x"));
    tap_int_eq("own member entry", MXM_MEMBERSHIP_INVITE, mxm_client_member(c, "!r:x", "@b:x"));
    tap_int_eq("unknown member", MXM_MEMBERSHIP_NONE, mxm_client_member(c, "!r:x", "@q:x"));
    tap_int_eq("unknown room", MXM_SECTION_NONE, mxm_client_section(c, "!nope:x"));
    tap_str_eq("section name", "knock", mxm_section_name(MXM_SECTION_KNOCK));
  }
  mxm_json_free(&b);
  mxm_client_free(&c);
  mxm_client_free(&c);
}

int main(void)
{
  size_t i;
  for(i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    run_case(&cases[i]);
  malformed();
  accessors();
  return tap_done();
}
