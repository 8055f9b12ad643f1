/*
 * state_int.h: the layout of struct mxm_state (internal to state.c; exposed
 * here only so tests can check the memory bound per member).
 *
 * Strings (user IDs, event IDs, types, state keys, room IDs) live once each
 * in one arena and are named by 32-bit offsets, so a member costs one
 * 24-byte slot in the member map, one 4-byte slot in the intern set for each
 * of its two strings, and a 16-byte slot in the event-ID index; copying a
 * state is a few memcpy calls.
 */
#ifndef MXM_STATE_INT_H
#define MXM_STATE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "mxm/state.h"

/* Offsets into the arena; 0 means "none" (the arena's first byte is unused). */
typedef uint32_t mxmi_str;

struct mxmi_member {
  mxmi_str user;     /* interned user ID (the member event's state_key); 0 = empty slot */
  mxmi_str event_id; /* interned ID of the member's current event */
  uint64_t profile;  /* hash of (displayname, avatar_url); never 0 */
  uint32_t hash;     /* hash of the user ID, kept for probing and growth */
  uint8_t membership; /* enum mxm_membership */
};

struct mxmi_event_ref {
  mxmi_str id;        /* 0 = empty slot */
  mxmi_str type, state_key, room_id; /* room_id 0 = none (v12 create) */
};

struct mxmi_event_slot {
  uint64_t hash;          /* of (type, state_key) */
  struct mxm_event *ev;   /* owned; NULL = empty slot */
};

struct mxmi_server_key {
  char *server, *key_id, *public_key; /* owned (malloc) */
};

struct mxm_state {
  const struct mxm_room_version *rv;
  /* string arena */
  char *arena;
  size_t arena_len, arena_cap;
  /* intern set: arena offsets, open addressing, capacity a power of two */
  mxmi_str *intern;
  size_t intern_cap, intern_count;
  /* members */
  struct mxmi_member *members;
  size_t members_cap, members_count;
  /* event-ID index */
  struct mxmi_event_ref *refs;
  size_t refs_cap, refs_count;
  /* non-member state events by (type, state_key) */
  struct mxmi_event_slot *events;
  size_t events_cap, events_count;
  /* server signing keys (few: a list) */
  struct mxmi_server_key *keys;
  size_t keys_count, keys_cap;
};

/* The profile hash mxm_state_profile_hash gives a member whose current
 * event has this displayname and avatar_url (NULL: absent). Never 0. */
uint64_t mxmi_profile_hash(const char *displayname, const char *avatar_url);

#endif /* MXM_STATE_INT_H */
