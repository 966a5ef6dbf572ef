"""The one step module that reads the selected profile and cluster type.

A scenario names each rule it checks (`Given the profile rule "bgp.private_asn"`). A rule that
is false or absent makes the scenario not applicable, with a reason naming the key; otherwise
its value goes into the scenario's ``rules`` for the check steps, which only check.
"""

from __future__ import annotations

from typing import Any

from pytest_bdd import given, parsers

from ukic.outcome import NotApplicable
from ukic.profiles.model import Component, StorageClassRule
from ukic.profiles.rules import Rules, rule_owner, rule_value, shown
from ukic.run_context import UkicRun

KEY = r'the profile rule "(?P<key>[^"]+)"'


def _owner(run: UkicRun, key: str) -> str:
    return " ".join(rule_owner(run.selection, key))


def _applicable(run: UkicRun, key: str) -> Any:
    value = rule_value(run.selection, key)
    if value is None or value is False:
        raise NotApplicable(f"{_owner(run, key)} sets {key}: {shown(value)}")
    return value


@given(parsers.re(f"{KEY}$"), target_fixture="rules")
def profile_rule(ukic_run: UkicRun, rules: Rules, key: str) -> Rules:
    rules.add(key, _applicable(ukic_run, key), rule_owner(ukic_run.selection, key)[1])
    return rules


@given(parsers.re(f'{KEY} is "(?P<wanted>[^"]+)"$'), target_fixture="rules")
def profile_rule_is(ukic_run: UkicRun, rules: Rules, key: str, wanted: str) -> Rules:
    value = rule_value(ukic_run.selection, key)
    if shown(value) != wanted:
        raise NotApplicable(f"{_owner(ukic_run, key)} sets {key}: {shown(value)}, not {wanted}")
    rules.add(key, value, rule_owner(ukic_run.selection, key)[1])
    return rules


@given(parsers.re(f"{KEY} names the component <component>$"), target_fixture="component")
def named_component(ukic_run: UkicRun, ukic_example: dict[str, str], key: str) -> Component:
    name = ukic_example["component"]
    if name not in _applicable(ukic_run, key):
        raise NotApplicable(f"{_owner(ukic_run, key)} does not name {name} in {key}")
    # The loader already refused a profile naming a component that components.yaml does not describe.
    return ukic_run.selection.components[name]


@given(parsers.re(f"{KEY} names the <purpose> storage class$"), target_fixture="storage_rule")
def named_storage_class(ukic_run: UkicRun, ukic_example: dict[str, str], key: str) -> StorageClassRule:
    purpose = ukic_example["purpose"]
    for rule in _applicable(ukic_run, key):
        if rule.purpose == purpose:
            return rule
    raise NotApplicable(f"{_owner(ukic_run, key)} names no {purpose} class in {key}")
