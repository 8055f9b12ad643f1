/*
 * lint_situation.c: the same-situation check of `mxm conform --lint`.
 *
 * Two auth cases describe the same situation when they have the same room
 * state (the group's compact `state`), the same event (`event`, `rawEvent` or
 * `rawEventText`, compared as canonical JSON, so key order and spacing do not
 * matter), the same room version, and spec-release ranges that overlap (the
 * range of each is its test's or group's `specReleases`, cut to the releases in
 * which the room version exists). Expansion into full events is deterministic
 * (FORMAT.md), so equal compact forms are equal requests. Such cases must expect
 * the same thing: the same `auth` verdict, the same rule for that room version
 * when both name one, and the same `transition` classification when both give
 * one. Any difference is a finding on the later case, naming the earlier one:
 *
 *   b_test.json:7: same situation as a_test.json#3 (room versions 7,8; spec
 *   releases v1.4..v1.19): expects auth "allow" where a_test.json#3 expects
 *   "reject" (at /testGroups/0/tests/6)
 *
 * Cases that differ only by spelling out a default (a compact field that the
 * expander would fill in the same way) are not recognised as the same
 * situation; sequence and API cases are not compared (a sequence is a story,
 * not one situation; an API case's situation includes the call).
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "conform.h"

struct sit_entry {
  unsigned char key[crypto_hash_sha256_BYTES]; /* hash of state + event */
  unsigned version;                            /* room version number */
  enum mxm_spec_release from, to;              /* inclusive */
  size_t test;                                 /* index into tests */
};

struct sit_test {
  char *file;   /* owned */
  int64_t tc_id;
  char *ptr;    /* owned: JSON pointer of the test */
  char *auth;   /* owned: expected.auth */
  const struct mxm_json *expected; /* borrowed from root (kept alive below) */
  struct mxm_json *root;           /* a reference on the file's root */
};

struct mxmc_situations {
  struct sit_entry *e;
  size_t n, cap;
  struct sit_test *t;
  size_t nt, capt;
  int failed; /* out of memory: the check is incomplete */
};

struct mxmc_situations *mxmc_situations_new(void)
{
  if(sodium_init() < 0)
    return NULL;
  return calloc(1, sizeof(struct mxmc_situations));
}

void mxmc_situations_free(struct mxmc_situations **sp)
{
  struct mxmc_situations *s = sp ? *sp : NULL;
  size_t i;
  if(!s)
    return;
  for(i = 0; i < s->nt; i++) {
    free(s->t[i].file);
    free(s->t[i].ptr);
    free(s->t[i].auth);
    mxm_json_free(&s->t[i].root);
  }
  free(s->t);
  free(s->e);
  free(s);
  *sp = NULL;
}

/* Canonical text of j (lax mode: compact cases may hold floats), or NULL. */
static char *canon(const struct mxm_json *j)
{
  char *out = NULL;
  struct mxm_error err;
  mxm_error_clear(&err);
  if(!j)
    return mxmc_strdup("null");
  if(mxm_canonical_encode(j, MXM_CANON_LAX, &out, NULL, &err) != MXM_OK)
    return NULL;
  return out;
}

/* The release range of a test for room version v, or -1 when it is empty. */
static int range_for(const struct mxm_json *group, const struct mxm_json *test, const char *v,
                     enum mxm_spec_release *from, enum mxm_spec_release *to)
{
  const struct mxm_json *range = mxm_json_get(test, "specReleases");
  const char *fs, *ts;
  enum mxm_spec_release first = mxmc_version_first_release(v);
  if(!range)
    range = mxm_json_get(group, "specReleases");
  *from = MXM_SPEC_R0;
  *to = MXM_SPEC_CURRENT;
  fs = mxm_json_string(mxm_json_get(range, "from"));
  ts = mxm_json_string(mxm_json_get(range, "to"));
  if(fs && mxm_spec_parse(fs, from) != MXM_OK)
    return -1; /* the schema lint reports it */
  if(ts && mxm_spec_parse(ts, to) != MXM_OK)
    return -1;
  if(first > *from)
    *from = first;
  return *from <= *to ? 0 : -1;
}

static int add_entry(struct mxmc_situations *s, const unsigned char *key, unsigned version,
                     enum mxm_spec_release from, enum mxm_spec_release to, size_t test)
{
  if(s->n == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 256;
    struct sit_entry *e = realloc(s->e, cap * sizeof(*e));
    if(!e)
      return -1;
    s->e = e;
    s->cap = cap;
  }
  memcpy(s->e[s->n].key, key, sizeof(s->e[s->n].key));
  s->e[s->n].version = version;
  s->e[s->n].from = from;
  s->e[s->n].to = to;
  s->e[s->n].test = test;
  s->n++;
  return 0;
}

static int add_test(struct mxmc_situations *s, const struct mxmc_file *f, int64_t tc_id, const char *ptr,
                    const struct mxm_json *expected)
{
  struct sit_test *t;
  if(s->nt == s->capt) {
    size_t cap = s->capt ? s->capt * 2 : 128;
    struct sit_test *n = realloc(s->t, cap * sizeof(*n));
    if(!n)
      return -1;
    s->t = n;
    s->capt = cap;
  }
  t = &s->t[s->nt];
  memset(t, 0, sizeof(*t));
  t->file = mxmc_strdup(f->name);
  t->ptr = mxmc_strdup(ptr);
  t->auth = mxmc_strdup(mxm_json_string(mxm_json_get(expected, "auth")));
  t->tc_id = tc_id;
  t->expected = expected;
  t->root = mxm_json_ref(f->root);
  s->nt++;
  return t->file && t->ptr ? 0 : -1;
}

/* The event of a test as "kind:canonical", or NULL if it has none we can read. */
static char *event_text(const struct mxm_json *t)
{
  const struct mxm_json *ev;
  char *c, *out;
  if((ev = mxm_json_get(t, "event")) != NULL || (ev = mxm_json_get(t, "rawEvent")) != NULL) {
    c = canon(ev);
    out = c ? mxmc_printf("%s:%s", mxm_json_get(t, "event") ? "event" : "raw", c) : NULL;
    free(c);
    return out;
  }
  ev = mxm_json_get(t, "rawEventText");
  if(ev && mxm_json_string(ev))
    return mxmc_printf("text:%s", mxm_json_string(ev));
  return NULL;
}

void mxmc_situations_add_file(struct mxmc_situations *s, const struct mxmc_file *f)
{
  const struct mxm_json *groups = mxm_json_get(f ? f->root : NULL, "testGroups");
  size_t gi, ti;
  if(!s || !groups || mxm_json_type(groups) != MXM_JSON_ARRAY)
    return;
  for(gi = 0; gi < mxm_json_array_len(groups); gi++) {
    const struct mxm_json *g = mxm_json_array_get(groups, gi);
    const char *kind = mxm_json_string(mxm_json_get(g, "kind"));
    const struct mxm_json *tests = mxm_json_get(g, "tests");
    char *state;
    if(kind && strcmp(kind, "auth") != 0)
      continue;
    if(!(state = canon(mxm_json_get(g, "state"))))
      continue; /* malformed: the schema lint reports it */
    for(ti = 0; ti < mxm_json_array_len(tests); ti++) {
      const struct mxm_json *t = mxm_json_array_get(tests, ti);
      const struct mxm_json *exp = mxm_json_get(t, "expected");
      const struct mxm_json *rvs = mxm_json_get(t, "roomVersions");
      char *ev = event_text(t), *ptr;
      unsigned char key[crypto_hash_sha256_BYTES];
      crypto_hash_sha256_state h;
      int64_t id;
      size_t vi, test;
      if(!ev || mxm_json_type(exp) != MXM_JSON_OBJECT || !mxm_json_int(mxm_json_get(t, "tcId"), &id)) {
        free(ev);
        continue;
      }
      crypto_hash_sha256_init(&h);
      crypto_hash_sha256_update(&h, (const unsigned char *)state, strlen(state) + 1);
      crypto_hash_sha256_update(&h, (const unsigned char *)ev, strlen(ev));
      crypto_hash_sha256_final(&h, key);
      free(ev);
      ptr = mxmc_printf("/testGroups/%zu/tests/%zu", gi, ti);
      test = s->nt;
      if(!ptr || add_test(s, f, id, ptr, exp)) {
        free(ptr);
        s->failed = 1;
        break;
      }
      free(ptr);
      if(!rvs)
        rvs = mxm_json_get(g, "roomVersions");
      for(vi = 0; vi < mxm_json_array_len(rvs); vi++) {
        const char *v = mxm_json_string(mxm_json_array_get(rvs, vi));
        const struct mxm_room_version *rv = v ? mxm_room_version_find(v) : NULL;
        enum mxm_spec_release from, to;
        if(!rv || range_for(g, t, v, &from, &to))
          continue;
        if(add_entry(s, key, rv->number, from, to, test))
          s->failed = 1;
      }
    }
    free(state);
  }
}

static int entry_cmp(const void *a, const void *b)
{
  const struct sit_entry *x = a, *y = b;
  int c = memcmp(x->key, y->key, sizeof(x->key));
  if(c)
    return c;
  if(x->version != y->version)
    return x->version < y->version ? -1 : 1;
  return x->test < y->test ? -1 : x->test > y->test ? 1 : 0;
}

/* The rule a test expects in room version v ("" when it names none). */
static const char *rule_for(const struct sit_test *t, unsigned v)
{
  const char *r = mxm_json_string(mxm_json_get(t->expected, "rule"));
  const struct mxm_json *rules = mxm_json_get(t->expected, "rules");
  char key[16];
  if(r)
    return r;
  snprintf(key, sizeof(key), "%u", v);
  r = mxm_json_string(mxm_json_get(rules, key));
  return r ? r : "";
}

/* What differs between two expectations in room version v (owned text), or NULL. */
static char *difference(const struct sit_test *a, const struct sit_test *b, unsigned v)
{
  const char *ra, *rb;
  const struct mxm_json *ta, *tb;
  const char *aa = a->auth ? a->auth : "(none)", *ab = b->auth ? b->auth : "(none)";
  if(strcmp(aa, ab) != 0)
    return mxmc_printf("expects auth \"%s\" where %s#%lld expects \"%s\"", ab, a->file, (long long)a->tc_id, aa);
  ra = rule_for(a, v);
  rb = rule_for(b, v);
  if(*ra && *rb && strcmp(ra, rb) != 0)
    return mxmc_printf("expects rule %s where %s#%lld expects %s", rb, a->file, (long long)a->tc_id, ra);
  ta = mxm_json_get(a->expected, "transition");
  tb = mxm_json_get(b->expected, "transition");
  if(ta && tb) {
    char *ca = canon(ta), *cb = canon(tb), *out = NULL;
    if(ca && cb && strcmp(ca, cb) != 0)
      out = mxmc_printf("expects transition %s where %s#%lld expects %s", cb, a->file, (long long)a->tc_id, ca);
    free(ca);
    free(cb);
    return out;
  }
  return NULL;
}

struct sit_pair {
  size_t a, b; /* tests, a < b */
  uint32_t versions;
  enum mxm_spec_release from, to; /* overlap, in the first version seen */
  char *why;                       /* owned */
};

/* Findings in file order: by the later case, then the earlier one. */
static int pair_cmp(const void *a, const void *b)
{
  const struct sit_pair *x = a, *y = b;
  if(x->b != y->b)
    return x->b < y->b ? -1 : 1;
  return x->a < y->a ? -1 : x->a > y->a ? 1 : 0;
}

size_t mxmc_situations_report(struct mxmc_situations *s, struct mxmc_lint *l)
{
  struct sit_pair *pairs = NULL;
  size_t np = 0, capp = 0, i, j, k, before = l->findings;
  if(!s)
    return 0;
  if(s->failed) {
    mxmc_lint_finding(l, "same-situation", -1, NULL, "out of memory: the same-situation check is incomplete");
    return l->findings - before;
  }
  if(s->n)
    qsort(s->e, s->n, sizeof(*s->e), entry_cmp);
  for(i = 0; i < s->n; i = j) {
    for(j = i + 1; j < s->n && memcmp(s->e[j].key, s->e[i].key, sizeof(s->e[i].key)) == 0 &&
                   s->e[j].version == s->e[i].version;
        j++)
      ;
    for(k = i; k < j; k++) {
      size_t m;
      for(m = k + 1; m < j; m++) {
        const struct sit_entry *x = &s->e[k], *y = &s->e[m];
        enum mxm_spec_release from = x->from > y->from ? x->from : y->from;
        enum mxm_spec_release to = x->to < y->to ? x->to : y->to;
        char *why;
        size_t p;
        if(x->test == y->test || from > to)
          continue;
        why = difference(&s->t[x->test], &s->t[y->test], x->version);
        if(!why)
          continue;
        for(p = 0; p < np; p++)
          if(pairs[p].a == x->test && pairs[p].b == y->test && strcmp(pairs[p].why, why) == 0)
            break;
        if(p < np) {
          pairs[p].versions |= (uint32_t)1 << x->version;
          free(why);
          continue;
        }
        if(np == capp) {
          size_t cap = capp ? capp * 2 : 16;
          struct sit_pair *n = realloc(pairs, cap * sizeof(*n));
          if(!n) {
            free(why);
            mxmc_lint_finding(l, "same-situation", -1, NULL, "out of memory");
            goto done;
          }
          pairs = n;
          capp = cap;
        }
        pairs[np].a = x->test;
        pairs[np].b = y->test;
        pairs[np].versions = (uint32_t)1 << x->version;
        pairs[np].from = from;
        pairs[np].to = to;
        pairs[np].why = why;
        np++;
      }
    }
  }
  if(np)
    qsort(pairs, np, sizeof(*pairs), pair_cmp);
  for(i = 0; i < np; i++) {
    const struct sit_test *a = &s->t[pairs[i].a], *b = &s->t[pairs[i].b];
    struct mxmc_buf vs = {0};
    unsigned v;
    for(v = 0; v < 32; v++)
      if(pairs[i].versions & ((uint32_t)1 << v))
        mxmc_buf_printf(&vs, "%s%u", vs.len ? "," : "", v);
    mxmc_lint_finding(l, b->file, b->tc_id, b->ptr,
                      "same situation as %s#%lld (room version(s) %s; spec releases %s..%s): %s", a->file,
                      (long long)a->tc_id, mxmc_buf_str(&vs), mxm_spec_name(pairs[i].from),
                      mxm_spec_name(pairs[i].to), pairs[i].why);
    mxmc_buf_free(&vs);
  }
done:
  for(i = 0; i < np; i++)
    free(pairs[i].why);
  free(pairs);
  return l->findings - before;
}
