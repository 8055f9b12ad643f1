/*
 * fuzz_adapter.c: `mxm fuzz --adapter CMD`, differential fuzzing of any
 * implementation against the reference.
 *
 * Data flow, per generated case:
 *   random bytes -> fuzz/decode.c (a room and one event, or a few events)
 *                -> a compact case (FORMAT.md), written here
 *                -> expand.c and run.c's request builders: the very auth or
 *                   sequence request `mxm conform` would send for that case
 *                -> the reference in process and the adapter
 *                -> mxmc_compare_auth, with the reference's answer in the
 *                   place of the expected verdict.
 * A disagreement is shrunk (fields of the structured case set back to their
 * plainest value, sequence steps dropped) while it stays the same
 * disagreement, then tried in every other room version at the same spec
 * release, and kept once per (reference rule id, adapter verdict, room
 * versions). Each distinct one is written to --out DIR as a candidate case:
 * the compact case, both answers, and `expected` left unjudged, so that the
 * file fails the loader and the linter until a person has judged it from the
 * spec. The reference's answer is a question, never the expected result.
 *
 * Sequences: a step becomes part of the state the next steps are built on
 * when the reference allows it (the runner uses the case's expected verdict
 * there; a generated case has none). The candidate says so.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "conform.h"
#include "decode.h"

#define MAX_STEPS 4
#define EVENTS_PER_ROOM 4   /* cases generated on each decoded room before a new one */
#define INPUT_BYTES 48      /* random bytes per decoded room or event */
#define MAX_SHRINK_RUNS 400 /* requests one minimisation may send */
#define MAX_CANDIDATES 500  /* distinct disagreements kept in one run */

/* ---- generated cases ---- */

struct gcase {
  struct mxmf_case c;      /* the room; c.ev is unused */
  int seq;                 /* 0: one auth request; 1: a sequence request */
  int n_ev;                /* 1..MAX_STEPS */
  struct mxmf_event ev[MAX_STEPS];
};

/* A disagreement: what identifies it (rule, verdict) and what it said. */
struct verdicts {
  char ref_rule[128];     /* the reference's rule id, or its verdict when it names none */
  char ad_verdict[16];    /* allow, reject, invalid, error (could not decide), fault */
  int step;               /* sequences: the first step that differs (0-based) */
  struct mxm_json *ref;   /* owned: the reference's answer (the step's, for sequences) */
  struct mxm_json *ad;    /* owned: the adapter's answer, or NULL after a fault */
  char *why;              /* owned: how they differ */
};

struct candidate {
  char ref_rule[128], ad_verdict[16];
  uint32_t versions;
  size_t occurrences;
  char suite[160];  /* candidate_<n>_<rule>_<verdict>; the file is <suite>_test.json */
  char path[4096];
  struct gcase g;
  struct verdicts vd;
  uint64_t found_at; /* case number */
};

struct mxmc_fuzz {
  struct mxmc_adapter *adapter; /* borrowed; NULL: the reference against itself, in process */
  struct mxmc_caps ref_caps;
  const struct mxmc_caps *caps;
  uint32_t versions;  /* room versions to generate: --room-versions and the adapter's */
  uint64_t rng;
  const char *out_dir;
  const char *command;
  uint64_t seed;
  struct gcase room;  /* the current decoded room */
  int room_uses;
  uint64_t case_no;
  struct mxmc_fuzz_stats st;
  struct candidate *cands;
  size_t n_cands;
  int write_failed;
};

static uint64_t next_rand(uint64_t *s)
{
  /* splitmix64 */
  uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static void fill(struct mxmc_fuzz *f, uint8_t *b, size_t n)
{
  size_t i;
  for(i = 0; i < n; i += 8) {
    uint64_t x = next_rand(&f->rng);
    size_t k;
    for(k = 0; k < 8 && i + k < n; k++)
      b[i + k] = (uint8_t)(x >> (8 * k));
  }
}

/* Power level i of c: ban, kick, invite, users_default, then each user's. */
static struct mxmf_level *level_at(struct mxmf_case *c, int i)
{
  struct mxmf_level *top[4] = {&c->power.ban, &c->power.kick, &c->power.invite, &c->power.users_default};
  return i < 4 ? top[i] : &c->power.users[i - 4];
}

static int spec_ok(const struct mxmc_fuzz *f, int rv, int spec)
{
  return spec >= mxmf_version_intro(rv) && spec <= MXMF_SPEC_CURRENT && spec >= (int)f->caps->spec_from &&
         spec <= (int)f->caps->spec_to;
}

/* Bring a case into what the corpus format can state and the adapter
 * declares: a room version of f->versions, a spec release the version
 * exists in and the adapter follows, a well-formed state (FORMAT.md: only
 * the event under test may be malformed): knock only where the version has
 * it, string levels only in v1-v9, float levels only in v1-v5. 0, or -1 when
 * no spec release fits. */
static int normalise(const struct mxmc_fuzz *f, struct gcase *g)
{
  struct mxmf_case *c = &g->c;
  int u, i;
  if(!(f->versions & (1u << c->room_version))) {
    int n = 0, pick, v;
    for(v = 1; v <= 12; v++)
      n += (f->versions >> v) & 1u;
    if(!n)
      return -1;
    pick = c->room_version % n;
    for(v = 1; v <= 12; v++)
      if(((f->versions >> v) & 1u) && pick-- == 0)
        break;
    c->room_version = v;
  }
  if(!spec_ok(f, c->room_version, c->spec)) {
    int lo = mxmf_version_intro(c->room_version), hi = MXMF_SPEC_CURRENT;
    if(lo < (int)f->caps->spec_from)
      lo = (int)f->caps->spec_from;
    if(hi > (int)f->caps->spec_to)
      hi = (int)f->caps->spec_to;
    if(lo > hi)
      return -1;
    c->spec = c->spec < lo ? lo : hi;
  }
  for(u = 0; u < MXMF_USERS; u++) {
    if(c->member[u] == MXMF_M_KNOCK && c->room_version < 7)
      c->member[u] = MXMF_M_LEAVE;
  }
  for(i = 0; i < 4 + MXMF_USERS; i++) {
    struct mxmf_level *l = level_at(c, i);
    if((l->form == MXMF_PL_STRING && c->room_version >= 10) || (l->form == MXMF_PL_FLOAT && c->room_version >= 6) ||
       l->form == MXMF_PL_SPELLED) { /* edge spellings: fuzz/ judges them; a case's state must be valid */
      l->form = MXMF_PL_INT;
      l->variant = 0;
    }
  }
  if(c->room_version != 12)
    c->additional_creators = 0;
  /* The corpus format writes auth_events by the selection itself
   * (FORMAT.md "Expansion order"); a decoded list is not sent. */
  for(i = 0; i < MAX_STEPS; i++)
    g->ev[i].auth.n = 0;
  if(!g->seq)
    g->n_ev = 1;
  return 0;
}

static void generate(struct mxmc_fuzz *f, struct gcase *g)
{
  uint8_t bytes[INPUT_BYTES];
  struct mxmf_reader r;
  uint8_t kind;
  int i;
  if(f->room_uses == 0) {
    fill(f, bytes, sizeof(bytes));
    mxmf_reader_init(&r, bytes, sizeof(bytes));
    memset(&f->room, 0, sizeof(f->room));
    mxmf_decode_case(&r, &f->room.c);
  }
  f->room_uses = (f->room_uses + 1) % EVENTS_PER_ROOM;
  *g = f->room;
  fill(f, bytes, sizeof(bytes));
  mxmf_reader_init(&r, bytes, sizeof(bytes));
  kind = mxmf_byte(&r);
  g->seq = (f->caps->layers & MXMC_LAYER_SEQUENCE) && (kind & 3u) == 0;
  g->n_ev = g->seq ? 2 + (kind >> 2) % (MAX_STEPS - 1) : 1;
  for(i = 0; i < g->n_ev; i++)
    mxmf_decode_event(&r, &g->c, &g->ev[i]);
  if(!(f->caps->layers & MXMC_LAYER_AUTH))
    g->seq = 1;
}

/* ---- the compact case (FORMAT.md) ---- */

static const char *const display_names[4] = {NULL, "Alpha", "Beta", "Gamma"};
static const char *const servers[3] = {"a.test", "b.test", "c.test"};

static void put_str(struct mxmc_buf *b, const char *s) { mxmc_buf_json_string(b, s); }

static void put_level(struct mxmc_buf *b, const struct mxmf_level *l)
{
  char text[64];
  mxmc_buf_printf(b, "%s", mxmf_level_json(l, text, sizeof(text)));
}

/* The membership as a JSON string's text, or NULL for the shapes that are
 * not a string (none, not a string, absent). */
static const char *membership_word(enum mxmf_membership m)
{
  return m >= MXMF_M_INVITE && m <= MXMF_M_FOO ? mxmf_membership_word(m) : NULL;
}

static const char *key_name(enum mxmf_is_key k) { return k == MXMF_KEY_IS2 ? "is2" : "is1"; }

static void compact_state(const struct mxmf_case *c, struct mxmc_buf *b)
{
  static const char *const jr[] = {NULL, "public", "invite", "knock", "restricted", "knock_restricted", "private",
                                   "bogus"};
  int u, t, first;
  mxmc_buf_add(b, "{\"creator\":");
  put_str(b, mxmf_user_ids[0]);
  if(c->no_federate || c->additional_creators) {
    mxmc_buf_add(b, ",\"createContent\":{");
    first = 1;
    if(c->no_federate) {
      mxmc_buf_add(b, "\"m.federate\":false");
      first = 0;
    }
    if(c->additional_creators) {
      mxmc_buf_add(b, first ? "\"additional_creators\":[" : ",\"additional_creators\":[");
      first = 1;
      for(u = 1; u < MXMF_USERS; u++)
        if((c->additional_creators >> u) & 1u) {
          if(!first)
            mxmc_buf_add(b, ",");
          put_str(b, mxmf_user_ids[u]);
          first = 0;
        }
      mxmc_buf_add(b, "]");
    }
    mxmc_buf_add(b, "}");
  }
  if(c->bare) {
    mxmc_buf_add(b, "}");
    return;
  }
  /* members: the creator's own entry can only be its first join; any other
   * membership of the creator is a state event of its own (below) */
  first = 1;
  for(u = 0; u < MXMF_USERS; u++) {
    if(c->member[u] == MXMF_M_NONE || (u == 0 && c->member[0] != MXMF_M_JOIN))
      continue;
    mxmc_buf_add(b, first ? ",\"members\":{" : ",");
    put_str(b, mxmf_user_ids[u]);
    mxmc_buf_add(b, ":");
    put_str(b, membership_word(c->member[u]));
    first = 0;
  }
  if(!first)
    mxmc_buf_add(b, "}");
  first = 1;
  for(u = 0; u < MXMF_USERS; u++) {
    if(c->member[u] == MXMF_M_NONE || (u == 0 && c->member[0] != MXMF_M_JOIN) || !display_names[c->displayname[u] & 3u])
      continue;
    mxmc_buf_add(b, first ? ",\"memberContent\":{" : ",");
    put_str(b, mxmf_user_ids[u]);
    mxmc_buf_printf(b, ":{\"displayname\":\"%s\"}", display_names[c->displayname[u] & 3u]);
    first = 0;
  }
  if(!first)
    mxmc_buf_add(b, "}");
  if(c->power.present) {
    static const char *const names[4] = {"ban", "kick", "invite", "users_default"};
    const struct mxmf_level *top[4] = {&c->power.ban, &c->power.kick, &c->power.invite, &c->power.users_default};
    int i;
    mxmc_buf_add(b, ",\"powerLevels\":{");
    for(i = 0; i < 4; i++)
      if(top[i]->present) {
        mxmc_buf_printf(b, "\"%s\":", names[i]);
        put_level(b, top[i]);
        mxmc_buf_add(b, ",");
      }
    mxmc_buf_add(b, "\"users\":{");
    first = 1;
    for(u = 0; u < MXMF_USERS; u++)
      if(c->power.users[u].present) {
        if(!first)
          mxmc_buf_add(b, ",");
        put_str(b, mxmf_user_ids[u]);
        mxmc_buf_add(b, ":");
        put_level(b, &c->power.users[u]);
        first = 0;
      }
    mxmc_buf_add(b, "}}");
  }
  if(c->join_rule != MXMF_JR_NO_EVENT) {
    mxmc_buf_add(b, ",\"joinRules\":{");
    if(c->join_rule == MXMF_JR_NOT_STRING)
      mxmc_buf_add(b, "\"join_rule\":7");
    else if(c->join_rule != MXMF_JR_MISSING)
      mxmc_buf_printf(b, "\"join_rule\":\"%s\"", jr[c->join_rule]);
    if(c->allow_list)
      mxmc_buf_printf(b, "%s\"allow\":[{\"type\":\"m.room_membership\",\"room_id\":\"!other:b.test\"}]",
                      c->join_rule == MXMF_JR_MISSING ? "" : ",");
    mxmc_buf_add(b, "}");
  }
  first = 1;
  for(t = 0; t < MXMF_TOKENS; t++) {
    const struct mxmf_token_event *tk = &c->tokens[t];
    if(!tk->present)
      continue;
    mxmc_buf_add(b, first ? ",\"thirdPartyInvites\":[" : ",");
    mxmc_buf_printf(b, "{\"token\":\"tok%d\",\"sender\":", t);
    put_str(b, mxmf_user_ids[tk->sender]);
    mxmc_buf_printf(b, ",\"keys\":[\"%s\"", key_name(tk->public_key));
    if(tk->extra_key != MXMF_KEY_NONE)
      mxmc_buf_printf(b, ",\"%s\"", key_name(tk->extra_key));
    mxmc_buf_printf(b, "]%s}", tk->urlsafe ? ",\"keyEncoding\":\"urlsafe\"" : "");
    first = 0;
  }
  if(!first)
    mxmc_buf_add(b, "]");
  if(c->member[0] != MXMF_M_NONE && c->member[0] != MXMF_M_JOIN) {
    mxmc_buf_add(b, ",\"events\":[{\"type\":\"m.room.member\",\"state_key\":");
    put_str(b, mxmf_user_ids[0]);
    mxmc_buf_add(b, ",\"sender\":");
    put_str(b, mxmf_user_ids[0]);
    mxmc_buf_printf(b, ",\"content\":{\"membership\":\"%s\"", membership_word(c->member[0]));
    if(display_names[c->displayname[0] & 3u])
      mxmc_buf_printf(b, ",\"displayname\":\"%s\"", display_names[c->displayname[0] & 3u]);
    mxmc_buf_add(b, "}}]");
  }
  mxmc_buf_add(b, "}");
}

static int server_of(int user)
{
  const char *s = mxmf_user_servers[user];
  int i;
  for(i = 0; i < 3; i++)
    if(strcmp(s, servers[i]) == 0)
      return i;
  return 0;
}

static void compact_event(const struct mxmf_event *e, struct mxmc_buf *b)
{
  const char *m = membership_word(e->membership);
  int content = e->membership == MXMF_M_NOTSTRING || display_names[e->displayname & 3u] || e->authoriser >= 0;
  mxmc_buf_add(b, "{\"sender\":");
  put_str(b, mxmf_user_ids[e->sender]);
  mxmc_buf_add(b, ",\"stateKey\":");
  put_str(b, mxmf_user_ids[e->target]);
  if(m)
    mxmc_buf_printf(b, ",\"membership\":\"%s\"", m);
  if(content) {
    int first = 1;
    mxmc_buf_add(b, ",\"content\":{");
    if(e->membership == MXMF_M_NOTSTRING) {
      mxmc_buf_add(b, "\"membership\":42");
      first = 0;
    }
    if(display_names[e->displayname & 3u]) {
      mxmc_buf_printf(b, "%s\"displayname\":\"%s\"", first ? "" : ",", display_names[e->displayname & 3u]);
      first = 0;
    }
    if(e->authoriser >= 0) {
      mxmc_buf_printf(b, "%s\"join_authorised_via_users_server\":", first ? "" : ",");
      put_str(b, mxmf_user_ids[e->authoriser]);
    }
    mxmc_buf_add(b, "}");
  }
  if(e->prev_create)
    mxmc_buf_add(b, ",\"prevEvents\":\"create\"");
  if(e->authoriser >= 0 && e->auth_sig != MXMF_ASIG_NONE) {
    int si = server_of(e->authoriser);
    if(e->auth_sig == MXMF_ASIG_WRONG)
      si = (si + 1) % 3;
    mxmc_buf_printf(b, ",\"signedBy\":[\"%s\"]", servers[si]);
  }
  if(e->tpi.present) {
    mxmc_buf_add(b, ",\"thirdPartyInvite\":{\"token\":");
    if(e->tpi.token < MXMF_TOKENS)
      mxmc_buf_printf(b, "\"tok%d\"", e->tpi.token);
    else
      mxmc_buf_add(b, "\"tokX\"");
    mxmc_buf_add(b, ",\"mxid\":");
    put_str(b, mxmf_user_ids[e->tpi.mxid]);
    if(e->tpi.signer == MXMF_KEY_NONE)
      mxmc_buf_add(b, ",\"signWith\":[]");
    else
      mxmc_buf_printf(b, ",\"signWith\":[\"%s\"]", key_name(e->tpi.signer));
    if(e->tpi.corrupt)
      mxmc_buf_add(b, ",\"corrupt\":true");
    if(e->tpi.omit_signed)
      mxmc_buf_add(b, ",\"omitSigned\":true");
    else if(e->tpi.omit_mxid)
      mxmc_buf_add(b, ",\"omitFields\":[\"mxid\"]");
    else if(e->tpi.omit_token)
      mxmc_buf_add(b, ",\"omitFields\":[\"token\"]");
    mxmc_buf_add(b, "}");
  }
  if(e->omit_state_key)
    mxmc_buf_add(b, ",\"omit\":[\"state_key\"]");
  mxmc_buf_add(b, "}");
}

/* The group state and the test ({"event"} or {"steps"}) of g as JSON
 * objects (owned). 0, or -1 on OOM. */
static int compact_case(const struct gcase *g, struct mxm_json **state, struct mxm_json **test)
{
  struct mxmc_buf b = {0};
  int i, rc = 0;
  *state = *test = NULL;
  compact_state(&g->c, &b);
  if(b.failed || mxm_json_parse(mxmc_buf_str(&b), b.len, state, NULL) != MXM_OK)
    rc = -1;
  mxmc_buf_free(&b);
  if(rc)
    return rc;
  if(g->seq) {
    mxmc_buf_add(&b, "{\"steps\":[");
    for(i = 0; i < g->n_ev; i++) {
      mxmc_buf_add(&b, i ? ",{\"event\":" : "{\"event\":");
      compact_event(&g->ev[i], &b);
      mxmc_buf_add(&b, "}");
    }
    mxmc_buf_add(&b, "]}");
  } else {
    mxmc_buf_add(&b, "{\"event\":");
    compact_event(&g->ev[0], &b);
    mxmc_buf_add(&b, "}");
  }
  if(b.failed || mxm_json_parse(mxmc_buf_str(&b), b.len, test, NULL) != MXM_OK) {
    mxm_json_free(state);
    rc = -1;
  }
  mxmc_buf_free(&b);
  return rc;
}

/* ---- running one case ---- */

enum run_result { RUN_AGREE = 0, RUN_DISAGREE, RUN_SKIP, RUN_OOM };

struct accept_ctx {
  const char *v;
  enum mxm_spec_release spec;
};

/* Sequences: a step joins the state when the reference allows it. */
static int accept_by_reference(void *vctx, size_t step_index, const struct mxm_json *step, struct mxmc_room *room,
                               const struct mxm_json *ev, int explicit_auth)
{
  struct accept_ctx *a = vctx;
  struct mxm_json *req = mxmc_request_new("auth", "fuzz-step", a->v, a->spec, room), *resp;
  char *fault = NULL;
  const char *verdict;
  int take;
  (void)step_index;
  (void)step;
  if(!req || mxmc_request_auth_event(req, room, mxm_json_ref(ev), NULL, explicit_auth) != MXM_OK) {
    mxm_json_free(&req);
    return -1;
  }
  resp = mxmc_backend_call(NULL, req, room, &fault);
  mxm_json_free(&req);
  free(fault);
  if(!resp)
    return -1;
  verdict = mxm_json_string(mxm_json_get(resp, "verdict"));
  take = verdict && strcmp(verdict, "allow") == 0;
  mxm_json_free(&resp);
  return take;
}

static void verdicts_clear(struct verdicts *vd)
{
  mxm_json_free(&vd->ref);
  mxm_json_free(&vd->ad);
  free(vd->why);
  memset(vd, 0, sizeof(*vd));
}

/* Compare one answer pair; fills vd on a disagreement. */
static enum run_result compare(const struct mxmc_fuzz *f, const char *v, const struct mxm_json *ref,
                               const struct mxm_json *ad, struct verdicts *vd)
{
  const char *rv = mxm_json_string(mxm_json_get(ref, "verdict"));
  const char *rr = mxm_json_string(mxm_json_get(ref, "rule"));
  struct mxm_json *exp;
  char *why = NULL;
  enum mxmc_outcome o;
  if(!rv || mxm_json_get(ref, "error"))
    return RUN_SKIP; /* the reference cannot decide: nothing to compare with */
  exp = mxm_json_new_object();
  /* The auth verdict and rule only: the transition classification is not
   * the auth layer's answer (PROTOCOL.md makes it optional). */
  if(!exp || mxm_json_object_set(exp, "auth", mxm_json_new_string(rv)) != MXM_OK ||
     (rr && mxm_json_object_set(exp, "rule", mxm_json_new_string(rr)) != MXM_OK)) {
    mxm_json_free(&exp);
    return RUN_OOM;
  }
  o = mxmc_compare_auth(exp, v, ad, f->caps->reports_rules, &why);
  mxm_json_free(&exp);
  if(o == MXMC_PASS) {
    free(why);
    return RUN_AGREE;
  }
  snprintf(vd->ref_rule, sizeof(vd->ref_rule), "%s", rr ? rr : rv);
  if(o == MXMC_ERROR) {
    snprintf(vd->ad_verdict, sizeof(vd->ad_verdict), "error");
  } else {
    const char *av = mxm_json_string(mxm_json_get(ad, "verdict"));
    snprintf(vd->ad_verdict, sizeof(vd->ad_verdict), "%s", av ? av : "?");
  }
  vd->why = why;
  vd->ref = mxm_json_copy(ref);
  vd->ad = mxm_json_copy(ad);
  return RUN_DISAGREE;
}

/* Run g against both; on RUN_DISAGREE, vd is filled (the caller clears it). */
static enum run_result run_case(struct mxmc_fuzz *f, const struct gcase *g, struct verdicts *vd)
{
  char v[8], id[64];
  enum mxm_spec_release spec;
  const struct mxm_room_version *rv;
  struct mxm_json *state = NULL, *test = NULL, *req = NULL, *ref = NULL, *ad = NULL;
  struct mxmc_room *room;
  struct mxm_error err;
  char *fault = NULL;
  enum run_result res = RUN_AGREE;

  memset(vd, 0, sizeof(*vd));
  snprintf(v, sizeof(v), "%d", g->c.room_version);
  rv = mxm_room_version_find(v);
  if(!rv || mxm_spec_parse(mxmf_spec_word(g->c.spec), &spec) != MXM_OK)
    return RUN_SKIP;
  if(compact_case(g, &state, &test))
    return RUN_OOM;
  mxm_error_clear(&err);
  room = mxmc_room_build(rv, spec, state, "/state", &err);
  if(!room) {
    f->st.expansion_errors++;
    mxm_json_free(&state);
    mxm_json_free(&test);
    return RUN_SKIP;
  }
  snprintf(id, sizeof(id), "fuzz#%llu@v%s", (unsigned long long)f->case_no, v);
  if(g->seq) {
    struct accept_ctx a = {v, spec};
    req = mxmc_request_sequence(room, mxm_json_get(test, "steps"), "/test", v, spec, id, accept_by_reference, &a, &err);
  } else {
    req = mxmc_request_auth(room, test, "/test", v, spec, id, &err);
  }
  if(!req) {
    res = err.status == MXM_OK ? RUN_OOM : RUN_SKIP;
    if(res == RUN_SKIP)
      f->st.expansion_errors++;
    goto done;
  }
  ref = mxmc_backend_call(NULL, req, room, &fault);
  free(fault);
  fault = NULL;
  if(!ref) {
    res = RUN_OOM;
    goto done;
  }
  f->st.requests++;
  ad = mxmc_backend_call(f->adapter, req, room, &fault);
  if(!ad) {
    /* a fault: the adapter was killed and restarted (mxmc_adapter_call) */
    f->st.faults++;
    snprintf(vd->ad_verdict, sizeof(vd->ad_verdict), "fault");
    snprintf(vd->ref_rule, sizeof(vd->ref_rule), "%s",
             g->seq ? "sequence" : (mxm_json_string(mxm_json_get(ref, "rule")) ? mxm_json_string(mxm_json_get(ref, "rule"))
                                                                                : "?"));
    vd->why = mxmc_printf("adapter fault: %s", fault ? fault : "unknown");
    vd->ref = ref;
    ref = NULL;
    res = RUN_DISAGREE;
    goto done;
  }
  if(!g->seq) {
    res = compare(f, v, ref, ad, vd);
  } else {
    const struct mxm_json *rs = mxm_json_get(ref, "steps"), *as = mxm_json_get(ad, "steps");
    size_t i;
    if(mxm_json_get(ref, "error")) {
      res = RUN_SKIP;
    } else if(mxm_json_get(ad, "error") || mxm_json_array_len(as) != mxm_json_array_len(rs)) {
      snprintf(vd->ref_rule, sizeof(vd->ref_rule), "sequence");
      snprintf(vd->ad_verdict, sizeof(vd->ad_verdict), "error");
      vd->why = mxm_json_get(ad, "error") ? mxmc_printf("the implementation could not run the sequence: %s",
                                                        mxm_json_string(mxm_json_get(ad, "error")) ? mxm_json_string(mxm_json_get(ad, "error")) : "?")
                                          : mxmc_printf("%zu step results for %zu steps", mxm_json_array_len(as),
                                                        mxm_json_array_len(rs));
      vd->ref = mxm_json_copy(ref);
      vd->ad = mxm_json_copy(ad);
      res = RUN_DISAGREE;
    } else {
      for(i = 0; i < mxm_json_array_len(rs) && res == RUN_AGREE; i++) {
        res = compare(f, v, mxm_json_array_get(rs, i), mxm_json_array_get(as, i), vd);
        if(res == RUN_DISAGREE)
          vd->step = (int)i;
        if(res == RUN_SKIP)
          res = RUN_AGREE; /* a step the reference cannot decide: compare the rest */
      }
    }
  }
  if(res == RUN_SKIP)
    f->st.reference_undecided++;
done:
  free(fault);
  mxm_json_free(&ref);
  mxm_json_free(&ad);
  mxm_json_free(&req);
  mxmc_room_free(&room);
  mxm_json_free(&state);
  mxm_json_free(&test);
  return res;
}

/* ---- minimising ---- */

/* Every case one simplification away from g, into out (at most cap). */
static int simpler(const struct mxmc_fuzz *f, const struct gcase *g, struct gcase *out, int cap)
{
  int n = 0, u, i, t;
#define TRY(cond, edit)                                                                                                \
  do {                                                                                                                 \
    if(n < cap && (cond)) {                                                                                            \
      struct gcase *x = &out[n];                                                                                       \
      *x = *g;                                                                                                         \
      edit;                                                                                                            \
      if(normalise(f, x) == 0 && memcmp(x, g, sizeof(*x)) != 0)                                                        \
        n++;                                                                                                           \
    }                                                                                                                  \
  } while(0)
  TRY(g->c.spec != MXMF_SPEC_CURRENT, x->c.spec = MXMF_SPEC_CURRENT);
  for(i = 0; g->seq && g->n_ev > 1 && i < g->n_ev; i++)
    TRY(1, { memmove(&x->ev[i], &x->ev[i + 1], sizeof(x->ev[0]) * (size_t)(x->n_ev - i - 1)); x->n_ev--; });
  TRY(g->seq && g->n_ev == 1 && (f->caps->layers & MXMC_LAYER_AUTH), x->seq = 0);
  TRY(!g->c.bare, x->c.bare = 1);
  for(u = MXMF_USERS - 1; u >= 0; u--)
    TRY(g->c.member[u] != MXMF_M_NONE, x->c.member[u] = MXMF_M_NONE);
  TRY(g->c.power.present, x->c.power.present = 0);
  for(i = 0; g->c.power.present && i < 4 + MXMF_USERS; i++) {
    struct gcase probe = *g;
    const struct mxmf_level *gl = level_at(&probe.c, i);
    TRY(gl->present, level_at(&x->c, i)->present = 0);
    TRY(gl->present && (gl->form != MXMF_PL_INT || gl->variant), {
      level_at(&x->c, i)->form = MXMF_PL_INT;
      level_at(&x->c, i)->variant = 0;
    });
  }
  TRY(g->c.join_rule != MXMF_JR_NO_EVENT, x->c.join_rule = MXMF_JR_NO_EVENT);
  TRY(g->c.allow_list, x->c.allow_list = 0);
  for(t = 0; t < MXMF_TOKENS; t++) {
    TRY(g->c.tokens[t].present, x->c.tokens[t].present = 0);
    TRY(g->c.tokens[t].present && g->c.tokens[t].extra_key != MXMF_KEY_NONE, x->c.tokens[t].extra_key = MXMF_KEY_NONE);
    TRY(g->c.tokens[t].present && g->c.tokens[t].urlsafe, x->c.tokens[t].urlsafe = 0);
  }
  TRY(g->c.no_federate, x->c.no_federate = 0);
  TRY(g->c.additional_creators, x->c.additional_creators = 0);
  for(u = 0; u < MXMF_USERS; u++)
    TRY(g->c.displayname[u], x->c.displayname[u] = 0);
  for(i = 0; i < g->n_ev; i++) {
    const struct mxmf_event *e = &g->ev[i];
    TRY(e->displayname, x->ev[i].displayname = 0);
    TRY(e->authoriser >= 0, { x->ev[i].authoriser = -1; x->ev[i].auth_sig = MXMF_ASIG_NONE; });
    TRY(e->authoriser >= 0 && e->auth_sig != MXMF_ASIG_NONE, x->ev[i].auth_sig = MXMF_ASIG_NONE);
    TRY(e->tpi.present, memset(&x->ev[i].tpi, 0, sizeof(x->ev[i].tpi)));
    TRY(e->tpi.present && e->tpi.corrupt, x->ev[i].tpi.corrupt = 0);
    TRY(e->tpi.present && (e->tpi.omit_signed || e->tpi.omit_mxid || e->tpi.omit_token),
        { x->ev[i].tpi.omit_signed = 0; x->ev[i].tpi.omit_mxid = 0; x->ev[i].tpi.omit_token = 0; });
    TRY(e->prev_create, x->ev[i].prev_create = 0);
    TRY(e->omit_state_key, x->ev[i].omit_state_key = 0);
  }
#undef TRY
  return n;
}

static int same_disagreement(const struct verdicts *a, const struct verdicts *b)
{
  return strcmp(a->ref_rule, b->ref_rule) == 0 && strcmp(a->ad_verdict, b->ad_verdict) == 0;
}

/* Shrink *g while it keeps disagreeing as *vd does; *vd is replaced by the
 * answers of the final case. */
static void minimise(struct mxmc_fuzz *f, struct gcase *g, struct verdicts *vd)
{
  static struct gcase next[128];
  int runs = 0, progress = 1;
  while(progress && runs < MAX_SHRINK_RUNS && !mxmc_stop_signal) {
    int n = simpler(f, g, next, (int)(sizeof(next) / sizeof(next[0]))), i;
    progress = 0;
    for(i = 0; i < n && runs < MAX_SHRINK_RUNS && !mxmc_stop_signal; i++) {
      struct verdicts w;
      enum run_result r = run_case(f, &next[i], &w);
      runs++;
      f->st.shrink_requests++;
      if(r == RUN_DISAGREE && same_disagreement(&w, vd)) {
        verdicts_clear(vd);
        *vd = w;
        *g = next[i];
        progress = 1;
        break;
      }
      if(r == RUN_DISAGREE)
        verdicts_clear(&w);
    }
  }
}

/* The room versions (bits) in which g disagrees the same way, at its spec
 * release. */
static uint32_t versions_of(struct mxmc_fuzz *f, const struct gcase *g, const struct verdicts *vd)
{
  uint32_t set = 1u << g->c.room_version;
  int v;
  for(v = 1; v <= 12 && !mxmc_stop_signal; v++) {
    struct gcase x = *g;
    struct verdicts w;
    if(v == g->c.room_version || !((f->versions >> v) & 1u) || !spec_ok(f, v, g->c.spec))
      continue;
    x.c.room_version = v;
    if(normalise(f, &x) || x.c.spec != g->c.spec)
      continue;
    if(run_case(f, &x, &w) == RUN_DISAGREE) {
      if(same_disagreement(&w, vd))
        set |= 1u << v;
      verdicts_clear(&w);
    }
    f->st.shrink_requests++;
  }
  return set;
}

/* ---- candidates ---- */

static void add_versions(struct mxmc_buf *b, uint32_t set)
{
  int v, first = 1;
  mxmc_buf_add(b, "[");
  for(v = 1; v <= 31; v++)
    if((set >> v) & 1u) {
      mxmc_buf_printf(b, "%s\"%d\"", first ? "" : ",", v);
      first = 0;
    }
  mxmc_buf_add(b, "]");
}

static void add_json(struct mxmc_buf *b, const struct mxm_json *j)
{
  char *s = j ? mxm_json_to_string(j, NULL) : NULL;
  mxmc_buf_add(b, s ? s : "null");
  free(s);
}

/* The candidate file: FORMAT.md's layout, "expected" unjudged, the answers
 * under "candidate" (FORMAT.md, "Candidate cases"). */
static int write_candidate(struct mxmc_fuzz *f, const struct candidate *cd)
{
  struct mxmc_buf b = {0};
  struct mxm_json *state = NULL, *test = NULL, *parsed = NULL;
  char tmp[4200];
  FILE *fp;
  int i, rc = 0;
  if(compact_case(&cd->g, &state, &test))
    return -1;
  mxmc_buf_add(&b, "{\"schema\":\"mxm-conformance-1\",\"suite\":");
  put_str(&b, cd->suite);
  mxmc_buf_add(&b, ",\"description\":\"A disagreement found by mxm fuzz, not yet judged. Judge expected from the "
                   "spec text (never from either answer), then move the test into a corpus file.\","
                   "\"numberOfTests\":1,\"notes\":{},\"testGroups\":[{");
  if(cd->g.seq)
    mxmc_buf_add(&b, "\"kind\":\"sequence\",");
  mxmc_buf_add(&b, "\"roomVersions\":");
  add_versions(&b, cd->versions);
  mxmc_buf_printf(&b, ",\"specReleases\":{\"from\":\"%s\",\"to\":\"%s\"},\"state\":", mxmf_spec_word(cd->g.c.spec),
                  mxmf_spec_word(cd->g.c.spec));
  add_json(&b, state);
  mxmc_buf_add(&b, ",\"tests\":[{\"tcId\":1,\"comment\":");
  {
    char *c = mxmc_printf("mxm fuzz: the reference says %s, the implementation %s", cd->ref_rule, cd->ad_verdict);
    put_str(&b, c ? c : "");
    free(c);
  }
  mxmc_buf_add(&b, ",\"flags\":[],");
  if(cd->g.seq) {
    mxmc_buf_add(&b, "\"steps\":[");
    for(i = 0; i < cd->g.n_ev; i++) {
      mxmc_buf_add(&b, i ? ",{\"event\":" : "{\"event\":");
      add_json(&b, mxm_json_get(mxm_json_array_get(mxm_json_get(test, "steps"), (size_t)i), "event"));
      mxmc_buf_add(&b, ",\"expected\":{\"auth\":\"unjudged\"}}");
    }
    mxmc_buf_add(&b, "]");
  } else {
    mxmc_buf_add(&b, "\"event\":");
    add_json(&b, mxm_json_get(test, "event"));
    mxmc_buf_add(&b, ",\"expected\":{\"auth\":\"unjudged\"}");
  }
  mxmc_buf_add(&b, ",\"spec\":\"\",\"candidate\":{\"tool\":\"mxm fuzz\",\"implementation\":");
  put_str(&b, f->caps->name ? f->caps->name : "");
  mxmc_buf_add(&b, ",\"command\":");
  put_str(&b, f->command ? f->command : "(the reference in process)");
  mxmc_buf_printf(&b, ",\"seed\":%llu,\"case\":%llu,\"occurrences\":%zu", (unsigned long long)f->seed,
                  (unsigned long long)cd->found_at, cd->occurrences);
  mxmc_buf_add(&b, ",\"difference\":");
  put_str(&b, cd->vd.why ? cd->vd.why : "");
  if(cd->g.seq)
    mxmc_buf_printf(&b, ",\"step\":%d,\"steps_built\":\"a step is part of the state the later steps are built on "
                        "when the reference allows it\"",
                    cd->vd.step + 1);
  mxmc_buf_add(&b, ",\"reference\":");
  add_json(&b, cd->vd.ref);
  mxmc_buf_add(&b, ",\"implementation_answer\":");
  add_json(&b, cd->vd.ad);
  mxmc_buf_add(&b, ",\"to_judge\":\"Read the rule the reference names in the spec for these room versions and "
                   "this spec release; set expected (auth, rule), spec (the citation) and flags (DIVERGENCE, "
                   "AMBIGUOUS, ...) from the spec text; remove this candidate object.\"}}]}]}");
  mxm_json_free(&state);
  mxm_json_free(&test);
  /* pretty, stable output: parse and print through the library's writer */
  if(b.failed || mxm_json_parse(mxmc_buf_str(&b), b.len, &parsed, NULL) != MXM_OK) {
    mxmc_buf_free(&b);
    return -1;
  }
  mxmc_buf_free(&b);
  snprintf(tmp, sizeof(tmp), "%s.tmp", cd->path);
  fp = fopen(tmp, "w");
  if(!fp) {
    fprintf(stderr, "mxm fuzz: cannot write %s: %s\n", tmp, strerror(errno));
    mxm_json_free(&parsed);
    return -1;
  }
  {
    char *s = mxm_json_to_string(parsed, NULL);
    if(!s || fputs(s, fp) == EOF || fputc('\n', fp) == EOF)
      rc = -1;
    free(s);
  }
  if(fclose(fp) != 0)
    rc = -1;
  if(rc == 0 && rename(tmp, cd->path) != 0)
    rc = -1;
  if(rc)
    fprintf(stderr, "mxm fuzz: cannot write %s\n", cd->path);
  mxm_json_free(&parsed);
  return rc;
}

static struct candidate *find_candidate(struct mxmc_fuzz *f, const struct verdicts *vd, uint32_t versions,
                                        int any_with_version)
{
  size_t i;
  for(i = 0; i < f->n_cands; i++) {
    struct candidate *c = &f->cands[i];
    if(strcmp(c->ref_rule, vd->ref_rule) != 0 || strcmp(c->ad_verdict, vd->ad_verdict) != 0)
      continue;
    if(any_with_version ? (c->versions & versions) != 0 : c->versions == versions)
      return c;
  }
  return NULL;
}

static void file_name_part(char *out, size_t cap, const char *s)
{
  size_t i;
  for(i = 0; s[i] && i + 1 < cap; i++)
    out[i] = (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ? s[i] : '_';
  out[i] = '\0';
}

static void disagreement(struct mxmc_fuzz *f, const struct gcase *g0, struct verdicts *vd)
{
  struct gcase g = *g0;
  struct candidate *c;
  uint32_t versions;
  f->st.disagreements++;
  /* seen already in this room version: a duplicate, no need to shrink */
  c = find_candidate(f, vd, 1u << g.c.room_version, 1);
  if(c) {
    c->occurrences++;
    f->st.duplicates++;
    return;
  }
  /* A fault is about the adapter process, not the case: the case that
   * caused it is the reproducer, and every rerun would cost a restart (or
   * a whole timeout). */
  if(strcmp(vd->ad_verdict, "fault") == 0) {
    versions = 1u << g.c.room_version;
  } else {
    minimise(f, &g, vd);
    versions = versions_of(f, &g, vd);
  }
  c = find_candidate(f, vd, versions, 0);
  if(c) {
    c->occurrences++;
    f->st.duplicates++;
    return;
  }
  if(f->n_cands >= MAX_CANDIDATES) {
    f->st.duplicates++;
    return;
  }
  c = &f->cands[f->n_cands++];
  memset(c, 0, sizeof(*c));
  snprintf(c->ref_rule, sizeof(c->ref_rule), "%s", vd->ref_rule);
  snprintf(c->ad_verdict, sizeof(c->ad_verdict), "%s", vd->ad_verdict);
  c->versions = versions;
  c->occurrences = 1;
  c->g = g;
  c->vd = *vd;
  memset(vd, 0, sizeof(*vd)); /* moved into the candidate */
  c->found_at = f->case_no;
  if(f->out_dir) {
    char rule[100];
    file_name_part(rule, sizeof(rule), c->ref_rule);
    snprintf(c->suite, sizeof(c->suite), "candidate_%03zu_%s_%s", f->n_cands, rule, c->ad_verdict);
    snprintf(c->path, sizeof(c->path), "%s/%s_test.json", f->out_dir, c->suite);
    if(write_candidate(f, c))
      f->write_failed = 1;
  }
}

/* ---- the public loop ---- */

struct mxmc_fuzz *mxmc_fuzz_new(struct mxmc_adapter *adapter, uint64_t seed, uint32_t room_versions,
                                const char *out_dir, const char *command)
{
  struct mxmc_fuzz *f = calloc(1, sizeof(*f));
  if(!f)
    return NULL;
  f->cands = calloc(MAX_CANDIDATES, sizeof(*f->cands));
  if(!f->cands) {
    free(f);
    return NULL;
  }
  f->adapter = adapter;
  if(adapter) {
    f->caps = mxmc_adapter_caps(adapter);
  } else {
    mxmc_ref_caps(&f->ref_caps);
    f->caps = &f->ref_caps;
  }
  f->versions = (room_versions ? room_versions : 0x1ffeu) & f->caps->room_versions & 0x1ffeu;
  if(!(f->caps->layers & (MXMC_LAYER_AUTH | MXMC_LAYER_SEQUENCE)))
    f->versions = 0;
  f->seed = seed;
  f->rng = seed;
  f->out_dir = out_dir;
  f->command = command;
  return f;
}

int mxmc_fuzz_can_run(const struct mxmc_fuzz *f) { return f->versions != 0; }

int mxmc_fuzz_step(struct mxmc_fuzz *f)
{
  struct gcase g;
  struct verdicts vd;
  enum run_result r;
  generate(f, &g);
  f->case_no++;
  if(normalise(f, &g)) {
    f->st.skipped++;
    return 0;
  }
  r = run_case(f, &g, &vd);
  switch(r) {
  case RUN_OOM: return -1;
  case RUN_SKIP: f->st.skipped++; return 0;
  case RUN_AGREE: f->st.agreed++; break;
  case RUN_DISAGREE:
    disagreement(f, &g, &vd);
    verdicts_clear(&vd);
    break;
  }
  f->st.cases++;
  if(g.seq)
    f->st.sequence++;
  else
    f->st.auth++;
  return 0;
}

void mxmc_fuzz_stats_get(const struct mxmc_fuzz *f, struct mxmc_fuzz_stats *out)
{
  *out = f->st;
  out->distinct = f->n_cands;
  out->restarts = f->adapter ? mxmc_adapter_restarts(f->adapter) : 0;
}

void mxmc_fuzz_free(struct mxmc_fuzz **fp)
{
  struct mxmc_fuzz *f = fp ? *fp : NULL;
  size_t i;
  if(!f)
    return;
  for(i = 0; i < f->n_cands; i++)
    verdicts_clear(&f->cands[i].vd);
  free(f->cands);
  mxmc_caps_clear(&f->ref_caps);
  free(f);
  *fp = NULL;
}

/* ---- `mxm fuzz` ---- */

static void usage(FILE *o)
{
  fputs("usage: mxm fuzz --adapter 'CMD' [--seconds N] [--out DIR] [--seed S]\n"
        "                [--room-versions LIST] [--max-cases N] [--timeout SECONDS]\n"
        "                [--progress | --no-progress]\n"
        "\n"
        "Differential fuzzing of an implementation against the reference. Rooms and\n"
        "membership events are generated from random bytes by the structure-aware\n"
        "decoder (fuzz/decode.c), written as compact cases (conformance/FORMAT.md) and\n"
        "expanded into full signed events exactly as `mxm conform` sends them; each\n"
        "goes to the adapter (conformance/PROTOCOL.md) as an auth or sequence request\n"
        "and its answer is compared with the reference's, as `mxm conform` compares\n"
        "an answer with a case's expected verdict (allow/reject must match, the rule\n"
        "id too when the adapter reports rule ids; where the reference says invalid,\n"
        "reject agrees).\n"
        "\n"
        "Each disagreement is shrunk while it stays the same disagreement, tried in\n"
        "the other room versions at the same spec release, and kept once per\n"
        "(reference rule id, adapter verdict, room versions). Each distinct one is\n"
        "written to DIR as a candidate case: the compact case with both answers and\n"
        "\"expected\" unjudged, so that `mxm conform` and --lint refuse it until a\n"
        "person has judged it from the spec (FORMAT.md, \"Candidate cases\"). The\n"
        "reference's answer is never written as the expected result.\n"
        "\n"
        "Options:\n"
        "  --adapter 'CMD'      the implementation (as mxm conform --adapter); a hung,\n"
        "                       crashed or garbled adapter is killed and restarted, and\n"
        "                       the fault counts as a disagreement (verdict \"fault\"),\n"
        "                       kept as it came (not shrunk: each rerun is a restart)\n"
        "  --seconds N          stop after N seconds (default 60)\n"
        "  --max-cases N        stop after N generated cases (default: no limit)\n"
        "  --out DIR            write candidate cases to DIR (created if absent);\n"
        "                       without it, disagreements are only counted\n"
        "  --seed S             seed of the generator (default: from the clock; the\n"
        "                       summary and every candidate name it)\n"
        "  --room-versions LIST only these room versions (1-12, 1-5,12, 7; default all\n"
        "                       the adapter declares)\n"
        "  --timeout SECONDS    per-request adapter timeout (default 10)\n"
        "  --progress / --no-progress\n"
        "                       progress line on stderr (default: when stderr is a terminal)\n"
        "\n"
        "Standard output gets one JSON object, the summary: cases run (auth and\n"
        "sequence requests), cases per second, skipped cases, disagreements, distinct\n"
        "ones and duplicates, adapter errors, faults and restarts, and the candidates.\n"
        "\n"
        "Exit codes:\n"
        "  0    no disagreement\n"
        "  1    disagreements found (see the summary and DIR)\n"
        "  2    usage error, or the adapter gave no valid hello\n"
        "  3    internal error (out of memory, cannot write a candidate or the summary)\n"
        "  4    nothing ran: the adapter declares no room version, layer (auth or\n"
        "       sequence) or spec release in common with the generator's\n"
        "  129, 130, 143\n"
        "       interrupted by SIGHUP, SIGINT or SIGTERM: the summary covers the cases\n"
        "       run before it and says it was interrupted\n",
        o);
}

static int parse_u64(const char *s, uint64_t *out)
{
  char *end;
  unsigned long long v;
  if(!s || !*s || *s == '-')
    return -1;
  errno = 0;
  v = strtoull(s, &end, 0);
  if(errno || *end)
    return -1;
  *out = (uint64_t)v;
  return 0;
}

static void summary(FILE *o, const struct mxmc_fuzz *f, double seconds, const char *interrupted)
{
  struct mxmc_fuzz_stats s;
  struct mxmc_buf b = {0};
  size_t i;
  mxmc_fuzz_stats_get(f, &s);
  mxmc_buf_add(&b, "{\"implementation\":");
  put_str(&b, f->caps->name ? f->caps->name : "");
  mxmc_buf_add(&b, ",\"command\":");
  put_str(&b, f->command ? f->command : "");
  mxmc_buf_printf(&b, ",\"seed\":%llu,\"seconds\":%.3f,\"cases\":%llu,\"auth\":%llu,\"sequence\":%llu,"
                      "\"cases_per_second\":%.1f,\"skipped\":%llu,\"expansion_errors\":%llu,"
                      "\"reference_undecided\":%llu,\"agreed\":%llu,\"disagreements\":%llu,\"distinct\":%zu,"
                      "\"duplicates\":%llu,\"faults\":%llu,\"restarts\":%u,\"shrink_requests\":%llu,\"room_versions\":",
                  (unsigned long long)f->seed, seconds, (unsigned long long)s.cases, (unsigned long long)s.auth,
                  (unsigned long long)s.sequence, seconds > 0 ? (double)s.cases / seconds : 0.0,
                  (unsigned long long)s.skipped, (unsigned long long)s.expansion_errors,
                  (unsigned long long)s.reference_undecided, (unsigned long long)s.agreed,
                  (unsigned long long)s.disagreements, s.distinct, (unsigned long long)s.duplicates,
                  (unsigned long long)s.faults, s.restarts, (unsigned long long)s.shrink_requests);
  add_versions(&b, f->versions);
  mxmc_buf_add(&b, ",\"interrupted\":");
  if(interrupted)
    put_str(&b, interrupted);
  else
    mxmc_buf_add(&b, "null");
  mxmc_buf_add(&b, ",\"candidates\":[");
  for(i = 0; i < f->n_cands; i++) {
    const struct candidate *c = &f->cands[i];
    mxmc_buf_add(&b, i ? ",{\"reference_rule\":" : "{\"reference_rule\":");
    put_str(&b, c->ref_rule);
    mxmc_buf_add(&b, ",\"adapter_verdict\":");
    put_str(&b, c->ad_verdict);
    mxmc_buf_add(&b, ",\"room_versions\":");
    add_versions(&b, c->versions);
    mxmc_buf_printf(&b, ",\"spec_release\":\"%s\",\"kind\":\"%s\",\"occurrences\":%zu,\"file\":",
                    mxmf_spec_word(c->g.c.spec), c->g.seq ? "sequence" : "auth", c->occurrences);
    if(c->path[0])
      put_str(&b, c->path);
    else
      mxmc_buf_add(&b, "null");
    mxmc_buf_add(&b, ",\"difference\":");
    put_str(&b, c->vd.why ? c->vd.why : "");
    mxmc_buf_add(&b, "}");
  }
  mxmc_buf_add(&b, "]}\n");
  fputs(mxmc_buf_str(&b), o);
  mxmc_buf_free(&b);
}

int mxmc_fuzz_main(int argc, char **argv)
{
  const char *adapter_cmd = NULL, *out_dir = NULL;
  double seconds = 60, timeout = 10, t0, last = 0;
  uint64_t seed = 0, max_cases = 0;
  uint32_t versions = 0;
  int seed_given = 0, progress = -1, i, rc = MXMC_EXIT_OK;
  struct mxmc_adapter *adapter;
  struct mxmc_fuzz *f;
  struct mxmc_buf err = {0};
  struct mxmc_fuzz_stats s;

  for(i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *val = i + 1 < argc ? argv[i + 1] : NULL;
    char *end;
    if(strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      usage(stdout);
      return MXMC_EXIT_OK;
    } else if(strcmp(a, "--progress") == 0 || strcmp(a, "--no-progress") == 0) {
      progress = strcmp(a, "--progress") == 0;
      continue;
    }
    if(!val) {
      fprintf(stderr, "mxm fuzz: unknown option or missing value: %s (see mxm fuzz --help)\n", a);
      return MXMC_EXIT_USAGE;
    }
    i++;
    if(strcmp(a, "--adapter") == 0) {
      adapter_cmd = val;
    } else if(strcmp(a, "--out") == 0) {
      out_dir = val;
    } else if(strcmp(a, "--seconds") == 0 || strcmp(a, "--timeout") == 0) {
      double d = strtod(val, &end);
      if(*end || end == val || !(d > 0 && d <= 86400 * 7)) {
        fprintf(stderr, "mxm fuzz: %s takes a number of seconds > 0, not \"%s\"\n", a, val);
        return MXMC_EXIT_USAGE;
      }
      *(strcmp(a, "--seconds") == 0 ? &seconds : &timeout) = d;
    } else if(strcmp(a, "--seed") == 0) {
      if(parse_u64(val, &seed)) {
        fprintf(stderr, "mxm fuzz: --seed takes an unsigned integer, not \"%s\"\n", val);
        return MXMC_EXIT_USAGE;
      }
      seed_given = 1;
    } else if(strcmp(a, "--max-cases") == 0) {
      if(parse_u64(val, &max_cases) || max_cases == 0) {
        fprintf(stderr, "mxm fuzz: --max-cases takes a positive integer, not \"%s\"\n", val);
        return MXMC_EXIT_USAGE;
      }
    } else if(strcmp(a, "--room-versions") == 0 || strcmp(a, "--room-version") == 0) {
      uint32_t set = mxmc_version_set(val);
      if(!set || (set & ~0x1ffeu)) {
        fprintf(stderr, "mxm fuzz: %s takes room versions 1-12 (\"1-5,12\", \"7\"), not \"%s\"\n", a, val);
        return MXMC_EXIT_USAGE;
      }
      versions |= set;
    } else {
      fprintf(stderr, "mxm fuzz: unknown option %s (see mxm fuzz --help)\n", a);
      return MXMC_EXIT_USAGE;
    }
  }
  if(!adapter_cmd) {
    fprintf(stderr, "mxm fuzz: --adapter 'CMD' is required (see mxm fuzz --help)\n");
    return MXMC_EXIT_USAGE;
  }
  if(!seed_given)
    seed = (uint64_t)time(NULL) * 1000003u ^ (uint64_t)getpid();
  if(out_dir && mkdir(out_dir, 0777) != 0 && errno != EEXIST) {
    fprintf(stderr, "mxm fuzz: cannot create %s: %s\n", out_dir, strerror(errno));
    return MXMC_EXIT_USAGE;
  }
  if(progress < 0)
    progress = isatty(STDERR_FILENO);
  mxmc_signals_install();
  adapter = mxmc_adapter_start(adapter_cmd, timeout, &err);
  if(!adapter) {
    fprintf(stderr, "mxm fuzz: %s\n", mxmc_stop_signal ? "interrupted" : mxmc_buf_str(&err));
    mxmc_buf_free(&err);
    return mxmc_stop_signal ? 128 + mxmc_stop_signal : MXMC_EXIT_USAGE;
  }
  mxmc_buf_free(&err);
  f = mxmc_fuzz_new(adapter, seed, versions, out_dir, adapter_cmd);
  if(!f) {
    mxmc_adapter_stop(&adapter);
    fprintf(stderr, "mxm fuzz: out of memory\n");
    return MXMC_EXIT_INTERNAL;
  }
  if(!mxmc_fuzz_can_run(f)) {
    const struct mxmc_caps *c = mxmc_adapter_caps(adapter);
    fprintf(stderr, "mxm fuzz: nothing to run: %s declares no auth or sequence layer in the room versions asked "
                    "for (it declares room versions 0x%x, layers 0x%x)\n",
            c->name ? c->name : "the adapter", (unsigned)c->room_versions, c->layers);
    summary(stdout, f, 0, NULL);
    mxmc_fuzz_free(&f);
    mxmc_adapter_stop(&adapter);
    return MXMC_EXIT_NOTHING_RAN;
  }
  t0 = mxmc_now();
  while(!mxmc_stop_signal) {
    double now = mxmc_now();
    if(now - t0 >= seconds || (max_cases && f->case_no >= max_cases))
      break;
    if(mxmc_fuzz_step(f)) {
      rc = MXMC_EXIT_INTERNAL;
      fprintf(stderr, "mxm fuzz: out of memory\n");
      break;
    }
    if(progress && now - last >= 0.5) {
      mxmc_fuzz_stats_get(f, &s);
      fprintf(stderr, "\r\033[K[%.0fs] %llu cases (%.0f/s), %llu disagreements, %zu distinct, %llu faults", now - t0,
              (unsigned long long)s.cases, now > t0 ? (double)s.cases / (now - t0) : 0.0,
              (unsigned long long)s.disagreements, s.distinct, (unsigned long long)s.faults);
      fflush(stderr);
      last = now;
    }
  }
  if(progress)
    fprintf(stderr, "\r\033[K");
  {
    double elapsed = mxmc_now() - t0;
    size_t k;
    /* occurrence counts grew during the run: rewrite the candidates */
    for(k = 0; out_dir && k < f->n_cands; k++)
      if(write_candidate(f, &f->cands[k]))
        f->write_failed = 1;
    summary(stdout, f, elapsed, mxmc_stop_signal ? (mxmc_signal_name(mxmc_stop_signal) ? mxmc_signal_name(mxmc_stop_signal) : "a signal") : NULL);
    if(fflush(stdout) != 0)
      rc = MXMC_EXIT_INTERNAL;
    mxmc_fuzz_stats_get(f, &s);
    fprintf(stderr, "mxm fuzz: %llu cases in %.1f s (%.0f/s), %llu disagreements, %zu distinct%s%s\n",
            (unsigned long long)s.cases, elapsed, elapsed > 0 ? (double)s.cases / elapsed : 0.0,
            (unsigned long long)s.disagreements, s.distinct, s.distinct && out_dir ? " written to " : "",
            s.distinct && out_dir ? out_dir : "");
    if(rc == MXMC_EXIT_OK && f->write_failed)
      rc = MXMC_EXIT_INTERNAL;
    if(rc == MXMC_EXIT_OK && s.distinct)
      rc = MXMC_EXIT_FAIL;
    if(rc == MXMC_EXIT_OK && s.cases == 0)
      rc = MXMC_EXIT_NOTHING_RAN;
    if(mxmc_stop_signal)
      rc = 128 + mxmc_stop_signal;
  }
  mxmc_fuzz_free(&f);
  mxmc_adapter_stop(&adapter);
  return rc;
}
