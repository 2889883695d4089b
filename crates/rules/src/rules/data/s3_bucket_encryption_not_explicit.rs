use super::each;
use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-S3-179",
        name: "s3-bucket-encryption-not-explicit",
        family: "DATA-ENCRYPT",
        severity: Severity::Low,
        title: "S3 bucket without an explicit default encryption configuration",
        description: "An `AWS::S3::Bucket` has no `BucketEncryption`. Since January 2023 S3 encrypts every \
            new object with SSE-S3 whatever the bucket says, so this is not unencrypted data: the \
            rule is off by default and exists for organisations whose policy requires the \
            encryption choice (usually SSE-KMS with a customer managed key, for key policies and \
            CloudTrail records of every decryption) to be written in the template. Enable it in \
            `nextgap.toml` when that is your policy.",
        fix: "Add `BucketEncryption` with the algorithm your policy requires (`aws:kms` with a customer \
            managed key, and `BucketKeyEnabled: true` to keep KMS costs down).",
        fix_snippet: "BucketEncryption:\n  ServerSideEncryptionConfiguration:\n    - ServerSideEncryptionByDefault:\n        SSEAlgorithm: aws:kms\n        KMSMasterKeyID: !Ref DataKey\n      BucketKeyEnabled: true",
        resource_types: &["AWS::S3::Bucket"],
        well_architected: &["SEC08-BP02"],
        checkov: &["CKV_AWS_19"],
        default_enabled: false,
        requires: &["s3:GetBucketEncryption"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    for (i, res) in each(model, "AWS::S3::Bucket") {
        if res.lookup("BucketEncryption.ServerSideEncryptionConfiguration").iter().any(Option::is_none) {
            out.add(
                i,
                "BucketEncryption",
                format!(
                    "Bucket {} does not configure default encryption: objects get the S3 default (SSE-S3)",
                    res.logical_id
                ),
                "BucketEncryption absent",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["NoConfig", "SometimesNoConfig"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
