//! Every operation the collectors call, and the IAM actions that allow them
//! (`docs/iam-policy.json` is exactly these, checked by the tests below).

/// Every `service:Operation` the collectors call, sorted.
pub const OPERATIONS: &[&str] = &[
    "access-analyzer:ListAnalyzers",
    "account:GetAlternateContact",
    "backup:ListBackupPlans",
    "backup:ListBackupVaults",
    "cloudformation:DescribeStacks",
    "cloudtrail:DescribeTrails",
    "cloudtrail:GetEventSelectors",
    "cloudtrail:GetTrailStatus",
    "codebuild:BatchGetProjects",
    "codebuild:ListProjects",
    "config:DescribeConfigurationRecorderStatus",
    "config:DescribeConfigurationRecorders",
    "dynamodb:DescribeContinuousBackups",
    "dynamodb:DescribeTable",
    "dynamodb:ListTables",
    "ec2:DescribeImages",
    "ec2:DescribeInstances",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeRegions",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSnapshotAttribute",
    "ec2:DescribeSnapshots",
    "ec2:DescribeVolumes",
    "ec2:GetEbsEncryptionByDefault",
    "guardduty:GetDetector",
    "guardduty:ListDetectors",
    "iam:GenerateCredentialReport",
    "iam:GetAccessKeyLastUsed",
    "iam:GetAccountAuthorizationDetails",
    "iam:GetAccountPasswordPolicy",
    "iam:GetAccountSummary",
    "iam:GetCredentialReport",
    "iam:GetLoginProfile",
    "iam:GetPolicy",
    "iam:GetPolicyVersion",
    "iam:ListAccessKeys",
    "iam:ListMFADevices",
    "iam:ListVirtualMFADevices",
    "lambda:ListFunctions",
    "macie2:GetMacieSession",
    "organizations:DescribeOrganization",
    "organizations:DescribePolicy",
    "organizations:ListAccounts",
    "organizations:ListParents",
    "organizations:ListPolicies",
    "organizations:ListTargetsForPolicy",
    "rds:DescribeDBClusterSnapshotAttributes",
    "rds:DescribeDBClusterSnapshots",
    "rds:DescribeDBClusters",
    "rds:DescribeDBInstances",
    "rds:DescribeDBSnapshotAttributes",
    "rds:DescribeDBSnapshots",
    "s3:GetBucketAcl",
    "s3:GetBucketEncryption",
    "s3:GetBucketLocation",
    "s3:GetBucketLogging",
    "s3:GetBucketPolicy",
    "s3:GetBucketPolicyStatus",
    "s3:GetBucketReplication",
    "s3:GetBucketVersioning",
    "s3:GetObjectLockConfiguration",
    "s3:GetPublicAccessBlock",
    "s3:ListBuckets",
    "s3control:GetPublicAccessBlock",
    "securityhub:DescribeHub",
    "sts:AssumeRole",
    "sts:GetCallerIdentity",
];

/// Operations whose IAM action is named otherwise: (operation, IAM service prefix, IAM action).
const IAM_RENAMES: &[(&str, &str, &str)] = &[
    ("s3:GetBucketEncryption", "s3", "GetEncryptionConfiguration"),
    ("s3:GetBucketReplication", "s3", "GetReplicationConfiguration"),
    ("s3:GetObjectLockConfiguration", "s3", "GetBucketObjectLockConfiguration"),
    ("s3:GetPublicAccessBlock", "s3", "GetBucketPublicAccessBlock"),
    ("s3:ListBuckets", "s3", "ListAllMyBuckets"),
    ("s3control:GetPublicAccessBlock", "s3", "GetAccountPublicAccessBlock"),
];

/// The IAM action that allows `operation`.
pub fn iam_action(operation: &str) -> String {
    match IAM_RENAMES.iter().find(|(op, _, _)| *op == operation) {
        Some((_, service, action)) => format!("{service}:{action}"),
        None => operation.to_string(),
    }
}

/// The IAM actions of every operation, sorted and unique: the least-privilege policy.
pub fn iam_actions() -> Vec<String> {
    let mut actions: Vec<String> = OPERATIONS.iter().map(|op| iam_action(op)).collect();
    actions.sort();
    actions.dedup();
    actions
}

/// The least-privilege read-only policy document (`docs/iam-policy.json`).
pub fn iam_policy() -> serde_json::Value {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Sid": "NextgapReadOnly", "Effect": "Allow", "Action": iam_actions(), "Resource": "*"}]
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::path::Path;

    /// `"service:Operation"` string literals in the text.
    fn operation_literals(text: &str) -> Vec<String> {
        let mut found = Vec::new();
        for (i, piece) in text.split('"').enumerate() {
            if i % 2 == 0 {
                continue;
            }
            if let Some((service, op)) = piece.split_once(':') {
                let service_ok = !service.is_empty()
                    && service.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
                let op_ok =
                    op.starts_with(|c: char| c.is_ascii_uppercase()) && op.bytes().all(|b| b.is_ascii_alphanumeric());
                if service_ok && op_ok {
                    found.push(piece.to_string());
                }
            }
        }
        found
    }

    #[test]
    fn operations_are_sorted_and_unique() {
        let mut sorted = OPERATIONS.to_vec();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted, OPERATIONS);
    }

    #[test]
    fn every_operation_called_in_src_is_listed() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut used = BTreeSet::new();
        for entry in std::fs::read_dir(&src).unwrap() {
            let path = entry.unwrap().path();
            // The trail reader (`nextgap trail s3://…`) is not part of the collector's policy.
            let own = path.ends_with("operations.rs") || path.ends_with("trail_s3.rs");
            if path.extension().is_some_and(|e| e == "rs") && !own {
                used.extend(operation_literals(&std::fs::read_to_string(&path).unwrap()));
            }
        }
        let listed: BTreeSet<String> = OPERATIONS.iter().map(|s| s.to_string()).collect();
        let missing: Vec<&String> = used.difference(&listed).collect();
        assert!(missing.is_empty(), "called but not in OPERATIONS: {missing:?}");
        let unused: Vec<&String> = listed.difference(&used).collect();
        assert!(unused.is_empty(), "in OPERATIONS but never called: {unused:?}");
    }

    #[test]
    fn shipped_iam_policy_lists_exactly_the_operations() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/iam-policy.json");
        let text = std::fs::read_to_string(&path).unwrap();
        let policy: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(policy, iam_policy(), "docs/iam-policy.json is out of date: write iam_policy() to it");
        let statement = &policy["Statement"][0];
        assert_eq!(statement["Resource"], "*");
        assert_eq!(statement["Effect"], "Allow");
    }

    #[test]
    fn renamed_actions() {
        assert_eq!(iam_action("s3:ListBuckets"), "s3:ListAllMyBuckets");
        assert_eq!(iam_action("s3control:GetPublicAccessBlock"), "s3:GetAccountPublicAccessBlock");
        assert_eq!(iam_action("s3:GetBucketAcl"), "s3:GetBucketAcl");
        assert!(IAM_RENAMES.iter().all(|(op, _, _)| OPERATIONS.contains(op)));
    }
}
