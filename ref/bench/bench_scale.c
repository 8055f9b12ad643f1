/*
 * bench_scale.c: section "scale" of mxm-bench: rooms of 1k, 100k and 1M
 * members (quick: 100 and 1k).
 *
 * Each size runs in a child process (fork), so that its peak RSS is its own
 * and memory freed by an earlier size cannot be reused unseen. The child
 *   1. creates an mxm_room (room version 10) with the create, power levels,
 *      join rules (public), admin, moderator and a banned user;
 *   2. reads VmRSS, resets VmHWM, adds N joined members with mxm_state_put
 *      (mxmb_room_fill), reads VmRSS and VmHWM again: bytes per member,
 *      with and without the string bytes, plus the same by struct layout
 *      (ref/src/state_int.h: table capacities times slot sizes);
 *   3. replays a stream of signed member PDUs through mxm_event_parse +
 *      mxm_room_apply: for K members spread over the room, six events each
 *      (leave, invited, join, banned, unbanned, join again), phase by phase,
 *      so the stream is a cycle and the state is the same after each pass.
 *      Baseline: mxm_json_parse + free of the same stream bytes.
 */
#define _GNU_SOURCE /* fork, pipe */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef __GLIBC__
#include <malloc.h> /* malloc_trim */
#endif

#include "bench.h"
#include "state_int.h"

#define SCALE_VERSION "10"
#define PHASES 6

struct scale_result {
  int ok;
  char error[256];
  size_t members;        /* N filler members added */
  double build_seconds;
  size_t rss_before, rss_after, hwm_after_build;
  size_t rss_before_replay, rss_after_replay; /* around the timed replay (stream built) */
  size_t user_id_bytes;  /* sum of strlen + 1 of the N user IDs */
  size_t event_id_bytes; /* sum of strlen + 1 of the N event IDs */
  size_t layout_bytes;   /* state tables + arena in use, by layout */
  size_t layout_bytes_before;
  size_t stream_len, distinct;
  size_t not_accepted;   /* events of the stream that were not accepted */
  struct mxmb_stats replay, parse;
};

struct stream {
  char **bytes;
  size_t *len;
  size_t n, cursor, parse_cursor;
  struct mxm_room *room;
  const struct mxm_room_version *rv;
  size_t not_accepted;
};

static uint64_t run_replay(void *ctx, size_t n)
{
  struct stream *s = ctx;
  uint64_t acc = 0;
  size_t i;
  for(i = 0; i < n; i++) {
    struct mxm_event *ev = NULL;
    struct mxm_apply_result ar;
    size_t k = s->cursor;
    if(++s->cursor == s->n)
      s->cursor = 0;
    if(mxm_event_parse(s->bytes[k], s->len[k], s->rv, &ev, NULL) != MXM_OK) {
      s->not_accepted++;
      continue;
    }
    if(mxm_room_apply(s->room, ev, &ar, NULL) != MXM_OK || !ar.accepted)
      s->not_accepted++;
    else
      acc += (uint64_t)ar.to;
  }
  return acc;
}

static uint64_t run_stream_parse(void *ctx, size_t n)
{
  struct stream *s = ctx;
  uint64_t acc = 0;
  size_t i;
  for(i = 0; i < n; i++) {
    struct mxm_json *json = NULL;
    size_t k = s->parse_cursor;
    if(++s->parse_cursor == s->n)
      s->parse_cursor = 0;
    if(mxm_json_parse(s->bytes[k], s->len[k], &json, NULL) == MXM_OK)
      acc += mxm_json_object_len(json);
    mxm_json_free(&json);
  }
  return acc;
}

static size_t layout_bytes(const struct mxm_state *st)
{
  return st->members_cap * sizeof(struct mxmi_member) + st->intern_cap * sizeof(mxmi_str) +
         st->refs_cap * sizeof(struct mxmi_event_ref) + st->events_cap * sizeof(struct mxmi_event_slot) +
         st->arena_len;
}

/* The stream: for member j of K (spread over the room), phase p. */
static enum mxm_status stream_build(const struct mxmb_room *r, size_t members, size_t k, struct stream *s,
                                    struct mxm_error *err)
{
  size_t p, j, spacing = members / k ? members / k : 1;
  s->n = 0;
  s->bytes = calloc(k * PHASES, sizeof(*s->bytes));
  s->len = calloc(k * PHASES, sizeof(*s->len));
  if(!s->bytes || !s->len)
    return mxm_error_set(err, MXM_E_NOMEM, "", "out of memory (stream)");
  for(p = 0; p < PHASES; p++) {
    for(j = 0; j < k; j++) {
      char name[40];
      const char *sender = name, *membership = "join";
      enum mxm_status st;
      mxmb_member_name(j * spacing, name, sizeof(name));
      switch(p) {
      case 0:
        membership = "leave";
        break;
      case 1:
        sender = MXMB_ADMIN, membership = "invite";
        break;
      case 2:
        membership = "join";
        break;
      case 3:
        sender = MXMB_ADMIN, membership = "ban";
        break;
      case 4:
        sender = MXMB_ADMIN, membership = "leave";
        break;
      default:
        membership = "join";
        break;
      }
      st = mxmb_member_pdu(r, sender, name, membership, NULL, (int64_t)(1000 + s->n), &s->bytes[s->n], &s->len[s->n],
                           err);
      if(st != MXM_OK)
        return st;
      s->n++;
    }
  }
  return MXM_OK;
}

static void stream_free(struct stream *s)
{
  size_t i;
  for(i = 0; s->bytes && i < s->n; i++)
    free(s->bytes[i]);
  free(s->bytes);
  free(s->len);
}

static void scale_child(const struct mxmb_opts *opts, size_t members, size_t distinct, struct scale_result *res)
{
  const struct mxm_room_version *rv = mxm_room_version_find(SCALE_VERSION);
  struct mxm_room *room = NULL;
  struct mxmb_room r;
  struct stream s;
  struct mxm_error err;
  const struct mxm_state *st;
  uint64_t t0;
  size_t i;

  memset(&s, 0, sizeof(s));
  memset(&r, 0, sizeof(r));
  mxm_error_clear(&err);
  if(mxm_room_new(rv, NULL, &room) != MXM_OK) {
    snprintf(res->error, sizeof(res->error), "mxm_room_new failed");
    return;
  }
  if(mxmb_room_build(rv, MXMB_ROOM_PUBLIC, 0, mxm_room_state_mut(room), &r, &err) != MXM_OK)
    goto fail;
  st = mxm_room_state(room);
  res->layout_bytes_before = layout_bytes(st);
#ifdef __GLIBC__
  /* The child inherits the parent's heap, with the chunks earlier sections
   * freed; give them back so that the build's RSS growth is its own. */
  malloc_trim(0);
#endif
  res->rss_before = mxmb_rss_bytes();
  if(!mxmb_hwm_reset())
    mxmb_warn("scale: cannot reset VmHWM (/proc/self/clear_refs); peak includes the process before the build");
  t0 = mxmb_now_ns();
  if(mxmb_room_fill(&r, 0, members, &err) != MXM_OK)
    goto fail;
  res->build_seconds = (double)(mxmb_now_ns() - t0) / 1e9;
  res->rss_after = mxmb_rss_bytes();
  res->hwm_after_build = mxmb_hwm_bytes();
  res->layout_bytes = layout_bytes(st);
  res->members = members;
  for(i = 0; i < members; i++) {
    char name[40];
    const char *id;
    mxmb_member_name(i, name, sizeof(name));
    res->user_id_bytes += strlen(name) + 1;
    id = mxm_state_member_event_id(st, name);
    res->event_id_bytes += id ? strlen(id) + 1 : 0;
  }

  if(stream_build(&r, members, distinct, &s, &err) != MXM_OK)
    goto fail;
  s.room = room;
  s.rv = rv;
  res->stream_len = s.n;
  res->rss_before_replay = mxmb_rss_bytes();
  res->distinct = distinct;
  mxmb_measure_pair(opts, run_replay, &s, run_stream_parse, &s, &res->replay, &res->parse);
  res->not_accepted = s.not_accepted;
  res->rss_after_replay = mxmb_rss_bytes();
  res->ok = 1;
  stream_free(&s);
  mxm_room_free(&room);
  return;
fail:
  snprintf(res->error, sizeof(res->error), "%.40s at %.60s: %.140s", mxm_status_name(err.status), err.where, err.message);
  stream_free(&s);
  mxm_room_free(&room);
}

static int run_size(const struct mxmb_opts *opts, size_t members, size_t distinct, struct scale_result *res)
{
  int fds[2];
  pid_t pid;
  ssize_t got = 0;
  memset(res, 0, sizeof(*res));
  if(pipe(fds) != 0)
    return -1;
  fflush(NULL);
  pid = fork();
  if(pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return -1;
  }
  if(pid == 0) {
    struct scale_result r;
    const char *p = (const char *)&r;
    size_t left = sizeof(r);
    close(fds[0]);
    memset(&r, 0, sizeof(r));
    scale_child(opts, members, distinct, &r);
    while(left) {
      ssize_t w = write(fds[1], p, left);
      if(w <= 0 && errno != EINTR)
        break;
      if(w > 0) {
        p += w;
        left -= (size_t)w;
      }
    }
    close(fds[1]);
    _exit(0);
  }
  close(fds[1]);
  while((size_t)got < sizeof(*res)) {
    ssize_t n = read(fds[0], (char *)res + got, sizeof(*res) - (size_t)got);
    if(n < 0 && errno == EINTR)
      continue;
    if(n <= 0)
      break;
    got += n;
  }
  close(fds[0]);
  waitpid(pid, NULL, 0);
  return (size_t)got == sizeof(*res) ? 0 : -1;
}

int mxmb_section_scale(const struct mxmb_opts *opts)
{
  static const size_t full[] = {1000, 100000, 1000000};
  static const size_t quick[] = {100, 1000};
  size_t given[8];
  const size_t *sizes = opts->quick ? quick : full;
  size_t n_sizes = opts->quick ? 2 : 3, i;
  double first_ns = 0;
  int rc = 0;

  if(opts->sizes) {
    const char *p = opts->sizes;
    n_sizes = 0;
    while(*p && n_sizes < sizeof(given) / sizeof(given[0])) {
      char *end;
      unsigned long long v = strtoull(p, &end, 10);
      if(end == p || v < 1 || v > 100000000ULL || (*end && *end != ',')) {
        mxmb_warn("scale: --sizes takes member counts 1..100000000 separated by commas, not \"%s\"", opts->sizes);
        return 1;
      }
      given[n_sizes++] = (size_t)v;
      p = *end ? end + 1 : end;
    }
    sizes = given;
  }
  mxmb_note("scale: room version %s; members added with mxm_state_put from compact client-form events "
            "(44-byte event IDs, not hashed); replay = signed PDUs through mxm_event_parse + mxm_room_apply "
            "(the state computes each accepted event's reference-hash ID)", SCALE_VERSION);
  for(i = 0; i < n_sizes; i++) {
    struct scale_result res;
    size_t n = sizes[i], distinct = opts->quick ? 10 : 2000;
    char name[48];
    struct mxmb_row *row;
    double strings, per;
    if(distinct > n)
      distinct = n;
    if(opts->verbose)
      fprintf(stderr, "mxm-bench: scale %zu members ...\n", n);
    if(run_size(opts, n, distinct, &res) != 0 || !res.ok) {
      mxmb_warn("scale %zu members: %s", n, res.error[0] ? res.error : "child process failed");
      rc = 1;
      continue;
    }
    if(res.not_accepted)
      mxmb_warn("scale %zu members: %zu stream events were not accepted; the replay measured rejections too", n,
                res.not_accepted);

    snprintf(name, sizeof(name), "replay %zu members", n);
    row = mxmb_row_timed("scale", name, &res.replay);
    if(first_ns == 0)
      first_ns = res.replay.median;
    snprintf(row->baseline, sizeof(row->baseline), "json_parse (same stream)");
    row->ratio = res.parse.median / res.replay.median;
    snprintf(row->ratio_sense, sizeof(row->ratio_sense), "x floor events/s");
    snprintf(row->note, sizeof(row->note),
             "%zu events over %zu members; json_parse floor %.0f ns; %.2fx the ns/event of the %zu-member room",
             res.stream_len, res.distinct, res.parse.median, res.replay.median / first_ns, sizes[0]);

    per = (double)(res.rss_after - res.rss_before) / (double)n;
    strings = (double)(res.user_id_bytes + res.event_id_bytes) / (double)n;
    snprintf(name, sizeof(name), "RSS %zu members", n);
    row = mxmb_row_add("scale", name, "B/member");
    row->st.median = per;
    snprintf(row->note, sizeof(row->note),
             "VmRSS delta; without user-ID bytes %.1f, without all ID strings (%.1f B) %.1f; build %.2f s", 
             per - (double)res.user_id_bytes / (double)n, strings, per - strings, res.build_seconds);
    /* Below ~100k members the RSS delta is mostly allocator and page
     * granularity (heap growth steps, the parse temporaries' freed chunks);
     * the layout row is exact at every size. */
    if(n >= 100000) {
      snprintf(row->target, sizeof(row->target), "< 128 beyond strings");
      row->target_met = per - strings < 128;
    }

    snprintf(name, sizeof(name), "peak RSS %zu members", n);
    row = mxmb_row_add("scale", name, "B/member");
    row->st.median = (double)(res.hwm_after_build - res.rss_before) / (double)n;
    snprintf(row->note, sizeof(row->note),
             "VmHWM delta during the build (old + new table while one doubles); replay: +%.1f (every replayed event's ID is indexed)",
             ((double)res.rss_after_replay - (double)res.rss_before_replay) / (double)n);

    snprintf(name, sizeof(name), "layout %zu members", n);
    row = mxmb_row_add("scale", name, "B/member");
    row->st.median = (double)(res.layout_bytes - res.layout_bytes_before) / (double)n;
    snprintf(row->note, sizeof(row->note), "table capacities x slot sizes + arena bytes (state_int.h); "
             "without strings %.1f",
             row->st.median - strings);
    snprintf(row->target, sizeof(row->target), "< 128 beyond strings");
    row->target_met = row->st.median - strings < 128;
  }
  return rc;
}
