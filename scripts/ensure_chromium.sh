#!/usr/bin/env bash
# One test drives a real headless Chromium through the step-through page
# (tests/visualize/test_page.py). When Chromium is missing and we are root on
# Debian/Ubuntu, say what will be installed and why, then install it with
# apt-get, without recommended packages. Otherwise say that the test will be
# skipped and how to install Chromium; `make test` goes on either way.
set -euo pipefail
for name in chromium chromium-browser; do
  if command -v "$name" >/dev/null 2>&1; then
    exit 0
  fi
done
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "Chromium is missing, so the test that clicks through a step-through page"
  echo "in a real browser will be skipped. To run it, install Chromium with:"
  echo "    sudo apt-get install --no-install-recommends chromium"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# apt's own dry run gives the package count and sizes for this machine.
summary=$(apt-get install --assume-no --no-install-recommends chromium 2>/dev/null \
  | grep -E "newly installed|Need to get|After this operation" || true)
cat <<EOF
One test drives a real headless Chromium through a step-through page (the
kind \`make demo\` writes to out/steps.html), to check its buttons and keys in
a browser. Chromium is missing, so Debian's chromium package is being
installed now with apt-get, without recommended packages. This happens once
and takes a minute or so:
$(printf '%s\n' "$summary" | sed 's/^/    /')
(\`make test-fast\` skips the browser and the notebooks, and needs no Chromium.)
EOF
start=$SECONDS
if apt-get install -y -qq --no-install-recommends chromium >/dev/null; then
  echo "Chromium installed in $((SECONDS - start)) s."
else
  echo "Installing Chromium failed; the browser test will be skipped." >&2
fi
