#!/usr/bin/env bash
# Sets up ./.venv with xinyong and its locked dependencies (requirements/lock.txt, or lock-test.txt
# with --test: exact versions with hashes, made by scripts/lock.sh).
#   scripts/setup.sh          the package, for `xinyong demo` and everyday use
#   scripts/setup.sh --test   plus the test tools
# Needs only Python >= 3.11 with pip and venv (not uv). Safe to run again: it installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
"$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "xinyong needs Python 3.11 or newer")'

extras=""
lock=requirements/lock.txt
case "${1:-}" in
  --test) extras="[test]"; lock=requirements/lock-test.txt ;;
  "") ;;
  *) echo "usage: scripts/setup.sh [--test]" >&2; exit 2 ;;
esac

# System packages, from Debian's registry when they are missing (as root; otherwise say what to install):
# - always: a CJK font and Pango, which WeasyPrint needs to typeset the Chinese 检查告知书 PDFs;
# - with --test: Debian's Chromium for the browser tests (browser downloads are blocked), and
#   LibreOffice Calc and Poppler, which render the xlsx task lists and PDFs to PNG pages in the tests.
missing=()
ls /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0' || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
if [ -n "$extras" ]; then
  command -v chromium >/dev/null || missing+=(chromium)
  command -v soffice >/dev/null || missing+=(libreoffice-calc-nogui)
  command -v pdftoppm >/dev/null || missing+=(poppler-utils)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "scripts/setup.sh: xinyong needs ${missing[*]}; install them with apt-get (as root)" >&2
    exit 1
  fi
fi

[ -x .venv/bin/python ] || "$python" -m venv .venv
pip=(.venv/bin/python -m pip install --quiet --disable-pip-version-check)
# Every dependency, the build tools included, at its locked version and checked against its hashes.
"${pip[@]}" --require-hashes -r "$lock"
# Then the project itself, which has no hash to check: a second invocation, since pip refuses to
# mix hashed and unhashed requirements. Its dependencies are all in place already (--no-deps), and
# it is built with the locked setuptools and wheel rather than ones fetched for an isolated build.
"${pip[@]}" --no-deps --no-build-isolation -e ".${extras}"
