"""GET-only HTTP to a Kubernetes API server: timeouts, bounded retries, one-line errors.

Read-only by construction: :meth:`ApiClient.request` refuses every method but GET before
a connection is even looked up, whoever asks. Transient trouble (429, 5xx, dropped
connections) is retried a bounded number of times with exponential backoff, honouring
``Retry-After``; everything else becomes an error naming the server and the path.
Bounded: each attempt has a total deadline (connect + 2 x read timeout) however slowly the
server trickles, an answer is at most MAX_BODY bytes, and SIGINT/SIGTERM cut every request
in flight (ukic.interrupts). Tokens and keys never appear in a message.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import ssl
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

import urllib3
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    ProtocolError,
    ProxyError,
    ReadTimeoutError,
    SSLError,
)

from ukic import interrupts
from ukic.errors import SourceError, UsageError
from ukic.kubeapi.flight import ABORTED, DEADLINE, Flight, flying, track

ALLOWED_METHOD = "GET"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
JSON = "application/json"
MAX_BODY = 1 << 30  # bytes of one answer (a page of 500 objects is a few MB)
CHUNK = 1 << 16


@dataclass(frozen=True)
class Reply:
    """A whole answer of the server."""

    status: int
    reason: str
    headers: Mapping[str, str]
    data: bytes


class ReadOnlyViolation(PermissionError):
    """Some code asked the client for a method other than GET; nothing was sent."""


class ApiStatusError(Exception):
    """The server answered with an error status (after any retries)."""

    def __init__(self, status: int, url: str, message: str, attempts: int = 1) -> None:
        super().__init__(f"{url}: {status} {message}")
        self.status = status
        self.url = url
        self.message = message
        self.attempts = attempts


@dataclass(frozen=True)
class Endpoint:
    """Where and how to reach one API server (built from a kubeconfig or a service account)."""

    server: str  # https://host:port[/prefix], never with userinfo
    origin: str  # for messages: "kubeconfig /x (context c)" or "in-cluster service account"
    ssl_context: ssl.SSLContext | None = field(default=None, repr=False)  # CA and client key, in memory
    verify: bool = True
    tls_server_name: str | None = None
    proxy: str | None = None  # never with userinfo
    proxy_headers: Mapping[str, str] = field(default_factory=dict, repr=False)
    authorization: Callable[[], str | None] = field(default=lambda: None, repr=False, compare=False)


@dataclass
class RetryPolicy:
    """How often and how patiently transient failures are retried."""

    retries: int = 3
    backoff: float = 0.5  # first wait; doubles each attempt
    max_backoff: float = 8.0
    max_retry_after: float = 30.0  # a longer Retry-After is shortened to this

    def wait(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_retry_after)
        return min(self.backoff * (2**attempt), self.max_backoff)


class ApiClient:
    """A thread-safe, GET-only JSON client for one API server."""

    def __init__(
        self,
        endpoint: Endpoint,
        *,
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        pool_size: int = 8,
        sleep: Callable[[float], None] | None = None,
        total_timeout: float | None = None,
        max_body: int = MAX_BODY,
    ) -> None:
        self.endpoint = endpoint
        self.server = endpoint.server.rstrip("/")
        self._timeout = urllib3.Timeout(connect=connect_timeout, read=read_timeout)
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._total_timeout = total_timeout or (connect_timeout + 2 * read_timeout)
        self._max_body = max_body
        self._retry = retry or RetryPolicy()
        self._aborted = threading.Event()
        self._sleep = sleep or self._aborted.wait
        self._auth_lock = threading.Lock()
        self._flights: set[Flight] = set()
        self._flights_lock = threading.Lock()
        self._pool = track(_pool_manager(endpoint, pool_size))
        interrupts.on_interrupt(self, ApiClient.abort)

    def abort(self) -> None:
        """Cut every request in flight and refuse new ones (a signal arrived, or the client is closed)."""
        self._aborted.set()
        with self._flights_lock:
            flights = list(self._flights)
        for flight in flights:
            flight.cut(ABORTED)

    def close(self) -> None:
        self.abort()
        interrupts.forget(self)
        self._pool.clear()

    def url(self, path: str, query: Mapping[str, Any] | None = None) -> str:
        url = self.server + "/" + path.lstrip("/")
        return f"{url}?{urlencode(query)}" if query else url

    def get_json(
        self,
        path: str,
        *,
        query: Mapping[str, Any] | None = None,
        accept: str = JSON,
        headers_out: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """GET ``path`` and return the decoded JSON object (its response headers into ``headers_out``);
        raise ApiStatusError or SourceError."""
        url = self.url(path, query)
        response = self.request("GET", url, headers={"Accept": accept})
        if headers_out is not None:
            headers_out.update(response.headers)
        try:
            data = json.loads(response.data)
        except (ValueError, UnicodeDecodeError) as exc:
            raise SourceError(f"malformed JSON from {url}: {_short(exc)}") from None
        except RecursionError:
            raise SourceError(f"malformed JSON from {url}: nested too deeply") from None
        if not isinstance(data, dict):
            raise SourceError(f"malformed answer from {url}: expected a JSON object, got {type(data).__name__}")
        return data

    def request(self, method: str, url: str, *, headers: Mapping[str, str] | None = None) -> Reply:
        """Send one request (GET only) with retries; return the whole 2xx answer."""
        self._allowed(method, url)
        attempt = 0
        while True:
            if self._aborted.is_set():
                raise SourceError(f"GET {_path(url)} at {self.server}: stopped (interrupted)")
            retry_after: float | None = None
            with flying(self._total_timeout, self._flights, self._flights_lock) as flight:
                try:
                    reply = self._attempt(url, headers)
                except (ProtocolError, http.client.HTTPException, ConnectionResetError, HTTPError, OSError) as exc:
                    if flight.cut_because is not None:
                        raise self._cut_error(flight, url) from None
                    if not isinstance(exc, ProtocolError | http.client.HTTPException | ConnectionResetError):
                        raise self._transport_error(exc, url) from None  # type: ignore[arg-type]
                    if attempt >= self._retry.retries:
                        raise SourceError(
                            f"connection to {self.server} dropped during GET {_path(url)} "
                            f"after {attempt + 1} attempts ({_short(exc)})"
                        ) from None
                else:
                    status = reply.status
                    if 200 <= status < 300:
                        return reply
                    if status == 401:
                        raise SourceError(
                            f"unauthorized (401) at {self.server}: the credentials of {self.endpoint.origin} "
                            "were rejected"
                        )
                    if status not in RETRY_STATUSES or attempt >= self._retry.retries:
                        raise ApiStatusError(status, url, _status_message(reply), attempt + 1)
                    retry_after = _retry_after(reply.headers.get("Retry-After"))
            self._sleep(self._retry.wait(attempt, retry_after))
            attempt += 1

    @contextmanager
    def stream(self, method: str, url: str, *, headers: Mapping[str, str], seconds: float) -> Iterator[Iterator[bytes]]:
        """Send one request (GET only, no retry) whose answer streams (a watch); yields its body's chunks
        as they arrive. The request ends after ``seconds`` at most, or at once on abort()/close(): the
        chunks then just stop. A non-2xx answer raises ApiStatusError (401: SourceError)."""
        self._allowed(method, url)
        if self._aborted.is_set():
            raise SourceError(f"GET {_path(url)} at {self.server}: stopped (interrupted)")
        with flying(seconds, self._flights, self._flights_lock) as flight:
            try:
                response = self._pool.request(
                    ALLOWED_METHOD,
                    url,
                    headers=self._headers(headers),
                    timeout=urllib3.Timeout(connect=self._connect_timeout, read=seconds),
                    retries=False,
                    redirect=False,
                    preload_content=False,
                )
            except (ProtocolError, http.client.HTTPException, HTTPError, OSError) as exc:
                if flight.cut_because is not None:
                    raise self._cut_error(flight, url) from None
                if isinstance(exc, HTTPError):
                    raise self._transport_error(exc, url) from None
                raise SourceError(f"cannot talk to {self.server} (GET {_path(url)}): {_short(exc)}") from None
            flight.attach(_StreamSocket(response))  # a cut (deadline, abort) now ends the stream at once
            try:
                if not 200 <= response.status < 300:
                    reply = Reply(response.status, response.reason or "", dict(response.headers), response.read(CHUNK))
                    if reply.status == 401:
                        raise SourceError(
                            f"unauthorized (401) at {self.server}: the credentials of {self.endpoint.origin} "
                            "were rejected"
                        )
                    raise ApiStatusError(reply.status, url, _status_message(reply))
                yield _streamed(response, flight, url, self.server)
            finally:
                response.close()

    def _allowed(self, method: str, url: str) -> None:
        """Refuse, before anything is sent, every method but GET and every other server."""
        if method.upper() != ALLOWED_METHOD:
            raise ReadOnlyViolation(f"ukic is read-only: refused to send {method} {url} (only GET is ever sent)")
        if not url.startswith(self.server + "/"):
            raise ReadOnlyViolation(f"ukic only talks to {self.server}: refused to send a request to {url}")

    def _attempt(self, url: str, headers: Mapping[str, str] | None) -> Reply:
        """One GET, its body read in chunks up to the size limit."""
        response = self._pool.request(
            ALLOWED_METHOD,
            url,
            headers=self._headers(headers),
            timeout=self._timeout,
            retries=False,
            redirect=False,
            preload_content=False,
        )
        try:
            limit = self._max_body if 200 <= response.status < 300 else CHUNK
            body = bytearray()
            for chunk in response.stream(CHUNK):
                body += chunk
                if len(body) > limit:
                    if limit == CHUNK:
                        break  # an error answer: its first lines are all ukic shows
                    raise SourceError(
                        f"GET {_path(url)} at {self.server}: the answer is larger than {limit >> 20} MiB, giving up"
                    )
            return Reply(response.status, response.reason or "", dict(response.headers), bytes(body))
        finally:
            response.release_conn()

    def _cut_error(self, flight: Flight, url: str) -> SourceError:
        if flight.cut_because == DEADLINE:
            return SourceError(
                f"{self.server}{_path(url)} did not answer completely within {self._total_timeout:g} s "
                "(see --read-timeout)"
            )
        return SourceError(f"GET {_path(url)} at {self.server}: stopped (interrupted)")

    def _headers(self, extra: Mapping[str, str] | None) -> dict[str, str]:
        headers = {"Accept": JSON, "User-Agent": "ukic (read-only conformance check)"}
        headers.update(extra or {})
        with self._auth_lock:
            try:
                token = self.endpoint.authorization()
            except UsageError as err:  # they served when the client was built: now the cluster cannot be read
                raise SourceError(err.message) from None
        if token:
            headers["Authorization"] = token
        return headers

    def _transport_error(self, exc: HTTPError, url: str) -> SourceError:
        """One line for a failure to talk to the server at all (never retried)."""
        where = self.server
        if isinstance(exc, SSLError):
            return SourceError(
                f"TLS verification of {where} failed: {_tls_reason(exc)} "
                f"(check the certificate authority of {self.endpoint.origin})"
            )
        if isinstance(exc, ProxyError):
            return SourceError(f"cannot reach {where} through proxy {self.endpoint.proxy}: {_cause(exc)}")
        if isinstance(exc, NewConnectionError):
            return SourceError(f"cannot connect to the Kubernetes API at {where}: {_cause(exc)}")
        if isinstance(exc, ConnectTimeoutError):
            return SourceError(
                f"timed out after {self._connect_timeout:g} s connecting to {where} (see --connect-timeout)"
            )
        if isinstance(exc, ReadTimeoutError):
            return SourceError(
                f"timed out after {self._read_timeout:g} s waiting for {where}{_path(url)} (see --read-timeout)"
            )
        return SourceError(f"cannot talk to {where} (GET {_path(url)}): {_short(exc)}")


class _StreamSocket:
    """What a Flight shuts to cut a streaming answer: the answer's own socket, which urllib3 keeps even
    when the connection has handed it over (``Connection: close``). urllib3 < 2.3 cannot: such a stream
    then ends with its own timeout."""

    def __init__(self, response: Any) -> None:
        self.sock = self
        self._response = response

    def shutdown(self, _how: int) -> None:
        with suppress(Exception):
            self._response.shutdown()


def _streamed(response: Any, flight: Flight, url: str, server: str) -> Iterator[bytes]:
    """A streaming body's chunks until it ends or its flight is cut (then it just stops)."""
    try:
        if getattr(response, "chunked", False) and response.supports_chunked_reads():
            yield from response.read_chunked(decode_content=True)  # the API server streams watches chunked
        else:
            while chunk := response.read1(CHUNK):
                yield chunk
    except (ProtocolError, http.client.HTTPException, HTTPError, OSError, ValueError) as exc:
        if flight.cut_because is None:
            raise SourceError(f"stream from {server}{_path(url)} broke off: {_short(exc)}") from None


def _pool_manager(endpoint: Endpoint, pool_size: int) -> urllib3.PoolManager:
    kwargs: dict[str, Any] = {"num_pools": 2, "maxsize": max(1, pool_size)}
    if urlsplit(endpoint.server).scheme == "https":
        kwargs["cert_reqs"] = "CERT_REQUIRED" if endpoint.verify else "CERT_NONE"
        if endpoint.ssl_context is not None:
            kwargs["ssl_context"] = endpoint.ssl_context
        if endpoint.tls_server_name:
            kwargs["server_hostname"] = endpoint.tls_server_name
        if not endpoint.verify:
            kwargs["assert_hostname"] = False
            urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    if endpoint.proxy:
        return urllib3.ProxyManager(endpoint.proxy, proxy_headers=dict(endpoint.proxy_headers), **kwargs)
    return urllib3.PoolManager(**kwargs)


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _status_message(response: Any) -> str:
    """The message of a Kubernetes Status body, else the HTTP reason phrase."""
    try:
        body = json.loads(response.data)
    except (ValueError, UnicodeDecodeError):
        body = None
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return body["message"].splitlines()[0] if body["message"] else response.reason or ""
    return response.reason or http.client.responses.get(response.status, "")


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _cause(exc: BaseException) -> str:
    """The innermost OS-level reason, e.g. 'Connection refused'."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError) and seen.strerror:
            return seen.strerror
        seen = seen.__cause__ or seen.__context__
    return _short(exc)


def _tls_reason(exc: SSLError) -> str:
    text = str(exc)
    marker = "certificate verify failed"
    if marker in text:
        tail = text[text.index(marker) :]
        return tail.split(" (_ssl")[0].rstrip(")")
    return _short(exc)


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:200]
