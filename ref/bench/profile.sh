#!/bin/sh
# ref/bench/profile.sh: deterministic instruction profiles of the paths
# mxm-bench times, with valgrind --tool=callgrind (perf needs hardware
# counters, which virtual machines often lack: `perf stat -e instructions
# true` says "<not supported>" there).
#
#   ref/bench/profile.sh [BUILD_DIR] [OUT_DIR] [REQUESTS]
#
# BUILD_DIR defaults to build/default (RelWithDebInfo), OUT_DIR to
# build/profile. REQUESTS, a file of adapter request lines (what
# `mxm-conform --dump-requests FILE` writes), adds a profile of
# mxm-ref-adapter answering them: its instructions per request are the
# total over the number of lines (the hello and start-up included). Run from the repository root. For each path it writes
# OUT_DIR/<path>.callgrind and prints the inclusive top functions; the
# instructions per operation are the "PROGRAM TOTALS" divided by the call
# count of the per-operation function, which the script prints too.
# Only the timed loop is collected (--toggle-collect), not fixture set-up.
set -eu
build=${1:-build/default}
out=${2:-build/profile}
bench="$build/bin/mxm-bench"
command -v valgrind >/dev/null || { echo "profile.sh: valgrind is not installed" >&2; exit 2; }
[ -x "$bench" ] || { echo "profile.sh: $bench not built" >&2; exit 2; }
mkdir -p "$out"

# name | timed loop | per-operation function | mxm-bench arguments
profiles='
jsonc_parse|run_jsonc|mxmi_json_parse_jsonc|--only verdict
json_parse|run_json_parse|mxm_json_parse|--only verdict
json_parse_slow|run_json_slow|mxmi_json_parse_slow|--only verdict
bytes_to_verdict|run_full|mxm_event_parse|--only verdict
auth_decide|run_decide|mxm_auth_decide|--only decide
replay|run_replay|mxm_room_apply|--only scale --sizes 1000
'
echo "$profiles" | while IFS='|' read -r name loop per args; do
  [ -n "$name" ] || continue
  rm -f "$out/$name".callgrind*
  # shellcheck disable=SC2086 # args is a word list on purpose
  valgrind --tool=callgrind --callgrind-out-file="$out/$name.callgrind.%p" --toggle-collect="$loop" \
    "$bench" $args --seconds 1 --repeat 1 >/dev/null 2>&1
  # scale forks a child per size: keep the largest profile (the child's)
  file=$(ls -S "$out/$name".callgrind.* | head -1)
  mv "$file" "$out/$name.callgrind"
  rm -f "$out/$name".callgrind.*
  calls=$(callgrind_annotate --inclusive=yes --tree=calling "$out/$name.callgrind" 2>/dev/null |
    grep -E "=> .*:$per \(" | sed -E 's/.*\(([0-9,]+)x\).*/\1/' | tr -d , | sort -n | tail -1)
  total=$(callgrind_annotate "$out/$name.callgrind" 2>/dev/null | grep "PROGRAM TOTALS" | awk '{print $1}' | tr -d ,)
  echo "== $name: $total instructions, $calls calls of $per, $((total / ${calls:-1})) per operation"
  callgrind_annotate --inclusive=yes "$out/$name.callgrind" 2>/dev/null | sed -n '/PROGRAM TOTALS/,$p' |
    grep -v -E 'bench_|libc_start|below main|ld-linux|PROGRAM TOTALS|^-|Ir  *file|[)] +ref/' | grep . | head -25
done

if [ -n "${3:-}" ]; then
  reqs=$3
  [ -r "$reqs" ] || { echo "profile.sh: cannot read $reqs" >&2; exit 2; }
  rm -f "$out"/adapter.callgrind
  valgrind --tool=callgrind --callgrind-out-file="$out/adapter.callgrind" "$build/bin/mxm-ref-adapter" \
    <"$reqs" >/dev/null 2>&1
  lines=$(wc -l <"$reqs")
  total=$(callgrind_annotate "$out/adapter.callgrind" 2>/dev/null | grep "PROGRAM TOTALS" | awk '{print $1}' | tr -d ,)
  echo "== adapter: $total instructions, $lines requests, $((total / lines)) per request"
  callgrind_annotate --inclusive=yes "$out/adapter.callgrind" 2>/dev/null | sed -n '/PROGRAM TOTALS/,$p' |
    grep -v -E 'libc_start|below main|ld-linux|PROGRAM TOTALS|^-|Ir  *file|[)] +(ref|conformance)/' | grep . | head -25
fi
