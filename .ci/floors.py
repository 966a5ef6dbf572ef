"""Print every direct dependency of ukic (and its test extra) pinned to the lowest version pyproject.toml allows.

`.ci/run` installs these into a second venv, so the floors we declare are floors that work.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

FLOOR = re.compile(r"^(?P<name>[A-Za-z0-9_.\[\]-]+)\s*(?P<spec>[^;#]*)")


def pinned(requirement: str) -> str:
    match = FLOOR.match(requirement.strip())
    if match is None:
        raise SystemExit(f"cannot read the requirement {requirement!r}")
    lowest = re.search(r"(?:>=|==)\s*([^,\s]+)", match["spec"])
    if lowest is None:
        raise SystemExit(f"{match['name']} declares no floor (>= or an exact ==): every dependency needs one")
    return f"{match['name']}=={lowest[1]}"


def main() -> None:
    project = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())["project"]
    requirements = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    sys.stdout.write("".join(pinned(r) + "\n" for r in requirements))


if __name__ == "__main__":
    main()
