#!/usr/bin/env bash
# Start Jupyter Lab on tutorials/ and print the address to open:
#     bash scripts/tutorials.sh .venv    (PORT=8890 to choose the port)
# It opens no browser (the machine may have no screen) and also runs as root,
# which Jupyter refuses unless told.
set -euo pipefail
venv=${1:-.venv}
port=${PORT:-8888}
python=$venv/bin/python

# The first free port from $port on, and a token only this run knows.
port=$("$python" - "$port" <<'EOF'
import socket
import sys

port = int(sys.argv[1])
while True:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
            break
        except OSError:
            port += 1
print(port)
EOF
)
token=$("$python" -c "import secrets; print(secrets.token_hex(16))")
options=(
  --no-browser
  --ServerApp.port="$port"
  --ServerApp.port_retries=0
  --IdentityProvider.token="$token"
  --ServerApp.log_level=WARN
  --LabApp.log_level=WARN
  --ServerApp.answer_yes=True  # one Ctrl-C stops it, with no question asked
)
if [ "$(id -u)" = "0" ]; then
  options+=(--allow-root)
fi
cat <<EOF
Jupyter Lab is starting on tutorials/. Open this address in a web browser:

    http://localhost:$port/lab?token=$token

On a machine without a screen, forward the port from your own computer first
(ssh -L $port:localhost:$port <user>@<this machine>), then open the address
there. Ctrl-C stops Jupyter.
EOF
exec "$venv/bin/jupyter" lab "${options[@]}" tutorials/
