#!/usr/bin/env bash
# scripts/setup.sh: install every Debian package mxm needs, on Debian bookworm, as root.
#
# Idempotent: packages already present are left alone by apt-get. Fails loudly: any
# step that fails stops the script with a message and a non-zero exit code.
#
#   bash scripts/setup.sh            core build + test toolchain, fuzzing and coverage tools
#   MXM_SETUP_BROWSER=1 bash scripts/setup.sh
#                                    also Debian's chromium, to check the HTML report by eye
#
# Exit codes: 0 everything installed; 1 not root / no apt-get; 2 apt-get failed.
set -euo pipefail

die() { echo "setup.sh: error: $*" >&2; exit "${2:-1}"; }

command -v apt-get >/dev/null 2>&1 || die "apt-get not found: this script targets Debian bookworm" 1
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else die "run as root (or install sudo)" 1; fi
else
  SUDO=
fi

# Why each package is here:
#   gcc make cmake pkg-config        default build (CMake >= 3.25 for workflow presets)
#   clang-14 libclang-rt-14-dev      ASan+UBSan preset and libFuzzer; the runtime is only a
#                                    Recommends of clang-14, and without it -fsanitize=fuzzer
#                                    compiles but does not link
#   llvm-14                          llvm-profdata / llvm-cov for scripts/coverage.sh
#   lld-14 afl++                     AFL++ (tied to LLVM 14 on bookworm; LTO mode needs lld-14)
#   libjson-c-dev                    the JSON parser (only ref/src/json_in.c uses it)
#   libsodium-dev                    Ed25519, SHA-256, base64
#   python3                          the adapter skeleton for homeserver authors and its test
#   dpkg-dev                         apt-get source json-c, for the instrumented fuzz build
#   zip                              seed-corpus zips in the ClusterFuzzLite build
PKGS=(gcc make cmake pkg-config clang-14 libclang-rt-14-dev llvm-14 lld-14 afl++
      libjson-c-dev libsodium-dev python3 dpkg-dev zip)
if [ "${MXM_SETUP_BROWSER:-0}" = 1 ]; then PKGS+=(chromium); fi

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "setup.sh: all ${#PKGS[@]} packages already installed"
else
  echo "setup.sh: installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q || die "apt-get update failed" 2
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" || die "apt-get install failed" 2
fi

# Sanity: the tools the build and tests call must now be on PATH.
for t in cmake gcc clang-14 pkg-config; do
  command -v "$t" >/dev/null 2>&1 || die "$t still missing after install" 2
done
pkg-config --exists json-c || die "pkg-config cannot find json-c" 2
pkg-config --exists libsodium || die "pkg-config cannot find libsodium" 2
echo "setup.sh: ok"
