/*
 * fuzz/decode.c: bytes -> scenario (see decode.h).
 *
 * Byte layout (one byte per field unless noted; see mxmf_decode_case):
 *   0 room version, 1 spec release, 2 room flags, 3 v12 additional creators,
 *   4-8 memberships of the five users, 9 power-levels presence,
 *   10-18 ban, kick, invite, users_default and five user levels,
 *   19 join rule, 20-23 two 3PID token events (2 bytes each),
 *   24.. the event (see mxmf_decode_event).
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

void mxmf_decode_event(struct mxmf_reader *r, const struct mxmf_case *c, struct mxmf_event *ev)
{
  uint8_t b;
  (void)c;
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

  if(c->bare) {
    memset(c->member, 0, sizeof(c->member));
    memset(&c->power, 0, sizeof(c->power));
    c->join_rule = MXMF_JR_NO_EVENT;
    memset(c->tokens, 0, sizeof(c->tokens));
  }
  mxmf_decode_event(r, c, &c->ev);
}
