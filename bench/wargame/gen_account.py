#!/usr/bin/env python3
"""bench/wargame account generator: a synthetic `aws iam get-account-authorization-details` export.

    gen_account.py OUT.json [--principals 10000] [--policies 50000] [--seed 1] [--expected EXPECTED.json]

Writes one JSON document shaped like the AWS CLI's output (UserDetailList, GroupDetailList,
RoleDetailList with AssumeRolePolicyDocument and InstanceProfileList, Policies with
PolicyVersionList; policy documents decoded, as the CLI prints them) and a sidecar
`expected.json` (default: OUT with `.expected.json`) naming the planted escalation paths:

    {"account": "...", "principals": N, "policies": P, "planted": [
        {"principal": ARN, "can_become_admin": true|false|null, "kind": "...", "first_permission": "iam:..."}],
     "admins": [ARN, ...], "counts": {...}}

Sizes: `--principals` counts users + roles (groups come on top, one per 50 principals);
`--policies` counts inline policies (users, groups, roles) + customer managed policies. The
AWS-managed policies that are attached somewhere (AdministratorAccess, ReadOnlyAccess,
PowerUserAccess, IAMFullAccess, ...) are listed in `Policies` too and not counted.

Shapes, so that a graph tool meets what a real account holds and nothing degenerate:
- background principals are narrow: service-scoped data-plane actions on specific ARNs (buckets,
  tables, queues, keys, log groups); a minority use service wildcards on `*` (`s3:*`,
  `ec2:Describe*`, ...); a few are admins; none hold an IAM write, `iam:PassRole` on an
  admin role or a trust that reaches an admin, so every path to admin is a planted one;
- trust chains: team chains user -> role -> role (2 to 4 hops, each hop allowed by both the
  trust policy and the caller's `sts:AssumeRole` on that one ARN); some roles trust the account
  root, and some users hold `sts:AssumeRole` on `*` (they reach those, all narrow); roles trusting
  service principals (ec2 with instance profiles, lambda, codebuild, cloudformation), external
  accounts (with and without `sts:ExternalId`) and GitHub's OIDC provider;
- each role is trusted by at most a handful of principals: no all-to-all structures.

Planted (each kind `--per-kind` times, default one per 2,500 principals, at least 1), on fresh
principals holding nothing else: positives (can become admin) and near misses (cannot); the kinds
are listed in PLANTED_KINDS below. `can_become_admin` is null for the GitHub deploy roles holding
PowerUserAccess: they reach an admin only through an EC2 instance running with an admin instance
profile (ssm:SendCommand), and the export lists no instances. `admins` lists the principals with
AdministratorAccess or `*` on `*`; principals that can rewrite their own permissions (attach/put a
policy on themselves, IAMFullAccess) are planted positives, whether a tool calls them "admin" or
"can become admin".

Deterministic for a given --seed; Python 3 standard library only.
"""

from __future__ import annotations

import argparse
import json
import random
import string
import sys
from pathlib import Path

ACCOUNT = "111122223333"
EXTERNAL_ACCOUNTS = ["444455556666", "777788889999", "210987654321"]
GITHUB_OIDC = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
VERSION = "2012-10-17"
DATE = "2024-03-01T10:00:00+00:00"
GROUP_EVERY = 50  # one group per this many principals

# --------------------------------------------------------------------------------------
# AWS-managed policies (documents written for this bench, in the shape of the real ones)


def _allow(actions, resources="*", **extra) -> dict:
    st = {"Effect": "Allow", "Action": actions, "Resource": resources}
    st.update(extra)
    return st


def aws_managed_documents() -> dict[str, dict]:
    read_only = sorted({f"{svc}:{verb}*" for svc in (
        "acm", "apigateway", "autoscaling", "cloudformation", "cloudfront", "cloudtrail", "cloudwatch",
        "codebuild", "codecommit", "codepipeline", "config", "dynamodb", "ec2", "ecr", "ecs", "eks",
        "elasticache", "elasticloadbalancing", "events", "iam", "kinesis", "kms", "lambda", "logs", "rds",
        "route53", "s3", "secretsmanager", "sns", "sqs", "ssm", "states", "sts")
        for verb in ("Describe", "Get", "List")} | {"s3:GetObject", "dynamodb:Query", "dynamodb:Scan",
                                                     "logs:FilterLogEvents", "cloudtrail:LookupEvents"})
    return {
        "AdministratorAccess": {"Version": VERSION, "Statement": [_allow("*")]},
        "ReadOnlyAccess": {"Version": VERSION, "Statement": [_allow(read_only)]},
        "PowerUserAccess": {"Version": VERSION, "Statement": [
            {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"},
            _allow(["iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole", "iam:ListRoles",
                    "organizations:DescribeOrganization", "account:ListRegions", "account:GetAccountInformation"]),
        ]},
        "IAMFullAccess": {"Version": VERSION, "Statement": [
            _allow(["iam:*", "organizations:DescribeAccount", "organizations:DescribeOrganization",
                    "organizations:DescribeOrganizationalUnit", "organizations:DescribePolicy",
                    "organizations:ListChildren", "organizations:ListParents",
                    "organizations:ListPoliciesForTarget", "organizations:ListRoots", "organizations:ListPolicies",
                    "organizations:ListTargetsForPolicy"])]},
        "AmazonS3ReadOnlyAccess": {"Version": VERSION, "Statement": [
            _allow(["s3:Get*", "s3:List*", "s3:Describe*", "s3-object-lambda:Get*", "s3-object-lambda:List*"])]},
        "AWSLambdaBasicExecutionRole": {"Version": VERSION, "Statement": [
            _allow(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"])]},
        "AmazonEC2ReadOnlyAccess": {"Version": VERSION, "Statement": [
            _allow("ec2:Describe*"), _allow("elasticloadbalancing:Describe*"),
            _allow(["cloudwatch:ListMetrics", "cloudwatch:GetMetricStatistics", "cloudwatch:Describe*"]),
            _allow("autoscaling:Describe*")]},
        "AmazonSSMManagedInstanceCore": {"Version": VERSION, "Statement": [
            _allow(["ssm:DescribeAssociation", "ssm:GetDeployablePatchSnapshotForInstance", "ssm:GetDocument",
                    "ssm:DescribeDocument", "ssm:GetManifest", "ssm:GetParameter", "ssm:GetParameters",
                    "ssm:ListAssociations", "ssm:ListInstanceAssociations", "ssm:PutInventory",
                    "ssm:PutComplianceItems", "ssm:PutConfigurePackageResult", "ssm:UpdateAssociationStatus",
                    "ssm:UpdateInstanceAssociationStatus", "ssm:UpdateInstanceInformation"]),
            _allow(["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
                    "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"]),
            _allow(["ec2messages:AcknowledgeMessage", "ec2messages:DeleteMessage", "ec2messages:FailMessage",
                    "ec2messages:GetEndpoint", "ec2messages:GetMessages", "ec2messages:SendReply"])]},
    }


def aws_managed_arn(name: str) -> str:
    path = "service-role/" if name == "AWSLambdaBasicExecutionRole" else ""
    return f"arn:aws:iam::aws:policy/{path}{name}"


# --------------------------------------------------------------------------------------
# narrow background statements


REGIONS = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1"]
WORDS = ["orders", "billing", "search", "catalog", "payments", "ledger", "events", "reports", "media", "auth",
         "inventory", "shipping", "analytics", "audit", "profile", "notify", "pricing", "risk", "fraud", "etl"]
ENVS = ["prod", "staging", "dev", "qa"]


class Names:
    """Deterministic ids and names; every principal and policy name is unique."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def unique_id(self, prefix: str) -> str:
        while True:
            s = prefix + "".join(self.rng.choice(string.ascii_uppercase + string.digits) for _ in range(17))
            if s not in self.used:
                self.used.add(s)
                return s

    def name(self, kind: str, n: int) -> str:
        return f"{self.rng.choice(WORDS)}-{self.rng.choice(ENVS)}-{kind}-{n:05d}"


def narrow_statement(rng: random.Random) -> dict:
    """One data-plane statement scoped to named resources (the common case)."""
    word, env, region = rng.choice(WORDS), rng.choice(ENVS), rng.choice(REGIONS)
    k = rng.randrange(1000)
    pick = rng.randrange(7)
    if pick == 0:
        bucket = f"{word}-{env}-{k}"
        acts = rng.sample(["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:GetObjectVersion"],
                          rng.randint(1, 3))
        return _allow(sorted(acts), [f"arn:aws:s3:::{bucket}/*"])
    if pick == 1:
        acts = rng.sample(["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem",
                           "dynamodb:BatchGetItem", "dynamodb:DeleteItem"], rng.randint(1, 4))
        table = f"arn:aws:dynamodb:{region}:{ACCOUNT}:table/{word}-{env}-{k}"
        return _allow(sorted(acts), [table, table + "/index/*"])
    if pick == 2:
        acts = rng.sample(["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage",
                           "sqs:GetQueueAttributes"], rng.randint(1, 3))
        return _allow(sorted(acts), f"arn:aws:sqs:{region}:{ACCOUNT}:{word}-{env}-{k}")
    if pick == 3:
        return _allow(["kms:Decrypt", "kms:GenerateDataKey"],
                      f"arn:aws:kms:{region}:{ACCOUNT}:key/{rng.getrandbits(128):032x}")
    if pick == 4:
        return _allow(["logs:CreateLogStream", "logs:PutLogEvents"],
                      f"arn:aws:logs:{region}:{ACCOUNT}:log-group:/aws/{word}/{env}-{k}:*")
    if pick == 5:
        return _allow(["secretsmanager:GetSecretValue"],
                      f"arn:aws:secretsmanager:{region}:{ACCOUNT}:secret:{word}/{env}/db-{k}-AbCdEf")
    return _allow(["sns:Publish"], f"arn:aws:sns:{region}:{ACCOUNT}:{word}-{env}-{k}")


def wildcard_statement(rng: random.Random) -> dict:
    """A broad but non-IAM statement: service wildcards on `*`."""
    return _allow(rng.choice([["s3:*"], ["dynamodb:*"], ["ec2:Describe*"], ["logs:*"], ["cloudwatch:*"],
                              ["sqs:*", "sns:*"], ["s3:Get*", "s3:List*"], ["kms:Decrypt"]]))


def background_document(rng: random.Random, wildcard: bool) -> dict:
    statements = [narrow_statement(rng) for _ in range(rng.randint(1, 3))]
    if wildcard:
        statements.append(wildcard_statement(rng))
    return {"Version": VERSION, "Statement": statements}


def trust(principal: dict, **condition) -> dict:
    st = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    if condition:
        st["Condition"] = condition
    return {"Version": VERSION, "Statement": [st]}


def service_trust(service: str) -> dict:
    return trust({"Service": f"{service}.amazonaws.com"})


def github_trust(repo: str) -> dict:
    return {"Version": VERSION, "Statement": [{
        "Effect": "Allow", "Principal": {"Federated": GITHUB_OIDC}, "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                      "StringLike": {"token.actions.githubusercontent.com:sub": f"repo:example-org/{repo}:*"}}}]}


# --------------------------------------------------------------------------------------
# the account being built


class Account:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.names = Names(rng)
        self.users: list[dict] = []
        self.roles: list[dict] = []
        self.groups: list[dict] = []
        self.managed: list[dict] = []  # customer managed policies
        self.aws_docs = aws_managed_documents()
        self.aws_used: set[str] = set()
        self.inline = 0
        self.planted: list[dict] = []
        self.admins: list[str] = []

    # principals -------------------------------------------------------------------

    def user(self, name: str, path: str = "/") -> dict:
        u = {"Path": path, "UserName": name, "UserId": self.names.unique_id("AIDA"),
             "Arn": f"arn:aws:iam::{ACCOUNT}:user{path}{name}", "CreateDate": DATE,
             "UserPolicyList": [], "GroupList": [], "AttachedManagedPolicies": [], "Tags": []}
        self.users.append(u)
        return u

    def role(self, name: str, trust_doc: dict, path: str = "/", profile: bool = False) -> dict:
        arn = f"arn:aws:iam::{ACCOUNT}:role{path}{name}"
        r = {"Path": path, "RoleName": name, "RoleId": self.names.unique_id("AROA"), "Arn": arn,
             "CreateDate": DATE, "AssumeRolePolicyDocument": trust_doc, "InstanceProfileList": [],
             "RolePolicyList": [], "AttachedManagedPolicies": [], "Tags": [], "RoleLastUsed": {}}
        if profile:
            r["InstanceProfileList"].append({
                "Path": "/", "InstanceProfileName": name, "InstanceProfileId": self.names.unique_id("AIPA"),
                "Arn": f"arn:aws:iam::{ACCOUNT}:instance-profile/{name}", "CreateDate": DATE,
                "Roles": [{"Path": path, "RoleName": name, "RoleId": r["RoleId"], "Arn": arn, "CreateDate": DATE,
                           "AssumeRolePolicyDocument": trust_doc}]})
        self.roles.append(r)
        return r

    def group(self, name: str) -> dict:
        g = {"Path": "/", "GroupName": name, "GroupId": self.names.unique_id("AGPA"),
             "Arn": f"arn:aws:iam::{ACCOUNT}:group/{name}", "CreateDate": DATE,
             "GroupPolicyList": [], "AttachedManagedPolicies": []}
        self.groups.append(g)
        return g

    # policies ---------------------------------------------------------------------

    def put_inline(self, entity: dict, name: str, doc: dict) -> None:
        key = next(k for k in ("UserPolicyList", "RolePolicyList", "GroupPolicyList") if k in entity)
        entity[key].append({"PolicyName": name, "PolicyDocument": doc})
        self.inline += 1

    def create_managed(self, name: str, doc: dict) -> dict:
        p = {"PolicyName": name, "PolicyId": self.names.unique_id("ANPA"),
             "Arn": f"arn:aws:iam::{ACCOUNT}:policy/{name}", "Path": "/", "DefaultVersionId": "v1",
             "AttachmentCount": 0, "PermissionsBoundaryUsageCount": 0, "IsAttachable": True,
             "CreateDate": DATE, "UpdateDate": DATE,
             "PolicyVersionList": [{"Document": doc, "VersionId": "v1", "IsDefaultVersion": True,
                                    "CreateDate": DATE}]}
        self.managed.append(p)
        return p

    def attach(self, entity: dict, policy: dict) -> None:
        policy["AttachmentCount"] += 1
        entity["AttachedManagedPolicies"].append({"PolicyName": policy["PolicyName"], "PolicyArn": policy["Arn"]})

    def attach_aws(self, entity: dict, name: str) -> None:
        self.aws_used.add(name)
        entity["AttachedManagedPolicies"].append({"PolicyName": name, "PolicyArn": aws_managed_arn(name)})

    def add_to_group(self, user: dict, group: dict) -> None:
        user["GroupList"].append(group["GroupName"])

    def aws_policies(self) -> list[dict]:
        counts: dict[str, int] = {}
        for e in self.users + self.roles + self.groups:
            for a in e["AttachedManagedPolicies"]:
                counts[a["PolicyArn"]] = counts.get(a["PolicyArn"], 0) + 1
        out = []
        for name in sorted(self.aws_used):
            arn = aws_managed_arn(name)
            out.append({"PolicyName": name, "PolicyId": "ANPA" + name.upper()[:17].ljust(17, "X"), "Arn": arn,
                        "Path": arn.split(":policy", 1)[1].rsplit("/", 1)[0] + "/",
                        "DefaultVersionId": "v3", "AttachmentCount": counts.get(arn, 0),
                        "PermissionsBoundaryUsageCount": 0, "IsAttachable": True,
                        "CreateDate": "2015-02-06T18:39:46+00:00",
                        "UpdateDate": "2023-01-01T00:00:00+00:00",
                        "PolicyVersionList": [{"Document": self.aws_docs[name], "VersionId": "v3",
                                               "IsDefaultVersion": True, "CreateDate": "2023-01-01T00:00:00+00:00"}]})
        return out

    def export(self) -> dict:
        return {"UserDetailList": self.users, "GroupDetailList": self.groups, "RoleDetailList": self.roles,
                "Policies": self.managed + self.aws_policies()}

    def principal_count(self) -> int:
        return len(self.users) + len(self.roles)

    def policy_count(self) -> int:
        return self.inline + len(self.managed)


# --------------------------------------------------------------------------------------
# planted escalation paths and near misses


def admin_role(acct: Account, tag: str, trust_doc: dict, profile: bool = False) -> dict:
    r = acct.role(f"planted-{tag}-admin", trust_doc, profile=profile)
    acct.attach_aws(r, "AdministratorAccess")
    acct.admins.append(r["Arn"])
    return r


def plant(acct: Account, kind: str, principal: dict, admin: bool | None, first: str) -> None:
    acct.planted.append({"principal": principal["Arn"], "can_become_admin": admin, "kind": kind,
                         "first_permission": first})


def doc(*statements) -> dict:
    return {"Version": VERSION, "Statement": list(statements)}


def plant_create_policy_version(acct: Account, i: int) -> None:
    u = acct.user(f"planted-cpv-{i}")
    own = f"arn:aws:iam::{ACCOUNT}:policy/planted-cpv-{i}-self"
    p = acct.create_managed(f"planted-cpv-{i}-self", doc(_allow(["iam:CreatePolicyVersion", "iam:GetPolicy"], own)))
    acct.attach(u, p)
    plant(acct, "create-policy-version-on-own-policy", u, True, "iam:CreatePolicyVersion")


def plant_passrole_lambda(acct: Account, i: int) -> None:
    target = admin_role(acct, f"lambda-{i}", service_trust("lambda"))
    u = acct.user(f"planted-lambda-{i}")
    acct.put_inline(u, "deploy-functions", doc(
        _allow("iam:PassRole", target["Arn"]),
        _allow(["lambda:CreateFunction", "lambda:InvokeFunction"], "*")))
    plant(acct, "passrole-lambda-create-invoke", u, True, "iam:PassRole")


def plant_passrole_ec2(acct: Account, i: int) -> None:
    target = admin_role(acct, f"ec2-{i}", service_trust("ec2"), profile=True)
    u = acct.user(f"planted-ec2-{i}")
    acct.put_inline(u, "launch-instances", doc(
        _allow("iam:PassRole", target["Arn"]),
        _allow(["ec2:RunInstances", "ec2:AssociateIamInstanceProfile"], "*")))
    plant(acct, "passrole-ec2-run-instances", u, True, "iam:PassRole")


def plant_passrole_cloudformation(acct: Account, i: int) -> None:
    target = admin_role(acct, f"cfn-{i}", service_trust("cloudformation"))
    r = acct.role(f"planted-cfn-deployer-{i}", github_trust(f"infra-{i}"))
    acct.put_inline(r, "create-stacks", doc(
        _allow("iam:PassRole", target["Arn"]),
        _allow(["cloudformation:CreateStack", "cloudformation:DescribeStacks"], "*")))
    plant(acct, "passrole-cloudformation-create-stack", r, True, "iam:PassRole")


def plant_passrole_codebuild(acct: Account, i: int) -> None:
    target = admin_role(acct, f"codebuild-{i}", service_trust("codebuild"))
    u = acct.user(f"planted-codebuild-{i}")
    acct.put_inline(u, "builds", doc(
        _allow("iam:PassRole", target["Arn"]),
        _allow(["codebuild:CreateProject", "codebuild:StartBuild"], "*")))
    plant(acct, "passrole-codebuild-create-start", u, True, "iam:PassRole")


def plant_create_access_key(acct: Account, i: int) -> None:
    admin = acct.user(f"planted-admin-user-{i}")
    acct.attach_aws(admin, "AdministratorAccess")
    acct.admins.append(admin["Arn"])
    u = acct.user(f"planted-keys-{i}")
    acct.put_inline(u, "rotate-keys", doc(_allow(["iam:CreateAccessKey", "iam:ListAccessKeys"], admin["Arn"])))
    plant(acct, "create-access-key-on-admin-user", u, True, "iam:CreateAccessKey")


def plant_login_profile(acct: Account, i: int) -> None:
    admin = acct.user(f"planted-admin-console-{i}")
    acct.attach_aws(admin, "AdministratorAccess")
    acct.admins.append(admin["Arn"])
    u = acct.user(f"planted-console-{i}")
    # Create or Update: which one applies depends on whether the admin has a console password,
    # which the export does not say
    acct.put_inline(u, "console-reset", doc(_allow(["iam:CreateLoginProfile", "iam:UpdateLoginProfile"],
                                                   admin["Arn"])))
    plant(acct, "login-profile-on-admin-user", u, True, "iam:CreateLoginProfile")


def plant_update_trust(acct: Account, i: int) -> None:
    target = admin_role(acct, f"trust-{i}", trust({"AWS": f"arn:aws:iam::{EXTERNAL_ACCOUNTS[0]}:root"},
                                                  StringEquals={"sts:ExternalId": f"ext-{i}"}))
    u = acct.user(f"planted-trust-{i}")
    acct.put_inline(u, "edit-trust", doc(_allow(["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"], target["Arn"])))
    plant(acct, "update-assume-role-policy-on-admin-role", u, True, "iam:UpdateAssumeRolePolicy")


def plant_attach_self(acct: Account, i: int) -> None:
    u = acct.user(f"planted-attach-{i}")
    acct.put_inline(u, "self-service", doc(_allow("iam:AttachUserPolicy", u["Arn"])))
    plant(acct, "attach-user-policy-on-self", u, True, "iam:AttachUserPolicy")


def plant_put_role_policy_self(acct: Account, i: int) -> None:
    r = acct.role(f"planted-putpolicy-{i}", service_trust("ec2"), profile=True)
    acct.put_inline(r, "self-edit", doc(_allow("iam:PutRolePolicy", r["Arn"])))
    plant(acct, "put-role-policy-on-self", r, True, "iam:PutRolePolicy")


def plant_add_to_admin_group(acct: Account, i: int) -> None:
    g = acct.group(f"planted-admins-{i}")
    acct.attach_aws(g, "AdministratorAccess")
    u = acct.user(f"planted-joiner-{i}")
    acct.put_inline(u, "join-groups", doc(_allow("iam:AddUserToGroup", g["Arn"])))
    plant(acct, "add-user-to-admin-group", u, True, "iam:AddUserToGroup")


def plant_iam_full_access(acct: Account, i: int) -> None:
    r = acct.role(f"planted-iamfull-{i}", service_trust("ec2"), profile=True)
    acct.attach_aws(r, "IAMFullAccess")
    # any IAM write on any principal will do: "iam:" stands for whichever the tool picks
    plant(acct, "iam-full-access-managed", r, True, "iam:")


def plant_assume_chain(acct: Account, i: int) -> None:
    """user -> hop1 -> hop2 -> admin role: each hop trusted by ARN and allowed by sts:AssumeRole."""
    u = acct.user(f"planted-chain-{i}")
    hop1 = acct.role(f"planted-chain-{i}-hop1", trust({"AWS": u["Arn"]}))
    hop2 = acct.role(f"planted-chain-{i}-hop2", trust({"AWS": hop1["Arn"]}))
    target = admin_role(acct, f"chain-{i}", trust({"AWS": hop2["Arn"]}))
    acct.put_inline(u, "assume-hop1", doc(_allow("sts:AssumeRole", hop1["Arn"])))
    acct.put_inline(hop1, "assume-hop2", doc(_allow("sts:AssumeRole", hop2["Arn"]), narrow_statement(acct.rng)))
    acct.put_inline(hop2, "assume-admin", doc(_allow("sts:AssumeRole", target["Arn"]), narrow_statement(acct.rng)))
    plant(acct, "assume-role-chain-3-hops", u, True, "sts:AssumeRole")
    plant(acct, "assume-role-chain-2-hops", hop1, True, "sts:AssumeRole")
    plant(acct, "assume-role-chain-1-hop", hop2, True, "sts:AssumeRole")


# near misses: look like the above but cannot reach admin


def miss_passrole_wrong_service(acct: Account, i: int) -> None:
    target = admin_role(acct, f"miss-ec2only-{i}", service_trust("ec2"), profile=True)
    u = acct.user(f"planted-miss-lambda-{i}")
    acct.put_inline(u, "deploy-functions", doc(
        _allow("iam:PassRole", target["Arn"]),
        _allow(["lambda:CreateFunction", "lambda:InvokeFunction"], "*")))
    plant(acct, "miss-passrole-to-role-not-trusting-lambda", u, False, "iam:PassRole")


def miss_access_key_narrow_user(acct: Account, i: int) -> None:
    narrow = acct.user(f"planted-miss-narrow-{i}")
    acct.put_inline(narrow, "reader", doc(narrow_statement(acct.rng)))
    u = acct.user(f"planted-miss-keys-{i}")
    acct.put_inline(u, "rotate-keys", doc(_allow("iam:CreateAccessKey", narrow["Arn"])))
    plant(acct, "miss-create-access-key-on-narrow-user", u, False, "iam:CreateAccessKey")
    plant(acct, "miss-narrow-user", narrow, False, "-")


def miss_assume_untrusting_admin(acct: Account, i: int) -> None:
    target = admin_role(acct, f"miss-untrusting-{i}", trust({"AWS": f"arn:aws:iam::{EXTERNAL_ACCOUNTS[1]}:root"},
                                                            StringEquals={"sts:ExternalId": f"x-{i}"}))
    u = acct.user(f"planted-miss-assume-{i}")
    acct.put_inline(u, "assume-admin", doc(_allow("sts:AssumeRole", target["Arn"])))
    plant(acct, "miss-assume-role-not-trusted", u, False, "sts:AssumeRole")


def miss_explicit_deny(acct: Account, i: int) -> None:
    u = acct.user(f"planted-miss-deny-{i}")
    acct.put_inline(u, "self-service", doc(
        _allow("iam:AttachUserPolicy", u["Arn"]),
        {"Effect": "Deny", "Action": "iam:AttachUserPolicy", "Resource": "*"}))
    plant(acct, "miss-attach-self-explicitly-denied", u, False, "iam:AttachUserPolicy")


def miss_broken_chain(acct: Account, i: int) -> None:
    u = acct.user(f"planted-miss-chain-{i}")
    hop1 = acct.role(f"planted-miss-chain-{i}-hop1", trust({"AWS": u["Arn"]}))
    target = admin_role(acct, f"miss-chain-{i}", service_trust("ec2"), profile=True)
    acct.put_inline(u, "assume-hop1", doc(_allow("sts:AssumeRole", hop1["Arn"])))
    # identity allows the last hop, the admin role's trust does not name hop1
    acct.put_inline(hop1, "assume-admin", doc(_allow("sts:AssumeRole", target["Arn"]), narrow_statement(acct.rng)))
    plant(acct, "miss-assume-chain-broken-trust", u, False, "sts:AssumeRole")


def miss_policy_version_other(acct: Account, i: int) -> None:
    narrow = acct.role(f"planted-miss-cpv-target-{i}", service_trust("lambda"))
    p = acct.create_managed(f"planted-miss-cpv-{i}", doc(narrow_statement(acct.rng)))
    acct.attach(narrow, p)
    u = acct.user(f"planted-miss-cpv-{i}")
    acct.put_inline(u, "edit-policy", doc(_allow("iam:CreatePolicyVersion", p["Arn"])))
    plant(acct, "miss-create-policy-version-on-unreachable-role-policy", u, False, "iam:CreatePolicyVersion")


PLANTED_KINDS = [plant_create_policy_version, plant_passrole_lambda, plant_passrole_ec2, plant_passrole_cloudformation,
                 plant_passrole_codebuild, plant_create_access_key, plant_login_profile, plant_update_trust,
                 plant_attach_self, plant_put_role_policy_self, plant_add_to_admin_group, plant_iam_full_access,
                 plant_assume_chain, miss_passrole_wrong_service, miss_access_key_narrow_user,
                 miss_assume_untrusting_admin, miss_explicit_deny, miss_broken_chain, miss_policy_version_other]


# --------------------------------------------------------------------------------------
# background


def background(acct: Account, principals: int, policies: int) -> None:
    """Fills the account up to `principals` users+roles and `policies` inline+customer managed."""
    rng = acct.rng
    left_principals = principals - acct.principal_count()
    if left_principals < 0:
        raise SystemExit(f"--principals {principals} is below what the planted paths need "
                         f"({acct.principal_count()}); lower --per-kind")
    n_users = left_principals * 2 // 5
    n_roles = left_principals - n_users
    n_groups = max(1, principals // GROUP_EVERY)
    budget = policies - acct.policy_count()
    n_managed = max(1, budget // 5)
    n_inline = budget - n_managed
    if n_inline < n_groups:
        raise SystemExit(f"--policies {policies} is too small for {principals} principals")

    pool = [acct.create_managed(f"{acct.names.name('policy', k)}", background_document(rng, rng.random() < 0.08))
            for k in range(n_managed)]
    groups = [acct.group(acct.names.name("group", k)) for k in range(n_groups)]
    users = [acct.user(acct.names.name("user", k), path=rng.choice(["/", "/engineering/", "/ops/"]))
             for k in range(n_users)]
    roles = [background_role(acct, k) for k in range(n_roles)]
    admins = admins_and_broad(acct, users, roles, groups)
    chains(acct, users, roles, admins)
    attach_background(acct, pool, users, roles, groups)
    spread_inline(acct, users + roles, groups, n_inline)


def background_role(acct: Account, k: int) -> dict:
    rng = acct.rng
    pick = rng.random()
    name = acct.names.name("role", k)
    if pick < 0.25:
        return acct.role(name, service_trust("ec2"), profile=True)
    if pick < 0.45:
        return acct.role(name, service_trust("lambda"), path="/service-role/")
    if pick < 0.50:
        return acct.role(name, service_trust(rng.choice(["codebuild", "cloudformation", "ecs-tasks", "states"])),
                         path="/service-role/")
    if pick < 0.55:
        ext = rng.choice(EXTERNAL_ACCOUNTS)
        cond = {"StringEquals": {"sts:ExternalId": f"{ext}-{k}"}} if rng.random() < 0.8 else {}
        return acct.role(name, trust({"AWS": f"arn:aws:iam::{ext}:root"}, **cond))
    if pick < 0.58:
        return acct.role(name, github_trust(f"{rng.choice(WORDS)}-service"))
    if pick < 0.66:
        # trusts the account: any principal of the account whose own policy allows it may assume
        return acct.role(name, trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}))
    # team roles: trust filled in by chains()
    return acct.role(name, trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}))


def admins_and_broad(acct: Account, users, roles, groups) -> set[str]:
    """A few admins (outside any chain) and AWS-managed read-only / power-user attachments."""
    rng = acct.rng
    admins: set[str] = set()
    n_admin = max(2, (len(users) + len(roles)) // 500)
    for e in rng.sample(users, n_admin // 2) + rng.sample(roles, n_admin - n_admin // 2):
        if rng.random() < 0.7:
            acct.attach_aws(e, "AdministratorAccess")
        else:
            acct.put_inline(e, "full-access", doc(_allow("*")))
        # admin roles trust only one named admin user or a service: no background path leads to them
        if "RoleName" in e:
            e["AssumeRolePolicyDocument"] = service_trust("ec2")
        admins.add(e["Arn"])
        acct.admins.append(e["Arn"])
    for e in rng.sample(users + roles, max(1, (len(users) + len(roles)) // 30)):
        if e["Arn"] not in admins:
            acct.attach_aws(e, "ReadOnlyAccess")
    for g in rng.sample(groups, max(1, len(groups) // 10)):
        acct.attach_aws(g, rng.choice(["ReadOnlyAccess", "AmazonS3ReadOnlyAccess", "AmazonEC2ReadOnlyAccess"]))
    for r in roles:
        if r["Arn"] in admins:
            continue
        principal = r["AssumeRolePolicyDocument"]["Statement"][0].get("Principal") or {}
        svc = principal.get("Service")
        if principal.get("Federated") == GITHUB_OIDC and rng.random() < 0.5:
            # CI deploy roles: broad but no IAM writes. Whether they reach admin depends on
            # inventory the export lacks (ssm:SendCommand to an instance running with an admin
            # instance profile), so the sidecar says null: neither answer is wrong.
            acct.attach_aws(r, "PowerUserAccess")
            plant(acct, "power-user-depends-on-running-instances", r, None, "ssm:SendCommand")
        if svc == "lambda.amazonaws.com":
            acct.attach_aws(r, "AWSLambdaBasicExecutionRole")
        elif svc == "ec2.amazonaws.com" and rng.random() < 0.5:
            acct.attach_aws(r, "AmazonSSMManagedInstanceCore")
    return admins


def is_team_role(r: dict) -> bool:
    st = r["AssumeRolePolicyDocument"]["Statement"][0]
    return st.get("Principal") == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"} and "Condition" not in st


def chains(acct: Account, users, roles, admins: set[str]) -> None:
    """Team chains user -> role -> role (-> role), roles trusting the account, sts:AssumeRole on *."""
    rng = acct.rng
    team = [r for r in roles if is_team_role(r) and r["Arn"] not in admins]
    rng.shuffle(team)
    root_trusting = team[: len(team) // 5]  # stay trusting the account root
    chained = team[len(team) // 5:]
    starters = [u for u in users if u["Arn"] not in admins]
    rng.shuffle(starters)
    k = 0
    while chained and k < len(starters):
        length = rng.randint(1, 3)
        hops, chained = chained[:length], chained[length:]
        caller = starters[k]
        k += 1
        for hop in hops:
            # one to three callers: the chain's previous link and sometimes another starter
            callers = [caller] + ([starters[rng.randrange(len(starters))]] if rng.random() < 0.3 else [])
            callers = list({c["Arn"]: c for c in callers}.values())
            arns = sorted(c["Arn"] for c in callers)
            hop["AssumeRolePolicyDocument"] = trust({"AWS": arns if len(arns) > 1 else arns[0]})
            for c in callers:
                acct.put_inline(c, f"assume-{hop['RoleName']}"[:128], doc(_allow("sts:AssumeRole", hop["Arn"])))
            caller = hop
    # a few operators may assume any role that trusts the account: they reach the root-trusting ones
    for u in rng.sample(starters, max(1, len(starters) // 100)):
        acct.put_inline(u, "assume-any-role", doc(_allow("sts:AssumeRole", "*")))
    for r in root_trusting:
        r["Tags"].append({"Key": "trust", "Value": "account"})


def attach_background(acct: Account, pool, users, roles, groups) -> None:
    rng = acct.rng
    # popular policies are attached far more than the tail (Zipf-like), each principal 0..3
    cum, total = [], 0.0
    for i in range(len(pool)):
        total += 1.0 / (i + 1)
        cum.append(total)

    def some(lo: int, hi: int) -> list[dict]:
        picked = rng.choices(range(len(pool)), cum_weights=cum, k=rng.randint(lo, hi))
        return [pool[i] for i in sorted(set(picked))]

    for e in users + roles:
        for p in some(0, 3):
            acct.attach(e, p)
    for g in groups:
        for p in some(1, 2):
            acct.attach(g, p)
    for u in users:
        for g in rng.sample(groups, min(len(groups), rng.randint(0, 2))):
            acct.add_to_group(u, g)


def spread_inline(acct: Account, principals, groups, n_inline: int) -> None:
    """Adds background inline policies until the background inline count is exactly the budget."""
    rng = acct.rng
    left = n_inline - background_inline_so_far(acct)
    for g in groups:
        if left <= 0:
            break
        acct.put_inline(g, "team-access", background_document(rng, rng.random() < 0.1))
        left -= 1
    # every principal gets one, then further rounds skip some so the counts vary
    i = 0
    while left > 0 and principals:
        e = principals[i % len(principals)]
        i += 1
        if i > len(principals) and rng.random() < 0.3:
            continue
        listed = e.get("UserPolicyList", e.get("RolePolicyList", []))
        acct.put_inline(e, f"inline-{len(listed)}", background_document(rng, rng.random() < 0.05))
        left -= 1


def background_inline_so_far(acct: Account) -> int:
    return acct.inline - acct.planted_inline


# --------------------------------------------------------------------------------------


def generate(principals: int, policies: int, seed: int, per_kind: int | None) -> tuple[dict, dict]:
    rng = random.Random(seed)
    acct = Account(rng)
    per_kind = per_kind if per_kind is not None else max(1, principals // 2500)
    for i in range(per_kind):
        for kind in PLANTED_KINDS:
            kind(acct, i)
    acct.planted_inline = acct.inline
    background(acct, principals, policies)
    export = acct.export()
    expected = {
        "account": ACCOUNT, "seed": seed, "principals": acct.principal_count(), "policies": acct.policy_count(),
        "counts": {"users": len(acct.users), "roles": len(acct.roles), "groups": len(acct.groups),
                   "inline_policies": acct.inline, "customer_managed_policies": len(acct.managed),
                   "aws_managed_policies": len(acct.aws_used),
                   "planted_positive": sum(p["can_become_admin"] is True for p in acct.planted),
                   "planted_negative": sum(p["can_become_admin"] is False for p in acct.planted),
                   "undecidable": sum(p["can_become_admin"] is None for p in acct.planted)},
        "planted": acct.planted, "admins": sorted(acct.admins)}
    return export, expected


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path, help="the authorization-details JSON to write")
    ap.add_argument("--principals", type=int, default=10_000, help="users + roles (default %(default)s)")
    ap.add_argument("--policies", type=int, default=50_000,
                    help="inline + customer managed policies (default %(default)s)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--per-kind", type=int, default=None,
                    help="planted paths per kind (default: principals / 2500, at least 1)")
    ap.add_argument("--expected", type=Path, default=None, help="sidecar (default: OUT with .expected.json)")
    args = ap.parse_args()
    export, expected = generate(args.principals, args.policies, args.seed, args.per_kind)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(export, f, separators=(",", ":"))
    side = args.expected or args.out.with_name(args.out.name.removesuffix(".json") + ".expected.json")
    side.write_text(json.dumps(expected, indent=1) + "\n")
    c = expected["counts"]
    print(f"{args.out}: {expected['principals']} principals ({c['users']} users, {c['roles']} roles), "
          f"{c['groups']} groups, {expected['policies']} policies ({c['inline_policies']} inline, "
          f"{c['customer_managed_policies']} customer managed) + {c['aws_managed_policies']} AWS managed; "
          f"planted {c['planted_positive']} escalations, {c['planted_negative']} near misses; expected: {side}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
