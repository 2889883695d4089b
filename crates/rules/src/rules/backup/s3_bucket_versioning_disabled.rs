use crate::prelude::*;
use crate::rules::data::each;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-S3-164",
        name: "s3-bucket-versioning-disabled",
        family: "BACKUP-NONE",
        severity: Severity::Low,
        title: "S3 bucket without versioning",
        description: "An `AWS::S3::Bucket` does not have `VersioningConfiguration.Status: Enabled` (it is \
            absent, or `Suspended`). Every overwrite and delete is then final: a buggy job, a \
            compromised credential or ransomware that rewrites objects leaves no earlier version \
            to recover, and replication and Object Lock cannot be used. Buckets that only hold \
            reproducible data (build artefacts, caches) may not need it; suppress the finding \
            there with a reason.",
        fix: "Enable versioning, and add a lifecycle rule that expires noncurrent versions after the \
            recovery window you need.",
        fix_snippet: "VersioningConfiguration:\n  Status: Enabled\nLifecycleConfiguration:\n  Rules:\n    - Id: expire-old-versions\n      Status: Enabled\n      NoncurrentVersionExpiration:\n        NoncurrentDays: 90",
        resource_types: &["AWS::S3::Bucket"],
        fsbp: &["S3.14"],
        well_architected: &["SEC08-BP04", "SEC07-BP04"],
        checkov: &["CKV_AWS_21"],
        requires: &["s3:GetBucketVersioning"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    for (i, res) in each(model, "AWS::S3::Bucket") {
        let statuses = res.lookup("VersioningConfiguration.Status");
        let mut worst: Option<String> = None;
        for status in &statuses {
            match status {
                None => worst = worst.or(Some("absent".into())),
                Some(n) => match n.as_str() {
                    Some("Enabled") => {}
                    Some(other) => worst = Some(other.to_string()),
                    None => {}
                },
            }
        }
        let Some(worst) = worst else { continue };
        let message = if worst == "absent" {
            format!(
                "Bucket {} does not enable versioning: overwritten and deleted objects cannot be recovered",
                res.logical_id
            )
        } else {
            format!(
                "Bucket {} has versioning {worst}: overwritten and deleted objects cannot be recovered",
                res.logical_id
            )
        };
        out.add(i, "VersioningConfiguration.Status", message, format!("VersioningConfiguration.Status: {worst}"));
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["NoProperties", "Suspended", "WhenDev"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
