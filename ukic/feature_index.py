"""The features as data: every scenario with its declared id, tags, steps and the profile rules it names.

Read with the Gherkin parser pytest-bdd itself uses (gherkin-official), so ids, ordering,
reports and the rule-coverage tests see the same scenarios pytest-bdd runs. The rules of
the house are checked here, each problem one line naming file and line:

- every scenario carries exactly one ``@id:area.slug`` tag, unique across the features;
- a Scenario Outline takes its Examples from the selected profile: one Examples block titled
  ``from the profile rule "<key>"`` with a header of one column and no rows (ukic fills them in
  at run time, one row per item of that list), and its id holds that column
  (``@id:components.<component>-runs``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ukic.errors import UsageError

ID_TAG = "id:"
#: ``area.slug``: lower case, the area may hold underscores (as feature tags do), slugs hyphens.
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9]+(-[a-z0-9]+)*)+$")
PLACEHOLDER = re.compile(r"<([^<>]+)>")
RULE_STEP = re.compile(r'^the profile rule "(?P<key>[^"]+)"')
GENERATED_EXAMPLES = re.compile(r'^from the profile rule "(?P<key>[^"]+)"$')


@dataclass(frozen=True)
class StepSpec:
    keyword: str  # as written: Given / When / Then / And / But
    text: str
    line: int


@dataclass(frozen=True)
class GeneratedExamples:
    """An Outline's Examples, filled at run time with one row per item of a profile list."""

    rule: str  # the profile rule (a list) the rows come from, e.g. components.require
    column: str  # the placeholder each item fills, e.g. component


@dataclass(frozen=True)
class ScenarioSpec:
    """One scenario (or outline) of a feature file, before an example is filled in."""

    id: str  # may hold the outline's placeholder: components.<component>-runs
    name: str
    feature: str  # the feature's title
    feature_file: str  # relative to the features folder
    feature_description: str
    line: int
    tags: frozenset[str]  # the feature's and the scenario's, without @id
    steps: tuple[StepSpec, ...]
    examples: GeneratedExamples | None = None

    @property
    def rules(self) -> tuple[str, ...]:
        """The profile rules this scenario names (its `the profile rule "..."` steps and Examples)."""
        named = [m["key"] for s in self.steps if (m := RULE_STEP.match(s.text))]
        if self.examples is not None:
            named.append(self.examples.rule)
        return tuple(dict.fromkeys(named))

    @property
    def stem(self) -> str:
        return Path(self.feature_file).stem

    def render(self, text: str, example: Mapping[str, str] | None) -> str:
        """``text`` with the example's values in place of its placeholders."""
        if not example:
            return text
        return PLACEHOLDER.sub(lambda m: str(example.get(m[1], m[0])), text)


def load_features(folder: Path) -> list[ScenarioSpec]:
    """Every scenario of every *.feature file in ``folder`` (sorted by file name), checked."""
    files = sorted(folder.glob("*.feature"))
    key = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    return list(_load(folder.resolve(), key))


@cache
def _load(folder: Path, _files: tuple[tuple[str, int, int], ...]) -> tuple[ScenarioSpec, ...]:
    specs = [spec for path in sorted(folder.glob("*.feature")) for spec in _read_feature(path, folder)]
    seen: dict[str, ScenarioSpec] = {}
    for spec in specs:
        first = seen.setdefault(spec.id, spec)
        if first is not spec:
            raise UsageError(
                f"{_where(spec, folder)}: id {spec.id!r} is already used by {first.feature_file}:{first.line} "
                "(ids are unique across the features)"
            )
    return tuple(specs)


def _where(spec: ScenarioSpec, folder: Path) -> str:
    return f"{folder.name}/{spec.feature_file}:{spec.line}"


def _read_feature(path: Path, folder: Path) -> Iterator[ScenarioSpec]:
    from gherkin.errors import CompositeParserException, ParserException
    from gherkin.parser import Parser

    relative = path.relative_to(folder).as_posix()
    try:
        document = Parser().parse(path.read_text(encoding="utf-8"))
    except (CompositeParserException, ParserException) as exc:
        first = str(exc).strip().splitlines()[0]
        raise UsageError(f"{folder.name}/{relative}: not valid Gherkin: {first}") from None
    feature = document.get("feature")
    if not feature:
        return
    feature_tags = _tags(feature)
    background: list[StepSpec] = []
    for child, rule_tags, rule_background in _children(feature):
        if "background" in child:
            background = _steps(child["background"])
            continue
        yield _scenario(
            child["scenario"],
            feature,
            folder.name,
            relative,
            feature_tags | rule_tags,
            (*background, *rule_background),
        )


def _children(feature: dict[str, Any]) -> Iterator[tuple[dict[str, Any], frozenset[str], tuple[StepSpec, ...]]]:
    """Backgrounds and scenarios, those inside a Rule with the rule's tags and background."""
    for child in feature.get("children", []):
        if "rule" not in child:
            yield child, frozenset(), ()
            continue
        rule = child["rule"]
        background: tuple[StepSpec, ...] = ()
        for inner in rule.get("children", []):
            if "background" in inner:
                background = tuple(_steps(inner["background"]))
            else:
                yield inner, _tags(rule), background


def _tags(node: dict[str, Any]) -> frozenset[str]:
    return frozenset(tag["name"].removeprefix("@") for tag in node.get("tags", []))


def _steps(node: dict[str, Any]) -> list[StepSpec]:
    return [StepSpec(s["keyword"].strip(), s["text"], s["location"]["line"]) for s in node.get("steps", [])]


def _scenario(
    node: dict[str, Any],
    feature: dict[str, Any],
    folder_name: str,
    relative: str,
    inherited: frozenset[str],
    background: tuple[StepSpec, ...],
) -> ScenarioSpec:
    name = node["name"]
    line = node["location"]["line"]
    where = f"{folder_name}/{relative}:{line}"
    own = _tags(node)
    ids = [tag.removeprefix(ID_TAG) for tag in own if tag.startswith(ID_TAG)]
    if len(ids) != 1:
        problem = "no @id:area.slug tag" if not ids else f"{len(ids)} @id tags ({', '.join(sorted(ids))})"
        raise UsageError(f"{where}: scenario {name!r} has {problem}")
    examples = _generated_examples(node, where, name)
    steps = (*background, *_steps(node))
    placeholders = {p for text in (ids[0], name, *(s.text for s in steps)) for p in PLACEHOLDER.findall(text)}
    allowed = {examples.column} if examples else set()
    if placeholders - allowed:
        extra = ", ".join(f"<{p}>" for p in sorted(placeholders - allowed))
        raise UsageError(f"{where}: scenario {name!r} uses {extra}, which no generated Examples column fills")
    if examples and f"<{examples.column}>" not in ids[0]:
        raise UsageError(f"{where}: outline {name!r}: its id must hold <{examples.column}> to stay unique per example")
    if not ID_PATTERN.match(PLACEHOLDER.sub("x", ids[0])):
        raise UsageError(f"{where}: id {ids[0]!r} is not of the form area.slug (lower case letters, digits, hyphens)")
    return ScenarioSpec(
        id=ids[0],
        name=name,
        feature=feature["name"],
        feature_file=relative,
        feature_description=" ".join(str(feature.get("description") or "").split()),
        line=line,
        tags=inherited | {t for t in own if not t.startswith(ID_TAG)},
        steps=steps,
        examples=examples,
    )


def _generated_examples(node: dict[str, Any], where: str, name: str) -> GeneratedExamples | None:
    blocks = node.get("examples") or []
    if not blocks:
        return None
    usage = (
        f"{where}: outline {name!r}: ukic fills Examples from the profile; give one block "
        '`Examples: from the profile rule "<key>"` with a one-column header and no rows'
    )
    if len(blocks) != 1:
        raise UsageError(usage)
    block = blocks[0]
    source = GENERATED_EXAMPLES.match(str(block.get("name") or "").strip())
    header = [cell["value"] for cell in (block.get("tableHeader") or {}).get("cells", [])]
    if source is None or len(header) != 1 or block.get("tableBody"):
        raise UsageError(usage)
    return GeneratedExamples(rule=source["key"], column=header[0])
