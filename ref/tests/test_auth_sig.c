/*
 * test_auth_sig.c: the signature facts (auth_sig.c) through the whole
 * decision, mxm_auth_check: the third-party-invite chain
 * (v1-auth-rules.md 5.3.1 and its successors) and rule 4.2 (v8+: an event
 * with join_authorised_via_users_server must be signed by that user's
 * server). Expected verdicts and rule ids come from the rule text and
 * ref/RULES.md.
 *
 * Keys are the conformance corpus's derived keys (conformance/FORMAT.md
 * "Keys"): servers example.org / other.org, identity-server keys is1, is2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mxm/mxm.h"
#include "tap.h"

#define ROOM "!r:example.org"

/* ---- fixtures ---- */

static char *pk_b64(const char *name, int urlsafe)
{
  static char buf[4][64];
  static int slot;
  struct mxm_signing_key k;
  char *out = buf[slot++ % 4], *p;
  if(mxm_signing_key_for_name(name, &k) != MXM_OK)
    return NULL;
  mxm_signing_key_public_b64(&k, out, 64);
  if(urlsafe)
    for(p = out; *p; p++)
      *p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
  return out;
}

/* The state: alice created the room and is joined (PL 100), carol joined,
 * eve banned; a third-party invite with token tok1 by alice; join rule
 * jr; server keys for example.org unless no_keys. */
static struct mxm_state *make_state(const char *version, const char *jr, const char *tpi_content, int no_keys)
{
  const struct mxm_room_version *rv = mxm_room_version_find(version);
  struct mxm_state *st = NULL;
  struct mxm_json *doc = NULL;
  struct mxm_error err;
  static char buf[65536];
  int n;
  if(!rv || mxm_state_new(rv, &st) != MXM_OK)
    return NULL;
  n = snprintf(
      buf, sizeof(buf),
      "{\"events\":["
      "{\"type\":\"m.room.create\",\"state_key\":\"\",\"sender\":\"@alice:example.org\",\"room_id\":\"" ROOM "\","
      "\"event_id\":\"$c:example.org\",\"content\":{\"creator\":\"@alice:example.org\",\"room_version\":\"%s\"}},"
      "{\"type\":\"m.room.member\",\"state_key\":\"@alice:example.org\",\"sender\":\"@alice:example.org\","
      "\"room_id\":\"" ROOM "\",\"event_id\":\"$m1:example.org\",\"content\":{\"membership\":\"join\"}},"
      "{\"type\":\"m.room.power_levels\",\"state_key\":\"\",\"sender\":\"@alice:example.org\",\"room_id\":\"" ROOM
      "\",\"event_id\":\"$p:example.org\",\"content\":{\"users\":{\"@alice:example.org\":100}}},"
      "{\"type\":\"m.room.join_rules\",\"state_key\":\"\",\"sender\":\"@alice:example.org\",\"room_id\":\"" ROOM
      "\",\"event_id\":\"$j:example.org\",\"content\":%s},"
      "{\"type\":\"m.room.member\",\"state_key\":\"@carol:example.org\",\"sender\":\"@carol:example.org\","
      "\"room_id\":\"" ROOM "\",\"event_id\":\"$m2:example.org\",\"content\":{\"membership\":\"join\"}},"
      "{\"type\":\"m.room.member\",\"state_key\":\"@eve:example.org\",\"sender\":\"@alice:example.org\","
      "\"room_id\":\"" ROOM "\",\"event_id\":\"$m3:example.org\",\"content\":{\"membership\":\"ban\"}},"
      "{\"type\":\"m.room.third_party_invite\",\"state_key\":\"tok1\",\"sender\":\"@alice:example.org\","
      "\"room_id\":\"" ROOM "\",\"event_id\":\"$t:example.org\",\"content\":%s}"
      "],\"server_keys\":{%s%s%s}}",
      version, jr, tpi_content, no_keys ? "" : "\"example.org\":{\"ed25519:1\":\"",
      no_keys ? "" : pk_b64("example.org", 0), no_keys ? "" : "\"}");
  if(n <= 0 || (size_t)n >= sizeof(buf) || mxm_json_parse(buf, (size_t)n, &doc, &err) != MXM_OK ||
     mxm_state_load_json(st, doc, &err) != MXM_OK) {
    tap_check(0, "state fixture", "%s at %s", err.message, err.where);
    mxm_json_free(&doc);
    mxm_state_free(&st);
    return NULL;
  }
  mxm_json_free(&doc);
  return st;
}

/* A 3PID `signed` object signed by identity-server key is_key under
 * entity (or unsigned when is_key is NULL), as compact JSON. */
static char *make_signed(const char *mxid, const char *token, const char *is_key, const char *entity)
{
  char buf[512];
  struct mxm_json *j = NULL;
  struct mxm_signing_key k;
  char *out;
  snprintf(buf, sizeof(buf), "{\"mxid\":\"%s\",\"sender\":\"@alice:example.org\",\"token\":\"%s\"}", mxid, token);
  if(mxm_json_parse(buf, strlen(buf), &j, NULL) != MXM_OK)
    return NULL;
  if(is_key && (mxm_signing_key_for_name(is_key, &k) != MXM_OK || mxm_sign_json(j, entity, &k, NULL) != MXM_OK)) {
    mxm_json_free(&j);
    return NULL;
  }
  out = mxm_json_to_string(j, NULL);
  mxm_json_free(&j);
  return out;
}

/* Parse text as an event of version; if sign_server, sign it (content hash
 * and signature over the redacted form) with that server's derived key. */
static struct mxm_event *make_event(const char *version, const char *text, const char *sign_server,
                                    const char *key_id)
{
  const struct mxm_room_version *rv = mxm_room_version_find(version);
  struct mxm_json *j = NULL;
  struct mxm_event *ev = NULL;
  struct mxm_error err;
  if(!rv || mxm_json_parse(text, strlen(text), &j, &err) != MXM_OK) {
    tap_check(0, "event fixture parses", "%s", text);
    return NULL;
  }
  if(sign_server) {
    struct mxm_signing_key k, k2;
    if(mxm_signing_key_for_name(sign_server, &k) != MXM_OK ||
       mxm_signing_key_from_seed(k.seed, key_id ? key_id : "ed25519:1", &k2) != MXM_OK ||
       mxm_sign_event(j, rv, sign_server, &k2, &err) != MXM_OK) {
      tap_check(0, "event fixture signs", "%s", err.message);
      mxm_json_free(&j);
      return NULL;
    }
  }
  if(mxm_event_from_json(j, rv, &ev, &err) != MXM_OK)
    tap_check(0, "event fixture is an event", "%s at %s", err.message, err.where);
  mxm_json_free(&j);
  return ev;
}

/* ---- third-party invites ---- */

#define TPI_STD "{\"display_name\":\"b...@e\",\"key_validity_url\":\"https://is/v\",\"public_key\":\"%s\",\"public_keys\":[{\"public_key\":\"%s\"}]}"

struct tpi_case {
  const char *name;
  const char *sender;    /* event sender */
  const char *state_key; /* the invitee */
  const char *mxid;      /* signed.mxid */
  const char *token;     /* signed.token */
  const char *is_key;    /* who signs signed; NULL = nobody */
  const char *entity;    /* under which entity */
  int tpi_form;          /* 0 standard key in both; 1 URL-safe; 2 key in public_keys only; 3 undecodable key */
  const char *signed_override; /* replaces the signed object when set */
  enum mxm_verdict verdict;
  const char *rule;
};

static const struct tpi_case tpi_cases[] = {
  {"3pid: valid", "@alice:example.org", "@bob:example.org", "@bob:example.org", "tok1", "is1", "is.example", 0, NULL,
   MXM_ALLOW, "member.invite.3pid.allow"},
  {"3pid: mxid mismatch", "@alice:example.org", "@bob:example.org", "@mallory:example.org", "tok1", "is1",
   "is.example", 0, NULL, MXM_REJECT, "member.invite.3pid.mxid_mismatch"},
  {"3pid: no token event", "@alice:example.org", "@bob:example.org", "@bob:example.org", "nope", "is1",
   "is.example", 0, NULL, MXM_REJECT, "member.invite.3pid.no_token_event"},
  {"3pid: wrong sender", "@carol:example.org", "@bob:example.org", "@bob:example.org", "tok1", "is1", "is.example",
   0, NULL, MXM_REJECT, "member.invite.3pid.sender_mismatch"},
  {"3pid: signed by a key not in the token event", "@alice:example.org", "@bob:example.org", "@bob:example.org",
   "tok1", "is2", "is.example", 0, NULL, MXM_REJECT, "member.invite.3pid.bad_signature"},
  {"3pid: not signed at all", "@alice:example.org", "@bob:example.org", "@bob:example.org", "tok1", NULL, NULL, 0,
   NULL, MXM_REJECT, "member.invite.3pid.bad_signature"},
  {"3pid: key in public_keys only", "@alice:example.org", "@bob:example.org", "@bob:example.org", "tok1", "is1",
   "is.example", 2, NULL, MXM_ALLOW, "member.invite.3pid.allow"},
  {"3pid: URL-safe key", "@alice:example.org", "@bob:example.org", "@bob:example.org", "tok1", "is1", "is.example",
   1, NULL, MXM_ALLOW, "member.invite.3pid.allow"},
  {"3pid: any entity name (NOTES.md#third-party-signed-object)", "@alice:example.org", "@bob:example.org", "@bob:example.org", "tok1",
   "is1", "anything.at.all", 0, NULL, MXM_ALLOW, "member.invite.3pid.allow"},
  {"3pid: banned target", "@alice:example.org", "@eve:example.org", "@eve:example.org", "tok1", "is1", "is.example",
   0, NULL, MXM_REJECT, "member.invite.3pid.banned"},
  {"3pid: undecodable key only", "@alice:example.org", "@bob:example.org", "@bob:example.org", "tok1", "is1",
   "is.example", 3, NULL, MXM_REJECT, "member.invite.3pid.bad_signature"},
  {"3pid: signatures is a string", "@alice:example.org", "@bob:example.org", NULL, NULL, NULL, NULL, 0,
   "{\"mxid\":\"@bob:example.org\",\"token\":\"tok1\",\"signatures\":\"x\"}", MXM_REJECT,
   "member.invite.3pid.bad_signature"},
  {"3pid: signature value not a string", "@alice:example.org", "@bob:example.org", NULL, NULL, NULL, NULL, 0,
   "{\"mxid\":\"@bob:example.org\",\"token\":\"tok1\",\"signatures\":{\"is\":{\"ed25519:0\":[1]},\"x\":3}}",
   MXM_REJECT, "member.invite.3pid.bad_signature"},
  /* Room versions 6+ reject the float when parsing the event; v1 parses it,
   * and the strictly canonical signed bytes cannot exist. */
  {"3pid: float in signed (lax versions only)", "@alice:example.org", "@bob:example.org", NULL, NULL, NULL, NULL, 0,
   "{\"mxid\":\"@bob:example.org\",\"token\":\"tok1\",\"n\":1.5,\"signatures\":{\"is\":{\"ed25519:0\":\"AAAA\"}}}",
   MXM_REJECT, "member.invite.3pid.bad_signature"},
  /* Malformed content, read literally in rule order (ref/RULES.md): a
   * signed that is not an object has no mxid/token properties; a non-string
   * mxid never matches the state_key; a non-string token names no event. */
  {"3pid: signed not an object", "@alice:example.org", "@bob:example.org", NULL, NULL, NULL, NULL, 0, "[]",
   MXM_REJECT, "member.invite.3pid.signed_fields"},
  {"3pid: signed is null", "@alice:example.org", "@bob:example.org", NULL, NULL, NULL, NULL, 0, "null",
   MXM_REJECT, "member.invite.3pid.signed_fields"},
  {"3pid: mxid not a string", "@alice:example.org", "@bob:example.org", NULL, NULL, NULL, NULL, 0,
   "{\"mxid\":5,\"token\":\"tok1\",\"signatures\":{}}", MXM_REJECT, "member.invite.3pid.mxid_mismatch"},
  {"3pid: token not a string", "@alice:example.org", "@bob:example.org", NULL, NULL, NULL, NULL, 0,
   "{\"mxid\":\"@bob:example.org\",\"token\":[\"tok1\"],\"signatures\":{}}", MXM_REJECT,
   "member.invite.3pid.no_token_event"},
};

static void run_tpi(const char *version)
{
  size_t i;
  for(i = 0; i < sizeof(tpi_cases) / sizeof(tpi_cases[0]); i++) {
    const struct tpi_case *c = &tpi_cases[i];
    char tpi[512], ev_text[2048], name[160];
    char *sgn = c->signed_override ? NULL : make_signed(c->mxid, c->token, c->is_key, c->entity);
    struct mxm_state *st;
    struct mxm_event *ev;
    struct mxm_result res;
    struct mxm_error err;
    enum mxm_status s;
    snprintf(name, sizeof(name), "v%s %s", version, c->name);
    if(strstr(c->name, "lax versions only") && mxm_room_version_find(version)->strict_canonical)
      continue;
    switch(c->tpi_form) {
    case 1:
      snprintf(tpi, sizeof(tpi), TPI_STD, pk_b64("is1", 1), pk_b64("is1", 1));
      break;
    case 2:
      snprintf(tpi, sizeof(tpi), TPI_STD, pk_b64("unrelated", 0), pk_b64("is1", 0));
      break;
    case 3:
      snprintf(tpi, sizeof(tpi), TPI_STD, "not*base64", "Zm9v");
      break;
    default:
      snprintf(tpi, sizeof(tpi), TPI_STD, pk_b64("is1", 0), pk_b64("is1", 0));
    }
    st = make_state(version, "{\"join_rule\":\"invite\"}", tpi, 0);
    snprintf(ev_text, sizeof(ev_text),
             "{\"type\":\"m.room.member\",\"state_key\":\"%s\",\"sender\":\"%s\",\"room_id\":\"" ROOM
             "\",\"event_id\":\"$e:example.org\",\"content\":{\"membership\":\"invite\",\"third_party_invite\":"
             "{\"display_name\":\"b...@e\",\"signed\":%s}}}",
             c->state_key, c->sender, c->signed_override ? c->signed_override : (sgn ? sgn : "null"));
    free(sgn);
    ev = st ? make_event(version, ev_text, NULL, NULL) : NULL;
    if(!st || !ev) {
      tap_check(0, name, "fixture");
      mxm_event_free(&ev);
      mxm_state_free(&st);
      continue;
    }
    mxm_error_clear(&err);
    s = mxm_auth_check(st, ev, NULL, &res, &err);
    if(tap_int_eq(name, MXM_OK, s)) {
      tap_str_eq(name, mxm_verdict_name(c->verdict), mxm_verdict_name(res.verdict));
      tap_str_eq(name, c->rule, res.rule_id);
    }
    else
      tap_check(0, name, "status %s: %s", mxm_status_name(s), err.message);
    mxm_event_free(&ev);
    mxm_state_free(&st);
  }
}

/* ---- rule 4.2: join_authorised_via_users_server ---- */

#define JR_RESTRICTED "{\"join_rule\":\"restricted\",\"allow\":[{\"type\":\"m.room_membership\",\"room_id\":\"!s:example.org\"}]}"

struct auth_case {
  const char *name;
  const char *version;
  const char *jr;
  const char *event;       /* the member event */
  const char *sign_server; /* NULL = unsigned */
  const char *key_id;      /* NULL = ed25519:1 */
  int no_keys;             /* the state has no server keys */
  enum mxm_status status;  /* MXM_OK, or MXM_E_UNDECIDABLE */
  enum mxm_verdict verdict;
  const char *rule;
};

#define DAVE_JOIN(extra)                                                                                       \
  "{\"type\":\"m.room.member\",\"state_key\":\"@dave:other.org\",\"sender\":\"@dave:other.org\",\"room_id\":\"" \
  ROOM "\",\"event_id\":\"$d:other.org\",\"content\":{\"membership\":\"join\"" extra "}}"
#define VIA_ALICE ",\"join_authorised_via_users_server\":\"@alice:example.org\""

static const struct auth_case auth_cases[] = {
  {"restricted join signed by the authoriser's server", "10", JR_RESTRICTED, DAVE_JOIN(VIA_ALICE), "example.org",
   NULL, 0, MXM_OK, MXM_ALLOW, "member.join.restricted.allow"},
  {"restricted join unsigned", "10", JR_RESTRICTED, DAVE_JOIN(VIA_ALICE), NULL, NULL, 0, MXM_OK, MXM_REJECT,
   "member.authorised_via.signature"},
  {"restricted join signed by the wrong server", "10", JR_RESTRICTED, DAVE_JOIN(VIA_ALICE), "other.org", NULL, 0,
   MXM_OK, MXM_REJECT, "member.authorised_via.signature"},
  {"restricted join signed, no server keys in state", "10", JR_RESTRICTED, DAVE_JOIN(VIA_ALICE), "example.org", NULL,
   1, MXM_E_UNDECIDABLE, MXM_ALLOW, NULL},
  {"restricted join signed under a key id the state lacks", "10", JR_RESTRICTED, DAVE_JOIN(VIA_ALICE),
   "example.org", "ed25519:2", 0, MXM_E_UNDECIDABLE, MXM_ALLOW, NULL},
  {"restricted join unsigned, no server keys: still known unsigned", "10", JR_RESTRICTED, DAVE_JOIN(VIA_ALICE),
   NULL, NULL, 1, MXM_OK, MXM_REJECT, "member.authorised_via.signature"},
  {"v8 restricted join signed", "8", JR_RESTRICTED, DAVE_JOIN(VIA_ALICE), "example.org", NULL, 0, MXM_OK, MXM_ALLOW,
   "member.join.restricted.allow"},
  {"v11 restricted join signed", "11", JR_RESTRICTED, DAVE_JOIN(VIA_ALICE), "example.org", NULL, 0, MXM_OK,
   MXM_ALLOW, "member.join.restricted.allow"},
  {"v9 restricted join unsigned", "9", JR_RESTRICTED, DAVE_JOIN(VIA_ALICE), NULL, NULL, 0, MXM_OK, MXM_REJECT,
   "member.authorised_via.signature"},
  {"authoriser not a user ID", "10", JR_RESTRICTED,
   DAVE_JOIN(",\"join_authorised_via_users_server\":\"alice\""), "example.org", NULL, 0, MXM_OK, MXM_REJECT,
   "member.authorised_via.signature"},
  {"authoriser not a string", "10", JR_RESTRICTED, DAVE_JOIN(",\"join_authorised_via_users_server\":7"),
   "example.org", NULL, 0, MXM_OK, MXM_REJECT, "member.authorised_via.signature"},
  {"invite carrying join_authorised_via_users_server unsigned", "10", JR_RESTRICTED,
   "{\"type\":\"m.room.member\",\"state_key\":\"@bob:example.org\",\"sender\":\"@alice:example.org\",\"room_id\":\""
   ROOM "\",\"event_id\":\"$i:example.org\",\"content\":{\"membership\":\"invite\"" VIA_ALICE "}}",
   NULL, NULL, 0, MXM_OK, MXM_REJECT, "member.authorised_via.signature"},
  {"invite carrying join_authorised_via_users_server signed", "10", JR_RESTRICTED,
   "{\"type\":\"m.room.member\",\"state_key\":\"@bob:example.org\",\"sender\":\"@alice:example.org\",\"room_id\":\""
   ROOM "\",\"event_id\":\"$i:example.org\",\"content\":{\"membership\":\"invite\"" VIA_ALICE "}}",
   "example.org", NULL, 0, MXM_OK, MXM_ALLOW, "member.invite.allow"},
  {"v7 has no rule 4.2: unsigned key ignored", "7", "{\"join_rule\":\"public\"}", DAVE_JOIN(VIA_ALICE), NULL, NULL,
   0, MXM_OK, MXM_ALLOW, "member.join.public"},
  {"public join without the key needs no signature", "10", "{\"join_rule\":\"public\"}", DAVE_JOIN(""), NULL, NULL,
   0, MXM_OK, MXM_ALLOW, "member.join.public"},
};

static void run_authoriser(void)
{
  size_t i;
  char tpi[512];
  snprintf(tpi, sizeof(tpi), TPI_STD, pk_b64("is1", 0), pk_b64("is1", 0));
  for(i = 0; i < sizeof(auth_cases) / sizeof(auth_cases[0]); i++) {
    const struct auth_case *c = &auth_cases[i];
    struct mxm_state *st = make_state(c->version, c->jr, tpi, c->no_keys);
    struct mxm_event *ev = st ? make_event(c->version, c->event, c->sign_server, c->key_id) : NULL;
    struct mxm_result res;
    struct mxm_error err;
    enum mxm_status s;
    if(!st || !ev) {
      tap_check(0, c->name, "fixture");
      mxm_event_free(&ev);
      mxm_state_free(&st);
      continue;
    }
    mxm_error_clear(&err);
    memset(&res, 0, sizeof(res));
    s = mxm_auth_check(st, ev, NULL, &res, &err);
    if(tap_int_eq(c->name, c->status, s) && s == MXM_OK) {
      tap_str_eq(c->name, mxm_verdict_name(c->verdict), mxm_verdict_name(res.verdict));
      tap_str_eq(c->name, c->rule, res.rule_id);
    }
    else if(s != MXM_OK && c->status == MXM_OK)
      tap_check(0, c->name, "status %s: %s", mxm_status_name(s), err.message);
    mxm_event_free(&ev);
    mxm_state_free(&st);
  }
}

/* Hostile sizes: 17 signatures x 256 keys (none valid) exceeds the work
 * bound, and so does a 257th key; both are "cannot decide", never a guess.
 * A valid signature found within the bound still allows. */
static void run_budget(void)
{
  static char tpi[300 * 64 + 256];
  char ev_text[8192], sigs[4096], name[96];
  size_t o, i;
  struct mxm_signing_key is1, is1b;
  struct {
    size_t n_keys;
    int n_sigs;
    int valid_first; /* the first key is is1's */
    enum mxm_status status;
  } rows[] = {{256, 17, 0, MXM_E_UNDECIDABLE}, {257, 1, 0, MXM_E_UNDECIDABLE}, {256, 17, 1, MXM_OK}};
  if(mxm_signing_key_for_name("is1", &is1) != MXM_OK)
    return;
  for(i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
    struct mxm_state *st;
    struct mxm_event *ev;
    struct mxm_result res;
    struct mxm_error err;
    struct mxm_json *sgn = NULL;
    char *sgn_text;
    size_t k;
    int s;
    const char *one = "{\"mxid\":\"@bob:example.org\",\"sender\":\"@alice:example.org\",\"token\":\"tok1\"}";
    o = (size_t)snprintf(tpi, sizeof(tpi), "{\"public_key\":\"%s\",\"public_keys\":[",
                         rows[i].valid_first ? pk_b64("is1", 0) : pk_b64("is2", 0));
    for(k = 0; k + 1 < rows[i].n_keys; k++)
      o += (size_t)snprintf(tpi + o, sizeof(tpi) - o, "%s{\"public_key\":\"%s\"}", k ? "," : "", pk_b64("is2", 0));
    snprintf(tpi + o, sizeof(tpi) - o, "]}");
    /* n_sigs signatures by is1 under different key IDs of one entity. */
    if(mxm_json_parse(one, strlen(one), &sgn, NULL) != MXM_OK)
      return;
    for(s = 0; s < rows[i].n_sigs; s++) {
      char kid[32];
      snprintf(kid, sizeof(kid), "ed25519:%d", s);
      if(mxm_signing_key_from_seed(is1.seed, kid, &is1b) != MXM_OK || mxm_sign_json(sgn, "is", &is1b, NULL) != MXM_OK)
        break;
    }
    sgn_text = mxm_json_to_string(sgn, NULL);
    mxm_json_free(&sgn);
    snprintf(sigs, sizeof(sigs), "%s", sgn_text ? sgn_text : "null");
    free(sgn_text);
    snprintf(ev_text, sizeof(ev_text),
             "{\"type\":\"m.room.member\",\"state_key\":\"@bob:example.org\",\"sender\":\"@alice:example.org\","
             "\"room_id\":\"" ROOM "\",\"event_id\":\"$e:example.org\",\"content\":{\"membership\":\"invite\","
             "\"third_party_invite\":{\"display_name\":\"b\",\"signed\":%s}}}",
             sigs);
    snprintf(name, sizeof(name), "3pid budget: %zu keys, %d signatures, valid %d", rows[i].n_keys, rows[i].n_sigs,
             rows[i].valid_first);
    st = make_state("10", "{\"join_rule\":\"invite\"}", tpi, 0);
    ev = st ? make_event("10", ev_text, NULL, NULL) : NULL;
    if(st && ev) {
      enum mxm_status got = mxm_auth_check(st, ev, NULL, &res, &err);
      tap_int_eq(name, rows[i].status, got);
      if(got == MXM_OK)
        tap_str_eq(name, "member.invite.3pid.allow", res.rule_id);
    }
    else
      tap_check(0, name, "fixture");
    mxm_event_free(&ev);
    mxm_state_free(&st);
  }
}

/* The facts alone: what mxm_auth_facts_compute says, with details. */
static void run_facts(void)
{
  char tpi[512];
  struct mxm_state *st;
  struct mxm_event *ev;
  struct mxm_auth_facts f;
  snprintf(tpi, sizeof(tpi), TPI_STD, pk_b64("is1", 0), pk_b64("is1", 0));
  st = make_state("10", JR_RESTRICTED, tpi, 0);
  ev = st ? make_event("10", DAVE_JOIN(VIA_ALICE), "example.org", NULL) : NULL;
  if(st && ev && tap_int_eq("facts: compute", MXM_OK, mxm_auth_facts_compute(st, ev, &f, NULL))) {
    tap_int_eq("facts: authoriser valid", MXM_SIG_VALID, f.authoriser_signature);
    tap_int_eq("facts: no 3PID on a join", MXM_SIG_NOT_NEEDED, f.tpi_signature);
    tap_check(f.authoriser_detail[0] != '\0', "facts: detail set", "empty detail");
  }
  mxm_event_free(&ev);
  ev = st ? make_event("10",
                       "{\"type\":\"m.room.name\",\"state_key\":\"\",\"sender\":\"@alice:example.org\",\"room_id\":\"" ROOM
                       "\",\"event_id\":\"$n:example.org\",\"content\":{\"name\":\"x\"}}",
                       NULL, NULL)
          : NULL;
  if(st && ev && tap_int_eq("facts: non-member", MXM_OK, mxm_auth_facts_compute(st, ev, &f, NULL))) {
    tap_int_eq("facts: non-member authoriser", MXM_SIG_NOT_NEEDED, f.authoriser_signature);
    tap_int_eq("facts: non-member 3PID", MXM_SIG_NOT_NEEDED, f.tpi_signature);
  }
  mxm_event_free(&ev);
  mxm_state_free(&st);
}

int main(void)
{
  run_tpi("10");
  run_tpi("1");
  run_tpi("11");
  run_authoriser();
  run_budget();
  run_facts();
  return tap_done();
}
