use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-CLOUDTRAIL-054",
        name: "cloudtrail-bucket-public",
        family: "GAP-TRAIL",
        severity: Severity::Critical,
        title: "CloudTrail delivers to a public bucket",
        description: "The trail writes its logs to a bucket of the same template that is public, through \
            a canned ACL or a bucket policy statement open to everyone. The audit trail lists \
            every principal, role, resource and source address of the account: published, it is \
            a reconnaissance map for an attacker, and with write access anyone can also plant or \
            erase records.",
        fix: "Make the trail bucket private: remove the public ACL and public policy statements and set \
            all four Block Public Access flags to true.",
        fix_snippet: "TrailBucket:\n  Type: AWS::S3::Bucket\n  Properties:\n    PublicAccessBlockConfiguration:\n      BlockPublicAcls: true\n      BlockPublicPolicy: true\n      IgnorePublicAcls: true\n      RestrictPublicBuckets: true",
        resource_types: &["AWS::CloudTrail::Trail", "AWS::S3::Bucket", "AWS::S3::BucketPolicy"],
        fsbp: &["CloudTrail.6"],
        well_architected: &["SEC04-BP01", "SEC03-BP07"],
        requires: &["cloudtrail:DescribeTrails", "s3:GetBucketAcl", "s3:GetBucketPolicy", "s3:GetPublicAccessBlock"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    for (i, res) in model.resources.iter().enumerate().filter(|(_, r)| r.is_type("AWS::CloudTrail::Trail")) {
        for target in res.lookup("S3BucketName").into_iter().flatten() {
            let bucket = model.buckets.iter().find(|b| {
                let bucket_res = &model.resources[b.resource];
                match &target.value {
                    Value::ResourceRef { logical_id, .. } => logical_id == &b.logical_id,
                    Value::String(name) => bucket_res.prop("BucketName").and_then(Node::as_str) == Some(name.as_str()),
                    _ => false,
                }
            });
            let Some(bucket) = bucket else { continue };
            let reasons = super::bucket_public_reasons(model, bucket);
            if !reasons.is_empty() {
                out.add(
                    i,
                    "S3BucketName",
                    format!(
                        "Trail {} delivers its logs to bucket {}, which is public",
                        res.logical_id, bucket.logical_id
                    ),
                    reasons.join("; "),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["AclTrail", "PolicyTrail"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
