#!/usr/bin/env bash
# scripts/planted-bugs.sh: how reliably and how fast do the fuzzers find known bugs? (the Magma
# measure: found/N over repeated trials, median time and executions to the first finding).
#
# Copies the tree to a temporary directory and builds the structure-aware libFuzzer targets there
# (clang-14, -fsanitize=fuzzer, no other sanitizer: these bugs are semantic). Then:
#   1. the UNMODIFIED build runs every trial a bug gets (same harnesses, modes, seeds, length) and
#      must find nothing: otherwise a "detection" below could be a bug of the tree itself;
#   2. for each planted bug: its sed edit is applied to the copy's ref/src (never to the real
#      tree), the library is rebuilt, and the build is checked to differ from the unmodified one
#      by exactly the bug: the source differs from the original only in the edited lines (shown),
#      and of every object file of the build only the edited file's object changed (sha256);
#      then --trials runs per harness and mode, each with its own -seed, each stopped at the first
#      finding or after --seconds;
#   3. the file is restored and rebuilt (restored with a new mtime, so make does rebuild it), and
#      every object file must again equal the unmodified build's, before the next bug is planted.
# A bug whose sed pattern no longer matches is "NOT APPLIED" and a failure, never "found".
#
# Modes: "seeded" starts from corpus/<harness>/ (the seeds cover every rule, so this measures the
# corpus plus the checks); "empty" starts from nothing (measures the fuzzer). Default: both.
# Worst-case cost (every trial a miss) is printed before the runs start, in core-seconds; the runs
# are serial, so run the script under a one-core slot on a shared machine.
#
# Output: one row per (bug, mode, harness): found/N, median seconds and median executions of the
# trials that found it (libFuzzer's stat::number_of_executed_units); --tsv FILE writes the rows.
#
# Exit codes: 0 every bug applied, differing only by itself, and found in some trial of every mode,
#             and the unmodified build found nothing; 1 otherwise; 2 usage; 3 build failure.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECONDS_MAX=10 TRIALS=5 MODES="seeded empty" ONLY="" KEEP=0 TSV=""
HARNESSES=(fuzz_differential fuzz_auth fuzz_room)

usage() {
  cat <<EOF
usage: scripts/planted-bugs.sh [--seconds N] [--trials N] [--mode seeded|empty|both] [--harness H]
                               [--bug NAME] [--tsv FILE] [--keep] [--list]

  --seconds N   time limit of one trial (default 10)
  --trials N    trials per bug, harness and mode, seeds 1..N (default 5)
  --mode M      seeded, empty or both (default both)
  --harness H   only this harness (default: fuzz_differential, fuzz_auth, fuzz_room)
  --bug NAME    only this bug (see --list)
  --tsv FILE    also write the result rows, tab-separated, to FILE
  --list        list the planted bugs and exit
  --keep        keep the temporary copy
Exit codes: 0 all bugs applied, isolated and found, the unmodified build clean; 1 otherwise;
            2 usage; 3 build failure.
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
  's/return !mxid || strcmp(mxid, c->target) != 0 ? MXMI_FIRES : MXMI_NO;/return MXMI_NO;/'

need_value() { [ $# -ge 2 ] && [ -n "$2" ] || { echo "planted-bugs.sh: $1 needs a value" >&2; exit 2; }; }
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) need_value "$@"; SECONDS_MAX="$2"; shift 2 ;;
    --trials) need_value "$@"; TRIALS="$2"; shift 2 ;;
    --mode) need_value "$@"; case "$2" in seeded|empty) MODES="$2" ;; both) MODES="seeded empty" ;; *) usage >&2; exit 2 ;; esac; shift 2 ;;
    --harness) need_value "$@"; case "$2" in fuzz_differential|fuzz_auth|fuzz_room) HARNESSES=("$2") ;; *) usage >&2; exit 2 ;; esac; shift 2 ;;
    --bug) need_value "$@"; ONLY="$2"; shift 2 ;;
    --tsv) need_value "$@"; TSV="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --list) for i in "${!B_NAME[@]}"; do printf '%-26s %-15s %s\n' "${B_NAME[$i]}" "${B_FILE[$i]}" "${B_WHAT[$i]}"; done; exit 0 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
[[ "$SECONDS_MAX" =~ ^[1-9][0-9]*$ ]] || { echo "planted-bugs.sh: --seconds needs a positive integer" >&2; exit 2; }
[[ "$TRIALS" =~ ^[1-9][0-9]*$ ]] || { echo "planted-bugs.sh: --trials needs a positive integer" >&2; exit 2; }
if [ -n "$ONLY" ]; then
  found_bug=0
  for n in "${B_NAME[@]}"; do [ "$n" = "$ONLY" ] && found_bug=1; done
  [ "$found_bug" = 1 ] || { echo "planted-bugs.sh: no planted bug named '$ONLY' (see --list)" >&2; exit 2; }
fi
[ -z "$TSV" ] || : >"$TSV" || { echo "planted-bugs.sh: cannot write $TSV" >&2; exit 2; }

n_bugs=0
for n in "${B_NAME[@]}"; do [ -z "$ONLY" ] || [ "$n" = "$ONLY" ] && n_bugs=$((n_bugs + 1)); done
n_modes=$(wc -w <<<"$MODES")
runs=$(( (n_bugs + 1) * n_modes * ${#HARNESSES[@]} * TRIALS ))
echo "planted-bugs.sh: $n_bugs bug(s) + the unmodified build, $n_modes mode(s), ${#HARNESSES[@]} harness(es), $TRIALS trial(s) of at most ${SECONDS_MAX}s:"
echo "planted-bugs.sh: $runs runs, at most $((runs * SECONDS_MAX)) core-seconds (a found bug stops its trial early)"

COPY="$(mktemp -d "${TMPDIR:-/tmp}/mxm-planted.XXXXXX")"
cleanup() { if [ "$KEEP" = 1 ]; then echo "planted-bugs.sh: copy kept: $COPY"; else rm -rf "$COPY"; fi; }
trap cleanup EXIT

echo "planted-bugs.sh: copying the tree to $COPY"
(cd "$ROOT" && tar --exclude=./build --exclude=./.git -cf - .) | (cd "$COPY" && tar -xf -)
BUILD="$COPY/build/planted"
build() {
  cmake --build "$BUILD" -j1 --target "${HARNESSES[@]}" >"$COPY/build.log" 2>&1
}
# sha256 of every object file of the build, one "sum path" line each, sorted by path.
objsums() { (cd "$BUILD" && find . -name '*.o' -print0 | sort -z | xargs -0 sha256sum); }
cmake -S "$COPY" -B "$BUILD" -DCMAKE_C_COMPILER=clang-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link" -DMXM_BUILD_FUZZERS=ON -DLIB_FUZZING_ENGINE=-fsanitize=fuzzer \
  -DMXM_WERROR=OFF -DMXM_BUILD_TESTS=OFF >"$COPY/configure.log" 2>&1 || { cat "$COPY/configure.log" >&2; exit 3; }
build || { tail -30 "$COPY/build.log" >&2; exit 3; }
objsums >"$COPY/objects.unmodified"
[ -s "$COPY/objects.unmodified" ] || { echo "planted-bugs.sh: no object files under $BUILD" >&2; exit 3; }

now() { date +%s%N; } # nanoseconds; no bc needed

# trial HARNESS MODE SEED LOG: one libFuzzer run; prints "found SECONDS EXECUTIONS", "miss" or
# "stopped WHY" (the engine stopped without a harness finding: out of memory, a timeout, ...).
trial() {
  local h="$1" mode="$2" seed="$3" log="$4" new="$COPY/new-$1" t0 ms execs why
  rm -rf "$new"; mkdir -p "$new" # libFuzzer writes new units to its first directory: never the real corpus
  local dirs=("$new")
  [ "$mode" = seeded ] && dirs+=("$ROOT/corpus/$h")
  t0="$(now)"
  if "$BUILD/fuzzers/$h" -max_total_time="$SECONDS_MAX" -seed="$seed" -print_final_stats=1 \
      -artifact_prefix="$COPY/art-" "${dirs[@]}" >"$log" 2>&1; then
    echo miss
  elif ! grep -q 'MXM-FUZZ FINDING' "$log"; then
    why="$(grep -o 'out-of-memory\|timeout\|deadly signal\|ERROR: [A-Za-z]*' "$log" | head -1 || true)"
    echo "stopped ${why:-exit}"
  else
    ms=$(( ($(now) - t0) / 1000000 ))
    execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
    echo "found $((ms / 1000)).$(( (ms % 1000) / 100 )) ${execs:-?}"
  fi
}

# median of the numbers on stdin (one a line); "-" when there are none.
median() { awk '/^[0-9.]+$/' | sort -g | awk '{v[NR]=$1} END {if(!NR) print "-"; else if(NR%2) print v[(NR+1)/2]; else printf "%g\n", (v[NR/2]+v[NR/2+1])/2}'; }

ROWS=()
FAIL=0
# run_trials NAME: every mode, harness and trial against the current build; adds one row per
# (mode, harness); sets FOUND_MODES to the modes in which some trial found something.
run_trials() {
  local name="$1" mode h k r found secs execs stopped
  FOUND_MODES=""
  for mode in $MODES; do
    local any=0
    for h in "${HARNESSES[@]}"; do
      found=0 stopped=0 secs="" execs=""
      for k in $(seq 1 "$TRIALS"); do
        r="$(trial "$h" "$mode" "$k" "$COPY/run-$name-$mode-$h-$k.log")"
        case "$r" in
          found*) found=$((found + 1)); secs+="$(cut -d' ' -f2 <<<"$r")"$'\n'; execs+="$(cut -d' ' -f3 <<<"$r")"$'\n' ;;
          stopped*) stopped=$((stopped + 1))
            echo "planted-bugs.sh: $name/$mode/$h seed $k: ${r#stopped } without a finding:" >&2
            grep -B2 -A6 'ERROR\|out-of-memory\|timeout' "$COPY/run-$name-$mode-$h-$k.log" | head -12 >&2 || true ;;
        esac
      done
      [ "$found" -gt 0 ] && any=1
      ROWS+=("$name	$mode	$h	$found/$TRIALS	$(median <<<"$secs")	$(median <<<"$execs")	$stopped")
    done
    [ "$any" = 1 ] && FOUND_MODES+=" $mode"
  done
  return 0
}

echo "planted-bugs.sh: the unmodified build (must find nothing)"
run_trials unmodified
if [ -n "$FOUND_MODES" ]; then
  echo "planted-bugs.sh: the UNMODIFIED tree fails its own harnesses ($FOUND_MODES); fix that first:" >&2
  grep -h -A12 'MXM-FUZZ FINDING' "$COPY"/run-unmodified-*.log | head -40 >&2 || true
  FAIL=1
fi

for i in "${!B_NAME[@]}"; do
  name="${B_NAME[$i]}" file="${B_FILE[$i]}" prog="${B_PROG[$i]}"
  [ -n "$ONLY" ] && [ "$ONLY" != "$name" ] && continue
  src="$COPY/ref/src/$file"
  cp "$src" "$src.orig"
  sed -i "$prog" "$src"
  restore() {
    cp "$src.orig" "$src" && rm -f "$src.orig" && touch "$src" # a new mtime: make rebuilds it
    build || { tail -30 "$COPY/build.log" >&2; exit 3; }
    objsums >"$COPY/objects.restored"
    if ! cmp -s "$COPY/objects.unmodified" "$COPY/objects.restored"; then
      echo "planted-bugs.sh: after restoring ref/src/$file the build differs from the unmodified one:" >&2
      diff "$COPY/objects.unmodified" "$COPY/objects.restored" >&2 || true
      exit 3
    fi
  }
  if cmp -s "$src" "$src.orig"; then
    ROWS+=("$name	-	-	NOT APPLIED (pattern no longer matches ref/src/$file)	-	-	-")
    FAIL=1; restore; continue
  fi
  if ! build; then
    ROWS+=("$name	-	-	NOT APPLIED (does not compile)	-	-	-")
    FAIL=1; restore; continue
  fi
  echo "planted-bugs.sh: $name ($file): the source change"
  diff "$src.orig" "$src" | sed 's/^/    /' || true
  objsums >"$COPY/objects.$name"
  changed="$( (diff "$COPY/objects.unmodified" "$COPY/objects.$name" || true) | sed -n 's/^> [0-9a-f]*  //p')"
  if [ "$(wc -l <<<"$changed")" != 1 ] || [[ "$changed" != */"$file.o" ]]; then
    echo "planted-bugs.sh: $name: expected exactly ${file}.o to change, got: ${changed:-nothing}" >&2
    ROWS+=("$name	-	-	NOT ISOLATED (objects changed: $(tr '\n' ' ' <<<"${changed:-none}"))	-	-	-")
    FAIL=1; restore; continue
  fi
  echo "planted-bugs.sh: $name: only $changed differs from the unmodified build"
  run_trials "$name"
  for mode in $MODES; do
    [[ " $FOUND_MODES " == *" $mode "* ]] || { FAIL=1; ROWS+=("$name	$mode	(all)	MISSED in every trial	-	-	-"); }
  done
  restore
done

echo
printf '%-26s %-7s %-18s %-8s %-9s %-11s %s\n' bug mode harness found median-s median-execs stopped
for r in "${ROWS[@]}"; do
  IFS=$'\t' read -r n m h f s e x <<<"$r"
  printf '%-26s %-7s %-18s %-8s %-9s %-11s %s\n' "$n" "$m" "$h" "$f" "$s" "$e" "$x"
  [ -z "$TSV" ] || printf '%s\n' "$r" >>"$TSV"
done
exit "$FAIL"
