/*
 * mxm/sign.h: hashes, event IDs, Ed25519 signing and verification
 * (content/appendices.md "Signing JSON", content/server-server-api.md
 * "Signing Events", "Calculating the reference hash"). libsodium does every
 * cryptographic operation; nothing here is hand-written crypto.
 */
#ifndef MXM_SIGN_H
#define MXM_SIGN_H

#include <stddef.h>

#include "mxm/canonical.h"
#include "mxm/json.h"
#include "mxm/status.h"
#include "mxm/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Unpadded base64 of 32 bytes is 43 chars; room for "$" and NUL. A v1/v2
 * event ID (chosen by the server, up to 255 bytes) longer than
 * MXM_EVENT_ID_MAX - 1 bytes makes mxm_compute_event_id fail with
 * MXM_E_TOO_BIG; use the event's event_id field directly for those. */
#define MXM_EVENT_ID_MAX 64
/* Unpadded base64 of a 64-byte Ed25519 signature is 86 chars; with NUL. */
#define MXM_SIGNATURE_B64_MAX 90

struct mxm_signing_key {
  unsigned char seed[32];
  unsigned char public_key[32];
  unsigned char secret_key[64];
  char key_id[64]; /* "ed25519:1" */
};

/* Derive a key from a 32-byte seed. key_id must start "ed25519:". */
enum mxm_status mxm_signing_key_from_seed(const unsigned char seed[32], const char *key_id,
                                          struct mxm_signing_key *out) MXM_MUST_CHECK;
/* The same from an unpadded base64 seed (standard or URL-safe), as in the
 * appendix test vectors. */
enum mxm_status mxm_signing_key_from_seed_b64(const char *seed_b64, const char *key_id,
                                              struct mxm_signing_key *out, struct mxm_error *err) MXM_MUST_CHECK;
/* The conformance corpus's derived key for a name: seed = SHA-256 of
 * "mxm-conformance-key:" + name, key ID "ed25519:1" (conformance/FORMAT.md). */
enum mxm_status mxm_signing_key_for_name(const char *name, struct mxm_signing_key *out) MXM_MUST_CHECK;
/* Unpadded standard base64 of the public key into buf (>= 44 bytes). */
void mxm_signing_key_public_b64(const struct mxm_signing_key *key, char *buf, size_t buflen);

/* Decode unpadded base64 in either alphabet (standard or URL-safe). Returns
 * the number of bytes written, or -1 if s is not valid base64 or too long. */
long mxm_base64_decode_any(const char *s, unsigned char *out, size_t outlen);

/* Sign a JSON object as appendices "Signing JSON": remove signatures and
 * unsigned, canonicalise (strict), sign, and add
 * signatures[entity][key->key_id]. Keeps existing signatures and unsigned. */
enum mxm_status mxm_sign_json(struct mxm_json *obj, const char *entity, const struct mxm_signing_key *key,
                              struct mxm_error *err) MXM_MUST_CHECK;

/* 1 if obj carries a signature by entity under key_id that verifies with
 * public_key (32 bytes); 0 otherwise (missing, malformed or bad). */
int mxm_verify_json(const struct mxm_json *obj, const char *entity, const char *key_id,
                    const unsigned char public_key[32]);

/* Content hash: SHA-256 of the canonical event without unsigned,
 * signatures and hashes. */
enum mxm_status mxm_content_hash(const struct mxm_json *event, const struct mxm_room_version *rv,
                                 unsigned char out[32], struct mxm_error *err) MXM_MUST_CHECK;
/* Reference hash: SHA-256 of the canonical redacted event without
 * signatures and unsigned. */
enum mxm_status mxm_reference_hash(const struct mxm_json *event, const struct mxm_room_version *rv,
                                   unsigned char out[32], struct mxm_error *err) MXM_MUST_CHECK;
/* The event ID: v1/v2 the event's event_id field (MXM_E_MALFORMED if
 * absent); v3 "$" + standard unpadded base64 of the reference hash; v4+
 * URL-safe. */
enum mxm_status mxm_compute_event_id(const struct mxm_json *event, const struct mxm_room_version *rv,
                                     char out[MXM_EVENT_ID_MAX], struct mxm_error *err) MXM_MUST_CHECK;

/* Sign an event as a server does: set hashes.sha256 (content hash), then
 * sign the redacted form and copy the signature into event. */
enum mxm_status mxm_sign_event(struct mxm_json *event, const struct mxm_room_version *rv, const char *server,
                               const struct mxm_signing_key *key, struct mxm_error *err) MXM_MUST_CHECK;

/* 1 if the redacted form of event carries a valid signature by server with
 * one of the given keys. */
int mxm_verify_event_server(const struct mxm_json *event, const struct mxm_room_version *rv,
                            const char *server, const char *key_id, const unsigned char public_key[32]);
/* The same for a caller that must tell "does not verify" from "could not
 * check": MXM_OK with *valid set to 0 or 1, MXM_E_NOMEM when the redaction
 * or the canonical encoding ran out of memory (mxm_verify_event_server
 * answers 0 then), MXM_E_USAGE without rv or valid. */
enum mxm_status mxm_verify_event_server_status(const struct mxm_json *event, const struct mxm_room_version *rv,
                                               const char *server, const char *key_id,
                                               const unsigned char public_key[32], int *valid) MXM_MUST_CHECK;

/* Room version 12: the room ID is "!" + the create event's ID without the
 * leading "$" (content/rooms/v12.md). create_event must be the m.room.create
 * event; rv must be a version whose room ID comes from the create event
 * (rv->creators_v12), else MXM_E_UNSUPPORTED. */
enum mxm_status mxm_room_id_from_create(const struct mxm_json *create_event, const struct mxm_room_version *rv,
                                        char out[MXM_EVENT_ID_MAX], struct mxm_error *err) MXM_MUST_CHECK;

/* The bytes a server signs for an event, which are also the bytes its
 * reference hash covers: the canonical JSON (the room version's mode) of the
 * redacted event without `signatures` and `unsigned` (server-server API
 * "Signing Events", "Calculating the reference hash"). One encoding serves
 * the signatures of every server and the event ID. *out is malloc'd
 * (free()). Errors as mxm_redact and mxm_canonical_encode. */
enum mxm_status mxm_event_signing_bytes(const struct mxm_json *event, const struct mxm_room_version *rv, char **out,
                                        size_t *out_len, struct mxm_error *err) MXM_MUST_CHECK;

/* The event ID of a room version whose IDs are reference hashes (v3+) from
 * that hash: "$" + unpadded base64, standard (v3) or URL-safe (v4+).
 * MXM_E_UNSUPPORTED for v1/v2 (their IDs are chosen by the server). */
enum mxm_status mxm_event_id_from_hash(const unsigned char hash[32], const struct mxm_room_version *rv,
                                       char out[MXM_EVENT_ID_MAX]) MXM_MUST_CHECK;

/* SHA-256 of len bytes (libsodium). MXM_OK, MXM_E_USAGE, MXM_E_CRYPTO. */
enum mxm_status mxm_sha256(const void *data, size_t len, unsigned char out[32]) MXM_MUST_CHECK;

/* Ed25519 signature of msg[0..len) with key, as unpadded standard base64. */
enum mxm_status mxm_sign_bytes_b64(const char *msg, size_t len, const struct mxm_signing_key *key,
                                   char sig_b64[MXM_SIGNATURE_B64_MAX], struct mxm_error *err) MXM_MUST_CHECK;

/* Unpadded standard base64 of len bytes into buf (buflen >= 4*ceil(len/3)+1).
 * Returns buf, or NULL if buflen is too small. */
char *mxm_base64_encode(const unsigned char *bin, size_t len, char *buf, size_t buflen);

/* mxm_verify_json with the canonical mode given (events of room versions
 * 1-5 are canonicalised in MXM_CANON_LAX mode). */
int mxm_verify_json_mode(const struct mxm_json *obj, const char *entity, const char *key_id,
                         const unsigned char public_key[32], enum mxm_canon_mode mode);

/* The bytes a signature of obj covers: canonical JSON of obj without
 * `signatures` and `unsigned` (appendices "Signing Details"). *out is
 * malloc'd (free()). Errors as mxm_canonical_encode; MXM_E_MALFORMED if obj
 * is not an object. */
enum mxm_status mxm_signing_bytes(const struct mxm_json *obj, enum mxm_canon_mode mode, char **out,
                                  size_t *out_len, struct mxm_error *err) MXM_MUST_CHECK;

/* 1 if sig_b64 (unpadded base64, either alphabet) is a valid Ed25519
 * signature of msg[0..len) under public_key; 0 otherwise. */
int mxm_verify_detached_b64(const char *msg, size_t len, const char *sig_b64, const unsigned char public_key[32]);

#ifdef __cplusplus
}
#endif
#endif /* MXM_SIGN_H */
