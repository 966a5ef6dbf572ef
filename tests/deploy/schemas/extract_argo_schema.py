"""Cut the Argo Workflows JSON schema down to what a CronWorkflow uses.

Usage: python extract_argo_schema.py schema.json > argo-workflows-v3.2.11-cronworkflow.json
where schema.json is api/jsonschema/schema.json of argoproj/argo-workflows at tag v3.2.11
(Apache License 2.0). Keeps the definitions reachable from CronWorkflow, unchanged.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = "io.argoproj.workflow.v1alpha1.CronWorkflow"


def refs(node: object) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/definitions/"):
            found.add(ref.removeprefix("#/definitions/"))
        for value in node.values():
            found |= refs(value)
    elif isinstance(node, list):
        for value in node:
            found |= refs(value)
    return found


def main() -> None:
    schema = json.loads(Path(sys.argv[1]).read_text())
    definitions = schema["definitions"]
    keep, todo = set(), [ROOT]
    while todo:
        name = todo.pop()
        if name not in keep:
            keep.add(name)
            todo += sorted(refs(definitions[name]) - keep)
    cut = {
        "$comment": "Argo Workflows v3.2.11 api/jsonschema/schema.json (Apache-2.0), only what CronWorkflow uses",
        "$schema": "http://json-schema.org/schema#",
        "$ref": f"#/definitions/{ROOT}",
        "definitions": {name: definitions[name] for name in sorted(keep)},
    }
    json.dump(cut, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
