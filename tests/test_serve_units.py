"""The pure parts of `ukic serve`: durations, listen addresses, the schedule, report paths."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from ukic.errors import UsageError
from ukic.serve.schedule import Schedule, parse_duration
from ukic.serve.web import parse_listen, report_file, report_link


@pytest.mark.parametrize(
    ("text", "seconds"), [("90", 90), ("90s", 90), ("15m", 900), ("1h", 3600), ("1h30m", 5400), ("1d", 86400)]
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "1x", "h1", "0", "1h 30m", "-5m"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("[::]:9797", ("::", 9797)),
        ("[::1]:0", ("::1", 0)),
        ("127.0.0.1:80", ("127.0.0.1", 80)),
        (":9797", ("::", 9797)),
    ],
)
def test_listen_addresses(text: str, address: tuple[str, int]) -> None:
    assert parse_listen(text) == address


@pytest.mark.parametrize("text", ["9797", "[::]", "host:99999", "[::1]9797"])
def test_bad_listen_addresses(text: str) -> None:
    with pytest.raises(UsageError, match="expected HOST:PORT"):
        parse_listen(text)


def test_every_cluster_runs_at_once_then_every_interval_with_up_to_10_percent_jitter() -> None:
    schedule = Schedule(["a", "b"], interval=3600, now=0.0, rng=random.Random(7))
    assert schedule.due(0.0) == ["a", "b"]
    gaps = []
    now = 0.0
    for _ in range(200):
        schedule.started("a", now)
        gaps.append(schedule.due_at("a") - now)
        now = schedule.due_at("a")
    assert 3240 <= min(gaps) < max(gaps) <= 3960
    assert max(gaps) - min(gaps) > 360  # it really spreads
    assert schedule.due(0.0, busy=["a"]) == ["b"]


def test_a_change_is_verified_after_a_quiet_spell_but_never_later_than_the_max_delay() -> None:
    schedule = Schedule(["a"], interval=3600, now=0.0, quiet=2.0, max_delay=5.0)
    schedule.started("a", 0.0)
    schedule.changed("a", 100.0)
    assert schedule.due_at("a") == 102.0
    for t in (101.0, 102.5, 104.0):  # a steady trickle of changes
        schedule.changed("a", t)
    assert schedule.due_at("a") == 105.0  # first change + 5 s, not last change + 2 s
    assert schedule.due(104.9) == [] and schedule.due(105.0) == ["a"]
    schedule.started("a", 105.0)
    assert schedule.due_at("a") > 105.0 + 3000  # the run saw those changes: back to the interval


def test_a_change_during_a_run_makes_the_cluster_due_again_after_it() -> None:
    schedule = Schedule(["a"], interval=3600, now=0.0)
    schedule.started("a", 0.0)
    schedule.changed("a", 1.0)  # while it runs
    assert schedule.due(10.0, busy=["a"]) == []
    assert schedule.next_due(busy=["a"]) is None
    assert schedule.due(10.0) == ["a"]


def test_report_paths_stay_inside_the_report_folder(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    run = reports / "place10" / "2026-11-30T101500Z"
    run.mkdir(parents=True)
    (run / "report.html").write_text("ok")
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "report.html").write_text("no")
    (reports / "place10" / "escape").symlink_to(tmp_path / "secret")
    assert report_file(reports, "place10/2026-11-30T101500Z/report.html") == (run / "report.html").resolve()
    for bad in (
        "place10/escape/report.html",
        "place10/../../secret/report.html",
        "place10/2026-11-30T101500Z/../../ledger.json",
        "place10/2026-11-30T101500Z/other.txt",
        ".tmp-x/y/report.html",
        "place10/2026-11-30T101500Z",
    ):
        assert report_file(reports, bad) is None, bad
    assert report_link(reports, str(run / "report.html")) == "/reports/place10/2026-11-30T101500Z/report.html"
    assert report_link(reports, str(tmp_path / "secret" / "report.html")) is None


def test_a_watch_that_cannot_start_is_one_line_and_the_loop_goes_on(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The kubeconfig can go (or its exec plugin fail) between a run and the start of its watch: one line,
    no watchers, and the next run tries again, rather than the error ending `ukic serve`."""
    from types import SimpleNamespace

    from ukic.serve import loop
    from ukic.serve.board import Board
    from ukic.sources.live import WatchPoint
    from ukic.workers import ClusterOutcome, VerifyJob

    def no_client(job: VerifyJob) -> None:
        raise UsageError(f"kubeconfig {tmp_path}/gone: no such file")

    monkeypatch.setattr(loop, "_client_for", no_client)
    monkeypatch.setattr(loop, "WorkerPool", lambda kinds: None)  # no worker runs here
    job = VerifyJob("place10", "v5", "production", SimpleNamespace(kind="live"), tmp_path)  # type: ignore[arg-type]
    config = loop.ServeConfig(jobs=(job,), report_dir=tmp_path, interval=3600, listen="127.0.0.1:0", watch=True)
    said: list[str] = []
    serving = loop._Loop(config, Board(["place10"], tmp_path), said.append)
    outcome = ClusterOutcome(
        "place10", "v5", "production", 0, "conformant", watch_points={"nodes": WatchPoint("/api/v1/nodes", "7")}
    )
    serving._watch(outcome)
    assert said == [
        f"place10: cannot watch: kubeconfig {tmp_path}/gone: no such file; changes are seen at the next interval only"
    ]
    assert serving.watchers == {}  # the next run's outcome tries again


def test_an_idle_connection_to_the_web_side_is_closed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A client that connects and sends nothing must not hold a thread and a descriptor for ever."""
    import socket
    import time

    from ukic.serve import web
    from ukic.serve.board import Board

    assert web.Handler.timeout is not None and web.Handler.timeout <= 60
    monkeypatch.setattr(web.Handler, "timeout", 0.5)
    server = web.start_web(Board(["place10"], tmp_path), "127.0.0.1:0")
    try:
        with socket.create_connection(server.server_address[:2], timeout=10) as idle:
            started = time.monotonic()
            assert idle.recv(1024) == b""  # the server hung up without an answer
            assert time.monotonic() - started < 5
    finally:
        server.shutdown()
        server.server_close()
