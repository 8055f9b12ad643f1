#!/usr/bin/env bash
# scripts/setup.sh: install every Debian package mxm needs, on Debian bookworm, as root.
#
# Idempotent: packages already present are left alone by apt-get. Fails loudly: any
# step that fails stops the script with a message and a non-zero exit code.
#
#   bash scripts/setup.sh            core build + test toolchain, fuzzing and coverage tools
#   MXM_SETUP_BROWSER=1 bash scripts/setup.sh
#                                    also Debian's chromium, to check the HTML report by eye
#   MXM_SETUP_SYNAPSE=1 bash scripts/setup.sh
#                                    also the Debian python3-* packages the Synapse adapter
#                                    (conformance/adapters/synapse/) imports under /usr/bin/python3
#   MXM_SETUP_CLIENTS=1 bash scripts/setup.sh
#                                    also the two client libraries of the client adapters:
#                                    Debian's python3-matrix-nio, and Node with npm plus the
#                                    pinned matrix-js-sdk (npm ci in conformance/adapters/matrix-js-sdk/)
#
# Exit codes: 0 everything installed; 1 not root / no apt-get; 2 apt-get or npm failed.
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
#   python3-yaml                     the ctest that checks the GitHub workflows (scripts/check_workflows.py)
PKGS=(gcc make cmake pkg-config clang-14 libclang-rt-14-dev llvm-14 lld-14 afl++
      libjson-c-dev libsodium-dev python3 python3-yaml dpkg-dev zip)
if [ "${MXM_SETUP_BROWSER:-0}" = 1 ]; then PKGS+=(chromium); fi

# Optional group MXM_SETUP_SYNAPSE=1: what importing Synapse's federation receive path from a
# source tree (MXM_SYNAPSE_SRC, e.g. the synapse/ package of release 1.150.0) needs under
# Debian's /usr/bin/python3. Each is imported at module level by a module on that path:
#   python3-signedjson               event signatures (synapse/crypto/event_signing.py,
#                                    synapse/event_auth.py: third-party invites)
#   python3-nacl                     Ed25519 under signedjson
#   python3-canonicaljson            canonical JSON for hashes and size limits
#   python3-unpaddedbase64           hashes and keys (synapse/events/__init__.py)
#   python3-attr                     Synapse's record classes (attrs) everywhere
#   python3-immutabledict            synapse/types/__init__.py, synapse/util/json.py
#   python3-typing-extensions        synapse/types/__init__.py (Self, ParamSpec)
#   python3-twisted                  synapse/api/errors.py (twisted.web.http), logging context
#   python3-prometheus-client        synapse/util/caches/__init__.py, synapse/metrics
#   python3-matrix-common            synapse/util/__init__.py (version string helper)
#   python3-netaddr                  synapse/util/stringutils.py (server-name parsing)
#   python3-jinja2 python3-yaml      synapse/config/_base.py, reached through
#                                    synapse/util/caches -> synapse/config/cache.py
#   python3-packaging                synapse/metrics/__init__.py (version parsing)
if [ "${MXM_SETUP_SYNAPSE:-0}" = 1 ]; then
  PKGS+=(python3-signedjson python3-nacl python3-canonicaljson python3-unpaddedbase64
         python3-attr python3-immutabledict python3-typing-extensions python3-twisted
         python3-prometheus-client python3-matrix-common python3-netaddr python3-jinja2
         python3-yaml python3-packaging)
fi

# Optional group MXM_SETUP_CLIENTS=1: the client libraries behind the client adapters.
#   python3-matrix-nio               matrix-nio itself, for conformance/adapters/matrix-nio/
#                                    (imported by Debian's /usr/bin/python3; it pulls in its own
#                                    python3-* dependencies: aiohttp, jsonschema, olm, ...)
#   nodejs npm                       only when no node is on PATH: the runtime and the client that
#                                    installs matrix-js-sdk from the npm registry. matrix-js-sdk
#                                    37.5.0 (the newest release that supports Node 20) needs Node 20
#                                    or newer; Debian bookworm's nodejs is 18, so on a machine with
#                                    only that the adapter's test reports itself skipped
if [ "${MXM_SETUP_CLIENTS:-0}" = 1 ]; then
  PKGS+=(python3-matrix-nio)
  if ! command -v node >/dev/null 2>&1; then PKGS+=(nodejs); fi
  if ! command -v npm >/dev/null 2>&1; then PKGS+=(npm); fi
fi

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

# matrix-js-sdk, exactly the version and dependency tree of the committed package-lock.json,
# into conformance/adapters/matrix-js-sdk/node_modules (not committed). --ignore-scripts: no
# package of that tree needs an install script, and none is run.
if [ "${MXM_SETUP_CLIENTS:-0}" = 1 ]; then
  js_dir="$(cd "$(dirname "$0")/.." && pwd)/conformance/adapters/matrix-js-sdk"
  if [ -f "$js_dir/node_modules/matrix-js-sdk/package.json" ] &&
     cmp -s "$js_dir/package-lock.json" "$js_dir/node_modules/.package-lock.json.mxm"; then
    echo "setup.sh: matrix-js-sdk already installed in $js_dir"
  else
    echo "setup.sh: npm ci in $js_dir"
    (cd "$js_dir" && npm ci --no-audit --no-fund --ignore-scripts) || die "npm ci failed" 2
    cp "$js_dir/package-lock.json" "$js_dir/node_modules/.package-lock.json.mxm"
  fi
fi
echo "setup.sh: ok"
