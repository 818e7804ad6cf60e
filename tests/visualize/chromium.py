"""A headless Chromium driven over the DevTools protocol, for page tests.

Uses ``--remote-debugging-pipe``: Chromium reads JSON commands on file
descriptor 3 and writes replies on 4, each message ended by a NUL byte, so
the standard library is enough (no websocket client, no network port).
"""

import json
import os
import select
import shutil
import subprocess
import time

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--remote-debugging-pipe",
]


def find_chromium():
    """The Chromium program, or None.

    Nothing is installed from inside the test run, where pytest would hide
    what is happening: ``make test`` runs ``scripts/ensure_chromium.sh``
    first, which says what it installs and why.
    """
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


class Browser:
    """One headless Chromium with one page; ``evaluate`` runs JavaScript."""

    def __init__(self, program, profile_dir, timeout=20.0):
        self.timeout = timeout
        commands_read, self._commands = os.pipe()
        self._replies, replies_write = os.pipe()
        # bash (dash takes only one-digit descriptors) puts our pipe ends on
        # the descriptors 3 and 4 that Chromium uses.
        self.process = subprocess.Popen(
            ["bash", "-c", f'exec "$0" "$@" 3<&{commands_read} 4>&{replies_write}',
             program, *FLAGS, f"--user-data-dir={profile_dir}", "about:blank"],
            pass_fds=(commands_read, replies_write),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(commands_read)
        os.close(replies_write)
        self._buffer = b""
        self._next_id = 0
        self.session = None

    def call(self, method, session=None, **params):
        """Send one command and wait for its reply's ``result``."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def _read(self, deadline):
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._replies], [], [], left)[0]:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self._replies, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def open(self, url):
        """Open ``url`` in a new page and wait until it has loaded."""
        target = self.call("Target.createTarget", url=url)["targetId"]
        self.session = self.call(
            "Target.attachToTarget", targetId=target, flatten=True
        )["sessionId"]
        self.call("Emulation.setFocusEmulationEnabled", self.session, enabled=True)
        deadline = time.monotonic() + self.timeout
        page = json.dumps(url.split("#")[0])
        loaded = f'document.URL.startsWith({page}) && document.readyState == "complete"'
        while not self.evaluate(loaded):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url} did not finish loading")
            time.sleep(0.05)

    def evaluate(self, expression):
        result = self.call(
            "Runtime.evaluate", self.session, expression=expression,
            returnByValue=True,
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def press(self, key, code):
        """A real key press (down and up) sent to the page."""
        for kind in ("keyDown", "keyUp"):
            self.call("Input.dispatchKeyEvent", self.session, type=kind, key=key,
                      code=code, windowsVirtualKeyCode=code_number(code))

    def click(self, selector):
        """A real mouse click in the middle of the element ``selector``."""
        box = self.evaluate(
            f"(() => {{ const r = document.querySelector({json.dumps(selector)})"
            ".getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2];"
            " })()"
        )
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", self.session, type=kind,
                      x=box[0], y=box[1], button="left", clickCount=1)

    def close(self):
        try:
            self.call("Browser.close")
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._commands)
        os.close(self._replies)


def code_number(code):
    return {"ArrowRight": 39, "ArrowLeft": 37, "Space": 32}.get(code, 0)
