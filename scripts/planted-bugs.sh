#!/usr/bin/env bash
# scripts/planted-bugs.sh: how fast do the fuzzers find known bugs? (the Magma / FuzzBench
# "time to trigger" measure, on bugs we plant ourselves).
#
# Copies the tree to a temporary directory, builds the structure-aware libFuzzer targets there
# once (clang-14, -fsanitize=fuzzer, no other sanitizer: these bugs are semantic), then for each
# planted bug: applies its sed edit to the copy's ref/src (never to the real tree), rebuilds
# incrementally, runs fuzz_differential, fuzz_auth and fuzz_room in turn for at most --seconds
# each, records the time to the first finding, and restores the file. A bug whose sed pattern no
# longer matches the source is reported "NOT APPLIED" (and counts as a failure), never as found.
#
# Modes: "seeded" starts from corpus/<harness>/ (the seeds cover every rule, so this measures
# the corpus plus the checks); "empty" starts from nothing (measures the fuzzer). Default: both.
#
# Exit codes: 0 every applied bug found by some harness in every mode, and every bug applied;
#             1 a bug missed or not applied; 2 usage; 3 build failure.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECONDS_MAX=60 MODES="seeded empty" ONLY="" KEEP=0
HARNESSES=(fuzz_differential fuzz_auth fuzz_room)

usage() {
  cat <<EOF
usage: scripts/planted-bugs.sh [--seconds N] [--mode seeded|empty|both] [--bug NAME] [--keep] [--list]

  --seconds N   time limit per harness run (default 60)
  --mode M      seeded, empty or both (default both)
  --bug NAME    only this bug (see --list)
  --list        list the planted bugs and exit
  --keep        keep the temporary copy
Exit codes: 0 all bugs applied and found; 1 a bug missed or not applied; 2 usage; 3 build failure.
EOF
}

# bug NAME FILE(under ref/src) WHAT SED-PROGRAM
B_NAME=() B_FILE=() B_WHAT=() B_PROG=()
bug() { B_NAME+=("$1"); B_FILE+=("$2"); B_WHAT+=("$3"); B_PROG+=("$4"); }
bug pl_off_by_one auth_member.c 'kick/ban: PL(T) <= PL(S) instead of <' \
  's/return c->pl_sender >= level(c, name) \&\& c->pl_target < c->pl_sender;/return c->pl_sender >= level(c, name) \&\& c->pl_target <= c->pl_sender;/'
bug missing_ban_check auth_member.c 'join: a banned sender may join' \
  's/return c->cur_sender == MXM_MEMBERSHIP_BAN ? MXMI_FIRES : MXMI_NO;/return MXMI_NO;/'
bug knock_in_v6 auth.c 'knock rows active in every room version' \
  '/case MXMI_GATE_KNOCK:/{n;s/return rv->knock;/return 1;/}'
bug self_ban auth_member.c 'ban: a user may ban themselves' \
  's/return kick_ban_check(c, "ban") ? MXMI_FIRES : MXMI_NO;/return (kick_ban_check(c, "ban") || is_self(c)) ? MXMI_FIRES : MXMI_NO;/'
bug unban_without_kick auth_member.c 'unban: kick level not required' \
  's/return kick_ban_check(c, "kick") ? MXMI_FIRES : MXMI_NO;/return (c->cur_target == MXM_MEMBERSHIP_BAN ? c->pl_target < c->pl_sender : kick_ban_check(c, "kick")) ? MXMI_FIRES : MXMI_NO;/'
bug invite_joined_user auth_member.c 'invite: a joined target may be invited' \
  's/return c->cur_target == MXM_MEMBERSHIP_JOIN || c->cur_target == MXM_MEMBERSHIP_BAN ? MXMI_FIRES : MXMI_NO;/return c->cur_target == MXM_MEMBERSHIP_BAN ? MXMI_FIRES : MXMI_NO;/'
bug restricted_no_authoriser auth_member.c 'restricted join: a missing authoriser passes' \
  '/^static int chk_restricted_unauthorised/,/^}/{s/^    return MXMI_FIRES;/    return MXMI_NO;/}'
bug first_join_no_prev_check auth_member.c 'creator join: prev_events not checked' \
  '/^static int chk_join_creator/,/^}/{s/^  if(!prev_is_create)/  if(0 \&\& !prev_is_create)/}'
bug unban_without_ban_level auth_member.c 'unban: ban level not required' \
  's/return c->cur_target == MXM_MEMBERSHIP_BAN \&\& c->pl_sender < level(c, "ban") ? MXMI_FIRES : MXMI_NO;/return MXMI_NO;/'
bug knock_from_invite auth_member.c 'knock: allowed from invite in every release' \
  's/if(m == MXM_MEMBERSHIP_INVITE \&\& !mxmi_edit(c, "knock.from_invite"))/if(0 \&\& m == MXM_MEMBERSHIP_INVITE \&\& !mxmi_edit(c, "knock.from_invite"))/'
bug tpi_mxid_unchecked auth_member.c '3PID invite: signed.mxid not compared with state_key' \
  's/return has_tpi(c) \&\& strcmp(tpi_field(c, "mxid"), c->target) != 0 ? MXMI_FIRES : MXMI_NO;/return MXMI_NO;/'

while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECONDS_MAX="${2:-}"; shift 2 ;;
    --mode) case "${2:-}" in seeded|empty) MODES="$2" ;; both) MODES="seeded empty" ;; *) usage >&2; exit 2 ;; esac; shift 2 ;;
    --bug) ONLY="${2:-}"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --list) for i in "${!B_NAME[@]}"; do printf '%-26s %-15s %s\n' "${B_NAME[$i]}" "${B_FILE[$i]}" "${B_WHAT[$i]}"; done; exit 0 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
[[ "$SECONDS_MAX" =~ ^[1-9][0-9]*$ ]] || { echo "planted-bugs.sh: --seconds needs a positive integer" >&2; exit 2; }

COPY="$(mktemp -d "${TMPDIR:-/tmp}/mxm-planted.XXXXXX")"
cleanup() { if [ "$KEEP" = 1 ]; then echo "planted-bugs.sh: copy kept: $COPY"; else rm -rf "$COPY"; fi; }
trap cleanup EXIT

echo "planted-bugs.sh: copying the tree to $COPY"
(cd "$ROOT" && tar --exclude=./build --exclude=./.git -cf - .) | (cd "$COPY" && tar -xf -)
BUILD="$COPY/build/planted"
build() {
  # shellcheck disable=SC2046
  cmake --build "$BUILD" -j2 --target "${HARNESSES[@]}" >"$COPY/build.log" 2>&1
}
cmake -S "$COPY" -B "$BUILD" -DCMAKE_C_COMPILER=clang-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link" -DMXM_BUILD_FUZZERS=ON -DLIB_FUZZING_ENGINE=-fsanitize=fuzzer \
  -DMXM_WERROR=OFF -DMXM_BUILD_TESTS=OFF >"$COPY/configure.log" 2>&1 || { cat "$COPY/configure.log" >&2; exit 3; }
build || { tail -30 "$COPY/build.log" >&2; exit 3; }

# Sanity: the unmodified build must survive a short run of every harness, or every "detection"
# below would mean nothing.
for h in "${HARNESSES[@]}"; do
  mkdir -p "$COPY/sanity-new-$h" # libFuzzer writes new units to its first directory: never the real corpus
  if ! "$BUILD/fuzzers/$h" -max_total_time=5 "$COPY/sanity-new-$h" "$ROOT/corpus/$h" >"$COPY/sanity-$h.log" 2>&1; then
    echo "planted-bugs.sh: the UNMODIFIED tree already fails $h; fix that first:" >&2
    grep -A12 'MXM-FUZZ FINDING' "$COPY/sanity-$h.log" >&2 || tail -20 "$COPY/sanity-$h.log" >&2
    exit 1
  fi
done

now() { date +%s%N; } # nanoseconds; no bc needed
RESULTS=()
FAIL=0
for i in "${!B_NAME[@]}"; do
  name="${B_NAME[$i]}" file="${B_FILE[$i]}" prog="${B_PROG[$i]}"
  [ -n "$ONLY" ] && [ "$ONLY" != "$name" ] && continue
  src="$COPY/ref/src/$file"
  cp "$src" "$src.orig"
  sed -i "$prog" "$src"
  if cmp -s "$src" "$src.orig"; then
    RESULTS+=("$name|NOT APPLIED (pattern no longer matches ref/src/$file)||")
    FAIL=1
    mv "$src.orig" "$src"
    continue
  fi
  if ! build; then
    RESULTS+=("$name|NOT APPLIED (does not compile)||")
    FAIL=1
    mv "$src.orig" "$src"
    continue
  fi
  for mode in $MODES; do
    best="" cells=""
    for h in "${HARNESSES[@]}"; do
      empty="$COPY/empty-$h"; rm -rf "$empty"; mkdir -p "$empty"
      if [ "$mode" = seeded ]; then dirs=("$empty" "$ROOT/corpus/$h"); else dirs=("$empty"); fi
      t0="$(now)"
      log="$COPY/run-$name-$mode-$h.log"
      if "$BUILD/fuzzers/$h" -max_total_time="$SECONDS_MAX" -seed=1 -artifact_prefix="$COPY/art-" \
          "${dirs[@]}" >"$log" 2>&1; then
        cells+=" $h:miss"
      elif ! grep -q 'MXM-FUZZ FINDING' "$log"; then
        # Not a detection: out of memory, a timeout or another stop of the engine.
        why="$(grep -o 'out-of-memory\|timeout\|deadly signal\|ERROR: [A-Za-z]*' "$log" | head -1 || true)"
        cells+=" $h:stopped(${why:-exit})"
        echo "planted-bugs.sh: $name/$mode/$h stopped without a finding (${why:-non-zero exit}):" >&2
        grep -B2 -A6 'ERROR\|out-of-memory\|timeout' "$log" | head -12 >&2 || true
      else
        ms=$(( ($(now) - t0) / 1000000 ))
        t="$((ms / 1000)).$(( (ms % 1000) / 100 ))"
        execs="$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#' || true)"
        cells+=" $h:${t}s/${execs:-?}ex"
        [ -z "$best" ] && best="${t}s ($h)"
      fi
    done
    [ -z "$best" ] && { best="MISSED"; FAIL=1; }
    RESULTS+=("$name|$mode|$best|$cells")
  done
  mv "$src.orig" "$src"
done
build >/dev/null || true

echo
printf '%-26s %-8s %-28s %s\n' bug mode first-detection "per harness (time/executions)"
for r in "${RESULTS[@]}"; do
  IFS='|' read -r n m b c <<<"$r"
  printf '%-26s %-8s %-28s %s\n' "$n" "$m" "$b" "$c"
done
exit "$FAIL"
