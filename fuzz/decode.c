/*
 * fuzz/decode.c: bytes -> scenario (see decode.h).
 *
 * Byte layout (one byte per field unless noted; see mxmf_decode_case):
 *   0 room version, 1 spec release, 2 room flags, 3 v12 additional creators,
 *   4-8 memberships of the five users, 9 power-levels presence,
 *   10-18 ban, kick, invite, users_default and five user levels,
 *   19 join rule, 20-23 two 3PID token events (2 bytes each),
 *   24.. the event (see mxmf_decode_event), ending in its auth_events
 *   (one byte, a second one for a wrong list).
 * A level byte with bits 0xf1 all set reads one more byte: an edge
 * spelling (MXMF_PL_SPELLED).
 * Vocabularies are weighted toward the interesting values (joined senders,
 * levels around the defaults 0/50/100, forms the version allows).
 */
#include "decode.h"

#include <string.h>

void mxmf_reader_init(struct mxmf_reader *r, const uint8_t *data, size_t size)
{
  r->data = data;
  r->size = size;
  r->pos = 0;
}

uint8_t mxmf_byte(struct mxmf_reader *r)
{
  if(r->pos >= r->size)
    return 0;
  return r->data[r->pos++];
}

int mxmf_reader_done(const struct mxmf_reader *r) { return r->pos >= r->size; }

/* Levels near the boundaries that matter: the defaults (0, 50, 100) and
 * their neighbours, a negative one, and equal values on purpose. */
static const int64_t level_vocab[8] = {0, 50, 100, 49, 51, 1, 99, -1};

void mxmf_decode_level(struct mxmf_reader *r, int room_version, struct mxmf_level *l)
{
  uint8_t b = mxmf_byte(r);
  unsigned form = (b >> 4) & 3u;
  memset(l, 0, sizeof(*l));
  l->present = (b & 1u) ? 1 : 0;
  l->value = level_vocab[(b >> 1) & 7u];
  /* Forms: 0-1 integer, 2 string, 3 float. Unless bit 7 asks for any form,
   * keep to the forms the version allows, so that most states are valid. */
  l->form = form == 2 ? MXMF_PL_STRING : form == 3 ? MXMF_PL_FLOAT : MXMF_PL_INT;
  if(!(b & 0x80u)) {
    if(l->form == MXMF_PL_STRING && room_version >= 10)
      l->form = MXMF_PL_INT;
    if(l->form == MXMF_PL_FLOAT && room_version >= 6)
      l->form = MXMF_PL_INT;
  }
  l->variant = (b >> 6) & 1u;
  /* Rare: one of the edge spellings (scenario.c), from the next byte. Any
   * room version: which are valid where is for the oracle to say. */
  if((b & 0xf1u) == 0xf1u) {
    l->form = MXMF_PL_SPELLED;
    l->variant = mxmf_byte(r) % mxmf_n_level_spellings;
    l->value = 0;
  }
}

/* Memberships in the state, weighted toward join (a sender must usually be
 * joined for anything interesting to happen). */
static const enum mxmf_membership state_vocab[8] = {MXMF_M_NONE, MXMF_M_INVITE, MXMF_M_JOIN, MXMF_M_JOIN,
                                                    MXMF_M_JOIN, MXMF_M_LEAVE, MXMF_M_BAN, MXMF_M_KNOCK};

/* The event's membership: the five values, weighted, plus the three shapes
 * the member rule must reject. */
static const enum mxmf_membership event_vocab[16] = {
    MXMF_M_JOIN,  MXMF_M_JOIN,  MXMF_M_JOIN,  MXMF_M_INVITE, MXMF_M_INVITE, MXMF_M_INVITE,
    MXMF_M_LEAVE, MXMF_M_LEAVE, MXMF_M_LEAVE, MXMF_M_BAN,    MXMF_M_BAN,    MXMF_M_KNOCK,
    MXMF_M_KNOCK, MXMF_M_FOO,   MXMF_M_NOTSTRING, MXMF_M_ABSENT};

/* ---- auth_events ---------------------------------------------------------- */

static int member_exists(const struct mxmf_case *c, int u) { return !c->bare && c->member[u] != MXMF_M_NONE; }

static void ae_add(struct mxmf_auth_events *a, enum mxmf_ae_what what, int index)
{
  if(a->n < MXMF_AE_MAX) {
    a->e[a->n].what = (uint8_t)what;
    a->e[a->n].index = (uint8_t)index;
    a->n++;
  }
}

/* The decoder's own idea of the selection, only as a starting point the
 * mutations below move away from; it may be wrong on purpose (v12's create,
 * knock's join rules before v1.14): the oracle judges every list. */
static void ae_right(const struct mxmf_case *c, const struct mxmf_event *ev, struct mxmf_auth_events *a)
{
  enum mxmf_membership m = ev->membership;
  ae_add(a, MXMF_AE_CREATE, 0);
  if(!c->bare && c->power.present)
    ae_add(a, MXMF_AE_POWER, 0);
  if(member_exists(c, ev->sender))
    ae_add(a, MXMF_AE_MEMBER, ev->sender);
  if(!ev->omit_state_key && ev->target != ev->sender && member_exists(c, ev->target))
    ae_add(a, MXMF_AE_MEMBER, ev->target);
  if(!c->bare && c->join_rule != MXMF_JR_NO_EVENT && (m == MXMF_M_JOIN || m == MXMF_M_INVITE || m == MXMF_M_KNOCK))
    ae_add(a, MXMF_AE_JOIN_RULES, 0);
  if(m == MXMF_M_INVITE && ev->tpi.present && !ev->tpi.omit_signed && !ev->tpi.omit_token && ev->tpi.token < MXMF_TOKENS &&
     !c->bare && c->tokens[ev->tpi.token].present)
    ae_add(a, MXMF_AE_TOKEN, ev->tpi.token);
  if(m == MXMF_M_JOIN && ev->authoriser >= 0 && ev->authoriser != ev->sender && ev->authoriser != ev->target &&
     member_exists(c, ev->authoriser))
    ae_add(a, MXMF_AE_MEMBER, ev->authoriser);
}

/* Byte: bits 0-2 mode (0-2: "[]", 3-4: the selection, 5: one entry left
 * out, 6: one entry added, 7: one entry twice); mutations read a second
 * byte. Only events the room holds are named (and the rejected one). */
static void decode_auth(struct mxmf_reader *r, const struct mxmf_case *c, struct mxmf_event *ev)
{
  struct mxmf_auth_events *a = &ev->auth;
  uint8_t b = mxmf_byte(r), b2;
  unsigned mode = b & 7u;
  memset(a, 0, sizeof(*a));
  if(mode < 3)
    return;
  ae_right(c, ev, a);
  if(mode < 5)
    return;
  b2 = mxmf_byte(r);
  if(mode == 5 && a->n > 1) { /* leave one out (keep the list non-empty) */
    unsigned k = b2 % a->n;
    memmove(&a->e[k], &a->e[k + 1], (a->n - k - 1) * sizeof(a->e[0]));
    a->n--;
  } else if(mode == 6) { /* add one: another user's member, the join rules, a token, the rejected event */
    int u = (b2 >> 3) % MXMF_USERS;
    switch(b2 & 7u) {
    case 0: case 1:
      if(member_exists(c, u))
        ae_add(a, MXMF_AE_MEMBER, u);
      break;
    case 2:
      if(!c->bare && c->join_rule != MXMF_JR_NO_EVENT)
        ae_add(a, MXMF_AE_JOIN_RULES, 0);
      break;
    case 3: case 4:
      if(!c->bare && c->tokens[(b2 & 7u) - 3].present)
        ae_add(a, MXMF_AE_TOKEN, (b2 & 7u) - 3);
      break;
    case 5:
      ae_add(a, MXMF_AE_REJECTED, ev->sender);
      break;
    default:
      ae_add(a, MXMF_AE_REJECTED, u);
      break;
    }
  } else if(mode == 7 && a->n > 0) { /* one entry twice */
    ae_add(a, (enum mxmf_ae_what)a->e[b2 % a->n].what, a->e[b2 % a->n].index);
  }
  if((b2 & 0xc0u) == 0xc0u && a->n > 1) { /* and sometimes out of order */
    struct mxmf_ae_entry t = a->e[0];
    a->e[0] = a->e[a->n - 1];
    a->e[a->n - 1] = t;
  }
}

void mxmf_decode_event(struct mxmf_reader *r, const struct mxmf_case *c, struct mxmf_event *ev)
{
  uint8_t b;
  memset(ev, 0, sizeof(*ev));
  ev->authoriser = -1;

  b = mxmf_byte(r);
  ev->sender = b % MXMF_USERS;
  ev->membership = event_vocab[(b >> 4) & 15u];

  b = mxmf_byte(r); /* target: half the time the sender itself */
  ev->target = (b & 0x80u) ? ev->sender : (b % MXMF_USERS);
  ev->prev_create = (b >> 4) & 1u;
  ev->displayname = (b >> 5) & 3u;

  b = mxmf_byte(r); /* join_authorised_via_users_server and rule 4.2 signature */
  if(b & 3u) {
    static const enum mxmf_auth_sig sigs[4] = {MXMF_ASIG_RIGHT, MXMF_ASIG_RIGHT, MXMF_ASIG_WRONG, MXMF_ASIG_NONE};
    if((b & 3u) == 3u) { /* a quarter of these: no authoriser at all */
      ev->authoriser = -1;
    } else {
      ev->authoriser = (b >> 2) % MXMF_USERS;
      ev->auth_sig = sigs[(b >> 5) & 3u];
    }
  }
  if((b & 0x80u) && (b & 3u) == 3u)
    ev->omit_state_key = 1; /* rare: no state_key at all */

  b = mxmf_byte(r); /* third-party invite */
  if((b & 3u) == 1u) {
    uint8_t b2 = mxmf_byte(r);
    unsigned omit = (b >> 2) & 7u;
    ev->tpi.present = 1;
    ev->tpi.omit_signed = omit == 7;
    ev->tpi.omit_mxid = omit == 6;
    ev->tpi.omit_token = omit == 5;
    ev->tpi.signer = (enum mxmf_is_key)((b >> 5) % 3u);
    if(ev->tpi.signer == MXMF_KEY_NONE && !(b & 0x80u))
      ev->tpi.signer = MXMF_KEY_IS1;
    ev->tpi.corrupt = ((b2 & 7u) == 7u);
    ev->tpi.mxid = (b2 & 0x80u) ? ev->target : (int)((b2 >> 3) % MXMF_USERS);
    ev->tpi.token = (b2 >> 6) & 1u;
    if(((b2 >> 3) & 15u) == 15u)
      ev->tpi.token = MXMF_TOKENS; /* unknown token */
  }
  decode_auth(r, c, ev);
}

void mxmf_decode_case(struct mxmf_reader *r, struct mxmf_case *c)
{
  uint8_t b;
  int intro;
  memset(c, 0, sizeof(*c));

  c->room_version = 1 + mxmf_byte(r) % 12;
  intro = mxmf_version_intro(c->room_version);
  b = mxmf_byte(r);
  /* Half the time the current text (what most users check against). */
  c->spec = (b & 1u) ? MXMF_SPEC_CURRENT : intro + (b >> 1) % (MXMF_SPEC_CURRENT + 1 - intro);

  b = mxmf_byte(r);
  c->bare = (b & 15u) == 0;
  c->no_federate = (b >> 4) & 1u;
  c->allow_list = (b >> 5) & 1u;
  b = mxmf_byte(r);
  if(c->room_version == 12)
    c->additional_creators = b & 0x1eu & ((b & 0x80u) ? 0x1eu : 0x04u); /* usually only carol */

  for(int u = 0; u < MXMF_USERS; u++) {
    b = mxmf_byte(r);
    c->member[u] = state_vocab[b & 7u];
    c->displayname[u] = (b >> 3) & 3u;
    if(c->member[u] == MXMF_M_KNOCK && c->room_version < 7)
      c->member[u] = MXMF_M_LEAVE; /* no knock in the state of a room without it */
  }

  b = mxmf_byte(r);
  c->power.present = (b & 3u) != 0;
  mxmf_decode_level(r, c->room_version, &c->power.ban);
  mxmf_decode_level(r, c->room_version, &c->power.kick);
  mxmf_decode_level(r, c->room_version, &c->power.invite);
  mxmf_decode_level(r, c->room_version, &c->power.users_default);
  for(int u = 0; u < MXMF_USERS; u++)
    mxmf_decode_level(r, c->room_version, &c->power.users[u]);

  b = mxmf_byte(r);
  c->join_rule = (enum mxmf_join_rule)(b % MXMF_JR_COUNT);

  for(int t = 0; t < MXMF_TOKENS; t++) {
    uint8_t b1 = mxmf_byte(r), b2 = mxmf_byte(r);
    c->tokens[t].present = (b1 & 1u);
    c->tokens[t].sender = (b1 >> 1) % MXMF_USERS;
    c->tokens[t].public_key = (b2 & 1u) ? MXMF_KEY_IS2 : MXMF_KEY_IS1;
    c->tokens[t].extra_key = (enum mxmf_is_key)((b2 >> 1) % 3u);
    c->tokens[t].urlsafe = (b2 >> 3) & 1u;
  }

  if(c->bare) { /* before the event, whose auth_events name only what the room holds */
    memset(c->member, 0, sizeof(c->member));
    memset(&c->power, 0, sizeof(c->power));
    c->join_rule = MXMF_JR_NO_EVENT;
    memset(c->tokens, 0, sizeof(c->tokens));
  }
  mxmf_decode_event(r, c, &c->ev);
}
