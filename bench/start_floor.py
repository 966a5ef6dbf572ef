"""The floor under a tiny verify: pytest-bdd running ukic's own scenarios with steps that do nothing.

It writes a throw-away project: the feature files of ``features/`` with their generated Examples
filled from the bundled sample's profile (v5 production), so pytest collects the same 57 items a
verify runs, and one catch-all step per keyword. :data:`RUN` starts pytest the way ``ukic.run``
does (no plugin autoload, the same built-in plugins switched off, plain asserts, pytest-bdd's
plugin handed over as a module). What a verify costs beyond this is ukic's own work: its imports,
reading the snapshot, its checks, the step look-ups among its step definitions, reports and ledger.
"""

from __future__ import annotations

import re
from pathlib import Path

from ukic import paths
from ukic.feature_index import GENERATED_EXAMPLES, load_features
from ukic.profiles import select
from ukic.profiles.rules import rule_examples
from ukic.run import UNUSED_BUILTIN_PLUGINS

#: The floor's command line after ``python -c RUN``: the folder is put in front.
RUN_ARGS = UNUSED_BUILTIN_PLUGINS

STEPS = '''"""Every step matches and does nothing."""
from pytest_bdd import given, parsers, scenarios, then, when

scenarios(".")


@given(parsers.re(".*"))
def any_given():
    pass


@when(parsers.re(".*"))
def any_when():
    pass


@then(parsers.re(".*"))
def any_then():
    pass
'''

#: The floor as its own process: argv[1] is the folder :func:`write_floor` wrote, the rest the built-in
#: plugins to switch off (ukic.run.UNUSED_BUILTIN_PLUGINS, passed in so that ukic is not imported here).
RUN = """
import os, sys, warnings
import pytest
import pytest_bdd.plugin

folder, unused = sys.argv[1], sys.argv[2:]
args = [folder + "/test_floor.py", "--disable-plugin-autoload", "--assert=plain", "-c", folder + "/pytest.ini",
        "--rootdir", folder]
for name in unused:
    args += ["-p", "no:" + name]
warnings.simplefilter("ignore")  # the tags are no registered marks here; ukic's plugin applies them itself
code = pytest.main(args, plugins=[pytest_bdd.plugin])
sys.stdout.flush()
os._exit(int(code))  # ukic leaves without tearing its objects down either (ukic.heap)
"""


def write_floor(folder: Path, version: str = "v5", cluster_type: str = "production") -> int:
    """Write the floor project into ``folder``; return how many scenarios it runs."""
    selection = select(version, cluster_type)
    specs = load_features(paths.features_dir())
    rows = {
        (spec.examples.rule, spec.examples.column): rule_examples(selection, spec.examples.rule, spec.examples.column)
        for spec in specs
        if spec.examples is not None
    }
    for feature in sorted(paths.features_dir().glob("*.feature")):
        out: list[str] = []
        generated: re.Match[str] | None = None  # the Examples block just opened, when it is a generated one
        for line in feature.read_text(encoding="utf-8").splitlines(keepends=True):
            out.append(line)
            stripped = line.strip()
            if stripped.startswith("Examples:"):
                generated = GENERATED_EXAMPLES.match(stripped.partition(":")[2].strip())
            elif generated is not None and stripped.startswith("|"):  # its header: one row per rule item follows
                indent = line[: len(line) - len(line.lstrip())]
                values = rows[(generated["key"], stripped.strip("|").strip())]
                out.extend(f"{indent}| {value} |\n" for value in values)
                generated = None
        (folder / feature.name).write_text("".join(out), encoding="utf-8")
    (folder / "test_floor.py").write_text(STEPS, encoding="utf-8")
    (folder / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    return sum(1 if s.examples is None else len(rows[(s.examples.rule, s.examples.column)]) for s in specs)
