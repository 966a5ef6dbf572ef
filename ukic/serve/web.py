"""The HTTP side of `ukic serve`: /metrics, /healthz, /readyz, the cluster table at /, reports read-only.

Only GET and HEAD are answered (anything else is 405). Reports are served from
``--report-dir`` by name only: ``/reports/<cluster>/<run>/<file>`` where every part is a plain
name (no dots first, no separators) and the file is one ukic writes; the resolved path must
still lie inside the report folder, so neither ``..`` nor a symlink leads out of it.
"""

from __future__ import annotations

import re
import socket
import threading
from html import escape
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from prometheus_client import CollectorRegistry
from prometheus_client.exposition import choose_encoder

from ukic.errors import UkicError, UsageError
from ukic.metrics import StatusCollector
from ukic.serve.board import Board

DEFAULT_LISTEN = "[::]:9797"
REPORT_FILES = {
    "report.html": "text/html; charset=utf-8",
    "summary.json": "application/json",
    "summary.md": "text/markdown; charset=utf-8",
    "junit.xml": "application/xml",
    "cucumber.json": "application/json",
}
_PLAIN_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*")
_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"
_STYLE = (
    "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
    "td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}"
    ".conformant{color:#070}.not-conformant{color:#b00}.could-not-verify{color:#a60}"
)


def parse_listen(text: str) -> tuple[str, int]:
    """``[::]:9797``, ``[::1]:0``, ``127.0.0.1:9797``, ``:9797`` (all addresses) -> (host, port)."""
    match = re.fullmatch(r"(?:\[([0-9A-Fa-f:.]+)\]|([^:\[\]]*)):(\d{1,5})", text.strip())
    if not match or int(match.group(3)) > 65535:
        raise UsageError(f"--listen {text}: expected HOST:PORT, e.g. [::]:9797 or 127.0.0.1:9797")
    host = match.group(1) if match.group(1) is not None else match.group(2)
    return host or "::", int(match.group(3))


class WebServer(ThreadingHTTPServer):
    """A threading HTTP server bound to IPv6 first (dual stack on ``::``)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, host: str, port: int, board: Board) -> None:
        self.board = board
        self.registry = CollectorRegistry(auto_describe=False)
        self.registry.register(StatusCollector(board.statuses))
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__((host, port), Handler)

    def server_bind(self) -> None:
        if self.address_family == socket.AF_INET6:
            self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)  # [::] also takes IPv4
        super().server_bind()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://[{host}]:{port}/" if ":" in str(host) else f"http://{host}:{port}/"


def start_web(board: Board, listen: str) -> WebServer:
    """Bind ``listen`` and serve in a background thread."""
    host, port = parse_listen(listen)
    try:
        server = WebServer(host, port, board)
    except OSError as exc:
        raise UsageError(f"--listen {listen}: cannot listen there: {exc.strerror or exc}") from None
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True, name="ukic-web").start()
    return server


class Handler(BaseHTTPRequestHandler):
    """Routes one request; read-only."""

    server: WebServer
    timeout = 60.0  # seconds a connection may take to send its request and to take the answer
    server_version = "ukic-serve"
    sys_version = ""

    def do_GET(self) -> None:
        self._route(send_body=True)

    def do_HEAD(self) -> None:
        self._route(send_body=False)

    def _refuse(self) -> None:
        self._send(
            HTTPStatus.METHOD_NOT_ALLOWED, b"read-only: GET and HEAD only\n", "text/plain", True, Allow="GET, HEAD"
        )

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _refuse

    def log_message(self, format: str, *args: Any) -> None:
        return  # scrapes and probes every few seconds would drown the run log

    def _route(self, send_body: bool) -> None:
        path = urlsplit(self.path).path
        board = self.server.board
        if path == "/metrics":
            encoder, content_type = choose_encoder(self.headers.get("Accept", ""))
            self._send(HTTPStatus.OK, encoder(self.server.registry), content_type, send_body)
        elif path == "/healthz":
            self._send(HTTPStatus.OK, b"ok\n", "text/plain; charset=utf-8", send_body)
        elif path == "/readyz":
            waiting = board.waiting()
            if waiting:
                text = f"waiting for the first run of: {', '.join(waiting)}\n"
                self._send(HTTPStatus.SERVICE_UNAVAILABLE, text.encode(), "text/plain; charset=utf-8", send_body)
            else:
                self._send(HTTPStatus.OK, b"ready\n", "text/plain; charset=utf-8", send_body)
        elif path == "/":
            self._send(HTTPStatus.OK, render_index(board).encode(), "text/html; charset=utf-8", send_body)
        elif path.startswith("/reports/"):
            self._report(path.removeprefix("/reports/"), send_body)
        else:
            self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8", send_body)

    def _report(self, rest: str, send_body: bool) -> None:
        file = report_file(self.server.board.report_dir, rest)
        if file is None:
            self._send(HTTPStatus.NOT_FOUND, b"no such report\n", "text/plain; charset=utf-8", send_body)
            return
        try:
            body = file.read_bytes()
        except OSError:
            self._send(HTTPStatus.NOT_FOUND, b"no such report\n", "text/plain; charset=utf-8", send_body)
            return
        self._send(HTTPStatus.OK, body, REPORT_FILES[file.name], send_body)

    def _send(self, status: HTTPStatus, body: bytes, content_type: str, send_body: bool, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        if content_type.startswith("text/html"):
            self.send_header("Content-Security-Policy", _CSP)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(body)


def report_file(report_dir: Path, rest: str) -> Path | None:
    """The file ``<cluster>/<run>/<file>`` names under report_dir, or None if it names anything else."""
    parts = unquote(rest).split("/")
    if len(parts) != 3 or parts[2] not in REPORT_FILES or not all(_PLAIN_NAME.fullmatch(p) for p in parts):
        return None
    root = report_dir.resolve()
    file = (root / parts[0] / parts[1] / parts[2]).resolve()
    if not file.is_relative_to(root) or not file.is_file():
        return None
    return file


def report_link(report_dir: Path, page: str | None) -> str | None:
    """The /reports/ URL of a report.html path under report_dir (None when it lies elsewhere)."""
    if not page:
        return None
    try:
        relative = Path(page).resolve().relative_to(report_dir.resolve())
    except ValueError:
        return None
    return "/reports/" + "/".join(quote(part) for part in relative.parts)


def render_index(board: Board) -> str:
    """The manual's cluster table for the served clusters, with the last verdict and its report."""
    from ukic.ledger import TABLE_HEADERS, ledger_path, load_ledger, table_cells, table_rows

    problem = ""
    try:
        ledger = load_ledger(ledger_path(board.report_dir))
    except UkicError as err:
        ledger, problem = {"clusters": {}}, err.message
    rows = [r for r in table_rows(ledger, board.inventory, board.report_dir) if r["cluster"] in board.names]
    known = {r["cluster"] for r in rows}
    rows += [{"cluster": n} for n in board.names if n not in known]
    head = "".join(f"<th>{escape(h)}</th>" for h in (*TABLE_HEADERS, "last run", "report"))
    body = []
    for row in rows:
        cells = "".join(f"<td>{escape(text)}</td>" for text in table_cells(row))
        status = board.status(row["cluster"])
        verdict = status.verdict if status else "not verified yet"
        link = report_link(board.report_dir, row.get("report")) if status else None
        report = f'<a href="{escape(link)}">report.html</a>' if link else ""
        slug = escape(verdict.replace(" ", "-"))
        body.append(f'<tr>{cells}<td class="{slug}">{escape(verdict)}</td><td>{report}</td></tr>')
    note = f"<p>ledger: {escape(problem)}</p>" if problem else ""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>ukic serve</title>'
        f"<style>{_STYLE}</style></head><body><h1>ukic: clusters</h1>{note}"
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        '<p><a href="/metrics">metrics</a></p></body></html>\n'
    )
