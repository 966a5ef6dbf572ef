"""One home per rule: the profile states it, the feature names it, steps/profile.py alone reads it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from ukic import paths
from ukic.feature_index import load_features
from ukic.profiles import select
from ukic.profiles.rules import Rules, rule_examples, rule_keys, rule_value

CHECKOUT = Path(__file__).resolve().parent.parent
STEPS = CHECKOUT / "steps"
RULE_READER = STEPS / "profile.py"


def named_rules() -> set[str]:
    return {key for spec in load_features(paths.features_dir()) for key in spec.rules}


def test_every_profile_and_cluster_type_field_is_named_by_a_profile_rule_line() -> None:
    assert set(rule_keys()) - named_rules() == set(), "a knob that no scenario reads"


def test_every_named_rule_is_a_model_field() -> None:
    assert named_rules() - set(rule_keys()) == set()


def test_rule_keys_cover_both_models_without_metadata() -> None:
    keys = rule_keys()
    assert "bgp.keep_original_next_hop" in keys and "cluster_type.storage_monitors" in keys
    assert not {"version", "title", "notes", "extends", "released", "cluster_type.name", "cluster_type.title"} & set(
        keys
    )


def test_rule_values_and_examples_come_from_the_selection() -> None:
    selection = select("v5", "production")
    assert rule_value(selection, "bgp.keep_original_next_hop") is True
    assert rule_value(selection, "install.rook_operator") == "helm"
    assert rule_value(selection, "cluster_type.storage_monitors") == 5
    assert rule_examples(selection, "storage.classes", "purpose") == ["rbd", "cephfs"]
    assert rule_examples(selection, "components.forbid", "component") == ["flux"]
    with pytest.raises(KeyError, match="no rule"):
        rule_value(selection, "bgp.nope")


def test_a_check_step_cannot_read_a_rule_its_scenario_did_not_name() -> None:
    rules = Rules()
    rules.add("cluster_type.min_nodes", 5, "production")
    assert rules["cluster_type.min_nodes"] == 5 and rules.owner("cluster_type.min_nodes") == "production"
    with pytest.raises(KeyError, match=r'has no step `Given the profile rule "cluster_type\.min_control_plane"`'):
        rules["cluster_type.min_control_plane"]


def _module_text(path: Path) -> str:
    """The code of a module without its docstrings and comments."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        first = body[0] if isinstance(body, list) and body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
            body.pop(0)
    return ast.unparse(tree)


@pytest.mark.parametrize("module", sorted(p.name for p in STEPS.glob("*.py") if p != RULE_READER))
def test_check_steps_only_check_and_never_read_the_selection(module: str) -> None:
    code = _module_text(STEPS / module)
    assert not re.search(r"\bselection\b|\bprofile\.(bgp|network|install|components|storage)\b", code)


def test_every_rule_a_step_reads_is_a_model_field() -> None:
    keys = set(rule_keys())
    literals = {
        node.value
        for path in STEPS.glob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    rule_like = re.compile(r"(cluster_type|bgp|network|install|storage)\.[a-z_]*[a-z]")
    dotted = {text for text in literals if rule_like.fullmatch(text)}
    assert dotted and dotted <= keys
