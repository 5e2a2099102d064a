"""A minimal Chrome DevTools Protocol client for headless Chromium (stdlib only).

Chromium is started with --remote-debugging-pipe: it reads NUL-terminated JSON commands from
fd 3 and writes replies and events to fd 4, so no WebSocket library and no TCP port are needed.
Every request the page makes is paused (Fetch domain) and let through only when `allow(url)`
says so; the rest fail as blocked by the client — the network policy of `zwgk a11y`.
"""
from __future__ import annotations

import fcntl
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
    "--no-first-run", "--no-default-browser-check", "--mute-audio", "--hide-scrollbars",
    "--disable-features=DnsOverHttps,OptimizationHints,Translate,MediaRouter", "--remote-debugging-pipe",
]


class CDPError(RuntimeError):
    pass


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


class Pipe:
    """Chromium on a debugging pipe: `send` a command and wait for its reply; every other message
    goes to `on_message` (run on the reader thread: it must not block). Subclasses open pages."""

    def __init__(self, binary: str | None, user_data_dir: str, width: int = 1280, height: int = 900,
                 keep_stderr: bool = False):
        binary = binary or find_chromium()
        if not binary:
            raise CDPError("未找到 Chromium")
        self.width, self.height = width, height
        cmd_r, self._cmd_w = os.pipe()
        self._res_r, res_w = os.pipe()

        def to_3_and_4():
            # move to high numbers first so that dup2 onto 3/4 cannot clobber the other end
            a = fcntl.fcntl(cmd_r, fcntl.F_DUPFD, 10)
            b = fcntl.fcntl(res_w, fcntl.F_DUPFD, 10)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen(
            [str(binary), *FLAGS, f"--user-data-dir={user_data_dir}", f"--window-size={width},{height}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE if keep_stderr else subprocess.DEVNULL,
            preexec_fn=to_3_and_4, pass_fds=(3, 4))  # noqa: PLW1509 - only dup2 runs in the child
        os.close(cmd_r)
        os.close(res_w)
        self._next = 0
        self._replies: dict[int, queue.Queue] = {}
        self._lock = threading.Lock()
        threading.Thread(target=self._reader, daemon=True).start()

    def on_message(self, msg: dict) -> None:
        """An event (a message that is no reply)."""

    def _write(self, msg: dict) -> None:
        with self._lock:
            os.write(self._cmd_w, json.dumps(msg).encode() + b"\0")

    def _new_id(self) -> int:
        with self._lock:
            self._next += 1
            return self._next

    def _reader(self):
        buf = b""
        while True:
            try:
                chunk = os.read(self._res_r, 1 << 16)
            except OSError:
                break
            if not chunk:
                break
            buf += chunk
            while b"\0" in buf:
                raw, buf = buf.split(b"\0", 1)
                msg = json.loads(raw)
                if "id" in msg:
                    q = self._replies.get(msg["id"])
                    if q is not None:
                        q.put(msg)
                else:
                    self.on_message(msg)

    def send(self, method: str, params: dict | None = None, session: str | None = None, timeout: float = 60) -> dict:
        mid = self._new_id()
        self._replies[mid] = q = queue.Queue()
        msg = {"id": mid, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self._write(msg)
        try:
            reply = q.get(timeout=timeout)
        except queue.Empty:
            raise CDPError(f"{method}: no reply within {timeout}s") from None
        finally:
            self._replies.pop(mid, None)
        if "error" in reply:
            raise CDPError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def close(self):
        try:
            self.send("Browser.close", timeout=10)
        except Exception:  # noqa: BLE001 - closing anyway
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._cmd_w)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Browser(Pipe):
    """`with Browser(allow) as b: b.load(url); b.eval("…")` — one tab, reused for every page."""

    def __init__(self, allow: Callable[[str], bool], binary: str | None = None, width: int = 1280, height: int = 900):
        self.allow = allow
        self.blocked: list[str] = []
        self._events: list[dict] = []
        self._tmp = tempfile.TemporaryDirectory(prefix="zwgk-a11y-")
        super().__init__(binary, self._tmp.name, width, height)
        targets = self.send("Target.getTargets")["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        self.session = self.send("Target.attachToTarget", {"targetId": page["targetId"], "flatten": True})["sessionId"]
        for domain in ("Runtime", "Page"):
            self.send(f"{domain}.enable", session=self.session)
        self.send("Fetch.enable", {"patterns": [{"urlPattern": "*"}]}, session=self.session)
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, session=self.session)

    def on_message(self, msg: dict) -> None:
        if msg.get("method") == "Fetch.requestPaused":
            self._paused(msg)
        else:
            self._events.append(msg)

    def _paused(self, msg: dict) -> None:
        """Let a request through or fail it; answered without waiting (the reader must not block)."""
        p = msg["params"]
        url = p["request"]["url"]
        mid = self._new_id()
        if self.allow(url):
            out = {"id": mid, "method": "Fetch.continueRequest", "params": {"requestId": p["requestId"]}}
        else:
            self.blocked.append(url)
            out = {"id": mid, "method": "Fetch.failRequest",
                   "params": {"requestId": p["requestId"], "errorReason": "BlockedByClient"}}
        out["sessionId"] = msg.get("sessionId")
        self._write(out)

    def _wait_event(self, method: str, since: int, timeout: float) -> dict:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for ev in self._events[since:]:
                if ev.get("method") == method and ev.get("sessionId") == self.session:
                    return ev
            time.sleep(0.05)
        raise CDPError(f"no {method} within {timeout}s")

    # -- pages
    def load(self, url: str, timeout: float = 60) -> None:
        """Navigate the tab to `url` and wait for its load event."""
        since = len(self._events)
        r = self.send("Page.navigate", {"url": url}, session=self.session, timeout=timeout)
        if r.get("errorText"):
            raise CDPError(f"{url}: {r['errorText']}")
        self._wait_event("Page.loadEventFired", since, timeout)

    def eval(self, expression: str, timeout: float = 120):
        r = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True},
                      session=self.session, timeout=timeout)
        if "exceptionDetails" in r:
            d = r["exceptionDetails"]
            raise CDPError(f"{(d.get('exception') or {}).get('description') or d.get('text')}")
        return r["result"].get("value")

    def close(self):
        super().close()
        self._tmp.cleanup()
