"""Create a kind cluster from a profile, install its components, and always clean up behind us.

A cluster is deleted after use unless ``keep``; it is also deleted when creating or installing
fails or is interrupted (Ctrl-C, SIGTERM), again unless ``keep``: then it stays for debugging and
the user is told how to reach and remove it.
"""

from __future__ import annotations

import os
import shutil
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType

from ukic.errors import UsageError
from ukic.kind.config import KindOptions, check_name
from ukic.kind.plan import Plan, build_plan
from ukic.kind.preflight import Toolchain, preflight
from ukic.kind.process import CommandTimeout, command_line, run
from ukic.kind.runner import RETRY_INTERVAL, Report, Runner, to_stderr
from ukic.profiles.selection import Selection

DELETE_TIMEOUT = 300.0
LIST_TIMEOUT = 60.0


class DeleteFailed(UsageError):
    """`kind delete cluster` did not succeed; the message says how to retry by hand."""


class KindCluster:
    """One ephemeral kind cluster shaped like ``selection``; ``create()`` it, then ``close()`` it."""

    def __init__(
        self,
        selection: Selection,
        options: KindOptions,
        *,
        keep: bool = False,
        kubeconfig: Path | None = None,
        report: Report = to_stderr,
        retry_interval: float = RETRY_INTERVAL,
    ) -> None:
        self.selection = selection
        self.retry_interval = retry_interval
        self.options = options
        self.keep = keep
        self.report = report
        # our own folder for the kubeconfig unless the user named a file (which we never remove)
        self._workdir = state_dir(options.name) if kubeconfig is None else None
        self._workdir_made = False
        self.plan: Plan = build_plan(selection, options, kubeconfig or state_dir(options.name) / "kubeconfig")
        self.toolchain: Toolchain | None = None
        self._started = False  # `kind create cluster` was launched: from now on there may be something to delete
        self._closed = False
        self._release_sigterm: Callable[[], None] | None = None

    @property
    def name(self) -> str:
        return self.plan.target.name

    @property
    def kubeconfig(self) -> Path:
        return self.plan.target.kubeconfig

    @property
    def context(self) -> str:
        return self.plan.target.context

    def create(self) -> None:
        """Preflight, print the plan, run it; on any failure or interrupt clean up (unless keep) and re-raise."""
        try:
            self._release_sigterm = _sigterm_as_interrupt()
            self.toolchain = preflight(install_tools=True)
            if self.name in list_clusters(self.toolchain):
                raise UsageError(
                    f"a kind cluster named {self.name} already exists: choose another --name, or delete it "
                    f"with `ukic kind delete --name {self.name}`"
                )
            self._make_workdir()
            self.report(self.plan.render())
            runner = Runner(self.report, env=self.toolchain.env, retry_interval=self.retry_interval)
            total = len(self.plan.steps)
            for number, step in enumerate(self.plan.steps, 1):
                self._started = True
                runner.run_step(step, number, total)
        except BaseException as exc:
            self._clean_up_after(exc)
            raise
        self.report(f"kind cluster {self.name} is ready (context {self.context}, kubeconfig {self.kubeconfig})")

    def close(self) -> None:
        """Delete the cluster unless keep; safe to call more than once."""
        if self._closed:
            return
        self._closed = True
        try:
            self._close()
        finally:
            if self._release_sigterm is not None:
                self._release_sigterm()
                self._release_sigterm = None

    def _close(self) -> None:
        if not self._started:  # nothing was created; never touch a same-named cluster's folder
            self._remove_workdir()
        elif self.keep:
            self.report(self._kept_message())
        else:
            self.delete(strict=False)
            self._remove_workdir()

    def delete(self, *, strict: bool = True) -> bool:
        """Run `kind delete cluster`; report (or with ``strict`` raise) when it fails."""
        argv = ["kind", "delete", "cluster", "--name", self.name, "--kubeconfig", str(self.kubeconfig)]
        self.report(f"Deleting kind cluster {self.name}")
        self.report(f"      $ {command_line(argv)}")
        problem = _run_delete(argv, self.toolchain)
        if problem is None:
            return True
        message = f"could not delete kind cluster {self.name} ({problem}): run `kind delete cluster --name {self.name}`"
        if strict:
            raise DeleteFailed(message)
        self.report(f"ukic: {message}")
        return False

    def __enter__(self) -> KindCluster:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _clean_up_after(self, exc: BaseException) -> None:
        if self._started:
            why = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
            action = "keeping it (--keep)" if self.keep else "deleting it"
            self.report(f"Setting up kind cluster {self.name} {why}; {action}.")
        self.close()

    def _kept_message(self) -> str:
        return (
            f"kept kind cluster {self.name}: kubeconfig {self.kubeconfig}, context {self.context}; "
            f"delete it with `ukic kind delete --name {self.name}`"
        )

    def _make_workdir(self) -> None:
        if self._workdir is None:
            self.kubeconfig.parent.mkdir(parents=True, exist_ok=True)
            return
        shutil.rmtree(self._workdir, ignore_errors=True)  # left over from a cluster that no longer exists
        self._workdir.mkdir(mode=0o700, parents=True)
        self._workdir_made = True

    def _remove_workdir(self) -> None:
        if self._workdir is not None and self._workdir_made:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir_made = False


def state_dir(name: str) -> Path:
    """Where ukic keeps the kubeconfig of the kind cluster ``name`` (private to the user)."""
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "ukic" / "kind" / name


def list_clusters(toolchain: Toolchain | None) -> list[str]:
    """Names of the kind clusters on this engine (`kind get clusters`)."""
    try:
        done = run(("kind", "get", "clusters"), timeout=LIST_TIMEOUT, env=toolchain.env if toolchain else None)
    except (CommandTimeout, OSError) as exc:
        raise UsageError(f"`kind get clusters` did not answer: {exc}") from None
    if not done.ok:
        raise UsageError(f"`kind get clusters` failed (exit {done.returncode}): {done.output.strip()[:300]}")
    return [line.strip() for line in done.stdout.splitlines() if line.strip()]


def delete_cluster(name: str, report: Report = to_stderr) -> bool:
    """Delete a kind cluster by name; False when there was none. Raises when deleting fails."""
    check_name(name)
    toolchain = preflight(install_tools=False)
    if name not in list_clusters(toolchain):
        shutil.rmtree(state_dir(name), ignore_errors=True)
        report(f"no kind cluster named {name}")
        return False
    argv = ["kind", "delete", "cluster", "--name", name]
    report(f"Deleting kind cluster {name}")
    report(f"      $ {command_line(argv)}")
    problem = _run_delete(argv, toolchain)
    if problem is not None:
        raise DeleteFailed(f"could not delete kind cluster {name} ({problem})")
    shutil.rmtree(state_dir(name), ignore_errors=True)
    return True


def _run_delete(argv: list[str], toolchain: Toolchain | None) -> str | None:
    try:
        done = run(argv, timeout=DELETE_TIMEOUT, env=toolchain.env if toolchain else None)
    except (CommandTimeout, OSError) as exc:
        return str(exc)
    if done.ok:
        return None
    return f"exit {done.returncode}: {' | '.join(done.output.splitlines())[:300]}"


def _sigterm_as_interrupt() -> Callable[[], None]:
    """Until the returned function is called, SIGTERM (a cancelled CI job) raises KeyboardInterrupt.

    So a cancelled run cleans up like Ctrl-C, while installing and while verifying, instead of
    leaving the cluster behind. Only the main thread can handle signals; elsewhere this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)

    def release() -> None:
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)

    return release
