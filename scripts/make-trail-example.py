#!/usr/bin/env python3
"""Writes examples/cloudtrail: one day of a small account's CloudTrail logs, as CloudTrail
delivers them to S3, telling a story with every built-in `nextgap trail` detection in it
(and the near misses that must stay quiet). Deterministic: rerunning gives the same bytes.

    python3 scripts/make-trail-example.py
"""
import gzip
import json
import os
import shutil
import uuid

ACCOUNT = "111122223333"
REGION = "eu-west-1"
DAY = "2026-03-14"
OUT = os.path.join(os.path.dirname(__file__), "..", "examples", "cloudtrail")

NS = uuid.UUID("6f1c1a52-6b1d-4d59-9d0e-7b7f7f0c0a11")
_counter = 0


def next_id():
    global _counter
    _counter += 1
    return str(uuid.uuid5(NS, str(_counter)))


def user(name, key=None):
    ident = {
        "type": "IAMUser",
        "principalId": "AIDA" + name.upper().ljust(17, "X")[:17],
        "arn": f"arn:aws:iam::{ACCOUNT}:user/{name}",
        "accountId": ACCOUNT,
        "userName": name,
    }
    if key:
        ident["accessKeyId"] = key
    return ident


def console_user(name):
    ident = user(name, "ASIA" + name.upper().ljust(16, "Q")[:16])
    ident["sessionContext"] = {
        "sessionIssuer": {},
        "webIdFederationData": {},
        "attributes": {"creationDate": f"{DAY}T09:05:00Z", "mfaAuthenticated": "true"},
    }
    return ident


def role(name, session):
    return {
        "type": "AssumedRole",
        "principalId": f"AROAEXAMPLEROLEID0001:{session}",
        "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/{name}/{session}",
        "accountId": ACCOUNT,
        "accessKeyId": "ASIAEXAMPLESESSION01",
        "sessionContext": {
            "sessionIssuer": {
                "type": "Role",
                "principalId": "AROAEXAMPLEROLEID0001",
                "arn": f"arn:aws:iam::{ACCOUNT}:role/{name}",
                "accountId": ACCOUNT,
                "userName": name,
            },
            "attributes": {"creationDate": f"{DAY}T12:00:00Z", "mfaAuthenticated": "false"},
        },
    }


ROOT = {"type": "Root", "principalId": ACCOUNT, "arn": f"arn:aws:iam::{ACCOUNT}:root", "accountId": ACCOUNT}
CONSOLE_UA = "AWS Internal"
CLI_UA = "aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.5 md/arch#x86_64 lang/python#3.11.8 command/"
TF_UA = "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 (+https://www.terraform.io) terraform-provider-aws/5.40.0"


def event(time, source, name, ident, ip, ua, request=None, response=None, read_only=False, **extra):
    e = {
        "eventVersion": "1.09",
        "userIdentity": ident,
        "eventTime": f"{DAY}T{time}Z",
        "eventSource": source,
        "eventName": name,
        "awsRegion": REGION,
        "sourceIPAddress": ip,
        "userAgent": ua,
        "requestParameters": request,
        "responseElements": response,
        "requestID": next_id(),
        "eventID": next_id(),
        "readOnly": read_only,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": ACCOUNT,
        "eventCategory": "Management",
    }
    e.update(extra)
    return e


def login(time, ident, ip, ok, mfa):
    e = event(
        time, "signin.amazonaws.com", "ConsoleLogin", ident, ip,
        "Mozilla/5.0 (X11; Linux x86_64; rv:124.0) Gecko/20100101 Firefox/124.0",
        response={"ConsoleLogin": "Success" if ok else "Failure"},
        additionalEventData={"LoginTo": "https://console.aws.amazon.com/console/home", "MobileVersion": "No",
                             "MFAUsed": "Yes" if mfa else "No"},
        eventType="AwsConsoleSignIn",
    )
    e["awsRegion"] = "us-east-1"
    if not ok:
        e["errorMessage"] = "Failed authentication"
    return e


def console(time, ident, source, name, request, response=None):
    return event(time, source, name, ident, "203.0.113.50", CONSOLE_UA, request, response,
                 sessionCredentialFromConsole="true")


def story():
    alice = console_user("alice")
    ops = role("ops-admin", "jdoe")
    ci = user("ci-deployer", "AKIAEXAMPLECIDEPLOY1")
    bob = user("bob", "AKIAEXAMPLEBOBKEY001")
    alice_login = dict(user("alice"))
    events = [
        # 08:00 the root user signs in without MFA and creates itself an access key.
        login("08:02:11", ROOT, "198.51.100.7", True, False),
        event("08:05:40", "iam.amazonaws.com", "CreateAccessKey", ROOT, "198.51.100.7", CONSOLE_UA,
              {}, {"accessKey": {"accessKeyId": "AKIAEXAMPLEROOTKEY01", "status": "Active", "userName": ACCOUNT}},
              sessionCredentialFromConsole="true"),
        # 09:00 five failed sign-ins as alice, then one that works.
        *[login(f"09:0{i}:00", alice_login, "203.0.113.50", False, False) for i in range(5)],
        login("09:05:30", alice_login, "203.0.113.50", True, True),
        # 09:10 alice opens SSH to the world and changes things by hand in the console.
        console("09:10:02", alice, "ec2.amazonaws.com", "AuthorizeSecurityGroupIngress",
                {"groupId": "sg-0a1b2c3d4e5f67890", "ipPermissions": {"items": [{
                    "ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
                    "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0", "description": "temp"}]}}]}},
                {"_return": True}),
        console("09:12:40", alice, "ec2.amazonaws.com", "CreateTags",
                {"resourcesSet": {"items": [{"resourceId": "i-0abc123def4567890"}]},
                 "tagSet": {"items": [{"key": "owner", "value": "alice"}]}}, {"_return": True}),
        console("09:14:05", alice, "ec2.amazonaws.com", "ModifyInstanceAttribute",
                {"instanceId": "i-0abc123def4567890", "instanceType": {"value": "m5.2xlarge"}}, {"_return": True}),
        # 09:20 alice makes a bucket public and nobody reverts it.
        console("09:20:31", alice, "s3.amazonaws.com", "PutBucketAcl",
                {"bucketName": "acme-reports", "Host": "acme-reports.s3.eu-west-1.amazonaws.com", "acl": "",
                 "x-amz-acl": ["public-read"]}),
        # 09:25 alice gives bob a new access key and removes his MFA.
        console("09:25:00", alice, "iam.amazonaws.com", "CreateAccessKey", {"userName": "bob"},
                {"accessKey": {"accessKeyId": "AKIAEXAMPLEBOBKEY002", "status": "Active", "userName": "bob"}}),
        console("09:26:10", alice, "iam.amazonaws.com", "DeactivateMFADevice",
                {"userName": "bob", "serialNumber": f"arn:aws:iam::{ACCOUNT}:mfa/bob"}),
        # 10:00 bob makes a bucket public through Terraform and reverts it 15 minutes later: quiet.
        event("10:00:00", "s3.amazonaws.com", "PutBucketPolicy", bob, "192.0.2.44", TF_UA,
              {"bucketName": "acme-assets", "bucketPolicy": {"Version": "2012-10-17", "Statement": [{
                  "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                  "Resource": "arn:aws:s3:::acme-assets/*"}]}}),
        event("10:15:00", "s3.amazonaws.com", "DeleteBucketPolicy", bob, "192.0.2.44", TF_UA,
              {"bucketName": "acme-assets"}),
        # 11:00 the CI user deploys from its usual address ...
        event("11:00:00", "cloudformation.amazonaws.com", "UpdateStack", ci, "192.0.2.10", CLI_UA,
              {"stackName": "orders-api"}, {"stackId": f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/orders-api/1"}),
        event("11:02:00", "cloudformation.amazonaws.com", "DescribeStacks", ci, "192.0.2.10", CLI_UA,
              {"stackName": "orders-api"}, None, read_only=True),
        # 12:00 ops-admin turns the lights off, then deletes a database and its final snapshot.
        event("12:00:05", "cloudtrail.amazonaws.com", "StopLogging", ops, "198.51.100.99", CLI_UA,
              {"name": f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/org-trail"}),
        event("12:01:00", "config.amazonaws.com", "StopConfigurationRecorder", ops, "198.51.100.99", CLI_UA,
              {"configurationRecorderName": "default"}),
        event("12:30:00", "rds.amazonaws.com", "DeleteDBInstance", ops, "198.51.100.99", CLI_UA,
              {"dBInstanceIdentifier": "orders-db", "skipFinalSnapshot": True, "deleteAutomatedBackups": True}),
        event("12:40:00", "rds.amazonaws.com", "DeleteDBSnapshot", ops, "198.51.100.99", CLI_UA,
              {"dBSnapshotIdentifier": "orders-db-final"}),
        event("12:45:00", "ec2.amazonaws.com", "ModifySnapshotAttribute", ops, "198.51.100.99", CLI_UA,
              {"snapshotId": "snap-0123456789abcdef0", "attributeType": "CREATE_VOLUME_PERMISSION",
               "createVolumePermission": {"add": {"items": [{"group": "all"}]}}}, {"_return": True}),
        # 13:00 ... and then the CI key shows up from somewhere new.
        event("13:00:00", "sts.amazonaws.com", "GetCallerIdentity", ci, "45.33.32.156", "python-requests/2.31.0",
              {}, None, read_only=True),
        event("13:00:30", "s3.amazonaws.com", "ListBuckets", ci, "45.33.32.156", "python-requests/2.31.0",
              {"Host": "s3.eu-west-1.amazonaws.com"}, None, read_only=True),
        # 13:30 the account tries to leave the Organization.
        event("13:30:00", "organizations.amazonaws.com", "LeaveOrganization", ops, "198.51.100.99", CLI_UA,
              None, None),
    ]
    events.sort(key=lambda e: e["eventTime"])
    return events


def write(events):
    shutil.rmtree(OUT, ignore_errors=True)
    y, m, d = DAY.split("-")
    folder = os.path.join(OUT, "AWSLogs", ACCOUNT, "CloudTrail", REGION, y, m, d)
    os.makedirs(folder)
    # CloudTrail delivers about every five minutes; here: one file per hour with events.
    by_hour = {}
    for e in events:
        by_hour.setdefault(e["eventTime"][11:13], []).append(e)
    for n, (hour, batch) in enumerate(sorted(by_hour.items())):
        stamp = f"{y}{m}{d}T{hour}05Z"
        name = f"{ACCOUNT}_CloudTrail_{REGION}_{stamp}_{uuid.uuid5(NS, hour).hex[:16]}.json.gz"
        body = json.dumps({"Records": batch}, separators=(",", ":")).encode()
        with open(os.path.join(folder, name), "wb") as f:
            # mtime 0: the same bytes on every run.
            with gzip.GzipFile(fileobj=f, mode="wb", mtime=0) as gz:
                gz.write(body)


if __name__ == "__main__":
    write(story())
    print(f"wrote {OUT}")
