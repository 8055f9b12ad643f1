/*
 * lint_cite.c: the citation grammar of a case's `links` and `spec`
 * (conformance/FORMAT.md "links"). A link starts with a source a reader can
 * open:
 *   matrix-spec [@vX.Y[...]] content/|data/|assets/...   a spec file (+ rule)
 *   matrix-doc @TAG PATH                                  a pre-v1.1 spec file
 *   matrix-org/REPO#N, MSCN                               an issue, PR, proposal
 *   IMPL VERSION PATH FUNCTION                            an implementation's code
 *   mxm PATH[#ANCHOR]                                     a document of this repo
 * and no link or spec text names a source outside these: no notes that live
 * outside the repository, and every issue number carries its repository.
 */
#include <ctype.h>
#include <string.h>

#include "conform.h"

/* Implementations a link may cite by file and function. */
static const char *const IMPLS[] = {
  "Synapse", "Dendrite", "gomatrixserverlib", "ruma", "ruma-state-res", "continuwuity", "conduwuit",
  "Construct", "Rocket.Chat", "matrix-js-sdk", "matrix-nio", "matrix-rust-sdk", "mautrix-go", NULL,
};

/* Repositories whose issue numbers a text may give as owner/repo#N. */
static const char *const ISSUE_REPOS[] = {
  "matrix-org/matrix-spec-proposals", "matrix-org/matrix-spec", "matrix-org/matrix-doc", NULL,
};

/* Phrases that name sources a user's clone does not have. */
static const char *const UNREACHABLE[] = {
  "digest §", "digest membership", "spec digest", "the digest", "divergences.md", "house style",
  "shared/", "/work/", "core-a", "core-b", NULL,
};

static int starts(const char *s, const char *prefix)
{
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int ci_find(const char *hay, const char *needle)
{
  size_t n = strlen(needle);
  for(; *hay; hay++) {
    size_t i = 0;
    while(i < n && hay[i] && tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]))
      i++;
    if(i == n)
      return 1;
  }
  return 0;
}

/* Length of the run of non-space characters at s. */
static size_t token(const char *s)
{
  size_t n = 0;
  while(s[n] && s[n] != ' ')
    n++;
  return n;
}

/* "digest" followed by a section number ("digest 8.3"). */
static int digest_section(const char *s)
{
  const char *p = s;
  while((p = strstr(p, "digest")) != NULL) {
    p += 6;
    if(*p == ' ' && isdigit((unsigned char)p[1]))
      return 1;
  }
  return 0;
}

const char *mxmc_cite_text_problem(const char *s)
{
  size_t i;
  const char *p;
  for(i = 0; UNREACHABLE[i]; i++)
    if(ci_find(s, UNREACHABLE[i]))
      return "cites a source outside the repository and the spec (see conformance/FORMAT.md \"links\")";
  if(digest_section(s))
    return "cites a source outside the repository and the spec (see conformance/FORMAT.md \"links\")";
  for(p = strchr(s, '#'); p; p = strchr(p + 1, '#')) {
    int named = 0;
    if(!isdigit((unsigned char)p[1]))
      continue;
    for(i = 0; ISSUE_REPOS[i]; i++) {
      size_t n = strlen(ISSUE_REPOS[i]);
      if((size_t)(p - s) >= n && strncmp(p - n, ISSUE_REPOS[i], n) == 0)
        named = 1;
    }
    if(!named)
      return "an issue number without its repository (write matrix-org/matrix-spec#N)";
  }
  return NULL;
}

static int spec_path(const char *s)
{
  return starts(s, "content/") || starts(s, "data/") || starts(s, "assets/");
}

static int impl_citation(const char *s)
{
  size_t i, n;
  for(i = 0; IMPLS[i]; i++) {
    n = strlen(IMPLS[i]);
    if(strncmp(s, IMPLS[i], n) == 0 && s[n] == ' ')
      break;
  }
  if(!IMPLS[i])
    return 0;
  s += n + 1;
  /* the version: 1.150.0, v0.5.0, or a commit */
  if(!(isdigit((unsigned char)s[0]) || (s[0] == 'v' && isdigit((unsigned char)s[1]))))
    return 0;
  s += token(s);
  if(*s++ != ' ')
    return 0;
  /* the file: a path with a directory or an extension */
  n = token(s);
  if(n == 0 || (!memchr(s, '/', n) && !memchr(s, '.', n)))
    return 0;
  s += n;
  /* the function */
  return *s == ' ' && s[1] && s[1] != ' ';
}

static int repo_citation(const char *s)
{
  size_t n = 0;
  if(!starts(s, "mxm "))
    return 0;
  s += 4;
  if(*s == '/' || strstr(s, "..") == s)
    return 0;
  while(isalnum((unsigned char)s[n]) || s[n] == '_' || s[n] == '.' || s[n] == '/' || s[n] == '-')
    n++;
  if(n == 0 || !memchr(s, '.', n))
    return 0; /* a file, not a word */
  s += n;
  if(*s == '#') {
    size_t a = 0;
    s++;
    while(isalnum((unsigned char)s[a]) || s[a] == '_' || s[a] == '-')
      a++;
    if(a == 0)
      return 0;
    s += a;
  }
  return *s == '\0' || *s == ' ' || *s == ':' || *s == ',';
}

const char *mxmc_cite_link_problem(const char *s)
{
  const char *why = mxmc_cite_text_problem(s);
  size_t i;
  if(why)
    return why;
  if(starts(s, "matrix-spec ")) {
    s += 12;
    if(*s == '@') { /* a release, or a range of them: @v1.4-@v1.9 */
      s += token(s);
      if(*s++ != ' ')
        return "a matrix-spec link names a file after the release";
    }
    return spec_path(s) ? NULL : "a matrix-spec link must name a file under content/, data/ or assets/";
  }
  if(starts(s, "matrix-doc @")) {
    s += 11;
    s += token(s);
    return (*s == ' ' && s[1] && s[1] != ' ') ? NULL : "a matrix-doc link names a tag and a file";
  }
  for(i = 0; ISSUE_REPOS[i]; i++) {
    size_t n = strlen(ISSUE_REPOS[i]);
    if(strncmp(s, ISSUE_REPOS[i], n) == 0 && s[n] == '#' && isdigit((unsigned char)s[n + 1]))
      return NULL;
  }
  if(starts(s, "MSC") && isdigit((unsigned char)s[3]))
    return NULL;
  if(impl_citation(s) || repo_citation(s))
    return NULL;
  return "a link must start with a spec file (matrix-spec PATH), an issue (matrix-org/REPO#N), "
         "an implementation's file and function (IMPL VERSION PATH FUNCTION) or a document of "
         "this repository (mxm PATH#ANCHOR)";
}
