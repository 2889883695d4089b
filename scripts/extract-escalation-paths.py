#!/usr/bin/env python3
"""Regenerates crates/iam/data/escalation-paths.json from pathfinding.cloud.

pathfinding.cloud (https://github.com/DataDog/pathfinding.cloud, Apache-2.0, Copyright
2025-Present Datadog, Inc.) catalogues AWS IAM privilege-escalation paths, one YAML file per
path. nextgap's escalation graph (crates/iam/src/paths.rs) embeds only the facts it needs from
each path: its id, name, category, the permissions it requires, and, for paths that pass a
role to a new compute resource, the service principal that role must trust. Descriptions,
exploitation steps and the rest stay upstream; findings link to the path's page.

    python3 scripts/extract-escalation-paths.py [--source DIR]

DIR is a checkout of the repository (default: ../shared/data/iam/pathfinding.cloud beside
this checkout). Needs PyYAML. The output is deterministic (sorted by id).
"""

import argparse
import glob
import hashlib
import json
import os
import re
import sys

import yaml

OUT = os.path.join("crates", "iam", "data", "escalation-paths.json")
FORMAT = 1
TRUSTS = re.compile(r"trusts\s+`?([a-z0-9.-]+\.amazonaws\.com)`?", re.IGNORECASE)


def trusted_service(path):
    """The service principal a passed role must trust, from the path's prerequisites."""
    prereq = path.get("prerequisites") or {}
    lines = []
    if isinstance(prereq, dict):
        for value in prereq.values():
            lines.extend(value if isinstance(value, list) else [value])
    elif isinstance(prereq, list):
        lines = prereq
    for line in lines:
        m = TRUSTS.search(str(line))
        if m:
            return m.group(1).lower()
    return None


def entry(path):
    required = [p["permission"] for p in path["permissions"]["required"]]
    out = {
        "id": path["id"],
        "name": path["name"],
        "category": path["category"],
        "required": required,
    }
    service = trusted_service(path)
    # Some "new-passrole" paths reuse an existing resource's role (a stack, a stack set):
    # they name no service to trust, and the graph treats them as existing-resource paths.
    if service:
        out["trusted_service"] = service
    return out


def main() -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    default = os.path.join(here, "..", "..", "shared", "data", "iam", "pathfinding.cloud")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default=default, help="pathfinding.cloud checkout")
    args = parser.parse_args()
    files = sorted(glob.glob(os.path.join(args.source, "data", "paths", "*", "*.yaml")))
    if not files:
        print(f"no paths under {args.source}/data/paths", file=sys.stderr)
        return 2
    digest = hashlib.sha256()
    paths = []
    for name in files:
        with open(name, "rb") as f:
            raw = f.read()
        digest.update(raw)
        paths.append(entry(yaml.safe_load(raw)))
    paths.sort(key=lambda p: p["id"])
    doc = {
        "format": FORMAT,
        "source": {
            "name": "pathfinding.cloud",
            "url": "https://github.com/DataDog/pathfinding.cloud",
            "licence": "Apache-2.0",
            "copyright": "Copyright 2025-Present Datadog, Inc.",
            "paths": len(paths),
            "sha256_of_path_files": digest.hexdigest(),
        },
        "paths": paths,
    }
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"{OUT}: {len(paths)} paths")
    return 0


if __name__ == "__main__":
    sys.exit(main())
