"""A kubeconfig user and cluster turned into what the HTTP layer needs, the way kubectl reads them.

- ``*-data`` fields are base64 (a bad one is named); file fields are relative to the
  kubeconfig that names them.
- An inline ``token`` wins over ``tokenFile`` (client-go's clientcmd); a token file is read
  again after a minute and trimmed of surrounding whitespace, as client-go's file token
  source does (``echo $TOKEN > token`` leaves a newline that no header may carry).
- ``exec`` plugins (client.authentication.k8s.io/v1 and v1beta1) get ``KUBERNETES_EXEC_INFO``,
  no terminal, and a time limit; their token is asked for again when it expires.
- Key material never touches a disk: the CA goes to the TLS context as text, and the client
  certificate and key are loaded from anonymous memory files (memfd); where those do not
  exist, from a private 0700 folder that is removed before the loading returns.

Every credential met is handed to :func:`ukic.redact.remember_secret`.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import selectors
import shutil
import signal
import ssl
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from ukic.errors import UsageError
from ukic.redact import redact, remember_secret

EXEC_API_VERSIONS = ("client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1")
EXEC_TIMEOUT = 30.0  # seconds an exec plugin may take to answer
EXEC_OUTPUT_LIMIT = 1 << 20  # bytes an exec plugin may print on each stream (an ExecCredential is a few KiB)
TOKEN_FILE_PERIOD = 60.0  # client-go re-reads a token file after a minute
EXPIRY_SKEW = 10.0  # ask an exec plugin again this long before its token expires


@dataclass(frozen=True)
class TLSSettings:
    """How to speak TLS to the server; the SSLContext holds the CA and client key in memory."""

    context: ssl.SSLContext
    verify: bool
    server_name: str | None


@dataclass(frozen=True)
class Credentials:
    """Everything the HTTP layer needs besides the server URL."""

    server: str  # without userinfo
    tls: TLSSettings | None
    proxy: str | None  # without userinfo
    proxy_headers: Mapping[str, str]
    authorization: Callable[[], str | None]


def split_userinfo(url: str) -> tuple[str, str | None]:
    """``https://user:pass@host/x`` -> (``https://host/x``, ``user:pass``); the second is None without userinfo."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None
    userinfo, _, host = parts.netloc.rpartition("@")
    return urlunsplit(parts._replace(netloc=host)), unquote(userinfo)


def basic_auth(userinfo: str) -> str:
    """The Authorization value for ``user:password``; both parts are remembered as secrets."""
    remember_secret(userinfo.partition(":")[2])
    value = "Basic " + base64.b64encode(userinfo.encode()).decode()
    remember_secret(value)
    return value


class Field:
    """Reads the fields of one kubeconfig section, naming it in every complaint."""

    def __init__(self, body: Mapping[str, Any], what: str, base: Path) -> None:
        self.body = body
        self.what = what  # e.g. "kubeconfig /x: user 'admin'"
        self.base = base

    def fail(self, message: str) -> UsageError:
        return UsageError(f"{self.what}: {message}")

    def text(self, key: str) -> str | None:
        value = self.body.get(key)
        if value in (None, ""):
            return None
        if not isinstance(value, str):
            raise self.fail(f"{key} must be a string")
        return value

    def path(self, key: str) -> Path | None:
        value = self.text(key)
        return None if value is None else (self.base / Path(value).expanduser())

    def read(self, key: str) -> bytes | None:
        """The bytes of the ``key`` file field, or of its ``key-data`` twin (base64); data wins, as in kubectl."""
        data = self.text(f"{key}-data")
        if data is not None:
            try:
                return base64.b64decode(data.strip(), validate=True)
            except (binascii.Error, ValueError):
                raise self.fail(f"{key}-data is not valid base64") from None
        path = self.path(key)
        return None if path is None else read_small_file(path, self.fail, key)


def read_small_file(path: Path, fail: Callable[[str], UsageError], label: str, limit: int = 1 << 20) -> bytes:
    """A credential file's bytes; a missing, special or oversized file is one line naming it."""
    try:
        if not path.is_file():  # before opening: a FIFO would block the open itself
            raise fail(f"{label} {path}: no such file" if not path.exists() else f"{label} {path}: not a regular file")
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise fail(f"{label} {path}: no such file") from None
    except OSError as exc:
        raise fail(f"{label} {path}: cannot read ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise fail(f"{label} {path}: larger than {limit // 1024} KiB, not a credential")
    return data


def kubeconfig_credentials(
    server: str,
    cluster: Field,
    user: Field,
    *,
    exec_timeout: float = EXEC_TIMEOUT,
) -> Credentials:
    """Credentials of one context: ``cluster`` and ``user`` are its two kubeconfig sections."""
    bare_server, server_userinfo = split_userinfo(server)
    proxy, proxy_headers = None, {}
    if cluster.text("proxy-url"):
        proxy, proxy_userinfo = split_userinfo(cluster.text("proxy-url") or "")
        if proxy_userinfo:
            proxy_headers = {"Proxy-Authorization": basic_auth(proxy_userinfo)}
    authorization: Callable[[], str | None] = lambda: None  # noqa: E731
    client_cert = user.read("client-certificate")
    client_key = user.read("client-key")
    exec_spec = user.body.get("exec")
    if user.body.get("auth-provider"):
        raise user.fail("auth-provider credentials are not supported (kubectl itself moved them to exec plugins)")
    if exec_spec is not None:
        plugin = ExecPlugin(exec_spec, user, cluster, exec_timeout)
        first = plugin.credential()
        if first.cert is not None:
            client_cert, client_key = first.cert, first.key
        authorization = plugin.authorization
    elif user.text("token") is not None:
        header = bearer((user.text("token") or "").strip(), lambda: user.fail("token " + UNFIT_TOKEN))
        authorization = lambda: header  # noqa: E731
    elif user.text("tokenFile") is not None:
        authorization = TokenFile(user.path("tokenFile"), user.fail).authorization  # type: ignore[arg-type]
        authorization()  # a missing or empty file is a mistake now, not at the first request
    elif user.text("username") is not None or user.text("password") is not None:
        header = basic_auth(f"{user.text('username') or ''}:{user.text('password') or ''}")
        authorization = lambda: header  # noqa: E731
    elif server_userinfo:
        header = basic_auth(server_userinfo)  # as Go's HTTP client does with a URL's userinfo
        authorization = lambda: header  # noqa: E731
    tls = None
    if bare_server.startswith("https://"):
        insecure = cluster.body.get("insecure-skip-tls-verify") is True
        ca = None if insecure else cluster.read("certificate-authority")
        if (client_cert is None) != (client_key is None):
            raise user.fail("client-certificate and client-key must be given together")
        context = tls_context(ca, client_cert, client_key, verify=not insecure, fail=cluster.fail)
        tls = TLSSettings(context, verify=not insecure, server_name=cluster.text("tls-server-name"))
    return Credentials(bare_server, tls, proxy, proxy_headers, authorization)


def in_cluster_credentials(account: Path, env: Mapping[str, str]) -> Credentials:
    """A pod's service account: the API's in-cluster address, the mounted CA and (rotating) token."""

    def fail(message: str) -> UsageError:
        return UsageError(f"in-cluster service account {account}: {message}")

    host, port = env.get("KUBERNETES_SERVICE_HOST", ""), env.get("KUBERNETES_SERVICE_PORT", "")
    if not host or not port:
        raise fail("KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set")
    server = f"https://[{host}]:{port}" if ":" in host else f"https://{host}:{port}"
    token = TokenFile(account / "token", fail)
    token.authorization()
    ca = read_small_file(account / "ca.crt", fail, "certificate authority")
    context = tls_context(ca, None, None, verify=True, fail=fail)
    return Credentials(server, TLSSettings(context, True, None), None, {}, token.authorization)


#: Why a token is refused: Go's HTTP client refuses such a header value too, and ukic's would put the
#: header (and with it the token) into its error.
UNFIT_TOKEN = "holds a line break or another character no HTTP header may carry (printable ASCII only)"
_HEADER_SAFE = re.compile(r"[\x20-\x7e\t]*")


def bearer(token: str, unfit: Callable[[], UsageError]) -> str:
    """The Authorization value for ``token`` (remembered as a secret); ``unfit()`` is raised for a
    token no HTTP header can carry, before any request could show it."""
    remember_secret(token)
    if not _HEADER_SAFE.fullmatch(token):
        raise unfit()
    return f"Bearer {token}"


class TokenFile:
    """A bearer token kept in a file, read again after TOKEN_FILE_PERIOD (service-account tokens rotate)."""

    def __init__(self, path: Path, fail: Callable[[str], UsageError]) -> None:
        self.path = path
        self.fail = fail
        self._header: str | None = None
        self._read_at = 0.0
        self._lock = threading.Lock()

    def authorization(self) -> str:
        with self._lock:
            if self._header is None or time.monotonic() - self._read_at > TOKEN_FILE_PERIOD:
                try:
                    self._header = self._read()
                except UsageError:
                    if self._header is None:
                        raise  # later, keep the last good token, as client-go does
                self._read_at = time.monotonic()
            return self._header

    def _read(self) -> str:
        try:
            token = read_small_file(self.path, self.fail, "tokenFile").decode("utf-8").strip()
        except UnicodeDecodeError:
            raise self.fail(f"tokenFile {self.path}: not UTF-8 text") from None
        if not token:
            raise self.fail(f"tokenFile {self.path}: the file is empty")
        return bearer(token, lambda: self.fail(f"tokenFile {self.path}: {UNFIT_TOKEN}"))


@dataclass(frozen=True)
class ExecCredential:
    """What an exec plugin answered."""

    authorization: str | None  # "Bearer <token>"
    cert: bytes | None
    key: bytes | None
    expires: float | None  # time.time() seconds


class ExecPlugin:
    """An exec credential plugin (kubectl's `users[].user.exec`), run with a time limit."""

    def __init__(self, spec: Any, user: Field, cluster: Field, timeout: float) -> None:
        if not isinstance(spec, dict):
            raise user.fail("exec must be a mapping")
        self.user = user
        command, api_version = spec.get("command"), spec.get("apiVersion")
        if not isinstance(command, str) or not command:
            raise user.fail("exec: command is missing")
        if api_version not in EXEC_API_VERSIONS:
            raise user.fail(f"exec: apiVersion {api_version!r} is not one of {', '.join(EXEC_API_VERSIONS)}")
        self.api_version = api_version
        self.command = str(user.base / command) if os.sep in command else command
        args = spec.get("args") or []
        env = spec.get("env") or []
        if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
            raise user.fail("exec: args must be a list of strings")
        if not isinstance(env, list) or not all(isinstance(e, dict) and isinstance(e.get("name"), str) for e in env):
            raise user.fail("exec: env must be a list of {name, value}")
        self.args = [self.command, *args]
        self.env = {str(e["name"]): str(e.get("value", "")) for e in env}
        self.hint = spec.get("installHint") if isinstance(spec.get("installHint"), str) else None
        self.cluster_info = _cluster_info(cluster.body) if spec.get("provideClusterInfo") else None
        self.timeout = timeout
        self._current: ExecCredential | None = None
        self._lock = threading.Lock()

    def fail(self, message: str) -> UsageError:
        return self.user.fail(f"credential plugin {self.command}: {message}")

    def authorization(self) -> str | None:
        with self._lock:
            current = self._current
            if current is None or (current.expires is not None and time.time() > current.expires - EXPIRY_SKEW):
                current = self.credential()
        return current.authorization

    def credential(self) -> ExecCredential:
        spec: dict[str, Any] = {"interactive": False}
        info = {"apiVersion": self.api_version, "kind": "ExecCredential", "spec": spec}
        if self.cluster_info is not None:
            spec["cluster"] = self.cluster_info
        env = {**os.environ, **self.env, "KUBERNETES_EXEC_INFO": json.dumps(info)}
        out, err, code = self._run(env)
        if code != 0:
            detail = redact(err.decode("utf-8", "replace")).strip().splitlines()
            raise self.fail(f"exited with {code}" + (f": {detail[-1]}" if detail else ""))
        self._current = self._parse(out)
        return self._current

    def _run(self, env: dict[str, str]) -> tuple[bytes, bytes, int]:
        try:
            process = subprocess.Popen(
                self.args,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                start_new_session=True,  # its own process group: a time-out ends the plugin and its children
            )
        except FileNotFoundError:
            raise self.fail("not found" + (f" ({self.hint.strip()})" if self.hint else "")) from None
        except OSError as exc:
            raise self.fail(f"cannot start ({exc.strerror or exc})") from None
        try:
            out, err = _read_bounded(process, time.monotonic() + self.timeout, EXEC_OUTPUT_LIMIT)
        except subprocess.TimeoutExpired:
            _end(process)
            raise self.fail(f"gave no answer within {self.timeout:g} s") from None
        except OverflowError:
            _end(process)
            raise self.fail(f"printed more than {EXEC_OUTPUT_LIMIT >> 20} MiB") from None
        except BaseException:
            _end(process)
            raise
        return out, err, process.returncode

    def _parse(self, out: bytes) -> ExecCredential:
        try:
            doc = json.loads(out)
        except (ValueError, RecursionError):
            raise self.fail("printed no ExecCredential JSON") from None
        status = doc.get("status") if isinstance(doc, dict) else None
        if not isinstance(status, dict) or doc.get("kind") != "ExecCredential":
            raise self.fail("printed no ExecCredential with a status")
        if doc.get("apiVersion") != self.api_version:
            raise self.fail(f"answered apiVersion {doc.get('apiVersion')!r}, asked for {self.api_version}")
        token, cert, key = status.get("token"), status.get("clientCertificateData"), status.get("clientKeyData")
        for value in (token, key):
            if isinstance(value, str):
                remember_secret(value)
        if not (isinstance(token, str) and token) and not (isinstance(cert, str) and isinstance(key, str)):
            raise self.fail("answered neither a token nor clientCertificateData and clientKeyData")
        expires = None
        stamp = status.get("expirationTimestamp")
        if isinstance(stamp, str) and stamp:
            try:
                expires = datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()
            except ValueError:
                raise self.fail(f"expirationTimestamp {stamp!r} is not an RFC 3339 time") from None
        unfit = lambda: self.fail("answered a token that " + UNFIT_TOKEN)  # noqa: E731
        return ExecCredential(
            authorization=bearer(token.strip(), unfit) if isinstance(token, str) and token.strip() else None,
            cert=cert.encode() if isinstance(cert, str) else None,
            key=key.encode() if isinstance(key, str) else None,
            expires=expires,
        )


def _read_bounded(process: subprocess.Popen[bytes], deadline: float, limit: int) -> tuple[bytes, bytes]:
    """A plugin's stdout and stderr once it exits: TimeoutExpired past ``deadline`` (time.monotonic()),
    OverflowError when a stream grows beyond ``limit`` bytes (what communicate() would hold in memory)."""
    assert process.stdout is not None and process.stderr is not None
    read = {process.stdout.fileno(): bytearray(), process.stderr.fileno(): bytearray()}
    with selectors.DefaultSelector() as selector:
        for fd in read:
            selector.register(fd, selectors.EVENT_READ)
        while selector.get_map():
            left = deadline - time.monotonic()
            if left <= 0:
                raise subprocess.TimeoutExpired(process.args, 0)
            for key, _ in selector.select(left):
                chunk = os.read(key.fd, 65536)
                if not chunk:
                    selector.unregister(key.fd)
                    continue
                read[key.fd] += chunk
                if len(read[key.fd]) > limit:
                    raise OverflowError
    process.wait(timeout=max(0.0, deadline - time.monotonic()))
    return bytes(read[process.stdout.fileno()]), bytes(read[process.stderr.fileno()])


def _end(process: subprocess.Popen[bytes]) -> None:
    """Kill a plugin's whole process group and reap it without waiting on pipes its children may hold."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except OSError:
        process.kill()
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()
    process.wait()


def _cluster_info(cluster: Mapping[str, Any]) -> dict[str, Any]:
    """The cluster fields an exec plugin may be told (client.authentication.k8s.io Cluster)."""
    info = {
        "server": split_userinfo(str(cluster.get("server", "")))[0],
        "tls-server-name": cluster.get("tls-server-name"),
        "insecure-skip-tls-verify": cluster.get("insecure-skip-tls-verify"),
        "certificate-authority-data": cluster.get("certificate-authority-data"),
        "proxy-url": split_userinfo(str(cluster["proxy-url"]))[0] if cluster.get("proxy-url") else None,
    }
    return {k: v for k, v in info.items() if v not in (None, "")}


# -- TLS ---------------------------------------------------------------------------------------
def tls_context(
    ca: bytes | None,
    cert: bytes | None,
    key: bytes | None,
    *,
    verify: bool,
    fail: Callable[[str], UsageError],
) -> ssl.SSLContext:
    """An SSLContext trusting ``ca`` (PEM; the system store without one) and presenting the client pair."""
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    elif ca is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        try:
            context.load_verify_locations(cadata=ca.decode("ascii"))
        except (ssl.SSLError, UnicodeDecodeError, ValueError):
            raise fail("certificate-authority: not a PEM certificate") from None
    if cert is not None and key is not None:
        remember_secret(key)
        try:
            with memory_file(cert, "client-certificate") as cert_path, memory_file(key, "client-key") as key_path:
                context.load_cert_chain(cert_path, key_path, password=_no_password)
        except (ssl.SSLError, ValueError) as exc:
            raise fail(f"client-certificate and client-key do not form a usable pair ({_ssl_reason(exc)})") from None
    return context


def _no_password() -> bytes:
    raise ValueError("the client key is encrypted; kubeconfig keys must not be")


def _ssl_reason(exc: BaseException) -> str:
    return getattr(exc, "reason", None) or str(exc).split("] ")[-1][:120]


@contextmanager
def memory_file(data: bytes, name: str) -> Iterator[str]:
    """A path OpenSSL can read ``data`` from, gone when the block ends: a memfd, else a private folder."""
    if hasattr(os, "memfd_create") and os.path.isdir("/proc/self/fd"):
        fd = os.memfd_create(f"ukic-{name}", os.MFD_CLOEXEC)
        try:
            _write_all(fd, data)
            yield f"/proc/self/fd/{fd}"
        finally:
            os.close(fd)
        return
    folder = tempfile.mkdtemp(prefix="ukic-tls-")  # mode 0700
    try:
        path = os.path.join(folder, name)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            _write_all(fd, data)
        finally:
            os.close(fd)
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
