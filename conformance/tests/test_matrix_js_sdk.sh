# The whole corpus through the matrix-js-sdk adapter (conformance/adapters/matrix-js-sdk/), when
# Node 20 or newer is installed and `npm ci` has installed the pinned SDK beside the adapter
# (scripts/setup.sh, MXM_SETUP_CLIENTS=1). Otherwise this test reports itself skipped (exit 77,
# ctest's SKIP_RETURN_CODE), never passed.
#
# It fails on: a failure not listed in conformance/expected-failures/matrix-js-sdk-37.5.0.json,
# a listed case that passes (XPASS), an error not listed in
# conformance/adapters/matrix-js-sdk/expected-errors.json (or a listed one gone), and a
# conformance/IMPLEMENTATIONS.md whose matrix-js-sdk row or divergences are not what this run
# gives. MXM_UPDATE=1 regenerates the derived files (see check_implementation in lib.sh).
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$TESTS/../.." && pwd)
DIR=$ROOT/conformance/adapters/matrix-js-sdk
XFAIL=$ROOT/conformance/expected-failures/matrix-js-sdk-37.5.0.json
XERR=$DIR/expected-errors.json

NODE=$(command -v node || true)
if [ -z "$NODE" ]; then echo "SKIP: node is not installed (MXM_SETUP_CLIENTS=1 bash scripts/setup.sh)"; exit 77; fi
major=$("$NODE" -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then echo "SKIP: node $("$NODE" --version) is older than 20, which matrix-js-sdk 37.5.0 needs"; exit 77; fi
ADAPTER="$NODE $DIR/js_sdk_adapter.mjs"
start_adapter matrix-js-sdk "$ADAPTER" "matrix-js-sdk 37\.5\.0 " "MXM_SETUP_CLIENTS=1 bash scripts/setup.sh runs npm ci in $DIR"
# The SDK's RoomMember.isKicked() names a leave sent by another user a kick.
client_by_hand "$ADAPTER" outcome kicked
check_implementation matrix-js-sdk "$ADAPTER" "$XFAIL" "$XERR"
done_tests
