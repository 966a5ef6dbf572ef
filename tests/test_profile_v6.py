"""A new infrastructure version is a new profile file: tests/profiles-v6/v6.yaml, no code change.

v6 extends v5, requires cert-manager (which only profiles/components.yaml describes), forbids
Argo CD and allows a public AS number (bgp.private_asn: false).
"""

from __future__ import annotations

import shutil
from functools import cache
from pathlib import Path

import pytest

from ukic import paths
from ukic.cli import main
from ukic.errors import UsageError
from ukic.outcome import Outcome
from ukic.profiles import select
from ukic.result import RunResult
from ukic.run import VerifyRequest, verify
from ukic.sources.snapshot import SnapshotSource

V6 = Path(__file__).resolve().parent / "profiles-v6"


@cache
def _run(sample: str, version: str) -> RunResult:
    folder = V6 if version == "v6" else None
    return verify(
        VerifyRequest(SnapshotSource(paths.samples_dir() / sample), version, "production", profiles_dir=folder)
    )


def outcomes(result: RunResult) -> dict[str, Outcome]:
    return {s.id: s.outcome for s in result.scenarios}


def test_the_conforming_v5_sample_is_not_conformant_as_v6_failing_on_both_components() -> None:
    v5, v6 = outcomes(_run("v5-production", "v5")), outcomes(_run("v5-production", "v6"))
    result = _run("v5-production", "v6")
    assert result.exit_code == 1
    failed = {s.id: s.reason for s in result.scenarios if s.outcome is Outcome.FAILED}
    assert set(failed) == {"components.cert-manager-runs", "components.argocd-gone"}
    assert "cert-manager (Jetstack): no Deployment cert-manager/cert-manager" in failed["components.cert-manager-runs"]
    # what still runs first (its workloads), then the Applications it would sync
    assert failed["components.argocd-gone"].startswith("Argo CD left over: Deployment argocd/argocd-dex-server;")
    assert failed["components.argocd-gone"].endswith("StatefulSet argocd/argocd-application-controller; and 1 more")
    # Every other verdict is v5's; argocd is no longer required, and the AS number rule is off.
    assert v6.pop("bgp.private-asn") is Outcome.NOT_APPLICABLE and v5.pop("bgp.private-asn") is Outcome.PASSED
    assert v5.pop("components.argocd-runs") is Outcome.PASSED
    assert {k: v for k, v in v6.items() if k not in failed} == v5


def test_a_public_as_number_does_not_fail_as_v6() -> None:
    v5, v6 = _run("broken-public-asn", "v5"), _run("broken-public-asn", "v6")
    assert outcomes(v5)["bgp.private-asn"] is Outcome.FAILED
    (asn,) = [s for s in v6.scenarios if s.id == "bgp.private-asn"]
    assert (asn.outcome, asn.reason) == (Outcome.NOT_APPLICABLE, "profile v6 sets bgp.private_asn: false")
    assert not asn.steps[0].ran or asn.steps[0].outcome is Outcome.NOT_APPLICABLE


def test_v6_states_only_its_changes_and_its_notes_reach_the_reports(tmp_path: Path, capsys) -> None:
    selection = select("v6", "production", V6)
    assert selection.chain == ["v1", "v2", "v3", "v4", "v5", "v6"]
    assert "cert-manager" in selection.profile.components.require
    assert "argocd" in selection.profile.components.forbid and "argocd" not in selection.profile.components.require
    code = main(["verify", "--profiles-dir", str(V6), "--version", "v6", "--report-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 1
    assert "profile note: A test profile, not in the manual" in out.splitlines()[2]


def test_a_required_component_without_a_catalogue_entry_is_one_line_at_profile_load(tmp_path: Path) -> None:
    folder = tmp_path / "profiles"
    shutil.copytree(V6, folder)
    text = (folder / "v6.yaml").read_text()
    (folder / "v6.yaml").write_text(text.replace("- cert-manager  #", "- external-dns  #"))
    with pytest.raises(UsageError) as caught:
        select("v6", "production", folder)
    assert caught.value.exit_code == 4
    assert "v6.yaml: components.require names 'external-dns', which" in caught.value.message
    assert "components.yaml does not define" in caught.value.message
