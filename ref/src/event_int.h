/*
 * event_int.h: helpers shared by event.c and state.c (internal; mxmi_
 * prefix). JSON-pointer building with RFC 6901 escaping, and the identifier
 * grammars of the appendices.
 */
#ifndef MXM_EVENT_INT_H
#define MXM_EVENT_INT_H

#include <stddef.h>

#include "mxm/event.h"

/*
 * Append "/" + token (escaped per RFC 6901: "~" -> "~0", "/" -> "~1") to the
 * JSON pointer in buf (NUL-terminated, capacity cap). token_len bytes of
 * token are used (it may hold U+0000, written as-is up to the terminator's
 * limit). A pointer that does not fit is cut at a UTF-8 character boundary
 * and ends in "..." so a reader sees it was cut; buf stays NUL-terminated.
 */
void mxmi_pointer_append(char *buf, size_t cap, const char *token, size_t token_len);
/* The same for an array index. */
void mxmi_pointer_append_index(char *buf, size_t cap, size_t index);

/* 1 if s[0..len) is a server_name (appendices "Server Name"):
 * hostname [":" port], hostname = IPv4 / "[" IPv6 "]" / dns-name. */
int mxmi_server_name_valid(const char *s, size_t len);

/* mxm_event_from_json for a tree parsed from a text whose
 * mxm_json_parse_bound was size_bound (0: unknown): when that bound proves
 * the size limit, the event is not measured (event.c, "the size check").
 * The state loader's path for mxm_state_load_json_bounds. */
enum mxm_status mxmi_event_from_json_bound(const struct mxm_json *json, const struct mxm_room_version *rv,
                                           size_t size_bound, struct mxm_event **out, struct mxm_error *err);

#endif /* MXM_EVENT_INT_H */
