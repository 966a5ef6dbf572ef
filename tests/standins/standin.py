"""Stand-ins for kind, docker, podman, helm and kubectl: record every call, answer like the real tool.

Run as ``standin.py TOOL ARGS...`` (the wrappers next to this file, or ones the tests write, do
that). Only the standard library is used, so any python3 can run it. Environment:

UKIC_STANDIN_LOG        append one JSON line per call: {"tool", "argv", "stdin", "provider"}
UKIC_STANDIN_STATE      folder for the stand-in's own state (clusters, counters); default: the log's folder
UKIC_STANDIN_FAIL       rules "TOOL ARG...[:N]" separated by ";": a matching call fails (the first N times)
UKIC_STANDIN_INTERRUPT  rules as above: a matching call sends SIGINT to its parent (a Ctrl-C) and waits
UKIC_STANDIN_SIGNAL     the signal UKIC_STANDIN_INTERRUPT sends instead of INT, e.g. TERM
UKIC_STANDIN_HANG       rules as above: a matching call sleeps far longer than any test waits
UKIC_STANDIN_SERVER     API server URL written into kubeconfigs (default https://[::1]:6443)
UKIC_STANDIN_TOKEN      bearer token written into kubeconfigs (default standin-token)

Rules match the call's leading words after dropping kubeconfig and context flags, e.g.
"helm install", "kubectl wait:2", "docker info".
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

GLOBAL_FLAGS = {"--kubeconfig", "--context", "--kube-context"}


def main(tool: str, args: list[str]) -> int:
    stdin = _read_stdin(tool, args)
    _log(tool, args, stdin)
    words = [tool, *_without_global_flags(args)]
    if _matches("UKIC_STANDIN_INTERRUPT", words):
        os.kill(os.getppid(), getattr(signal, "SIG" + os.environ.get("UKIC_STANDIN_SIGNAL", "INT")))
        time.sleep(30)
        return 130
    if _matches("UKIC_STANDIN_HANG", words):
        time.sleep(3600)
        return 0
    if _matches("UKIC_STANDIN_FAIL", words):
        return _fail(tool, words)
    answer = ANSWERS.get(tool, _ok)
    return answer(args)


# -- recording and rules ---------------------------------------------------------------------------


def _read_stdin(tool: str, args: list[str]) -> str | None:
    """Read stdin only when the call says a document comes from '-' (as the real tools would)."""
    for flag in ("--config", "-f", "--filename", "--values", "-"):
        if flag in args and (flag == "-" or _value(args, flag) == "-"):
            return sys.stdin.read()
    return None


def _log(tool: str, args: list[str], stdin: str | None) -> None:
    path = os.environ.get("UKIC_STANDIN_LOG")
    if not path:
        return
    record = {
        "tool": tool,
        "argv": args,
        "stdin": stdin,
        "provider": os.environ.get("KIND_EXPERIMENTAL_PROVIDER"),
    }
    with open(path, "a", encoding="utf-8") as log:
        log.write(json.dumps(record) + "\n")


def _state_dir() -> Path:
    configured = os.environ.get("UKIC_STANDIN_STATE")
    if configured:
        folder = Path(configured)
    elif os.environ.get("UKIC_STANDIN_LOG"):
        folder = Path(os.environ["UKIC_STANDIN_LOG"]).parent / "standin-state"
    else:
        folder = Path.home() / ".ukic-standin"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _without_global_flags(args: list[str]) -> list[str]:
    kept: list[str] = []
    skip = False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg in GLOBAL_FLAGS:
            skip = True
            continue
        if arg.split("=", 1)[0] in GLOBAL_FLAGS:
            continue
        kept.append(arg)
    return kept


def _without_namespace(words: list[str]) -> list[str]:
    kept: list[str] = []
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word in ("-n", "--namespace"):
            skip = True
        elif not word.startswith("--namespace="):
            kept.append(word)
    return kept


def _matches(variable: str, words: list[str]) -> bool:
    for rule in filter(None, (r.strip() for r in os.environ.get(variable, "").split(";"))):
        prefix, _, times = rule.partition(":")
        wanted = prefix.split()
        if words[: len(wanted)] != wanted:
            continue
        if not times:
            return True
        counter = _state_dir() / f"count-{variable}-{'_'.join(wanted)}"
        used = int(counter.read_text()) if counter.exists() else 0
        if used < int(times):
            counter.write_text(str(used + 1))
            return True
    return False


def _fail(tool: str, words: list[str]) -> int:
    messages = {
        "docker": "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?",
        "podman": "Error: unable to connect to Podman socket",
        "helm": "Error: INSTALLATION FAILED: stand-in failure requested by UKIC_STANDIN_FAIL",
        "kubectl": "error: stand-in failure requested by UKIC_STANDIN_FAIL",
        "kind": "ERROR: stand-in failure requested by UKIC_STANDIN_FAIL",
    }
    print(f"stand-in {' '.join(words)}: partial output before the failure")
    print(messages.get(tool, "stand-in failure"), file=sys.stderr)
    return 1


def _value(args: list[str], flag: str) -> str | None:
    for i, arg in enumerate(args):
        if arg == flag and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(flag + "="):
            return arg.split("=", 1)[1]
    return None


# -- answers ----------------------------------------------------------------------------------------


def _ok(args: list[str]) -> int:
    return 0


def _clusters() -> Path:
    return _state_dir() / "clusters"


def _cluster_names() -> list[str]:
    path = _clusters()
    return [n for n in path.read_text().split() if n] if path.exists() else []


def _kubeconfig(name: str) -> str:
    server = os.environ.get("UKIC_STANDIN_SERVER", "https://[::1]:6443")
    token = os.environ.get("UKIC_STANDIN_TOKEN", "standin-token")
    context = f"kind-{name}"
    doc = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": context, "cluster": {"server": server}}],
        "users": [{"name": context, "user": {"token": token}}],
        "contexts": [{"name": context, "context": {"cluster": context, "user": context}}],
        "current-context": context,
        "preferences": {},
    }
    return json.dumps(doc, indent=2) + "\n"  # JSON is YAML


def _kind(args: list[str]) -> int:
    words = _without_global_flags(args)
    name = _value(args, "--name") or "kind"
    if words[:1] == ["version"]:
        print("kind v0.20.0 go1.20.4 linux/amd64")
    elif words[:2] == ["create", "cluster"]:
        if name in _cluster_names():
            print(
                f'ERROR: failed to create cluster: node(s) already exist for a cluster with the name "{name}"',
                file=sys.stderr,
            )
            return 1
        _clusters().write_text(" ".join([*_cluster_names(), name]))
        target = _value(args, "--kubeconfig")
        if target:
            Path(target).write_text(_kubeconfig(name))
        print(f'Creating cluster "{name}" ...\n ✓ Ensuring node image\n ✓ Preparing nodes', file=sys.stderr)
        print(f'Set kubectl context to "kind-{name}"', file=sys.stderr)
    elif words[:2] == ["delete", "cluster"]:
        _clusters().write_text(" ".join(n for n in _cluster_names() if n != name))
        print(f'Deleting cluster "{name}" ...', file=sys.stderr)
    elif words[:2] == ["get", "clusters"]:
        names = _cluster_names()
        if names:
            print("\n".join(names))
        else:
            print("No kind clusters found.", file=sys.stderr)
    elif words[:2] == ["get", "kubeconfig"]:
        if name not in _cluster_names():
            print(f"ERROR: could not locate any control plane nodes for cluster named '{name}'", file=sys.stderr)
            return 1
        sys.stdout.write(_kubeconfig(name))
    else:
        print(f"ERROR: unknown command {' '.join(words)!r} for kind (stand-in)", file=sys.stderr)
        return 1
    return 0


def _engine(args: list[str]) -> int:
    if args[:1] == ["info"]:
        print("Client:\n Context: default\nServer:\n Containers: 0\n Server Version: 24.0.7")
        return 0
    return 0


def _helm(args: list[str]) -> int:
    words = _without_global_flags(args)
    if words[:1] == ["version"]:
        print("v3.12.0+gc9f554d")
    elif words[:2] == ["repo", "add"]:
        print(f'"{words[2]}" has been added to your repositories')
    elif words[:1] == ["install"]:
        print(f"NAME: {words[1]}\nLAST DEPLOYED: now\nNAMESPACE: {_value(args, '--namespace') or 'default'}")
        print("STATUS: deployed\nREVISION: 1")
    return 0


def _kubectl(args: list[str]) -> int:
    words = _without_namespace(_without_global_flags(args))
    verb = words[0] if words else ""
    if verb == "version":
        print("Client Version: v1.22.17")
    elif verb == "apply":
        print("stand-in: objects configured")
    elif words[:2] == ["create", "namespace"]:
        print(f"namespace/{words[2]} created")
    elif verb == "wait":
        print("condition met")
    elif verb == "rollout":
        print("successfully rolled out")
    return 0


ANSWERS = {"kind": _kind, "docker": _engine, "podman": _engine, "helm": _helm, "kubectl": _kubectl}


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1], sys.argv[2:]))
