"""A minimal headless-Chromium driver over the Chrome DevTools Protocol, for the report tests.

It starts Chromium with a throw-away profile and no network services, attaches to the page
over a websocket, records console errors, uncaught exceptions and every request the page
makes, and clicks with real mouse events.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)


def find_chromium() -> str | None:
    """The path of a Chromium-like browser, or None."""
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


class CdpError(RuntimeError):
    """Chromium did not start, or a protocol call failed."""


class Browser:
    """One headless Chromium with one page, driven over CDP."""

    def __init__(self, binary: str, workdir: Path, window: tuple[int, int] = (1280, 1000)) -> None:
        import websocket  # websocket-client, a test dependency

        self.profile = workdir / "chromium-profile"
        self.profile.mkdir(parents=True, exist_ok=True)
        self.log_path = workdir / "chromium.log"
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in close()
        self.process = subprocess.Popen(
            [
                binary,
                *FLAGS,
                f"--user-data-dir={self.profile}",
                f"--window-size={window[0]},{window[1]}",
                "--remote-debugging-port=0",
                "about:blank",
            ],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so close() can end all its children
        )
        self.events: list[dict[str, Any]] = []
        self._next_id = 0
        try:
            port = self._wait_for_port()
            page = self._page_target(port)
            self._ws = websocket.create_connection(page, timeout=30, suppress_origin=True)
        except BaseException:
            self.close()
            raise

    # ------------------------------------------------------------------ start-up

    def _wait_for_port(self, timeout: float = 30.0) -> int:
        marker = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise CdpError(f"chromium exited with {self.process.returncode}: {self._log_tail()}")
            if marker.exists():
                first = marker.read_text().splitlines()[:1]
                if first and first[0].isdigit():
                    return int(first[0])
            time.sleep(0.05)
        raise CdpError(f"chromium did not open its DevTools port within {timeout:.0f} s: {self._log_tail()}")

    def _page_target(self, port: int, timeout: float = 10.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as response:
                targets = json.load(response)
            pages = [t for t in targets if t.get("type") == "page" and t.get("webSocketDebuggerUrl")]
            if pages:
                return pages[0]["webSocketDebuggerUrl"]
            time.sleep(0.05)
        raise CdpError("chromium offered no page target")

    def _log_tail(self) -> str:
        self._log.flush()
        return self.log_path.read_bytes()[-2000:].decode("utf-8", "replace")

    # ------------------------------------------------------------------ protocol

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        """Call a CDP method and return its result; events that arrive meanwhile are kept."""
        self._next_id += 1
        call_id = self._next_id
        self._ws.send(json.dumps({"id": call_id, "method": method, "params": params}))
        while True:
            message = json.loads(self._ws.recv())
            if message.get("id") == call_id:
                if "error" in message:
                    raise CdpError(f"{method}: {message['error']}")
                return message.get("result", {})
            if "method" in message:
                self.events.append(message)

    def wait_for(self, method: str, timeout: float = 15.0) -> dict[str, Any]:
        """Wait for the next event named ``method`` not yet consumed."""
        for index, event in enumerate(self.events):
            if event["method"] == method:
                return self.events.pop(index)
        deadline = time.monotonic() + timeout
        self._ws.settimeout(timeout)
        while time.monotonic() < deadline:
            message = json.loads(self._ws.recv())
            if message.get("method") == method:
                return message
            if "method" in message:
                self.events.append(message)
        raise CdpError(f"no {method} within {timeout:.0f} s")

    def open(self, url: str) -> None:
        """Turn on the domains the tests watch, then load ``url`` and wait for its load event."""
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")
        self.send("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        """Run JavaScript in the page and return its (JSON-able) value."""
        reply = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in reply:
            raise CdpError(f"page script failed: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def click(self, selector: str) -> None:
        """Click the centre of the element with real mouse events, as a user would."""
        box = self.evaluate(
            f"(() => {{ const el = document.querySelector({json.dumps(selector)}); if (!el) return null;"
            " el.scrollIntoView({block: 'center'}); const r = el.getBoundingClientRect();"
            " return {x: r.left + r.width / 2, y: r.top + r.height / 2}; })()"
        )
        if box is None:
            raise CdpError(f"nothing matches {selector}")
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.send(
                "Input.dispatchMouseEvent",
                type=kind,
                x=box["x"],
                y=box["y"],
                button="left" if kind != "mouseMoved" else "none",
                clickCount=1 if kind != "mouseMoved" else 0,
            )

    def drain(self, settle: float = 0.2) -> None:
        """Collect the events that arrive within ``settle`` seconds."""
        self._ws.settimeout(settle)
        try:
            while True:
                message = json.loads(self._ws.recv())
                if "method" in message:
                    self.events.append(message)
        except Exception as exc:  # websocket timeout ends the wait
            if type(exc).__name__ != "WebSocketTimeoutException":
                raise
        finally:
            self._ws.settimeout(30)

    # ------------------------------------------------------------------ findings

    def problems(self) -> list[str]:
        """Console errors, uncaught exceptions and error log entries seen so far."""
        self.drain()
        found = []
        for event in self.events:
            method, params = event["method"], event.get("params", {})
            if method == "Runtime.exceptionThrown":
                details = params.get("exceptionDetails", {})
                found.append(f"exception: {details.get('exception', {}).get('description') or details}")
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                found.append(f"console.{params['type']}: {[a.get('value') for a in params.get('args', [])]}")
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                found.append(f"log: {params['entry'].get('text')}")
        return found

    def requested_urls(self) -> list[str]:
        self.drain()
        return [e["params"]["request"]["url"] for e in self.events if e["method"] == "Network.requestWillBeSent"]

    # ------------------------------------------------------------------ shutdown

    def close(self) -> None:
        ws = getattr(self, "_ws", None)
        if ws is not None:
            ws.close()
        if self.process.poll() is None:
            _signal_group(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                _signal_group(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self._log.close()

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _signal_group(pid: int, sig: signal.Signals) -> None:
    """Signal the process group Chromium leads (it was started in its own session)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)


def screenshot(binary: str, page: Path, png: Path, workdir: Path, window: tuple[int, int] = (1280, 1600)) -> None:
    """Render ``page`` to ``png`` with Chromium's own --screenshot switch."""
    png.parent.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [
            binary,
            *FLAGS,
            f"--user-data-dir={workdir / 'chromium-shot-profile'}",
            f"--screenshot={png}",
            f"--window-size={window[0]},{window[1]}",
            "--hide-scrollbars",
            page.resolve().as_uri(),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        _, err = process.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        _signal_group(process.pid, signal.SIGKILL)
        process.wait()
        raise CdpError("chromium took over 120 s to take the screenshot") from None
    if process.returncode != 0 or not png.exists():
        raise CdpError(f"screenshot failed ({process.returncode}): {err.decode('utf-8', 'replace')[-2000:]}")
