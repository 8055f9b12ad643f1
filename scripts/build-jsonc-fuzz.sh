#!/usr/bin/env bash
# scripts/build-jsonc-fuzz.sh: build json-c from Debian's source package with the fuzz build's
# instrumentation, static, into a prefix the build picks up with -DMXM_JSONC_ROOT=<prefix>.
#
# Why: Debian's libjson-c is not instrumented, so a fuzzer linked with it gets no coverage
# feedback from inside the parser and ASan does not check the parser's own memory accesses
# (toolchain.md, pitfall 1; OSS-Fuzz builds dependencies with the same flags).
#
#   scripts/build-jsonc-fuzz.sh [--prefix DIR] [--cc CC] [--cflags FLAGS]
#     --prefix  install prefix (default build/jsonc-fuzz; scripts/fuzz.sh uses it when present)
#     --cc      compiler (default clang-14)
#     --cflags  default: -fsanitize=address,undefined -fsanitize=fuzzer-no-link -fno-omit-frame-pointer -g -O1
#
# Source: `apt-get source json-c` (needs a deb-src line: if none is configured, this adds
# /etc/apt/sources.list.d/mxm-deb-src.sources for bookworm main, which needs root, and runs
# apt-get update). Nothing is downloaded from anywhere else.
#
# Exit codes: 0 built and installed; 2 usage; 4 could not build: a message says why, and the
# fuzz build falls back to the system json-c (uninstrumented) -- nothing else changes.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PREFIX="$ROOT/build/jsonc-fuzz"
CC_FUZZ=clang-14
CFLAGS_FUZZ="-fsanitize=address,undefined -fsanitize=fuzzer-no-link -fno-omit-frame-pointer -g -O1"
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) PREFIX="${2:-}"; shift 2 ;;
    --cc) CC_FUZZ="${2:-}"; shift 2 ;;
    --cflags) CFLAGS_FUZZ="${2:-}"; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "usage: scripts/build-jsonc-fuzz.sh [--prefix DIR] [--cc CC] [--cflags FLAGS]" >&2; exit 2 ;;
  esac
done

fallback() {
  echo "build-jsonc-fuzz.sh: cannot build an instrumented json-c: $1" >&2
  echo "build-jsonc-fuzz.sh: FALLBACK: the fuzz build uses the system json-c (libjson-c-dev);" >&2
  echo "build-jsonc-fuzz.sh:   fuzzing works, but without coverage feedback or ASan checks inside json-c." >&2
  exit 4
}

command -v "$CC_FUZZ" >/dev/null || fallback "$CC_FUZZ not found"
command -v cmake >/dev/null || fallback "cmake not found"
command -v dpkg-source >/dev/null || fallback "dpkg-source not found (install dpkg-dev: scripts/setup.sh)"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then command -v sudo >/dev/null && SUDO=sudo; fi
has_deb_src() {
  grep -rqsE '^(deb-src|Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null
}
if ! has_deb_src; then
  [ "$(id -u)" -eq 0 ] || [ -n "$SUDO" ] || fallback "no deb-src line is configured and this is not root"
  echo "build-jsonc-fuzz.sh: adding a deb-src entry for bookworm (/etc/apt/sources.list.d/mxm-deb-src.sources)"
  printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' |
    $SUDO tee /etc/apt/sources.list.d/mxm-deb-src.sources >/dev/null || fallback "cannot write the deb-src entry"
  $SUDO apt-get update -q >/dev/null || fallback "apt-get update failed"
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/mxm-jsonc.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
(cd "$WORK" && apt-get source -q json-c >"$WORK/source.log" 2>&1) || { tail -5 "$WORK/source.log" >&2; fallback "apt-get source json-c failed"; }
SRC="$(find "$WORK" -maxdepth 1 -type d -name 'json-c-*' | head -1)"
[ -n "$SRC" ] && [ -f "$SRC/CMakeLists.txt" ] || fallback "unpacked source not found"
echo "build-jsonc-fuzz.sh: building $(basename "$SRC") with $CC_FUZZ $CFLAGS_FUZZ"
cmake -S "$SRC" -B "$WORK/build" -DCMAKE_C_COMPILER="$CC_FUZZ" -DCMAKE_C_FLAGS="$CFLAGS_FUZZ" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_SHARED_LIBS=OFF -DBUILD_STATIC_LIBS=ON -DDISABLE_WERROR=ON \
  -DBUILD_TESTING=OFF -DBUILD_APPS=OFF -DCMAKE_INSTALL_PREFIX="$PREFIX" -DCMAKE_INSTALL_LIBDIR=lib \
  >"$WORK/configure.log" 2>&1 || { tail -20 "$WORK/configure.log" >&2; fallback "configure failed"; }
cmake --build "$WORK/build" -j2 >"$WORK/build.log" 2>&1 || { tail -20 "$WORK/build.log" >&2; fallback "build failed"; }
cmake --install "$WORK/build" >"$WORK/install.log" 2>&1 || fallback "install failed"
[ -f "$PREFIX/lib/libjson-c.a" ] && [ -f "$PREFIX/include/json-c/json.h" ] || fallback "libjson-c.a or json.h missing after install"
echo "build-jsonc-fuzz.sh: installed $PREFIX/lib/libjson-c.a"
echo "build-jsonc-fuzz.sh: use it with: cmake --preset fuzz -DMXM_JSONC_ROOT=$PREFIX (scripts/fuzz.sh does this itself)"
