/*
 * mxm/about.h: the three versions a report or an adapter can name.
 *
 *   MXM_VERSION           this library and its tools (semantic versioning; the
 *                         shared library's soname carries the major number)
 *   MXM_PROTOCOL_VERSION  the adapter protocol the runner speaks
 *                         (conformance/PROTOCOL.md; "major.minor", a minor
 *                         version only adds, so adapters of 1.0 keep working)
 *   MXM_CORPUS_VERSION    the conformance corpus this build ships with
 *                         (conformance/cases/VERSION holds the same string)
 *
 * CHANGELOG.md says what changed in each.
 */
#ifndef MXM_ABOUT_H
#define MXM_ABOUT_H

#define MXM_VERSION "0.2.0"
#define MXM_VERSION_MAJOR 0
#define MXM_VERSION_MINOR 2
#define MXM_VERSION_PATCH 0
#define MXM_PROTOCOL_VERSION "1.1"
#define MXM_CORPUS_VERSION "0.2.0"

#ifdef __cplusplus
extern "C" {
#endif

/* The version of the library actually linked (MXM_VERSION of its build),
 * which differs from the header's when a program runs against another
 * shared libmxm. */
const char *mxm_version(void);

#ifdef __cplusplus
}
#endif
#endif
