#!/usr/bin/env bash
# Make sure Graphviz's `dot` program is installed: apt-get it when we are
# root on Debian/Ubuntu, otherwise stop with the exact command to run.
set -euo pipefail
if command -v dot >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Graphviz's dot is missing: installing it with apt-get ..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null
  exit 0
fi
echo "Graphviz's 'dot' program is missing. Install it with:" >&2
echo "    sudo apt-get install graphviz" >&2
exit 1
