#!/usr/bin/env python3
"""Runs PMapper's graph creation and privilege-escalation analysis on an authorization-details file.

    pmapper_offline.py INPUT.json OUT.json

PMapper (principalmapper) only reads live accounts through botocore. To give it the same input as
the other tools, this driver hands PMapper's own `create_graph` a botocore session whose clients
answer from the file: IAM's `GetAccountAuthorizationDetails` paginator returns the whole export as
one page, `sts:GetCallerIdentity` names the export's account, and every other call (access keys,
login profiles, MFA devices, Lambda functions, stacks, buckets ...) answers empty, as an account
holding no such resources would. No network, no emulator: what is timed is PMapper's parsing,
admin detection, edge identification (every checker of `pmapper graph create`) and
`gen_privesc_findings` (`pmapper analysis`'s escalation search), which is the blast-radius question.

Writes OUT.json: {"principals", "edges", "admins": [ARN], "can_escalate": [ARN],
"seconds": {"load", "graph", "privesc"}}. Python >= 3.10 needs the `collections.Mapping` shim
below (principalmapper 1.1.5 imports it from `collections`).
"""

from __future__ import annotations

import collections
import collections.abc
import json
import sys
import time

# principalmapper/util/case_insensitive_dict.py: `from collections import Mapping, MutableMapping`
for _name in ("Mapping", "MutableMapping", "Sequence", "Iterable", "Callable"):
    if not hasattr(collections, _name):
        setattr(collections, _name, getattr(collections.abc, _name))

import botocore.session  # noqa: E402
from principalmapper.analysis.find_risks import can_privesc  # noqa: E402
from principalmapper.graphing import gathering  # noqa: E402
from principalmapper.graphing.edge_identification import checker_map  # noqa: E402


class Empty(collections.defaultdict):
    """A response in which every list PMapper looks for is empty."""

    def __init__(self):
        super().__init__(list)


class Paginator:
    def __init__(self, pages):
        self.pages = pages

    def paginate(self, **_kw):
        return iter(self.pages)


class FakeClient:
    def __init__(self, service: str, export: dict, account: str):
        self.service, self.export, self.account = service, export, account
        self.meta = type("Meta", (), {"endpoint_url": "file://" + service, "region_name": "us-east-1"})()

    def get_paginator(self, operation: str) -> Paginator:
        if self.service == "iam" and operation == "get_account_authorization_details":
            return Paginator([self.export])
        return Paginator([Empty()])

    def get_caller_identity(self, **_kw):
        return {"Account": self.account, "Arn": f"arn:aws:iam::{self.account}:user/bench", "UserId": "AIDABENCH"}

    def get_login_profile(self, **_kw):
        raise Exception("NoSuchEntity: the export does not say; PMapper treats this as no password")

    def __getattr__(self, operation: str):
        return lambda **_kw: Empty()


def account_of(export: dict) -> str:
    for key, arn_key in (("UserDetailList", "Arn"), ("RoleDetailList", "Arn"), ("GroupDetailList", "Arn")):
        for e in export.get(key) or []:
            return e[arn_key].split(":")[4]
    return "000000000000"


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    with open(sys.argv[1]) as f:
        export = json.load(f)
    account = account_of(export)
    session = botocore.session.Session()
    session.create_client = lambda service, *a, **kw: FakeClient(service, export, account)
    t1 = time.perf_counter()
    graph = gathering.create_graph(session, list(checker_map.keys()), region_allow_list=["us-east-1"])
    t2 = time.perf_counter()
    escalate = []
    for node in graph.nodes:
        if not node.is_admin and can_privesc(graph, node)[0]:
            escalate.append(node.arn)
    t3 = time.perf_counter()
    out = {"principals": len(graph.nodes), "edges": len(graph.edges),
           "admins": sorted(n.arn for n in graph.nodes if n.is_admin), "can_escalate": sorted(escalate),
           "seconds": {"load": round(t1 - t0, 3), "graph": round(t2 - t1, 3), "privesc": round(t3 - t2, 3)}}
    with open(sys.argv[2], "w") as f:
        json.dump(out, f, indent=1)
    print(f"pmapper: {out['principals']} principals, {out['edges']} edges, {len(out['admins'])} admins, "
          f"{len(escalate)} can escalate; load {t1 - t0:.2f} s, graph {t2 - t1:.2f} s, privesc {t3 - t2:.2f} s",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
