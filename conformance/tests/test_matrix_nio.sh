# The whole corpus through the matrix-nio adapter (conformance/adapters/matrix-nio/), when
# Debian's python3-matrix-nio can be imported by /usr/bin/python3 (scripts/setup.sh,
# MXM_SETUP_CLIENTS=1). Otherwise this test reports itself skipped (exit 77, ctest's
# SKIP_RETURN_CODE), never passed.
#
# It fails on: a failure not listed in conformance/expected-failures/matrix-nio-0.20.1.json, a
# listed case that passes (XPASS), an error not listed in
# conformance/adapters/matrix-nio/expected-errors.json (or a listed one gone), and a
# conformance/IMPLEMENTATIONS.md whose matrix-nio row or divergences are not what this run
# gives. MXM_UPDATE=1 regenerates the derived files (see check_implementation in lib.sh).
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$TESTS/../.." && pwd)
PY=/usr/bin/python3
ADAPTER="$PY $ROOT/conformance/adapters/matrix-nio/nio_adapter.py"
XFAIL=$ROOT/conformance/expected-failures/matrix-nio-0.20.1.json
XERR=$ROOT/conformance/adapters/matrix-nio/expected-errors.json

if [ ! -x "$PY" ]; then echo "SKIP: $PY (Debian's python3) is not installed"; exit 77; fi
start_adapter matrix-nio "$ADAPTER" "matrix-nio 0\.20\.1 " "MXM_SETUP_CLIENTS=1 bash scripts/setup.sh installs it"
# nio keeps nothing of a leave, so it cannot tell a kick from a leave: an error, never a guess.
client_by_hand "$ADAPTER" error "joined -> absent"
check_implementation matrix-nio "$ADAPTER" "$XFAIL" "$XERR"
done_tests
