#!/usr/bin/env bash
# scripts/mutants.sh: mutation testing of ref/src. Each mutant (one small edit of one file) is
# applied to a copy of the tree, never to the tree; the copy is rebuilt, the object file must
# differ from the unmutated build's, and the mutant runs against the corpus (mxm conform, in
# process) and then the unit and CLI tests (ctest). Writes a JSON report, prints per-file scores
# and the survivors. `scripts/mutants.sh --help` lists the operators, statuses and exit codes.
#
# The work is done by scripts/mutants.py (Python 3 standard library only).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PY="${PYTHON:-python3}"
command -v "$PY" >/dev/null 2>&1 || { echo "mutants.sh: $PY not found (scripts/setup.sh installs python3)" >&2; exit 2; }
exec "$PY" "$here/mutants.py" "$@"
