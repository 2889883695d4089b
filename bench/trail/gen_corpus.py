#!/usr/bin/env python3
"""bench/trail corpus generator: a realistic CloudTrail corpus with a known set of planted anti-patterns.

    gen_corpus.py OUT [--size-mb 1100] [--seed 1] [--days 30] [--jobs N]
    gen_corpus.py --verify OUT

Writes gzip files in the S3 delivery layout

    OUT/AWSLogs/<acct>/CloudTrail/<region>/YYYY/MM/DD/<acct>_CloudTrail_<region>_<YYYYMMDDTHHMMZ>_<rand16>.json.gz

each holding `{"Records":[...]}` in compact JSON as CloudTrail writes it, and OUT/manifest.json:

    {"files": N, "bytes_uncompressed": B, "events": E, "expected": {"NG-ROOT-350": n, ...},
     "planted": [{"rule_id", "event_ids", "related", "scenario"}], "decoys": [...], ...}

Background traffic is made of the real events of the shared corpus (invictus-ir aws_dataset,
stratus-red-team detonations, OTRF) used as templates: fresh eventID/requestID, a time line over
`--days` days, principals from a pool of accounts (IAM users with AKIA keys, each key always on one
fixed IP; assumed roles with ASIA session keys), SDK/CLI user agents, real region names. Templates
whose eventName any built-in detection of the contract looks at (WATCHED), Root identities and
console sign-in events are never used as background, and the console markers
(sessionCredentialFromConsole, console user agents) are rewritten, so the background cannot fire a
built-in detection.

The planted events (per built-in rule, a few occurrences plus decoys that must NOT fire) are then
judged by `RefEval`, a plain Python reading of the contract table, and the manifest lists every
finding it produces: a planted root console login without MFA is also an NG-SIGNIN-352, a backup
deleted for NG-BACKUP-363 also an NG-BACKUP-362, and so on, so the expected count per rule is exact.
`--verify OUT` re-reads the whole corpus, checks every record's shape, runs RefEval over every event
(background included) and compares with the manifest.

Python 3 standard library only; deterministic for a given --seed (and generator version);
one process per file (multiprocessing), each file streamed to gzip (level 6).
"""

from __future__ import annotations

import argparse
import base64
import bisect
import calendar
import copy
import gzip
import hashlib
import heapq
import ipaddress
import json
import math
import multiprocessing as mp
import os
import random
import re
import shutil
import string
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
GEN_VERSION = "1"
MIB = 1 << 20


def default_corpus() -> Path:
    for p in (REPO.parent / "shared" / "corpora" / "cloudtrail", Path("/work/shared/corpora/cloudtrail")):
        if p.is_dir():
            return p
    return REPO.parent / "shared" / "corpora" / "cloudtrail"


# --------------------------------------------------------------------------------------
# the contract table (see bench/trail/README.md): what the built-in detections look at

RULES = ["NG-ROOT-350", "NG-ROOT-351", "NG-SIGNIN-352", "NG-SIGNIN-353", "NG-CONSOLE-354", "NG-IAM-355",
         "NG-IAM-356", "NG-S3-357", "NG-EC2-358", "NG-TRAIL-359", "NG-CONFIG-360", "NG-EC2-361",
         "NG-BACKUP-362", "NG-BACKUP-363", "NG-ORG-364", "NG-KEYS-365"]

IAM_CREDS = {"CreateAccessKey", "CreateLoginProfile", "UpdateLoginProfile"}              # 355
MFA_REMOVED = {"DeactivateMFADevice", "DeleteVirtualMFADevice"}                         # 356
S3_STATE = {"PutBucketAcl", "PutBucketPolicy", "DeletePublicAccessBlock", "PutPublicAccessBlock",
            "DeleteBucketPolicy", "DeleteBucket"}                                        # 357
SG_OPEN = {"AuthorizeSecurityGroupIngress", "ModifySecurityGroupRules"}                  # 358
TRAIL_OFF = {"StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors"}           # 359
CONFIG_OFF = {"StopConfigurationRecorder", "DeleteConfigurationRecorder", "DeleteDeliveryChannel"}  # 360
SHARE_PUBLIC = {"ModifySnapshotAttribute", "ModifyImageAttribute", "ModifyDBSnapshotAttribute",
                "ModifyDBClusterSnapshotAttribute"}                                      # 361
BACKUP_DELETE = {"DeleteSnapshot", "DeleteDBSnapshot", "DeleteDBClusterSnapshot", "DeleteRecoveryPoint",
                 "DeleteBackupVault", "PutBackupVaultAccessPolicy", "DeleteBackupVaultAccessPolicy",
                 "DeleteBackupVaultLockConfiguration", "DeleteBackupPlan"}               # 362, 363
DATA_DELETE = {"DeleteBucket", "DeleteDBInstance", "DeleteDBCluster", "DeleteTable", "DeleteVolume",
               "DeleteFileSystem"}                                                       # 363
ORG_LEAVE = {"LeaveOrganization", "RemoveAccountFromOrganization"}                       # 364
# every eventName a built-in detection looks at (350-353: ConsoleLogin): never used as background
WATCHED = frozenset({"ConsoleLogin"} | IAM_CREDS | MFA_REMOVED | S3_STATE | SG_OPEN | TRAIL_OFF | CONFIG_OFF
                    | SHARE_PUBLIC | BACKUP_DELETE | DATA_DELETE | ORG_LEAVE)

PUBLIC_GROUPS = ("http://acs.amazonaws.com/groups/global/AllUsers",
                 "http://acs.amazonaws.com/groups/global/AuthenticatedUsers")
PUBLIC_CANNED = {"public-read", "public-read-write", "authenticated-read"}
CONSOLE_UAS = {"console.amazonaws.com", "signin.amazonaws.com"}

# --------------------------------------------------------------------------------------
# CloudTrail shapes

CANON = ["eventVersion", "userIdentity", "eventTime", "eventSource", "eventName", "awsRegion", "sourceIPAddress",
         "userAgent", "errorCode", "errorMessage", "requestParameters", "responseElements", "additionalEventData",
         "requestID", "eventID", "readOnly", "resources", "eventType", "apiVersion", "managementEvent",
         "recipientAccountId", "sharedEventID", "vpcEndpointId", "vpcEndpointAccountId", "serviceEventDetails",
         "eventCategory", "sessionCredentialFromConsole", "tlsDetails"]
REQUIRED = ["eventVersion", "userIdentity", "eventTime", "eventSource", "eventName", "awsRegion", "sourceIPAddress",
            "userAgent", "requestParameters", "responseElements", "requestID", "eventID", "readOnly", "eventType",
            "managementEvent", "recipientAccountId", "eventCategory"]

REGIONS = ["us-east-1", "eu-west-1", "us-west-2", "eu-central-1", "us-east-2", "ap-southeast-1", "ap-northeast-1",
           "eu-west-2", "ap-south-1", "ca-central-1", "eu-north-1", "sa-east-1"]
# services whose events CloudTrail records in us-east-1 only
GLOBAL_SOURCES = {"iam.amazonaws.com", "signin.amazonaws.com", "organizations.amazonaws.com",
                  "cloudfront.amazonaws.com", "route53.amazonaws.com", "support.amazonaws.com",
                  "health.amazonaws.com", "account.amazonaws.com", "budgets.amazonaws.com", "ce.amazonaws.com",
                  "globalaccelerator.amazonaws.com", "notifications.amazonaws.com"}
SOURCE_OF = {  # planted names without a template in the shared corpus
    "DeactivateMFADevice": "iam.amazonaws.com", "DeleteVirtualMFADevice": "iam.amazonaws.com",
    "UpdateLoginProfile": "iam.amazonaws.com", "CreateLoginProfile": "iam.amazonaws.com",
    "CreateAccessKey": "iam.amazonaws.com", "PutBucketAcl": "s3.amazonaws.com",
    "PutBucketPolicy": "s3.amazonaws.com", "DeleteBucketPolicy": "s3.amazonaws.com",
    "DeletePublicAccessBlock": "s3.amazonaws.com", "PutPublicAccessBlock": "s3.amazonaws.com",
    "DeleteBucket": "s3.amazonaws.com", "AuthorizeSecurityGroupIngress": "ec2.amazonaws.com",
    "ModifySecurityGroupRules": "ec2.amazonaws.com", "StopLogging": "cloudtrail.amazonaws.com",
    "DeleteTrail": "cloudtrail.amazonaws.com", "UpdateTrail": "cloudtrail.amazonaws.com",
    "PutEventSelectors": "cloudtrail.amazonaws.com", "StopConfigurationRecorder": "config.amazonaws.com",
    "DeleteConfigurationRecorder": "config.amazonaws.com", "DeleteDeliveryChannel": "config.amazonaws.com",
    "ModifySnapshotAttribute": "ec2.amazonaws.com", "ModifyImageAttribute": "ec2.amazonaws.com",
    "ModifyDBSnapshotAttribute": "rds.amazonaws.com", "ModifyDBClusterSnapshotAttribute": "rds.amazonaws.com",
    "DeleteSnapshot": "ec2.amazonaws.com", "DeleteDBSnapshot": "rds.amazonaws.com",
    "DeleteDBClusterSnapshot": "rds.amazonaws.com", "DeleteRecoveryPoint": "backup.amazonaws.com",
    "DeleteBackupVault": "backup.amazonaws.com", "PutBackupVaultAccessPolicy": "backup.amazonaws.com",
    "DeleteBackupVaultAccessPolicy": "backup.amazonaws.com",
    "DeleteBackupVaultLockConfiguration": "backup.amazonaws.com", "DeleteBackupPlan": "backup.amazonaws.com",
    "DeleteDBInstance": "rds.amazonaws.com", "DeleteDBCluster": "rds.amazonaws.com",
    "DeleteTable": "dynamodb.amazonaws.com", "DeleteVolume": "ec2.amazonaws.com",
    "DeleteFileSystem": "elasticfilesystem.amazonaws.com", "LeaveOrganization": "organizations.amazonaws.com",
    "RemoveAccountFromOrganization": "organizations.amazonaws.com", "ConsoleLogin": "signin.amazonaws.com",
}

B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
ALNUM = string.ascii_letters + string.digits
UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
S3ID_RE = re.compile(r"^[0-9A-Z]{16}$")
ENC = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False).encode

BROWSERS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Safari/605.1.15",
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36",
]
# SDK / CLI user agents for background principals ({svc} {op}: from the event)
UA_FAMILIES = {
    "cli": "aws-cli/2.15.{a} Python/3.11.6 Linux/6.2.0-1017-aws exe/x86_64.ubuntu.22 prompt/off command/{svc}.{op}",
    "cli-mac": "aws-cli/2.15.{a} Python/3.11.8 Darwin/23.3.0 exe/x86_64 prompt/off command/{svc}.{op}",
    "boto3": ("Boto3/1.34.{a} md/Botocore#1.34.{a} ua/2.0 os/linux#5.15.0-1051-aws md/arch#x86_64 lang/python#3.11.7 "
              "md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.{a}"),
    "go": "aws-sdk-go-v2/1.25.{a} os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64 api/{svc}#1.{b}.0",
    "go1": "aws-sdk-go/1.50.{a} (go1.21.6; linux; amd64)",
    "terraform": ("APN/1.0 HashiCorp/1.0 Terraform/1.7.{a} (+https://www.terraform.io) terraform-provider-aws/5.40.0 "
                  "(+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.25.2 os/linux "
                  "lang/go#1.21.8 md/GOOS#linux md/GOARCH#amd64 api/{svc}#1.{b}.0"),
    "java": ("aws-sdk-java/2.25.{a} Linux/5.10.210-201.852.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.10+7-LTS "
             "Java/17.0.10 vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/legacy"),
    "lambda": ("Boto3/1.34.{a} md/Botocore#1.34.{a} ua/2.0 os/linux#5.10.209-219.848.amzn2.x86_64 md/arch#x86_64 "
               "lang/python#3.12.2 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 cfg/retry-mode#legacy "
               "Botocore/1.34.{a}"),
}
ATTACKER_UAS = ["python-requests/2.31.0", "aws-cli/1.32.50 Python/3.12.2 Windows/10 botocore/1.34.50",
                "Boto3/1.26.0 Python/3.9.2 Linux/5.10.0-kali3-amd64 Botocore/1.29.0"]
CLI_SVC = {"s3": "s3api", "monitoring": "cloudwatch", "elasticfilesystem": "efs", "states": "stepfunctions"}

# IP first octets: offices/ISPs, CI runners, AWS (NAT gateways, Lambda), attacker hosting
IP_OCTETS = {"office": [81, 82, 86, 87, 90, 145, 178, 185, 193, 212, 213, 217],
             "ci": [4, 13, 20, 40, 52, 104, 140],
             "aws": [3, 18, 34, 35, 44, 52, 54],
             "evil": [5, 45, 89, 91, 103, 146, 176, 185, 194]}


def iso(t: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def parse_time(s: str) -> int:
    return calendar.timegm(time.strptime(s[:19], "%Y-%m-%dT%H:%M:%S"))


def uuid4(rng: random.Random) -> str:
    h = "%032x" % rng.getrandbits(128)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"


def rand_s(rng: random.Random, n: int, alphabet: str = B32) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def s3_request_id(rng: random.Random) -> str:
    return rand_s(rng, 16, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def hexid(rng: random.Random, n: int = 17) -> str:
    return "%0*x" % (n, rng.getrandbits(4 * n))


def rand_ip(rng: random.Random, kind: str) -> str:
    return f"{rng.choice(IP_OCTETS[kind])}.{rng.randint(1, 254)}.{rng.randint(1, 254)}.{rng.randint(1, 254)}"


def hashed_key(prefix: str, *parts) -> str:
    d = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=10).digest()
    return prefix + base64.b32encode(d).decode()[:16]


def kebab(name: str) -> str:
    name = re.sub(r"\d{8}(v\d+)?$", "", name)
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1-\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", name).lower()


def is_ip(s) -> bool:
    try:
        ipaddress.ip_address(s)
        return True
    except (ValueError, TypeError):
        return False


def canon(rec: dict) -> dict:
    out = {k: rec[k] for k in CANON if k in rec}
    for k, v in rec.items():
        if k not in out and not k.startswith("@"):
            out[k] = v
    return out


def infer_read_only(name: str) -> bool:
    return name.startswith(("Get", "List", "Describe", "Head", "Lookup", "Search", "Check", "BatchGet", "Scan",
                            "Query", "Select", "Decrypt", "Encrypt", "GenerateDataKey"))


# --------------------------------------------------------------------------------------
# templates


class Tpl:
    __slots__ = ("base", "name", "source", "label", "kind", "acct", "region", "rid", "rid_mode", "rid_in_resp",
                 "svc", "op", "global_only", "read_only", "rec")


def load_records(corpus: Path) -> list[tuple[str, dict]]:
    """(label, record) for every CloudTrail record of the shared corpus, in a fixed order."""
    out: list[tuple[str, dict]] = []

    def add(label, rec):
        if isinstance(rec, dict) and isinstance(rec.get("eventName"), str) and isinstance(rec.get("eventSource"), str) \
                and isinstance(rec.get("userIdentity"), dict):
            out.append((label, rec))

    for f in sorted((corpus / "invictus-ir_aws_dataset" / "CloudTrail").glob("*.json")):
        for r in json.loads(f.read_text()).get("Records", []):
            add(f"invictus-ir_aws_dataset/CloudTrail/{f.name}", r)
    for f in sorted((corpus / "stratus-red-team").glob("aws.*.json")):
        for r in json.loads(f.read_text()).get("Records", []):
            add(f"stratus-red-team/{f.name}", r)
    for f in sorted((corpus / "otrf").rglob("*.json")):
        for line in f.read_text().splitlines():
            if line.strip().startswith("{"):
                try:
                    add(f"otrf/{f.relative_to(corpus / 'otrf')}", json.loads(line))
                except ValueError:
                    pass
    for f in sorted((corpus / "panther-analysis" / "rules").glob("*.json")):
        try:
            recs = json.loads(f.read_text()).get("Records", [])
        except ValueError:
            continue
        for r in recs:
            add(f"panther-analysis/rules/{f.name}", r)
    return out


def background_ok(label: str, r: dict) -> bool:
    ui = r.get("userIdentity") or {}
    if label.startswith("panther-analysis"):
        return False  # unit-test events: synthetic ids and shapes
    if r["eventName"] in WATCHED or ui.get("type") == "Root":
        return False
    if r.get("eventSource") == "signin.amazonaws.com" or r.get("eventType") not in ("AwsApiCall", "AwsServiceEvent"):
        return False
    return isinstance(r.get("eventTime"), str) and isinstance(r.get("awsRegion"), str)


def make_tpl(label: str, r: dict) -> Tpl:
    r = canon(r)
    ui = r.get("userIdentity") or {}
    t = Tpl()
    t.rec = r
    t.label = label
    t.name = r["eventName"]
    t.source = r["eventSource"]
    t.kind = "service" if ui.get("type") == "AWSService" or (not ui.get("type") and ui.get("invokedBy")) else "principal"
    t.acct = str(r.get("recipientAccountId") or ui.get("accountId") or "")
    t.region = r.get("awsRegion") or "us-east-1"
    cat = r.get("eventCategory") or ("Data" if t.name in ("GetObject", "PutObject", "ListObjects", "HeadObject")
                                     else "Management")
    base = dict(r)
    base.pop("sessionCredentialFromConsole", None)
    base.setdefault("requestParameters", None)
    base.setdefault("responseElements", None)
    if "readOnly" not in base:
        base["readOnly"] = infer_read_only(t.name)
    base.setdefault("eventType", "AwsApiCall")
    base.setdefault("managementEvent", cat == "Management")
    base.setdefault("eventCategory", cat)
    base.setdefault("recipientAccountId", t.acct)
    rid = r.get("requestID")
    t.rid = rid if isinstance(rid, str) else ""
    if not t.rid:
        t.rid_mode = "uuid"
        base["requestID"] = ""
    elif UUID_RE.match(t.rid):
        t.rid_mode = "uuid"
    elif S3ID_RE.match(t.rid):
        t.rid_mode = "s3"
    else:
        t.rid_mode = "keep"
    t.base = canon(base)
    t.rid_in_resp = bool(t.rid) and t.rid in ENC(r.get("responseElements"))
    svc = t.source.split(".")[0]
    t.svc = CLI_SVC.get(svc, svc)
    t.op = kebab(t.name)
    t.global_only = t.source in GLOBAL_SOURCES or (t.source == "s3.amazonaws.com" and t.name == "ListBuckets")
    t.read_only = bool(t.base.get("readOnly"))
    return t


class Pool:
    """Templates picked with weight sqrt(count of their eventName): common calls stay common, the long
    tail still shows up. The shared corpus records attack simulations, so mutating and failed calls
    weigh half (real trails are mostly successful reads)."""

    def __init__(self, tpls: list[Tpl]):
        by = defaultdict(list)
        for t in tpls:
            by[t.name].append(t)
        self.items: list[Tpl] = []
        self.cum: list[float] = []
        acc = 0.0
        for name in sorted(by):
            lst = by[name]
            w = math.sqrt(len(lst)) / len(lst)
            for t in lst:
                acc += w * (1.0 if t.read_only else 0.5) * (0.5 if t.rec.get("errorCode") else 1.0)
                self.items.append(t)
                self.cum.append(acc)
        self.total = acc

    def pick(self, rng: random.Random) -> Tpl:
        return self.items[min(bisect.bisect_right(self.cum, rng.random() * self.total), len(self.items) - 1)]


class Templates:
    def __init__(self, corpus: Path):
        records = load_records(corpus)
        if not records:
            raise SystemExit(f"gen_corpus: no CloudTrail records under {corpus}")
        self.all_by_name: dict[str, list[Tpl]] = defaultdict(list)
        bg = []
        for label, r in records:
            t = make_tpl(label, r)
            self.all_by_name[t.name].append(t)
            if background_ok(label, r):
                bg.append(t)
        self.background = bg
        self.pool_global = Pool(bg)
        self.pool_regional = Pool([t for t in bg if not t.global_only])
        self.bg_by_name: dict[str, list[Tpl]] = defaultdict(list)
        for t in bg:
            if t.kind == "principal" and not t.rec.get("errorCode"):
                self.bg_by_name[t.name].append(t)
        self.sources = Counter(label.split("/")[0] for label, _ in records)

    def envelope(self, name: str) -> Tpl | None:
        """The real event this planted event's envelope comes from: invictus > stratus > otrf > panther."""
        lst = self.all_by_name.get(name) or []
        for pref in ("invictus", "stratus", "otrf", "panther"):
            for t in lst:
                if t.label.startswith(pref) and not t.rec.get("errorCode"):
                    return t
        return lst[0] if lst else None


# --------------------------------------------------------------------------------------
# principals


class User:
    __slots__ = ("acct", "name", "pid", "keys", "ua", "ua_a", "ua_b", "idents")

    def ident(self, key: str) -> dict:
        return self.idents[key]


class Role:
    __slots__ = ("acct", "name", "path", "rid", "kind", "sessions", "ips", "ua", "ua_a", "ua_b", "mfa")

    @property
    def arn(self) -> str:
        return f"arn:aws:iam::{self.acct}:role/{self.path}{self.name}"


USER_NAMES = [("terraform", "terraform", "ci"), ("deploy-ci", "terraform", "ci"), ("jenkins", "java", "office"),
              ("backup-agent", "go", "aws"), ("monitoring", "go", "aws"), ("data-pipeline", "boto3", "aws"),
              ("etl-loader", "boto3", "aws"), ("grafana-reader", "go1", "aws"), ("legacy-app", "java", "office"),
              ("s3-sync", "cli", "office"), ("alice.martin", "cli", "office"), ("bob.nguyen", "cli-mac", "office"),
              ("carol.smith", "cli-mac", "office"), ("dave.kim", "cli", "office"), ("reporting", "boto3", "aws")]
ROLE_KINDS = [("app-server-role", "ec2", "java"), ("web-frontend-ec2", "ec2", "go"), ("batch-worker-role", "ec2", "boto3"),
              ("order-processor-lambda", "lambda", "lambda"), ("thumbnailer-lambda", "lambda", "lambda"),
              ("log-shipper-role", "lambda", "lambda"), ("github-actions-deploy", "ci", "terraform"),
              ("gitlab-runner-role", "ci", "cli"), ("AWSReservedSSO_PowerUserAccess", "sso", "cli"),
              ("AWSReservedSSO_ReadOnlyAccess", "sso", "cli-mac"), ("eks-node-group-role", "ec2", "go"),
              ("ecs-task-api", "ec2", "java")]
HUMANS = ["maria.garcia", "tom.becker", "li.wei", "sara.jones", "omar.haddad", "nina.petrova", "raj.patel",
          "emma.wilson", "lucas.moreau", "yuki.tanaka", "paul.schmidt", "ana.silva"]


def make_accounts(seed: int, n: int) -> list[str]:
    rng = random.Random(f"accounts/{seed}")
    out = []
    while len(out) < n:
        a = str(rng.randint(100000000000, 999999999999))
        if a not in out:
            out.append(a)
    return out


def build_world(seed: int, accounts: list[str]) -> dict:
    """Background principals per account, deterministic in (seed, accounts)."""
    world = {}
    for acct in accounts:
        rng = random.Random(f"world/{seed}/{acct}")
        users = []
        for name, ua, ipk in rng.sample(USER_NAMES, 9):
            u = User()
            u.acct, u.name, u.pid, u.ua = acct, name, "AIDA" + rand_s(rng, 17), ua
            u.ua_a, u.ua_b = rng.randint(1, 40), rng.randint(20, 160)
            u.keys = [("AKIA" + rand_s(rng, 16), rand_ip(rng, ipk)) for _ in range(2 if rng.random() < 0.3 else 1)]
            u.idents = {k: {"type": "IAMUser", "principalId": u.pid, "arn": f"arn:aws:iam::{acct}:user/{name}",
                            "accountId": acct, "accessKeyId": k, "userName": name} for k, _ in u.keys}
            users.append(u)
        roles = []
        for name, kind, ua in ROLE_KINDS:
            r = Role()
            r.acct, r.kind, r.ua = acct, kind, ua
            r.ua_a, r.ua_b = rng.randint(1, 40), rng.randint(20, 160)
            r.rid = "AROA" + rand_s(rng, 17)
            r.mfa = "false"
            if kind == "sso":
                r.name, r.path = f"{name}_{hexid(rng, 16)}", "aws-reserved/sso.amazonaws.com/"
                r.sessions = rng.sample(HUMANS, 4)
                r.ips = [rand_ip(rng, "office") for _ in range(3)]
            else:
                r.name, r.path = name, ""
                if kind == "ec2":
                    r.sessions = ["i-0" + hexid(rng, 16) for _ in range(rng.randint(2, 6))]
                    r.ips = [rand_ip(rng, "aws") for _ in range(rng.randint(1, 2))]
                elif kind == "lambda":
                    r.sessions = [name.replace("-lambda", "").replace("-role", "")]
                    r.ips = [rand_ip(rng, "aws") for _ in range(40)]
                else:
                    r.sessions = ["GitHubActions"] if "github" in name else [f"gitlab-{rng.randint(10**6, 10**7)}"]
                    r.ips = [rand_ip(rng, "ci") for _ in range(25)]
            roles.append(r)
        uw = [1.0 / (i + 1) for i in range(len(users))]
        rw = [1.0 / (i + 1) ** 0.7 for i in range(len(roles))]
        world[acct] = {"users": users, "roles": roles, "ucum": _cum(uw), "rcum": _cum(rw)}
    return world


def _cum(ws):
    out, acc = [], 0.0
    for w in ws:
        acc += w
        out.append(acc)
    return out


def pick_cum(rng, items, cum):
    return items[min(bisect.bisect_right(cum, rng.random() * cum[-1]), len(items) - 1)]


def role_ident(role: Role, session: str, t: int, cache: dict) -> dict:
    bucket = t // 3600
    k = (role.rid, session, bucket)
    ident = cache.get(k)
    if ident is None:
        acct = role.acct
        ident = {"type": "AssumedRole", "principalId": f"{role.rid}:{session}",
                 "arn": f"arn:aws:sts::{acct}:assumed-role/{role.name}/{session}", "accountId": acct,
                 "accessKeyId": hashed_key("ASIA", acct, role.name, session, bucket),
                 "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": role.rid, "arn": role.arn,
                                                      "accountId": acct, "userName": role.name},
                                    "webIdFederationData": {},
                                    "attributes": {"creationDate": iso(bucket * 3600), "mfaAuthenticated": role.mfa}}}
        if len(cache) > 50000:
            cache.clear()
        cache[k] = ident
    return ident


def ua_for(family: str, a: int, b: int, tpl: Tpl) -> str:
    return UA_FAMILIES[family].format(a=a, b=b, svc=tpl.svc, op=tpl.op)


# --------------------------------------------------------------------------------------
# background events (one file per worker call)

_W: dict = {}  # per process: templates, world, settings


def _init_worker(corpus: str, seed: int, accounts: list[str], role_share: float) -> None:
    _W["tpls"] = Templates(Path(corpus))
    _W["world"] = build_world(seed, accounts)
    _W["role_share"] = role_share


def background(rng: random.Random, times: list[int], acct: str, region: str, stats: Counter):
    """Yields (time, json) for each time: a background event of `acct` in `region`."""
    tpls: Templates = _W["tpls"]
    w = _W["world"][acct]
    role_share = _W["role_share"]
    pool = tpls.pool_global if region == "us-east-1" else tpls.pool_regional
    users, ucum, roles, rcum = w["users"], w["ucum"], w["roles"], w["rcum"]
    cache: dict = {}
    for t in times:
        tpl = pool.pick(rng)
        d = tpl.base.copy()
        if tpl.kind == "principal":
            if rng.random() < role_share:
                role = pick_cum(rng, roles, rcum)
                session = role.sessions[0] if len(role.sessions) == 1 else rng.choice(role.sessions)
                d["userIdentity"] = role_ident(role, session, t, cache)
                d["sourceIPAddress"] = role.ips[0] if len(role.ips) == 1 else rng.choice(role.ips)
                d["userAgent"] = ua_for(role.ua, role.ua_a, role.ua_b, tpl)
                stats["AssumedRole"] += 1
            else:
                user = pick_cum(rng, users, ucum)
                key, ip = user.keys[0] if len(user.keys) == 1 else rng.choice(user.keys)
                d["userIdentity"] = user.idents[key]
                d["sourceIPAddress"] = ip
                d["userAgent"] = ua_for(user.ua, user.ua_a, user.ua_b, tpl)
                stats["IAMUser"] += 1
        else:
            stats["AWSService"] += 1
        d["eventTime"] = iso(t)
        d["awsRegion"] = region
        d["eventID"] = uuid4(rng)
        rid = None
        if tpl.rid_mode == "uuid":
            rid = d["requestID"] = uuid4(rng)
        elif tpl.rid_mode == "s3":
            rid = d["requestID"] = s3_request_id(rng)
        if "sharedEventID" in d:
            d["sharedEventID"] = uuid4(rng)
        d["recipientAccountId"] = acct
        s = ENC(d)
        if tpl.acct and tpl.acct != acct:
            s = s.replace(tpl.acct, acct)
        if tpl.region != region:
            s = s.replace(tpl.region, region)
        if rid and tpl.rid_in_resp:
            s = s.replace(tpl.rid, rid)
        yield t, s


def build_file(job: dict) -> dict:
    """Writes one .json.gz: job's background events merged with its planted ones by time."""
    rng = random.Random(job["seed"])
    t0, t1, n = job["t0"], job["t1"], job["n_bg"]
    times = sorted(rng.randrange(t0, t1) for _ in range(n))
    for i in range(n - 1):  # CloudTrail files are only roughly in time order
        if rng.random() < 0.04 and times[i + 1] - times[i] < 90:
            times[i], times[i + 1] = times[i + 1], times[i]
    stats: Counter = Counter()
    bg = background(rng, times, job["acct"], job["region"], stats)
    planted = [(t, s, eid) for t, s, eid in job["planted"]]
    where: dict[str, int] = {}
    path = Path(job["path"])
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    raw = 0
    count = 0
    with open(tmp, "wb") as fh:
        with gzip.GzipFile(filename="", mode="wb", compresslevel=6, fileobj=fh, mtime=0) as gz:
            head = b'{"Records":['
            gz.write(head)
            raw += len(head)
            buf: list[str] = []
            first = True
            for item in heapq.merge(bg, planted, key=lambda x: x[0]):
                if len(item) == 3:
                    where[item[2]] = count  # its index in Records[]
                buf.append(item[1])
                count += 1
                if len(buf) >= 2000:
                    chunk = ("" if first else ",") + ",".join(buf)
                    b = chunk.encode()
                    gz.write(b)
                    raw += len(b)
                    first, buf = False, []
            if buf:
                b = (("" if first else ",") + ",".join(buf)).encode()
                gz.write(b)
                raw += len(b)
            gz.write(b"]}")
            raw += 2
    os.replace(tmp, path)
    return {"path": job["rel"], "events": count, "planted": len(planted), "bytes_uncompressed": raw,
            "bytes_compressed": path.stat().st_size, "t0": iso(t0), "t1": iso(t1), "identity_types": dict(stats),
            "planted_index": where}


# --------------------------------------------------------------------------------------
# the reference reading of the contract table


def _get(d, *path):
    for p in path:
        if not isinstance(d, dict):
            return None
        d = d.get(p)
    return d


def _items(x):
    if isinstance(x, list):
        return x
    if isinstance(x, dict):
        inner = x.get("items")
        if isinstance(inner, list):
            return inner
        return [x]
    return []


def _false(v) -> bool:
    return v is False or (isinstance(v, str) and v.lower() == "false")


def _true(v) -> bool:
    return v is True or (isinstance(v, str) and v.lower() == "true")


def principal_of(ui: dict) -> str:
    if ui.get("type") == "AssumedRole":
        return _get(ui, "sessionContext", "sessionIssuer", "arn") or ui.get("arn") or ""
    return ui.get("arn") or ui.get("userName") or ui.get("principalId") or ""


def acl_public(rp: dict) -> bool:
    canned = rp.get("x-amz-acl")
    for c in (canned if isinstance(canned, list) else [canned]):
        if isinstance(c, str) and c in PUBLIC_CANNED:
            return True
    grants = _get(rp, "AccessControlPolicy", "AccessControlList", "Grant")
    for g in (grants if isinstance(grants, list) else [grants]):
        uri = _get(g, "Grantee", "URI")
        if isinstance(uri, str) and uri in PUBLIC_GROUPS:
            return True
    return False


def policy_public(rp: dict) -> bool:
    pol = rp.get("bucketPolicy")
    if isinstance(pol, str):
        try:
            pol = json.loads(pol)
        except ValueError:
            return False
    stmts = _get(pol, "Statement") if isinstance(pol, dict) else None
    for s in (stmts if isinstance(stmts, list) else [stmts]):
        if not isinstance(s, dict) or s.get("Effect") != "Allow" or s.get("Condition"):
            continue
        p = s.get("Principal")
        aws = p.get("AWS") if isinstance(p, dict) else None
        if p == "*" or aws == "*" or (isinstance(aws, list) and "*" in aws):
            return True
    return False


PAB_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


def s3_transition(name: str, rp: dict) -> str | None:
    """'public' when the event makes its bucket public, 'revert' when it undoes that, else None."""
    if name == "PutBucketAcl":
        return "public" if acl_public(rp) else "revert"
    if name == "PutBucketPolicy":
        return "public" if policy_public(rp) else "revert"
    if name == "DeleteBucketPolicy" or name == "DeleteBucket":
        return "revert"
    if name == "DeletePublicAccessBlock":
        return "public"
    if name == "PutPublicAccessBlock":
        cfg = rp.get("PublicAccessBlockConfiguration") or {}
        flags = [cfg.get(f) for f in PAB_FLAGS]
        if any(_false(f) for f in flags):
            return "public"
        if all(_true(f) for f in flags):
            return "revert"
    return None


def sg_world(name: str, rp: dict) -> bool:
    if name == "AuthorizeSecurityGroupIngress":
        if rp.get("cidrIp") == "0.0.0.0/0" or rp.get("cidrIpv6") == "::/0":
            return True
        for perm in _items(rp.get("ipPermissions")):
            for r in _items(_get(perm, "ipRanges")):
                if _get(r, "cidrIp") == "0.0.0.0/0":
                    return True
            for r in _items(_get(perm, "ipv6Ranges")):
                if _get(r, "cidrIpv6") == "::/0":
                    return True
        return False
    found = []

    def walk(x):
        if isinstance(x, dict):
            if x.get("CidrIpv4") == "0.0.0.0/0" or x.get("CidrIpv6") == "::/0":
                found.append(1)
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)
    walk(rp)
    return bool(found)


def trail_reduced(name: str, rp: dict) -> bool:
    if name in ("StopLogging", "DeleteTrail"):
        return True
    if name == "UpdateTrail":
        return any(_false(rp.get(k)) for k in ("isMultiRegionTrail", "includeGlobalServiceEvents",
                                                "enableLogFileValidation"))
    if name == "PutEventSelectors":
        if rp.get("advancedEventSelectors"):
            return True
        for s in _items(rp.get("eventSelectors")):
            if _false(s.get("includeManagementEvents")) or (s.get("readWriteType") not in (None, "All")):
                return True
    return False


def share_public(name: str, rp: dict) -> bool:
    if name == "ModifySnapshotAttribute":
        return any(_get(i, "group") == "all" for i in _items(_get(rp, "createVolumePermission", "add")))
    if name == "ModifyImageAttribute":
        return any(_get(i, "group") == "all" for i in _items(_get(rp, "launchPermission", "add")))
    return rp.get("attributeName") == "restore" and "all" in (rp.get("valuesToAdd") or [])


class RefEval:
    """The contract table read literally, over events fed in any order (state is judged at the end)."""

    def __init__(self, revert_window=3600, same_principal_window=3600, failed_logins=5, failed_window=3600):
        self.revert_window, self.same_principal_window = revert_window, same_principal_window
        self.failed_logins, self.failed_window = failed_logins, failed_window
        self.hits: list[dict] = []
        self.root = defaultdict(list)
        self.console = defaultdict(list)
        self.logins = defaultdict(list)
        self.s3 = defaultdict(list)
        self.deletes = defaultdict(list)
        self.keys: dict[str, dict[str, tuple]] = {}
        self.seq = 0

    def hit(self, rule, t, must, related=()):
        self.hits.append({"rule_id": rule, "time": t, "event_ids": list(must), "related": list(related)})

    def feed(self, ev: dict) -> None:
        self.seq += 1
        name = ev.get("eventName")
        ui = ev.get("userIdentity") or {}
        typ = ui.get("type")
        ok = not ev.get("errorCode")
        eid = ev.get("eventID")
        key = ui.get("accessKeyId") or ""
        if ok and key.startswith("AKIA"):
            ip = ev.get("sourceIPAddress")
            slot = self.keys.setdefault(key, {})
            prev = slot.get(ip)
            if prev is None:
                if is_ip(ip):
                    slot[ip] = (parse_time(ev["eventTime"]), self.seq, eid)
                else:
                    slot[ip] = None
            elif prev is not None:
                t = parse_time(ev["eventTime"])
                if (t, self.seq) < prev[:2]:
                    slot[ip] = (t, self.seq, eid)
        if name not in WATCHED and typ != "Root" and ev.get("sessionCredentialFromConsole") is None \
                and ev.get("userAgent") not in CONSOLE_UAS and "console.aws.amazon.com" not in (ev.get("userAgent") or ""):
            return  # the fast path of every background event
        t = parse_time(ev["eventTime"])
        rp = ev.get("requestParameters") if isinstance(ev.get("requestParameters"), dict) else {}
        if name == "ConsoleLogin":
            resp = ev.get("responseElements") if isinstance(ev.get("responseElements"), dict) else {}
            res = resp.get("ConsoleLogin")
            aed = ev.get("additionalEventData") if isinstance(ev.get("additionalEventData"), dict) else {}
            if typ == "Root" and res == "Success":
                self.hit("NG-ROOT-350", t, [eid])
            if res == "Success" and aed.get("MFAUsed") == "No" and typ in ("IAMUser", "Root"):
                self.hit("NG-SIGNIN-352", t, [eid])
            user = ui.get("userName") or aed.get("UserName") or principal_of(ui)
            if res == "Failure" or ev.get("errorMessage"):
                self.logins[user].append((t, self.seq, "F", eid))
            elif res == "Success":
                self.logins[user].append((t, self.seq, "S", eid))
            return
        acct = ev.get("recipientAccountId") or ui.get("accountId") or ""
        if typ == "Root" and not ui.get("invokedBy") and ev.get("eventType") == "AwsApiCall" and ok:
            self.root[(acct, name)].append((t, self.seq, eid))
        ua = ev.get("userAgent") or ""
        console = _true(ev.get("sessionCredentialFromConsole")) or ua in CONSOLE_UAS \
            or ua.endswith(".console.aws.amazon.com")
        if console and ok:
            ro = ev.get("readOnly")
            mutating = (not _true(ro)) if ro is not None else not name.startswith(
                ("Get", "List", "Describe", "Head", "Lookup"))
            if mutating:
                self.console[principal_of(ui)].append((t, self.seq, eid))
        if not ok or name not in WATCHED:
            return
        if name in IAM_CREDS:
            target = rp.get("userName")
            if target:
                caller = ui.get("userName") if typ == "IAMUser" else None
                if typ != "IAMUser" or target != caller:
                    self.hit("NG-IAM-355", t, [eid])
        if name in MFA_REMOVED:
            self.hit("NG-IAM-356", t, [eid])
        if name in S3_STATE:
            tr = s3_transition(name, rp)
            bucket = rp.get("bucketName")
            if tr and bucket:
                self.s3[bucket].append((t, self.seq, tr, eid))
        if name in SG_OPEN and sg_world(name, rp):
            self.hit("NG-EC2-358", t, [eid])
        if name in TRAIL_OFF and trail_reduced(name, rp):
            self.hit("NG-TRAIL-359", t, [eid])
        if name in CONFIG_OFF:
            self.hit("NG-CONFIG-360", t, [eid])
        if name in SHARE_PUBLIC and share_public(name, rp):
            self.hit("NG-EC2-361", t, [eid])
        if name in BACKUP_DELETE:
            self.hit("NG-BACKUP-362", t, [eid])
            self.deletes[principal_of(ui)].append((t, self.seq, "backup", eid))
        if name in DATA_DELETE:
            self.deletes[principal_of(ui)].append((t, self.seq, "data", eid))
        if name in ORG_LEAVE:
            self.hit("NG-ORG-364", t, [eid])

    def finish(self) -> list[dict]:
        for _, evs in sorted(self.root.items()):
            evs.sort()
            self.hit("NG-ROOT-351", evs[0][0], [evs[0][2]], [e[2] for e in evs[1:]])
        for _, evs in sorted(self.console.items()):
            evs.sort()
            self.hit("NG-CONSOLE-354", evs[0][0], [evs[0][2]], [e[2] for e in evs[1:]])
        for _, evs in sorted(self.logins.items()):
            evs.sort()
            fails: list[tuple] = []
            for t, _, kind, eid in evs:
                if kind == "F":
                    fails.append((t, eid))
                    continue
                recent = [f for f in fails if t - f[0] <= self.failed_window]
                if len(recent) >= self.failed_logins:
                    self.hit("NG-SIGNIN-353", t, [eid] + [f[1] for f in recent])
                fails = []
        for _, evs in sorted(self.s3.items()):
            evs.sort()
            for i, (t, _, tr, eid) in enumerate(evs):
                if tr != "public":
                    continue
                reverted = any(tr2 == "revert" and t < t2 <= t + self.revert_window for t2, _, tr2, _ in evs[i + 1:])
                if not reverted:
                    self.hit("NG-S3-357", t, [eid])
        for _, evs in sorted(self.deletes.items()):
            evs.sort()
            used_until = None
            for i, (t, _, kind, eid) in enumerate(evs):
                if used_until is not None and t <= used_until:
                    continue
                other = [e for e in evs[i + 1:] if e[2] != kind and e[0] - t <= self.same_principal_window]
                if other:
                    self.hit("NG-BACKUP-363", t, [eid, other[0][3]])
                    used_until = t + self.same_principal_window
        for _, ips in sorted(self.keys.items()):
            seen = sorted(v for v in ips.values() if v is not None)
            for t, _, eid in seen[1:]:
                if t > seen[0][0]:
                    self.hit("NG-KEYS-365", t, [eid])
        return sorted(self.hits, key=lambda h: (h["rule_id"], h["time"], h["event_ids"]))


# --------------------------------------------------------------------------------------
# planting


class Planter:
    """Builds the planted events (real envelopes from the shared corpus, the parameters each
    scenario needs) and remembers which scenario each belongs to."""

    def __init__(self, seed: int, tpls: Templates, world: dict, streams: list[tuple[str, str]],
                 boundaries: dict, T0: int, T1: int):
        self.rng = random.Random(f"plant/{seed}")
        self.tpls, self.world, self.streams, self.boundaries = tpls, world, streams, boundaries
        self.T0, self.T1 = T0, T1
        self.accounts = sorted({a for a, _ in streams}, key=[a for a, _ in streams].index)
        self.regions = defaultdict(list)
        for a, r in streams:
            self.regions[a].append(r)
        self.events: list[dict] = []  # {"t", "acct", "region", "ev", "scenario"}
        self.scenario_of: dict[str, str] = {}
        self.template_of: dict[str, str] = {}
        self.decoys: list[dict] = []
        self.counter = Counter()
        self._acct_i = 0

    # ---- choices
    def acct(self) -> str:
        a = self.accounts[self._acct_i % len(self.accounts)]
        self._acct_i += 1
        return a

    def region(self, acct: str, source: str | None = None) -> str:
        if source in GLOBAL_SOURCES:
            return "us-east-1"
        return self.rng.choice(self.regions[acct])

    def time(self, span: int = 0) -> int:
        return self.rng.randrange(self.T0 + 6 * 3600, self.T1 - 6 * 3600 - span)

    def straddle(self, acct: str, region: str, before: int, span: int) -> int:
        """A start time `before` s ahead of a file boundary of this stream (the scenario crosses files)."""
        bs = [b for b in self.boundaries.get((acct, region), []) if self.T0 + 6 * 3600 < b - abs(before) - 2 * 3600
              and b - before + span < self.T1 - 6 * 3600]
        return (self.rng.choice(bs) - before) if bs else self.time(span)

    def name(self, base: str) -> str:
        self.counter[base] += 1
        return f"{base}-{self.counter[base]}" if self.counter[base] > 1 else base

    def bucket(self, purpose: str) -> str:
        return f"{purpose}-{hexid(self.rng, 8)}"

    def bg_user(self, acct: str) -> tuple[User, str, str]:
        u = self.rng.choice(self.world[acct]["users"][:6])
        key, ip = u.keys[0]
        return u, key, ip

    def new_user(self, acct: str, name: str, ip_kind: str = "office", ua: str = "cli") -> tuple[User, str, str]:
        u = User()
        u.acct, u.name, u.pid, u.ua, u.ua_a, u.ua_b = acct, name, "AIDA" + rand_s(self.rng, 17), ua, 12, 80
        key, ip = "AKIA" + rand_s(self.rng, 16), rand_ip(self.rng, ip_kind)
        u.keys = [(key, ip)]
        u.idents = {key: {"type": "IAMUser", "principalId": u.pid, "arn": f"arn:aws:iam::{acct}:user/{name}",
                          "accountId": acct, "accessKeyId": key, "userName": name}}
        return u, key, ip

    def new_role_session(self, acct: str, role: str, session: str, t: int, *, sso=False, mfa="false") -> dict:
        rid = "AROA" + rand_s(self.rng, 17)
        path = "aws-reserved/sso.amazonaws.com/" if sso else ""
        return {"type": "AssumedRole", "principalId": f"{rid}:{session}",
                "arn": f"arn:aws:sts::{acct}:assumed-role/{role}/{session}", "accountId": acct,
                "accessKeyId": "ASIA" + rand_s(self.rng, 16),
                "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": rid,
                                                     "arn": f"arn:aws:iam::{acct}:role/{path}{role}",
                                                     "accountId": acct, "userName": role},
                                   "webIdFederationData": {},
                                   "attributes": {"creationDate": iso(t), "mfaAuthenticated": mfa}}}

    def bg_role_ident(self, acct: str, t: int) -> tuple[dict, str, str]:
        roles = [r for r in self.world[acct]["roles"] if r.kind in ("ec2", "ci")]
        r = self.rng.choice(roles)
        ident = role_ident(r, r.sessions[0], t, {})
        return ident, r.ips[0], UA_FAMILIES["cli"].format(a=r.ua_a, b=r.ua_b, svc="sts", op="get-caller-identity")

    def ua(self, family: str, name: str, source: str) -> str:
        svc = source.split(".")[0]
        return UA_FAMILIES[family].format(a=15, b=60, svc=CLI_SVC.get(svc, svc), op=kebab(name))

    # ---- events
    def mk(self, name: str, *, acct: str, region: str, t: int, ident: dict, ip: str, ua: str, rp=..., re_=...,
           aed=..., error: tuple | None = None, console: bool = False, read_only: bool | None = None,
           event_type: str = "AwsApiCall", resources=..., scenario: str, tpl: Tpl | None = None) -> dict:
        tpl = tpl or self.tpls.envelope(name)
        source = tpl.source if tpl else SOURCE_OF[name]
        base = copy.deepcopy(tpl.rec) if tpl else {}
        rng = self.rng
        ev: dict = {}
        ev["eventVersion"] = "1.09" if not tpl or tpl.label.startswith("panther") else base.get("eventVersion", "1.09")
        if "command/" in ua:  # an aws-cli agent names the command it ran
            svc = source.split(".")[0]
            ua = re.sub(r"command/\S+", f"command/{CLI_SVC.get(svc, svc)}.{kebab(name)}", ua)
        ev["userIdentity"] = ident
        ev["eventTime"] = iso(t)
        ev["eventSource"] = source
        ev["eventName"] = name
        ev["awsRegion"] = region
        ev["sourceIPAddress"] = ip
        ev["userAgent"] = ua
        if error:
            if error[0]:
                ev["errorCode"] = error[0]
            ev["errorMessage"] = error[1]
        ev["requestParameters"] = base.get("requestParameters") if rp is ... else rp
        ev["responseElements"] = (None if error and error[0] else base.get("responseElements")) if re_ is ... else re_
        if aed is ...:
            aed = base.get("additionalEventData") if source == "s3.amazonaws.com" else None
        if aed is not None:
            ev["additionalEventData"] = aed
        rid = None
        if event_type != "AwsConsoleSignIn":
            rid = s3_request_id(rng) if source == "s3.amazonaws.com" else uuid4(rng)
            ev["requestID"] = rid
        ev["eventID"] = uuid4(rng)
        ev["readOnly"] = read_only if read_only is not None else bool(base.get("readOnly", infer_read_only(name)))
        if resources is ...:
            resources = base.get("resources") if rp is ... else None
        if resources:
            ev["resources"] = resources
        ev["eventType"] = event_type
        if base.get("apiVersion"):
            ev["apiVersion"] = base["apiVersion"]
        ev["managementEvent"] = True
        ev["recipientAccountId"] = acct
        ev["eventCategory"] = "Management"
        if console:
            ev["sessionCredentialFromConsole"] = "true"
        svc = source.split(".")[0]
        if source == "signin.amazonaws.com":
            host = "signin.aws.amazon.com"
        elif source in GLOBAL_SOURCES:
            host = f"{svc}.amazonaws.com"
        elif source == "s3.amazonaws.com":
            b = (rp if isinstance(rp, dict) else {}).get("bucketName") or ""
            host = f"{b}.s3.{region}.amazonaws.com" if b else f"s3.{region}.amazonaws.com"
        else:
            host = f"{svc}.{region}.amazonaws.com"
        ev["tlsDetails"] = {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256",
                            "clientProvidedHostHeader": host}
        s = ENC(ev)
        if tpl:
            if tpl.acct and tpl.acct != acct:
                s = s.replace(tpl.acct, acct)
            if tpl.region != region:
                s = s.replace(tpl.region, region)
            if rid and tpl.rid and tpl.rid_in_resp:
                s = s.replace(tpl.rid, rid)
        ev = json.loads(s)
        self.events.append({"t": t, "acct": acct, "region": region, "ev": ev, "scenario": scenario})
        self.scenario_of[ev["eventID"]] = scenario
        if tpl:
            self.template_of[ev["eventID"]] = tpl.label
        return ev

    def from_bg(self, name: str, **kw) -> dict:
        """A planted event whose parameters are those of a real background template of `name`."""
        lst = self.tpls.bg_by_name.get(name)
        tpl = self.rng.choice(lst) if lst else None
        return self.mk(name, tpl=tpl, **kw)

    def decoy(self, scenario: str, evs: list[dict], not_rules: list[str], note: str) -> None:
        self.decoys.append({"scenario": scenario, "event_ids": [e["eventID"] for e in evs], "must_not": not_rules,
                            "note": note})

    def names_available(self, wanted: list[str], mutating: bool | None = None) -> list[str]:
        out = []
        for n in wanted:
            lst = self.tpls.bg_by_name.get(n)
            if lst and (mutating is None or any(t.read_only != mutating for t in lst)):
                out.append(n)
        return out


S3_AED = {"SignatureVersion": "SigV4", "CipherSuite": "TLS_AES_128_GCM_SHA256", "bytesTransferredIn": 0,
          "AuthenticationMethod": "AuthHeader", "x-amz-id-2": "", "bytesTransferredOut": 0}


def plant_all(P: Planter, n: int) -> None:
    rng = P.rng
    H = 3600

    def s3aed():
        d = dict(S3_AED)
        d["x-amz-id-2"] = base64.b64encode(rng.randbytes(57)).decode()
        return d

    def s3res(acct, b):
        return [{"accountId": acct, "type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{b}"}]

    def login(acct, t, ident, ip, ua, result, mfa, scenario):
        aed = {"LoginTo": "https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true",
               "MobileVersion": "No", "MFAUsed": mfa}
        if mfa == "Yes":
            aed["MFAIdentifier"] = f"arn:aws:iam::{acct}:mfa/{ident.get('userName') or 'root-account-mfa-device'}"
        error = (None, "Failed authentication") if result == "Failure" else None
        return P.mk("ConsoleLogin", acct=acct, region="us-east-1", t=t, ident=ident, ip=ip, ua=ua, rp=None,
                    re_={"ConsoleLogin": result}, aed=aed, error=error, event_type="AwsConsoleSignIn",
                    read_only=False, scenario=scenario)

    def root_ident(acct, key=""):
        return {"type": "Root", "principalId": acct, "arn": f"arn:aws:iam::{acct}:root", "accountId": acct,
                "accessKeyId": key}

    def root_console_ident(acct, t):
        d = root_ident(acct, "ASIA" + rand_s(rng, 16))
        d["sessionContext"] = {"sessionIssuer": {}, "webIdFederationData": {},
                               "attributes": {"creationDate": iso(t), "mfaAuthenticated": "true"}}
        return d

    def console_ua():
        return rng.choice(["AWS Internal", "console.amazonaws.com", rng.choice(BROWSERS)])

    mutating = P.names_available(["RunInstances", "CreateVolume", "PutParameter", "CreateSecret", "PutBucketTagging",
                                  "CreateRole", "AttachRolePolicy", "PutRolePolicy", "CreateSubnet", "CreateVpc",
                                  "CreateRouteTable", "CreateInternetGateway", "CreatePolicy", "AllocateAddress",
                                  "TerminateInstances", "CreateBucket", "CreateSnapshot", "DeleteParameter",
                                  "CreateUser", "ModifyInstanceAttribute"], mutating=True)
    readonly = P.names_available(["DescribeInstances", "DescribeVpcs", "ListRoles", "GetBucketAcl", "DescribeSubnets",
                                  "DescribeSecurityGroups", "ListUsers", "GetUser", "DescribeVolumes",
                                  "DescribeDBInstances"], mutating=False)
    root_calls = P.names_available(["DescribeInstances", "DescribeRegions", "GetCallerIdentity", "ListUsers",
                                    "ListAccessKeys", "DescribeVpcs", "GetBucketAcl", "DescribeSecurityGroups",
                                    "GetAccountPublicAccessBlock", "ListMFADevices", "DescribeTrails",
                                    "DescribeDBInstances", "GetUser", "DescribeVolumes", "DescribeSnapshots",
                                    "ListHostedZones", "ListPolicyVersions", "DescribeSubnets", "GetBucketLogging",
                                    "DescribeAddresses", "DescribeImages", "ListBuckets"])
    if not mutating or not readonly or len(root_calls) < 6:
        raise SystemExit("gen_corpus: the shared corpus lacks the template events the planted scenarios use")

    def region_for(acct, name):
        lst = P.tpls.bg_by_name.get(name)
        src = lst[0].source if lst else SOURCE_OF.get(name)
        if lst and lst[0].global_only:
            return "us-east-1"
        return P.region(acct, src)

    # ---- NG-ROOT-350 (and NG-SIGNIN-352 when MFAUsed is No): root console logins
    for i in range(n):
        acct, t = P.acct(), P.time()
        mfa = "No" if i % 2 == 0 else "Yes"
        login(acct, t, root_ident(acct), rand_ip(rng, "office"), rng.choice(BROWSERS), "Success", mfa,
              f"root-console-login-mfa-{mfa.lower()}")
    acct, t = P.acct(), P.time()
    e = login(acct, t, root_ident(acct), rand_ip(rng, "evil"), rng.choice(BROWSERS), "Failure", "No",
              "decoy-root-login-failed")
    P.decoy("decoy-root-login-failed", [e], ["NG-ROOT-350", "NG-SIGNIN-352"], "a failed root console login")

    # ---- NG-ROOT-351: root API calls, one finding per (account, eventName)
    names = rng.sample(root_calls, min(len(root_calls) - 2, n + 2))
    decoy_names = [x for x in root_calls if x not in names]
    root_keys = {}
    for i, name in enumerate(names[:n]):
        acct = P.acct()
        key, ip = root_keys.setdefault(acct, ("AKIA" + rand_s(rng, 16), rand_ip(rng, "office")))
        t = P.time(4 * H)
        for k in range(1 + i % 3):  # repeats of one (account, eventName) make one finding
            P.from_bg(name, acct=acct, region=region_for(acct, name), t=t + k * rng.randint(60, 3600),
                      ident=root_ident(acct, key), ip=ip, ua=P.ua("cli", name, "x.amazonaws.com"),
                      scenario="root-api-call-access-key")
    acct = P.accounts[0]
    key, ip = root_keys.setdefault(acct, ("AKIA" + rand_s(rng, 16), rand_ip(rng, "office")))
    name = decoy_names[0]
    ident = root_ident(acct, key)
    ident["invokedBy"] = "support.amazonaws.com"
    e1 = P.from_bg(name, acct=acct, region=region_for(acct, name), t=P.time(), ident=ident,
                   ip="support.amazonaws.com", ua="support.amazonaws.com", scenario="decoy-root-invoked-by")
    name = decoy_names[1]
    e2 = P.from_bg(name, acct=acct, region=region_for(acct, name), t=P.time(), ident=root_ident(acct, key), ip=ip,
                   ua=P.ua("cli", name, "x.amazonaws.com"), error=("AccessDenied", "Access Denied"),
                   scenario="decoy-root-api-failed")
    P.decoy("decoy-root-invoked-by", [e1], ["NG-ROOT-351"], "root event with userIdentity.invokedBy")
    P.decoy("decoy-root-api-failed", [e2], ["NG-ROOT-351"], "root API call that failed (errorCode)")
    # root in the console: a login, then two console changes (NG-ROOT-350, NG-ROOT-351 x2, NG-CONSOLE-354)
    acct, t = P.accounts[-1], P.time(2 * H)
    ip, ua = rand_ip(rng, "office"), rng.choice(BROWSERS)
    login(acct, t, root_ident(acct), ip, ua, "Success", "Yes", "root-console-session")
    ident = root_console_ident(acct, t)
    for k, name in enumerate(rng.sample(mutating, 2)):
        P.from_bg(name, acct=acct, region=region_for(acct, name), t=t + 120 + 300 * k, ident=ident, ip=ip, ua=ua,
                  console=True, scenario="root-console-session")

    # ---- NG-SIGNIN-352: IAM users signing in without MFA
    for i in range(n):
        acct, t = P.acct(), P.time()
        u, _, ip = P.new_user(acct, P.name(rng.choice(HUMANS)))
        login(acct, t, {"type": "IAMUser", "principalId": u.pid, "arn": f"arn:aws:iam::{acct}:user/{u.name}",
                        "accountId": acct, "userName": u.name}, ip, rng.choice(BROWSERS), "Success", "No",
              "iam-user-console-login-no-mfa")
    acct, t = P.acct(), P.time()
    sso = P.new_role_session(acct, f"AWSReservedSSO_AdministratorAccess_{hexid(rng, 16)}", "ines.costa@example.com",
                             t, sso=True)
    e1 = login(acct, t, sso, rand_ip(rng, "office"), rng.choice(BROWSERS), "Success", "No",
               "decoy-sso-console-login-no-mfa")
    acct, t = P.acct(), P.time()
    u, _, ip = P.new_user(acct, P.name(rng.choice(HUMANS)))
    e2 = login(acct, t, {"type": "IAMUser", "principalId": u.pid, "arn": f"arn:aws:iam::{acct}:user/{u.name}",
                         "accountId": acct, "userName": u.name}, ip, rng.choice(BROWSERS), "Success", "Yes",
               "decoy-console-login-with-mfa")
    P.decoy("decoy-sso-console-login-no-mfa", [e1], ["NG-SIGNIN-352"], "federated (AssumedRole) sign-in, MFAUsed No")
    P.decoy("decoy-console-login-with-mfa", [e2], ["NG-SIGNIN-352"], "IAM user sign-in with MFA")

    # ---- NG-SIGNIN-353: 5+ failed sign-ins then a success within 60 minutes
    def login_burst(acct, user_name, t, fails, success_after, scenario, mfa="Yes"):
        pid = "AIDA" + rand_s(rng, 17)
        ip, ua = rand_ip(rng, "evil"), rng.choice(BROWSERS)
        fail_ident = {"type": "IAMUser", "principalId": pid, "accountId": acct, "accessKeyId": "",
                      "userName": user_name}
        evs = []
        for k in range(fails):
            evs.append(login(acct, t, fail_ident, ip, ua, "Failure", "No", scenario))
            t += rng.randint(15, 90)
        t += success_after - 1
        evs.append(login(acct, t, {"type": "IAMUser", "principalId": pid,
                                   "arn": f"arn:aws:iam::{acct}:user/{user_name}", "accountId": acct,
                                   "userName": user_name}, ip, ua, "Success", mfa, scenario))
        return evs

    for i in range(n):
        acct = P.acct()
        name = P.name(rng.choice(HUMANS))
        fails = 5 + i % 3
        t = P.straddle(acct, "us-east-1", 4 * 60, 15 * 60) if i == 0 else P.time(H)
        login_burst(acct, name, t, fails, rng.randint(60, 240), "failed-logins-then-success",
                    mfa="No" if i % 3 == 2 else "Yes")
    acct = P.acct()
    evs = login_burst(acct, P.name(rng.choice(HUMANS)), P.time(H), 4, 120, "decoy-four-failures-then-success")
    P.decoy("decoy-four-failures-then-success", evs, ["NG-SIGNIN-353"], "only 4 failures before the success")
    acct = P.acct()
    evs = login_burst(acct, P.name(rng.choice(HUMANS)), P.time(4 * H), 6, 150 * 60,
                      "decoy-failures-then-success-hours-later")
    P.decoy("decoy-failures-then-success-hours-later", evs, ["NG-SIGNIN-353"],
            "6 failures, the success 2.5 hours later")

    # ---- NG-CONSOLE-354: console principals making changes, one finding per principal
    for i in range(n):
        acct = P.acct()
        t = P.time(3 * H)
        if i == 0:
            t = P.straddle(acct, P.regions[acct][0], 20 * 60, 2 * H)
        ip = rand_ip(rng, "office")
        if i % 2 == 0:
            u, _, _ = P.new_user(acct, P.name(rng.choice(HUMANS)))
            login(acct, t, {"type": "IAMUser", "principalId": u.pid, "arn": f"arn:aws:iam::{acct}:user/{u.name}",
                            "accountId": acct, "userName": u.name}, ip, rng.choice(BROWSERS), "Success", "Yes",
                  "console-changes-iam-user")
            ident = {"type": "IAMUser", "principalId": u.pid, "arn": f"arn:aws:iam::{acct}:user/{u.name}",
                     "accountId": acct, "accessKeyId": "ASIA" + rand_s(rng, 16), "userName": u.name,
                     "sessionContext": {"sessionIssuer": {}, "webIdFederationData": {},
                                        "attributes": {"creationDate": iso(t), "mfaAuthenticated": "true"}}}
            scenario = "console-changes-iam-user"
        else:
            role = f"AWSReservedSSO_{rng.choice(['AdministratorAccess', 'PowerUserAccess', 'DataEngineer'])}_{hexid(rng, 16)}"
            ident = P.new_role_session(acct, role, f"{rng.choice(HUMANS)}@example.com", t, sso=True)
            scenario = "console-changes-sso-role"
        tt = t + 60
        for k in range(3 + i % 6):
            name = rng.choice(mutating)
            P.from_bg(name, acct=acct, region=region_for(acct, name), t=tt, ident=ident,
                      ip=ip, ua=console_ua(), console=True, scenario=scenario)
            tt += rng.randint(30, 900)
        for k in range(2):
            name = rng.choice(readonly)
            P.from_bg(name, acct=acct, region=region_for(acct, name), t=tt, ident=ident, ip=ip, ua=console_ua(),
                      console=True, scenario=scenario)
            tt += rng.randint(30, 300)
    acct, t = P.acct(), P.time(H)
    ident = P.new_role_session(acct, f"AWSReservedSSO_ReadOnlyAccess_{hexid(rng, 16)}", "auditor@example.com", t,
                               sso=True)
    evs = [P.from_bg(name, acct=acct, region=region_for(acct, name), t=t + 60 * k, ident=ident,
                     ip=rand_ip(rng, "office"), ua="AWS Internal", console=True, scenario="decoy-console-read-only")
           for k, name in enumerate(rng.sample(readonly, 3))]
    P.decoy("decoy-console-read-only", evs, ["NG-CONSOLE-354"], "a console principal that only reads")
    acct, t = P.acct(), P.time(H)
    ident = P.new_role_session(acct, f"AWSReservedSSO_ReadOnlyAccess_{hexid(rng, 16)}", "intern@example.com", t,
                               sso=True)
    name = rng.choice(mutating)
    e = P.from_bg(name, acct=acct, region=region_for(acct, name), t=t, ident=ident, ip=rand_ip(rng, "office"),
                  ua="AWS Internal", console=True, error=("AccessDenied", "User is not authorized"),
                  scenario="decoy-console-change-denied")
    P.decoy("decoy-console-change-denied", [e], ["NG-CONSOLE-354"], "the only console change failed")

    # ---- NG-IAM-355: credentials created for another user
    variants = [("CreateAccessKey", "user"), ("CreateLoginProfile", "user"), ("UpdateLoginProfile", "user"),
                ("CreateAccessKey", "role")]
    for i in range(max(n, len(variants))):
        name, caller = variants[i % len(variants)]
        acct, t = P.acct(), P.time()
        target = P.name(rng.choice(["svc-reporting", "old-contractor", "ops-break-glass", "billing-export"]))
        if caller == "user":
            u, key, ip = P.bg_user(acct)
            ident, ua = u.ident(key), ua_for(u.ua, u.ua_a, u.ua_b, P.tpls.envelope(name) or P.tpls.background[0])
        else:
            ident, ip, ua = P.bg_role_ident(acct, t)
        rp, re_ = {"userName": target}, None
        if name == "CreateAccessKey":
            re_ = {"accessKey": {"accessKeyId": "AKIA" + rand_s(rng, 16), "status": "Active", "userName": target,
                                 "createDate": time.strftime("%b %-d, %Y %-I:%M:%S %p", time.gmtime(t))}}
        elif name == "CreateLoginProfile":
            rp["passwordResetRequired"] = False
            re_ = {"loginProfile": {"userName": target, "passwordResetRequired": False,
                                    "createDate": time.strftime("%b %-d, %Y %-I:%M:%S %p", time.gmtime(t))}}
        P.mk(name, acct=acct, region="us-east-1", t=t, ident=ident, ip=ip, ua=ua, rp=rp, re_=re_,
             scenario=f"{kebab(name)}-for-another-user-by-{caller}")
    acct = P.acct()
    u, key, ip = P.bg_user(acct)
    t = P.time()
    e1 = P.mk("CreateAccessKey", acct=acct, region="us-east-1", t=t, ident=u.ident(key), ip=ip,
              ua=P.ua(u.ua if u.ua.startswith("cli") else "cli", "CreateAccessKey", "iam.amazonaws.com"),
              rp={"userName": u.name},
              re_={"accessKey": {"accessKeyId": "AKIA" + rand_s(rng, 16), "status": "Active", "userName": u.name,
                                 "createDate": "Mar 9, 2024 9:00:00 AM"}}, scenario="decoy-create-own-access-key")
    e2 = P.mk("CreateAccessKey", acct=acct, region="us-east-1", t=t + 7200, ident=u.ident(key), ip=ip,
              ua=P.ua("cli", "CreateAccessKey", "iam.amazonaws.com"), rp=None,
              re_={"accessKey": {"accessKeyId": "AKIA" + rand_s(rng, 16), "status": "Active", "userName": u.name,
                                 "createDate": "Mar 9, 2024 11:00:00 AM"}}, scenario="decoy-create-own-access-key")
    e3 = P.mk("CreateLoginProfile", acct=acct, region="us-east-1", t=t + 9000, ident=u.ident(key), ip=ip,
              ua=P.ua("cli", "CreateLoginProfile", "iam.amazonaws.com"),
              rp={"userName": "finance-admin", "passwordResetRequired": True},
              error=("AccessDenied", f"User: arn:aws:iam::{acct}:user/{u.name} is not authorized to perform: "
                                     "iam:CreateLoginProfile"), scenario="decoy-login-profile-denied")
    P.decoy("decoy-create-own-access-key", [e1, e2], ["NG-IAM-355"],
            "an IAM user creating its own key (userName = itself, then no userName)")
    P.decoy("decoy-login-profile-denied", [e3], ["NG-IAM-355"], "CreateLoginProfile for another user, denied")

    # ---- NG-IAM-356: MFA removed
    for i in range(max(n, 2)):
        name = ["DeactivateMFADevice", "DeleteVirtualMFADevice"][i % 2]
        acct, t = P.acct(), P.time()
        u, key, ip = P.bg_user(acct)
        victim = rng.choice(HUMANS)
        rp = {"userName": victim, "serialNumber": f"arn:aws:iam::{acct}:mfa/{victim}"} if i % 2 == 0 else \
            {"serialNumber": f"arn:aws:iam::{acct}:mfa/{victim}"}
        P.mk(name, acct=acct, region="us-east-1", t=t, ident=u.ident(key), ip=ip, ua=P.ua("cli", name, "iam.x"),
             rp=rp, re_=None, scenario=f"mfa-removed-{kebab(name)}")
    acct, t = P.acct(), P.time()
    u, key, ip = P.bg_user(acct)
    e = P.mk("DeactivateMFADevice", acct=acct, region="us-east-1", t=t, ident=u.ident(key), ip=ip,
             ua=P.ua("cli", "DeactivateMFADevice", "iam.x"),
             rp={"userName": "maria.garcia", "serialNumber": f"arn:aws:iam::{acct}:mfa/maria.garcia"},
             error=("AccessDenied", "not authorized to perform: iam:DeactivateMFADevice"), scenario="decoy-mfa-denied")
    P.decoy("decoy-mfa-denied", [e], ["NG-IAM-356"], "DeactivateMFADevice that failed")

    # ---- NG-S3-357: buckets made public and not reverted within the window
    def s3(name, acct, region, t, who, bucket, rp_extra, scenario, error=None):
        ident, ip, ua = who
        rp = {"bucketName": bucket, "Host": f"{bucket}.s3.{region}.amazonaws.com"}
        rp.update(rp_extra)
        return P.mk(name, acct=acct, region=region, t=t, ident=ident, ip=ip, ua=ua, rp=rp, re_=None, aed=s3aed(),
                    resources=s3res(acct, bucket), error=error, scenario=scenario)

    owner = hexid(rng, 64)
    grant_owner = {"Grantee": {"xsi:type": "CanonicalUser", "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
                               "ID": owner}, "Permission": "FULL_CONTROL"}

    def acl_grants(public):
        grants = [grant_owner]
        if public:
            grants.append({"Grantee": {"xsi:type": "Group", "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
                                       "URI": public}, "Permission": "READ"})
        return {"acl": "", "AccessControlPolicy": {"AccessControlList": {"Grant": grants if public else grant_owner},
                                                   "xmlns": "http://s3.amazonaws.com/doc/2006-03-01/",
                                                   "Owner": {"ID": owner}}}

    def policy(bucket, principal, condition=None):
        st = {"Sid": "PublicRead", "Effect": "Allow", "Principal": principal, "Action": "s3:GetObject",
              "Resource": f"arn:aws:s3:::{bucket}/*"}
        if condition:
            st["Condition"] = condition
        return {"bucketPolicy": {"Version": "2012-10-17", "Statement": [st]}, "policy": ""}

    def pab(value):
        return {"publicAccessBlock": "", "PublicAccessBlockConfiguration": {
            "xmlns": "http://s3.amazonaws.com/doc/2006-03-01/", "RestrictPublicBuckets": value,
            "BlockPublicPolicy": value, "BlockPublicAcls": value, "IgnorePublicAcls": value}}

    def pab_partial():
        d = pab(True)
        d["PublicAccessBlockConfiguration"]["BlockPublicPolicy"] = False
        d["PublicAccessBlockConfiguration"]["RestrictPublicBuckets"] = False
        return d

    def s3_who(acct, t):
        if rng.random() < 0.5:
            u, key, ip = P.bg_user(acct)
            return u.ident(key), ip, P.ua("cli", "PutBucketAcl", "s3.x")
        return P.bg_role_ident(acct, t)

    public_variants = [
        ("PutBucketAcl", lambda b: acl_grants(PUBLIC_GROUPS[0]), "acl-grant-allusers"),
        ("PutBucketAcl", lambda b: {"acl": "", "x-amz-acl": ["public-read"]}, "acl-canned-public-read"),
        ("PutBucketPolicy", lambda b: policy(b, "*"), "policy-principal-star"),
        ("PutBucketPolicy", lambda b: policy(b, {"AWS": "*"}), "policy-principal-aws-star"),
        ("DeletePublicAccessBlock", lambda b: {"publicAccessBlock": ""}, "public-access-block-deleted"),
        ("PutPublicAccessBlock", lambda b: pab_partial(), "public-access-block-flags-false"),
        ("PutBucketAcl", lambda b: acl_grants(PUBLIC_GROUPS[1]), "acl-grant-authenticated-users"),
    ]
    for i in range(max(n, len(public_variants))):
        name, rp_fn, label = public_variants[i % len(public_variants)]
        acct = P.acct()
        region = P.region(acct, "s3.amazonaws.com")
        t = P.time(H)
        b = P.bucket(rng.choice(["web-assets", "exports", "reports", "backups-tmp", "shared-data", "logs-archive"]))
        s3(name, acct, region, t, s3_who(acct, t), b, rp_fn(b), f"s3-public-not-reverted-{label}")
    # public, reverted only after the window: still a finding
    acct = P.acct()
    region = P.region(acct, "s3.amazonaws.com")
    t = P.time(4 * H)
    b = P.bucket("marketing-site")
    who = s3_who(acct, t)
    s3("PutBucketAcl", acct, region, t, who, b, {"acl": "", "x-amz-acl": ["public-read"]}, "s3-public-reverted-too-late")
    s3("PutBucketAcl", acct, region, t + 3 * H, who, b, {"acl": "", "x-amz-acl": ["private"]},
       "s3-public-reverted-too-late")
    # public, the revert attempt failed: still a finding
    acct = P.acct()
    region = P.region(acct, "s3.amazonaws.com")
    t = P.time(H)
    b = P.bucket("customer-uploads")
    who = s3_who(acct, t)
    s3("PutBucketPolicy", acct, region, t, who, b, policy(b, "*"), "s3-public-revert-denied")
    s3("DeleteBucketPolicy", acct, region, t + 600, who, b, {"policy": ""}, "s3-public-revert-denied",
       error=("AccessDenied", "Access Denied"))
    # reverted within the window: no finding
    reverted = [
        ("PutBucketAcl", lambda b: {"acl": "", "x-amz-acl": ["public-read"]}, "PutBucketAcl",
         lambda b: {"acl": "", "x-amz-acl": ["private"]}, 10 * 60),
        ("PutBucketPolicy", lambda b: policy(b, "*"), "DeleteBucketPolicy", lambda b: {"policy": ""}, 20 * 60),
        ("DeletePublicAccessBlock", lambda b: {"publicAccessBlock": ""}, "PutPublicAccessBlock", lambda b: pab(True),
         5 * 60),
        ("PutBucketAcl", lambda b: acl_grants(PUBLIC_GROUPS[0]), "DeleteBucket", lambda b: {}, 30 * 60),
        ("PutBucketPolicy", lambda b: policy(b, {"AWS": "*"}), "PutBucketPolicy",
         lambda b: policy(b, {"AWS": f"arn:aws:iam::{P.accounts[0]}:root"}), 15 * 60),
        ("PutPublicAccessBlock", lambda b: pab(False), "PutBucketAcl", lambda b: acl_grants(None), 45 * 60),
    ]
    for i in range(max(n, len(reverted))):
        pname, prp, rname, rrp, delay = reverted[i % len(reverted)]
        acct = P.acct()
        region = P.region(acct, "s3.amazonaws.com")
        t = P.straddle(acct, region, delay // 2, delay) if i < 2 else P.time(H)
        b = P.bucket(rng.choice(["staging-assets", "tmp-share", "qa-artifacts", "partner-drop"]))
        who = s3_who(acct, t)
        label = f"decoy-s3-public-reverted-{kebab(pname)}-then-{kebab(rname)}"
        e1 = s3(pname, acct, region, t, who, b, prp(b), label)
        e2 = s3(rname, acct, region, t + delay, who, b, rrp(b), label)
        P.decoy(label, [e1, e2], ["NG-S3-357"], f"made public, reverted {delay // 60} min later")
    acct = P.acct()
    region = P.region(acct, "s3.amazonaws.com")
    t = P.time()
    b = P.bucket("org-shared")
    e1 = s3("PutBucketPolicy", acct, region, t, s3_who(acct, t), b,
            policy(b, "*", {"StringEquals": {"aws:PrincipalOrgID": "o-" + hexid(rng, 10)}}),
            "decoy-s3-policy-star-with-condition")
    b = P.bucket("secret-reports")
    e2 = s3("PutBucketAcl", acct, region, t + 3 * H, s3_who(acct, t), b, acl_grants(PUBLIC_GROUPS[0]),
            "decoy-s3-public-acl-denied", error=("AccessDenied", "Access Denied"))
    P.decoy("decoy-s3-policy-star-with-condition", [e1], ["NG-S3-357"], "Principal * restricted by a Condition")
    P.decoy("decoy-s3-public-acl-denied", [e2], ["NG-S3-357"], "public ACL attempt that failed")

    # ---- NG-EC2-358: security group opened to the world
    def sg_rp(cidr=None, cidr6=None, port=22, proto="tcp"):
        perm = {"ipProtocol": proto, "fromPort": port, "toPort": port, "groups": {},
                "ipRanges": {"items": [{"cidrIp": cidr}]} if cidr else {},
                "ipv6Ranges": {"items": [{"cidrIpv6": cidr6}]} if cidr6 else {}, "prefixListIds": {}}
        if proto == "-1":
            perm.pop("fromPort")
            perm.pop("toPort")
        return {"groupId": "sg-0" + hexid(rng, 16), "ipPermissions": {"items": [perm]}}

    def sg_re(acct, rp, rid_hint=True):
        perm = rp["ipPermissions"]["items"][0] if rp.get("ipPermissions", {}).get("items") else rp
        item = {"groupOwnerId": acct, "groupId": rp["groupId"], "securityGroupRuleId": "sgr-0" + hexid(rng, 16),
                "isEgress": False, "ipProtocol": perm.get("ipProtocol"), "fromPort": perm.get("fromPort", -1),
                "toPort": perm.get("toPort", -1)}
        return {"requestId": uuid4(rng), "_return": True, "securityGroupRuleSet": {"items": [item]}}

    sg_variants = [("ssh-ipv4", lambda: sg_rp("0.0.0.0/0", port=22)),
                   ("rdp-ipv6", lambda: sg_rp(cidr6="::/0", port=3389)),
                   ("all-traffic-ipv4", lambda: sg_rp("0.0.0.0/0", proto="-1")),
                   ("legacy-cidrip-postgres", lambda: {"groupId": "sg-0" + hexid(rng, 16), "ipPermissions": {},
                                                       "ipProtocol": "tcp", "fromPort": 5432, "toPort": 5432,
                                                       "cidrIp": "0.0.0.0/0"}),
                   ("modify-rules-ssh", None)]
    for i in range(max(n, len(sg_variants))):
        label, fn = sg_variants[i % len(sg_variants)]
        acct = P.acct()
        region = P.region(acct, "ec2.amazonaws.com")
        t = P.time()
        u, key, ip = P.bg_user(acct)
        if fn is None:
            sg = "sg-0" + hexid(rng, 16)
            P.mk("ModifySecurityGroupRules", acct=acct, region=region, t=t, ident=u.ident(key), ip=ip,
                 ua=P.ua("cli", "ModifySecurityGroupRules", "ec2.x"),
                 rp={"ModifySecurityGroupRulesRequest": {"GroupId": sg, "SecurityGroupRule": {
                     "SecurityGroupRuleId": "sgr-0" + hexid(rng, 16), "tag": 1,
                     "SecurityGroupRule": {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIpv4": "0.0.0.0/0",
                                           "Description": "temp debug"}}}},
                 re_={"ModifySecurityGroupRulesResponse": {"xmlns": "http://ec2.amazonaws.com/doc/2016-11-15/",
                                                           "requestId": uuid4(rng), "return": True}},
                 scenario=f"sg-open-world-{label}")
        else:
            rp = fn()
            P.mk("AuthorizeSecurityGroupIngress", acct=acct, region=region, t=t, ident=u.ident(key), ip=ip,
                 ua=P.ua("cli", "AuthorizeSecurityGroupIngress", "ec2.x"), rp=rp, re_=sg_re(acct, rp),
                 scenario=f"sg-open-world-{label}")
    acct = P.acct()
    region = P.region(acct, "ec2.amazonaws.com")
    u, key, ip = P.bg_user(acct)
    rp = sg_rp("10.0.0.0/8", port=443)
    e1 = P.mk("AuthorizeSecurityGroupIngress", acct=acct, region=region, t=P.time(), ident=u.ident(key), ip=ip,
              ua=P.ua("cli", "AuthorizeSecurityGroupIngress", "ec2.x"), rp=rp, re_=sg_re(acct, rp),
              scenario="decoy-sg-private-cidr")
    rp = sg_rp("0.0.0.0/0", port=22)
    e2 = P.mk("AuthorizeSecurityGroupIngress", acct=acct, region=region, t=P.time(), ident=u.ident(key), ip=ip,
              ua=P.ua("cli", "AuthorizeSecurityGroupIngress", "ec2.x"), rp=rp,
              error=("Client.UnauthorizedOperation", "You are not authorized to perform this operation."),
              scenario="decoy-sg-open-denied")
    P.decoy("decoy-sg-private-cidr", [e1], ["NG-EC2-358"], "ingress from 10.0.0.0/8")
    P.decoy("decoy-sg-open-denied", [e2], ["NG-EC2-358"], "0.0.0.0/0 ingress that failed")

    # ---- NG-TRAIL-359: trail logging reduced
    def trail_arn(acct, region, name="management-events"):
        return f"arn:aws:cloudtrail:{region}:{acct}:trail/{name}"

    def trail_re(acct, region, name, **over):
        d = {"name": name, "s3BucketName": f"aws-cloudtrail-logs-{acct}-{hexid(rng, 8)}",
             "includeGlobalServiceEvents": True, "isMultiRegionTrail": True, "trailARN": trail_arn(acct, region, name),
             "logFileValidationEnabled": True, "isOrganizationTrail": False}
        d.update(over)
        return d

    trail_variants = ["StopLogging", "DeleteTrail", "UpdateTrail-multi", "UpdateTrail-validation",
                      "UpdateTrail-global", "PutEventSelectors-nomgmt", "PutEventSelectors-writeonly"]
    for i in range(max(n, len(trail_variants))):
        v = trail_variants[i % len(trail_variants)]
        acct = P.acct()
        region = P.region(acct, "cloudtrail.amazonaws.com")
        t = P.time()
        ident, ip, ua = P.bg_role_ident(acct, t) if i % 2 else (lambda u, k, ip: (u.ident(k), ip, P.ua(
            "cli", "StopLogging", "cloudtrail.x")))(*P.bg_user(acct))
        tn = rng.choice(["management-events", "org-trail", "security-trail"])
        name = v.split("-")[0]
        if name in ("StopLogging", "DeleteTrail"):
            rp, re_ = {"name": trail_arn(acct, region, tn)}, None
        elif v == "UpdateTrail-multi":
            rp, re_ = {"name": tn, "isMultiRegionTrail": False}, trail_re(acct, region, tn, isMultiRegionTrail=False)
        elif v == "UpdateTrail-validation":
            rp, re_ = ({"name": tn, "enableLogFileValidation": False},
                       trail_re(acct, region, tn, logFileValidationEnabled=False))
        elif v == "UpdateTrail-global":
            rp, re_ = ({"name": tn, "includeGlobalServiceEvents": False},
                       trail_re(acct, region, tn, includeGlobalServiceEvents=False))
        else:
            sel = {"readWriteType": "All" if v.endswith("nomgmt") else "WriteOnly",
                   "includeManagementEvents": not v.endswith("nomgmt"),
                   "dataResources": [{"type": "AWS::S3::Object", "values": []}], "excludeManagementEventSources": []}
            rp = {"trailName": tn, "eventSelectors": [sel]}
            re_ = {"trailARN": trail_arn(acct, region, tn), "eventSelectors": [sel]}
        P.mk(name, acct=acct, region=region, t=t, ident=ident, ip=ip, ua=ua, rp=rp, re_=re_,
             scenario=f"trail-{kebab(v)}")
    acct = P.acct()
    region = P.region(acct, "cloudtrail.amazonaws.com")
    u, key, ip = P.bg_user(acct)
    ua = P.ua("cli", "UpdateTrail", "cloudtrail.x")
    e1 = P.mk("UpdateTrail", acct=acct, region=region, t=P.time(), ident=u.ident(key), ip=ip, ua=ua,
              rp={"name": "management-events", "s3BucketName": f"central-trail-logs-{hexid(rng, 6)}"},
              re_=trail_re(acct, region, "management-events"), scenario="decoy-trail-update-bucket")
    sel = {"readWriteType": "All", "includeManagementEvents": True, "dataResources": [],
           "excludeManagementEventSources": []}
    e2 = P.mk("PutEventSelectors", acct=acct, region=region, t=P.time(), ident=u.ident(key), ip=ip, ua=ua,
              rp={"trailName": "management-events", "eventSelectors": [sel]},
              re_={"trailARN": trail_arn(acct, region), "eventSelectors": [sel]}, scenario="decoy-trail-selectors-all")
    e3 = P.mk("StopLogging", acct=acct, region=region, t=P.time(), ident=u.ident(key), ip=ip, ua=ua,
              rp={"name": trail_arn(acct, region)}, re_=None,
              error=("AccessDeniedException", "not authorized to perform: cloudtrail:StopLogging"),
              scenario="decoy-trail-stop-denied")
    P.decoy("decoy-trail-update-bucket", [e1], ["NG-TRAIL-359"], "UpdateTrail changing only the bucket")
    P.decoy("decoy-trail-selectors-all", [e2], ["NG-TRAIL-359"], "event selectors All + management events")
    P.decoy("decoy-trail-stop-denied", [e3], ["NG-TRAIL-359"], "StopLogging that failed")

    # ---- NG-CONFIG-360: Config recording stopped
    cfg = [("StopConfigurationRecorder", {"configurationRecorderName": "default"}),
           ("DeleteConfigurationRecorder", {"configurationRecorderName": "default"}),
           ("DeleteDeliveryChannel", {"deliveryChannelName": "default"})]
    for i in range(max(n, len(cfg))):
        name, rp = cfg[i % len(cfg)]
        acct = P.acct()
        region = P.region(acct, "config.amazonaws.com")
        t = P.time()
        ident, ip, ua = P.bg_role_ident(acct, t)
        P.mk(name, acct=acct, region=region, t=t, ident=ident, ip=ip, ua=ua, rp=dict(rp), re_=None,
             scenario=f"config-{kebab(name)}")
    acct = P.acct()
    region = P.region(acct, "config.amazonaws.com")
    t = P.time()
    ident, ip, ua = P.bg_role_ident(acct, t)
    e = P.mk("StopConfigurationRecorder", acct=acct, region=region, t=t, ident=ident, ip=ip, ua=ua,
             rp={"configurationRecorderName": "default"}, re_=None,
             error=("NoSuchConfigurationRecorderException", "Cannot find configuration recorder"),
             scenario="decoy-config-stop-failed")
    P.decoy("decoy-config-stop-failed", [e], ["NG-CONFIG-360"], "StopConfigurationRecorder that failed")

    # ---- NG-EC2-361: snapshots / AMIs made public
    share = [
        ("ModifySnapshotAttribute", lambda: {"snapshotId": "snap-0" + hexid(rng, 16),
                                             "attributeType": "CREATE_VOLUME_PERMISSION",
                                             "createVolumePermission": {"add": {"items": [{"group": "all"}]}}}),
        ("ModifyImageAttribute", lambda: {"imageId": "ami-0" + hexid(rng, 16), "attributeType": "launchPermission",
                                          "launchPermission": {"add": {"items": [{"group": "all"}]}}}),
        ("ModifyDBSnapshotAttribute", lambda: {"dBSnapshotIdentifier": P.bucket("prod-db-snap"),
                                               "attributeName": "restore", "valuesToAdd": ["all"]}),
        ("ModifyDBClusterSnapshotAttribute", lambda: {"dBClusterSnapshotIdentifier": P.bucket("aurora-snap"),
                                                      "attributeName": "restore", "valuesToAdd": ["all"]}),
    ]

    def share_re(name, rp):
        if name.startswith("ModifyDB"):
            k = "dBSnapshotIdentifier" if "dBSnapshotIdentifier" in rp else "dBClusterSnapshotIdentifier"
            attrs = "dBSnapshotAttributes" if k == "dBSnapshotIdentifier" else "dBClusterSnapshotAttributes"
            return {k: rp[k], attrs: [{"attributeName": "restore", "attributeValues": rp.get("valuesToAdd", [])}]}
        return {"requestId": uuid4(rng), "_return": True}

    for i in range(max(n, len(share))):
        name, fn = share[i % len(share)]
        acct = P.acct()
        region = P.region(acct, "ec2.amazonaws.com")
        t = P.time()
        u, key, ip = P.bg_user(acct)
        rp = fn()
        P.mk(name, acct=acct, region=region, t=t, ident=u.ident(key), ip=ip, ua=P.ua("cli", name, "ec2.x"), rp=rp,
             re_=share_re(name, rp), scenario=f"made-public-{kebab(name)}")
    acct = P.acct()
    region = P.region(acct, "ec2.amazonaws.com")
    u, key, ip = P.bg_user(acct)
    rp1 = {"snapshotId": "snap-0" + hexid(rng, 16), "attributeType": "CREATE_VOLUME_PERMISSION",
           "createVolumePermission": {"add": {"items": [{"userId": P.accounts[-1] if len(P.accounts) > 1
                                                         else "111122223333"}]}}}
    rp2 = {"snapshotId": "snap-0" + hexid(rng, 16), "attributeType": "CREATE_VOLUME_PERMISSION",
           "createVolumePermission": {"remove": {"items": [{"group": "all"}]}}}
    rp3 = {"dBSnapshotIdentifier": P.bucket("dr-copy"), "attributeName": "restore", "valuesToAdd": ["210987654321"]}
    es = [P.mk("ModifySnapshotAttribute", acct=acct, region=region, t=P.time(), ident=u.ident(key), ip=ip,
               ua=P.ua("cli", "ModifySnapshotAttribute", "ec2.x"), rp=rp1, re_=share_re("x", rp1),
               scenario="decoy-snapshot-shared-with-account"),
          P.mk("ModifySnapshotAttribute", acct=acct, region=region, t=P.time(), ident=u.ident(key), ip=ip,
               ua=P.ua("cli", "ModifySnapshotAttribute", "ec2.x"), rp=rp2, re_=share_re("x", rp2),
               scenario="decoy-snapshot-public-removed"),
          P.mk("ModifyDBSnapshotAttribute", acct=acct, region=region, t=P.time(), ident=u.ident(key), ip=ip,
               ua=P.ua("cli", "ModifyDBSnapshotAttribute", "rds.x"), rp=rp3,
               re_=share_re("ModifyDBSnapshotAttribute", rp3), scenario="decoy-db-snapshot-shared-with-account")]
    P.decoy("decoy-snapshot-sharing", es, ["NG-EC2-361"],
            "snapshot shared with one account, public permission removed, DB snapshot shared with one account")

    # ---- NG-BACKUP-362: backups deleted (single events)
    vault = lambda: P.bucket("prod-vault")  # noqa: E731
    backups = {
        "DeleteSnapshot": lambda a, r: ({"snapshotId": "snap-0" + hexid(rng, 16)},
                                        {"requestId": uuid4(rng), "_return": True}),
        "DeleteDBSnapshot": lambda a, r: (lambda s: ({"dBSnapshotIdentifier": s}, {
            "dBSnapshotIdentifier": s, "dBSnapshotArn": f"arn:aws:rds:{r}:{a}:snapshot:{s}", "status": "deleted",
            "snapshotType": "manual", "engine": "postgres"}))(P.bucket("orders-db-manual")),
        "DeleteDBClusterSnapshot": lambda a, r: (lambda s: ({"dBClusterSnapshotIdentifier": s}, {
            "dBClusterSnapshotIdentifier": s, "dBClusterSnapshotArn": f"arn:aws:rds:{r}:{a}:cluster-snapshot:{s}",
            "status": "deleted", "snapshotType": "manual"}))(P.bucket("aurora-manual")),
        "DeleteRecoveryPoint": lambda a, r: ({"backupVaultName": "Default",
                                              "recoveryPointArn": f"arn:aws:ec2:{r}::snapshot/snap-0{hexid(rng, 16)}"},
                                             None),
        "DeleteBackupVault": lambda a, r: ({"backupVaultName": vault()}, None),
        "PutBackupVaultAccessPolicy": lambda a, r: (lambda v: ({"backupVaultName": v, "policy": json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"},
                                                    "Action": "backup:DeleteRecoveryPoint",
                                                    "Resource": f"arn:aws:backup:{r}:{a}:backup-vault:{v}"}]})},
                                                    None))(vault()),
        "DeleteBackupVaultAccessPolicy": lambda a, r: ({"backupVaultName": vault()}, None),
        "DeleteBackupVaultLockConfiguration": lambda a, r: ({"backupVaultName": vault()}, None),
        "DeleteBackupPlan": lambda a, r: (lambda pid: ({"backupPlanId": pid}, {
            "backupPlanId": pid, "backupPlanArn": f"arn:aws:backup:{r}:{a}:backup-plan:{pid}",
            "deletionDate": "Mar 12, 2024 3:04:05 PM", "versionId": base64.b64encode(rng.randbytes(24)).decode()}))(
            uuid4(rng)),
    }
    bnames = list(backups)
    for i in range(max(n, len(bnames))):
        name = bnames[i % len(bnames)]
        acct = P.acct()
        region = P.region(acct, SOURCE_OF[name])
        t = P.time()
        u, key, ip = P.bg_user(acct)
        rp, re_ = backups[name](acct, region)
        P.mk(name, acct=acct, region=region, t=t, ident=u.ident(key), ip=ip,
             ua=P.ua("cli", name, SOURCE_OF[name]), rp=rp, re_=re_, scenario=f"backup-deleted-{kebab(name)}")
    acct = P.acct()
    region = P.region(acct, "ec2.amazonaws.com")
    u, key, ip = P.bg_user(acct)
    rp, _ = backups["DeleteSnapshot"](acct, region)
    e = P.mk("DeleteSnapshot", acct=acct, region=region, t=P.time(), ident=u.ident(key), ip=ip,
             ua=P.ua("cli", "DeleteSnapshot", "ec2.x"), rp=rp, re_=None,
             error=("Client.InvalidSnapshot.InUse", "The snapshot is currently in use by an AMI"),
             scenario="decoy-snapshot-delete-failed")
    P.decoy("decoy-snapshot-delete-failed", [e], ["NG-BACKUP-362"], "DeleteSnapshot that failed")

    # ---- NG-BACKUP-363: one principal deletes data and its backups within 60 minutes
    datas = {
        "DeleteDBInstance": lambda a, r: (lambda d: ({"dBInstanceIdentifier": d, "skipFinalSnapshot": True,
                                                      "deleteAutomatedBackups": True},
                                                     {"dBInstanceIdentifier": d, "dBInstanceStatus": "deleting",
                                                      "dBInstanceArn": f"arn:aws:rds:{r}:{a}:db:{d}"}))(
            P.bucket("orders-prod")),
        "DeleteDBCluster": lambda a, r: (lambda d: ({"dBClusterIdentifier": d, "skipFinalSnapshot": True},
                                                    {"dBClusterIdentifier": d, "status": "deleting",
                                                     "dBClusterArn": f"arn:aws:rds:{r}:{a}:cluster:{d}"}))(
            P.bucket("aurora-prod")),
        "DeleteTable": lambda a, r: (lambda d: ({"tableName": d}, {"tableDescription": {
            "tableName": d, "tableStatus": "DELETING", "tableArn": f"arn:aws:dynamodb:{r}:{a}:table/{d}"}}))(
            P.bucket("sessions")),
        "DeleteVolume": lambda a, r: ({"volumeId": "vol-0" + hexid(rng, 16)}, {"requestId": uuid4(rng), "_return": True}),
        "DeleteFileSystem": lambda a, r: ({"fileSystemId": "fs-0" + hexid(rng, 16)}, None),
        "DeleteBucket": None,
    }
    pairs = [("DeleteDBInstance", "DeleteDBSnapshot"), ("DeleteBucket", "DeleteSnapshot"),
             ("DeleteTable", "DeleteRecoveryPoint"), ("DeleteVolume", "DeleteSnapshot"),
             ("DeleteDBCluster", "DeleteDBClusterSnapshot"), ("DeleteFileSystem", "DeleteBackupVault")]

    def delete(name, acct, region, t, who, scenario):
        ident, ip, ua = who
        if name == "DeleteBucket":
            b = P.bucket("prod-data")
            return s3("DeleteBucket", acct, region, t, who, b, {}, scenario)
        fn = datas.get(name) or backups[name]
        rp, re_ = fn(acct, region)
        return P.mk(name, acct=acct, region=region, t=t, ident=ident, ip=ip, ua=ua, rp=rp, re_=re_, scenario=scenario)

    def destroyer(acct, t, i):
        if i % 2 == 0:
            u, key, ip = P.new_user(acct, P.name("contractor-" + rng.choice(HUMANS).split(".")[0]))
            return u.ident(key), ip, P.ua("cli", "DeleteDBInstance", "rds.x")
        ident = P.new_role_session(acct, P.name("ops-automation"), f"botocore-session-{t}", t)
        return ident, rand_ip(rng, "aws"), P.ua("boto3", "x", "x.x")

    for i in range(max(n, len(pairs))):
        data, backup = pairs[i % len(pairs)]
        acct = P.acct()
        region = P.region(acct, "rds.amazonaws.com")
        gap = rng.randint(5, 50) * 60
        t = P.straddle(acct, region, gap // 2, gap) if i == 0 else P.time(H)
        who = destroyer(acct, t, i)
        first, second = (data, backup) if i % 3 != 2 else (backup, data)
        delete(first, acct, region, t, who, "data-and-backup-deleted-by-one-principal")
        delete(second, acct, region, t + gap, who, "data-and-backup-deleted-by-one-principal")
    acct = P.acct()
    region = P.region(acct, "rds.amazonaws.com")
    t = P.time(4 * H)
    who = destroyer(acct, t, 0)
    e1 = delete("DeleteDBInstance", acct, region, t, who, "decoy-data-and-backup-hours-apart")
    e2 = delete("DeleteDBSnapshot", acct, region, t + 3 * H, who, "decoy-data-and-backup-hours-apart")
    P.decoy("decoy-data-and-backup-hours-apart", [e1, e2], ["NG-BACKUP-363"],
            "one principal, data and backup deleted 3 hours apart (the backup still fires NG-BACKUP-362)")
    t = P.time(H)
    e1 = delete("DeleteVolume", acct, region, t, destroyer(acct, t, 0), "decoy-data-and-backup-two-principals")
    e2 = delete("DeleteSnapshot", acct, region, t + 600, destroyer(acct, t, 1), "decoy-data-and-backup-two-principals")
    P.decoy("decoy-data-and-backup-two-principals", [e1, e2], ["NG-BACKUP-363"],
            "data and backup deleted 10 minutes apart by two principals (the backup still fires NG-BACKUP-362)")

    # ---- NG-ORG-364: leaving the organization
    for i in range(max(n, 2)):
        acct, t = P.acct(), P.time()
        if i % 2 == 0:
            ident, ip, ua = P.bg_role_ident(acct, t)
            P.mk("LeaveOrganization", acct=acct, region="us-east-1", t=t, ident=ident, ip=ip, ua=ua, rp=None, re_=None,
                 scenario="leave-organization")
        else:
            u, key, ip = P.bg_user(acct)
            other = str(rng.randint(100000000000, 999999999999))
            P.mk("RemoveAccountFromOrganization", acct=acct, region="us-east-1", t=t, ident=u.ident(key), ip=ip,
                 ua=P.ua("cli", "RemoveAccountFromOrganization", "organizations.x"), rp={"accountId": other},
                 re_=None, scenario="remove-account-from-organization")
    acct, t = P.acct(), P.time()
    ident, ip, ua = P.bg_role_ident(acct, t)
    e = P.mk("LeaveOrganization", acct=acct, region="us-east-1", t=t, ident=ident, ip=ip, ua=ua, rp=None, re_=None,
             error=("AccessDeniedException", "You don't have permissions to access this resource."),
             scenario="decoy-leave-organization-denied")
    P.decoy("decoy-leave-organization-denied", [e], ["NG-ORG-364"], "LeaveOrganization that failed")

    # ---- NG-KEYS-365: a long-term key used from a new IP
    recon = P.names_available(["GetCallerIdentity", "ListBuckets", "DescribeInstances", "ListUsers",
                               "GetSecretValue", "DescribeRegions", "ListRoles"])
    used_keys = set()
    for i in range(n):
        acct = P.acct()
        users = [u for u in P.world[acct]["users"] if u.keys[0][0] not in used_keys]
        u = users[i % len(users)] if users else P.world[acct]["users"][0]
        key, usual = u.keys[0]
        used_keys.add(key)
        # the first: usual IP before a file boundary, the new IP 5 minutes after it
        t = P.straddle(acct, P.regions[acct][0], -5 * 60, 30 * H) if i == 0 else P.time(30 * H)
        name = rng.choice(recon)
        P.from_bg(name, acct=acct, region=region_for(acct, name), t=t - rng.randint(30, 90) * 60, ident=u.ident(key),
                  ip=usual, ua=ua_for(u.ua, u.ua_a, u.ua_b, P.tpls.bg_by_name[name][0]),
                  scenario="access-key-usual-ip")
        for ip_n in range(1 + (i % 3 == 0)):
            new_ip = rand_ip(rng, "evil")
            ua = rng.choice(ATTACKER_UAS)
            tt = t + ip_n * 24 * H
            for k, name in enumerate(rng.sample(recon, min(3, len(recon)))):
                P.from_bg(name, acct=acct, region=region_for(acct, name), t=tt + k * rng.randint(20, 200),
                          ident=u.ident(key), ip=new_ip, ua=ua, scenario="access-key-new-source-ip")
    acct = P.acct()
    u = P.world[acct]["users"][-1]
    key, usual = u.keys[0]
    t = P.time(3 * H)
    name = rng.choice(recon)
    es = [P.from_bg(name, acct=acct, region=region_for(acct, name), t=t, ident=u.ident(key), ip="AWS Internal",
                    ua="AWS Internal", scenario="decoy-key-service-source")]
    ident = dict(u.ident(key))
    ident["invokedBy"] = "cloudformation.amazonaws.com"
    es.append(P.from_bg(name, acct=acct, region=region_for(acct, name), t=t + 600, ident=ident,
                        ip="cloudformation.amazonaws.com", ua="cloudformation.amazonaws.com",
                        scenario="decoy-key-service-source"))
    es.append(P.from_bg(name, acct=acct, region=region_for(acct, name), t=t + 1200, ident=u.ident(key),
                        ip=rand_ip(rng, "evil"), ua=ATTACKER_UAS[0], error=("AccessDenied", "Access Denied"),
                        scenario="decoy-key-new-ip-failed"))
    P.decoy("decoy-key-service-source", es[:2], ["NG-KEYS-365"],
            "AKIA key with sourceIPAddress 'AWS Internal' / a service name")
    P.decoy("decoy-key-new-ip-failed", es[2:], ["NG-KEYS-365"], "AKIA key from a new IP, the call failed")


# --------------------------------------------------------------------------------------
# planning and running


def calibrate(tpls: Templates, world: dict, accounts: list[str], regions: list[str], seed: int) -> tuple[float, float]:
    """Average record size and gzip ratio of the background, measured on a sample."""
    rng = random.Random(f"calibrate/{seed}")
    parts = []
    for acct, region in [(accounts[0], "us-east-1"), (accounts[-1], regions[-1])]:
        times = sorted(rng.randrange(0, 86400 * 30) + 1700000000 for _ in range(2500))
        parts += [s for _, s in background(rng, times, acct, region, Counter())]
    raw = ("{\"Records\":[" + ",".join(parts) + "]}").encode()
    return len(raw) / len(parts), len(raw) / len(gzip.compress(raw, 6))


def plan_streams(n_files: int, accounts_all: list[str], rng: random.Random) -> list[tuple[str, str]]:
    n_streams = max(2, min(8, n_files // 3))
    n_accounts = max(1, min(len(accounts_all), n_streams // 2))
    accounts = accounts_all[:n_accounts]
    streams = [(a, "us-east-1") for a in accounts]
    others = [r for r in REGIONS if r != "us-east-1"]
    i = 0
    while len(streams) < n_streams:
        a = accounts[i % n_accounts]
        used = {r for x, r in streams if x == a}
        streams.append((a, next(r for r in others if r not in used)))
        i += 1
    return streams


def generate(args) -> int:
    t_start = time.monotonic()
    out = Path(args.out).resolve()
    if out.exists() and any(out.iterdir()):
        if not args.force:
            print(f"gen_corpus: {out} is not empty (use --force to replace it)", file=sys.stderr)
            return 2
        shutil.rmtree(out / "AWSLogs", ignore_errors=True)
        (out / "manifest.json").unlink(missing_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    corpus = Path(args.corpus).resolve()
    tpls = Templates(corpus)
    T0 = calendar.timegm(time.strptime(args.start, "%Y-%m-%d"))
    T1 = T0 + args.days * 86400
    accounts_all = make_accounts(args.seed, 4)
    world_all = build_world(args.seed, accounts_all)
    _W.update(tpls=tpls, world=world_all, role_share=args.assumed_role_share)
    avg, ratio = calibrate(tpls, world_all, accounts_all, REGIONS, args.seed)
    total = int(args.size_mb * MIB)
    rng = random.Random(f"plan/{args.seed}")
    sizes = []
    while sum(sizes) < total:
        sizes.append(rng.uniform(1.0, 5.0) * MIB * ratio)
    if len(sizes) < 4:
        sizes = [total / 4] * 4
    scale = total / sum(sizes)
    sizes = [s * scale for s in sizes]
    streams = plan_streams(len(sizes), accounts_all, rng)
    accounts = sorted({a for a, _ in streams}, key=[a for a, _ in streams].index)
    # files per stream, each stream covering the whole time line
    per_stream: dict[tuple, list[float]] = defaultdict(list)
    for i, s in enumerate(sizes):
        per_stream[streams[i % len(streams)]].append(s)
    files = []
    boundaries: dict[tuple, list[int]] = {}
    for st in streams:
        ss = per_stream[st]
        tot = sum(ss)
        acc, t_prev = 0.0, T0
        bs = []
        for k, s in enumerate(ss):
            acc += s
            t_next = T1 if k == len(ss) - 1 else T0 + int((T1 - T0) * acc / tot)
            files.append({"acct": st[0], "region": st[1], "t0": t_prev, "t1": t_next, "size": s})
            if k < len(ss) - 1:
                bs.append(t_next)
            t_prev = t_next
        boundaries[st] = bs
    files.sort(key=lambda f: (f["t1"], f["acct"], f["region"]))
    # planted events
    per_rule = args.per_rule or max(3, min(10, 3 + int(args.size_mb // 250)))
    P = Planter(args.seed, tpls, {a: world_all[a] for a in accounts}, streams, boundaries, T0, T1)
    plant_all(P, per_rule)
    for f in files:
        f["planted"] = []
    index = defaultdict(list)
    for f in files:
        index[(f["acct"], f["region"])].append(f)
    for pe in P.events:
        cands = index[(pe["acct"], pe["region"])]
        if not cands:
            raise SystemExit(f"gen_corpus: planted event for a stream without files: {pe['acct']} {pe['region']}")
        f = next((c for c in cands if c["t0"] <= pe["t"] < c["t1"]), cands[-1])
        f["planted"].append((pe["t"], ENC(pe["ev"]), pe["ev"]["eventID"]))
        pe["file_index"] = files.index(f)
    # expected findings: the contract read over what was planted
    ev_sorted = sorted(P.events, key=lambda pe: pe["t"])
    ref = RefEval(revert_window=args.window * 60)
    for pe in ev_sorted:
        ref.feed(pe["ev"])
    hits = ref.finish()
    check_decoys(hits, P.decoys)
    # jobs
    jobs = []
    for i, f in enumerate(files):
        f["planted"].sort(key=lambda x: x[0])
        planted_bytes = sum(len(s.encode()) + 1 for _, s, _ in f["planted"])
        n_bg = max(1, int(round((f["size"] - planted_bytes) / avg)))
        stamp_t = f["t1"] - (f["t1"] % 300)
        stamp = time.strftime("%Y%m%dT%H%MZ", time.gmtime(stamp_t))
        day = time.strftime("%Y/%m/%d", time.gmtime(stamp_t))
        frng = random.Random(f"name/{args.seed}/{i}")
        rel = (f"AWSLogs/{f['acct']}/CloudTrail/{f['region']}/{day}/"
               f"{f['acct']}_CloudTrail_{f['region']}_{stamp}_{rand_s(frng, 16, ALNUM)}.json.gz")
        jobs.append({"seed": f"file/{args.seed}/{i}", "t0": f["t0"], "t1": f["t1"], "n_bg": n_bg,
                     "acct": f["acct"], "region": f["region"], "planted": f["planted"], "path": str(out / rel),
                     "rel": rel})
    print(f"gen_corpus: {len(jobs)} files, {len(streams)} streams ({len(accounts)} accounts), "
          f"~{avg:.0f} B/event, gzip x{ratio:.1f}, {len(P.events)} planted events, {per_rule} per rule; "
          f"{args.jobs} worker(s)", file=sys.stderr, flush=True)
    results = []
    init = (str(corpus), args.seed, accounts_all, args.assumed_role_share)
    if args.jobs > 1:
        ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
        with ctx.Pool(args.jobs, initializer=_init_worker, initargs=init) as pool:
            for k, r in enumerate(pool.imap(build_file, jobs)):
                results.append(r)
                if (k + 1) % 10 == 0 or k + 1 == len(jobs):
                    print(f"gen_corpus: {k + 1}/{len(jobs)} files, {time.monotonic() - t_start:.0f} s",
                          file=sys.stderr, flush=True)
    else:
        for r in map(build_file, jobs):
            results.append(r)
    expected = {r: 0 for r in RULES}
    planted = []
    for h in hits:
        expected[h["rule_id"]] += 1
        first = h["event_ids"][0]
        planted.append({"rule_id": h["rule_id"], "event_ids": h["event_ids"], "related": h["related"],
                        "scenario": P.scenario_of.get(first), "time": iso(h["time"]),
                        "template": P.template_of.get(first)})
    scenarios: dict[str, list[str]] = defaultdict(list)
    for pe in ev_sorted:
        scenarios[pe["scenario"]].append(pe["ev"]["eventID"])
    ident_types = Counter()
    locations = {}
    for r in results:
        ident_types.update(r["identity_types"])
        for eid, idx in r.pop("planted_index").items():
            locations[eid] = [r["path"], idx]
    manifest = {
        "generator": {"version": GEN_VERSION, "script": "bench/trail/gen_corpus.py", "seed": args.seed,
                      "size_mb": args.size_mb, "days": args.days, "start": args.start, "per_rule": per_rule,
                      "assumed_role_share": args.assumed_role_share, "window_minutes": args.window,
                      "templates": dict(tpls.sources), "background_templates": len(tpls.background),
                      "background_event_names": len({t.name for t in tpls.background}),
                      "seconds": round(time.monotonic() - t_start, 1)},
        "files": len(results),
        "bytes_uncompressed": sum(r["bytes_uncompressed"] for r in results),
        "bytes_compressed": sum(r["bytes_compressed"] for r in results),
        "events": sum(r["events"] for r in results),
        "planted_events": len(P.events),
        "time_range": [iso(T0), iso(T1)],
        "accounts": accounts,
        "streams": [f"{a}/{r}" for a, r in streams],
        "background_identity_types": dict(ident_types),
        "expected": expected,
        "planted": planted,
        "decoys": P.decoys,
        "scenarios": scenarios,
        "locations": locations,
        "file_list": results,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    print(f"gen_corpus: wrote {manifest['files']} files, {manifest['events']} events, "
          f"{manifest['bytes_uncompressed'] / MIB:.1f} MiB uncompressed ({manifest['bytes_compressed'] / MIB:.1f} MiB "
          f"gzip) in {time.monotonic() - t_start:.1f} s; expected: "
          + ", ".join(f"{k.split('-', 1)[1]}={v}" for k, v in expected.items()), file=sys.stderr)
    return 0


def check_decoys(hits: list[dict], decoys: list[dict]) -> None:
    for d in decoys:
        ids = set(d["event_ids"])
        for h in hits:
            if h["rule_id"] in d["must_not"] and ids & set(h["event_ids"]):
                raise SystemExit(f"gen_corpus: decoy {d['scenario']} fires {h['rule_id']} in the reference reading")


# --------------------------------------------------------------------------------------
# verification


def verify(args) -> int:
    out = Path(args.verify).resolve()
    man = json.loads((out / "manifest.json").read_text())
    files = sorted(out.rglob("*.json.gz"))
    problems: list[str] = []
    path_re = re.compile(r"AWSLogs/(\d{12})/CloudTrail/([a-z0-9-]+)/(\d{4})/(\d{2})/(\d{2})/"
                         r"\1_CloudTrail_\2_(\d{8}T\d{4}Z)_[A-Za-z0-9]{16}\.json\.gz$")
    ref = RefEval(revert_window=man["generator"].get("window_minutes", 60) * 60)
    n_events = raw_total = 0
    ids = set()
    dup = 0
    inversions = 0
    missing = Counter()
    sizes = []
    console_bg = 0
    planted_ids = {i for ids_ in man["scenarios"].values() for i in ids_}
    locations = man.get("locations") or {}
    if set(locations) != planted_ids:
        problems.append(f"manifest locates {len(locations)} planted events, {len(planted_ids)} planted")
    t0 = time.monotonic()
    for f in files:
        rel = f.relative_to(out).as_posix()
        m = path_re.search(rel)
        if not m:
            problems.append(f"{rel}: not the S3 delivery layout")
            continue
        acct, region = m.group(1), m.group(2)
        comp = f.read_bytes()
        sizes.append(len(comp))
        raw = gzip.decompress(comp)
        raw_total += len(raw)
        doc = json.loads(raw)
        recs = doc.get("Records") if isinstance(doc, dict) else None
        if not isinstance(recs, list) or list(doc) != ["Records"]:
            problems.append(f"{rel}: not {{\"Records\": [...]}}")
            continue
        prev = None
        for idx, rec in enumerate(recs):
            loc = locations.get(rec.get("eventID"))
            if loc is not None and loc != [rel, idx]:
                problems.append(f"{rel}[{idx}]: manifest locates {rec.get('eventID')} at {loc}")
            n_events += 1
            for k in REQUIRED:
                if k not in rec and not (k == "requestID" and rec.get("eventName") == "ConsoleLogin"):
                    missing[k] += 1
            h = hash(rec.get("eventID"))
            if h in ids:
                dup += 1
            ids.add(h)
            if rec.get("recipientAccountId") != acct or rec.get("awsRegion") != region:
                problems.append(f"{rel}: record of {rec.get('recipientAccountId')}/{rec.get('awsRegion')}")
            et = rec.get("eventTime")
            if prev is not None and et < prev:
                inversions += 1
            prev = et
            if rec.get("eventID") not in planted_ids and (rec.get("sessionCredentialFromConsole")
                                                           or rec.get("userAgent") in CONSOLE_UAS):
                console_bg += 1
            ref.feed(rec)
    hits = ref.finish()
    got = Counter(h["rule_id"] for h in hits)
    exp = man["expected"]
    for r in RULES:
        if got.get(r, 0) != exp.get(r, 0):
            problems.append(f"{r}: reference reading of the corpus finds {got.get(r, 0)}, manifest expects {exp.get(r)}")
    want = {(p["rule_id"], tuple(p["event_ids"])) for p in man["planted"]}
    have = {(h["rule_id"], tuple(h["event_ids"])) for h in hits}
    for x in sorted(have - want)[:10]:
        problems.append(f"unexpected finding {x[0]} on {list(x[1])}")
    for x in sorted(want - have)[:10]:
        problems.append(f"planted finding {x[0]} on {list(x[1])} not found by the reference reading")
    if missing:
        problems.append("records missing fields: " + ", ".join(f"{k} x{v}" for k, v in missing.most_common()))
    if dup:
        problems.append(f"{dup} duplicate eventID(s)")
    if console_bg:
        problems.append(f"{console_bg} background record(s) with console markers")
    for k, v in (("files", len(files)), ("events", n_events), ("bytes_uncompressed", raw_total)):
        if man.get(k) != v:
            problems.append(f"manifest {k} = {man.get(k)}, corpus has {v}")
    sizes.sort()
    print(f"verify: {len(files)} files ({sizes[0] / MIB:.2f}..{sizes[-1] / MIB:.2f} MiB gzip), {n_events} events, "
          f"{raw_total / MIB:.1f} MiB uncompressed, {inversions} out-of-order neighbours, "
          f"{time.monotonic() - t0:.1f} s")
    print("verify: reference findings " + ", ".join(f"{r}={got.get(r, 0)}" for r in RULES))
    for p in problems[:40]:
        print(f"verify: PROBLEM: {p}")
    print("verify: OK" if not problems else f"verify: {len(problems)} problem(s)")
    return 0 if not problems else 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", nargs="?", help="output directory")
    ap.add_argument("--size-mb", type=float, default=1100, help="uncompressed size in MiB (default 1100)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--days", type=int, default=30, help="time line length (default 30)")
    ap.add_argument("--start", default="2024-03-01", help="first day, UTC (default 2024-03-01)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: all cores)")
    ap.add_argument("--per-rule", type=int, default=0,
                    help="planted occurrences per rule (default: 3 + size/250 MiB, at most 10)")
    ap.add_argument("--assumed-role-share", type=float, default=0.4,
                    help="share of background events by assumed roles (default 0.4)")
    ap.add_argument("--window", type=int, default=60, help="revert window the expected counts assume (minutes)")
    ap.add_argument("--corpus", default=str(default_corpus()), help="shared CloudTrail corpus (templates)")
    ap.add_argument("--force", action="store_true", help="replace an existing corpus in OUT")
    ap.add_argument("--verify", metavar="DIR", help="check an existing corpus against its manifest and exit")
    args = ap.parse_args()
    if args.verify:
        return verify(args)
    if not args.out:
        ap.error("OUT is required")
    return generate(args)


if __name__ == "__main__":
    sys.exit(main())
