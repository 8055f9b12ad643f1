/*
 * xfail.c: an implementation's expected failures (its known, cited
 * deviations), so the shared cases stay untouched (style.md 23). Format in
 * conformance/expected-failures/README.md. A listed case that fails is
 * XFAIL; a listed case that passes is XPASS and fails the run, so stale
 * entries get removed.
 */
#include <stdlib.h>
#include <string.h>

#include "conform.h"

static int bad(const char *path, const char *ptr, const char *msg)
{
  fprintf(stderr, "mxm conform: %s: %s: %s\n", path, ptr, msg);
  return -1;
}

int mxmc_xfail_load(const char *path, struct mxmc_xfail *xf)
{
  struct mxmc_file *f = mxmc_file_load(path);
  const struct mxm_json *entries;
  const char *schema;
  size_t i;
  memset(xf, 0, sizeof(*xf));
  if(!f) {
    fprintf(stderr, "mxm conform: out of memory\n");
    return -1;
  }
  if(!f->root) {
    fprintf(stderr, "mxm conform: %s: %s\n", path, f->load_error ? f->load_error : "cannot load");
    mxmc_file_free(&f);
    return -1;
  }
  schema = mxm_json_string(mxm_json_get(f->root, "schema"));
  if(!schema || strcmp(schema, "mxm-expected-failures-1") != 0) {
    mxmc_file_free(&f);
    return bad(path, "/schema", "must be \"mxm-expected-failures-1\"");
  }
  entries = mxm_json_get(f->root, "entries");
  if(mxm_json_type(entries) != MXM_JSON_ARRAY) {
    mxmc_file_free(&f);
    return bad(path, "/entries", "must be an array");
  }
  xf->entries = calloc(mxm_json_array_len(entries) + 1, sizeof(*xf->entries));
  if(!xf->entries) {
    mxmc_file_free(&f);
    return bad(path, "", "out of memory");
  }
  for(i = 0; i < mxm_json_array_len(entries); i++) {
    const struct mxm_json *e = mxm_json_array_get(entries, i);
    const char *file = mxm_json_string(mxm_json_get(e, "file"));
    const char *reason = mxm_json_string(mxm_json_get(e, "reason"));
    const struct mxm_json *versions = mxm_json_get(e, "roomVersions");
    struct mxmc_xfail_entry *x = &xf->entries[xf->n];
    char ptr[64];
    size_t k;
    snprintf(ptr, sizeof(ptr), "/entries/%zu", i);
    if(mxm_json_type(e) != MXM_JSON_OBJECT || !file || !reason || !reason[0] ||
       !mxm_json_int(mxm_json_get(e, "tcId"), &x->tc_id) ||
       (versions && mxm_json_type(versions) != MXM_JSON_ARRAY)) {
      mxmc_file_free(&f);
      mxmc_xfail_free(xf);
      return bad(path, ptr,
                 "an entry needs \"file\" (string), \"tcId\" (integer), a non-empty \"reason\", and optionally "
                 "\"roomVersions\" (array of strings)");
    }
    for(k = 0; k < mxm_json_array_len(versions); k++) {
      const char *v = mxm_json_string(mxm_json_array_get(versions, k));
      const struct mxm_room_version *rv = v ? mxm_room_version_find(v) : NULL;
      if(!rv) {
        mxmc_file_free(&f);
        mxmc_xfail_free(xf);
        return bad(path, ptr, "unknown room version in roomVersions");
      }
      x->versions |= (uint32_t)1 << rv->number;
    }
    x->file = mxmc_strdup(file);
    x->reason = mxmc_strdup(reason);
    xf->n++;
    /* an entry for a case (and room versions) an earlier one already
     * covers is never used: say so, instead of calling it "not run" later */
    for(k = 0; x->file && k + 1 < xf->n; k++) {
      const struct mxmc_xfail_entry *o = &xf->entries[k];
      if(o->tc_id != x->tc_id || strcmp(o->file, x->file) != 0)
        continue;
      if(o->versions && x->versions && !(o->versions & x->versions))
        continue; /* other room versions of the same case */
      x->duplicate_of = k + 1;
      fprintf(stderr, "mxm conform: %s: %s: duplicate entry: /entries/%zu already lists %s:%lld%s; this one is never used\n",
              path, ptr, k, file, (long long)x->tc_id,
              o->versions && x->versions && o->versions != x->versions ? " for some of the same room versions" : "");
      break;
    }
    if(!x->file || !x->reason) {
      mxmc_file_free(&f);
      mxmc_xfail_free(xf);
      return bad(path, ptr, "out of memory");
    }
  }
  mxmc_file_free(&f);
  return 0;
}

struct mxmc_xfail_entry *mxmc_xfail_find(struct mxmc_xfail *xf, const char *file, int64_t tc_id,
                                         const char *room_version)
{
  size_t i;
  const struct mxm_room_version *rv = room_version && room_version[0] ? mxm_room_version_find(room_version) : NULL;
  for(i = 0; i < xf->n; i++) {
    struct mxmc_xfail_entry *e = &xf->entries[i];
    if(e->tc_id != tc_id || strcmp(e->file, file) != 0)
      continue;
    if(e->versions && (!rv || !(e->versions & ((uint32_t)1 << rv->number))))
      continue;
    return e;
  }
  return NULL;
}

void mxmc_xfail_free(struct mxmc_xfail *xf)
{
  size_t i;
  for(i = 0; i < xf->n; i++) {
    free(xf->entries[i].file);
    free(xf->entries[i].reason);
  }
  free(xf->entries);
  xf->entries = NULL;
  xf->n = 0;
}
