#!/usr/bin/env bash
# Install this checkout in editable mode, with the given extras, into a venv:
#     bash scripts/install.sh .venv/bin/python data,test
# A first install fetches dozens of packages and takes a minute or more, so
# instead of pip's long log this shows one line per package pip collects and
# the time taken; when pip fails, it shows pip's whole log.
set -euo pipefail
python=$1
extras=$2

if [ -t 1 ]; then
  # one line, rewritten in place (cut short, so that it never wraps)
  show() { printf '\r\033[K  %s' "${1:0:76}"; }
  finish() { printf '\r\033[K'; }
else
  show() { printf '  %s\n' "$1"; }
  finish() { :; }
fi

progress() {
  local count=0 line file name version packages
  while IFS= read -r line; do
    case $line in
      Collecting*)  # a requirement pip looks up in an index
        count=$((count + 1))
        line=${line#Collecting }
        show "[$count] ${line%% *}"
        ;;
      Processing*.whl*)  # a wheel found on local disk
        count=$((count + 1))
        file=${line#Processing }
        file=${file%% *}
        IFS=- read -r name version _ <<<"${file##*/}"
        show "[$count] $name $version"
        ;;
      "  Downloading "*)
        show "[$count] downloading ${line#  Downloading }"
        ;;
      "Installing collected packages:"*)
        packages=${line#*: }
        packages=${packages//[^,]/}
        show "unpacking $((${#packages} + 1)) packages ..."
        ;;
    esac
  done
  finish
}

echo "Installing tinygraph with the [$extras] extras into $(dirname "$(dirname "$python")") ..."
start=$SECONDS
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# setuptools warns, on every editable install, that a folder named like the
# package could shadow it on import; here that folder is the package itself.
export PYTHONWARNINGS="ignore:Editable installation"
set +e
"$python" -m pip install --progress-bar off -e ".[$extras]" 2>&1 | tee "$log" | progress
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ]; then
  cat "$log" >&2
  echo "pip install -e \".[$extras]\" failed (exit status $status); its log is above." >&2
  exit "$status"
fi
echo "Installed in $((SECONDS - start)) s."
# The distribution was called "tinygraph" before it was renamed, and a venv
# made then still has it: two distributions must not own one package. Its
# editable install is only a path hook, so removing it after the new one is
# in place leaves tinygraph importable throughout.
if "$python" -m pip show tinygraph >/dev/null 2>&1; then
  echo "Removing the old 'tinygraph' distribution (now 'tinygraph-autodiff')."
  "$python" -m pip uninstall --quiet --yes tinygraph
fi
