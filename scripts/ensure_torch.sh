#!/usr/bin/env bash
# PyTorch for `make bench`, as a CPU-only build:
#     bash scripts/ensure_torch.sh .venv/bin/python
# On Linux, `pip install torch` from PyPI fetches the CUDA build, which pulls
# gigabytes of nvidia-* wheels; the benchmarks time one CPU thread and need
# none of it. So on Linux this asks for the "+cpu" build, first from pip's
# configured indexes and local wheels, then from PyTorch's CPU index. When
# neither has it, the benchmarks run without PyTorch and this says so.
set -euo pipefail
python=$1
version=${TORCH_VERSION:-2.13.0}
cpu_index=https://download.pytorch.org/whl/cpu

if "$python" -c "import torch" >/dev/null 2>&1; then
  exit 0
fi
if [ "$(uname -s)" = "Linux" ]; then
  requirement="torch==$version+cpu"
else
  requirement="torch==$version"  # PyPI's macOS and Windows wheels are CPU builds
fi
echo "Installing PyTorch $version, CPU build, to compare against (about 200 MB) ..."
start=$SECONDS
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if "$python" -m pip install --quiet --only-binary=:all: "$requirement" >"$log" 2>&1 \
  || "$python" -m pip install --quiet --only-binary=:all: "$requirement" \
       --extra-index-url "$cpu_index" >"$log" 2>&1; then
  echo "PyTorch installed in $((SECONDS - start)) s."
else
  echo "No CPU build of PyTorch $version could be installed for this Python and" >&2
  echo "platform (tried pip's indexes, then $cpu_index); pip said:" >&2
  grep -E "^ERROR" "$log" | tail -n 2 | sed 's/^/    /' >&2
  echo "The benchmarks run without PyTorch. TORCH_VERSION=<version> tries another." >&2
fi
