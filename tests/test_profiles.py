"""Profiles as data: the bundled versions, extends merging, digests, every error, and `ukic profiles`."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ukic import paths
from ukic.cli import main
from ukic.errors import UsageError
from ukic.profiles import (
    diff_profiles,
    list_profiles,
    load_cluster_types,
    load_components,
    load_profile,
    resolve,
    select,
)
from ukic.profiles.model import as_data
from ukic.resources import BY_KEY
from ukic.yamlio import dump, load_text

VERSIONS = ["v1", "v2", "v3", "v4", "v5"]
V1_REQUIRE = ["calico", "secret-generator", "certbot", "rook-operator", "flux"]
V2_REQUIRE = ["calico", "secret-generator", "certbot", "rook-operator", "argocd", "argo-workflows"]
COMPONENT_NAMES = {
    "calico",
    "flux",
    "argocd",
    "argo-workflows",
    "secret-generator",
    "certbot",
    "rook-operator",
    "tigera-operator",
    "calicoctl",
    "cert-manager",  # in no bundled profile: for versions after v5 (tests/profiles-v6)
}


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the bundled profiles at ./profiles, so error messages read 'profiles/<file>'."""
    copy = tmp_path / "profiles"
    shutil.copytree(paths.profiles_dir(), copy)
    monkeypatch.chdir(tmp_path)
    return copy


def edit(path: Path, change) -> None:
    """Load a YAML file, let ``change`` modify the data, write it back."""
    data = load_text(path.read_text(), path.name)
    change(data)
    path.write_text(dump(data))


def usage_error(call, *args, **kwargs) -> str:
    with pytest.raises(UsageError) as caught:
        call(*args, **kwargs)
    return caught.value.message


# --- the bundled versions ---------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_each_version_extends_the_one_before(version: str) -> None:
    index = VERSIONS.index(version)
    resolved = resolve(version)
    assert resolved.chain == VERSIONS[: index + 1]
    assert resolved.profile.version == version
    assert resolved.profile.extends == (VERSIONS[index - 1] if index else None)


@pytest.mark.parametrize(
    ("version", "released", "require", "forbid", "rook_operator", "rook_cluster", "calico"),
    [
        ("v1", "2021-01", V1_REQUIRE, [], "manifests", "manifests", "any"),
        ("v2", "2021-05", V2_REQUIRE, ["flux"], "manifests", "manifests", "any"),
        ("v3", "2021-07", V2_REQUIRE, ["flux"], "argocd-helm", "argocd-helm", "any"),
        ("v4", "2021-09", V2_REQUIRE, ["flux"], "helm", "manifests", "any"),
        (
            "v5",
            "2021-10",
            [*V2_REQUIRE, "tigera-operator", "calicoctl"],
            ["flux"],
            "helm",
            "manifests",
            "tigera-operator",
        ),
    ],
)
def test_merged_rules_of_each_version(version, released, require, forbid, rook_operator, rook_cluster, calico) -> None:
    profile = load_profile(version)
    assert profile.released == released
    assert profile.components.require == require
    assert profile.components.forbid == forbid
    assert (profile.install.rook_operator, profile.install.rook_cluster) == (rook_operator, rook_cluster)
    assert profile.install.calico == calico


def test_v2_forbids_flux_and_no_longer_requires_it() -> None:
    v2 = load_profile("v2")
    assert "flux" in v2.components.forbid
    assert "flux" not in v2.components.require


def test_network_bgp_and_storage_are_inherited_unchanged_to_v5() -> None:
    v1, v5 = load_profile("v1"), load_profile("v5")
    assert v5.network == v1.network
    assert (v5.network.ip_family, v5.network.overlay) == ("IPv6", False)
    assert v5.bgp == v1.bgp
    assert all(as_data(v5.bgp).values())
    assert [(c.purpose, c.provisioner, c.access_mode) for c in v5.storage.classes] == [
        ("rbd", "rook-ceph.rbd.csi.ceph.com", "ReadWriteOnce"),
        ("cephfs", "rook-ceph.cephfs.csi.ceph.com", "ReadWriteMany"),
    ]


def test_metadata_is_each_files_own() -> None:
    v4, v5 = load_profile("v4"), load_profile("v5")
    assert v5.title.endswith("v5")
    assert v5.notes[0].lower().startswith("inferred")  # its own notes first, unmarked
    assert f"v4: {v4.notes[0]}" in v5.notes  # the parent's own note, marked with its version
    assert any(n.startswith("v1: ungleich-certbot") for n in v5.notes)  # v1's note reaches every later version
    assert load_profile("v1").extends is None


def test_list_profiles_is_in_version_order() -> None:
    assert [p.version for p in list_profiles()] == VERSIONS


def test_cluster_types_state_the_manual_table() -> None:
    types = load_cluster_types()
    assert sorted(types) == ["development", "production"]
    dev, prod = types["development"], types["production"]
    assert (dev.min_nodes, dev.min_control_plane, dev.min_schedulable_workers) == (3, 1, 3)
    assert (dev.recommended_nodes, dev.recommended_control_plane, dev.recommended_schedulable_workers) == (
        4,
        1,
        3,
    )
    assert (dev.control_plane_separation, dev.storage_monitors) == ("optional", 3)
    assert (prod.min_nodes, prod.min_control_plane, prod.min_schedulable_workers) == (5, 3, 3)
    assert (
        prod.recommended_nodes,
        prod.recommended_control_plane,
        prod.recommended_schedulable_workers,
    ) == (8, 3, 5)
    assert (prod.control_plane_separation, prod.storage_monitors) == ("recommended", 5)
    assert dev.name == "development" and prod.name == "production"


def test_component_catalogue() -> None:
    components = load_components()
    assert set(components) == COMPONENT_NAMES
    for name, component in components.items():
        assert component.workloads or component.images, name
        assert all(key in BY_KEY for key in component.resources), name
    flux = components["flux"]
    assert {(w.kind, w.name, w.namespace) for w in flux.workloads} == {
        ("Deployment", n, "flux-system")
        for n in ("source-controller", "kustomize-controller", "helm-controller", "notification-controller")
    }
    assert "kustomizations.kustomize.toolkit.fluxcd.io" in flux.resources
    # argoproj.io is shared with Argo Workflows: it must not count as Argo CD left-overs
    assert "argoproj.io" not in components["argocd"].crd_groups
    assert ("StatefulSet", "argocd-application-controller", "argocd") in {
        (w.kind, w.name, w.namespace) for w in components["argocd"].workloads
    }
    assert components["calico"].workloads[0].namespace is None  # any namespace
    assert components["certbot"].images == ["ungleich/ungleich-certbot"]
    assert components["calicoctl"].images == ["calico/ctl"]
    assert [(w.kind, w.name, w.namespace) for w in components["calicoctl"].workloads] == [
        ("Pod", "calicoctl", "kube-system")
    ]


def test_select_combines_profile_type_and_catalogue() -> None:
    selection = select("v5", "production")
    assert selection.chain == VERSIONS
    assert selection.profile.version == "v5"
    assert selection.cluster_type.name == "production"
    assert set(selection.components) == COMPONENT_NAMES
    assert list(selection.required) == selection.profile.components.require
    assert list(selection.forbidden) == ["flux"]
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", selection.digest)


# --- digest -------------------------------------------------------------------------------


def test_digest_is_stable(folder: Path) -> None:
    first = select("v4", "development", folder).digest
    assert select("v4", "development", folder).digest == first
    assert select("v4", "development").digest == first  # the copy holds the same rules
    (folder / "v3.yaml").write_text((folder / "v3.yaml").read_text() + "\n# a comment changes no rule\n")
    assert select("v4", "development", folder).digest == first


def test_digest_changes_when_a_rule_changes(folder: Path) -> None:
    before = select("v5", "production", folder).digest
    edit(folder / "v4.yaml", lambda d: d["install"].update(rook_cluster="helm"))
    after = select("v5", "production", folder).digest
    assert after != before
    assert load_profile("v5", folder).install.rook_cluster == "helm"


def test_digest_covers_cluster_type_and_catalogue(folder: Path) -> None:
    dev, prod = select("v5", "development", folder).digest, select("v5", "production", folder).digest
    assert dev != prod
    edit(folder / "cluster-types.yaml", lambda d: d["production"].update(storage_monitors=7))
    assert select("v5", "production", folder).digest != prod
    edit(folder / "components.yaml", lambda d: d["calico"].update(title="Calico"))
    assert select("v5", "development", folder).digest != dev


# --- merging ------------------------------------------------------------------------------


def test_child_require_lifts_an_inherited_forbid(folder: Path) -> None:
    (folder / "v6.yaml").write_text(
        'version: v6\ntitle: six\nreleased: "2022-01"\nextends: v5\n'
        "components:\n  require: [flux]\n  forbid: [argocd]\n"
    )
    v6 = load_profile("v6", folder)
    assert "flux" in v6.components.require and "flux" not in v6.components.forbid
    assert "argocd" in v6.components.forbid and "argocd" not in v6.components.require


def test_mappings_merge_and_lists_replace(folder: Path) -> None:
    (folder / "v6.yaml").write_text(
        'version: v6\ntitle: six\nreleased: "2022-01"\nextends: v5\n'
        "bgp:\n  private_asn: false\n"
        "storage:\n  classes:\n"
        "    - {purpose: rbd, provisioner: rook-ceph.rbd.csi.ceph.com, access_mode: ReadWriteOnce}\n"
    )
    v6 = load_profile("v6", folder)
    assert v6.bgp.private_asn is False
    assert v6.bgp.node_to_node_mesh and v6.bgp.keep_original_next_hop  # the rest of the mapping stays
    assert [c.purpose for c in v6.storage.classes] == ["rbd"]  # the list is replaced, not appended to
    assert v6.notes and all(n[:4] in {"v5: ", "v4: ", "v3: ", "v2: ", "v1: "} for n in v6.notes)  # inherited, marked


def test_a_new_version_is_just_a_new_file(folder: Path) -> None:
    (folder / "v6.yaml").write_text(
        "# what v6 changes\n"
        'version: v6\ntitle: ungleich kubernetes infrastructure v6\nreleased: "2022-03"\nextends: v5\n'
        "install:\n  rook_cluster: helm\n"
    )
    assert [p.version for p in list_profiles(folder)] == [*VERSIONS, "v6"]
    selection = select("v6", "production", folder)
    assert selection.chain == [*VERSIONS, "v6"]
    assert selection.profile.install.calico == "tigera-operator"  # inherited from v5
    assert [tuple(c) for c in diff_profiles("v5", "v6", folder)] == [("install.rook_cluster", "manifests", "helm")]


def test_versions_sort_naturally(folder: Path) -> None:
    for n in (6, 7, 8, 9, 10):
        (folder / f"v{n}.yaml").write_text(f'version: v{n}\ntitle: v{n}\nreleased: "2022-01"\nextends: v{n - 1}\n')
    assert [p.version for p in list_profiles(folder)][-2:] == ["v9", "v10"]
    assert resolve("v10", folder).chain[-2:] == ["v9", "v10"]


# --- diff ---------------------------------------------------------------------------------


def test_diff_v3_v4_is_the_rook_install_change_only() -> None:
    assert [tuple(c) for c in diff_profiles("v3", "v4")] == [
        ("install.rook_operator", "argocd-helm", "helm"),
        ("install.rook_cluster", "argocd-helm", "manifests"),
    ]


def test_diff_v1_v2_swaps_flux_for_argo() -> None:
    assert [tuple(c) for c in diff_profiles("v1", "v2")] == [
        ("components.require", V1_REQUIRE, V2_REQUIRE),
        ("components.forbid", [], ["flux"]),
        ("install.helm_charts", "flux", "argocd"),  # Flux HelmReleases give way to ArgoCD's helm templates
    ]


def test_diff_leaves_out_metadata_and_same_version_is_empty() -> None:
    assert diff_profiles("v4", "v4") == []
    paths_changed = {c.path for c in diff_profiles("v1", "v5")}
    assert not paths_changed & {"version", "title", "released", "extends", "notes"}


# --- errors -------------------------------------------------------------------------------


def test_typo_is_reported_in_the_file_where_it_is(folder: Path) -> None:
    edit(folder / "v3.yaml", lambda d: d["install"].update(rook_opertor="helm"))
    assert usage_error(load_profile, "v5", folder) == "profiles/v3.yaml: unknown key 'install.rook_opertor'"


def test_unknown_top_level_and_nested_list_keys(folder: Path) -> None:
    edit(folder / "v2.yaml", lambda d: d.update(component={"require": []}))
    assert usage_error(load_profile, "v2", folder) == "profiles/v2.yaml: unknown key 'component'"
    edit(folder / "v2.yaml", lambda d: d.pop("component"))
    edit(folder / "v1.yaml", lambda d: d["storage"]["classes"][1].update(provisionr="x"))
    assert usage_error(load_profile, "v2", folder) == ("profiles/v1.yaml: unknown key 'storage.classes[1].provisionr'")


def test_extends_a_missing_version(folder: Path) -> None:
    edit(folder / "v2.yaml", lambda d: d.update(extends="v9"))
    assert usage_error(load_profile, "v4", folder) == (
        "profiles/v2.yaml: extends 'v9' but there is no profiles/v9.yaml"
    )


def test_extends_a_catalogue_file(folder: Path) -> None:
    edit(folder / "v2.yaml", lambda d: d.update(extends="components"))
    assert usage_error(load_profile, "v2", folder) == (
        "profiles/v2.yaml: extends 'components', but components.yaml is not a profile"
    )


def test_extends_cycle(folder: Path) -> None:
    edit(folder / "v1.yaml", lambda d: d.update(extends="v2"))
    assert usage_error(load_profile, "v1", folder) == "profiles/v1.yaml: extends cycle v1 -> v2 -> v1"
    assert usage_error(load_profile, "v3", folder) == "profiles/v2.yaml: extends cycle v2 -> v1 -> v2"


def test_extends_itself(folder: Path) -> None:
    edit(folder / "v3.yaml", lambda d: d.update(extends="v3"))
    assert usage_error(load_profile, "v3", folder) == "profiles/v3.yaml: extends cycle v3 -> v3"


def test_unknown_version() -> None:
    message = usage_error(load_profile, "v7")
    assert message == "unknown infrastructure version 'v7' (known: v1, v2, v3, v4, v5)"
    assert usage_error(select, "v7", "production") == message


def test_unknown_cluster_type() -> None:
    assert usage_error(select, "v5", "staging") == ("unknown cluster type 'staging' (known: development, production)")


def test_required_component_not_in_catalogue(folder: Path) -> None:
    edit(folder / "v2.yaml", lambda d: d["components"].update(require=["argocd", "argo-workflow"]))
    assert usage_error(select, "v5", "production", folder) == (
        "profiles/v2.yaml: components.require names 'argo-workflow', which profiles/components.yaml "
        "does not define (known: argo-workflows, argocd, calico, calicoctl, cert-manager, certbot, flux, "
        "rook-operator, secret-generator, tigera-operator)"
    )


def test_forbidden_component_not_in_catalogue(folder: Path) -> None:
    edit(folder / "v2.yaml", lambda d: d["components"].update(forbid=["fluxv2"]))
    assert usage_error(load_profile, "v2", folder).startswith(
        "profiles/v2.yaml: components.forbid names 'fluxv2', which profiles/components.yaml does not define"
    )


def test_malformed_yaml(folder: Path) -> None:
    (folder / "v4.yaml").write_text("version: v4\ninstall: [helm\n")
    message = usage_error(load_profile, "v5", folder)
    assert message.startswith("profiles/v4.yaml: not valid YAML (line ")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "profiles/v4.yaml: the file is empty"),
        ("- v4\n", "profiles/v4.yaml: expected a mapping of keys at the top level, got a list"),
    ],
)
def test_file_that_is_not_a_mapping(folder: Path, text: str, message: str) -> None:
    (folder / "v4.yaml").write_text(text)
    assert usage_error(load_profile, "v4", folder) == message


def test_wrong_value_names_file_key_and_value(folder: Path) -> None:
    edit(folder / "v4.yaml", lambda d: d["install"].update(rook_operator="helmm"))
    assert usage_error(load_profile, "v5", folder) == (
        "profiles/v4.yaml: install.rook_operator: Input should be 'manifests', 'helm' or 'argocd-helm' (got 'helmm')"
    )


@pytest.mark.parametrize(
    ("section", "key"),
    [("install", "rook_cluster"), ("install", "calico"), ("network", "overlay"), ("bgp", "keep_original_next_hop")],
)
def test_missing_rule_in_the_root(folder: Path, section: str, key: str) -> None:
    """No rule has a default in the code: its one home is the profile, so leaving it out is an error."""
    edit(folder / "v1.yaml", lambda d: d[section].pop(key))
    assert usage_error(load_profile, "v5", folder) == f"profiles/v1.yaml: missing key '{section}.{key}'"


def test_each_file_states_its_own_metadata(folder: Path) -> None:
    edit(folder / "v3.yaml", lambda d: d.pop("title"))
    assert usage_error(load_profile, "v4", folder) == "profiles/v3.yaml: missing key 'title'"


def test_released_must_be_a_month(folder: Path) -> None:
    edit(folder / "v3.yaml", lambda d: d.update(released="2021-13"))
    assert usage_error(load_profile, "v3", folder).startswith("profiles/v3.yaml: released: String should match")


def test_version_must_match_file_name(folder: Path) -> None:
    edit(folder / "v3.yaml", lambda d: d.update(version="v4"))
    assert usage_error(load_profile, "v3", folder) == (
        "profiles/v3.yaml: version 'v4' does not match the file name (expected 'v3')"
    )


def test_require_and_forbid_the_same_component(folder: Path) -> None:
    edit(folder / "v3.yaml", lambda d: d.update(components={"require": ["flux"], "forbid": ["flux"]}))
    assert usage_error(load_profile, "v3", folder) == (
        "profiles/v3.yaml: components.require and components.forbid both name 'flux'"
    )


def test_a_name_listed_twice(folder: Path) -> None:
    edit(folder / "v3.yaml", lambda d: d.update(components={"require": ["calicoctl", "calicoctl"]}))
    assert usage_error(load_profile, "v3", folder) == (
        "profiles/v3.yaml: components: require lists calicoctl more than once"
    )


def test_component_catalogue_errors(folder: Path) -> None:
    edit(folder / "components.yaml", lambda d: d["flux"].update(workload=[]))
    assert usage_error(load_components, folder) == "profiles/components.yaml: unknown key 'flux.workload'"
    edit(folder / "components.yaml", lambda d: d["flux"].pop("workload"))
    edit(folder / "components.yaml", lambda d: d["flux"].update(resources=["buckets.source.toolkit.fluxcd.io"]))
    assert usage_error(load_components, folder) == (
        "profiles/components.yaml: flux.resources: ukic does not read resource 'buckets.source.toolkit.fluxcd.io'"
    )
    edit(folder / "components.yaml", lambda d: d["flux"].pop("resources"))
    edit(folder / "components.yaml", lambda d: d.update(certbot={"title": "certbot", "install": "i", "remove": "r"}))
    assert usage_error(load_components, folder) == (
        "profiles/components.yaml: certbot: a component needs workloads or images, else it can never be seen running"
    )
    edit(folder / "components.yaml", lambda d: d.update(certbot={"title": "certbot", "images": ["x"], "remove": "r"}))
    assert usage_error(load_components, folder) == "profiles/components.yaml: missing key 'certbot.install'"


def test_cluster_type_errors(folder: Path) -> None:
    edit(folder / "cluster-types.yaml", lambda d: d["production"].update(recommended_nodes=4))
    assert usage_error(load_cluster_types, folder) == (
        "profiles/cluster-types.yaml: production: recommended_nodes (4) is below min_nodes (5)"
    )
    edit(
        folder / "cluster-types.yaml",
        lambda d: d["production"].update(recommended_nodes=8, storage_monitor=5),
    )
    assert usage_error(load_cluster_types, folder) == (
        "profiles/cluster-types.yaml: unknown key 'production.storage_monitor'"
    )


def test_missing_catalogue_file(folder: Path) -> None:
    (folder / "cluster-types.yaml").unlink()
    assert usage_error(select, "v5", "production", folder) == "profiles/cluster-types.yaml: file not found"


def test_missing_profiles_folder(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    assert usage_error(list_profiles, missing) == f"profiles folder {missing} does not exist"


# --- the command line ---------------------------------------------------------------------


def test_cli_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["profiles", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["VERSION", "RELEASED", "EXTENDS", "TITLE"]
    assert [line.split()[:3] for line in lines[1:]] == [
        ["v1", "2021-01", "-"],
        ["v2", "2021-05", "v1"],
        ["v3", "2021-07", "v2"],
        ["v4", "2021-09", "v3"],
        ["v5", "2021-10", "v4"],
    ]
    assert lines[5].endswith("ungleich kubernetes infrastructure v5")


def test_cli_show_yaml(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["profiles", "show", "v4"]) == 0
    shown = load_text(capsys.readouterr().out, "show.yaml")
    assert shown["chain"] == ["v1", "v2", "v3", "v4"]
    assert shown["profile"]["install"] == {
        "rook_operator": "helm",
        "rook_cluster": "manifests",
        "calico": "any",
        "helm_charts": "argocd",
    }
    assert shown["profile_digest"].startswith("sha256:")
    assert "cluster_type" not in shown and "digest" not in shown


def test_cli_show_with_type_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["profiles", "show", "v4", "--type", "production", "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["digest"] == select("v4", "production").digest
    assert shown["cluster_type"]["storage_monitors"] == 5
    assert shown["profile"]["components"]["forbid"] == ["flux"]


def test_cli_diff_v3_v4(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["profiles", "diff", "v3", "v4"]) == 0
    assert capsys.readouterr().out == (
        "install.rook_operator: argocd-helm -> helm\ninstall.rook_cluster: argocd-helm -> manifests\n"
    )


def test_cli_diff_lists_added_and_removed_names(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["profiles", "diff", "v4", "v5"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith("(+tigera-operator, +calicoctl)")
    assert out[1] == "install.calico: any -> tigera-operator"


def test_cli_unknown_version_exits_4(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["profiles", "show", "v7"]) == 4
    captured = capsys.readouterr()
    assert captured.err == "ukic: unknown infrastructure version 'v7' (known: v1, v2, v3, v4, v5)\n"
    assert captured.out == ""


def test_cli_unknown_type_exits_4(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["profiles", "show", "v4", "--type", "staging"]) == 4
    assert "unknown cluster type 'staging'" in capsys.readouterr().err


def test_cli_profiles_dir(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(folder / "v3.yaml", lambda d: d["install"].update(rook_opertor="helm"))
    assert main(["profiles", "diff", "v3", "v4", "--profiles-dir", "profiles"]) == 4
    captured = capsys.readouterr()
    assert captured.err == "ukic: profiles/v3.yaml: unknown key 'install.rook_opertor'\n"
    assert "Traceback" not in captured.err
    edit(folder / "v3.yaml", lambda d: d["install"].pop("rook_opertor"))
    (folder / "v6.yaml").write_text('version: v6\ntitle: six\nreleased: "2022-01"\nextends: v5\n')
    assert main(["profiles", "list", "--profiles-dir", str(folder)]) == 0
    assert capsys.readouterr().out.splitlines()[-1].split()[:3] == ["v6", "2022-01", "v5"]


def test_cli_without_action_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["profiles"])
    assert exited.value.code == 4
    assert "ACTION" in capsys.readouterr().err


def test_command_module_imports_no_heavy_packages() -> None:
    code = (
        "import sys, ukic.commands.profiles\n"
        "heavy = ('pydantic', 'yaml', 'kubernetes', 'pytest', 'ukic.profiles')\n"
        "print(','.join(m for m in heavy if m in sys.modules))"
    )
    root = Path(__file__).resolve().parents[1]
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    out = run.stdout
    assert out.strip() == ""
