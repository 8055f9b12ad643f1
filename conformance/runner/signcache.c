/*
 * signcache.c: the expander's memory of one run. A conformance run builds
 * the same events again and again: every test of a group starts from the
 * group's state, in each room version, and many groups share events (the
 * same create event, the same joins). Deriving a key, hashing and signing
 * are the costly steps (an Ed25519 key pair or signature is about 250,000
 * instructions), so each is done once per run for each distinct input:
 *
 *   - derived keys, by name (mxm_signing_key_for_name);
 *   - SHA-256, by the exact bytes hashed (content hashes, reference hashes);
 *   - Ed25519 signatures, by (public key, exact bytes signed).
 *
 * The memory is keyed by the bytes themselves (compared in full, never only
 * by a digest), so an answer is reused only for the very input it was
 * computed from: the output is byte for byte what computing again would
 * give (Ed25519 signatures are deterministic). It is bounded (MAX_ENTRIES,
 * MAX_BYTES) and forgotten wholesale when full, and by mxmc_expand_reset,
 * which starts a new run (mxm-bench resets before every timed pass, so no
 * pass profits from an earlier one). Not thread-safe: the runner is single-
 * threaded.
 */
#include <stdlib.h>
#include <string.h>

#include "conform.h"

#define MAX_KEYS 256
#define MAX_ENTRIES 65536          /* hashes and signatures remembered */
#define MAX_BYTES ((size_t)64 << 20) /* bytes of input kept for comparison */
#define SLOTS (MAX_ENTRIES * 2)      /* open addressing, at most half full */

struct key_entry {
  char *name; /* owned */
  struct mxm_signing_key key;
};

struct memo_entry {
  uint64_t h;          /* of kind, key and bytes; 0 = empty slot */
  unsigned char kind;  /* 'H' hash, 'S' signature */
  unsigned char pk[32]; /* signatures: the signer's public key */
  char *bytes;         /* owned copy of the input */
  size_t len;
  char out[MXM_SIGNATURE_B64_MAX]; /* the hash (32 bytes) or the base64 signature */
};

static struct key_entry keys[MAX_KEYS];
static size_t n_keys;
static struct memo_entry *slots; /* SLOTS entries, allocated on first use */
static size_t n_entries, n_bytes;
static struct mxmc_expand_stats stats;

static void memo_clear(void)
{
  size_t i;
  if(slots)
    for(i = 0; i < SLOTS; i++) {
      free(slots[i].bytes);
      slots[i].bytes = NULL;
      slots[i].h = 0;
    }
  n_entries = 0;
  n_bytes = 0;
}

void mxmc_expand_reset(void)
{
  size_t i;
  for(i = 0; i < n_keys; i++) {
    free(keys[i].name);
    memset(&keys[i], 0, sizeof(keys[i]));
  }
  n_keys = 0;
  memo_clear();
  free(slots);
  slots = NULL;
  mxmc_expand_rooms_reset();
  mxmc_ref_cache_reset(); /* the in-process backend's states are part of the run */
  memset(&stats, 0, sizeof(stats));
}

void mxmc_expand_stats_get(struct mxmc_expand_stats *out)
{
  *out = stats;
  out->rooms_cached = mxmc_expand_rooms_cached();
}

void mxmc_expand_count_room(int built)
{
  if(built)
    stats.rooms_built++;
  else
    stats.room_hits++;
}

enum mxm_status mxmc_key_for_name(const char *name, struct mxm_signing_key *out)
{
  size_t i;
  enum mxm_status s;
  if(!name || !out)
    return MXM_E_USAGE;
  for(i = 0; i < n_keys; i++)
    if(strcmp(keys[i].name, name) == 0) {
      *out = keys[i].key;
      return MXM_OK;
    }
  s = mxm_signing_key_for_name(name, out);
  stats.keys_derived++;
  if(s != MXM_OK)
    return s;
  if(n_keys == MAX_KEYS) { /* forget them all: a run names few servers */
    for(i = 0; i < n_keys; i++)
      free(keys[i].name);
    n_keys = 0;
  }
  if((keys[n_keys].name = mxmc_strdup(name)) != NULL) {
    keys[n_keys].key = *out;
    n_keys++;
  }
  return MXM_OK;
}

/* FNV-1a over kind, key and bytes, never 0. */
static uint64_t memo_hash(unsigned char kind, const unsigned char *pk, const char *bytes, size_t len)
{
  uint64_t h = 0xcbf29ce484222325ULL;
  size_t i;
  h = (h ^ kind) * 0x100000001b3ULL;
  if(pk)
    for(i = 0; i < 32; i++)
      h = (h ^ pk[i]) * 0x100000001b3ULL;
  for(i = 0; i < len; i++)
    h = (h ^ (unsigned char)bytes[i]) * 0x100000001b3ULL;
  h ^= h >> 29;
  return h ? h : 1;
}

/* The slot holding (kind, pk, bytes), or the empty slot where it goes;
 * NULL without a table. */
static struct memo_entry *memo_find(uint64_t h, unsigned char kind, const unsigned char *pk, const char *bytes,
                                    size_t len)
{
  size_t j;
  if(!slots && !(slots = calloc(SLOTS, sizeof(*slots))))
    return NULL;
  for(j = h & (SLOTS - 1); slots[j].h; j = (j + 1) & (SLOTS - 1)) {
    const struct memo_entry *e = &slots[j];
    if(e->h == h && e->kind == kind && e->len == len && (!pk || memcmp(e->pk, pk, 32) == 0) &&
       memcmp(e->bytes, bytes, len) == 0)
      return &slots[j];
  }
  return &slots[j];
}

/* Remember out for (kind, pk, bytes) in the empty slot e (or forget
 * everything first when full; then it is simply not remembered). */
static void memo_put(struct memo_entry *e, uint64_t h, unsigned char kind, const unsigned char *pk, const char *bytes,
                     size_t len, const void *out, size_t out_len)
{
  if(n_entries + 1 > MAX_ENTRIES || n_bytes + len > MAX_BYTES) {
    memo_clear();
    return;
  }
  e->bytes = malloc(len ? len : 1);
  if(!e->bytes)
    return;
  memcpy(e->bytes, bytes, len);
  e->len = len;
  e->kind = kind;
  if(pk)
    memcpy(e->pk, pk, 32);
  memcpy(e->out, out, out_len);
  e->h = h;
  n_entries++;
  n_bytes += len;
}

enum mxm_status mxmc_sha256_once(const char *bytes, size_t len, unsigned char out[32])
{
  uint64_t h = memo_hash('H', NULL, bytes, len);
  struct memo_entry *e = memo_find(h, 'H', NULL, bytes, len);
  enum mxm_status s;
  if(e && e->h) {
    memcpy(out, e->out, 32);
    stats.hash_hits++;
    return MXM_OK;
  }
  s = mxm_sha256(bytes, len, out);
  stats.hashes++;
  if(s == MXM_OK && e)
    memo_put(e, h, 'H', NULL, bytes, len, out, 32);
  return s;
}

enum mxm_status mxmc_sign_once(const char *bytes, size_t len, const struct mxm_signing_key *key,
                               char sig_b64[MXM_SIGNATURE_B64_MAX], struct mxm_error *err)
{
  uint64_t h = memo_hash('S', key->public_key, bytes, len);
  struct memo_entry *e = memo_find(h, 'S', key->public_key, bytes, len);
  enum mxm_status s;
  if(e && e->h) {
    memcpy(sig_b64, e->out, MXM_SIGNATURE_B64_MAX);
    stats.sign_hits++;
    return MXM_OK;
  }
  s = mxm_sign_bytes_b64(bytes, len, key, sig_b64, err);
  stats.signatures++;
  if(s == MXM_OK && e)
    memo_put(e, h, 'S', key->public_key, bytes, len, sig_b64, MXM_SIGNATURE_B64_MAX);
  return s;
}
