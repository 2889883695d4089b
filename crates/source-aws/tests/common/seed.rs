//! Seeds moto through the SDK: an account full of anti-patterns, and a clean one.

use super::{s3, s3control, REGION};
use aws_config::SdkConfig;

pub const ADMIN_POLICY: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

const PUBLIC_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Public","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::public-bucket/*"}]}"#;
const TRUST_ANYONE: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#;
const TRUST_EC2: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

/// IAM user with a console password and no MFA, two active keys, AdministratorAccess
/// attached; a role trusting `*`; a public-read bucket without Block Public Access and with a
/// public policy; a security group open to the world on 22 and on every port; an unencrypted
/// volume; a public snapshot; a public RDS instance without backups; a trail that does not
/// log; no Config recorder; a table without PITR; a vault without lock.
pub async fn insecure(config: &SdkConfig) -> Insecure {
    let keys = insecure_iam(config).await;
    insecure_s3(config).await;
    let (security_group, volume, snapshot) = insecure_ec2(config).await;
    insecure_rest(config).await;
    Insecure { keys, security_group, volume, snapshot }
}

/// Ids AWS chose while seeding the insecure account.
pub struct Insecure {
    pub keys: Vec<String>,
    pub security_group: String,
    pub volume: String,
    pub snapshot: String,
}

async fn insecure_iam(config: &SdkConfig) -> Vec<String> {
    let iam = aws_sdk_iam::Client::new(config);
    iam.create_user().user_name("alice").send().await.unwrap();
    iam.create_login_profile().user_name("alice").password("Passw0rd!Passw0rd").send().await.unwrap();
    let mut keys = vec![];
    for _ in 0..2 {
        let key = iam.create_access_key().user_name("alice").send().await.unwrap();
        keys.push(key.access_key().unwrap().access_key_id().to_string());
    }
    iam.attach_user_policy().user_name("alice").policy_arn(ADMIN_POLICY).send().await.unwrap();
    iam.create_role().role_name("open-role").assume_role_policy_document(TRUST_ANYONE).send().await.unwrap();
    keys
}

async fn insecure_s3(config: &SdkConfig) {
    let s3 = s3(config);
    s3.create_bucket().bucket("public-bucket").send().await.unwrap();
    s3.put_bucket_acl()
        .bucket("public-bucket")
        .acl(aws_sdk_s3::types::BucketCannedAcl::PublicRead)
        .send()
        .await
        .unwrap();
    s3.put_bucket_policy().bucket("public-bucket").policy(PUBLIC_POLICY).send().await.unwrap();
    s3.create_bucket().bucket("trail-bucket").send().await.unwrap();
}

fn world(protocol: &str, from: i32, to: i32) -> aws_sdk_ec2::types::IpPermission {
    use aws_sdk_ec2::types::{IpPermission, IpRange, Ipv6Range};
    IpPermission::builder()
        .ip_protocol(protocol)
        .from_port(from)
        .to_port(to)
        .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
        .ipv6_ranges(Ipv6Range::builder().cidr_ipv6("::/0").build())
        .build()
}

async fn insecure_ec2(config: &SdkConfig) -> (String, String, String) {
    let ec2 = aws_sdk_ec2::Client::new(config);
    let sg = ec2.create_security_group().group_name("wide-open").description("open").send().await.unwrap();
    let id = sg.group_id().unwrap();
    ec2.authorize_security_group_ingress()
        .group_id(id)
        .ip_permissions(world("tcp", 22, 22))
        .ip_permissions(world("tcp", 0, 65535))
        .send()
        .await
        .unwrap();
    let volume =
        ec2.create_volume().availability_zone(format!("{REGION}a")).size(8).encrypted(false).send().await.unwrap();
    let snapshot = ec2.create_snapshot().volume_id(volume.volume_id().unwrap()).send().await.unwrap();
    ec2.modify_snapshot_attribute()
        .snapshot_id(snapshot.snapshot_id().unwrap())
        .attribute(aws_sdk_ec2::types::SnapshotAttributeName::CreateVolumePermission)
        .operation_type(aws_sdk_ec2::types::OperationType::Add)
        .group_names("all")
        .send()
        .await
        .unwrap();
    (id.to_string(), volume.volume_id().unwrap().to_string(), snapshot.snapshot_id().unwrap().to_string())
}

async fn insecure_rest(config: &SdkConfig) {
    let rds = aws_sdk_rds::Client::new(config);
    rds.create_db_instance()
        .db_instance_identifier("public-db")
        .db_instance_class("db.t3.micro")
        .engine("postgres")
        .allocated_storage(20)
        .master_username("admin")
        .master_user_password("Passw0rd!Passw0rd")
        .publicly_accessible(true)
        .backup_retention_period(0)
        .send()
        .await
        .unwrap();
    let ct = aws_sdk_cloudtrail::Client::new(config);
    ct.create_trail().name("quiet-trail").s3_bucket_name("trail-bucket").send().await.unwrap();
    table(config, "orders").await;
    let backup = aws_sdk_backup::Client::new(config);
    backup.create_backup_vault().backup_vault_name("open-vault").send().await.unwrap();
}

pub async fn table(config: &SdkConfig, name: &str) {
    use aws_sdk_dynamodb::types::{AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType};
    let ddb = aws_sdk_dynamodb::Client::new(config);
    ddb.create_table()
        .table_name(name)
        .attribute_definitions(
            AttributeDefinition::builder().attribute_name("id").attribute_type(ScalarAttributeType::S).build().unwrap(),
        )
        .key_schema(KeySchemaElement::builder().attribute_name("id").key_type(KeyType::Hash).build().unwrap())
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await
        .unwrap();
}

/// Strong password policy, account and bucket Block Public Access on, an encrypted and
/// versioned private bucket, a logging multi-region trail with validation, a recording Config
/// recorder, EBS encryption by default, an encrypted private database with backups, a table
/// with PITR, a locked vault and a plan, GuardDuty, Security Hub and Macie on, contacts set.
pub async fn clean(config: &SdkConfig) -> Clean {
    clean_account(config).await;
    clean_s3(config).await;
    let (security_group, volume) = clean_ec2_rds(config).await;
    clean_logging(config).await;
    clean_backup(config).await;
    let detector = clean_detective(config).await;
    Clean { security_group, volume, detector }
}

/// Ids AWS chose while seeding the clean account.
pub struct Clean {
    pub security_group: String,
    pub volume: String,
    pub detector: String,
}

async fn clean_account(config: &SdkConfig) {
    let iam = aws_sdk_iam::Client::new(config);
    iam.update_account_password_policy()
        .minimum_password_length(14)
        .require_symbols(true)
        .require_numbers(true)
        .require_uppercase_characters(true)
        .require_lowercase_characters(true)
        .password_reuse_prevention(24)
        .max_password_age(90)
        .send()
        .await
        .unwrap();
    iam.create_role().role_name("app").assume_role_policy_document(TRUST_EC2).send().await.unwrap();
    let account = aws_sdk_account::Client::new(config);
    use aws_sdk_account::types::AlternateContactType as T;
    for kind in [T::Billing, T::Operations, T::Security] {
        account
            .put_alternate_contact()
            .alternate_contact_type(kind)
            .name("Ops")
            .title("Ops")
            .email_address("ops@example.com")
            .phone_number("+10000000000")
            .send()
            .await
            .unwrap();
    }
}

async fn clean_s3(config: &SdkConfig) {
    use aws_sdk_s3control::types::PublicAccessBlockConfiguration as AccountBlock;
    s3control(config)
        .put_public_access_block()
        .account_id(super::ACCOUNT)
        .public_access_block_configuration(
            AccountBlock::builder()
                .block_public_acls(true)
                .ignore_public_acls(true)
                .block_public_policy(true)
                .restrict_public_buckets(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let s3 = s3(config);
    private_bucket(&s3, "private-bucket").await;
    private_bucket(&s3, "clean-trail-bucket").await;
}

async fn private_bucket(s3: &aws_sdk_s3::Client, name: &str) {
    use aws_sdk_s3::types::*;
    s3.create_bucket().bucket(name).send().await.unwrap();
    let block = PublicAccessBlockConfiguration::builder()
        .block_public_acls(true)
        .ignore_public_acls(true)
        .block_public_policy(true)
        .restrict_public_buckets(true)
        .build();
    s3.put_public_access_block().bucket(name).public_access_block_configuration(block).send().await.unwrap();
    let versioning = VersioningConfiguration::builder().status(BucketVersioningStatus::Enabled).build();
    s3.put_bucket_versioning().bucket(name).versioning_configuration(versioning).send().await.unwrap();
    let by_default =
        ServerSideEncryptionByDefault::builder().sse_algorithm(ServerSideEncryption::AwsKms).build().unwrap();
    let rule = ServerSideEncryptionRule::builder().apply_server_side_encryption_by_default(by_default).build();
    let encryption = ServerSideEncryptionConfiguration::builder().rules(rule).build().unwrap();
    s3.put_bucket_encryption().bucket(name).server_side_encryption_configuration(encryption).send().await.unwrap();
}

async fn clean_ec2_rds(config: &SdkConfig) -> (String, String) {
    let ec2 = aws_sdk_ec2::Client::new(config);
    ec2.enable_ebs_encryption_by_default().send().await.unwrap();
    let sg = ec2.create_security_group().group_name("web").description("https from the VPN").send().await.unwrap();
    let https = aws_sdk_ec2::types::IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(443)
        .to_port(443)
        .ip_ranges(aws_sdk_ec2::types::IpRange::builder().cidr_ip("10.0.0.0/8").build())
        .build();
    ec2.authorize_security_group_ingress().group_id(sg.group_id().unwrap()).ip_permissions(https).send().await.unwrap();
    let volume =
        ec2.create_volume().availability_zone(format!("{REGION}a")).size(8).encrypted(true).send().await.unwrap();
    let rds = aws_sdk_rds::Client::new(config);
    rds.create_db_instance()
        .db_instance_identifier("private-db")
        .db_instance_class("db.t3.micro")
        .engine("postgres")
        .allocated_storage(20)
        .master_username("admin")
        .master_user_password("Passw0rd!Passw0rd")
        .publicly_accessible(false)
        .storage_encrypted(true)
        .backup_retention_period(7)
        .deletion_protection(true)
        .send()
        .await
        .unwrap();
    (sg.group_id().unwrap().to_string(), volume.volume_id().unwrap().to_string())
}

async fn clean_logging(config: &SdkConfig) {
    let ct = aws_sdk_cloudtrail::Client::new(config);
    ct.create_trail()
        .name("org-trail")
        .s3_bucket_name("clean-trail-bucket")
        .is_multi_region_trail(true)
        .enable_log_file_validation(true)
        .kms_key_id("alias/trail")
        .send()
        .await
        .unwrap();
    ct.start_logging().name("org-trail").send().await.unwrap();
    let cfg = aws_sdk_config::Client::new(config);
    let recorder = aws_sdk_config::types::ConfigurationRecorder::builder()
        .name("default")
        .role_arn(format!("arn:aws:iam::{}:role/config", super::ACCOUNT))
        .recording_group(aws_sdk_config::types::RecordingGroup::builder().all_supported(true).build())
        .build();
    cfg.put_configuration_recorder().configuration_recorder(recorder).send().await.unwrap();
    let channel =
        aws_sdk_config::types::DeliveryChannel::builder().name("default").s3_bucket_name("clean-trail-bucket").build();
    cfg.put_delivery_channel().delivery_channel(channel).send().await.unwrap();
    cfg.start_configuration_recorder().configuration_recorder_name("default").send().await.unwrap();
    table(config, "ledger").await;
    let ddb = aws_sdk_dynamodb::Client::new(config);
    let pitr = aws_sdk_dynamodb::types::PointInTimeRecoverySpecification::builder()
        .point_in_time_recovery_enabled(true)
        .build()
        .unwrap();
    ddb.update_continuous_backups()
        .table_name("ledger")
        .point_in_time_recovery_specification(pitr)
        .send()
        .await
        .unwrap();
}

async fn clean_backup(config: &SdkConfig) {
    use aws_sdk_backup::types::{BackupPlanInput, BackupRuleInput};
    let backup = aws_sdk_backup::Client::new(config);
    backup.create_backup_vault().backup_vault_name("locked-vault").send().await.unwrap();
    backup
        .put_backup_vault_lock_configuration()
        .backup_vault_name("locked-vault")
        .min_retention_days(7)
        .max_retention_days(365)
        .send()
        .await
        .unwrap();
    let rule = BackupRuleInput::builder()
        .rule_name("daily")
        .target_backup_vault_name("locked-vault")
        .schedule_expression("cron(0 5 ? * * *)")
        .build()
        .unwrap();
    let plan = BackupPlanInput::builder().backup_plan_name("daily").rules(rule).build().unwrap();
    backup.create_backup_plan().backup_plan(plan).send().await.unwrap();
}

async fn clean_detective(config: &SdkConfig) -> String {
    let detector = aws_sdk_guardduty::Client::new(config).create_detector().enable(true).send().await.unwrap();
    aws_sdk_securityhub::Client::new(config).enable_security_hub().send().await.unwrap();
    aws_sdk_macie2::Client::new(config).enable_macie().send().await.unwrap();
    detector.detector_id().unwrap().to_string()
}

/// The id of the default security group of the default VPC.
pub async fn default_security_group(config: &SdkConfig) -> String {
    let ec2 = aws_sdk_ec2::Client::new(config);
    let out = ec2.describe_security_groups().group_names("default").send().await.unwrap();
    out.security_groups()[0].group_id().unwrap().to_string()
}

const TRUST_LAMBDA: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
const TRUST_CLOUDFORMATION: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudformation.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
const TRUST_CODEBUILD: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"codebuild.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
pub const LAMBDA_BASIC_POLICY: &str = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
pub const IAM_READ_ONLY_POLICY: &str = "arn:aws:iam::aws:policy/IAMReadOnlyAccess";
/// An empty ZIP archive (end-of-central-directory record only): moto stores the code unread.
const EMPTY_ZIP: &[u8] = &[0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

/// Ids AWS chose while seeding the workloads.
pub struct Workloads {
    pub instance: String,
    pub stack_id: String,
}

pub fn role_arn(name: &str) -> String {
    format!("arn:aws:iam::{}:role/{name}", super::ACCOUNT)
}

/// Workloads that run as roles: a Lambda function (`fn-role`, AWSLambdaBasicExecutionRole
/// attached), an instance with instance profile `web-profile` (`web-role`, IAMReadOnlyAccess
/// attached), a stack deployed with service role `deploy-role`, a CodeBuild project running as
/// `build-role`.
pub async fn workloads(config: &SdkConfig) -> Workloads {
    workload_roles(config).await;
    let lambda = aws_sdk_lambda::Client::new(config);
    lambda
        .create_function()
        .function_name("worker")
        .runtime(aws_sdk_lambda::types::Runtime::Python312)
        .role(role_arn("fn-role"))
        .handler("index.handler")
        .code(
            aws_sdk_lambda::types::FunctionCode::builder()
                .zip_file(aws_sdk_lambda::primitives::Blob::new(EMPTY_ZIP))
                .build(),
        )
        .send()
        .await
        .unwrap();
    let instance = instance_with_profile(config).await;
    let cfn = aws_sdk_cloudformation::Client::new(config);
    let stack = cfn
        .create_stack()
        .stack_name("app")
        .template_body(r#"{"Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}}"#)
        .role_arn(role_arn("deploy-role"))
        .send()
        .await
        .unwrap();
    build_project(config).await;
    Workloads { instance, stack_id: stack.stack_id().unwrap().to_string() }
}

async fn workload_roles(config: &SdkConfig) {
    let iam = aws_sdk_iam::Client::new(config);
    for (name, trust) in [
        ("fn-role", TRUST_LAMBDA),
        ("web-role", TRUST_EC2),
        ("deploy-role", TRUST_CLOUDFORMATION),
        ("build-role", TRUST_CODEBUILD),
    ] {
        iam.create_role().role_name(name).assume_role_policy_document(trust).send().await.unwrap();
    }
    iam.attach_role_policy().role_name("fn-role").policy_arn(LAMBDA_BASIC_POLICY).send().await.unwrap();
    iam.attach_role_policy().role_name("web-role").policy_arn(IAM_READ_ONLY_POLICY).send().await.unwrap();
    iam.create_instance_profile().instance_profile_name("web-profile").send().await.unwrap();
    iam.add_role_to_instance_profile().instance_profile_name("web-profile").role_name("web-role").send().await.unwrap();
}

async fn instance_with_profile(config: &SdkConfig) -> String {
    let ec2 = aws_sdk_ec2::Client::new(config);
    let profile = aws_sdk_ec2::types::IamInstanceProfileSpecification::builder()
        .arn(format!("arn:aws:iam::{}:instance-profile/web-profile", super::ACCOUNT))
        .build();
    let out = ec2
        .run_instances()
        .image_id("ami-12345678")
        .min_count(1)
        .max_count(1)
        .iam_instance_profile(profile)
        .send()
        .await
        .unwrap();
    out.instances()[0].instance_id().unwrap().to_string()
}

async fn build_project(config: &SdkConfig) {
    use aws_sdk_codebuild::types::*;
    let codebuild = aws_sdk_codebuild::Client::new(config);
    codebuild
        .create_project()
        .name("build")
        .source(ProjectSource::builder().r#type(SourceType::S3).location("source-bucket/app.zip").build().unwrap())
        .artifacts(ProjectArtifacts::builder().r#type(ArtifactsType::NoArtifacts).build().unwrap())
        .environment(
            ProjectEnvironment::builder()
                .r#type(EnvironmentType::LinuxContainer)
                .image("aws/codebuild/standard:7.0")
                .compute_type(ComputeType::BuildGeneral1Small)
                .build()
                .unwrap(),
        )
        .service_role(role_arn("build-role"))
        .send()
        .await
        .unwrap();
}

/// Ids of the Organization seeded by [`organization_with_ou`].
pub struct OrgIds {
    pub root: String,
    pub ou: String,
    pub scp: String,
}

/// An Organization whose management account (the caller's) sits in OU `workloads`, with an SCP
/// `deny-leave` attached to that OU.
pub async fn organization_with_ou(config: &SdkConfig) -> OrgIds {
    use aws_sdk_organizations::types::{OrganizationFeatureSet, PolicyType};
    let org = aws_sdk_organizations::Client::new(config);
    org.create_organization().feature_set(OrganizationFeatureSet::All).send().await.unwrap();
    let root = org.list_roots().send().await.unwrap().roots()[0].id().unwrap().to_string();
    let ou = org.create_organizational_unit().parent_id(&root).name("workloads").send().await.unwrap();
    let ou = ou.organizational_unit().unwrap().id().unwrap().to_string();
    org.move_account()
        .account_id(super::ACCOUNT)
        .source_parent_id(&root)
        .destination_parent_id(&ou)
        .send()
        .await
        .unwrap();
    let scp = org
        .create_policy()
        .name("deny-leave")
        .description("no leaving")
        .r#type(PolicyType::ServiceControlPolicy)
        .content(DENY_LEAVE)
        .send()
        .await
        .unwrap();
    let scp = scp.policy().unwrap().policy_summary().unwrap().id().unwrap().to_string();
    org.attach_policy().policy_id(&scp).target_id(&ou).send().await.unwrap();
    OrgIds { root, ou, scp }
}

pub const DENY_LEAVE: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}"#;
