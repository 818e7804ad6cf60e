#!/usr/bin/env bash
# Create the project's virtual environment in .venv. Debian splits venv
# support out of its python3 package; when it is missing and we are root,
# install it with apt-get, otherwise print the exact command.
set -euo pipefail
PYTHON=${PYTHON:-python3}
VENV=${1:-.venv}
if [ -x "$VENV/bin/python" ]; then
  exit 0
fi
if ! "$PYTHON" -m venv "$VENV" >/dev/null 2>&1; then
  rm -rf "$VENV"
  version=$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Python's venv module is missing: installing python${version}-venv with apt-get ..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "python${version}-venv" >/dev/null
    "$PYTHON" -m venv "$VENV"
  else
    echo "Python's venv module is missing. Install it with:" >&2
    echo "    sudo apt-get install python${version}-venv" >&2
    exit 1
  fi
fi
"$VENV/bin/python" -m pip install --quiet --upgrade pip
