"""Before touching anything: kind, a container engine, helm and kubectl must be present and answering."""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field

from ukic.errors import UsageError
from ukic.kind.process import CommandTimeout, command_line, run

KIND_URL = "https://kind.sigs.k8s.io/docs/user/quick-start/#installation"
DOCKER_URL = "https://docs.docker.com/engine/install/"
PODMAN_URL = "https://podman.io/docs/installation"
HELM_URL = "https://helm.sh/docs/intro/install/"
KUBECTL_URL = "https://kubernetes.io/docs/tasks/tools/"

#: kind picks its node provider from this variable (docker when unset).
PROVIDER_VARIABLE = "KIND_EXPERIMENTAL_PROVIDER"
ENGINES = ("docker", "podman")
ANSWER_TIMEOUT = 60.0


class PreflightError(UsageError):
    """A tool the kind workflow needs is missing or not answering (exit 4, one line)."""


@dataclass(frozen=True)
class Toolchain:
    """The tools found: the engine kind will use and the environment that tells kind so."""

    engine: str
    env: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Problem:
    what: str  # short name for the "also missing" tail
    message: str


def preflight(*, install_tools: bool = True) -> Toolchain:
    """Check the tools; raise PreflightError naming what is missing and where to get it.

    ``install_tools`` adds helm and kubectl, which the install plan needs (deleting needs neither).
    """
    problems: list[_Problem] = []
    kind_problem = _check_answers("kind", ("kind", "version"), KIND_URL)
    if kind_problem:
        problems.append(kind_problem)
    engine, engine_problem = _find_engine()
    if engine_problem:
        problems.append(engine_problem)
    if install_tools:
        for tool, argv, url in (
            ("helm", ("helm", "version", "--short"), HELM_URL),
            ("kubectl", ("kubectl", "version", "--client"), KUBECTL_URL),
        ):
            problem = _check_answers(tool, argv, url)
            if problem:
                problems.append(problem)
    if problems:
        first, rest = problems[0], problems[1:]
        tail = f"; also missing: {', '.join(p.what for p in rest)}" if rest else ""
        raise PreflightError(first.message + tail)
    assert engine is not None
    return Toolchain(engine=engine, env={PROVIDER_VARIABLE: engine} if engine != "docker" else {})


def _check_answers(tool: str, argv: Sequence[str], url: str) -> _Problem | None:
    path = shutil.which(tool)
    if path is None:
        return _Problem(tool, f"{tool} not found on PATH: install it from {url}")
    failure = _no_answer(argv)
    if failure:
        return _Problem(
            tool, f"{tool} ({path}) did not answer `{command_line(argv)}` ({failure}): reinstall it from {url}"
        )
    return None


def _find_engine() -> tuple[str | None, _Problem | None]:
    wanted = os.environ.get(PROVIDER_VARIABLE, "").strip()
    candidates = (wanted,) if wanted else ENGINES
    failures: list[str] = []
    for engine in candidates:
        if shutil.which(engine) is None:
            continue
        failure = _no_answer((engine, "info"))
        if failure is None:
            return engine, None
        failures.append(f"`{engine} info` failed: {failure}")
    if failures:
        return None, _Problem(
            "container engine",
            f"no container engine answering ({'; '.join(failures)}): start it, or install "
            f"Docker from {DOCKER_URL} or Podman from {PODMAN_URL}",
        )
    if wanted:
        missing = f"{wanted} not found on PATH ({PROVIDER_VARIABLE}={wanted})"
    else:
        missing = f"neither {' nor '.join(candidates)} found on PATH"
    return None, _Problem(
        "container engine (docker/podman)",
        f"no container engine: {missing}: install Docker from {DOCKER_URL} or Podman from {PODMAN_URL}",
    )


def _no_answer(argv: Sequence[str]) -> str | None:
    """None when the command answers (exit 0), else a short reason."""
    try:
        done = run(argv, timeout=ANSWER_TIMEOUT)
    except CommandTimeout:
        return f"no answer within {ANSWER_TIMEOUT:.0f}s"
    except OSError as exc:
        return exc.strerror or str(exc)
    if done.ok:
        return None
    return f"exit {done.returncode}: {first_line(done.output) or 'no output'}"


def first_line(text: str, limit: int = 160) -> str:
    for line in text.splitlines():
        line = line.strip()
        if line:
            return line if len(line) <= limit else line[: limit - 1] + "…"
    return ""
