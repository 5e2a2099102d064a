"""The report tests' Chromium: pages opened one after another, every event kept (console errors,
requests), screenshots — over the pipe client zwgk a11y uses (zwgk.a11y.browser.Pipe)."""
from __future__ import annotations

import base64
import threading
import time
from pathlib import Path

from zwgk.a11y.browser import FLAGS, CDPError, Pipe  # noqa: F401 - FLAGS: the tests print with them

CHROMIUM = Path("/usr/bin/chromium")


class Browser(Pipe):
    """`with Browser(tmp) as b: page = b.open(url)` — page.events holds every event seen; the
    pipe to Chromium is zwgk.a11y.browser.Pipe."""

    def __init__(self, user_data_dir: Path, binary: Path = CHROMIUM, width: int = 1280, height: int = 900):
        self.events: list[dict] = []
        self.stderr_lines: list[str] = []
        super().__init__(str(binary), str(user_data_dir), width, height, keep_stderr=True)
        threading.Thread(target=self._stderr, daemon=True).start()

    def on_message(self, msg: dict) -> None:
        self.events.append(msg)

    def _stderr(self):
        for line in self.proc.stderr:
            self.stderr_lines.append(line.decode("utf-8", "replace"))

    def wait_event(self, method: str, session: str | None = None, timeout: float = 60) -> dict:
        end = time.monotonic() + timeout
        seen = 0
        while time.monotonic() < end:
            evs = self.events
            for ev in evs[seen:]:
                if ev.get("method") == method and (session is None or ev.get("sessionId") == session):
                    return ev
            seen = len(evs)
            time.sleep(0.05)
        raise CDPError(f"no {method} within {timeout}s")

    # -- page helpers
    def open(self, url: str, timeout: float = 120) -> "Page":
        targets = self.send("Target.getTargets")["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        sid = self.send("Target.attachToTarget", {"targetId": page["targetId"], "flatten": True})["sessionId"]
        for domain in ("Runtime", "Log", "Network", "Page"):
            self.send(f"{domain}.enable", session=sid)
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": self.width, "height": self.height, "deviceScaleFactor": 1, "mobile": False}, session=sid)
        self.events.clear()
        self.send("Page.navigate", {"url": url}, session=sid)
        self.wait_event("Page.loadEventFired", sid, timeout=timeout)
        return Page(self, sid)


class Page:
    def __init__(self, browser: Browser, session: str):
        self.b, self.session = browser, session

    def eval(self, expression: str):
        r = self.b.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True},
                        session=self.session)
        if "exceptionDetails" in r:
            raise CDPError(f"{expression!r}: {r['exceptionDetails']}")
        return r["result"].get("value")

    def screenshot(self, path: Path, *, full_height: int | None = None) -> Path:
        params: dict = {"format": "png"}
        if full_height:
            params.update(captureBeyondViewport=True,
                          clip={"x": 0, "y": 0, "width": self.b.width, "height": full_height, "scale": 1})
        data = self.b.send("Page.captureScreenshot", params, session=self.session)["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    def problems(self) -> list[str]:
        """Console errors, uncaught exceptions, log errors (CSP, failed loads) seen on this page."""
        out = []
        for ev in self.b.events:
            if ev.get("sessionId") != self.session:
                continue
            m, p = ev.get("method"), ev.get("params", {})
            if m == "Runtime.exceptionThrown":
                d = p.get("exceptionDetails", {})
                out.append(f"uncaught: {d.get('text')} {(d.get('exception') or {}).get('description', '')}")
            elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert", "warning"):
                out.append(f"console.{p['type']}: " + " ".join(str(a.get("value", a.get("description"))) for a in p.get("args", [])))
            elif m == "Log.entryAdded" and p.get("entry", {}).get("level") in ("error", "warning"):
                e = p["entry"]
                out.append(f"log {e.get('source')}/{e.get('level')}: {e.get('text')} {e.get('url', '')}")
        return out

    def requests(self) -> list[str]:
        """URLs of every request the page made (the file:// document itself included)."""
        return [ev["params"]["request"]["url"] for ev in self.b.events
                if ev.get("method") == "Network.requestWillBeSent" and ev.get("sessionId") == self.session]
