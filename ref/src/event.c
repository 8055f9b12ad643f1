/*
 * event.c: JSON -> struct mxm_event. Owns the structural checks of an event
 * (field types, size limits, identifier grammars, the canonical-JSON value
 * rules of v6+ rooms), the typed content of the five event types the
 * membership rules read, power-level value normalisation per room version,
 * and the JSON-pointer helpers of event_int.h. It decides no auth rule: a
 * value the rules judge (a missing membership, a bad power level) parses and
 * is reported through the typed content (see mxm/event.h).
 *
 * Sources: content/client-server-api/_index.md "Size limits";
 * content/appendices.md "User Identifiers", "Historical User IDs", "Server
 * Name", "Canonical JSON"; content/rooms/fragments/v1-stringy-power-levels.md,
 * v1-floaty-power-levels.md, v6-canonical-json.md; content/rooms/v10.md (9.1,
 * 9.2); data/api/server-server/definitions/pdu_v1.yaml, components/
 * depth_v6.yaml, room_id_v12.yaml; data/event-schemas/schema/m.room.*.yaml.
 */
#include "mxm/event.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_int.h"
#include "canonical_int.h"
#include "event_int.h"
#include "json_int.h"
#include "limits.h"
#include "mxm/canonical.h"
#include "mxm/sign.h"

/* ------------------------------------------------------------------ */
/* JSON pointers                                                       */

/* Cut the pointer in buf so that "..." fits, at a UTF-8 character
 * boundary, and append "...". len is the number of bytes of buf in use. */
static void pointer_truncate(char *buf, size_t cap, size_t len)
{
  size_t keep;
  if(cap < 4) {
    if(cap)
      buf[0] = '\0';
    return;
  }
  keep = len < cap - 4 ? len : cap - 4; /* room for "..." and NUL */
  while(keep > 0 && ((unsigned char)buf[keep] & 0xC0) == 0x80)
    keep--; /* do not split a multi-byte character */
  memcpy(buf + keep, "...", 4);
}

void mxmi_pointer_append(char *buf, size_t cap, const char *token, size_t token_len)
{
  const char *nul;
  size_t len, i;
  if(cap == 0)
    return;
  nul = memchr(buf, '\0', cap);
  len = nul ? (size_t)(nul - buf) : cap - 1;
  buf[len] = '\0';
  /* A pointer that was already cut stays as it is: appending after "..."
   * would name a different place. */
  if(len >= 3 && memcmp(buf + len - 3, "...", 3) == 0 && len + 8 > cap)
    return;
  if(len + 1 >= cap) {
    pointer_truncate(buf, cap, len);
    return;
  }
  buf[len++] = '/';
  for(i = 0; i < token_len; i++) {
    char esc[2];
    size_t n = 1;
    esc[0] = token[i];
    if(token[i] == '~' || token[i] == '/') { /* RFC 6901: ~ -> ~0, / -> ~1 */
      esc[0] = '~';
      esc[1] = token[i] == '~' ? '0' : '1';
      n = 2;
    }
    if(len + n >= cap) {
      pointer_truncate(buf, cap, len);
      return;
    }
    memcpy(buf + len, esc, n);
    len += n;
  }
  buf[len] = '\0';
}

void mxmi_pointer_append_index(char *buf, size_t cap, size_t index)
{
  char num[32];
  int n = snprintf(num, sizeof(num), "%zu", index);
  mxmi_pointer_append(buf, cap, num, n > 0 ? (size_t)n : 0);
}

/* ------------------------------------------------------------------ */
/* Identifier grammars (appendices)                                    */

static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static int is_alpha(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_hex(unsigned char c)
{
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/*
 * server_name = hostname [ ":" port ]
 * port        = 1*5DIGIT
 * hostname    = IPv4address / "[" IPv6address "]" / dns-name
 * IPv4address = 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT
 * IPv6address = 2*45IPv6char ; IPv6char = DIGIT / %x41-46 / %x61-66 / ":" / "."
 * dns-name    = 1*255dns-char ; dns-char = DIGIT / ALPHA / "-" / "."
 * (an IPv4address is also a dns-name, so it needs no branch of its own)
 */
int mxmi_server_name_valid(const char *s, size_t len)
{
  size_t i = 0, host_end, port_len;
  const unsigned char *u = (const unsigned char *)s;
  if(!s || len == 0)
    return 0;
  if(u[0] == '[') {
    for(i = 1; i < len && u[i] != ']'; i++)
      if(!(is_hex(u[i]) || u[i] == ':' || u[i] == '.'))
        return 0;
    if(i >= len || i - 1 < 2 || i - 1 > 45)
      return 0;
    host_end = i + 1;
  } else {
    for(i = 0; i < len && u[i] != ':'; i++)
      if(!(is_digit(u[i]) || is_alpha(u[i]) || u[i] == '-' || u[i] == '.'))
        return 0;
    if(i == 0 || i > 255)
      return 0;
    host_end = i;
  }
  if(host_end == len)
    return 1;
  if(u[host_end] != ':')
    return 0;
  port_len = len - host_end - 1;
  if(port_len < 1 || port_len > 5)
    return 0;
  for(i = host_end + 1; i < len; i++)
    if(!is_digit(u[i]))
      return 0;
  return 1;
}

/* Length of the valid UTF-8 sequence at s[0..len), or 0 if there is none
 * (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF). */
static size_t utf8_char(const unsigned char *s, size_t len)
{
  size_t n, i;
  uint32_t cp;
  if(s[0] < 0x80)
    return 1;
  if(s[0] >= 0xC2 && s[0] <= 0xDF)
    n = 2, cp = s[0] & 0x1F;
  else if(s[0] >= 0xE0 && s[0] <= 0xEF)
    n = 3, cp = s[0] & 0x0F;
  else if(s[0] >= 0xF0 && s[0] <= 0xF4)
    n = 4, cp = s[0] & 0x07;
  else
    return 0;
  if(n > len)
    return 0;
  for(i = 1; i < n; i++) {
    if((s[i] & 0xC0) != 0x80)
      return 0;
    cp = (cp << 6) | (s[i] & 0x3F);
  }
  if((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return n;
}

/*
 * appendices "Historical User IDs" (text since v1.14, #1506): servers MUST
 * accept localparts of "any legal unicode codepoint except for : and NUL
 * (U+0000), including other control characters and the empty string", as
 * valid UTF-8. (v1.1-v1.13 said %x21-39 / %x3B-7E; the current text is
 * followed.) The whole ID is at most 255 bytes.
 */
int mxm_user_id_valid(const char *s, size_t len)
{
  const unsigned char *u = (const unsigned char *)s;
  size_t i, n;
  if(!s || len < 3 || len > MXM_MAX_ID_BYTES || s[0] != '@')
    return 0;
  /* The localpart ends at the first ':' (':' is not a localpart char). */
  for(i = 1; i < len && u[i] != ':'; i += n) {
    if(u[i] == 0 || (n = utf8_char(u + i, len - i)) == 0)
      return 0;
  }
  if(i >= len)
    return 0; /* no ':' */
  return mxmi_server_name_valid(s + i + 1, len - i - 1);
}

const char *mxm_id_domain(const char *s)
{
  const char *colon = s ? strchr(s, ':') : NULL;
  return colon ? colon + 1 : NULL;
}

/* ------------------------------------------------------------------ */
/* Memberships                                                         */

static const char *const membership_names[] = {
  [MXM_MEMBERSHIP_NONE] = "none",   [MXM_MEMBERSHIP_INVITE] = "invite",
  [MXM_MEMBERSHIP_JOIN] = "join",   [MXM_MEMBERSHIP_LEAVE] = "leave",
  [MXM_MEMBERSHIP_BAN] = "ban",     [MXM_MEMBERSHIP_KNOCK] = "knock",
  [MXM_MEMBERSHIP_UNKNOWN] = "unknown",
};

const char *mxm_membership_name(enum mxm_membership m)
{
  if((unsigned)m > (unsigned)MXM_MEMBERSHIP_UNKNOWN)
    return "unknown";
  return membership_names[m];
}

enum mxm_membership mxm_membership_parse(const char *s)
{
  unsigned i;
  if(!s)
    return MXM_MEMBERSHIP_UNKNOWN;
  for(i = MXM_MEMBERSHIP_NONE; i < MXM_MEMBERSHIP_UNKNOWN; i++)
    if(strcmp(s, membership_names[i]) == 0)
      return (enum mxm_membership)i;
  return MXM_MEMBERSHIP_UNKNOWN;
}

/* content.membership: only the five spec values; "none" is not one. */
static enum mxm_membership membership_from_content(const char *s)
{
  enum mxm_membership m = mxm_membership_parse(s);
  return m == MXM_MEMBERSHIP_NONE ? MXM_MEMBERSHIP_UNKNOWN : m;
}

/* ------------------------------------------------------------------ */
/* Parsing context                                                     */

struct parse {
  const struct mxm_room_version *rv;
  struct mxm_error *err;
  char where[MXM_ERROR_WHERE_MAX]; /* pointer of the value being checked */
};

/* A string without U+0000, or NULL. len_out may be NULL. */
static const char *plain_string(const struct mxm_json *j, size_t *len_out)
{
  size_t len;
  const char *s = mxm_json_string_len(j, &len);
  if(!s || strlen(s) != len)
    return NULL;
  if(len_out)
    *len_out = len;
  return s;
}

/* ------------------------------------------------------------------ */
/* Canonical-JSON value rules for strict room versions (v6+)           */

/* The walk runs twice only when it fails: first with report = 0, which
 * builds no JSON pointer and sets no error (the common, passing case), then
 * with report = 1 over the same tree, which stops at the same value and
 * names it exactly as a single reporting walk would. */
struct strict_walk {
  struct parse *p;
  int depth;
  enum mxm_status st;
  int report; /* 1: keep p->where and fill p->err */
};

static enum mxm_status strict_value(struct strict_walk *w, const struct mxm_json *j);

static int strict_member(const char *key, size_t key_len, const struct mxm_json *val, void *ctx)
{
  struct strict_walk *w = ctx;
  size_t mark = 0;
  if(w->report) {
    mark = strlen(w->p->where);
    mxmi_pointer_append(w->p->where, sizeof(w->p->where), key, key_len);
  }
  w->st = strict_value(w, val);
  if(w->st != MXM_OK)
    return 1; /* stop; keep the pointer for the error */
  if(w->report)
    w->p->where[mark] = '\0';
  return 0;
}

/* v6-canonical-json.md: servers MUST strictly enforce the canonical JSON
 * grammar, whose number is an integer (no fraction, no exponent) within
 * +-(2^53-1). DECISION: any number written with a fraction or an exponent
 * is rejected here, even 1.0 or 1e2, because the grammar has no such
 * spelling (canonical.c, which *encodes* values, maps them to integers; an
 * event arriving in a v6+ room is judged on its spelling). */
static enum mxm_status strict_value(struct strict_walk *w, const struct mxm_json *j)
{
  int64_t v;
  size_t i, n;
  switch(mxm_json_type(j)) {
  case MXM_JSON_DOUBLE:
    if(!w->report)
      return MXM_E_MALFORMED;
    return mxm_error_set(w->p->err, MXM_E_MALFORMED, w->p->where,
                         "a number with a fraction or exponent is not canonical JSON "
                         "(room version %s enforces it)", w->p->rv->id);
  case MXM_JSON_BIGINT:
    if(!w->report)
      return MXM_E_MALFORMED;
    return mxm_error_set(w->p->err, MXM_E_MALFORMED, w->p->where,
                         "integer outside [-(2^53)+1, 2^53-1] (room version %s enforces "
                         "canonical JSON)", w->p->rv->id);
  case MXM_JSON_INT:
    if(mxm_json_int(j, &v) && (v > MXM_MAX_SAFE_INT || v < -MXM_MAX_SAFE_INT))
      return !w->report ? MXM_E_MALFORMED
                        : mxm_error_set(w->p->err, MXM_E_MALFORMED, w->p->where,
                                        "integer %lld outside [-(2^53)+1, 2^53-1] (room version %s "
                                        "enforces canonical JSON)", (long long)v, w->p->rv->id);
    return MXM_OK;
  case MXM_JSON_ARRAY:
  case MXM_JSON_OBJECT:
    if(w->depth >= MXM_JSON_MAX_DEPTH)
      return !w->report ? MXM_E_TOO_BIG
                        : mxm_error_set(w->p->err, MXM_E_TOO_BIG, w->p->where,
                                        "nested deeper than %d levels", MXM_JSON_MAX_DEPTH);
    w->depth++;
    if(mxm_json_type(j) == MXM_JSON_OBJECT) {
      w->st = MXM_OK;
      mxm_json_object_foreach(j, strict_member, w);
      if(w->st != MXM_OK)
        return w->st;
    } else {
      n = mxm_json_array_len(j);
      for(i = 0; i < n; i++) {
        size_t mark = 0;
        enum mxm_status st;
        if(w->report) {
          mark = strlen(w->p->where);
          mxmi_pointer_append_index(w->p->where, sizeof(w->p->where), i);
        }
        st = strict_value(w, mxm_json_array_get(j, i));
        if(st != MXM_OK)
          return st;
        if(w->report)
          w->p->where[mark] = '\0';
      }
    }
    w->depth--;
    return MXM_OK;
  case MXM_JSON_NULL:
  case MXM_JSON_BOOL:
  case MXM_JSON_STRING:
    return MXM_OK;
  }
  return MXM_OK;
}

/* ------------------------------------------------------------------ */
/* Common fields                                                       */

/* "/" + key (RFC 6901-escaped) in buf; returns buf. The field walk below
 * builds pointers with this only when it reports an error: a passing event
 * formats none. */
static const char *key_pointer(char *buf, size_t cap, const char *key)
{
  buf[0] = '\0';
  mxmi_pointer_append(buf, cap, key, strlen(key));
  return buf;
}

/* key_pointer + "/" + index, and + "/0" for the id of a v1/v2 pair. */
static const char *ref_pointer(char *buf, size_t cap, const char *key, size_t index, int pair)
{
  key_pointer(buf, cap, key);
  mxmi_pointer_append_index(buf, cap, index);
  if(pair)
    mxmi_pointer_append_index(buf, cap, 0);
  return buf;
}

/*
 * An identifier field: a string of at most MXM_MAX_ID_BYTES bytes without
 * U+0000 (the rules compare these as C strings; "m.room.member\u0000x" must
 * not pass for m.room.member). *out = NULL when absent and not required.
 */
static enum mxm_status id_field(struct parse *p, const struct mxm_json *root, const char *key,
                                int required, const char **out)
{
  const struct mxm_json *j = mxm_json_get(root, key);
  char where[MXM_ERROR_WHERE_MAX];
  size_t len;
  const char *s;
  *out = NULL;
  if(!j) {
    if(required)
      return mxm_error_set(p->err, MXM_E_MALFORMED, key_pointer(where, sizeof(where), key),
                           "required property \"%s\" is missing", key);
    return MXM_OK;
  }
  s = mxm_json_string_len(j, &len);
  if(!s)
    return mxm_error_set(p->err, MXM_E_MALFORMED, key_pointer(where, sizeof(where), key),
                         "\"%s\" must be a string, not %s", key,
                         mxm_json_type_name(mxm_json_type(j)));
  if(len > MXM_MAX_ID_BYTES)
    return mxm_error_set(p->err, MXM_E_TOO_BIG, key_pointer(where, sizeof(where), key),
                         "\"%s\" is %zu bytes; the limit is %d",
                         key, len, MXM_MAX_ID_BYTES);
  if(strlen(s) != len)
    return mxm_error_set(p->err, MXM_E_MALFORMED, key_pointer(where, sizeof(where), key),
                         "\"%s\" contains U+0000", key);
  *out = s;
  return MXM_OK;
}

/* prev_events / auth_events: event-ID strings, or in v1/v2 the PDU pair
 * form [event_id, {"sha256": ...}] (pdu_v1.yaml). Absent = empty (client
 * form). */
static enum mxm_status ref_list(struct parse *p, const struct mxm_json *root, const char *key,
                                const char ***out, size_t *n_out)
{
  const struct mxm_json *arr = mxm_json_get(root, key);
  char where[MXM_ERROR_WHERE_MAX]; /* built only when reporting */
  size_t n, i;
  const char **ids;
  int pairs_ok = p->rv->event_id_format == MXM_EVENT_ID_SERVER;
  *out = NULL;
  *n_out = 0;
  if(!arr)
    return MXM_OK;
  if(mxm_json_type(arr) != MXM_JSON_ARRAY)
    return mxm_error_set(p->err, MXM_E_MALFORMED, key_pointer(where, sizeof(where), key),
                         "\"%s\" must be an array, not %s", key, mxm_json_type_name(mxm_json_type(arr)));
  n = mxm_json_array_len(arr);
  if(n == 0)
    return MXM_OK;
  if(n > MXM_MAX_EVENT_REFS)
    return mxm_error_set(p->err, MXM_E_TOO_BIG, key_pointer(where, sizeof(where), key),
                         "\"%s\" has %zu entries", key, n);
  ids = mxmi_calloc(n, sizeof(*ids));
  if(!ids)
    return mxm_error_set(p->err, MXM_E_NOMEM, key_pointer(where, sizeof(where), key), "out of memory");
  for(i = 0; i < n; i++) {
    const struct mxm_json *el = mxm_json_array_get(arr, i);
    const struct mxm_json *idv = el;
    int pair = 0; /* the ID is el[0] of a v1/v2 pair */
    size_t len;
    const char *s;
    if(pairs_ok && mxm_json_type(el) == MXM_JSON_ARRAY) {
      if(mxm_json_array_len(el) != 2 || mxm_json_type(mxm_json_array_get(el, 1)) != MXM_JSON_OBJECT) {
        free(ids);
        return mxm_error_set(p->err, MXM_E_MALFORMED, ref_pointer(where, sizeof(where), key, i, 0),
                             "an event reference must be [event_id, {hashes}]");
      }
      idv = mxm_json_array_get(el, 0);
      pair = 1;
    }
    s = mxm_json_string_len(idv, &len);
    if(!s) {
      free(ids);
      return mxm_error_set(p->err, MXM_E_MALFORMED, ref_pointer(where, sizeof(where), key, i, pair),
                           "an event ID must be a string%s, not %s",
                           pairs_ok ? " or [event_id, {hashes}]" : "",
                           mxm_json_type_name(mxm_json_type(idv)));
    }
    if(len > MXM_MAX_ID_BYTES) {
      free(ids);
      return mxm_error_set(p->err, MXM_E_TOO_BIG, ref_pointer(where, sizeof(where), key, i, pair),
                           "event ID is %zu bytes; the limit is %d", len, MXM_MAX_ID_BYTES);
    }
    if(strlen(s) != len) {
      free(ids);
      return mxm_error_set(p->err, MXM_E_MALFORMED, ref_pointer(where, sizeof(where), key, i, pair),
                           "event ID contains U+0000");
    }
    ids[i] = s;
  }
  *out = ids;
  *n_out = n;
  return MXM_OK;
}

/* ------------------------------------------------------------------ */
/* Power-level values                                                  */

/* Whitespace around a stringy level: the fragment says "any number of
 * leading or trailing whitespace characters" without naming them.
 * DECISION: the six ASCII whitespace characters (space, \t, \n, \v, \f,
 * \r); no Unicode spaces. */
static int pl_space(char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* v1-stringy-power-levels.md: optional whitespace, at most one '+' or '-',
 * one or more base-10 digits (leading zeros allowed), optional whitespace.
 * Nothing else: no decimal point, no exponent, no inner spaces. */
static int pl_from_string(const char *s, size_t len, int64_t *out, const char **why)
{
  size_t i = 0, end = len;
  int neg = 0;
  int64_t v = 0;
  while(i < end && pl_space(s[i]))
    i++;
  while(end > i && pl_space(s[end - 1]))
    end--;
  if(i < end && (s[i] == '+' || s[i] == '-')) {
    neg = s[i] == '-';
    i++;
  }
  if(i == end) {
    *why = "a string power level must hold a base-10 integer";
    return 0;
  }
  for(; i < end; i++) {
    if(!is_digit((unsigned char)s[i])) {
      *why = "a string power level must hold a base-10 integer (digits, optional sign and "
             "surrounding whitespace only)";
      return 0;
    }
    v = v * 10 + (s[i] - '0');
    if(v > MXM_MAX_SAFE_INT) {
      *why = "power level outside [-(2^53)+1, 2^53-1]";
      return 0;
    }
  }
  *out = neg ? -v : v;
  return 1;
}

/*
 * v1-floaty-power-levels.md: "exponential notation is applied" first, then
 * "the value is truncated at the decimal point". DECISION (the fragment does
 * not say whether the steps apply to the literal or to the number it
 * denotes; the two differ only for literals with more digits than an IEEE
 * 754 double holds): the value is the literal's nearest double, truncated.
 * Reasons: the fragment's own bound ("greater than or equal to 1e309") is
 * where a double overflows; content/appendices.md "Canonical JSON" defines
 * the encoding of a *value* (its reference is Python's json.dumps, which
 * sees the double), so an event and its canonical form can only mean the
 * same power level if the level is a function of the double. Reading the
 * digits exactly made 4599627370495705.5 level ...705 in the raw event and
 * ...706 in its canonical form (corpus/regressions/fuzz_event_parse), and
 * 2.9999999999999999999 level 2 while its canonical form "3" is level 3.
 */
static int pl_from_double(const struct mxm_json *j, int64_t *out, const char **why)
{
  double d = 0.0, tr;
  if(!mxm_json_number(j, &d) || !isfinite(d)) {
    *why = "power level is not a finite IEEE 754 double (Infinity, NaN or out of range)";
    return 0;
  }
  tr = trunc(d);
  if(!(tr <= (double)MXM_MAX_SAFE_INT && tr >= -(double)MXM_MAX_SAFE_INT)) {
    *why = "power level outside [-(2^53)+1, 2^53-1]";
    return 0;
  }
  *out = (int64_t)tr;
  return 1;
}

/* One power-level value for room version rv: integers always; strings
 * v1-v9; floats v1-v5; never booleans, null, arrays or objects. The range
 * is +-(2^53-1) (m.room.power_levels.yaml). */
static int pl_value(const struct mxm_json *j, const struct mxm_room_version *rv, int64_t *out,
                    const char **why)
{
  int64_t v;
  size_t len;
  const char *s;
  switch(mxm_json_type(j)) {
  case MXM_JSON_INT:
    (void)mxm_json_int(j, &v);
    if(v > MXM_MAX_SAFE_INT || v < -MXM_MAX_SAFE_INT) {
      *why = "power level outside [-(2^53)+1, 2^53-1]";
      return 0;
    }
    *out = v;
    return 1;
  case MXM_JSON_BIGINT:
    *why = "power level outside [-(2^53)+1, 2^53-1]";
    return 0;
  case MXM_JSON_DOUBLE:
    if(!rv->float_pl) {
      *why = rv->string_pl ? "power levels must be integers or integer strings in this room version"
                           : "power levels must be integers in this room version";
      return 0;
    }
    return pl_from_double(j, out, why);
  case MXM_JSON_STRING:
    if(!rv->string_pl) {
      *why = "power levels must be integers in this room version (strings only in v1-v9)";
      return 0;
    }
    s = mxm_json_string_len(j, &len);
    return pl_from_string(s, len, out, why);
  case MXM_JSON_NULL:
  case MXM_JSON_BOOL:
  case MXM_JSON_ARRAY:
  case MXM_JSON_OBJECT:
    break;
  }
  *why = "a power level must be a number";
  return 0;
}

/* Record the first accepted float value (v1-v5) of a power-levels event. */
static void pl_float_seen(struct mxm_power_levels *pl, const struct mxm_json *v, const char *where)
{
  if(pl->has_float || mxm_json_type(v) != MXM_JSON_DOUBLE)
    return;
  pl->has_float = 1;
  snprintf(pl->float_where, sizeof(pl->float_where), "%s", where);
}

/* Record the first invalid value of a power-levels event. */
static void pl_invalid(struct mxm_power_levels *pl, const char *where, const char *why)
{
  if(!pl->valid)
    return;
  pl->valid = 0;
  pl->invalid_reason = why;
  snprintf(pl->invalid_where, sizeof(pl->invalid_where), "%s", where);
}

struct pl_map_walk {
  struct mxm_power_levels *pl;
  const struct mxm_room_version *rv;
  struct mxm_pl_entry *entries;
  size_t n;
  int user_keys; /* 1: keys must be user IDs (users map, rule 10.1) */
  int lenient;   /* 1: a bad entry is skipped, not an invalid event */
  char where[MXM_ERROR_WHERE_MAX];
};

/* w->where + "/" + key in buf (MXM_ERROR_WHERE_MAX bytes); returns buf. */
static const char *member_pointer(char *buf, const struct pl_map_walk *w, const char *key, size_t key_len)
{
  memcpy(buf, w->where, MXM_ERROR_WHERE_MAX);
  mxmi_pointer_append(buf, MXM_ERROR_WHERE_MAX, key, key_len);
  return buf;
}

static int pl_map_member(const char *key, size_t key_len, const struct mxm_json *val, void *ctx)
{
  struct pl_map_walk *w = ctx;
  char where[MXM_ERROR_WHERE_MAX]; /* built only when recorded */
  const char *why = NULL;
  int64_t level = 0;
  if(strlen(key) != key_len || (w->user_keys && !mxm_user_id_valid(key, key_len))) {
    if(!w->lenient)
      pl_invalid(w->pl, member_pointer(where, w, key, key_len),
                 w->user_keys ? "a users key must be a valid user ID" : "a key holds U+0000");
    return 0;
  }
  if(!pl_value(val, w->rv, &level, &why)) {
    if(!w->lenient)
      pl_invalid(w->pl, member_pointer(where, w, key, key_len), why);
    return 0;
  }
  if(!w->pl->has_float && mxm_json_type(val) == MXM_JSON_DOUBLE)
    pl_float_seen(w->pl, val, member_pointer(where, w, key, key_len));
  w->entries[w->n].key = key;
  w->entries[w->n].level = level;
  w->n++;
  return 0;
}

static int pl_entry_cmp(const void *a, const void *b)
{
  return strcmp(((const struct mxm_pl_entry *)a)->key, ((const struct mxm_pl_entry *)b)->key);
}

/* users / events / notifications: an object of levels. DECISION: a
 * non-object map or a bad value makes the event invalid (v10 9.2 says so
 * for events/notifications, v1-v9 10.1 for users; for events in v1-v9 and
 * notifications in v6-v9 the text is silent, but their levels are compared
 * by the rules and none can be computed from such a value). Exception,
 * `lenient`: notifications in v1-v5, which no rule of those versions reads
 * (v6.md adds them to rules 9.4/9.5); bad entries are skipped there. */
static enum mxm_status pl_map(struct mxm_power_levels *pl, const struct mxm_room_version *rv,
                              const struct mxm_json *content, const char *key, int user_keys,
                              int lenient, struct mxm_pl_entry **out, size_t *n_out)
{
  const struct mxm_json *map = mxm_json_get(content, key);
  struct pl_map_walk w;
  size_t n;
  *out = NULL;
  *n_out = 0;
  memset(&w, 0, sizeof(w));
  mxmi_pointer_append(w.where, sizeof(w.where), "content", 7);
  mxmi_pointer_append(w.where, sizeof(w.where), key, strlen(key));
  if(!map)
    return MXM_OK;
  if(mxm_json_type(map) != MXM_JSON_OBJECT) {
    if(!lenient)
      pl_invalid(pl, w.where, "must be an object of levels");
    return MXM_OK;
  }
  n = mxm_json_object_len(map);
  if(n == 0)
    return MXM_OK;
  w.entries = mxmi_calloc(n, sizeof(*w.entries));
  if(!w.entries)
    return MXM_E_NOMEM;
  w.pl = pl;
  w.rv = rv;
  w.user_keys = user_keys;
  w.lenient = lenient;
  mxm_json_object_foreach(map, pl_map_member, &w);
  qsort(w.entries, w.n, sizeof(*w.entries), pl_entry_cmp);
  *out = w.entries;
  *n_out = w.n;
  return MXM_OK;
}

static enum mxm_status parse_power_levels(struct parse *p, const struct mxm_json *content,
                                          struct mxm_power_levels *pl)
{
  static const char *const names[] = {"ban",           "kick",           "invite",
                                      "redact",        "users_default",  "events_default",
                                      "state_default"};
  size_t i;
  enum mxm_status st;
  pl->valid = 1;
  for(i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
    const struct mxm_json *v = mxm_json_get(content, names[i]);
    char where[MXM_ERROR_WHERE_MAX] = "/content"; /* + name, only when recorded */
    const char *why = NULL;
    int64_t level = 0;
    if(!v)
      continue;
    if(!pl_value(v, p->rv, &level, &why)) {
      mxmi_pointer_append(where, sizeof(where), names[i], strlen(names[i]));
      pl_invalid(pl, where, why);
      continue;
    }
    if(!pl->has_float && mxm_json_type(v) == MXM_JSON_DOUBLE) {
      mxmi_pointer_append(where, sizeof(where), names[i], strlen(names[i]));
      pl_float_seen(pl, v, where);
    }
    switch(i) {
    case 0: pl->ban = level; pl->has_ban = 1; break;
    case 1: pl->kick = level; pl->has_kick = 1; break;
    case 2: pl->invite = level; pl->has_invite = 1; break;
    case 3: pl->redact = level; pl->has_redact = 1; break;
    case 4: pl->users_default = level; pl->has_users_default = 1; break;
    case 5: pl->events_default = level; pl->has_events_default = 1; break;
    default: pl->state_default = level; pl->has_state_default = 1; break;
    }
  }
  st = pl_map(pl, p->rv, content, "users", 1, 0, &pl->users, &pl->n_users);
  if(st == MXM_OK)
    st = pl_map(pl, p->rv, content, "events", 0, 0, &pl->events, &pl->n_events);
  if(st == MXM_OK)
    st = pl_map(pl, p->rv, content, "notifications", 0, !p->rv->pl_notifications, &pl->notifications,
                &pl->n_notifications);
  if(st != MXM_OK)
    return mxm_error_set(p->err, st, "/content", "out of memory");
  return MXM_OK;
}

/* ------------------------------------------------------------------ */
/* Other typed content                                                 */

static void parse_member(const struct mxm_json *content, struct mxm_member_content *m)
{
  const struct mxm_json *v;
  v = mxm_json_get(content, "membership");
  m->has_membership = v != NULL;
  m->membership_raw = plain_string(v, NULL);
  m->membership = membership_from_content(m->membership_raw);
  m->displayname = plain_string(mxm_json_get(content, "displayname"), NULL);
  m->avatar_url = plain_string(mxm_json_get(content, "avatar_url"), NULL);
  v = mxm_json_get(content, "join_authorised_via_users_server");
  m->has_join_authorised = v != NULL;
  m->join_authorised_via_users_server = plain_string(v, NULL);
  v = mxm_json_get(content, "third_party_invite");
  m->has_third_party_invite = v != NULL;
  m->third_party_invite = v;
}

static enum mxm_status parse_create(struct parse *p, const struct mxm_json *content,
                                    struct mxm_create_content *c)
{
  const struct mxm_json *v;
  int b;
  size_t n, i;
  v = mxm_json_get(content, "creator");
  c->has_creator = v != NULL;
  c->creator = plain_string(v, NULL);
  /* "m.federate": only a boolean false turns federation off (default true). */
  v = mxm_json_get(content, "m.federate");
  c->federate = !(mxm_json_bool(v, &b) && b == 0);
  v = mxm_json_get(content, "room_version");
  c->room_version = plain_string(v, NULL);
  c->room_version_valid = v == NULL || c->room_version != NULL;
  v = mxm_json_get(content, "additional_creators");
  c->additional_creators_valid = 1;
  if(!v)
    return MXM_OK;
  if(mxm_json_type(v) != MXM_JSON_ARRAY) {
    c->additional_creators_valid = 0;
    return MXM_OK;
  }
  n = mxm_json_array_len(v);
  for(i = 0; i < n; i++) {
    size_t len = 0;
    const char *s = plain_string(mxm_json_array_get(v, i), &len);
    if(!s || !mxm_user_id_valid(s, len)) {
      c->additional_creators_valid = 0;
      return MXM_OK;
    }
  }
  if(n == 0)
    return MXM_OK;
  c->additional_creators = mxmi_calloc(n, sizeof(*c->additional_creators));
  if(!c->additional_creators)
    return mxm_error_set(p->err, MXM_E_NOMEM, "/content/additional_creators", "out of memory");
  for(i = 0; i < n; i++)
    c->additional_creators[i] = mxm_json_string(mxm_json_array_get(v, i));
  c->n_additional_creators = n;
  return MXM_OK;
}

static void parse_join_rules(const struct mxm_json *content, struct mxm_join_rules_content *jr)
{
  jr->join_rule = plain_string(mxm_json_get(content, "join_rule"), NULL);
  jr->allow = mxm_json_get(content, "allow");
}

/* public_key, and public_keys[].public_key where the entry has one. */
static enum mxm_status parse_tpi(struct parse *p, const struct mxm_json *content,
                                 struct mxm_third_party_invite_content *t)
{
  const struct mxm_json *keys = mxm_json_get(content, "public_keys");
  size_t n = mxm_json_array_len(keys), i;
  t->public_key = plain_string(mxm_json_get(content, "public_key"), NULL);
  if(n == 0)
    return MXM_OK;
  t->public_keys = mxmi_calloc(n, sizeof(*t->public_keys));
  if(!t->public_keys)
    return mxm_error_set(p->err, MXM_E_NOMEM, "/content/public_keys", "out of memory");
  for(i = 0; i < n; i++) {
    const char *s = plain_string(mxm_json_get(mxm_json_array_get(keys, i), "public_key"), NULL);
    if(s)
      t->public_keys[t->n_public_keys++] = s;
  }
  return MXM_OK;
}

/* ------------------------------------------------------------------ */
/* Events                                                              */

void mxm_event_free(struct mxm_event **evp)
{
  struct mxm_event *ev;
  if(!evp || !*evp)
    return;
  ev = *evp;
  switch(ev->kind) {
  case MXM_EVENT_POWER_LEVELS:
    free(ev->u.power_levels.users);
    free(ev->u.power_levels.events);
    free(ev->u.power_levels.notifications);
    break;
  case MXM_EVENT_CREATE:
    free(ev->u.create.additional_creators);
    break;
  case MXM_EVENT_THIRD_PARTY_INVITE:
    free(ev->u.third_party_invite.public_keys);
    break;
  case MXM_EVENT_OTHER:
  case MXM_EVENT_MEMBER:
  case MXM_EVENT_JOIN_RULES:
    break;
  }
  free(ev->prev_events);
  free(ev->auth_events);
  mxm_json_free(&ev->json);
  free(ev);
  *evp = NULL;
}

const char *mxm_event_id(const struct mxm_event *ev)
{
  if(!ev)
    return NULL;
  if(ev->event_id)
    return ev->event_id;
  return ev->computed_id[0] ? ev->computed_id : NULL;
}

enum mxm_status mxm_event_ensure_id(struct mxm_event *ev, const struct mxm_room_version *rv,
                                    struct mxm_error *err)
{
  if(!ev || !rv)
    return mxm_error_set(err, MXM_E_USAGE, "", "no event or no room version");
  if(mxm_event_id(ev))
    return MXM_OK;
  return mxm_compute_event_id(ev->json, rv, ev->computed_id, err);
}

enum mxm_status mxm_event_set_id(struct mxm_event *ev, const char *id, struct mxm_error *err)
{
  size_t len;
  if(!ev || !id)
    return mxm_error_set(err, MXM_E_USAGE, "", "no event or no ID");
  len = strlen(id);
  if(id[0] != '$' || len < 2 || len >= sizeof(ev->computed_id))
    return mxm_error_set(err, MXM_E_MALFORMED, "", "an event ID is \"$\" and 1 to %zu more bytes",
                         sizeof(ev->computed_id) - 2);
  if(ev->event_id) {
    if(strcmp(ev->event_id, id) == 0)
      return MXM_OK;
    return mxm_error_set(err, MXM_E_USAGE, "/event_id", "the event carries event_id %.80s, not %.80s",
                         ev->event_id, id);
  }
  memcpy(ev->computed_id, id, len + 1);
  return MXM_OK;
}

static enum mxm_event_kind kind_of(const char *type)
{
  if(strcmp(type, "m.room.member") == 0)
    return MXM_EVENT_MEMBER;
  if(strcmp(type, "m.room.create") == 0)
    return MXM_EVENT_CREATE;
  if(strcmp(type, "m.room.power_levels") == 0)
    return MXM_EVENT_POWER_LEVELS;
  if(strcmp(type, "m.room.join_rules") == 0)
    return MXM_EVENT_JOIN_RULES;
  if(strcmp(type, "m.room.third_party_invite") == 0)
    return MXM_EVENT_THIRD_PARTY_INVITE;
  return MXM_EVENT_OTHER;
}

/*
 * Whole-event size as canonical JSON (C-S "Size limits"), decided without
 * encoding the event whenever its raw text proves the answer.
 *
 * Let R be the length of the text the event was parsed from, and C the
 * length of what the limit is measured on: the canonical JSON of the
 * event, or, in v1-v5 when the lax encoder refuses a value (below), its
 * plain serialisation S. The parser's pre-scan counts (json_int.h) the
 * whitespace W outside strings, the escapes, the number literals and the
 * object keys. Claim: for every text the parser accepts,
 *
 *     R - W - E - N  <=  C  <=  R + G
 *
 * with E = 5 per \uXXXX escape + 1 per \/ escape, N = (n - 1) per number
 * literal of n bytes with a fraction or exponent + 1 per "-0" + (n - 20) per
 * integer literal of n > 20 bytes, and G = (MXMI_JSON_NUMBER_MAX - n) per
 * fraction/exponent literal of n < MXMI_JSON_NUMBER_MAX bytes; the left
 * inequality holds when no object repeats a key. Proof, piece by piece of
 * the text (canonical JSON and json-c's plain serialisation both write
 * structure as { } [ ] , : with no whitespace, and keep each key once):
 *   - Whitespace outside strings: gone (W bytes).
 *   - Strings and keys: a raw character stays as it is (the pre-scan
 *     refused raw control characters, so nothing raw needs an escape); \"
 *     \\ \b \f \n \r \t stay two bytes; \/ becomes one; \uXXXX (6 bytes)
 *     becomes its character: 1 to 3 bytes of UTF-8, a 2-byte short escape,
 *     or \u00XX for the other control characters (6); a surrogate pair (12)
 *     becomes 4 bytes; a lone surrogate U+FFFD (3). Never longer, and at
 *     most 5 bytes shorter per \u escape (so E), 1 per \/.
 *   - Integer literals (no fraction, no exponent; JSON has no leading zeros
 *     or "+"): inside 64 bits both forms write the same digits, but "-0" is
 *     "0". Outside, the lax encoder refuses the event (S is measured) and
 *     json-c writes the value saturated to INT64_MIN or UINT64_MAX (20
 *     bytes) from a literal of at least 20 bytes (negative) or 19 digits
 *     that is larger than what it prints: never longer, n - 20 shorter at
 *     most. (Strict rooms refuse such integers before this check.)
 *   - Literals with a fraction or exponent: canonical JSON writes "0" at
 *     the shortest and at most MXMI_JSON_NUMBER_MAX bytes ("1e15" grows to
 *     "1000000000000000", "1e-7" to "1e-07"); S keeps the literal's text.
 *     Strict rooms refuse them before this check.
 *   - true, false, null: unchanged.
 *   - A repeated key keeps one value (json-c keeps the last): C can only
 *     shrink, which breaks only the left inequality; it is used only when
 *     the tree has as many object members as the text has keys.
 * So R + G <= limit proves the limit holds and R - W - E - N > limit (no
 * repeated key) proves it fails, without encoding; R + G is the common
 * case (G = 0 without such numbers, and W, E, N are then slack). Between
 * the two, and for a tree with no text (mxm_event_from_json), the size is
 * measured by mxmi_canonical_length, which runs the encoder without
 * writing; only an event the lax encoder refuses is serialised (S). The
 * boundaries are pinned by test_event_parse.c ("size check").
 *
 * DECISION (v1-v5): the lax encoder refuses a few values no server can
 * sign (1e400, integers beyond int64); such an event still parses,
 * measured by its plain serialisation S, so that a power-levels event
 * holding 1e400 reaches the power-levels rule, which rejects it as
 * v1-floaty-power-levels.md says ("Infinity ... cause the powerlevel event
 * to be rejected"), rather than being undecidable.
 *
 * A tree parsed from a part of a longer text (a state array's element)
 * has a bound too: the counts of a part are at most those of the whole, so
 * R + G of the whole text bounds C of every value in it
 * (mxm_json_parse_bound); and since G is a sum over the numbers, so does
 * the part's length plus the whole's G. Given such a bound (not 0),
 * check_size decides the "fits" direction from it alone and measures
 * otherwise; the whole's R - W - E - N says nothing of a part, so it is
 * never used then.
 *
 * On success *size_max is an upper bound of C and *exact says whether it
 * is C itself (mxm_event_check_release reuses them).
 */

/* Object members in the tree (a repeated key in the text is one member). */
static int count_members_cb(const char *key, size_t key_len, const struct mxm_json *val, void *ctx);
static size_t count_members(const struct mxm_json *j)
{
  size_t n = 0, i, len;
  switch(mxm_json_type(j)) {
  case MXM_JSON_OBJECT:
    n = mxm_json_object_len(j);
    (void)mxm_json_object_foreach(j, count_members_cb, &n);
    return n;
  case MXM_JSON_ARRAY:
    len = mxm_json_array_len(j);
    for(i = 0; i < len; i++)
      n += count_members(mxm_json_array_get(j, i));
    return n;
  default:
    return 0;
  }
}
static int count_members_cb(const char *key, size_t key_len, const struct mxm_json *val, void *ctx)
{
  (void)key;
  (void)key_len;
  *(size_t *)ctx += count_members(val);
  return 0;
}

static enum mxm_status too_big(struct parse *p, size_t len, int exact, size_t raw_len)
{
  if(exact)
    return mxm_error_set(p->err, MXM_E_TOO_BIG, "", "event is %zu bytes as canonical JSON; the limit is %d", len,
                         MXM_MAX_EVENT_BYTES);
  return mxm_error_set(p->err, MXM_E_TOO_BIG, "",
                       "event is at least %zu bytes as canonical JSON (%zu bytes of text); the limit is %d", len,
                       raw_len, MXM_MAX_EVENT_BYTES);
}

/* C measured: canonical length, or S for an event the lax encoder refuses.
 * Errors as the encoder's (status, pointer, message). */
static enum mxm_status measure_size(const struct mxm_room_version *rv, const struct mxm_json *root, size_t *len,
                                    struct mxm_error *err)
{
  char *out = NULL;
  struct mxm_error cerr;
  enum mxm_status st = mxmi_canonical_length(root, mxm_canon_mode_for(rv), len);
  if(st == MXM_OK)
    return MXM_OK;
  /* The encoder refuses the event (or ran out of memory): run it for real,
   * for its exact error, and in v1-v5 fall back to the plain form. */
  st = mxm_canonical_encode(root, mxm_canon_mode_for(rv), &out, len, &cerr);
  free(out);
  out = NULL;
  if(st == MXM_E_MALFORMED && !rv->strict_canonical) {
    out = mxm_json_to_string(root, len);
    if(!out)
      return mxm_error_set(err, MXM_E_NOMEM, "", "out of memory");
    free(out);
    return MXM_OK;
  }
  if(st != MXM_OK && err)
    *err = cerr;
  return st;
}

static enum mxm_status check_size(struct parse *p, const struct mxm_json *root, size_t raw_len,
                                  const struct mxmi_json_stats *raw, size_t bound, size_t *size_max, int *exact)
{
  size_t len = 0;
  enum mxm_status st;
  if(!raw && bound && bound <= MXM_MAX_EVENT_BYTES) {
    *size_max = bound;
    *exact = 0; /* a bound of the whole text, not this event's length */
    return MXM_OK;
  }
  if(raw) {
    size_t hi = raw_len + raw->num_grow, slack = raw->ws + raw->esc_shrink + raw->num_shrink;
    size_t lo = raw_len > slack ? raw_len - slack : 0;
    if(hi <= MXM_MAX_EVENT_BYTES) {
      *size_max = hi;
      *exact = lo == hi;
      return MXM_OK;
    }
    if(lo > MXM_MAX_EVENT_BYTES && count_members(root) == raw->n_keys)
      return too_big(p, lo, lo == hi, raw_len);
  }
  st = measure_size(p->rv, root, &len, p->err);
  if(st != MXM_OK)
    return st;
  if(len > MXM_MAX_EVENT_BYTES)
    return too_big(p, len, 1, raw_len);
  *size_max = len;
  *exact = 1;
  return MXM_OK;
}

static enum mxm_status parse_fields(struct parse *p, const struct mxm_json *root, struct mxm_event *ev)
{
  enum mxm_status st;
  const struct mxm_json *v, *content;
  size_t len;
  int is_create;

  if((st = id_field(p, root, "type", 1, &ev->type)) != MXM_OK)
    return st;
  if((st = id_field(p, root, "sender", 1, &ev->sender)) != MXM_OK)
    return st;
  len = strlen(ev->sender);
  if(!mxm_user_id_valid(ev->sender, len))
    return mxm_error_set(p->err, MXM_E_MALFORMED, "/sender",
                         "\"%s\" is not a user ID (@localpart:server_name, appendices "
                         "\"User Identifiers\")", ev->sender);
  if((st = id_field(p, root, "state_key", 0, &ev->state_key)) != MXM_OK)
    return st;

  /* room_id: required, except that a v12 m.room.create has none (its
   * presence there is auth rule 1.2, not a parse error; room_id_v12.yaml). */
  is_create = strcmp(ev->type, "m.room.create") == 0;
  if((st = id_field(p, root, "room_id", !(p->rv->creators_v12 && is_create), &ev->room_id)) != MXM_OK)
    return st;
  if(ev->room_id && ev->room_id[0] != '!')
    return mxm_error_set(p->err, MXM_E_MALFORMED, "/room_id", "a room ID starts with '!'");

  /* event_id: v1/v2 PDUs carry it (pdu_v1.yaml); later PDUs do not, the
   * client form does. */
  if((st = id_field(p, root, "event_id", p->rv->event_id_format == MXM_EVENT_ID_SERVER,
                    &ev->event_id)) != MXM_OK)
    return st;
  if(ev->event_id && ev->event_id[0] != '$')
    return mxm_error_set(p->err, MXM_E_MALFORMED, "/event_id", "an event ID starts with '$'");

  if((st = ref_list(p, root, "prev_events", &ev->prev_events, &ev->n_prev_events)) != MXM_OK)
    return st;
  if((st = ref_list(p, root, "auth_events", &ev->auth_events, &ev->n_auth_events)) != MXM_OK)
    return st;

  v = mxm_json_get(root, "depth");
  if(v) {
    int64_t d = 0;
    if(mxm_json_type(v) == MXM_JSON_BIGINT ||
       (mxm_json_int(v, &d) && (d < 0 || d > p->rv->max_depth)))
      return mxm_error_set(p->err, MXM_E_MALFORMED, "/depth",
                           "depth must be in [0, %lld] in room version %s",
                           (long long)p->rv->max_depth, p->rv->id);
    if(mxm_json_type(v) != MXM_JSON_INT)
      return mxm_error_set(p->err, MXM_E_MALFORMED, "/depth", "depth must be an integer, not %s",
                           mxm_json_type_name(mxm_json_type(v)));
    ev->depth = d;
  }

  content = mxm_json_get(root, "content");
  if(!content)
    return mxm_error_set(p->err, MXM_E_MALFORMED, "/content", "required property \"content\" is missing");
  if(mxm_json_type(content) != MXM_JSON_OBJECT)
    return mxm_error_set(p->err, MXM_E_MALFORMED, "/content", "\"content\" must be an object, not %s",
                         mxm_json_type_name(mxm_json_type(content)));

  ev->prev_membership_raw =
      plain_string(mxm_json_get(mxm_json_get(mxm_json_get(root, "unsigned"), "prev_content"), "membership"),
                   NULL);

  ev->kind = kind_of(ev->type);
  switch(ev->kind) {
  case MXM_EVENT_MEMBER:
    parse_member(content, &ev->u.member);
    return MXM_OK;
  case MXM_EVENT_CREATE:
    return parse_create(p, content, &ev->u.create);
  case MXM_EVENT_POWER_LEVELS:
    return parse_power_levels(p, content, &ev->u.power_levels);
  case MXM_EVENT_JOIN_RULES:
    parse_join_rules(content, &ev->u.join_rules);
    return MXM_OK;
  case MXM_EVENT_THIRD_PARTY_INVITE:
    return parse_tpi(p, content, &ev->u.third_party_invite);
  case MXM_EVENT_OTHER:
    break;
  }
  return MXM_OK;
}

/*
 * The body of mxm_event_from_json and mxm_event_parse. raw is what the
 * parser counted in the raw_len bytes of text the tree came from, or NULL
 * for a tree without text. It lets check_size decide from the text, and
 * tells whether strict_value can find anything: a v6+ event fails it only
 * with a number written with a fraction or exponent, an integer of 16 or
 * more digits (|v| < 10^15 < 2^53 otherwise), or nesting deeper than
 * MXM_JSON_MAX_DEPTH, which the text would show.
 */
static enum mxm_status event_from_json(const struct mxm_json *json, const struct mxm_room_version *rv,
                                       size_t raw_len, const struct mxmi_json_stats *raw, size_t bound,
                                       struct mxm_event **out, struct mxm_error *err)
{
  struct parse p;
  struct mxm_event *ev;
  enum mxm_status st;
  size_t size_max = 0;
  int size_exact = 0;
  if(!out)
    return mxm_error_set(err, MXM_E_USAGE, "", "no output pointer");
  *out = NULL;
  if(!json || !rv)
    return mxm_error_set(err, MXM_E_USAGE, "", "no event or no room version");
  if(mxm_json_type(json) != MXM_JSON_OBJECT)
    return mxm_error_set(err, MXM_E_MALFORMED, "", "an event must be a JSON object, not %s",
                         mxm_json_type_name(mxm_json_type(json)));
  memset(&p, 0, sizeof(p));
  p.rv = rv;
  p.err = err;

  if(rv->strict_canonical &&
     !(raw && raw->n_frac == 0 && raw->n_long_int == 0 && raw->max_depth <= MXM_JSON_MAX_DEPTH)) {
    struct strict_walk w = {&p, 0, MXM_OK, 0};
    if(strict_value(&w, json) != MXM_OK) {
      struct strict_walk named = {&p, 0, MXM_OK, 1}; /* again, naming the value */
      return strict_value(&named, json);
    }
  }
  if((st = check_size(&p, json, raw_len, raw, bound, &size_max, &size_exact)) != MXM_OK)
    return st;

  ev = mxmi_calloc(1, sizeof(*ev));
  if(!ev)
    return mxm_error_set(err, MXM_E_NOMEM, "", "out of memory");
  ev->json = mxm_json_ref(json);
  ev->size_max = size_max;
  ev->size_exact = size_exact;
  /* On failure mxm_event_free releases whatever was built: every owned
   * pointer starts NULL (calloc). */
  st = parse_fields(&p, ev->json, ev);
  if(st != MXM_OK) {
    mxm_event_free(&ev);
    return st;
  }
  *out = ev;
  return MXM_OK;
}

enum mxm_status mxm_event_from_json(const struct mxm_json *json, const struct mxm_room_version *rv,
                                    struct mxm_event **out, struct mxm_error *err)
{
  return event_from_json(json, rv, 0, NULL, 0, out, err);
}

enum mxm_status mxmi_event_from_json_bound(const struct mxm_json *json, const struct mxm_room_version *rv,
                                           size_t size_bound, struct mxm_event **out, struct mxm_error *err)
{
  return event_from_json(json, rv, 0, NULL, size_bound, out, err);
}

enum mxm_status mxm_event_parse(const char *buf, size_t len, const struct mxm_room_version *rv,
                                struct mxm_event **out, struct mxm_error *err)
{
  struct mxm_json *json = NULL;
  struct mxmi_json_stats raw;
  enum mxm_status st;
  if(!out)
    return mxm_error_set(err, MXM_E_USAGE, "", "no output pointer");
  *out = NULL;
  if(!buf && len)
    return mxm_error_set(err, MXM_E_USAGE, "", "no input buffer");
  if(len > MXM_MAX_EVENT_INPUT_BYTES)
    return mxm_error_set(err, MXM_E_TOO_BIG, "",
                         "input is %zu bytes; events are limited to %d bytes of canonical JSON "
                         "and inputs to %zu raw bytes", len, MXM_MAX_EVENT_BYTES,
                         MXM_MAX_EVENT_INPUT_BYTES);
  st = mxmi_json_parse_stats(buf ? buf : "", len, &json, &raw, err);
  if(st != MXM_OK)
    return st;
  st = event_from_json(json, rv, len, &raw, 0, out, err);
  mxm_json_free(&json);
  return st;
}

enum mxm_status mxm_event_check_release(const struct mxm_event *ev, const struct mxm_room_version *rv,
                                        enum mxm_spec_release release, struct mxm_error *err)
{
  size_t len = 0;
  enum mxm_status st;
  if(!ev || !rv)
    return mxm_error_set(err, MXM_E_USAGE, "", "no event or no room version");
  if(mxm_spec_edit_active("event.size_65536", release))
    return MXM_OK;
  /* Parsing left a proven upper bound (exact when measured): it settles
   * almost every event without measuring again. */
  if(ev->size_max && ev->size_max <= MXM_MAX_EVENT_BYTES - 1)
    return MXM_OK;
  if(ev->size_max && ev->size_exact) {
    len = ev->size_max;
  } else {
    /* Measured as parsing does: canonical JSON, or the plain serialisation
     * for a v1-v5 value the lax encoder refuses. */
    st = measure_size(rv, ev->json, &len, NULL);
    if(st != MXM_OK)
      return mxm_error_set(err, st, "", "cannot measure the event");
  }
  if(len > MXM_MAX_EVENT_BYTES - 1)
    return mxm_error_set(err, MXM_E_TOO_BIG, "",
                         "event is %zu bytes as canonical JSON; the %s text limits events to %d bytes", len,
                         mxm_spec_name(release), MXM_MAX_EVENT_BYTES - 1);
  return MXM_OK;
}
