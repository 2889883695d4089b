#!/usr/bin/env python3
"""Plants a known set of AWS anti-patterns in an emulated account (moto_server) through boto3.

    seed_insecure_account.py ENDPOINT_URL [--region us-east-1] [-o planted.json]

Uses the fake credentials `testing`/`testing`; talks only to ENDPOINT_URL. Prints (and with -o
writes) the ground truth as JSON: one entry per planted anti-pattern with its `id`, a
`description`, the `resource` (ARN) and `resource_type`, `scope` (`resource`, or `account` for
account/region-wide facts) and `match`: substrings by which a tool's reported resource is
recognised as this one. bench/live_bench.py maps the tools' checks onto these ids.

Everything is created fresh: run it against a reset emulator (`POST /moto-api/reset`).
"""

from __future__ import annotations

import argparse
import json
import sys

import boto3
from botocore.config import Config

PREFIX = "ng-bench"
FOREIGN_ACCOUNT = "999999999999"


def clients(endpoint: str, region: str):
    session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                    region_name=region)
    cfg = Config(retries={"max_attempts": 2, "mode": "standard"}, s3={"addressing_style": "path"})

    def c(name):
        return session.client(name, endpoint_url=endpoint, config=cfg)

    return c


def seed(endpoint: str, region: str) -> list[dict]:
    c = clients(endpoint, region)
    iam, s3, ec2, rds = c("iam"), c("s3"), c("ec2"), c("rds")
    account = c("sts").get_caller_identity()["Account"]
    root = f"arn:aws:iam::{account}:root"
    planted: list[dict] = []

    def plant(pid, description, resource, resource_type, match=None, scope="resource", **extra):
        planted.append(dict(id=pid, description=description, resource=resource, resource_type=resource_type,
                            scope=scope, match=match or [resource], **extra))

    # ---------------------------------------------------------------- IAM
    user = f"{PREFIX}-console-nomfa"
    arn = iam.create_user(UserName=user)["User"]["Arn"]
    iam.create_login_profile(UserName=user, Password="Weak-pass-123", PasswordResetRequired=False)
    plant("IAM-CONSOLE-NO-MFA", "IAM user with a console password and no MFA device", arn, "AWS::IAM::User")

    user = f"{PREFIX}-two-keys"
    arn = iam.create_user(UserName=user)["User"]["Arn"]
    keys = [iam.create_access_key(UserName=user)["AccessKey"]["AccessKeyId"] for _ in range(2)]
    plant("IAM-TWO-ACTIVE-KEYS", "IAM user with two active access keys", arn, "AWS::IAM::User",
          access_keys=keys)

    user = f"{PREFIX}-admin-direct"
    arn = iam.create_user(UserName=user)["User"]["Arn"]
    iam.attach_user_policy(UserName=user, PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    plant("IAM-ADMIN-ON-USER", "AdministratorAccess attached directly to an IAM user", arn, "AWS::IAM::User")

    trust_any = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}
    arn = iam.create_role(RoleName=f"{PREFIX}-trust-any",
                          AssumeRolePolicyDocument=json.dumps(trust_any))["Role"]["Arn"]
    plant("IAM-ROLE-TRUST-ANY", "IAM role whose trust policy allows any AWS principal (`*`)", arn,
          "AWS::IAM::Role")

    trust_foreign = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{FOREIGN_ACCOUNT}:root"},
         "Action": "sts:AssumeRole"}]}
    arn = iam.create_role(RoleName=f"{PREFIX}-trust-foreign",
                          AssumeRolePolicyDocument=json.dumps(trust_foreign))["Role"]["Arn"]
    plant("IAM-ROLE-FOREIGN-NO-EXTID", f"IAM role trusting a foreign account ({FOREIGN_ACCOUNT}) without "
          "sts:ExternalId or any condition", arn, "AWS::IAM::Role")

    iam.update_account_password_policy(MinimumPasswordLength=6, RequireSymbols=False, RequireNumbers=False,
                                       RequireUppercaseCharacters=False, RequireLowercaseCharacters=False,
                                       AllowUsersToChangePassword=True)
    plant("IAM-WEAK-PASSWORD-POLICY", "Weak IAM password policy: 6 characters, no reuse prevention, "
          "no expiry, no character classes", root, "AWS::Account", scope="account")

    # ---------------------------------------------------------------- S3
    bucket = f"{PREFIX}-public-bucket"
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_acl(Bucket=bucket, ACL="public-read")
    try:  # moto has none by default; make sure
        s3.delete_public_access_block(Bucket=bucket)
    except Exception:
        pass
    policy = {"Version": "2012-10-17", "Statement": [
        {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Resource": f"arn:aws:s3:::{bucket}/*"}]}
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    s3.put_object(Bucket=bucket, Key="index.html", Body=b"<h1>public</h1>")
    barn = f"arn:aws:s3:::{bucket}"
    plant("S3-BUCKET-PUBLIC-ACL", "S3 bucket with the public-read canned ACL (AllUsers READ)", barn,
          "AWS::S3::Bucket")
    plant("S3-BUCKET-PUBLIC-POLICY", "S3 bucket policy granting s3:GetObject to Principal `*`", barn,
          "AWS::S3::Bucket")
    plant("S3-BUCKET-NO-BPA", "S3 bucket without any bucket-level Block Public Access", barn, "AWS::S3::Bucket")
    plant("S3-ACCOUNT-NO-BPA", "No account-level S3 Block Public Access", root, "AWS::Account", scope="account")

    # ---------------------------------------------------------------- EC2
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    subnet = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"][0]
    sg_arn = lambda gid: f"arn:aws:ec2:{region}:{account}:security-group/{gid}"  # noqa: E731

    ssh = ec2.create_security_group(GroupName=f"{PREFIX}-ssh-world", Description="ssh from anywhere",
                                    VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=ssh, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    eni = ec2.create_network_interface(SubnetId=subnet["SubnetId"], Groups=[ssh],
                                       Description=f"{PREFIX} instance eni")["NetworkInterface"]["NetworkInterfaceId"]
    instance = None
    try:
        instance = ec2.run_instances(ImageId="ami-12c6146b", InstanceType="t3.micro", MinCount=1, MaxCount=1,
                                     NetworkInterfaces=[{"DeviceIndex": 0, "NetworkInterfaceId": eni}]
                                     )["Instances"][0]["InstanceId"]
    except Exception as e:  # the SG stays attached to the ENI either way
        print(f"seed: run_instances failed ({e}); the SSH group is attached to a detached ENI", file=sys.stderr)
    plant("SG-SSH-WORLD", "Security group with TCP 22 open to 0.0.0.0/0, attached to an instance through "
          "an ENI", sg_arn(ssh), "AWS::EC2::SecurityGroup", match=[ssh], attached=True, eni=eni,
          instance=instance)

    v6 = ec2.create_security_group(GroupName=f"{PREFIX}-all-ipv6", Description="everything from ::/0",
                                   VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=v6, IpPermissions=[
        {"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}])
    plant("SG-ALL-PORTS-IPV6", "Security group with all protocols and ports open to ::/0, not attached",
          sg_arn(v6), "AWS::EC2::SecurityGroup", match=[v6], attached=False)

    default = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]},
                                                    {"Name": "group-name", "Values": ["default"]}]
                                           )["SecurityGroups"][0]["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=default, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
    plant("SG-DEFAULT-OPEN", "Default security group of the default VPC not closed: TCP 443 from 10.0.0.0/8 "
          "added to its default allow-all egress", sg_arn(default), "AWS::EC2::SecurityGroup",
          match=[default])

    az = subnet["AvailabilityZone"]
    vol = ec2.create_volume(AvailabilityZone=az, Size=8, Encrypted=False, VolumeType="gp3")["VolumeId"]
    plant("EBS-VOLUME-UNENCRYPTED", "Unencrypted EBS volume", f"arn:aws:ec2:{region}:{account}:volume/{vol}",
          "AWS::EC2::Volume", match=[vol])

    snap = ec2.create_snapshot(VolumeId=vol, Description=f"{PREFIX} public snapshot")["SnapshotId"]
    ec2.modify_snapshot_attribute(SnapshotId=snap, Attribute="createVolumePermission", OperationType="add",
                                  GroupNames=["all"])
    plant("EBS-SNAPSHOT-PUBLIC", "EBS snapshot shared publicly (createVolumePermission group `all`)",
          f"arn:aws:ec2:{region}::snapshot/{snap}", "AWS::EC2::Snapshot", match=[snap])

    # ---------------------------------------------------------------- RDS
    db = f"{PREFIX}-db-public"
    dbarn = rds.create_db_instance(DBInstanceIdentifier=db, Engine="postgres", DBInstanceClass="db.t3.micro",
                                   AllocatedStorage=20, MasterUsername="dbadmin",
                                   MasterUserPassword="not-a-secret-123", PubliclyAccessible=True,
                                   BackupRetentionPeriod=0, DeletionProtection=False,
                                   StorageEncrypted=True)["DBInstance"]["DBInstanceArn"]
    db_match = [f":db:{db}"]
    plant("RDS-PUBLIC", "RDS instance publicly accessible", dbarn, "AWS::RDS::DBInstance", match=db_match)
    plant("RDS-NO-BACKUP", "RDS instance with BackupRetentionPeriod 0 (automated backups off)", dbarn,
          "AWS::RDS::DBInstance", match=db_match)
    plant("RDS-NO-DELETION-PROTECTION", "RDS instance without deletion protection", dbarn,
          "AWS::RDS::DBInstance", match=db_match)

    dbsnap = f"{PREFIX}-db-snap-public"
    snaparn = rds.create_db_snapshot(DBSnapshotIdentifier=dbsnap,
                                     DBInstanceIdentifier=db)["DBSnapshot"]["DBSnapshotArn"]
    rds.modify_db_snapshot_attribute(DBSnapshotIdentifier=dbsnap, AttributeName="restore", ValuesToAdd=["all"])
    plant("RDS-SNAPSHOT-PUBLIC", "RDS snapshot shared with all AWS accounts (restore attribute `all`)", snaparn,
          "AWS::RDS::DBSnapshot", match=[f":snapshot:{dbsnap}"])

    # ---------------------------------------------------------------- CloudTrail, Config
    trail_bucket = f"{PREFIX}-trail-logs"
    s3.create_bucket(Bucket=trail_bucket)
    s3.put_bucket_policy(Bucket=trail_bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject",
         "Resource": f"arn:aws:s3:::{trail_bucket}/AWSLogs/{account}/*"}]}))
    ct = c("cloudtrail")
    trail = ct.create_trail(Name=f"{PREFIX}-trail", S3BucketName=trail_bucket,
                            IsMultiRegionTrail=False)["TrailARN"]
    ct.stop_logging(Name=trail)
    plant("CLOUDTRAIL-SINGLE-REGION", "The only CloudTrail trail is single-region", trail,
          "AWS::CloudTrail::Trail")
    plant("CLOUDTRAIL-NOT-LOGGING", "The only CloudTrail trail has logging stopped", trail,
          "AWS::CloudTrail::Trail")

    recorders = c("config").describe_configuration_recorders().get("ConfigurationRecorders", [])
    if recorders:
        print(f"seed: warning: {len(recorders)} Config recorder(s) exist already", file=sys.stderr)
    plant("CONFIG-NO-RECORDER", f"No AWS Config recorder in {region}", root, "AWS::Account", scope="account")

    # ---------------------------------------------------------------- DynamoDB, Backup
    table = f"{PREFIX}-table-nopitr"
    tarn = c("dynamodb").create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                                      AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                                      KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}]
                                      )["TableDescription"]["TableArn"]
    plant("DYNAMODB-NO-PITR", "DynamoDB table without point-in-time recovery", tarn, "AWS::DynamoDB::Table",
          match=[f":table/{table}"])

    vault = f"{PREFIX}-vault-unlocked"
    varn = c("backup").create_backup_vault(BackupVaultName=vault)["BackupVaultArn"]
    plant("BACKUP-VAULT-UNLOCKED", "AWS Backup vault without Vault Lock", varn, "AWS::Backup::BackupVault",
          match=[f":backup-vault:{vault}"])

    return planted


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("endpoint", help="emulator endpoint, e.g. http://127.0.0.1:5000")
    ap.add_argument("--region", default="us-east-1")
    ap.add_argument("-o", "--output", help="also write the JSON here")
    args = ap.parse_args()
    planted = seed(args.endpoint, args.region)
    text = json.dumps(planted, indent=2)
    if args.output:
        with open(args.output, "w") as f:
            f.write(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
