# install_test.sh BUILD_DIR SOURCE_DIR CC "CFLAGS": install the build into a temporary prefix, then
#   1. the tree has the layout README.md gives (headers, libmxm.so with its soname and only the
#      public API exported, libmxm.a, the CMake package, mxm.pc, the tools, share/mxm/conformance);
#   2. a consumer program outside the tree builds and runs against it four ways: CMake with
#      mxm::mxm (shared) and mxm::mxm_static, pkg-config shared and pkg-config --static;
#   3. the installed mxm conform, run from another directory, finds the installed corpus.
set -u
BUILD=$1
SRC=$2
CC=$3
CFLAGS=${4:-}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
N=0
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { N=$((N + 1)); echo "ok $N - $*"; }
run() { "$@" >"$TMP/log" 2>&1 || { cat "$TMP/log" >&2; fail "$*"; }; }

P="$TMP/prefix"
run cmake --install "$BUILD" --prefix "$P"
ok "cmake --install into a temporary prefix"
for f in include/mxm/mxm.h include/mxm/about.h lib/libmxm.a lib/libmxm.so lib/pkgconfig/mxm.pc \
         lib/cmake/mxm/mxmConfig.cmake lib/cmake/mxm/mxmConfigVersion.cmake lib/cmake/mxm/mxmTargets.cmake \
         bin/mxm bin/mxm-ref-adapter bin/mxm-conform share/mxm/conformance/cases/VERSION \
         share/mxm/conformance/PROTOCOL.md share/mxm/conformance/FORMAT.md share/mxm/conformance/NOTES.md \
         share/mxm/conformance/schema share/mxm/conformance/expected-failures share/mxm/conformance/adapters/skeleton.py \
         share/doc/mxm/LICENSE share/doc/mxm/CHANGELOG.md; do
  [ -e "$P/$f" ] || fail "not installed: $f"
done
ok "the install tree has every piece"
[ "$(ls "$P/share/mxm/conformance/cases/"*_test.json | wc -l)" = "$(ls "$SRC/conformance/cases/"*_test.json | wc -l)" ] ||
  fail "not every case file is installed"
ok "every case file is installed"
( cd "$P" && find . \( -type f -o -type l \) | sed 's|^\./||' | sort ) >"$TMP/tree"
echo "--- install tree (files and links): $(wc -l <"$TMP/tree")"; grep -v '^share/mxm/conformance/cases/' "$TMP/tree" | sed 's/^/    /'

# the shared library: soname, and exactly the public API
soname=$(readelf -d "$P/lib/libmxm.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
major=$(sed -n 's/^#define MXM_VERSION_MAJOR \([0-9]*\)$/\1/p' "$SRC/ref/include/mxm/about.h")
[ "$soname" = "libmxm.so.$major" ] || fail "soname is '$soname', expected libmxm.so.$major"
ok "soname $soname"
nm -D --defined-only "$P/lib/libmxm.so" | awk '$2 ~ /^[TDRBVW]$/ {print $3}' | sed 's/@.*//' | sort -u >"$TMP/exported"
cat "$P/include/mxm/"*.h | sed 's#/\*.*\*/##' | grep -o 'mxm_[a-z0-9_]*[ ]*(' | sed 's/[ (]//g' | sort -u >"$TMP/declared"
[ -s "$TMP/exported" ] || fail "libmxm.so exports nothing"
if ! diff "$TMP/declared" "$TMP/exported" >"$TMP/diff"; then
  cat "$TMP/diff" >&2
  fail "exported symbols (>) differ from the functions the installed headers declare (<)"
fi
ok "libmxm.so exports exactly the $(wc -l <"$TMP/exported") functions the installed headers declare"

# the consumer, four ways; run from another directory
cp -r "$SRC/ref/tests/install" "$TMP/consumer"
mkdir "$TMP/elsewhere"
cd "$TMP/elsewhere" || fail "cd"
for kind in shared static; do
  st=OFF; [ $kind = static ] && st=ON
  run cmake -S "$TMP/consumer" -B "$TMP/cmake-$kind" -DCMAKE_PREFIX_PATH="$P" -DCMAKE_C_COMPILER="$CC" \
      -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_EXE_LINKER_FLAGS="$CFLAGS" -DCONSUMER_STATIC=$st
  run cmake --build "$TMP/cmake-$kind"
  "$TMP/cmake-$kind/consumer" >"$TMP/out" 2>&1 || { cat "$TMP/out" >&2; fail "CMake $kind consumer failed"; }
  grep -q "consumer: ok" "$TMP/out" || fail "CMake $kind consumer: $(cat "$TMP/out")"
  if [ $kind = shared ]; then
    ldd "$TMP/cmake-$kind/consumer" | grep -q "libmxm.so.$major => $P/lib/" || fail "CMake shared consumer does not load the installed libmxm.so"
  else
    ldd "$TMP/cmake-$kind/consumer" | grep -q libmxm && fail "CMake static consumer loads libmxm.so"
  fi
  ok "CMake find_package(mxm): mxm::mxm$([ $kind = static ] && echo _static) consumer builds and runs"
done
export PKG_CONFIG_PATH="$P/lib/pkgconfig"
pkg-config --exists mxm || fail "pkg-config does not find mxm.pc"
[ "$(pkg-config --modversion mxm)" = "$(sed -n 's/^#define MXM_VERSION "\(.*\)"$/\1/p' "$SRC/ref/include/mxm/about.h")" ] ||
  fail "mxm.pc version $(pkg-config --modversion mxm)"
for var in prefix libdir includedir; do
  case "$(pkg-config --variable=$var mxm)" in
  *//*) fail "mxm.pc $var has a double slash: $(pkg-config --variable=$var mxm)" ;;
  esac
done
pkg-config --print-requires-private mxm | grep -q json-c && pkg-config --print-requires-private mxm | grep -q libsodium ||
  fail "mxm.pc Requires.private lacks json-c or libsodium"
# shellcheck disable=SC2046,SC2086
run $CC $CFLAGS "$TMP/consumer/consumer.c" -o "$TMP/pc-shared" $(pkg-config --cflags --libs mxm) -Wl,-rpath,"$P/lib"
"$TMP/pc-shared" | grep -q "consumer: ok" || fail "pkg-config shared consumer"
ok "pkg-config: cc consumer.c \$(pkg-config --cflags --libs mxm) builds and runs"
# shellcheck disable=SC2046,SC2086
run $CC $CFLAGS "$TMP/consumer/consumer.c" -o "$TMP/pc-static" $(pkg-config --cflags mxm) "$P/lib/libmxm.a" \
    $(pkg-config --static --libs mxm | sed 's/-lmxm\b//')
"$TMP/pc-static" | grep -q "consumer: ok" || fail "pkg-config static consumer"
ldd "$TMP/pc-static" | grep -q libmxm && fail "pkg-config static consumer loads libmxm.so"
ok "pkg-config --static: cc consumer.c libmxm.a \$(pkg-config --static --libs mxm) builds and runs"

# the installed mxm conform, from another directory, finds the installed corpus
"$P/bin/mxm" conform --room-version 10 --only member_join_test.json >"$TMP/conform" 2>&1 ||
  { cat "$TMP/conform" >&2; fail "installed mxm conform"; }
grep -qF "corpus: $P/share/mxm/conformance/cases" "$TMP/conform" || { cat "$TMP/conform" >&2; fail "installed mxm conform did not use the installed corpus"; }
grep -q "corpus version: $(head -n1 "$SRC/conformance/cases/VERSION")" "$TMP/conform" || fail "installed report names no corpus version"
ok "installed mxm conform, run from $TMP/elsewhere, finds $P/share/mxm/conformance/cases"
"$P/bin/mxm-conform" --lint >"$TMP/lint" 2>&1 || { cat "$TMP/lint" >&2; fail "installed mxm-conform --lint"; }
ok "installed mxm-conform --lint: the installed corpus lints clean"
echo "$N checks passed"
