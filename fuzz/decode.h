/*
 * fuzz/decode.h: the structure-aware decoder. Input bytes pick a scenario
 * (fuzz/scenario.h) from small vocabularies, so that every input is a
 * meaningful room and event: a mutation of one byte changes one membership,
 * one power level or one join rule, which is how the semantic bugs are found
 * (toolchain.md, "What finds semantic bugs"). Missing bytes read as 0, so any
 * input, including the empty one, decodes. Pure: no mxm dependency.
 */
#ifndef MXMF_DECODE_H
#define MXMF_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "scenario.h"

struct mxmf_reader {
  const uint8_t *data;
  size_t size, pos;
};

void mxmf_reader_init(struct mxmf_reader *r, const uint8_t *data, size_t size);
uint8_t mxmf_byte(struct mxmf_reader *r); /* next byte, 0 after the end */
int mxmf_reader_done(const struct mxmf_reader *r);

/* Decode a room and one member event. Always succeeds; the case is
 * normalised (a bare room has no members, knock never appears in the state
 * of v1-v6 rooms, the spec release has the room version). */
void mxmf_decode_case(struct mxmf_reader *r, struct mxmf_case *c);

/* Decode only the event part, against a room already decoded (used for the
 * steps of fuzz_room). */
void mxmf_decode_event(struct mxmf_reader *r, const struct mxmf_case *c, struct mxmf_event *ev);

/* Decode one power-level value (used by fuzz_room's power-level steps). */
void mxmf_decode_level(struct mxmf_reader *r, int room_version, struct mxmf_level *l);

#endif /* MXMF_DECODE_H */
