//! A hand-built report (4 findings across 2 files, a clean file, a parse error and a skipped
//! file) and the rules it names, so the snapshots do not move when real rules are edited.

#![allow(dead_code)]

use nextgap_findings::{Finding, Location, References, Report, ScanError, Severity, Skipped};
use nextgap_rules::{Rule, RuleMeta};

pub const VERSION: &str = "0.0.0-test";

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn finding(
    meta: &RuleMeta,
    severity: Severity,
    (file, line, column): (&str, u32, u32),
    (logical_id, resource_type, path): (&str, &str, &str),
    message: &str,
    evidence: &str,
) -> Finding {
    let mut f = Finding {
        rule_id: meta.id.into(),
        rule_name: meta.name.into(),
        family: meta.family.into(),
        severity,
        title: meta.title.into(),
        message: message.into(),
        location: Location {
            file: file.into(),
            line,
            column,
            logical_id: logical_id.into(),
            resource_type: resource_type.into(),
            arn: None,
            path: path.into(),
            ..Default::default()
        },
        evidence: evidence.into(),
        fix: meta.fix.into(),
        references: meta.references(),
        fingerprint: String::new(),
        events: Vec::new(),
    };
    f.compute_fingerprint();
    f
}

pub const S3_PUBLIC: RuleMeta = RuleMeta {
    id: "NG-S3-901",
    name: "s3-bucket-public-acl",
    family: "GAP-PUBLIC-S3",
    severity: Severity::Critical,
    title: "S3 bucket ACL grants public access",
    description: "A canned ACL of `PublicRead` or `PublicReadWrite` lets anyone on the internet list or \
                  read the bucket's objects.",
    fix: "Remove `AccessControl` (buckets are private by default) and keep Block Public Access on.",
    fix_snippet: "Type: AWS::S3::Bucket\nProperties:\n  PublicAccessBlockConfiguration:\n    BlockPublicAcls: true\n",
    resource_types: &["AWS::S3::Bucket"],
    cis: &["2.1.4"],
    fsbp: &["S3.2", "S3.3"],
    well_architected: &["SEC03-BP07"],
    checkov: &["CKV_AWS_20"],
    cfn_nag: &["F14"],
    links: &["https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html"],
    ..RuleMeta::DEFAULT
};

pub const SG_OPEN: RuleMeta = RuleMeta {
    id: "NG-EC2-901",
    name: "security-group-admin-port-open",
    family: "NET-OPEN",
    severity: Severity::High,
    title: "Security group opens an administration port to the internet",
    description: "SSH and RDP reachable from `0.0.0.0/0` or `::/0` are scanned and brute-forced within minutes.",
    fix: "Allow the port from known ranges only, or use Session Manager instead of open SSH/RDP.",
    fix_snippet:
        "SecurityGroupIngress:\n  - IpProtocol: tcp\n    FromPort: 22\n    ToPort: 22\n    CidrIp: 10.0.0.0/8\n",
    resource_types: &["AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress"],
    cis: &["5.2", "5.3"],
    fsbp: &["EC2.13"],
    well_architected: &["SEC05-BP01"],
    checkov: &["CKV_AWS_24", "CKV_AWS_25"],
    cfn_nag: &["W2", "W9"],
    ..RuleMeta::DEFAULT
};

/// Passed to SARIF though nothing found it: its descriptor must still be listed.
pub const IAM_UNUSED: RuleMeta = RuleMeta {
    id: "NG-IAM-901",
    name: "iam-user-inline-policy",
    family: "IAM-BROAD",
    severity: Severity::Info,
    title: "IAM user has an inline policy",
    description: "Permissions attached to users directly are hard to review.",
    fix: "Attach policies to groups or roles.",
    resource_types: &["AWS::IAM::User"],
    well_architected: &["SEC03-BP02"],
    default_enabled: false,
    ..RuleMeta::DEFAULT
};

/// Named by a finding but not passed to SARIF: described from the finding.
pub const RDS_BACKUP: RuleMeta = RuleMeta {
    id: "NG-RDS-901",
    name: "rds-backup-retention-short",
    family: "BACKUP-NONE",
    severity: Severity::Low,
    title: "RDS backups are kept less than 7 days",
    description: "Short retention leaves no restore point once a problem is noticed late.",
    fix: "Set `BackupRetentionPeriod` to 7 or more.",
    fsbp: &["RDS.11"],
    well_architected: &["REL09-BP01"],
    ..RuleMeta::DEFAULT
};

pub fn rules() -> Vec<Rule> {
    [S3_PUBLIC, SG_OPEN, IAM_UNUSED]
        .into_iter()
        .map(|meta| Rule { meta, check: nextgap_rules::Check::Model(|_, _| {}) })
        .collect()
}

pub fn report() -> Report {
    let mut r = Report::new(VERSION);
    r.findings = vec![
        finding(
            &RDS_BACKUP,
            Severity::Low,
            ("templates/db.json", 8, 9),
            ("Database", "AWS::RDS::DBInstance", "Properties.BackupRetentionPeriod"),
            "Database keeps automated backups for 1 day.",
            "BackupRetentionPeriod: 1",
        ),
        finding(
            &SG_OPEN,
            Severity::High,
            ("templates/app.yaml", 36, 11),
            ("WebSecurityGroup", "AWS::EC2::SecurityGroup", "Properties.SecurityGroupIngress[1]"),
            "WebSecurityGroup allows RDP (3389) from ::/0.",
            "CidrIpv6: ::/0, FromPort: 3389, ToPort: 3389",
        ),
        finding(
            &S3_PUBLIC,
            Severity::Critical,
            ("templates/app.yaml", 12, 7),
            ("AssetsBucket", "AWS::S3::Bucket", "Properties.AccessControl"),
            "AssetsBucket is publicly readable through its PublicRead ACL.",
            "AccessControl: PublicRead",
        ),
        finding(
            &SG_OPEN,
            Severity::High,
            ("templates/app.yaml", 30, 11),
            ("WebSecurityGroup", "AWS::EC2::SecurityGroup", "Properties.SecurityGroupIngress[0]"),
            "WebSecurityGroup allows SSH (22) from 0.0.0.0/0.",
            "CidrIp: 0.0.0.0/0, FromPort: 22, ToPort: 22",
        ),
    ];
    r.errors = vec![ScanError {
        file: "templates/broken.yaml".into(),
        line: 3,
        column: 14,
        message: "invalid YAML: mapping values are not allowed in this context".into(),
    }];
    r.skipped = vec![Skipped { file: "mkdocs.yml".into(), reason: "no `Resources` section".into() }];
    r.summary.files_scanned = 3; // app.yaml, db.json and a clean network.yaml
    r.summary.resources = 11;
    r.summary.suppressed = 1;
    r.summary.baselined = 2;
    r.finish();
    r
}

/// Paths of the templates `report()` scanned, for `write_junit_scanned`.
pub const SCANNED: &[&str] = &["templates/app.yaml", "templates/db.json", "templates/network.yaml"];

/// A report with every optional field set, for the schema tests.
pub fn maximal_report() -> Report {
    let mut r = report();
    let mut live = r.findings[0].clone();
    live.location = Location {
        file: String::new(),
        line: 0,
        column: 0,
        logical_id: "assets-prod".into(),
        resource_type: "AWS::S3::Bucket".into(),
        arn: Some("arn:aws:s3:::assets-prod".into()),
        path: "PublicAccessBlock".into(),
        account: "111122223333".into(),
        region: "eu-west-1".into(),
    };
    live.references = References {
        cis: strings(&["2.1.4"]),
        fsbp: strings(&["S3.8"]),
        well_architected: strings(&["SEC03-BP07"]),
        checkov: strings(&["CKV_AWS_53"]),
        cfn_nag: strings(&["W51"]),
        links: strings(&[
            "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html",
        ]),
    };
    live.compute_fingerprint();
    r.findings.push(live);
    r.errors.push(ScanError { file: "missing.yaml".into(), line: 0, column: 0, message: "no such file".into() });
    r.finish();
    r
}
