use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-S3-295",
        name: "s3-replication-as-backup",
        family: "BACKUP-SAME-ACCOUNT",
        severity: Severity::Medium,
        title: "S3 replication used as a backup without versioning or Object Lock",
        description: "A bucket replicates to another bucket, but neither end keeps what a backup must \
            keep: the bucket has versioning off, or there is no Object Lock on the bucket nor on a \
            destination in the same account. Replication copies mistakes as faithfully as data: an \
            overwrite replaces the replica, a delete (with delete-marker replication) hides it, and \
            whoever can empty the source can usually empty a same-account destination too. A copy \
            becomes a backup when it cannot be overwritten or deleted for a retention period: \
            versioning plus Object Lock on the destination, ideally in a separate account. \
            Reported as BACKUP-SAME-ACCOUNT: the replica stays within reach of the same mistakes \
            and principals. Prowler: `s3_bucket_object_lock`, `s3_bucket_object_versioning` (the \
            nearest checks).",
        fix: "Replicate into a bucket in a separate backup account with versioning and Object Lock \
            (compliance mode, a default retention), and keep versioning on the source.",
        fix_snippet: "# Destination bucket, in the backup account:\nType: AWS::S3::Bucket\nProperties:\n  VersioningConfiguration: {Status: Enabled}\n  ObjectLockEnabled: true\n  ObjectLockConfiguration:\n    ObjectLockEnabled: Enabled\n    Rule:\n      DefaultRetention: {Mode: COMPLIANCE, Days: 30}",
        resource_types: &["AWS::S3::Bucket"],
        fsbp: &["S3.14", "S3.15"],
        well_architected: &["SEC08-BP04", "SEC10-BP02"],
        requires: &["s3:GetBucketReplication", "s3:GetBucketVersioning", "s3:GetObjectLockConfiguration"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn locked(bucket: &Resource) -> bool {
    bucket.prop("ObjectLockEnabled").is_some_and(|n| n.as_bool() == Some(true) || n.as_str() == Some("Enabled"))
        || bucket.prop("ObjectLockConfiguration.ObjectLockEnabled").and_then(Node::as_str) == Some("Enabled")
}

/// Destination bucket names of the replication rules (`arn:aws:s3:::name` → `name`).
fn destinations(bucket: &Resource) -> Vec<String> {
    let Some(rules) = bucket.prop("ReplicationConfiguration.Rules") else { return vec![] };
    rules
        .items()
        .iter()
        .filter(|r| r.get("Status").and_then(Node::as_str) != Some("Disabled"))
        .filter_map(|r| r.path("Destination.Bucket").and_then(Node::as_str))
        .map(|arn| arn.rsplit(':').next().unwrap_or(arn).to_string())
        .collect()
}

fn check(model: &Model, out: &mut Hits) {
    if model.account.is_none() {
        return;
    }
    for (i, bucket) in model.resources.iter().enumerate().filter(|(_, r)| r.is_type("AWS::S3::Bucket")) {
        let targets = destinations(bucket);
        if targets.is_empty() {
            continue;
        }
        let name = bucket.prop("BucketName").and_then(Node::as_str).unwrap_or(&bucket.logical_id);
        let versioning = bucket.prop("VersioningConfiguration.Status").and_then(Node::as_str).unwrap_or("not enabled");
        let locked_targets: Vec<&str> = targets
            .iter()
            .filter(|t| {
                model
                    .of_type("AWS::S3::Bucket")
                    .any(|b| b.prop("BucketName").and_then(Node::as_str) == Some(t.as_str()) && locked(b))
            })
            .map(String::as_str)
            .collect();
        let problem = if versioning != "Enabled" {
            Some(format!("has versioning {versioning}"))
        } else if !locked(bucket) && locked_targets.is_empty() {
            Some("has no Object Lock on either end".to_string())
        } else {
            None
        };
        if let Some(problem) = problem {
            out.add(
                i,
                "ReplicationConfiguration",
                format!(
                    "Bucket {name} replicates to {} but {problem}: overwrites and deletes reach the copy",
                    targets.join(", ")
                ),
                format!(
                    "VersioningConfiguration.Status: {versioning}, ObjectLockEnabled: {}, destinations: {}",
                    locked(bucket),
                    targets.join(", ")
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        // app-data replicates to app-replica (same account, no lock); logs does not replicate;
        // app-replica is a destination only; ledger replicates to a locked vault bucket.
        crate::assert_checks!(
            RULE,
            ["fail.json"],
            [
                "FAIL arn:aws:s3:::app-data",
                "PASS arn:aws:s3:::app-replica",
                "PASS arn:aws:s3:::logs",
                "PASS arn:aws:s3:::ledger",
                "PASS arn:aws:s3:::ledger-vault"
            ]
        );
        crate::assert_live!(RULE, ["pass.json"], []);
    }
}
