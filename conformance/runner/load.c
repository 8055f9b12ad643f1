/*
 * load.c: reading case files and collecting them from directories. A file
 * that cannot be read or parsed becomes a file object with a load error (the
 * byte offset comes from the JSON layer), never a crash and never the end of
 * the run: the caller reports it and goes on with the other files.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "conform.h"

/* Read at most MXMC_MAX_FILE_BYTES of path. 0 on success; -1 and *why. */
static int read_all(const char *path, char **data_out, size_t *len_out, char **why)
{
  FILE *f = fopen(path, "rb");
  char *data = NULL;
  size_t cap = 0, len = 0;
  if(!f) {
    *why = mxmc_printf("cannot open: %s", strerror(errno));
    return -1;
  }
  for(;;) {
    size_t got;
    if(cap - len < 4096) {
      size_t ncap = cap ? cap * 2 : 65536;
      char *nd;
      if(ncap > MXMC_MAX_FILE_BYTES + 1)
        ncap = MXMC_MAX_FILE_BYTES + 1;
      if(ncap <= len + 1) {
        *why = mxmc_printf("larger than the %zu-byte limit for a case file", MXMC_MAX_FILE_BYTES);
        goto fail;
      }
      nd = realloc(data, ncap);
      if(!nd) {
        *why = mxmc_strdup("out of memory");
        goto fail;
      }
      data = nd;
      cap = ncap;
    }
    got = fread(data + len, 1, cap - len - 1, f);
    len += got;
    if(got == 0) {
      if(ferror(f)) {
        *why = mxmc_printf("read error: %s", strerror(errno));
        goto fail;
      }
      break;
    }
  }
  fclose(f);
  data[len] = '\0';
  *data_out = data;
  *len_out = len;
  return 0;
fail:
  fclose(f);
  free(data);
  return -1;
}

struct mxmc_file *mxmc_file_load(const char *path)
{
  struct mxmc_file *f = calloc(1, sizeof(*f));
  char *data = NULL;
  size_t len = 0;
  struct mxm_error err;
  if(!f)
    return NULL;
  f->path = mxmc_strdup(path);
  if(!f->path) {
    free(f);
    return NULL;
  }
  f->name = mxmc_basename(f->path);
  if(read_all(path, &data, &len, &f->load_error)) {
    if(!f->load_error)
      f->load_error = mxmc_strdup("cannot read");
    return f;
  }
  f->size = len;
  mxm_error_clear(&err);
  if(len == 0) {
    f->load_error = mxmc_strdup("empty file (truncated?)");
  } else if(mxm_json_parse(data, len, &f->root, &err) != MXM_OK) {
    /* the JSON layer's message names the byte offset */
    f->load_error = mxmc_printf("not valid JSON (%s): %s%s%s", mxm_status_name(err.status), err.message,
                                err.where[0] ? " at " : "", err.where);
    f->root = NULL;
  } else if(mxm_json_type(f->root) != MXM_JSON_OBJECT) {
    f->load_error = mxmc_printf("the top level is %s, not an object", mxm_json_type_name(mxm_json_type(f->root)));
    mxm_json_free(&f->root);
  }
  free(data);
  return f;
}

void mxmc_file_free(struct mxmc_file **fp)
{
  struct mxmc_file *f;
  if(!fp || !*fp)
    return;
  f = *fp;
  mxm_json_free(&f->root);
  free(f->load_error);
  free(f->path);
  free(f);
  *fp = NULL;
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int push_path(char ***list, size_t *n, char *s)
{
  char **nl;
  if(!s)
    return -1;
  nl = realloc(*list, (*n + 1) * sizeof(**list));
  if(!nl) {
    free(s);
    return -1;
  }
  *list = nl;
  (*list)[(*n)++] = s;
  return 0;
}

static int ends_with(const char *s, const char *suffix)
{
  size_t a = strlen(s), b = strlen(suffix);
  return a >= b && strcmp(s + a - b, suffix) == 0;
}

int mxmc_collect_paths(const char *path, char ***list, size_t *n)
{
  struct stat sb;
  DIR *d;
  struct dirent *de;
  size_t start = *n;
  if(stat(path, &sb) != 0) {
    fprintf(stderr, "mxm conform: %s: %s\n", path, strerror(errno));
    return -1;
  }
  if(!S_ISDIR(sb.st_mode))
    return push_path(list, n, mxmc_strdup(path));
  d = opendir(path);
  if(!d) {
    fprintf(stderr, "mxm conform: %s: %s\n", path, strerror(errno));
    return -1;
  }
  while((de = readdir(d)) != NULL) {
    if(de->d_name[0] == '.' || !ends_with(de->d_name, "_test.json"))
      continue;
    if(push_path(list, n, mxmc_printf("%s%s%s", path, ends_with(path, "/") ? "" : "/", de->d_name))) {
      closedir(d);
      fprintf(stderr, "mxm conform: out of memory\n");
      return -1;
    }
  }
  closedir(d);
  qsort(*list + start, *n - start, sizeof(**list), cmp_str);
  return 0;
}
