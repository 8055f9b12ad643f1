#!/bin/bash -eu
# .clusterfuzzlite/build.sh: build mxm's libFuzzer targets the OSS-Fuzz way.
#
# Inputs (set by ClusterFuzzLite/OSS-Fuzz; set them yourself to run it elsewhere):
#   CC, CFLAGS            compiler and the sanitizer/coverage flags of this build
#   LIB_FUZZING_ENGINE    how to link the engine (e.g. -fsanitize=fuzzer)
#   SRC                   where the sources are: $SRC/mxm (and $SRC/json-c, optional)
#   OUT                   where fuzzers, <fuzzer>_seed_corpus.zip, <fuzzer>.dict and
#                         <fuzzer>.options go
#   WORK                  scratch space (default: a temporary directory)
# No sanitizer flag is hard-coded: everything comes from CC/CFLAGS/LIB_FUZZING_ENGINE.
#
# json-c: built from $SRC/json-c with $CC $CFLAGS (instrumented, static) when present;
# otherwise the system json-c. Shared libraries the fuzzers need that the runner image lacks
# (libsodium, and json-c in the fallback) are copied to $OUT/lib, found via RPATH $ORIGIN/lib.
MXM="$SRC/mxm"
WORK="${WORK:-$(mktemp -d)}"
mkdir -p "$OUT" "$WORK"

JSONC_ARGS=()
if [ -f "$SRC/json-c/CMakeLists.txt" ]; then
  cmake -S "$SRC/json-c" -B "$WORK/json-c-build" -DCMAKE_C_COMPILER="$CC" -DCMAKE_C_FLAGS="$CFLAGS" \
    -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF -DBUILD_STATIC_LIBS=ON -DDISABLE_WERROR=ON \
    -DBUILD_TESTING=OFF -DBUILD_APPS=OFF -DCMAKE_INSTALL_PREFIX="$WORK/json-c" -DCMAKE_INSTALL_LIBDIR=lib
  cmake --build "$WORK/json-c-build" -j"$(nproc)"
  cmake --install "$WORK/json-c-build"
  JSONC_ARGS=(-DMXM_JSONC_ROOT="$WORK/json-c")
fi

cmake -S "$MXM" -B "$WORK/mxm-build" -DCMAKE_C_COMPILER="$CC" -DCMAKE_C_FLAGS="$CFLAGS" \
  -DCMAKE_BUILD_TYPE=Release -DMXM_BUILD_FUZZERS=ON -DMXM_BUILD_TESTS=OFF -DMXM_WERROR=OFF \
  -DLIB_FUZZING_ENGINE="$LIB_FUZZING_ENGINE" -DCMAKE_EXE_LINKER_FLAGS='-Wl,-rpath,$ORIGIN/lib' \
  "${JSONC_ARGS[@]}"

HARNESSES=()
for f in "$MXM"/fuzz/fuzz_*.c; do HARNESSES+=("$(basename "$f" .c)"); done
# fuzz_case_loader needs the runner's library; build it only when CMake knows that target.
TARGETS=()
for h in "${HARNESSES[@]}"; do
  if [ "$h" = fuzz_case_loader ] && ! cmake --build "$WORK/mxm-build" --target help | grep -qw fuzz_case_loader; then
    continue
  fi
  TARGETS+=("$h")
done
cmake --build "$WORK/mxm-build" -j"$(nproc)" --target "${TARGETS[@]}"

mkdir -p "$OUT/lib"
for h in "${TARGETS[@]}"; do
  cp "$WORK/mxm-build/fuzzers/$h" "$OUT/"
  [ -f "$MXM/fuzz/$h.dict" ] && cp "$MXM/fuzz/$h.dict" "$OUT/$h.dict"
  case "$h" in
    fuzz_auth|fuzz_room|fuzz_differential) max_len=256 ;;  # structure-aware: a case is < 100 bytes
    *) max_len=65537 ;;                                    # a version byte + a 64 KiB event
  esac
  printf '[libfuzzer]\nmax_len = %s\ntimeout = 25\n' "$max_len" >"$OUT/$h.options"
  if [ -d "$MXM/corpus/$h" ]; then
    rm -f "$OUT/${h}_seed_corpus.zip"
    (cd "$MXM/corpus/$h" && find . -maxdepth 1 -type f ! -name '.*' -print0 | xargs -0 -r zip -q -j "$OUT/${h}_seed_corpus.zip")
    # Regressions are seeds too: every finding stays in the corpus.
    if [ -d "$MXM/corpus/regressions/$h" ]; then
      (cd "$MXM/corpus/regressions/$h" && find . -maxdepth 1 -type f ! -name '.*' -print0 | xargs -0 -r zip -q -j "$OUT/${h}_seed_corpus.zip")
    fi
  fi
  # Ship the shared libraries the runner image does not have.
  for lib in $(ldd "$OUT/$h" | awk '/libsodium|libjson-c/ {print $3}'); do
    [ -e "$OUT/lib/$(basename "$lib")" ] || cp -L "$lib" "$OUT/lib/"
  done
done
