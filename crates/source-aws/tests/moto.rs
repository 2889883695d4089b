//! Collection from moto: an insecure account and a clean one (reset in between), an
//! Organization read through assumed roles, and an account whose role cannot be assumed.

mod common;

use common::seed::{self, ADMIN_POLICY};
use common::stub::StsStub;
use common::*;
use nextgap_snapshot::{AccountSnapshot, Snapshot};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

/// Keys whose values are clock readings: dropped before comparing.
const TIMES: &[&str] = &[
    "CreateDate",
    "CreateTime",
    "StartTime",
    "SnapshotCreateTime",
    "LockDate",
    "user_creation_time",
    "password_last_changed",
];

fn without_times(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| !TIMES.contains(&k.as_str()) && !k.ends_with("_last_rotated"))
                .map(|(k, v)| (k.clone(), without_times(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_times).collect()),
        other => other.clone(),
    }
}

fn account<'a>(snapshot: &'a Snapshot, id: &str) -> &'a AccountSnapshot {
    snapshot.accounts.iter().find(|a| a.account.account_id == id).unwrap_or_else(|| panic!("no account {id}"))
}

fn inventory(a: &AccountSnapshot) -> Vec<(String, String)> {
    a.resources.iter().map(|r| (r.resource_type.clone(), r.arn.clone())).collect()
}

fn expected_inventory(items: &[(&str, String)]) -> Vec<(String, String)> {
    let mut items: Vec<(String, String)> = items.iter().map(|(t, a)| (t.to_string(), a.clone())).collect();
    items.sort();
    items
}

fn props(a: &AccountSnapshot, arn: &str) -> Value {
    let r = a.resources.iter().find(|r| r.arn == arn).unwrap_or_else(|| panic!("no resource {arn}"));
    without_times(&r.properties)
}

/// The automated RDS snapshot moto makes is named after the minute it was taken.
fn rds_automated_snapshot(a: &AccountSnapshot, db: &str) -> String {
    let prefix = format!("arn:aws:rds:{REGION}:{ACCOUNT}:snapshot:rds:{db}-");
    a.resources.iter().find(|r| r.arn.starts_with(&prefix)).map(|r| r.arn.clone()).expect("automated snapshot")
}

fn arn(service: &str, resource: &str) -> String {
    format!("arn:aws:{service}:{REGION}:{ACCOUNT}:{resource}")
}

/// What moto 5.2.5 lacks or answers in a form the SDK cannot read: UNKNOWN, never a guess.
fn assert_emulator_gaps(a: &AccountSnapshot) {
    let gaps: Vec<(&str, &str)> = a.unavailable.iter().map(|u| (u.operation.as_str(), u.region.as_str())).collect();
    assert_eq!(
        gaps,
        [
            ("access-analyzer:ListAnalyzers", REGION),
            ("macie2:GetMacieSession", REGION),
            ("s3:GetBucketVersioning", REGION)
        ],
        "{:#?}",
        a.unavailable
    );
    for u in &a.unavailable {
        assert!(u.reason.starts_with("not supported by this endpoint: HTTP "), "{u:?}");
    }
    let facts = &a.account.per_region[REGION];
    assert!(facts.access_analyzers.reason().unwrap().contains("HTTP 500"), "{facts:?}");
    assert!(facts.macie_enabled.reason().unwrap().contains("not supported by this endpoint"), "{facts:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn insecure_then_clean_account() {
    let Some(moto) = Moto::start() else { return };
    let config = moto.config().await;
    let ids = seed::insecure(&config).await;
    let default_sg = seed::default_security_group(&config).await;
    let snapshot = collect(&options(&moto)).await;
    assert_eq!(snapshot.schema_version, "1");
    assert_eq!(snapshot.accounts.len(), 1);
    check_insecure(account(&snapshot, ACCOUNT), &ids, &default_sg);

    moto.reset();
    let ids = seed::clean(&config).await;
    let default_sg = seed::default_security_group(&config).await;
    let snapshot = collect(&options(&moto)).await;
    check_clean(account(&snapshot, ACCOUNT), &ids, &default_sg);
}

fn check_insecure(a: &AccountSnapshot, ids: &seed::Insecure, default_sg: &str) {
    let rds_snapshot = rds_automated_snapshot(a, "public-db");
    let user_arn = format!("arn:aws:iam::{ACCOUNT}:user/alice");
    let key = |i: usize| format!("{user_arn}/accesskey/{}", ids.keys[i]);
    assert_eq!(
        inventory(a),
        expected_inventory(&[
            ("AWS::Backup::BackupVault", arn("backup", "backup-vault:open-vault")),
            ("AWS::CloudTrail::Trail", arn("cloudtrail", "trail/quiet-trail")),
            ("AWS::DynamoDB::Table", arn("dynamodb", "table/orders")),
            ("AWS::EC2::SecurityGroup", arn("ec2", &format!("security-group/{}", ids.security_group))),
            ("AWS::EC2::SecurityGroup", arn("ec2", &format!("security-group/{default_sg}"))),
            ("AWS::EC2::Snapshot", format!("arn:aws:ec2:{REGION}::snapshot/{}", ids.snapshot)),
            ("AWS::EC2::Volume", arn("ec2", &format!("volume/{}", ids.volume))),
            ("AWS::IAM::AccessKey", key(0)),
            ("AWS::IAM::AccessKey", key(1)),
            ("AWS::IAM::Role", format!("arn:aws:iam::{ACCOUNT}:role/open-role")),
            ("AWS::IAM::User", user_arn.clone()),
            ("AWS::RDS::DBInstance", arn("rds", "db:public-db")),
            ("AWS::RDS::DBSnapshot", rds_snapshot.clone()),
            ("AWS::S3::Bucket", "arn:aws:s3:::public-bucket".into()),
            ("AWS::S3::Bucket", "arn:aws:s3:::trail-bucket".into()),
            ("AWS::S3::BucketPolicy", "arn:aws:s3:::public-bucket/policy".into()),
        ])
    );
    check_insecure_iam(a, &user_arn, &[key(0), key(1)]);
    let admin = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]});
    assert_eq!(a.aws_managed_policies, std::collections::BTreeMap::from([(ADMIN_POLICY.to_string(), admin)]));
    check_insecure_data(a, ids, &rds_snapshot);
    check_insecure_network(a, ids, default_sg);
    check_insecure_facts(a);
    assert_emulator_gaps(a);
}

fn check_insecure_iam(a: &AccountSnapshot, user_arn: &str, keys: &[String]) {
    assert_eq!(
        props(a, user_arn),
        json!({"UserName": "alice", "Path": "/", "Groups": [], "ManagedPolicyArns": [ADMIN_POLICY], "Policies": [],
               "Tags": [], "LoginProfile": {}, "MFADevices": []})
    );
    let user = a.resources.iter().find(|r| r.arn == user_arn).unwrap();
    assert!(user.properties["LoginProfile"]["CreateDate"].is_string(), "console password: {user:?}");
    for key in keys {
        assert_eq!(props(a, key), json!({"UserName": "alice", "Status": "Active"}));
    }
    assert_eq!(
        props(a, &format!("arn:aws:iam::{ACCOUNT}:role/open-role")),
        json!({"RoleName": "open-role", "Path": "/", "ManagedPolicyArns": [], "Policies": [], "Tags": [], "RoleLastUsed": {},
               "AssumeRolePolicyDocument": {"Version": "2012-10-17",
                   "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}})
    );
}

fn check_insecure_data(a: &AccountSnapshot, ids: &seed::Insecure, rds_snapshot: &str) {
    let bucket = props(a, "arn:aws:s3:::public-bucket");
    assert_eq!(bucket["AccessControl"], "PublicRead");
    assert_eq!(bucket["PolicyStatus"], json!({"IsPublic": true}));
    assert_eq!(bucket["ObjectLockEnabled"], false);
    for absent in
        ["PublicAccessBlockConfiguration", "BucketEncryption", "LoggingConfiguration", "ReplicationConfiguration"]
    {
        assert!(bucket.get(absent).is_none(), "{absent} is not set: {bucket}");
    }
    assert!(bucket.get("VersioningConfiguration").is_none(), "unreadable on moto: {bucket}");
    let grants = bucket["AclGrants"].as_array().unwrap();
    assert!(grants.contains(&json!({"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"}, "Permission": "READ"})));
    assert_eq!(props(a, "arn:aws:s3:::trail-bucket")["AccessControl"], "Private");
    let model = nextgap_snapshot::to_model(a);
    let public =
        model.buckets.iter().find(|b| b.logical_id == "arn:aws:s3:::public-bucket").expect("bucket in the model");
    assert_eq!(
        (public.acl.as_deref(), public.policies.len()),
        (Some("PublicRead"), 1),
        "the policy links to its bucket"
    );
    assert_eq!(
        props(a, "arn:aws:s3:::public-bucket/policy"),
        json!({"Bucket": {"Ref": "arn:aws:s3:::public-bucket"}, "PolicyDocument": {"Version": "2012-10-17", "Statement": [
            {"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::public-bucket/*"}]}})
    );
    assert_eq!(
        props(a, &arn("rds", "db:public-db")),
        json!({"DBInstanceIdentifier": "public-db", "Engine": "postgres", "PubliclyAccessible": true, "StorageEncrypted": false,
               "BackupRetentionPeriod": 0, "DeletionProtection": false, "MultiAZ": false})
    );
    assert_eq!(props(a, rds_snapshot)["Public"], false);
    assert_eq!(
        props(a, &format!("arn:aws:ec2:{REGION}::snapshot/{}", ids.snapshot)),
        json!({"SnapshotId": ids.snapshot, "VolumeId": ids.volume, "VolumeSize": 8, "State": "completed", "Encrypted": false,
               "Public": true})
    );
    assert_eq!(
        props(a, &arn("ec2", &format!("volume/{}", ids.volume))),
        json!({"VolumeId": ids.volume, "Encrypted": false, "Size": 8, "AvailabilityZone": "us-east-1a", "Attachments": [],
               "VolumeType": "gp2"})
    );
    assert_eq!(
        props(a, &arn("cloudtrail", "trail/quiet-trail")),
        json!({"TrailName": "quiet-trail", "S3BucketName": "trail-bucket", "IsMultiRegionTrail": false,
               "EnableLogFileValidation": false, "IsLogging": false, "HomeRegion": REGION, "IsOrganizationTrail": false,
               "IncludeGlobalServiceEvents": true, "EventSelectors": []})
    );
    assert_eq!(
        props(a, &arn("dynamodb", "table/orders")),
        json!({"TableName": "orders", "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": false},
               "DeletionProtectionEnabled": false, "SSESpecification": {"SSEEnabled": false}})
    );
    assert_eq!(
        props(a, &arn("backup", "backup-vault:open-vault")),
        json!({"BackupVaultName": "open-vault", "Locked": false, "NumberOfRecoveryPoints": 0})
    );
}

fn world_entries(from: i64, to: i64) -> Vec<Value> {
    vec![
        json!({"IpProtocol": "tcp", "FromPort": from, "ToPort": to, "CidrIp": "0.0.0.0/0"}),
        json!({"IpProtocol": "tcp", "FromPort": from, "ToPort": to, "CidrIpv6": "::/0"}),
    ]
}

fn check_insecure_network(a: &AccountSnapshot, ids: &seed::Insecure, default_sg: &str) {
    let sg = props(a, &arn("ec2", &format!("security-group/{}", ids.security_group)));
    let ingress: Vec<Value> = world_entries(22, 22).into_iter().chain(world_entries(0, 65535)).collect();
    assert_eq!(sg["SecurityGroupIngress"], Value::Array(ingress));
    assert_eq!(sg["SecurityGroupEgress"], json!([{"IpProtocol": "-1", "CidrIp": "0.0.0.0/0"}]));
    assert_eq!(
        (&sg["GroupName"], &sg["Attached"], &sg["IsDefault"]),
        (&json!("wide-open"), &json!(false), &json!(false))
    );
    let default = props(a, &arn("ec2", &format!("security-group/{default_sg}")));
    assert_eq!((&default["GroupName"], &default["IsDefault"]), (&json!("default"), &json!(true)));
    assert_eq!(default["SecurityGroupIngress"], json!([]), "moto's default group allows nothing in");
}

fn check_insecure_facts(a: &AccountSnapshot) {
    let facts = without_times(&serde_json::to_value(&a.account).unwrap());
    let summary = facts["summary"]["known"].clone();
    assert_eq!((&summary["Users"], &summary["AccountMFAEnabled"]), (&json!(1), &json!(0)), "{summary}");
    let mut facts = facts;
    facts.as_object_mut().unwrap().remove("summary");
    let gap = |f: &Value, key: &str| f["per_region"][REGION][key].clone();
    assert_eq!(
        facts,
        json!({
            "account_id": ACCOUNT, "partition": "aws", "collected_at": "2026-11-23T00:00:00Z", "regions": [REGION],
            "credential_report": {"known": [{
                "user": "alice", "arn": format!("arn:aws:iam::{ACCOUNT}:user/alice"), "password_enabled": true,
                "password_last_used": null, "mfa_active": false,
                "access_key_1_active": true, "access_key_1_last_used_date": null,
                "access_key_2_active": true, "access_key_2_last_used_date": null}]},
            "password_policy": {"known": null},
            "virtual_mfa_devices": {"known": []},
            "alternate_contacts": {"known": {"BILLING": false, "OPERATIONS": false, "SECURITY": false}},
            "organization": {"known": null},
            "s3_public_access_block": {"known": null},
            "per_region": {REGION: {
                "config_recorders": {"known": []}, "guardduty_detectors": {"known": []}, "securityhub_enabled": {"known": false},
                "access_analyzers": gap(&facts, "access_analyzers"), "macie_enabled": gap(&facts, "macie_enabled"),
                "backup_plans": {"known": 0}, "ebs_encryption_by_default": {"known": false}}}
        })
    );
}

fn check_clean(a: &AccountSnapshot, ids: &seed::Clean, default_sg: &str) {
    let rds_snapshot = rds_automated_snapshot(a, "private-db");
    let plan = a.resources.iter().find(|r| r.resource_type == "AWS::Backup::BackupPlan").expect("plan").arn.clone();
    assert_eq!(
        inventory(a),
        expected_inventory(&[
            ("AWS::Backup::BackupPlan", plan.clone()),
            ("AWS::Backup::BackupVault", arn("backup", "backup-vault:locked-vault")),
            ("AWS::CloudTrail::Trail", arn("cloudtrail", "trail/org-trail")),
            ("AWS::DynamoDB::Table", arn("dynamodb", "table/ledger")),
            ("AWS::EC2::SecurityGroup", arn("ec2", &format!("security-group/{}", ids.security_group))),
            ("AWS::EC2::SecurityGroup", arn("ec2", &format!("security-group/{default_sg}"))),
            ("AWS::EC2::Volume", arn("ec2", &format!("volume/{}", ids.volume))),
            ("AWS::IAM::Role", format!("arn:aws:iam::{ACCOUNT}:role/app")),
            ("AWS::RDS::DBInstance", arn("rds", "db:private-db")),
            ("AWS::RDS::DBSnapshot", rds_snapshot),
            ("AWS::S3::Bucket", "arn:aws:s3:::clean-trail-bucket".into()),
            ("AWS::S3::Bucket", "arn:aws:s3:::private-bucket".into()),
        ]),
        "nothing of the insecure account survives the reset"
    );
    assert!(a.aws_managed_policies.is_empty(), "no AWS-managed policy is attached");
    check_clean_resources(a, ids, &plan);
    check_clean_facts(a, ids);
    assert_emulator_gaps(a);
}

fn check_clean_resources(a: &AccountSnapshot, ids: &seed::Clean, plan: &str) {
    let all_on = json!({"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": true});
    let bucket = props(a, "arn:aws:s3:::private-bucket");
    assert_eq!(bucket["PublicAccessBlockConfiguration"], all_on);
    assert_eq!(bucket["AccessControl"], "Private");
    assert_eq!(bucket["PolicyStatus"], json!({"IsPublic": false}));
    assert_eq!(
        bucket["BucketEncryption"],
        json!({"ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}, "BucketKeyEnabled": false}]})
    );
    let sg = props(a, &arn("ec2", &format!("security-group/{}", ids.security_group)));
    assert_eq!(
        sg["SecurityGroupIngress"],
        json!([{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "10.0.0.0/8"}])
    );
    assert_eq!(props(a, &arn("ec2", &format!("volume/{}", ids.volume)))["Encrypted"], true);
    let db = props(a, &arn("rds", "db:private-db"));
    assert_eq!(
        (&db["PubliclyAccessible"], &db["StorageEncrypted"], &db["BackupRetentionPeriod"], &db["DeletionProtection"]),
        (&json!(false), &json!(true), &json!(7), &json!(true))
    );
    assert_eq!(
        props(a, &arn("cloudtrail", "trail/org-trail")),
        json!({"TrailName": "org-trail", "S3BucketName": "clean-trail-bucket", "IsMultiRegionTrail": true,
               "EnableLogFileValidation": true, "KMSKeyId": "alias/trail", "IsLogging": true, "HomeRegion": REGION,
               "IsOrganizationTrail": false, "IncludeGlobalServiceEvents": true, "EventSelectors": []})
    );
    assert_eq!(
        props(a, &arn("dynamodb", "table/ledger"))["PointInTimeRecoverySpecification"],
        json!({"PointInTimeRecoveryEnabled": true})
    );
    assert_eq!(
        props(a, &arn("backup", "backup-vault:locked-vault")),
        json!({"BackupVaultName": "locked-vault", "Locked": true, "MinRetentionDays": 7, "MaxRetentionDays": 365, "NumberOfRecoveryPoints": 0})
    );
    assert_eq!(props(a, plan)["BackupPlanName"], "daily");
}

fn check_clean_facts(a: &AccountSnapshot, ids: &seed::Clean) {
    let account = &a.account;
    let policy = account.password_policy.known().unwrap().as_ref().expect("a password policy");
    assert_eq!(
        (policy.minimum_password_length, policy.password_reuse_prevention, policy.max_password_age),
        (Some(14), Some(24), Some(90))
    );
    assert!(
        policy.require_symbols
            && policy.require_numbers
            && policy.require_uppercase_characters
            && policy.require_lowercase_characters
    );
    let block =
        account.s3_public_access_block.known().unwrap().as_ref().expect("read through the s3control host rewrite");
    assert!(block.all_on(), "{block:?}");
    assert_eq!(
        account.alternate_contacts.known().unwrap().iter().map(|(k, v)| (k.as_str(), *v)).collect::<Vec<_>>(),
        [("BILLING", true), ("OPERATIONS", true), ("SECURITY", true)]
    );
    assert_eq!(account.credential_report.known().map(Vec::len), Some(0), "no users; moto has no root row");
    let region = &account.per_region[REGION];
    let recorders = region.config_recorders.known().unwrap();
    assert_eq!((recorders.len(), recorders[0].recording, recorders[0].all_supported), (1, true, true));
    assert_eq!(region.guardduty_detectors.known(), Some(&vec![ids.detector.clone()]));
    assert_eq!(region.securityhub_enabled.known(), Some(&true));
    assert_eq!(region.backup_plans.known(), Some(&1));
    assert_eq!(region.ebs_encryption_by_default.known(), Some(&true));
    assert_eq!(account.organization.known(), Some(&None));
}

/// (account, service, region, `None` on start / `Some(ok)` on finish).
type Event = (String, String, String, Option<bool>);

#[derive(Default)]
struct Recorder(Mutex<Vec<Event>>);

impl nextgap_source_aws::Progress for Recorder {
    fn start(&self, account: &str, service: &str, region: &str) {
        self.0.lock().unwrap().push((account.into(), service.into(), region.into(), None));
    }
    fn finish(&self, account: &str, service: &str, region: &str, ok: bool) {
        self.0.lock().unwrap().push((account.into(), service.into(), region.into(), Some(ok)));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn organization_accounts_through_assumed_roles() {
    let Some(moto) = Moto::start() else { return };
    let config = moto.config().await;
    let org = aws_sdk_organizations::Client::new(&config);
    org.create_organization()
        .feature_set(aws_sdk_organizations::types::OrganizationFeatureSet::All)
        .send()
        .await
        .unwrap();
    let created = org.create_account().account_name("member").email("member@example.com").send().await.unwrap();
    let member = created.create_account_status().unwrap().account_id().unwrap().to_string();
    let member_config = moto.config_as(&member).await;
    s3(&member_config).create_bucket().bucket("member-bucket").send().await.unwrap();
    s3(&config).create_bucket().bucket("management-bucket").send().await.unwrap();

    let mut opts = options(&moto);
    opts.org = true;
    opts.role_name = Some("audit".into());
    let recorder = Arc::new(Recorder::default());
    let snapshot =
        nextgap_source_aws::collect_with_credentials(&opts, fake_credentials(), recorder.clone()).await.unwrap();

    let ids: Vec<&str> = snapshot.accounts.iter().map(|a| a.account.account_id.as_str()).collect();
    let mut expected = vec![ACCOUNT, member.as_str()];
    expected.sort();
    assert_eq!(ids, expected);
    let buckets = |id: &str| -> Vec<String> {
        account(&snapshot, id)
            .resources
            .iter()
            .filter(|r| r.resource_type == "AWS::S3::Bucket")
            .map(|r| r.arn.clone())
            .collect()
    };
    assert_eq!(buckets(ACCOUNT), ["arn:aws:s3:::management-bucket"]);
    assert_eq!(buckets(&member), ["arn:aws:s3:::member-bucket"], "read with the member's assumed-role credentials");
    let management =
        account(&snapshot, ACCOUNT).account.organization.known().unwrap().clone().expect("in an organization");
    assert_eq!(management.management_account_id, ACCOUNT);
    let scps = management.service_control_policies.known().expect("SCPs readable from the management account");
    assert_eq!(scps.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["FullAWSAccess"]);
    assert_eq!(management.parents.known(), Some(&vec![root_id(&management)]));
    let rcps = management.resource_control_policies.known().expect("RCPs readable from the management account");
    assert_eq!(rcps.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["RCPFullAWSAccess"]);
    for a in &snapshot.accounts {
        assert!(a.resources.iter().all(|r| !r.arn.contains(":iam::") || r.arn.contains(&a.account.account_id)));
    }
    assert_emulator_gaps_without_buckets(account(&snapshot, ACCOUNT));
    check_member_path_unknown(account(&snapshot, &member));
    check_progress(&recorder, &[ACCOUNT, member.as_str()]);
}

/// The root: the one target of FullAWSAccess that is neither an OU nor an account.
fn root_id(org: &nextgap_model::account::Organization) -> String {
    let scps = org.service_control_policies.known().unwrap();
    scps[0].targets.iter().find(|t| t.starts_with("r-")).expect("FullAWSAccess on the root").clone()
}

/// moto answers a member's `ListParents` from the member's own (empty) Organization data, as
/// AWS answers a member with AccessDenied: the path is unknown with the reason, and recorded.
fn check_member_path_unknown(a: &AccountSnapshot) {
    let ops: Vec<&str> =
        a.unavailable.iter().map(|u| u.operation.as_str()).filter(|o| *o != "s3:GetBucketVersioning").collect();
    assert_eq!(
        ops,
        ["access-analyzer:ListAnalyzers", "macie2:GetMacieSession", "organizations:ListParents"],
        "{:#?}",
        a.unavailable
    );
    let org = a.account.organization.known().unwrap().clone().expect("a member of the organization");
    let reason = "AccountNotFoundException: You specified an account that doesn't exist.";
    assert_eq!(org.parents.reason(), Some(reason));
    let listed = a.unavailable.iter().find(|u| u.operation == "organizations:ListParents").unwrap();
    assert_eq!((listed.region.as_str(), listed.reason.as_str()), ("", reason));
}

fn assert_emulator_gaps_without_buckets(a: &AccountSnapshot) {
    let ops: Vec<&str> =
        a.unavailable.iter().map(|u| u.operation.as_str()).filter(|o| *o != "s3:GetBucketVersioning").collect();
    assert_eq!(ops, ["access-analyzer:ListAnalyzers", "macie2:GetMacieSession"], "{:#?}", a.unavailable);
}

/// Every (account, service, region) started once and finished once; only the emulator gaps,
/// S3 versioning and the member's Organization path are not ok.
fn check_progress(recorder: &Recorder, accounts: &[&str]) {
    let events = recorder.0.lock().unwrap().clone();
    let started: Vec<_> = events.iter().filter(|e| e.3.is_none()).collect();
    let finished: Vec<_> = events.iter().filter(|e| e.3.is_some()).collect();
    assert_eq!(started.len(), finished.len());
    assert_eq!(started.len(), accounts.len() * (6 + 13), "6 global and 13 regional services per account");
    let failed: std::collections::BTreeSet<(&str, &str)> =
        finished.iter().filter(|e| e.3 == Some(false)).map(|e| (e.1.as_str(), e.2.as_str())).collect();
    assert_eq!(
        failed.into_iter().collect::<Vec<_>>(),
        [("access-analyzer", REGION), ("macie2", REGION), ("organizations", ""), ("s3", "")],
        "organizations: the member's ListParents"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_whose_role_cannot_be_assumed_is_all_unknown() {
    let stub = StsStub::start();
    let opts = nextgap_source_aws::CollectOptions {
        regions: vec![REGION.into()],
        endpoint_url: Some(stub.endpoint()),
        accounts: vec!["222222222222".into()],
        role_name: Some("audit".into()),
        now: Some("2026-11-23T00:00:00Z".into()),
        ..Default::default()
    };
    let snapshot = collect(&opts).await;
    assert_eq!(snapshot.accounts.len(), 1);
    let a = &snapshot.accounts[0];
    assert_eq!((a.account.account_id.as_str(), a.resources.len()), ("222222222222", 0));
    assert_eq!(a.unavailable.len(), 1, "{:?}", a.unavailable);
    let u = &a.unavailable[0];
    assert_eq!((u.operation.as_str(), u.region.as_str()), ("sts:AssumeRole", ""));
    assert!(
        u.reason.starts_with("AccessDenied: User: arn:aws:iam::123456789012:user/auditor is not authorized"),
        "{u:?}"
    );
    let reason = format!("sts:AssumeRole failed: {}", u.reason);
    let facts = &a.account;
    assert_eq!(facts.credential_report.reason(), Some(reason.as_str()));
    assert_eq!(facts.password_policy.reason(), Some(reason.as_str()));
    assert_eq!(facts.summary.reason(), Some(reason.as_str()));
    assert_eq!(facts.virtual_mfa_devices.reason(), Some(reason.as_str()));
    assert_eq!(facts.alternate_contacts.reason(), Some(reason.as_str()));
    assert_eq!(facts.organization.reason(), Some(reason.as_str()));
    assert_eq!(facts.s3_public_access_block.reason(), Some(reason.as_str()));
    assert!(facts.per_region.is_empty() && facts.regions.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_accounts_need_a_role_name() {
    let stub = StsStub::start();
    let opts = nextgap_source_aws::CollectOptions {
        regions: vec![REGION.into()],
        endpoint_url: Some(stub.endpoint()),
        accounts: vec!["222222222222".into()],
        ..Default::default()
    };
    let err = nextgap_source_aws::collect_with_credentials(
        &opts,
        fake_credentials(),
        Arc::new(nextgap_source_aws::NoProgress),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("--role-name"), "{err}");
}

/// Workloads and the roles they run as, the AWS-managed documents attached to those roles, and
/// the account's place in its Organization with the policies' targets.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workloads_managed_policies_and_organization_path() {
    let Some(moto) = Moto::start() else { return };
    let config = moto.config().await;
    let ids = seed::workloads(&config).await;
    let org_ids = seed::organization_with_ou(&config).await;
    let snapshot = collect(&options(&moto)).await;
    let a = account(&snapshot, ACCOUNT);
    check_workloads(a, &ids);
    check_aws_managed_policies(a);
    check_organization_path(a, &org_ids);
    assert_emulator_gaps_without_buckets(a);
}

fn check_workloads(a: &AccountSnapshot, ids: &seed::Workloads) {
    let kinds = [
        "AWS::CloudFormation::Stack",
        "AWS::CodeBuild::Project",
        "AWS::EC2::Instance",
        "AWS::IAM::InstanceProfile",
        "AWS::IAM::Role",
        "AWS::Lambda::Function",
    ];
    let seen: Vec<(String, String)> = inventory(a).into_iter().filter(|(t, _)| kinds.contains(&t.as_str())).collect();
    let profile_arn = format!("arn:aws:iam::{ACCOUNT}:instance-profile/web-profile");
    let instance_arn = arn("ec2", &format!("instance/{}", ids.instance));
    assert_eq!(
        seen,
        expected_inventory(&[
            ("AWS::CloudFormation::Stack", ids.stack_id.clone()),
            ("AWS::CodeBuild::Project", arn("codebuild", "project/build")),
            ("AWS::EC2::Instance", instance_arn.clone()),
            ("AWS::IAM::InstanceProfile", profile_arn.clone()),
            ("AWS::IAM::Role", seed::role_arn("build-role")),
            ("AWS::IAM::Role", seed::role_arn("deploy-role")),
            ("AWS::IAM::Role", seed::role_arn("fn-role")),
            ("AWS::IAM::Role", seed::role_arn("web-role")),
            ("AWS::Lambda::Function", arn("lambda", "function:worker")),
        ])
    );
    assert!(ids.stack_id.starts_with(&arn("cloudformation", "stack/app/")), "{}", ids.stack_id);
    assert_eq!(props(a, &ids.stack_id), json!({"StackName": "app", "RoleARN": seed::role_arn("deploy-role")}));
    assert_eq!(
        props(a, &arn("codebuild", "project/build")),
        json!({"Name": "build", "ServiceRole": seed::role_arn("build-role")})
    );
    assert_eq!(
        props(a, &instance_arn),
        json!({"InstanceId": ids.instance, "IamInstanceProfile": profile_arn, "State": "running"})
    );
    assert_eq!(
        props(a, &profile_arn),
        json!({"InstanceProfileName": "web-profile", "Roles": ["web-role"], "Path": "/"})
    );
    assert_eq!(
        props(a, &arn("lambda", "function:worker")),
        json!({"FunctionName": "worker", "Role": seed::role_arn("fn-role")})
    );
    assert_eq!(props(a, &seed::role_arn("web-role"))["ManagedPolicyArns"], json!([seed::IAM_READ_ONLY_POLICY]));
}

/// moto 5.2.5's copies of the two AWS-managed policies the seed attaches.
fn check_aws_managed_policies(a: &AccountSnapshot) {
    let expected = std::collections::BTreeMap::from([
        (
            seed::IAM_READ_ONLY_POLICY.to_string(),
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*",
                "Action": ["iam:GenerateCredentialReport", "iam:GenerateServiceLastAccessedDetails", "iam:Get*",
                           "iam:List*", "iam:SimulateCustomPolicy", "iam:SimulatePrincipalPolicy"]}]}),
        ),
        (
            seed::LAMBDA_BASIC_POLICY.to_string(),
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*",
                "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]}]}),
        ),
    ]);
    assert_eq!(a.aws_managed_policies, expected);
    assert!(
        a.resources.iter().all(|r| r.arn.split(':').nth(4) != Some("aws")),
        "AWS-managed policies are not resources"
    );
}

fn check_organization_path(a: &AccountSnapshot, ids: &seed::OrgIds) {
    let org = a.account.organization.known().unwrap().clone().expect("in an organization");
    assert_eq!(org.parents.known(), Some(&vec![ids.root.clone(), ids.ou.clone()]));
    let summary =
        |policies: &nextgap_model::Fact<Vec<nextgap_model::account::NamedPolicy>>| -> Vec<(String, Vec<String>)> {
            let mut list: Vec<(String, Vec<String>)> =
                policies.known().expect("readable").iter().map(|p| (p.name.clone(), p.targets.clone())).collect();
            list.sort();
            list
        };
    // moto attaches the FullAWSAccess policies to the root, to each new OU and to the
    // management account, as AWS does.
    let mut defaults = vec![ids.root.clone(), ids.ou.clone(), ACCOUNT.to_string()];
    defaults.sort();
    assert_eq!(
        summary(&org.service_control_policies),
        [("FullAWSAccess".to_string(), defaults.clone()), ("deny-leave".to_string(), vec![ids.ou.clone()])]
    );
    let deny = org.service_control_policies.known().unwrap().iter().find(|p| p.id == ids.scp).unwrap().clone();
    assert_eq!(deny.document, serde_json::from_str::<Value>(seed::DENY_LEAVE).unwrap());
    assert_eq!(summary(&org.resource_control_policies), [("RCPFullAWSAccess".to_string(), defaults)]);
}
