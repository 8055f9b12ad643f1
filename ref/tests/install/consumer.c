/* consumer.c: a program outside the tree that uses the installed libmxm
 * (ref/tests/install_test.sh builds it with CMake and with pkg-config).
 * It prints the library's version, the canonical form of a JSON text, the
 * transition-table cell of invite -> join, and whether room version 12 is
 * known; exit 0 only if each answer is the expected one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mxm/mxm.h>

int main(void)
{
  static const char text[] = "{\"b\": 2, \"a\": [1, \"x\"]}";
  struct mxm_json *j = NULL;
  struct mxm_error err;
  char *out = NULL;
  const char *cell;
  int ok = 1;

  printf("mxm %s (header %s)\n", mxm_version(), MXM_VERSION);
  ok &= strcmp(mxm_version(), MXM_VERSION) == 0;
  if(mxm_json_parse(text, sizeof(text) - 1, &j, &err) != MXM_OK ||
     mxm_canonical_encode(j, MXM_CANON_STRICT, &out, NULL, &err) != MXM_OK) {
    fprintf(stderr, "consumer: %s at %s\n", err.message, err.where);
    return 1;
  }
  printf("canonical %s\n", out);
  ok &= strcmp(out, "{\"a\":[1,\"x\"],\"b\":2}") == 0;
  free(out);
  mxm_json_free(&j);
  cell = mxm_table_cell(MXM_ERA_V1_3, MXM_MEMBERSHIP_INVITE, MXM_MEMBERSHIP_JOIN);
  printf("invite -> join: %s\n", cell ? cell : "(none)");
  ok &= cell && strcmp(cell, "User joined the room.") == 0;
  ok &= mxm_room_version_find("12") != NULL && mxm_room_version_find("99") == NULL;
  puts(ok ? "consumer: ok" : "consumer: WRONG");
  return ok ? 0 : 1;
}
