#!/usr/bin/env bash
# Sets up ./.venv with xinyong and its pinned dependencies (requirements/constraints.txt).
#   scripts/setup.sh          the package, for `xinyong demo` and everyday use
#   scripts/setup.sh --test   plus the test tools
# Needs only Python >= 3.11 with pip and venv. Safe to run again: it installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
"$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "xinyong needs Python 3.11 or newer")'

extras=""
case "${1:-}" in
  --test) extras="[test]" ;;
  "") ;;
  *) echo "usage: scripts/setup.sh [--test]" >&2; exit 2 ;;
esac

[ -x .venv/bin/python ] || "$python" -m venv .venv
pip=(.venv/bin/python -m pip install --quiet --disable-pip-version-check -c requirements/constraints.txt)
# Build tools first, pinned, so the editable build below uses them rather than fetching its own.
"${pip[@]}" setuptools wheel
"${pip[@]}" --no-build-isolation -e ".${extras}"
