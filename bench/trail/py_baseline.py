#!/usr/bin/env python3
"""bench/trail Python baseline: gunzip each CloudTrail file, json.loads it, count root console logins.

    py_baseline.py LIST      # LIST: NUL-separated paths of .json.gz files
    py_baseline.py DIR       # every *.json.gz under DIR

Prints one JSON line: {"files": N, "events": E, "root_console_logins": R, "event_ids": [...]}.
A root console login is `eventName == ConsoleLogin`, `userIdentity.type == Root` and
`responseElements.ConsoleLogin == Success` (NG-ROOT-350 of the contract). Standard library only:
this is what a short script over the S3 export would do.
"""

import gzip
import json
import sys
from pathlib import Path


def files_of(arg: str) -> list[str]:
    p = Path(arg)
    if p.is_dir():
        return sorted(str(f) for f in p.rglob("*.json.gz"))
    return [x for x in p.read_bytes().decode().split("\0") if x]


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    files = events = 0
    ids = []
    for path in files_of(sys.argv[1]):
        with open(path, "rb") as f:
            doc = json.loads(gzip.decompress(f.read()))
        files += 1
        for r in doc.get("Records") or []:
            events += 1
            if r.get("eventName") != "ConsoleLogin":
                continue
            resp = r.get("responseElements")
            if (r.get("userIdentity") or {}).get("type") == "Root" and isinstance(resp, dict) \
                    and resp.get("ConsoleLogin") == "Success":
                ids.append(r.get("eventID"))
    print(json.dumps({"files": files, "events": events, "root_console_logins": len(ids), "event_ids": ids}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
