"""testinfra hosts for one run: one per URL, sharing one SSH connection per host.

testinfra's own ``host`` fixture only exists through test parametrisation; steps get their
hosts from here instead (see fixtures/hosts.py). SSH hosts multiplex every command of the
run over one connection (ControlMaster, a socket in a private folder) which the pool closes
at the end of the run.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ukic.hosts.urls import SSH_BACKENDS, scheme_of
from ukic.outcome import Unverifiable

if TYPE_CHECKING:  # the spec loads only when a run is given hosts
    from ukic.hosts.spec import HostsSpec

T = TypeVar("T")
TIMED_OUT = 124  # what `timeout` exits with
NOT_FOUND = 127  # what a shell exits with for an unknown command
MAX_PARALLEL = 8
_PASSWORD = re.compile(r"(://[^/@:]+):[^/@]*@")


def display_url(url: str) -> str:
    """The URL without a password, for messages and reports."""
    return _PASSWORD.sub(r"\1@", url)


@dataclass(frozen=True)
class Output:
    """What a command printed and how it ended."""

    rc: int
    stdout: str
    stderr: str

    def last_error_line(self) -> str:
        lines = [line.strip() for line in (self.stderr or self.stdout).splitlines() if line.strip()]
        return lines[-1] if lines else f"exit status {self.rc}"


class RemoteHost:
    """One node or router as the checks see it; every problem reaching it is Unverifiable naming it."""

    def __init__(self, role: str, name: str, url: str, connect: Callable[[], Any], command_timeout: int) -> None:
        self.role = role
        self.name = name
        self.url = url
        self._connect = connect
        self._testinfra: Any = None
        self._timeout = command_timeout
        self._outputs: dict[tuple[str, ...], Output] = {}
        self._lock = threading.Lock()

    @property
    def label(self) -> str:
        return f"{self.role} {self.name} ({display_url(self.url)})"

    @property
    def testinfra(self) -> Any:
        """The testinfra Host (its modules: file, sysctl, service, ...)."""
        if self._testinfra is None:
            try:
                self._testinfra = self._connect()
            except Exception as exc:  # any backend failure means "cannot reach"
                raise Unverifiable(f"{self.label}: cannot set up the connection ({exc})") from None
        return self._testinfra

    def run(self, argv: Sequence[str], cache: bool = True) -> Output:
        """Run a command (bounded by the command timeout); the same command runs once per run."""
        key = tuple(argv)
        with self._lock:
            if cache and key in self._outputs:
                return self._outputs[key]
        command = shlex.join(["timeout", str(self._timeout), *argv])
        try:
            result = self.testinfra.run(command)
        except Unverifiable:
            raise
        except RuntimeError as exc:  # the ssh backends: ssh itself failed (exit 255)
            raise Unverifiable(f"{self.label}: cannot reach over SSH: {_ssh_error(exc)}") from None
        except Exception as exc:  # paramiko, docker, ...: the transport failed
            raise Unverifiable(f"{self.label}: cannot run commands: {type(exc).__name__}: {exc}") from None
        output = Output(result.rc, result.stdout, result.stderr)
        if output.rc == NOT_FOUND:
            raise Unverifiable(f"{self.label}: {argv[0]} is not installed ({output.last_error_line()})")
        if output.rc == TIMED_OUT:
            raise Unverifiable(f"{self.label}: `{shlex.join(argv)}` did not finish within {self._timeout} s")
        with self._lock:
            self._outputs[key] = output
        return output

    def __repr__(self) -> str:
        return f"RemoteHost({self.label})"


def _ssh_error(exc: RuntimeError) -> str:
    result = exc.args[0] if exc.args else None
    stderr = getattr(result, "stderr", None)
    text = stderr if isinstance(stderr, str) and stderr.strip() else str(exc)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "ssh failed"


class HostPool:
    """The hosts of one run, created on first use and closed together."""

    def __init__(self, spec: HostsSpec, multiplex: bool = True) -> None:
        self.spec = spec
        self.multiplex = multiplex  # one SSH connection per host for the whole run
        self._hosts: dict[str, RemoteHost] = {}
        self._control_dir: Path | None = None
        self._ssh_urls: dict[str, Path] = {}
        self._lock = threading.Lock()

    # -- hosts -----------------------------------------------------------------------------
    def node(self, name: str) -> RemoteHost:
        url = self.spec.node_url(name)
        if url is None:
            raise Unverifiable(f"node {name}: no host given (add --host {name}=URL or --host-template)")
        return self.host("node", name, url)

    def router(self, name: str) -> RemoteHost:
        return self.host("router", name, self.spec.routers[name])

    def routers(self) -> list[RemoteHost]:
        return [self.router(name) for name in self.spec.routers]

    def host(self, role: str, name: str, url: str) -> RemoteHost:
        with self._lock:
            if url not in self._hosts:
                self._hosts[url] = RemoteHost(
                    role, name, url, lambda: self._testinfra_host(url), self.spec.command_timeout
                )
            return self._hosts[url]

    def _testinfra_host(self, url: str) -> Any:
        import testinfra  # imported only when a run reaches hosts

        kwargs: dict[str, Any] = {}
        if scheme_of(url) in SSH_BACKENDS:
            kwargs["timeout"] = self.spec.connect_timeout
            if self.spec.ssh_config is not None:
                kwargs["ssh_config"] = str(self.spec.ssh_config)
            if scheme_of(url) == "paramiko":
                pass  # paramiko keeps its connection in-process
            elif self.multiplex:
                kwargs["controlpath"] = str(self._control_path(url))
            else:
                kwargs["controlpersist"] = 0
        return testinfra.get_host(url, **kwargs)

    def _control_path(self, url: str) -> Path:
        with self._lock:
            if self._control_dir is None:
                self._control_dir = Path(tempfile.mkdtemp(prefix="ukic-ssh-"))
            if url not in self._ssh_urls:
                self._ssh_urls[url] = self._control_dir / f"c{len(self._ssh_urls)}"
            return self._ssh_urls[url]

    # -- many hosts at once ------------------------------------------------------------------
    def each(self, hosts: Sequence[RemoteHost], ask: Callable[[RemoteHost], T]) -> list[T | Unverifiable]:
        """``ask`` every host, several at a time; a host that cannot answer gives its Unverifiable."""

        def one(host: RemoteHost) -> T | Unverifiable:
            try:
                return ask(host)
            except Unverifiable as gap:
                return gap

        if len(hosts) <= 1:
            return [one(h) for h in hosts]
        with ThreadPoolExecutor(max_workers=min(MAX_PARALLEL, len(hosts))) as pool:
            return list(pool.map(one, hosts))

    # -- end of run --------------------------------------------------------------------------
    def close(self) -> None:
        """Close the shared SSH connections and remove their sockets."""
        for url, path in self._ssh_urls.items():
            if path.exists():
                host = url.split("://", 1)[1].split("?", 1)[0]
                argv = ["ssh", "-o", f"ControlPath={path}", "-O", "exit", host]
                if self.spec.ssh_config is not None:
                    argv[1:1] = ["-F", str(self.spec.ssh_config)]
                subprocess.run(argv, capture_output=True, timeout=10, check=False)
        self._ssh_urls.clear()
        if self._control_dir is not None:
            shutil.rmtree(self._control_dir, ignore_errors=True)
            self._control_dir = None
