/*
 * test_expand_once.c: the expander signs and hashes each distinct event
 * once per run, and its memory (signcache.c, the room cache of expand.c)
 * changes nothing it builds.
 *
 * For corpus files with every kind of expansion (plain groups, restricted
 * joins signed by other servers, third-party invites, sequences whose
 * accepted steps extend the state, foreign auth events), every case is
 * expanded in every room version it lists, as the runner would:
 *   - with the library's trace hook on (ref/src/sign_int.h): no Ed25519
 *     signature is made twice over the same bytes with the same key, and no
 *     SHA-256 is computed twice over the same bytes, in the whole run;
 *   - the same again with the memory forgotten before every case (as if
 *     each case were a run of its own): every expanded event is the same,
 *     byte for byte.
 */
#include <stdlib.h>
#include <string.h>

#include "conform.h"
#include "sign_int.h"
#include "tap.h"

/* ---- trace: every operation's bytes, to find repeats ---- */

struct seen {
  unsigned char op;
  unsigned char *bytes;
  size_t len;
};
struct trace {
  struct seen *v;
  size_t n, cap;
  size_t sign_repeats, sha_repeats, signs, shas;
};

static void on_op(enum mxmi_crypto_op op, const unsigned char *data, size_t len, const unsigned char *extra,
                  size_t extra_len, void *ctx)
{
  struct trace *t = ctx;
  size_t i, total = len + extra_len;
  if(op == MXMI_OP_VERIFY)
    return;
  if(op == MXMI_OP_SIGN)
    t->signs++;
  else
    t->shas++;
  for(i = 0; i < t->n; i++)
    if(t->v[i].op == (unsigned char)op && t->v[i].len == total && memcmp(t->v[i].bytes, data, len) == 0 &&
       (!extra_len || memcmp(t->v[i].bytes + len, extra, extra_len) == 0)) {
      if(op == MXMI_OP_SIGN)
        t->sign_repeats++;
      else
        t->sha_repeats++;
      return;
    }
  if(t->n == t->cap) {
    t->cap = t->cap ? t->cap * 2 : 1024;
    t->v = realloc(t->v, t->cap * sizeof(*t->v));
    if(!t->v)
      exit(3);
  }
  t->v[t->n].op = (unsigned char)op;
  t->v[t->n].len = total;
  t->v[t->n].bytes = malloc(total ? total : 1);
  if(!t->v[t->n].bytes)
    exit(3);
  memcpy(t->v[t->n].bytes, data, len);
  if(extra_len)
    memcpy(t->v[t->n].bytes + len, extra, extra_len);
  t->n++;
}

static void trace_free(struct trace *t)
{
  size_t i;
  for(i = 0; i < t->n; i++)
    free(t->v[i].bytes);
  free(t->v);
  memset(t, 0, sizeof(*t));
}

/* ---- expansion as the runner does it ---- */

/* Append the serialised state and every expanded event to out. */
static void add_json(struct mxmc_buf *out, const struct mxm_json *j)
{
  char *s = mxm_json_to_string(j, NULL);
  mxmc_buf_add(out, s ? s : "(null)");
  mxmc_buf_add(out, "\n");
  free(s);
}

static void expand_case(const struct mxm_json *group, const struct mxm_json *test, const char *v,
                        struct mxmc_buf *out, size_t *errors)
{
  const struct mxm_room_version *rv = mxm_room_version_find(v);
  const char *kind = mxm_json_string(mxm_json_get(group, "kind"));
  struct mxm_error err;
  struct mxmc_room *room;
  size_t i;
  if(!rv)
    return;
  mxm_error_clear(&err);
  room = mxmc_room_build(rv, MXM_SPEC_CURRENT, mxm_json_get(group, "state"), "/state", &err);
  if(!room) {
    mxmc_buf_printf(out, "build error %s\n", err.message);
    (*errors)++;
    return;
  }
  add_json(out, mxmc_room_state(room));
  if(kind && strcmp(kind, "sequence") == 0) {
    const struct mxm_json *steps = mxm_json_get(test, "steps");
    for(i = 0; i < mxm_json_array_len(steps); i++) {
      const struct mxm_json *step = mxm_json_array_get(steps, i);
      const char *want = mxm_json_string(mxm_json_get(mxm_json_get(step, "expected"), "auth"));
      struct mxm_json *ev = NULL;
      char *text = NULL;
      int explicit_auth = 0;
      if(mxmc_room_expand_event(room, step, "", &ev, &text, &explicit_auth, &err) == MXM_OK) {
        if(ev)
          add_json(out, ev);
        if(ev && want && strcmp(want, "allow") == 0 && mxmc_room_accept(room, ev, &err) != MXM_OK)
          (*errors)++;
      } else {
        (*errors)++;
      }
      mxm_json_free(&ev);
      free(text);
    }
  } else if(!kind || strcmp(kind, "auth") == 0) {
    struct mxm_json *ev = NULL;
    char *text = NULL;
    int explicit_auth = 0;
    if(mxmc_room_expand_event(room, test, "", &ev, &text, &explicit_auth, &err) == MXM_OK) {
      if(ev)
        add_json(out, ev);
      if(mxmc_room_other_events(room))
        add_json(out, mxmc_room_other_events(room));
    } else {
      mxmc_buf_printf(out, "expand error %s\n", err.message);
    }
    mxm_json_free(&ev);
    free(text);
  }
  add_json(out, mxmc_room_server_keys(room));
  mxmc_room_free(&room);
}

/* Expand every case of the files; forget the run's memory before every
 * case when `cold`. */
static void expand_files(struct mxmc_file **files, size_t n_files, int cold, struct mxmc_buf *out, size_t *cases,
                         size_t *errors)
{
  size_t f, g, t, k;
  mxmc_expand_reset();
  for(f = 0; f < n_files; f++) {
    const struct mxm_json *groups = mxm_json_get(files[f]->root, "testGroups");
    for(g = 0; g < mxm_json_array_len(groups); g++) {
      const struct mxm_json *group = mxm_json_array_get(groups, g);
      const struct mxm_json *tests = mxm_json_get(group, "tests");
      for(t = 0; t < mxm_json_array_len(tests); t++) {
        const struct mxm_json *test = mxm_json_array_get(tests, t);
        const struct mxm_json *versions = mxm_json_get(test, "roomVersions");
        if(!versions)
          versions = mxm_json_get(group, "roomVersions");
        for(k = 0; k < mxm_json_array_len(versions); k++) {
          if(cold)
            mxmc_expand_reset();
          expand_case(group, test, mxm_json_string(mxm_json_array_get(versions, k)), out, errors);
          (*cases)++;
        }
      }
    }
  }
}

int main(void)
{
  static const char *const names[] = {"../cases/member_join_test.json", "../cases/restricted_join_test.json",
                                      "../cases/third_party_invite_test.json", "../cases/sequences_test.json",
                                      "../cases/room_structure_test.json"};
  struct mxmc_file *files[sizeof(names) / sizeof(names[0])];
  size_t n = 0, i, cases = 0, cold_cases = 0, errors = 0, cold_errors = 0;
  struct mxmc_buf warm = {0}, cold = {0};
  struct mxmc_expand_stats st;
  struct trace tr;
  mxm_json_deterministic();
  for(i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
    files[n] = mxmc_file_load(names[i]);
    if(tap_check(files[n] && files[n]->root, "case file loads", "%s", names[i]))
      n++;
    else
      mxmc_file_free(&files[n]);
  }
  memset(&tr, 0, sizeof(tr));
  mxmi_crypto_trace_set(on_op, &tr);
  expand_files(files, n, 0, &warm, &cases, &errors);
  mxmi_crypto_trace_set(NULL, NULL);
  mxmc_expand_stats_get(&st);
  tap_check(cases > 1000, "a run's worth of cases expanded", "%zu", cases);
  tap_int_eq("no expansion failed that should not", 0, (int64_t)errors);
  tap_int_eq("no signature made twice over the same bytes with the same key", 0, (int64_t)tr.sign_repeats);
  tap_int_eq("no SHA-256 computed twice over the same bytes", 0, (int64_t)tr.sha_repeats);
  tap_int_eq("the memory counts the signatures the hook saw", (int64_t)tr.signs, (int64_t)st.signatures);
  tap_check(st.sign_hits > 0 && st.room_hits > 0, "the memory was used", "%zu signature hits, %zu room hits",
            st.sign_hits, st.room_hits);
  tap_check(st.rooms_built < cases, "fewer rooms expanded than cases", "%zu rooms for %zu cases", st.rooms_built,
            cases);
  tap_check(st.keys_derived < 100, "each key derived once", "%zu derived", st.keys_derived);
  trace_free(&tr);

  expand_files(files, n, 1, &cold, &cold_cases, &cold_errors);
  tap_int_eq("cold: the same cases", (int64_t)cases, (int64_t)cold_cases);
  tap_check(warm.len == cold.len && memcmp(mxmc_buf_str(&warm), mxmc_buf_str(&cold), warm.len) == 0,
            "every expanded event is the same with and without the run's memory", "%zu vs %zu bytes", warm.len,
            cold.len);
  mxmc_expand_reset();
  mxmc_buf_free(&warm);
  mxmc_buf_free(&cold);
  for(i = 0; i < n; i++)
    mxmc_file_free(&files[i]);
  return tap_done();
}
