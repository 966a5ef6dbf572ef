"""The CI gate: does a change to a configuration repository make anything worse than its base?

``ukic verify --manifests DIR --base REF`` verifies DIR as committed at REF and as in the
working tree (both as git sees them: tracked or untracked, not ignored), compares the
scenario outcomes, and exits 1 only when the change makes something worse:

- a new failure (a scenario failing now that passed, warned, was waived or not applicable);
- a scenario newly unverifiable (it could be checked before the change);
- a scenario failing before and after, with problems the base did not have;
- a working tree that can no longer be read at all (a YAML syntax error) while the base could.

New warnings are listed but do not block; fixes are listed as better. When the base cannot be
compared (the folder is new, or the base itself is unreadable) the working tree's own verdict
decides.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ukic.errors import ExitCode, SourceError, UkicError
from ukic.manifests import gittree
from ukic.outcome import Outcome
from ukic.result import RunResult, ScenarioResult
from ukic.rundiff import Change, diff_runs
from ukic.sources.manifests import ManifestsSource

if TYPE_CHECKING:
    from ukic.run import VerifyRequest

REPORT_JSON = "gate.json"
REPORT_MD = "gate.md"

#: "(calico/bgp.yaml#3)" and "#2.items[0]": document numbers shift when a file gains a document.
_DOCUMENT_NUMBER = re.compile(r"#\d+(?:\.items\[\d+\])?")
_MORE = re.compile(r"^and (\d+) more$")


@dataclass(frozen=True)
class NewProblems:
    """A scenario failing before and after the change, with problems the base did not have."""

    scenario: ScenarioResult
    problems: list[str]


@dataclass
class GateResult:
    """Both runs and what the change did to each scenario."""

    manifests: str
    base_ref: str
    base_commit: str
    head: RunResult | None
    base: RunResult | None
    head_error: str | None = None  # the working tree could not be read
    base_error: str | None = None  # the base could not be read, or the folder did not exist there
    new_failures: list[Change] = field(default_factory=list)
    newly_unverifiable: list[Change] = field(default_factory=list)
    new_problems: list[NewProblems] = field(default_factory=list)
    new_warnings: list[Change] = field(default_factory=list)  # worse, but not blocking
    better: list[Change] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)  # same rank, different outcome
    changed_files: list[str] = field(default_factory=list)  # "+ added", "- removed", "~ modified"

    @property
    def compared(self) -> bool:
        return self.base is not None and self.head is not None

    @property
    def worse(self) -> bool:
        """The change makes something worse (the only reason to block it)."""
        if self.head_error is not None:
            return self.base_error is None
        return bool(self.new_failures or self.newly_unverifiable or self.new_problems)

    @property
    def exit_code(self) -> int:
        if self.head_error is not None:
            return int(ExitCode.NOT_CONFORMANT if self.base_error is None else ExitCode.UNVERIFIABLE)
        if not self.compared:
            assert self.head is not None
            return self.head.exit_code
        return int(ExitCode.NOT_CONFORMANT if self.worse else ExitCode.CONFORMANT)

    def still_failing(self) -> list[ScenarioResult]:
        """Scenarios that fail in the working tree but not because of this change."""
        if self.head is None:
            return []
        blamed = {c.id for c in self.new_failures} | {n.scenario.id for n in self.new_problems}
        return [s for s in self.head.scenarios if s.outcome is Outcome.FAILED and s.id not in blamed]

    def to_dict(self) -> dict[str, Any]:
        def changes(items: list[Change]) -> list[dict[str, Any]]:
            return [c.to_dict() for c in items]

        return {
            "manifests": self.manifests,
            "changed_files": self.changed_files,
            "base": {"ref": self.base_ref, "commit": self.base_commit, "error": self.base_error},
            "head_error": self.head_error,
            "compared": self.compared,
            "worse": self.worse,
            "exit_code": self.exit_code,
            "new_failures": changes(self.new_failures),
            "newly_unverifiable": changes(self.newly_unverifiable),
            "new_problems": [{"id": n.scenario.id, "problems": n.problems} for n in self.new_problems],
            "new_warnings": changes(self.new_warnings),
            "better": changes(self.better),
            "changed": changes(self.changed),
            "still_failing": [{"id": s.id, "reason": s.reason} for s in self.still_failing()],
            "head_verdict": None if self.head is None else self.head.verdict,
            "base_verdict": None if self.base is None else self.base.verdict,
        }


def compare(result: GateResult) -> GateResult:
    """Sort every scenario whose outcome moved between base and head (both must be present)."""
    assert result.base is not None and result.head is not None
    for change in diff_runs(result.base, result.head).changes:
        if change.new_failure:
            result.new_failures.append(change)
        elif change.direction == "worse" and change.after is Outcome.UNVERIFIABLE:
            result.newly_unverifiable.append(change)
        elif change.direction == "worse":
            result.new_warnings.append(change)
        elif change.direction == "better":
            result.better.append(change)
        elif change.after is not None:
            result.changed.append(change)
    base_by_id = {s.id: s for s in result.base.scenarios}
    for scenario in result.head.scenarios:
        before = base_by_id.get(scenario.id)
        if scenario.outcome is Outcome.FAILED and before is not None and before.outcome is Outcome.FAILED:
            added = added_problems(before.reason, scenario.reason)
            if added:
                result.new_problems.append(NewProblems(scenario, added))
    return result


def added_problems(before: str, after: str) -> list[str]:
    """Problems in a failure reason that the earlier reason did not list.

    Reasons list problems separated by "; ", possibly ending "and N more". When either is
    cut short, only a larger count tells that something was added.
    """
    old, old_more = _problems(before)
    new, new_more = _problems(after)
    old_keys = {_DOCUMENT_NUMBER.sub("#", p) for p in old}
    added = [p for p in new if _DOCUMENT_NUMBER.sub("#", p) not in old_keys]
    if not old_more and not new_more:
        return added
    old_total, new_total = len(old) + old_more, len(new) + new_more
    if new_total > old_total:
        return added or [f"{new_total} problems where the base had {old_total}"]
    return []


def _problems(reason: str) -> tuple[list[str], int]:
    items = [p.strip() for p in reason.split("; ") if p.strip()]
    more = 0
    if items and (match := _MORE.match(items[-1])):
        more = int(match.group(1))
        items = items[:-1]
    return items, more


def gate(manifests: Path, base: str, request_template: VerifyRequest, cluster: str | None = None) -> GateResult:
    """Verify the folder at ``base`` and in the working tree with the template's profile and options.

    The template's ``source`` is replaced by each side's ManifestsSource. A base ref the
    repository does not have, or a folder outside any git repository, is a UsageError.
    """
    from ukic.run import verify

    checkout = gittree.locate(manifests)
    commit = gittree.resolve(checkout, base)
    name = cluster or request_template.cluster or manifests.resolve().name
    result = GateResult(str(manifests), base, commit, head=None, base=None)

    def run_side(
        folder: Path, location: str, unreadable: tuple[type[UkicError], ...]
    ) -> tuple[RunResult | None, str | None, list[str]]:
        try:
            source = ManifestsSource(folder, cluster_name=name, location=location)
        except unreadable as err:
            return None, err.message, []
        try:
            run = verify(dataclasses.replace(request_template, source=source, cluster=name))
        finally:
            source.close()
        return run, None, source.notes

    with tempfile.TemporaryDirectory(prefix="ukic-gate-") as tmp:
        base_dir, head_dir = Path(tmp, "base"), Path(tmp, "head")
        base_dir.mkdir()
        head_dir.mkdir()
        gittree.export_worktree(manifests, head_dir)
        exported = gittree.export_commit(checkout, commit, base_dir)
        result.changed_files = changed_files(base_dir, head_dir)
        if exported == 0:
            result.base_error = f"{checkout.prefix or 'the repository'} holds no manifests at {base}"
        else:
            # Whatever is wrong with the base, the working tree can still be judged on its own.
            base_location = f"{manifests} at {base} ({commit[:12]})"
            result.base, result.base_error, _ = run_side(base_dir, base_location, (UkicError,))
        # A usage error in the working tree (two clusters in one folder) is the user's to fix: it propagates.
        result.head, result.head_error, notes = run_side(head_dir, f"{manifests} (working tree)", (SourceError,))
    if result.head is not None:
        result.head.notes.extend(n for n in notes if n not in result.head.notes)
    if result.compared:
        compare(result)
    return result


def changed_files(base_dir: Path, head_dir: Path) -> list[str]:
    """Manifest files the change adds (+), removes (-) or modifies (~), by path."""

    def files(root: Path) -> dict[str, Path]:
        return {p.relative_to(root).as_posix(): p for p in root.rglob("*") if p.is_file()}

    old, new = files(base_dir), files(head_dir)
    marks = [f"+ {p}" for p in new if p not in old] + [f"- {p}" for p in old if p not in new]
    marks += [f"~ {p}" for p in new if p in old and new[p].read_bytes() != old[p].read_bytes()]
    return sorted(marks, key=lambda m: m[2:])


def render(result: GateResult) -> str:
    """The gate's findings as plain text, the changes that block first, with their reasons."""
    lines = [f"ukic gate: {result.manifests}: working tree against {result.base_ref} ({result.base_commit[:12]})"]
    if result.head is not None:
        profile = result.head.profile
        lines.append(f"profile {profile.get('version')} {profile.get('type')} · cluster {result.head.cluster}")
    if result.changed_files:
        lines.append(f"changed files: {', '.join(result.changed_files)}")
    lines.append("")
    if result.head_error is not None:
        lines += ["THE WORKING TREE CANNOT BE READ", f"  {result.head_error}", ""]
    if result.base_error is not None:
        lines += [f"base not compared: {result.base_error}", ""]
    titles = _titles(result)
    sections: list[tuple[str, list[str]]] = [
        (titles["new_failures"], [_change_lines(c, result.head) for c in result.new_failures]),
        (titles["new_problems"], [_problem_lines(n) for n in result.new_problems]),
        (titles["newly_unverifiable"], [_change_lines(c, result.head) for c in result.newly_unverifiable]),
        (titles["new_warnings"], [_change_lines(c, result.head) for c in result.new_warnings]),
        (titles["better"], [_change_lines(c, result.head) for c in result.better]),
        (titles["changed"], [_change_lines(c, result.head) for c in result.changed]),
    ]
    for title, entries in sections:
        if entries:
            lines.append(f"{title} ({len(entries)})")
            lines.extend(line for entry in entries for line in entry)
            lines.append("")
    still = result.still_failing()
    if still and result.compared:
        lines.append(f"STILL FAILING, NOT CAUSED BY THIS CHANGE ({len(still)})")
        for scenario in still:
            lines += [f"  {_label(scenario)}", f"      {scenario.reason}"]
        lines.append("")
    if result.head is not None:
        lines.append(f"working tree: {_counts(result.head)}")
        lines.extend(f"note: {note}" for note in result.head.notes)
    lines.append(_verdict(result))
    return "\n".join(lines)


def _titles(result: GateResult) -> dict[str, str]:
    return {
        "new_failures": "NEW FAILURES: the change makes these fail",
        "new_problems": "STILL FAILING, WITH NEW PROBLEMS from the change",
        "newly_unverifiable": "NEWLY UNVERIFIABLE: could be checked before the change",
        "new_warnings": "NEW WARNINGS (recommendations, not blocking)",
        "better": "BETTER: the change fixes or improves these",
        "changed": "CHANGED",
    }


def _scenario(run: RunResult | None, scenario_id: str) -> ScenarioResult | None:
    return None if run is None else next((s for s in run.scenarios if s.id == scenario_id), None)


def _label(scenario: ScenarioResult) -> str:
    return f"{scenario.feature}: {scenario.name}"


def _change_lines(change: Change, head: RunResult | None) -> list[str]:
    scenario = _scenario(head, change.id)
    title = _label(scenario) if scenario else change.id
    before = change.before.value if change.before else "not run"
    after = change.after.value if change.after else "not run"
    return [f"  {after.upper():<14} {title}  (was {before})", f"      {change.reason}"]


def _problem_lines(found: NewProblems) -> list[str]:
    return [f"  FAILED         {_label(found.scenario)}  (failed before too)"] + [
        f"      new: {problem}" for problem in found.problems
    ]


def _counts(run: RunResult) -> str:
    return ", ".join(f"{n} {outcome}" for outcome, n in run.counts.items() if n) + f" -> {run.verdict}"


def _verdict(result: GateResult) -> str:
    code = result.exit_code
    if result.head_error is not None:
        if result.base_error is None:
            return f"verdict: the change makes the repository unreadable -> exit {code}"
        return f"verdict: neither the base nor the working tree can be read -> exit {code}"
    if not result.compared:
        return f"verdict: nothing to compare against; the working tree's own verdict decides -> exit {code}"
    blocking = len(result.new_failures) + len(result.new_problems) + len(result.newly_unverifiable)
    if blocking:
        return f"verdict: the change makes {blocking} scenario(s) worse -> exit {code}"
    if result.better:
        return f"verdict: the change makes nothing worse and improves {len(result.better)} -> exit {code}"
    return f"verdict: the change makes nothing worse -> exit {code}"


def render_markdown(result: GateResult) -> str:
    """The same findings for a merge-request comment or the report folder."""
    return "# ukic gate\n\n```text\n" + render(result) + "\n```\n"


def run_gate(args: argparse.Namespace) -> int:
    """`ukic verify --manifests DIR --base REF`: gate, print, write the working tree's reports."""
    from ukic.run import VerifyRequest
    from ukic.run_result import write_reports

    template = VerifyRequest(
        source=None,  # type: ignore[arg-type]  # replaced per side by gate()
        version=args.version,
        cluster_type=getattr(args, "type", None) or args.cluster_type,
        cluster=getattr(args, "cluster", None),
        marker=getattr(args, "marker", None),
        waivers=getattr(args, "waivers", None),
        profiles_dir=getattr(args, "profiles_dir", None),
    )
    result = gate(Path(args.manifests), args.base, template)
    print(render(result))
    if result.head is not None and not getattr(args, "no_reports", False):
        folder = write_reports(result.head, Path(args.report_dir))
        (folder / REPORT_JSON).write_text(json.dumps(result.to_dict(), indent=2) + "\n", encoding="utf-8")
        (folder / REPORT_MD).write_text(render_markdown(result), encoding="utf-8")
        print(f"reports: {folder}")
    return result.exit_code
