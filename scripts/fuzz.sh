#!/usr/bin/env bash
# scripts/fuzz.sh: a time-boxed fuzzing job over every harness (libFuzzer or AFL++).
#
# For each harness: build, fuzz for --seconds, keep the inputs that add coverage (libFuzzer
# -merge=1, or afl-cmin) in a work folder, build/fuzz-new/<harness>/ (into corpus/<harness>/
# itself only with --merge), and on each finding minimise it (-minimize_crash=1 or afl-tmin),
# save it as corpus/regressions/<harness>/<kind>-<sha1>, and print the command that reproduces
# it with a binary this script built. Ends with a table: harness, execs, exec/s, coverage, new
# inputs, findings.
#
# Exit codes: 0 no finding; 1 at least one finding (saved and printed); 2 usage error;
#             3 a build or a tool failed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ALL_HARNESSES=(fuzz_event_parse fuzz_canonical fuzz_auth fuzz_room fuzz_differential)
[ -f "$ROOT/fuzz/fuzz_case_loader.c" ] && ALL_HARNESSES+=(fuzz_case_loader)

usage() {
  cat <<EOF
usage: scripts/fuzz.sh [options]

  --engine libfuzzer|afl   fuzzing engine (default libfuzzer: clang-14, ASan+UBSan, the
                           'fuzz' preset; afl: afl-clang-fast persistent mode + CmpLog)
  --seconds N              fuzzing time per harness (default 60)
  --jobs J                 parallel fuzzing processes per harness (default 1; AFL++: one -M
                           and J-1 -S instances sharing a sync dir)
  --harness NAME           only this harness (repeatable; default: all of
                           ${ALL_HARNESSES[*]})
  --no-sanitizers          libFuzzer without ASan/UBSan (the 'fuzz-plain' preset): faster,
                           finds only what the harnesses' own checks catch
  --merge                  add the new inputs to corpus/<harness>/ (default: only to
                           build/fuzz-new/<harness>/, so the tracked corpus does not change)
  --no-merge               do not keep new inputs at all
  --no-build               use the binaries already built
  --keep                   keep the work directory (printed at the end)
  -h, --help               this text

Exit codes: 0 no finding; 1 finding(s), saved under corpus/regressions/<harness>/;
            2 usage error; 3 build or tool failure.
Environment: MXM_JSONC_ROOT (an instrumented static json-c from
scripts/build-jsonc-fuzz.sh; used automatically when build/jsonc-fuzz exists; without it the
script says loudly that json-c is not instrumented).
EOF
}
usage_error() { echo "fuzz.sh: $1 (see --help)" >&2; exit 2; }
# need_value OPTION "$@": the option must be followed by a value
need_value() { [ $# -ge 2 ] && [ -n "$2" ] || usage_error "$1 needs a value"; }

die() { echo "fuzz.sh: $1" >&2; exit "${2:-3}"; }

# MERGE: 0 keep no new input, 1 keep them in build/fuzz-new/<h>/, 2 add them to corpus/<h>/
ENGINE=libfuzzer SECONDS_PER=60 JOBS=1 MERGE=1 BUILD=1 KEEP=0 PRESET=fuzz
HARNESSES=()
while [ $# -gt 0 ]; do
  case "$1" in
    --engine) need_value "$@"; ENGINE="$2"; shift 2 ;;
    --seconds) need_value "$@"; SECONDS_PER="$2"; shift 2 ;;
    --jobs) need_value "$@"; JOBS="$2"; shift 2 ;;
    --harness) need_value "$@"; HARNESSES+=("$2"); shift 2 ;;
    --merge) MERGE=2; shift ;;
    --no-merge) MERGE=0; shift ;;
    --no-sanitizers) PRESET=fuzz-plain; shift ;;
    --no-build) BUILD=0; shift ;;
    --keep) KEEP=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage_error "unknown option '$1'" ;;
  esac
done
case "$ENGINE" in libfuzzer|afl) ;; *) echo "fuzz.sh: --engine must be libfuzzer or afl" >&2; exit 2 ;; esac
[[ "$SECONDS_PER" =~ ^[1-9][0-9]*$ ]] || { echo "fuzz.sh: --seconds needs a positive integer" >&2; exit 2; }
[[ "$JOBS" =~ ^[1-9][0-9]*$ ]] || { echo "fuzz.sh: --jobs needs a positive integer" >&2; exit 2; }
[ ${#HARNESSES[@]} -gt 0 ] || HARNESSES=("${ALL_HARNESSES[@]}")
for h in "${HARNESSES[@]}"; do
  [ -f "$ROOT/fuzz/$h.c" ] || { echo "fuzz.sh: unknown harness '$h'" >&2; exit 2; }
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/mxm-fuzz.XXXXXX")"
cleanup() { if [ "$KEEP" = 1 ]; then echo "fuzz.sh: work directory kept: $WORK"; else rm -rf "$WORK"; fi; }
trap cleanup EXIT

# The instrumented json-c is built with ASan+UBSan and libFuzzer's coverage flags, so it only
# fits the libFuzzer build; the AFL++ builds (no sanitizers) use the system json-c unless
# MXM_JSONC_ROOT names one built for them.
JSONC_ARGS=()
if [ -n "${MXM_JSONC_ROOT:-}" ]; then JSONC_ARGS=(-DMXM_JSONC_ROOT="$MXM_JSONC_ROOT")
  echo "fuzz.sh: json-c: $MXM_JSONC_ROOT (MXM_JSONC_ROOT)"
elif [ "$ENGINE" = libfuzzer ] && [ "$PRESET" = fuzz ] && [ -f "$ROOT/build/jsonc-fuzz/lib/libjson-c.a" ]; then
  JSONC_ARGS=(-DMXM_JSONC_ROOT="$ROOT/build/jsonc-fuzz")
  echo "fuzz.sh: json-c: the instrumented build in build/jsonc-fuzz"
else
  JSONC_ARGS=(-UMXM_JSONC_ROOT)
  {
    echo "fuzz.sh: WARNING: json-c is NOT instrumented: the fuzzers link the system libjson-c, so they get"
    echo "fuzz.sh: WARNING:   no coverage feedback from inside the JSON parser and ASan does not check it."
    if [ "$ENGINE" = libfuzzer ] && [ "$PRESET" = fuzz ]; then
      echo "fuzz.sh: WARNING:   build it once with scripts/build-jsonc-fuzz.sh (it is then used automatically)."
    else
      echo "fuzz.sh: WARNING:   build/jsonc-fuzz fits only the libFuzzer+sanitizer build; give MXM_JSONC_ROOT a json-c built for this one."
    fi
  } >&2
fi

targets() { local suffix="$1" t=(); for h in "${HARNESSES[@]}"; do t+=("$h$suffix"); done; echo "${t[@]}"; }

build() {
  [ "$BUILD" = 1 ] || return 0
  if [ "$ENGINE" = libfuzzer ]; then
    cmake --preset "$PRESET" "${JSONC_ARGS[@]}" >"$WORK/configure.log" 2>&1 || { cat "$WORK/configure.log" >&2; die "configure ($PRESET preset) failed"; }
    # shellcheck disable=SC2046
    cmake --build "$ROOT/build/$PRESET" -j2 --target $(targets "") $(targets _replay) >"$WORK/build.log" 2>&1 ||
      { tail -40 "$WORK/build.log" >&2; die "build failed"; }
  else
    command -v afl-clang-fast >/dev/null || die "afl-clang-fast not found (scripts/setup.sh installs afl++)"
    local dir
    for dir in afl afl-cmplog; do
      local envs=()
      [ "$dir" = afl-cmplog ] && envs=(AFL_LLVM_CMPLOG=1)
      env "${envs[@]}" AFL_QUIET=1 cmake -S "$ROOT" -B "$ROOT/build/$dir" -DCMAKE_C_COMPILER=afl-clang-fast \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMXM_FUZZ_AFL=ON -DMXM_BUILD_TESTS=OFF "${JSONC_ARGS[@]}" \
        >"$WORK/configure-$dir.log" 2>&1 || { cat "$WORK/configure-$dir.log" >&2; die "configure ($dir) failed"; }
      # shellcheck disable=SC2046
      env "${envs[@]}" AFL_QUIET=1 cmake --build "$ROOT/build/$dir" -j2 --target $(targets _afl) \
        >"$WORK/build-$dir.log" 2>&1 || { tail -40 "$WORK/build-$dir.log" >&2; die "build ($dir) failed"; }
    done
  fi
}

count_files() { find "$1" -maxdepth 1 -type f ! -name '.*' 2>/dev/null | wc -l; }

# save_finding HARNESS FILE KIND: copy FILE to corpus/regressions/HARNESS/<kind>-<sha1> and
# print how to reproduce it with the binaries this script built.
FOUND=0
save_finding() {
  local h="$1" f="$2" kind="$3" sum dest rel
  sum="$(sha1sum "$f" | cut -c1-16)"
  mkdir -p "$ROOT/corpus/regressions/$h"
  dest="$ROOT/corpus/regressions/$h/$kind-$sum"
  cp "$f" "$dest"
  rel="${dest#"$ROOT"/}"
  FOUND=$((FOUND + 1))
  echo "fuzz.sh: FINDING in $h ($kind), saved as $rel"
  if [ "$ENGINE" = libfuzzer ]; then
    echo "fuzz.sh: reproduce with: build/$PRESET/fuzz/${h}_replay $rel"
    echo "fuzz.sh:   (or with the fuzzer itself: build/$PRESET/fuzzers/$h $rel)"
  else
    echo "fuzz.sh: reproduce with: build/afl/fuzzers/${h}_afl < $rel"
  fi
}

# keep_new HARNESS DIR: DIR holds the inputs that are new (not in corpus/HARNESS/); put them
# where --merge says, and say where.
keep_new() {
  local h="$1" dir="$2" n dest
  n="$(count_files "$dir")"
  [ "$n" -gt 0 ] || return 0
  if [ "$MERGE" = 2 ]; then dest="$ROOT/corpus/$h"; else dest="$ROOT/build/fuzz-new/$h"; fi
  mkdir -p "$dest"
  find "$dir" -maxdepth 1 -type f ! -name '.*' -exec cp {} "$dest/" \;
  echo "fuzz.sh: $n new input(s) of $h in ${dest#"$ROOT"/}$([ "$MERGE" = 2 ] || echo " (rerun with --merge to add them to corpus/$h/)")"
}

ROWS=()
run_libfuzzer() {
  local h="$1" bin="$ROOT/build/$PRESET/fuzzers/$1" d="$WORK/$1" seeds="$ROOT/corpus/$1"
  mkdir -p "$d/new" "$d/art" "$seeds"
  [ -x "$bin" ] || die "missing $bin (build with --engine libfuzzer)"
  local opts=(-max_total_time="$SECONDS_PER" -print_final_stats=1 -artifact_prefix="$d/art/" -timeout=10
              -rss_limit_mb=2048 -close_fd_mask=1)
  [ -f "$ROOT/fuzz/$h.dict" ] && opts+=(-dict="$ROOT/fuzz/$h.dict")
  local i
  for i in $(seq 1 "$JOBS"); do
    (cd "$d" && "$bin" "${opts[@]}" -seed="$i" "$d/new" "$seeds" >"$d/log.$i" 2>&1) &
  done
  wait || true
  local execs=0 rate=0 cov=0 e r c
  for i in $(seq 1 "$JOBS"); do
    e="$(sed -n 's/^stat::number_of_executed_units: *//p' "$d/log.$i" | tail -1)"
    r="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$d/log.$i" | tail -1)"
    c="$(grep -o 'cov: [0-9]*' "$d/log.$i" | tail -1 | cut -d' ' -f2)"
    execs=$((execs + ${e:-0})); rate=$((rate + ${r:-0})); [ "${c:-0}" -gt "$cov" ] && cov="${c:-0}"
  done
  local new=0 findings=0 f
  if [ "$MERGE" != 0 ] && [ "$(count_files "$d/new")" -gt 0 ]; then
    # merge into a copy of the seeds (hard links), so that what the merge adds is exactly the
    # new inputs; the tracked corpus itself changes only with --merge
    mkdir -p "$d/merged" "$d/added"
    find "$seeds" -maxdepth 1 -type f ! -name '.*' -exec ln -f {} "$d/merged/" \; 2>/dev/null ||
      find "$seeds" -maxdepth 1 -type f ! -name '.*' -exec cp {} "$d/merged/" \;
    (cd "$d" && "$bin" -merge=1 -artifact_prefix="$d/art/" "$d/merged" "$d/new" >"$d/merge.log" 2>&1) || true
    for f in "$d"/merged/*; do
      [ -f "$f" ] && [ ! -e "$seeds/$(basename "$f")" ] && cp "$f" "$d/added/"
    done
    new="$(count_files "$d/added")"
    keep_new "$h" "$d/added"
  fi
  # every finding of the run, each minimised and saved: a second one is never hidden
  local nart=0
  for f in "$d"/art/crash-* "$d"/art/leak-* "$d"/art/timeout-* "$d"/art/oom-*; do
    [ -f "$f" ] || continue
    nart=$((nart + 1))
    local kind; kind="$(basename "$f" | cut -d- -f1)"
    if [ "$kind" = crash ] || [ "$kind" = leak ]; then
      rm -f "$d"/min-*
      (cd "$d" && "$bin" -minimize_crash=1 -max_total_time=30 -artifact_prefix="$d/min-" "$f" >"$d/minimize.log" 2>&1) || true
      local best; best="$(ls -S "$d"/min-* 2>/dev/null | tail -1 || true)"
      [ -n "$best" ] && f="$best"
    fi
    [ "$nart" = 1 ] && { grep -A30 'MXM-FUZZ FINDING\|ERROR: AddressSanitizer\|runtime error' "$d"/log.* | head -40 || true; }
    save_finding "$h" "$f" "$kind"
    findings=$((findings + 1))
  done
  ROWS+=("$h|$execs|$rate|cov $cov|$new|$findings")
}

run_afl() {
  local h="$1" bin="$ROOT/build/afl/fuzzers/${1}_afl" cmp="$ROOT/build/afl-cmplog/fuzzers/${1}_afl" d="$WORK/$1"
  local seeds="$ROOT/corpus/$1"
  [ -x "$bin" ] && [ -x "$cmp" ] || die "missing $bin or its CmpLog build (build with --engine afl)"
  mkdir -p "$d/out" "$d/in"
  # AFL++ wants a non-empty input dir of small files.
  find "$seeds" -maxdepth 1 -type f ! -name '.*' -size -64k -exec cp {} "$d/in/" \;
  [ "$(count_files "$d/in")" -gt 0 ] || printf '\0' >"$d/in/empty"
  export AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_FAST_CAL=1 AFL_CMPLOG_ONLY_NEW=1 AFL_ALLOW_TMP=1
  export AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SUPPRESS_SEED_WARNINGS=1 AFL_NO_AFFINITY=1 TERM=dumb
  local dict=(); [ -f "$ROOT/fuzz/$h.dict" ] && dict=(-x "$ROOT/fuzz/$h.dict")
  local i role
  for i in $(seq 1 "$JOBS"); do
    if [ "$i" = 1 ]; then role=(-M main -c "$cmp"); else role=(-S "s$i"); fi
    afl-fuzz -i "$d/in" -o "$d/out" -V "$SECONDS_PER" "${dict[@]}" "${role[@]}" -- "$bin" >"$d/log.$i" 2>&1 &
  done
  wait || true
  local execs=0 rate=0 cov="" st e r
  for st in "$d"/out/*/fuzzer_stats; do
    [ -f "$st" ] || continue
    e="$(sed -n 's/^execs_done *: *//p' "$st")"; r="$(sed -n 's/^execs_per_sec *: *//p' "$st" | cut -d. -f1)"
    execs=$((execs + ${e:-0})); rate=$((rate + ${r:-0}))
    [ -z "$cov" ] && cov="$(sed -n 's/^bitmap_cvg *: *//p' "$st")"
  done
  if [ "$execs" = 0 ]; then tail -20 "$d/log.1" >&2; fi
  local new=0 findings=0 f
  if [ "$MERGE" != 0 ]; then
    mkdir -p "$d/all" "$d/cmin" "$d/added"
    cp "$d"/in/* "$d/all/" 2>/dev/null || true
    for f in "$d"/out/*/queue/id:*; do [ -f "$f" ] && cp "$f" "$d/all/q-$(sha1sum "$f" | cut -c1-16)"; done
    if afl-cmin -i "$d/all" -o "$d/cmin" -- "$bin" >"$d/cmin.log" 2>&1; then
      for f in "$d"/cmin/*; do
        [ -f "$f" ] || continue
        # seeds keep their names; new queue entries get their hash as name
        case "$(basename "$f")" in
          q-*) [ -e "$seeds/afl-$(basename "$f" | cut -c3-)" ] || cp "$f" "$d/added/afl-$(basename "$f" | cut -c3-)" ;;
        esac
      done
    fi
    new="$(count_files "$d/added")"
    keep_new "$h" "$d/added"
  fi
  local nart=0
  for f in "$d"/out/*/crashes/id:* "$d"/out/*/hangs/id:*; do
    [ -f "$f" ] || continue
    nart=$((nart + 1))
    local kind=crash; case "$f" in */hangs/*) kind=timeout ;; esac
    if [ "$kind" = crash ] && afl-tmin -i "$f" -o "$d/tmin.$nart" -- "$bin" >"$d/tmin.log" 2>&1; then f="$d/tmin.$nart"; fi
    [ "$nart" = 1 ] && { "$bin" <"$f" 2>&1 | grep -A30 'MXM-FUZZ FINDING' | head -40 || true; }
    save_finding "$h" "$f" "$kind"
    findings=$((findings + 1))
  done
  ROWS+=("$h|$execs|$rate|$cov|$new|$findings")
}

build
for h in "${HARNESSES[@]}"; do
  echo "fuzz.sh: $ENGINE $h for ${SECONDS_PER}s x $JOBS job(s)"
  if [ "$ENGINE" = libfuzzer ]; then run_libfuzzer "$h"; else run_afl "$h"; fi
done

echo
printf '%-20s %12s %10s %14s %8s %9s\n' harness execs exec/s coverage new findings
for row in "${ROWS[@]}"; do
  IFS='|' read -r h e r c n f <<<"$row"
  printf '%-20s %12s %10s %14s %8s %9s\n' "$h" "$e" "$r" "$c" "$n" "$f"
done
if [ "$FOUND" -gt 0 ]; then
  echo "fuzz.sh: $FOUND finding(s); reproducers are under corpus/regressions/ (see above)"
  exit 1
fi
echo "fuzz.sh: no finding"
exit 0
