#!/usr/bin/env bash
# Re-resolve the pinned versions in requirements/constraints.txt from pyproject.toml, in a scratch venv.
# Run after changing dependencies; review the diff; commit it with the change.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
python3 -m venv "$scratch/venv"
"$scratch/venv/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[test]"
{
  echo "# Pinned versions for every install of xinyong (scripts/setup.sh passes this file to pip with -c)."
  echo "# Regenerate with scripts/lock.sh after changing dependencies in pyproject.toml."
  grep -E '^(setuptools|wheel)==' requirements/constraints.txt
  "$scratch/venv/bin/python" -m pip freeze --exclude-editable | grep -v '^xinyong'
} > requirements/constraints.txt.new
mv requirements/constraints.txt.new requirements/constraints.txt
echo "wrote requirements/constraints.txt"
