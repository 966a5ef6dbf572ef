"""The fault matrix: each fault set up for real, the real `ukic` program run against it.

Every case asserts: the exit code; exactly one stderr line naming the culprit (or none);
no traceback; no planted secret (token, proxy password, URL password, client key, a
Secret's data) in any byte of stdout, stderr or any file the run left; an empty TMPDIR;
only GET at the servers; and a time bound. ``UKIC_FAULT_TABLE=FILE`` writes the table of
cases (case, expected, observed) as Markdown.
"""

from __future__ import annotations

import base64
import gzip
import io
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tarfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.fakeapi import FakeKubeAPI, TLSFiles, make_certificates, write_kubeconfig
from tests.fakeapi.objects import SECRET_VALUE, tiny_cluster
from tests.fakeapi.proxy import AuthProxy
from tests.faults.harness import PROXY_PASSWORD, TOKEN, URL_PASSWORD, Observed, World, run_ukic, search_secrets

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "samples" / "v5-production"
TABLE: list[tuple[str, str, str]] = []


@dataclass
class Run:
    """What to run and what must come of it."""

    argv: list[str]
    code: int
    line: str | None  # regex the one stderr line must match; None: stderr stays empty
    interrupt: tuple[int, Callable[[], bool]] | None = None
    stdout_path: Path | None = None
    path: list[str] | None = None  # folders to add to PATH (git for --base)
    audit: bool = False  # audit logs progress lines on stderr before its own last line
    seconds: float = 20.0  # the bound for this case
    check: Callable[[Observed], None] | None = None


@dataclass
class Ctx:
    world: World
    fake: FakeKubeAPI  # plain HTTP, bearer TOKEN
    mtls: FakeKubeAPI  # HTTPS demanding a client certificate
    other: FakeKubeAPI  # a second server: must never be asked anything
    tls: TLSFiles
    proxy: AuthProxy  # forwards to the fakes for proxyuser:PROXY_PASSWORD

    def kubeconfig(self, server: str | None = None, user: dict[str, Any] | None = None, **cluster: Any) -> Path:
        path = self.world.inputs / "kubeconfig"
        doc = yaml.safe_load(write_kubeconfig(path, server or self.fake.url, token=TOKEN).read_text())
        if user is not None:
            doc["users"][0]["user"] = user
        doc["clusters"][0]["cluster"].update(cluster)
        path.write_text(yaml.safe_dump(doc))
        return path

    def mtls_kubeconfig(self, **user: Any) -> Path:
        return self.kubeconfig(
            self.mtls.url,
            {
                "client-certificate-data": b64(self.tls.client_cert.read_bytes()),
                "client-key-data": b64(self.tls.client_key.read_bytes()),
                **user,
            },
            **{"certificate-authority-data": b64(self.tls.ca.read_bytes())},
        )

    def snapshot(self, edit: Callable[[Path], None]) -> Path:
        folder = self.world.inputs / "snap"
        shutil.copytree(SAMPLE, folder)
        edit(folder)
        return folder

    def asked(self, path: str) -> Callable[[], bool]:
        return lambda: any(r.path == path for r in self.fake.requests + self.mtls.requests)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def verify(config: Path, *extra: str) -> list[str]:
    return ["verify", "--kubeconfig", str(config), "--color", "never", *extra]


# -- the cases ------------------------------------------------------------------------------------
def tls_client_key_capture(c: Ctx) -> Run:
    return Run(["capture", "--kubeconfig", str(c.mtls_kubeconfig()), "-o", "snap"], 0, None)


def token_file_with_newline(c: Ctx) -> Run:
    (c.world.inputs / "token").write_text(TOKEN + "\n")  # what `echo $TOKEN > token` writes
    return Run(["capture", "--kubeconfig", str(c.kubeconfig(user={"tokenFile": "token"})), "-o", "snap"], 0, None)


def token_with_a_line_break(c: Ctx) -> Run:
    config = c.kubeconfig(user={"token": "first-line\n" + TOKEN})  # the header would carry the planted token
    line = r"ukic: kubeconfig .*: user 'fake-admin': token holds a line break or another character no HTTP header"
    return Run(verify(config), 4, line)


def rejected_token_401(c: Ctx) -> Run:
    config = c.kubeconfig(user={"token": TOKEN + "-expired"})
    return Run(verify(config), 2, r"ukic: unauthorized \(401\) at http://127\.0\.0\.1:\d+: the credentials of context")


def forbidden_403_one_resource(c: Ctx) -> Run:
    c.fake.forbid("bgppeers.crd.projectcalico.org")
    config = c.kubeconfig()
    return Run(
        ["capture", "--kubeconfig", str(config), "-o", "snap"], 0, r"ukic: warning: not captured: bgppeers.*RBAC"
    )


def throttled_429_forever(c: Ctx) -> Run:
    c.fake.fail("nodes", 429, times=None, retry_after="0")
    line = r"ukic: warning: not captured: nodes: cannot list nodes: .* answered 429 .* after 4 attempts"
    return Run(["capture", "--kubeconfig", str(c.kubeconfig()), "-o", "snap"], 0, line)


def discovery_503_forever(c: Ctx) -> Run:
    c.fake.fail("/api", 503, times=None, retry_after="0")
    return Run(
        verify(c.kubeconfig()), 2, r"ukic: API discovery failed at http://127\.0\.0\.1:\d+: GET /api answered 503"
    )


def trickling_answer(c: Ctx) -> Run:
    c.fake.trickle("nodes", seconds_per_byte=0.2)
    line = r"ukic: http://127\.0\.0\.1:\d+/api/v1/nodes\?limit=500 did not answer completely within 1\.5 s"

    def asked_once(seen: Observed) -> None:
        assert [r.path for r in c.fake.requests].count("/api/v1/nodes") == 1  # not once more after the early fetch

    argv = verify(c.kubeconfig(), "--read-timeout", "0.5", "--connect-timeout", "0.5")
    return Run(argv, 2, line, seconds=10, check=asked_once)


def redirect_elsewhere(c: Ctx) -> Run:
    c.fake.redirect("/api", c.other.url + "/api")
    return Run(verify(c.kubeconfig()), 2, r"ukic: API discovery failed at .*: GET /api answered 302")


def endless_paging_same_token(c: Ctx) -> Run:
    c.fake.page_forever("nodes", same_token=True)
    return Run(verify(c.kubeconfig()), 2, r"ukic: .*/api/v1/nodes answered a continue token it had already given")


def garbage_discovery(c: Ctx) -> Run:
    c.fake.answer("/apis", '{"kind": "APIGroupList", "groups": "crd.projectcalico.org"}')
    return Run(verify(c.kubeconfig()), 2, r"ukic: malformed discovery answer from .*/apis: 'groups' is not a list")


def server_message_with_escapes(c: Ctx) -> Run:
    body = json.dumps({"kind": "Status", "message": "boom \x1b]0;pwned\x07\x1b[2J cleared", "code": 500})
    c.fake.answer("/apis", body, status=500)

    def no_raw_escapes(seen: Observed) -> None:
        assert "\x1b" not in seen.stderr and "\x07" not in seen.stderr

    return Run(
        verify(c.kubeconfig(), "--read-timeout", "2"),
        2,
        r"ukic: API discovery failed .*boom \\x1b",
        check=no_raw_escapes,
    )


def exec_plugin_hangs(c: Ctx) -> Run:
    plugin = c.world.inputs / "kubelogin"
    plugin.write_text(f"#!{sys.executable}\nimport time\ntime.sleep(60)\n")
    plugin.chmod(0o755)
    user = {"exec": {"apiVersion": "client.authentication.k8s.io/v1", "command": str(plugin)}}
    line = rf"ukic: kubeconfig .*: user 'fake-admin': credential plugin {re.escape(str(plugin))}: gave no answer"
    return Run(verify(c.kubeconfig(user=user), "--exec-timeout", "1"), 4, line, seconds=8)


def token_file_missing(c: Ctx) -> Run:
    line = r"ukic: kubeconfig .*: user 'fake-admin': tokenFile .*/inputs/absent-token: no such file"
    return Run(verify(c.kubeconfig(user={"tokenFile": "absent-token"})), 4, line)


def ca_data_not_base64(c: Ctx) -> Run:
    config = c.kubeconfig(c.mtls.url, **{"certificate-authority-data": "%%% not base64 %%%"})
    return Run(
        verify(config), 4, r"ukic: kubeconfig .*: cluster 'fake': certificate-authority-data is not valid base64"
    )


def proxy_with_password(c: Ctx) -> Run:
    config = c.kubeconfig(**{"proxy-url": f"http://proxyuser:{PROXY_PASSWORD}@127.0.0.1:9"})
    return Run(verify(config), 2, r"ukic: cannot reach http://127\.0\.0\.1:\d+ through proxy http://127\.0\.0\.1:9: ")


def through_a_proxy_with_passwords(c: Ctx) -> Run:
    """A whole run through an authenticating proxy, with a password in the server URL too: reports written."""
    server = c.fake.url.replace("http://", f"http://admin:{URL_PASSWORD}@")
    config = c.kubeconfig(server, **{"proxy-url": f"http://proxyuser:{PROXY_PASSWORD}@127.0.0.1:{c.proxy.port}"})
    forwarded = len(c.proxy.forwarded)

    def proxied(seen: Observed) -> None:
        assert c.proxy.refused == 0 and len(c.proxy.forwarded) > forwarded
        (summary,) = (c.world.work / "reports").glob("*/*/summary.json")
        assert json.loads(summary.read_text())["source"]["location"] == c.fake.url  # shown without userinfo
        assert f"live {c.fake.url} " in seen.stdout

    return Run(verify(config), 1, None, check=proxied)  # the tiny cluster is not conformant


def server_url_with_password(c: Ctx) -> Run:
    config = c.kubeconfig(c.fake.url.replace("http://", f"http://admin:{URL_PASSWORD}@"), user={})
    return Run(verify(config, "--report-dir", "reports"), 2, r"ukic: unauthorized \(401\) at http://127\.0\.0\.1:\d+: ")


def interrupted(command: str, sig: int) -> Callable[[Ctx], Run]:
    def case(c: Ctx) -> Run:
        c.mtls.hang("nodes", seconds=30)
        config = c.mtls_kubeconfig()
        argv = {
            "verify": verify(config),
            "capture": ["capture", "--kubeconfig", str(config), "-o", "snap"],
            "detect": ["detect", "--kubeconfig", str(config), "--type", "production"],
        }[command]
        check = _within(2.0)
        return Run(argv, 3, r"ukic: interrupted", interrupt=(sig, c.asked("/api/v1/nodes")), check=check)

    return case


def audit_interrupted(c: Ctx) -> Run:
    c.mtls.hang("nodes", seconds=30)
    config = c.mtls_kubeconfig()
    inventory = c.world.inputs / "clusters.yaml"
    inventory.write_text(yaml.safe_dump({"clusters": [_cluster("c1", {"kubeconfig": str(config)})]}, sort_keys=False))
    line = r"ukic: audit interrupted \(SIGTERM\); the ledger keeps the 0 finished clusters"
    run = Run(["audit", str(inventory)], 3, line, interrupt=(signal.SIGTERM, c.asked("/api/v1/nodes")), audit=True)
    run.check = _within(2.0)
    return run


def audit_with_a_client_key(c: Ctx) -> Run:
    inventory = c.world.inputs / "clusters.yaml"
    source = {"kubeconfig": str(c.mtls_kubeconfig())}
    inventory.write_text(yaml.safe_dump({"clusters": [_cluster("c1", source)]}, sort_keys=False))
    return Run(["audit", str(inventory)], 1, r"audit: c1: not conformant: ", audit=True)


def _within(seconds: float) -> Callable[[Observed], None]:
    def check(seen: Observed) -> None:
        assert seen.seconds < seconds, f"took {seen.seconds:.2f} s after the signal"

    return check


def _cluster(name: str, source: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name, "purpose": "p", "setup": "HW", "maintainer": "m", "version": "v5", "type": "production",
        "v4_proxy": False, "source": source,
    }  # fmt: skip


def archive_bomb(c: Ctx) -> Run:
    path = c.world.inputs / "bomb.tar.gz"
    with gzip.open(path, "wb", compresslevel=1) as packed, tarfile.open(fileobj=packed, mode="w|") as tar:
        for key in ("nodes", "pods", "services", "configmaps", "secrets", "jobs.batch"):
            member = tarfile.TarInfo(f"snap/{key}.yaml")
            member.size = 100 << 20
            tar.addfile(member, _Zeros(member.size))
    line = r"ukic: snapshot .*bomb\.tar\.gz: unpacks to more than 512 MiB, more than a snapshot may hold"
    return Run(["verify", "--snapshot", str(path)], 2, line, seconds=15)


def archive_of_headers(c: Ctx) -> Run:
    """A bomb of empty members: 10 MB of headers per 20,000, minutes to walk through at a million."""
    path = c.world.inputs / "headers.tar.gz"
    with gzip.open(path, "wb", compresslevel=1) as packed, tarfile.open(fileobj=packed, mode="w|") as tar:
        for number in range(20_000):
            tar.addfile(tarfile.TarInfo(f"snap/empty-{number}.yaml"))
    line = r"ukic: snapshot .*headers\.tar\.gz: holds more than 10000 files, more than a snapshot may hold"
    return Run(["verify", "--snapshot", str(path)], 2, line, seconds=15)


class _Zeros(io.RawIOBase):
    def __init__(self, size: int) -> None:
        self.left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        size = min(len(buffer), self.left)
        buffer[:size] = bytes(size)
        self.left -= size
        return size


def archive_truncated(c: Ctx) -> Run:
    path = c.world.inputs / "cut.tar.gz"
    whole = io.BytesIO()
    with tarfile.open(fileobj=whole, mode="w:gz") as tar:
        tar.add(SAMPLE, arcname="snap")
    path.write_bytes(whole.getvalue()[:60])  # cut inside the first header
    return Run(
        ["verify", "--snapshot", str(path)], 2, r"ukic: snapshot .*cut\.tar\.gz: unreadable archive \(it ends too early"
    )


def git_tree_escaping(c: Ctx) -> Run:
    if shutil.which("git") is None:
        pytest.skip("needs git")
    repo = c.world.inputs / "repo"
    shutil.copytree(Path(__file__).resolve().parents[2] / "fixtures" / "repos" / "v5-production", repo)
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@x"}  # fmt: skip

    def git(*args: str, stdin: str | None = None) -> str:
        return subprocess.run(
            ["git", *args], cwd=repo, env=env, input=stdin, capture_output=True, text=True, check=True
        ).stdout.strip()

    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-qm", "base")
    blob = git("hash-object", "-w", "--stdin", stdin="kind: List\nitems: []\n")
    tree = git("mktree", stdin=f"100644 blob {blob}\tplanted-outside.yaml\n")
    for _ in range(8):
        tree = git("mktree", stdin=f"040000 tree {tree}\t..\n")
    git("branch", "hostile", git("commit-tree", tree, "-m", "hostile"))
    argv = ["verify", "--manifests", str(repo), "--version", "v5", "--base", "hostile", "--no-reports"]

    def nothing_outside(seen: Observed) -> None:
        assert not Path("/planted-outside.yaml").exists()
        assert not list(c.world.root.parent.rglob("planted-outside.yaml"))

    line = r"ukic: --base \w+: refusing the path '\.\./.*planted-outside\.yaml'"
    return Run(argv, 4, line, check=nothing_outside, path=[str(Path(shutil.which("git") or "").parent)])


def malformed_node(c: Ctx) -> Run:
    def edit(folder: Path) -> None:
        nodes = yaml.safe_load((folder / "nodes.yaml").read_text())
        nodes["items"][0]["status"]["addresses"] = "10.0.0.5"
        nodes["items"][1]["metadata"]["annotations"] = ["not", "a", "mapping"]
        (folder / "nodes.yaml").write_text(yaml.safe_dump(nodes))

    def named(seen: Observed) -> None:
        assert "nodes: malformed object: Node server22: status.addresses is a string" in seen.stdout

    return Run(["verify", "--snapshot", str(c.snapshot(edit)), "--color", "never"], 2, None, check=named)


def impossible_date(c: Ctx) -> Run:
    def edit(folder: Path) -> None:
        text = (folder / "services.yaml").read_text()
        (folder / "services.yaml").write_text(
            text.replace("metadata:", "metadata:\n    creationTimestamp: 2021-13-45", 1)
        )

    line = r"ukic: snapshot file .*/services\.yaml: impossible value at line \d+ \(month must be in 1\.\.12\)"
    return Run(["verify", "--snapshot", str(c.snapshot(edit))], 2, line)


def not_utf8(c: Ctx) -> Run:
    def edit(folder: Path) -> None:
        (folder / "services.yaml").write_bytes(
            (folder / "services.yaml").read_bytes().replace(b"name:", b"name: \xff\xfe", 1)
        )

    return Run(
        ["verify", "--snapshot", str(c.snapshot(edit))],
        2,
        r"ukic: snapshot file .*/services\.yaml: not valid YAML \(not UTF-8",
    )


def deep_json(c: Ctx) -> Run:
    def edit(folder: Path) -> None:
        (folder / "services.yaml").unlink()
        (folder / "services.json").write_text('{"kind": "List", "items": [' + "[" * 50000 + "]" * 50000 + "]}")

    return Run(
        ["verify", "--snapshot", str(c.snapshot(edit))], 2, r"ukic: snapshot file .*/services\.json: nested too deeply"
    )


def lone_surrogate_in_a_name(c: Ctx) -> Run:
    hostile = "\ud800\x1b]0;pwned\x07\x1b[2J<script>"

    def edit(folder: Path) -> None:
        services = yaml.safe_load((folder / "services.yaml").read_text())
        (folder / "services.yaml").unlink()
        services["items"][0]["metadata"]["name"] = "svc-" + hostile
        (folder / "services.json").write_text(json.dumps(services))
        nodes = yaml.safe_load((folder / "nodes.yaml").read_text())
        (folder / "nodes.yaml").unlink()
        master = next(n for n in nodes["items"] if "node-role.kubernetes.io/control-plane" in n["metadata"]["labels"])
        master["metadata"]["name"] = "server-" + hostile  # named in reasons, remedies and the ledger's masters
        master["spec"]["unschedulable"] = True
        (folder / "nodes.json").write_text(json.dumps(nodes))

    def shown_inert(seen: Observed) -> None:
        assert "node server-\ufffd\\x1b]0;pwned\\x07\\x1b[2J<script> is cordoned" in seen.stdout
        assert not CONTROL.search(seen.stdout)
        reports = [p for p in (c.world.work / "reports").rglob("*") if p.is_file()]
        assert {p.name for p in reports} >= {"summary.json", "summary.md", "report.html", "junit.xml", "cucumber.json"}
        for report in reports:
            text = report.read_bytes().decode()  # valid UTF-8: no lone surrogate either
            assert not CONTROL.search(text), report.name
            assert "server-" in text or report.suffix == ".lock", report.name
        html_text = next(p for p in reports if p.name == "report.html").read_text()
        assert "<script>is cordoned" not in html_text.replace(" ", "") and "&lt;script&gt;" in html_text

    return Run(["verify", "--snapshot", str(c.snapshot(edit)), "--color", "never"], 1, None, check=shown_inert)


#: Raw control bytes other than tab and line breaks: none may reach a terminal or a report.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def device_as_snapshot_file(c: Ctx) -> Run:
    def edit(folder: Path) -> None:
        (folder / "nodes.yaml").unlink()
        (folder / "nodes.yaml").symlink_to("/dev/zero")

    return Run(
        ["verify", "--snapshot", str(c.snapshot(edit))],
        2,
        r"ukic: snapshot file .*/nodes\.yaml: nodes\.yaml is not a regular file",
    )


def device_as_manifest(c: Ctx) -> Run:
    repo = c.world.inputs / "repo"
    shutil.copytree(Path(__file__).resolve().parents[2] / "fixtures" / "repos" / "v5-production", repo)
    try:
        os.mknod(repo / "zero.yaml", 0o644 | stat.S_IFCHR, os.makedev(1, 5))  # the device /dev/zero is
    except PermissionError:
        pytest.skip("needs root to make a device node")
    line = r"ukic: manifests zero\.yaml: not a regular file"
    return Run(["verify", "--manifests", str(repo), "--version", "v5"], 2, line)


def symlink_out_of_the_repository(c: Ctx) -> Run:
    repo = c.world.inputs / "repo"
    shutil.copytree(Path(__file__).resolve().parents[2] / "fixtures" / "repos" / "v5-production", repo)
    (repo / "shadow.yaml").symlink_to("/etc/passwd")

    def noted(seen: Observed) -> None:
        assert "shadow.yaml: a symlink leading outside the repository, not read" in seen.stdout
        assert "root:" not in seen.stdout

    return Run(["verify", "--manifests", str(repo), "--version", "v5", "--no-reports"], 0, None, check=noted)


def markup_in_cluster_name(c: Ctx) -> Run:
    inventory = c.world.inputs / "clusters.yaml"
    cluster = _cluster("c[/]1 [bold]<script>alert(1)</script>", {"snapshot": str(SAMPLE)})
    inventory.write_text(yaml.safe_dump({"clusters": [cluster]}, sort_keys=False))

    def inert(seen: Observed) -> None:
        assert "c[/]1 [bold]" in seen.stdout
        table = subprocess.run(
            [sys.executable, "-m", "ukic", "ledger", "--format", "md"], cwd=c.world.work, capture_output=True, text=True
        ).stdout
        assert "<script>" not in table and "&lt;script&gt;" in table

    return Run(["audit", str(inventory), "--parallel", "1"], 0, r"audit: .*: conformant", audit=True, check=inert)


EMPTY_LEDGER = json.dumps({"format": "ukic-ledger/1", "updated_at": None, "clusters": {}})


def small_disk(c: Ctx, size: str) -> Path:
    """A tmpfs of ``size`` under the work folder holding an empty ledger (unmounted after the case)."""
    mount = c.world.work / "disk"
    mount.mkdir()
    tool = shutil.which("mount") or "/usr/bin/mount"
    if not Path(tool).exists() or subprocess.run([tool, "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)],
                                                 capture_output=True).returncode:  # fmt: skip
        pytest.skip("needs root, mount and tmpfs to make a small disk")
    c.world.root.joinpath("mounted").write_text(str(mount))
    (mount / "ledger.json").write_text(EMPTY_LEDGER)
    return mount


def reports_on_a_full_disk(c: Ctx) -> Run:
    mount = small_disk(c, "96k")
    (mount / "filler").write_bytes(b"x" * (80 << 10))

    def kept(seen: Observed) -> None:
        assert json.loads((mount / "ledger.json").read_text())["clusters"] == {}
        assert sorted(p.name for p in mount.iterdir()) == ["filler", "ledger.json", "place10"]
        assert not list((mount / "place10").iterdir())  # no partial report folder

    return Run(
        ["verify", "--report-dir", str(mount)],
        4,
        r"ukic: cannot write reports under .*: No space left on device",
        check=kept,
    )


def capture_on_a_full_disk(c: Ctx) -> Run:
    mount = small_disk(c, "64k")
    (mount / "filler").write_bytes(b"x" * (56 << 10))

    def nothing_kept(seen: Observed) -> None:
        assert sorted(p.name for p in mount.iterdir()) == ["filler", "ledger.json"]  # no snapshot, no hidden folder

    return Run(
        ["capture", "--kubeconfig", str(c.kubeconfig()), "-o", str(mount / "snap")],
        4,
        r"ukic: capture output .*/snap: cannot write \(No space left on device\); nothing was kept",
        check=nothing_kept,
    )


def ledger_on_a_read_only_disk(c: Ctx) -> Run:
    mount = small_disk(c, "1m")
    ledger = EMPTY_LEDGER
    subprocess.run([shutil.which("mount") or "/usr/bin/mount", "-o", "remount,ro", str(mount)], check=True)

    def kept(seen: Observed) -> None:
        assert (mount / "ledger.json").read_text() == ledger

    return Run(
        ["verify", "--report-dir", str(mount)],
        4,
        r"ukic: cannot write reports under .*: Read-only file system",
        check=kept,
    )


def stdout_on_a_full_disk(c: Ctx) -> Run:
    return Run(
        ["profiles", "list"],
        2,
        r"ukic: cannot write the output: No space left on device",
        stdout_path=Path("/dev/full"),
    )


def damaged_ledger(c: Ctx) -> Run:
    ledger = {
        "format": "ukic-ledger/1",
        "updated_at": None,
        "clusters": {"c": {"last_run": {"time": "2021-13-45T00:00:00Z"}}},
    }
    (c.world.work / "reports").mkdir()
    (c.world.work / "reports" / "ledger.json").write_text(json.dumps(ledger))
    line = r"ukic: reports/ledger\.json: clusters\.c\.last_run\.time: '2021-13-45T00:00:00Z' is not an RFC 3339 time"
    return Run(["ledger"], 4, line)


def inventory_is_a_device(c: Ctx) -> Run:
    (c.world.inputs / "clusters.yaml").symlink_to("/dev/zero")
    return Run(["audit", str(c.world.inputs / "clusters.yaml")], 4, r"ukic: .*/clusters\.yaml: not a regular file")


def waiver_impossible_date(c: Ctx) -> Run:
    waivers = c.world.inputs / "waivers.yaml"
    waivers.write_text(
        "waivers:\n- cluster: place10\n  scenario: x\n  justification: j\n  expires: 2021-13-45\n  ticket: T-1\n"
    )
    return Run(["verify", "--waivers", str(waivers)], 4, r"ukic: .*waivers\.yaml: impossible value at line 5")


CASES: dict[str, tuple[Callable[[Ctx], Run], str]] = {
    "TLS client key (client-key-data), capture": (tls_client_key_capture, "0, key never on disk"),
    "tokenFile ending in a newline": (token_file_with_newline, "0, token trimmed"),
    "token with a line break inside": (token_with_a_line_break, "4 naming the field, no token part"),
    "401 token rejected": (rejected_token_401, "2, one line, no token"),
    "403 on one resource (capture)": (forbidden_403_one_resource, "0, one warning naming RBAC"),
    "429 forever on nodes (capture)": (throttled_429_forever, "0, warning after 4 attempts"),
    "503 forever on discovery": (discovery_503_forever, "2, one line"),
    "server trickles 1 byte / 0.2 s": (trickling_answer, "2 within the total deadline"),
    "302 redirect to another server": (redirect_elsewhere, "2, other server never asked"),
    "endless paging (same continue token)": (endless_paging_same_token, "2 naming the resource"),
    "garbage discovery ('resources' a string)": (garbage_discovery, "2, one line"),
    "server message with ESC/BEL": (server_message_with_escapes, "2, escapes shown inert"),
    "exec plugin hangs": (exec_plugin_hangs, "4 naming the plugin, < 8 s"),
    "tokenFile missing": (token_file_missing, "4 naming the file"),
    "certificate-authority-data not base64": (ca_data_not_base64, "4 naming the field"),
    "proxy-url with password": (proxy_with_password, "2, no password shown"),
    "whole run through a proxy, URL password": (through_a_proxy_with_passwords, "1, reports without passwords"),
    "server URL with user:password": (server_url_with_password, "2, no password anywhere"),
    "SIGINT mid-request: verify": (interrupted("verify", signal.SIGINT), "3 within 2 s"),
    "SIGTERM mid-request: verify": (interrupted("verify", signal.SIGTERM), "3 within 2 s"),
    "SIGTERM mid-request: capture": (interrupted("capture", signal.SIGTERM), "3 within 2 s, no snapshot"),
    "SIGINT mid-request: detect": (interrupted("detect", signal.SIGINT), "3 within 2 s"),
    "SIGTERM mid-request: audit": (audit_interrupted, "3 within 2 s"),
    "audit worker with a client key": (audit_with_a_client_key, "1, key never on disk"),
    "tar.gz decompression bomb": (archive_bomb, "2 within seconds"),
    "tar.gz of 20,000 empty members": (archive_of_headers, "2 within seconds, one line"),
    "tar.gz cut inside its first header": (archive_truncated, "2, one line"),
    "git tree with '..' (--base)": (git_tree_escaping, "4, nothing written outside"),
    "node with status.addresses a string": (malformed_node, "2, node scenarios unverifiable"),
    "impossible date 2021-13-45": (impossible_date, "2 naming file and line"),
    "non-UTF-8 bytes": (not_utf8, "2 naming the file"),
    "JSON nested 50,000 deep": (deep_json, "2 naming the file"),
    "lone surrogate + ESC/BEL + <script> in names": (lone_surrogate_in_a_name, "1, shown inert, no raw byte"),
    "snapshot file -> /dev/zero": (device_as_snapshot_file, "2, bounded"),
    "manifest that is a device (like /dev/zero)": (device_as_manifest, "2, bounded"),
    "manifest symlink to /etc/passwd": (symlink_out_of_the_repository, "0, not read, noted"),
    "rich markup and <script> in a cluster name": (markup_in_cluster_name, "0, shown as text, escaped in md"),
    "reports on a full disk": (reports_on_a_full_disk, "4, ledger intact, no partial"),
    "capture on a full disk": (capture_on_a_full_disk, "4, no snapshot, no partial"),
    "report dir read-only": (ledger_on_a_read_only_disk, "4, ledger intact"),
    "stdout is /dev/full": (stdout_on_a_full_disk, "2, one line"),
    "ledger with an impossible time": (damaged_ledger, "4 naming the field"),
    "waiver expiring 2021-13-45": (waiver_impossible_date, "4 naming file and line"),
    "inventory -> /dev/zero": (inventory_is_a_device, "4, bounded"),
}


# -- running them ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> TLSFiles:
    pytest.importorskip("trustme", reason="trustme makes the test certificates: pip install -e '.[test]'")
    return make_certificates(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def servers(tls: TLSFiles) -> Iterator[tuple[FakeKubeAPI, FakeKubeAPI, FakeKubeAPI]]:
    with (
        FakeKubeAPI(tiny_cluster(), token=TOKEN) as fake,
        FakeKubeAPI(tiny_cluster(), tls=tls.demanding_client_cert(), token=None) as mtls,
        FakeKubeAPI(tiny_cluster(), token=None) as other,
    ):
        yield fake, mtls, other


@pytest.fixture(scope="module")
def proxy() -> Iterator[AuthProxy]:
    with AuthProxy("proxyuser", PROXY_PASSWORD) as running:
        yield running


@pytest.mark.parametrize("name", list(CASES))
def test_fault(
    name: str,
    servers: tuple[FakeKubeAPI, FakeKubeAPI, FakeKubeAPI],
    tls: TLSFiles,
    proxy: AuthProxy,
    tmp_path: Path,
) -> None:
    fake, mtls, other = servers
    for server in servers:
        server.reset(tiny_cluster())
    world = World(tmp_path).make()
    make, expected = CASES[name]
    try:
        run = make(Ctx(world, fake, mtls, other, tls, proxy))
        seen = run_ukic(
            world, run.argv, timeout=run.seconds, interrupt=run.interrupt, stdout_path=run.stdout_path, path=run.path
        )
        judge(name, expected, run, seen, world, servers, tls)
    finally:
        mounted = tmp_path / "mounted"
        if mounted.exists():
            subprocess.run([shutil.which("umount") or "/usr/bin/umount", "-l", mounted.read_text()], check=False)


def judge(
    name: str, expected: str, run: Run, seen: Observed, world: World, servers: tuple[FakeKubeAPI, ...], tls: TLSFiles
) -> None:
    """Everything every case must show, then the case's own check."""
    other = servers[2]
    secrets = [TOKEN.encode(), PROXY_PASSWORD.encode(), URL_PASSWORD.encode(), SECRET_VALUE.encode()]
    secrets += [line for line in tls.client_key.read_bytes().splitlines() if len(line) > 20]
    search_secrets(world, seen, secrets)
    lines = seen.stderr.splitlines()
    last = lines[-1].replace(str(world.root), "…") if lines else "(no stderr)"  # the case's folder, shortened
    observed = f"{seen.code}, {seen.seconds:.1f} s: {last[:140]}"
    TABLE.append((name, expected, observed))

    assert seen.code == run.code, seen.stderr
    assert "Traceback" not in seen.stdout + seen.stderr
    if run.line is None:
        assert seen.stderr == ""
    else:
        if not run.audit:
            assert len(lines) == 1, seen.stderr
        assert lines and re.fullmatch(run.line + ".*", lines[-1]), seen.stderr
    assert seen.secrets_found == [], seen.secrets_found
    assert seen.tmp_left == [], seen.tmp_left
    assert not other.requests, other.requests
    assert all(r.method == "GET" for s in servers for r in s.requests)
    if run.check is not None:
        run.check(seen)


def pytest_sessionfinish_table(path: str) -> None:
    lines = ["| case | expected | observed |", "|---|---|---|"]
    lines += [f"| {name} | {expected} | {observed.replace('|', '/')} |" for name, expected, observed in TABLE]
    Path(path).write_text("\n".join(lines) + "\n")


@pytest.fixture(scope="module", autouse=True)
def _table() -> Iterator[None]:
    yield
    if os.environ.get("UKIC_FAULT_TABLE"):
        pytest_sessionfinish_table(os.environ["UKIC_FAULT_TABLE"])
