/*
 * bench_auth.c: sections "decide" (typed decisions on a warm state) and
 * "verdict" (JSON bytes to verdict) of mxm-bench.
 *
 * Both use one fixture: for every room version 1-12, three rooms (join rule
 * public, knock, restricted) with `fill` joined members, and ten member
 * events per version (mxmb_kind: join, invite, leave, kick, ban, unban,
 * knock, restricted join, and two rejects). Before timing, every event is
 * checked to decide the way the bench expects; a mismatch is a warning,
 * because the bench would then time another path than it says.
 *
 * decide: mxm_auth_decide (rule engine, facts precomputed) and
 *   mxm_auth_check (facts + rules), against a floor of two member-map
 *   lookups (sender, state_key) per event: the least any decision must do.
 * verdict: mxm_event_parse + mxm_auth_check from the bytes, against
 *   json-c's strict tokenizer alone on the same bytes (parse + free, no
 *   pre-scan: json-c's parse-only throughput), with the library's strict
 *   parse (mxm_json_parse) and its former path (pre-scan + json-c) against
 *   the same floor.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "json_int.h"

struct item {
  const struct mxm_room_version *rv;
  const struct mxm_state *st; /* borrowed from the fixture rooms */
  enum mxmb_kind kind;
  char *bytes; /* owned (free) */
  size_t len;
  struct mxm_event *ev; /* owned */
  struct mxm_auth_facts facts;
  int signed_check; /* mxm_auth_check verifies an Ed25519 signature for it */
};

struct fixture {
  struct mxmb_room rooms[12][MXMB_ROOM_KIND_COUNT];
  size_t n_versions;
  struct item items[12 * MXMB_KIND_COUNT];
  size_t n_items;
  struct mxm_auth_options opt;
};

static enum mxm_verdict expected_verdict(const struct mxm_room_version *rv, enum mxmb_kind k)
{
  switch(k) {
  case MXMB_KNOCK:
    return rv->knock ? MXM_ALLOW : MXM_REJECT;
  case MXMB_RESTRICTED:
    return rv->restricted ? MXM_ALLOW : MXM_REJECT;
  case MXMB_BANNED_JOIN:
  case MXMB_WEAK_KICK:
    return MXM_REJECT;
  default:
    return MXM_ALLOW;
  }
}

static void fixture_free(struct fixture *f)
{
  size_t i, k;
  for(i = 0; i < f->n_items; i++) {
    free(f->items[i].bytes);
    mxm_event_free(&f->items[i].ev);
  }
  for(i = 0; i < f->n_versions; i++)
    for(k = 0; k < MXMB_ROOM_KIND_COUNT; k++)
      mxmb_room_free(&f->rooms[i][k]);
  free(f);
}

static struct fixture *fixture_new(size_t fill)
{
  struct fixture *f = calloc(1, sizeof(*f));
  size_t nv, v, k;
  const struct mxm_room_version *versions = mxm_room_versions(&nv);
  struct mxm_error err;
  if(!f)
    return NULL;
  mxm_auth_options_init(&f->opt);
  if(nv > 12)
    nv = 12;
  for(v = 0; v < nv; v++) {
    const struct mxm_room_version *rv = &versions[v];
    for(k = 0; k < MXMB_ROOM_KIND_COUNT; k++) {
      if(mxmb_room_build(rv, (enum mxmb_room_kind)k, fill, NULL, &f->rooms[v][k], &err) != MXM_OK) {
        mxmb_warn("fixture room v%s kind %zu: %s at %s: %s", rv->id, k, mxm_status_name(err.status), err.where,
                  err.message);
        fixture_free(f);
        return NULL;
      }
      f->n_versions = v + 1;
    }
    for(k = 0; k < MXMB_KIND_COUNT; k++) {
      struct item *it = &f->items[f->n_items];
      const struct mxmb_room *room = &f->rooms[v][MXMB_ROOM_PUBLIC];
      const char *sender = NULL, *target = NULL, *membership = NULL, *authoriser = NULL;
      char m1[40], m2[40], m3[40], m4[40];
      struct mxm_result res;
      enum mxm_status s;
      mxmb_member_name(1, m1, sizeof(m1));
      mxmb_member_name(2, m2, sizeof(m2));
      mxmb_member_name(3, m3, sizeof(m3));
      mxmb_member_name(4, m4, sizeof(m4));
      switch((enum mxmb_kind)k) {
      case MXMB_JOIN:
        sender = target = "@out1:" MXMB_SERVER, membership = "join";
        break;
      case MXMB_INVITE:
        sender = MXMB_ADMIN, target = "@out2:" MXMB_SERVER, membership = "invite";
        break;
      case MXMB_LEAVE:
        sender = target = m1, membership = "leave";
        break;
      case MXMB_KICK:
        sender = MXMB_MOD, target = m2, membership = "leave";
        break;
      case MXMB_BAN:
        sender = MXMB_ADMIN, target = m3, membership = "ban";
        break;
      case MXMB_UNBAN:
        sender = MXMB_ADMIN, target = MXMB_BANNED, membership = "leave";
        break;
      case MXMB_KNOCK:
        room = &f->rooms[v][MXMB_ROOM_KNOCK];
        sender = target = "@out3:" MXMB_SERVER, membership = "knock";
        break;
      case MXMB_RESTRICTED:
        room = &f->rooms[v][MXMB_ROOM_RESTRICTED];
        sender = target = "@out4:" MXMB_SERVER, membership = "join", authoriser = MXMB_ADMIN;
        break;
      case MXMB_BANNED_JOIN:
        sender = target = MXMB_BANNED, membership = "join";
        break;
      case MXMB_WEAK_KICK:
        sender = m4, target = MXMB_MOD, membership = "leave";
        break;
      case MXMB_KIND_COUNT:
        break;
      }
      it->rv = rv;
      it->st = room->st;
      it->kind = (enum mxmb_kind)k;
      if(mxmb_member_pdu(room, sender, target, membership, authoriser, 100 + (int64_t)k, &it->bytes, &it->len,
                         &err) != MXM_OK ||
         mxm_event_parse(it->bytes, it->len, rv, &it->ev, &err) != MXM_OK ||
         mxm_auth_facts_compute(it->st, it->ev, &it->facts, &err) != MXM_OK) {
        mxmb_warn("fixture event v%s %s: %s at %s: %s", rv->id, mxmb_kind_name(it->kind), mxm_status_name(err.status),
                  err.where, err.message);
        free(it->bytes);
        mxm_event_free(&it->ev);
        fixture_free(f);
        return NULL;
      }
      f->n_items++;
      it->signed_check = it->facts.authoriser_signature != MXM_SIG_NOT_NEEDED ||
                         it->facts.tpi_signature != MXM_SIG_NOT_NEEDED;
      s = mxm_auth_check(it->st, it->ev, &f->opt, &res, &err);
      if(s != MXM_OK)
        mxmb_warn("fixture v%s %s cannot be decided: %s at %s: %s", rv->id, mxmb_kind_name(it->kind),
                  mxm_status_name(err.status), err.where, err.message);
      else if(res.verdict != expected_verdict(rv, it->kind))
        mxmb_warn("fixture v%s %s: %s by %s, the bench expects %s", rv->id, mxmb_kind_name(it->kind),
                  mxm_verdict_name(res.verdict), res.rule_id, mxm_verdict_name(expected_verdict(rv, it->kind)));
    }
  }
  return f;
}

/* ------------------------------------------------------------------ */
/* Timed loops. ctx is a struct view: a fixture and a subset of items. */

struct view {
  struct fixture *f;
  const struct mxm_auth_options *opt; /* f->opt unless a variant is timed */
  size_t idx[12 * MXMB_KIND_COUNT];
  size_t n;
};

static uint64_t run_lookup2(void *ctx, size_t n)
{
  struct view *w = ctx;
  uint64_t acc = 0;
  size_t i, j = 0;
  for(i = 0; i < n; i++) {
    const struct item *it = &w->f->items[w->idx[j]];
    acc += (uint64_t)mxm_state_membership(it->st, it->ev->sender);
    acc += (uint64_t)mxm_state_membership(it->st, it->ev->state_key);
    if(++j == w->n)
      j = 0;
  }
  return acc;
}

static uint64_t run_decide(void *ctx, size_t n)
{
  struct view *w = ctx;
  uint64_t acc = 0;
  size_t i, j = 0;
  struct mxm_result res;
  for(i = 0; i < n; i++) {
    const struct item *it = &w->f->items[w->idx[j]];
    if(mxm_auth_decide(it->st, it->ev, &it->facts, w->opt, &res, NULL) == MXM_OK)
      acc += (uint64_t)res.verdict + (uint64_t)(uintptr_t)res.rule_id;
    if(++j == w->n)
      j = 0;
  }
  return acc;
}

/* The same loop under another name, so a profiler can tell the diagnostic
 * variant (auth_events rules off) from the real figure. */
static uint64_t run_decide_variant(void *ctx, size_t n) { return run_decide(ctx, n) + 1; }

static uint64_t run_check(void *ctx, size_t n)
{
  struct view *w = ctx;
  uint64_t acc = 0;
  size_t i, j = 0;
  struct mxm_result res;
  for(i = 0; i < n; i++) {
    const struct item *it = &w->f->items[w->idx[j]];
    if(mxm_auth_check(it->st, it->ev, &w->f->opt, &res, NULL) == MXM_OK)
      acc += (uint64_t)res.verdict + (uint64_t)(uintptr_t)res.rule_id;
    if(++j == w->n)
      j = 0;
  }
  return acc;
}

static uint64_t run_json_parse(void *ctx, size_t n)
{
  struct view *w = ctx;
  uint64_t acc = 0;
  size_t i, j = 0;
  for(i = 0; i < n; i++) {
    const struct item *it = &w->f->items[w->idx[j]];
    struct mxm_json *json = NULL;
    if(mxm_json_parse(it->bytes, it->len, &json, NULL) == MXM_OK)
      acc += mxm_json_object_len(json);
    mxm_json_free(&json);
    if(++j == w->n)
      j = 0;
  }
  return acc;
}

static uint64_t run_event_parse(void *ctx, size_t n)
{
  struct view *w = ctx;
  uint64_t acc = 0;
  size_t i, j = 0;
  for(i = 0; i < n; i++) {
    const struct item *it = &w->f->items[w->idx[j]];
    struct mxm_event *ev = NULL;
    if(mxm_event_parse(it->bytes, it->len, it->rv, &ev, NULL) == MXM_OK)
      acc += (uint64_t)ev->kind;
    mxm_event_free(&ev);
    if(++j == w->n)
      j = 0;
  }
  return acc;
}

static uint64_t run_full(void *ctx, size_t n)
{
  struct view *w = ctx;
  uint64_t acc = 0;
  size_t i, j = 0;
  struct mxm_result res;
  for(i = 0; i < n; i++) {
    const struct item *it = &w->f->items[w->idx[j]];
    struct mxm_event *ev = NULL;
    if(mxm_event_parse(it->bytes, it->len, it->rv, &ev, NULL) == MXM_OK &&
       mxm_auth_check(it->st, ev, &w->f->opt, &res, NULL) == MXM_OK)
      acc += (uint64_t)res.verdict;
    mxm_event_free(&ev);
    if(++j == w->n)
      j = 0;
  }
  return acc;
}

/* The floor: json-c's strict tokenizer alone on the same bytes (through
 * json_in.c, the only file that may call json-c). */
static uint64_t run_jsonc(void *ctx, size_t n)
{
  struct view *w = ctx;
  uint64_t acc = 0;
  size_t i, j = 0;
  for(i = 0; i < n; i++) {
    const struct item *it = &w->f->items[w->idx[j]];
    struct mxm_json *json = NULL;
    if(mxmi_json_parse_jsonc(it->bytes, it->len, &json) == MXM_OK)
      acc += mxm_json_object_len(json);
    mxm_json_free(&json);
    if(++j == w->n)
      j = 0;
  }
  return acc;
}

/* The strict parse as it was before the single-pass parser: the byte
 * pre-scan, then json-c (mxm_json_parse's fallback for what it gives up on). */
static uint64_t run_json_slow(void *ctx, size_t n)
{
  struct view *w = ctx;
  uint64_t acc = 0;
  size_t i, j = 0;
  for(i = 0; i < n; i++) {
    const struct item *it = &w->f->items[w->idx[j]];
    struct mxm_json *json = NULL;
    if(mxmi_json_parse_slow(it->bytes, it->len, &json, NULL, NULL) == MXM_OK)
      acc += mxm_json_object_len(json);
    mxm_json_free(&json);
    if(++j == w->n)
      j = 0;
  }
  return acc;
}

/* Subsets of the fixture; KIND_0 + k: only the events of mxmb_kind k. */
enum subset { ALL, UNSIGNED, SIGNED, KIND_0 };

static void view_init(struct view *w, struct fixture *f, int sub)
{
  size_t i;
  memset(w, 0, sizeof(*w));
  w->f = f;
  w->opt = &f->opt;
  for(i = 0; i < f->n_items; i++) {
    if(sub == UNSIGNED && f->items[i].signed_check)
      continue;
    if(sub == SIGNED && !f->items[i].signed_check)
      continue;
    if(sub >= KIND_0 && (int)f->items[i].kind != sub - KIND_0)
      continue;
    w->idx[w->n++] = i;
  }
}

static size_t fixture_fill(const struct mxmb_opts *opts) { return opts->quick ? 8 : 1000; }

static double mean_len(const struct view *w)
{
  size_t i, sum = 0;
  for(i = 0; i < w->n; i++)
    sum += w->f->items[w->idx[i]].len;
  return w->n ? (double)sum / (double)w->n : 0;
}

static void set_ratio(struct mxmb_row *row, const char *baseline, double ratio, const char *sense)
{
  snprintf(row->baseline, sizeof(row->baseline), "%s", baseline);
  row->ratio = ratio;
  snprintf(row->ratio_sense, sizeof(row->ratio_sense), "%s", sense);
}

int mxmb_section_decide(const struct mxmb_opts *opts)
{
  struct fixture *f = fixture_new(fixture_fill(opts));
  struct view all, uns, sig;
  struct mxmb_stats s, b;
  struct mxmb_row *row;
  if(!f)
    return 1;
  view_init(&all, f, ALL);
  view_init(&uns, f, UNSIGNED);
  view_init(&sig, f, SIGNED);

  mxmb_measure_pair(opts, run_decide, &all, run_lookup2, &all, &s, &b);
  row = mxmb_row_timed("decide", "lookup2 (floor)", &b);
  snprintf(row->note, sizeof(row->note), "2 x mxm_state_membership (sender, state_key) per event, same events");
  row = mxmb_row_timed("decide", "auth_decide mix", &s);
  set_ratio(row, "lookup2 (floor)", s.median / b.median, "x floor time");
  snprintf(row->note, sizeof(row->note), "%zu events: v1-v12 x 10 kinds, %zu members each room; facts precomputed",
           all.n, fixture_fill(opts) + 3);

  {
    /* Where the decision time goes: the same events with the auth_events
     * rules switched off (they resolve every listed ID in the state's
     * event index). Not a supported mode, a diagnostic. */
    struct view no_ae = all;
    struct mxm_auth_options opt = f->opt;
    struct mxmb_stats s2, b2;
    opt.check_auth_events = 0;
    no_ae.opt = &opt;
    mxmb_measure_pair(opts, run_decide_variant, &no_ae, run_decide, &all, &s2, &b2);
    row = mxmb_row_timed("decide", "auth_decide, no auth_events", &s2);
    set_ratio(row, "auth_decide mix", s2.median / b2.median, "x decide time");
    snprintf(row->note, sizeof(row->note), "diagnostic: check_auth_events = 0; the difference is the auth_events rules");
  }

  mxmb_measure_pair(opts, run_check, &all, run_decide, &all, &s, &b);
  row = mxmb_row_timed("decide", "auth_check mix", &s);
  set_ratio(row, "auth_decide mix", s.median / b.median, "x decide time");
  snprintf(row->note, sizeof(row->note), "includes %zu restricted joins (v8-v12) whose rule 4.2 needs an Ed25519 verify",
           sig.n);

  mxmb_measure_pair(opts, run_check, &uns, run_decide, &uns, &s, &b);
  row = mxmb_row_timed("decide", "auth_check unsigned", &s);
  set_ratio(row, "decide (same events)", s.median / b.median, "x decide time");
  snprintf(row->note, sizeof(row->note), "the %zu events that need no signature check", uns.n);

  if(sig.n) {
    mxmb_measure_pair(opts, run_check, &sig, run_decide, &sig, &s, &b);
    row = mxmb_row_timed("decide", "auth_check restricted", &s);
    set_ratio(row, "decide (same events)", s.median / b.median, "x decide time");
    snprintf(row->note, sizeof(row->note), "restricted joins v8-v12: one Ed25519 verify of the redacted event each");
  }

  /* Per kind: mxm_auth_decide over the 12 room versions' events of one kind. */
  {
    int k;
    for(k = 0; k < MXMB_KIND_COUNT; k++) {
      struct view kv;
      char name[48];
      view_init(&kv, f, KIND_0 + k);
      if(!kv.n)
        continue;
      mxmb_measure_pair(opts, run_decide, &kv, run_lookup2, &kv, &s, &b);
      snprintf(name, sizeof(name), "decide: %s", mxmb_kind_name((enum mxmb_kind)k));
      row = mxmb_row_timed("decide", name, &s);
      set_ratio(row, "lookup2 (same events)", s.median / b.median, "x floor time");
    }
  }
  fixture_free(f);
  return 0;
}

/* A verdict row: subject s against the json-c floor b, by events/s. */
static struct mxmb_row *against_jsonc(const struct mxmb_stats *s, const struct mxmb_stats *b, const char *name,
                                      const char *baseline, int target, const char *note)
{
  struct mxmb_row *row = mxmb_row_timed("verdict", name, s);
  set_ratio(row, baseline, b->median / s->median, "x floor events/s");
  if(target) {
    snprintf(row->target, sizeof(row->target), ">= 0.8");
    row->target_met = b->median / s->median >= 0.8;
  }
  snprintf(row->note, sizeof(row->note), "%s", note);
  return row;
}

int mxmb_section_verdict(const struct mxmb_opts *opts)
{
  struct fixture *f = fixture_new(fixture_fill(opts));
  struct view all, uns;
  struct mxmb_stats s, b, late, early;
  struct mxmb_row *row;
  int rc = 0;
  if(!f)
    return 1;
  view_init(&all, f, ALL);
  view_init(&uns, f, UNSIGNED);

  mxmb_measure_pair(opts, run_full, &all, run_jsonc, &all, &s, &b);
  row = mxmb_row_timed("verdict", "json-c parse (floor)", &b);
  snprintf(row->note, sizeof(row->note), "json-c's strict tokenizer + json_object_put of the same bytes (mean %.0f B), "
           "no pre-scan", mean_len(&all));
  against_jsonc(&s, &b, "bytes->verdict mix", "json-c parse (floor)", 1,
                "mxm_event_parse + mxm_auth_check + mxm_event_free, v1-v12 x 10 kinds");
  mxmb_measure_pair(opts, run_full, &uns, run_jsonc, &uns, &s, &b);
  against_jsonc(&s, &b, "bytes->verdict unsigned", "json-c parse (same bytes)", 1,
                "without the restricted joins that need an Ed25519 verify");
  mxmb_measure_pair(opts, run_event_parse, &all, run_jsonc, &all, &s, &b);
  against_jsonc(&s, &b, "event_parse only", "json-c parse (floor)", 0,
                "mxm_event_parse + free: JSON, strict walk, canonical size check, typed fields");
  mxmb_measure_pair(opts, run_json_parse, &all, run_jsonc, &all, &late, &b);
  against_jsonc(&late, &b, "mxm_json_parse", "json-c parse (floor)", 0,
                "the library's strict parse (single pass; falls back to pre-scan + json-c)");
  mxmb_measure_pair(opts, run_json_slow, &all, run_jsonc, &all, &early, &b);
  row = against_jsonc(&early, &b, "pre-scan + json-c", "json-c parse (floor)", 0, "");
  snprintf(row->note, sizeof(row->note), "the strict parse before the single-pass parser (now its fallback): "
           "%.2f x mxm_json_parse time", early.median / late.median);
  fixture_free(f);
  return rc;
}
