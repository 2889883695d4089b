#!/usr/bin/env python3
"""Writes examples/wargame-account.json: a small, realistic account for `nextgap wargame`.

It is a nextgap snapshot (the format `nextgap collect` writes, docs/snapshot.md) of one
account with the gaps the round-table questions are about: a CI user whose CloudFormation
permissions pass an administrator role, a developer group allowed to pass any role to Lambda,
a reporting user that can rewrite its own policy, a GitHub Actions role that can delete the
production database together with its snapshots, a vendor role trusted by another account,
and the data stores, backups and trail the blast radius is measured on. Deterministic: run
from the repository root, `python3 scripts/make-wargame-example.py`.
"""

import json
import os

ACCOUNT = "111122223333"
REGION = "eu-west-1"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"


def arn(kind, name):
    return f"arn:aws:iam::{ACCOUNT}:{kind}/{name}"


def doc(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action, resource="*", **extra):
    s = {"Effect": "Allow", "Action": action, "Resource": resource}
    s.update(extra)
    return s


def trust(principal, action="sts:AssumeRole", condition=None):
    s = {"Effect": "Allow", "Principal": principal, "Action": action}
    if condition:
        s["Condition"] = condition
    return doc(s)


def user(name, groups=(), managed=(), policies=(), console=False, mfa=False):
    props = {
        "UserName": name,
        "Path": "/",
        "Groups": list(groups),
        "ManagedPolicyArns": list(managed),
        "Policies": [{"PolicyName": n, "PolicyDocument": d} for n, d in policies],
        "MFADevices": [{"SerialNumber": arn("mfa", name)}] if mfa else [],
    }
    if console:
        props["LoginProfile"] = {"CreateDate": "2025-02-01T09:00:00Z"}
    return {"type": "AWS::IAM::User", "arn": arn("user", name), "properties": props}


def key(user_name, key_id):
    return {
        "type": "AWS::IAM::AccessKey",
        "arn": f"{arn('user', user_name)}/accesskey/{key_id}",
        "properties": {"UserName": user_name, "Status": "Active", "CreateDate": "2024-06-01T09:00:00Z"},
    }


def group(name, managed=(), policies=()):
    return {
        "type": "AWS::IAM::Group",
        "arn": arn("group", name),
        "properties": {
            "GroupName": name,
            "Path": "/",
            "ManagedPolicyArns": list(managed),
            "Policies": [{"PolicyName": n, "PolicyDocument": d} for n, d in policies],
        },
    }


def role(name, trust_doc, managed=(), policies=()):
    return {
        "type": "AWS::IAM::Role",
        "arn": arn("role", name),
        "properties": {
            "RoleName": name,
            "Path": "/",
            "AssumeRolePolicyDocument": trust_doc,
            "ManagedPolicyArns": list(managed),
            "Policies": [{"PolicyName": n, "PolicyDocument": d} for n, d in policies],
        },
    }


def resource(rtype, rarn, **props):
    return {"type": rtype, "arn": rarn, "properties": props}


GITHUB = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"

resources = [
    group("admins", managed=[ADMIN]),
    group(
        "developers",
        policies=[
            (
                "developer",
                doc(
                    allow(["lambda:*", "logs:*", "cloudwatch:*"]),
                    allow("iam:PassRole", arn("role", "*")),
                    allow(["s3:GetObject", "s3:ListBucket"], ["arn:aws:s3:::acme-prod-data", "arn:aws:s3:::acme-prod-data/*"]),
                ),
            )
        ],
    ),
    user("alice", groups=["admins"], console=True, mfa=True),
    user("bob", groups=["developers"], console=True),
    user(
        "ci-deploy",
        policies=[
            (
                "deploy",
                doc(
                    allow(["cloudformation:*", "s3:PutObject"]),
                    allow("iam:PassRole", arn("role", "cfn-exec")),
                ),
            )
        ],
    ),
    key("ci-deploy", "AKIAEXAMPLECIDEPLOY1"),
    user("reporting", managed=[f"arn:aws:iam::{ACCOUNT}:policy/reporting-access"]),
    key("reporting", "AKIAEXAMPLEREPORTING"),
    user(
        "auditor",
        console=True,
        mfa=True,
        policies=[("read-only", doc(allow(["iam:Get*", "iam:List*", "cloudtrail:Describe*", "cloudtrail:LookupEvents"])))],
    ),
    resource(
        "AWS::IAM::ManagedPolicy",
        f"arn:aws:iam::{ACCOUNT}:policy/reporting-access",
        ManagedPolicyName="reporting-access",
        PolicyDocument=doc(
            allow("s3:GetObject", "arn:aws:s3:::acme-prod-data/reports/*"),
            allow(["iam:CreatePolicyVersion", "iam:ListPolicyVersions"], f"arn:aws:iam::{ACCOUNT}:policy/reporting-access"),
        ),
    ),
    role(
        "github-deploy",
        trust(
            {"Federated": GITHUB},
            "sts:AssumeRoleWithWebIdentity",
            {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/*"}},
        ),
        policies=[
            (
                "release",
                doc(
                    allow(["s3:*"], ["arn:aws:s3:::acme-prod-data", "arn:aws:s3:::acme-prod-data/*"]),
                    allow(["rds:*"]),
                    allow(["ec2:Describe*", "ec2:CreateSnapshot", "ec2:DeleteSnapshot"]),
                    allow("sts:AssumeRole", arn("role", "ops-*")),
                ),
            )
        ],
    ),
    role(
        "ops-admin",
        trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
        managed=[ADMIN],
    ),
    role("lambda-admin-legacy", trust({"Service": "lambda.amazonaws.com"}), managed=[ADMIN]),
    role("cfn-exec", trust({"Service": "cloudformation.amazonaws.com"}), managed=[ADMIN]),
    role(
        "app-worker",
        trust({"Service": "ec2.amazonaws.com"}),
        policies=[("app", doc(allow(["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::acme-prod-data/*"), allow("dynamodb:*", f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/orders")))],
    ),
    role(
        "vendor-audit",
        trust({"AWS": "arn:aws:iam::999988887777:root"}, condition={"StringEquals": {"sts:ExternalId": "acme-7f3a"}}),
        policies=[("audit", doc(allow(["s3:GetObject", "s3:ListBucket", "cloudtrail:StopLogging", "cloudtrail:Describe*"])))],
    ),
    resource(
        "AWS::IAM::InstanceProfile",
        arn("instance-profile", "app-worker"),
        InstanceProfileName="app-worker",
        Roles=["app-worker"],
    ),
    resource(
        "AWS::EC2::Instance",
        f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/i-0a1b2c3d4e5f60718",
        InstanceId="i-0a1b2c3d4e5f60718",
        IamInstanceProfile=arn("instance-profile", "app-worker"),
        State="running",
    ),
    resource(
        "AWS::Lambda::Function",
        f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:nightly-cleanup",
        FunctionName="nightly-cleanup",
        Role=arn("role", "lambda-admin-legacy"),
    ),
    resource(
        "AWS::S3::Bucket",
        "arn:aws:s3:::acme-prod-data",
        BucketName="acme-prod-data",
        VersioningConfiguration={"Status": "Enabled"},
    ),
    resource("AWS::S3::Bucket", "arn:aws:s3:::acme-cloudtrail-logs", BucketName="acme-cloudtrail-logs"),
    resource(
        "AWS::RDS::DBInstance",
        f"arn:aws:rds:{REGION}:{ACCOUNT}:db:prod-db",
        DBInstanceIdentifier="prod-db",
        Engine="postgres",
        DeletionProtection=False,
    ),
    resource(
        "AWS::RDS::DBSnapshot",
        f"arn:aws:rds:{REGION}:{ACCOUNT}:snapshot:prod-db-nightly",
        DBSnapshotIdentifier="prod-db-nightly",
        DBInstanceIdentifier="prod-db",
        SnapshotType="manual",
    ),
    resource(
        "AWS::DynamoDB::Table",
        f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/orders",
        TableName="orders",
    ),
    resource(
        "AWS::EC2::Volume",
        f"arn:aws:ec2:{REGION}:{ACCOUNT}:volume/vol-0123456789abcdef0",
        VolumeId="vol-0123456789abcdef0",
    ),
    resource(
        "AWS::EC2::Snapshot",
        f"arn:aws:ec2:{REGION}::snapshot/snap-0123456789abcdef0",
        SnapshotId="snap-0123456789abcdef0",
        VolumeId="vol-0123456789abcdef0",
    ),
    resource(
        "AWS::CloudTrail::Trail",
        f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/org-trail",
        TrailName="org-trail",
        IsLogging=True,
    ),
]

snapshot = {
    "schema_version": "1",
    "tool": "scripts/make-wargame-example.py",
    "accounts": [
        {
            "account": {
                "account_id": ACCOUNT,
                "partition": "aws",
                "collected_at": "2026-12-01T09:00:00Z",
                "regions": [REGION],
                "summary": {"known": {"AccountMFAEnabled": 1, "AccountAccessKeysPresent": 0}},
                "organization": {"known": None},
            },
            "resources": resources,
            "aws_managed_policies": {
                ADMIN: doc(allow("*")),
            },
        }
    ],
}

out = os.path.join("examples", "wargame-account.json")
with open(out, "w") as f:
    json.dump(snapshot, f, indent=1, sort_keys=True)
    f.write("\n")
print(f"{out}: {len(resources)} resources")
