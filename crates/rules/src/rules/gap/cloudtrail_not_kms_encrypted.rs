use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-CLOUDTRAIL-053",
        name: "cloudtrail-not-kms-encrypted",
        family: "GAP-TRAIL",
        severity: Severity::Medium,
        title: "CloudTrail logs not encrypted with a KMS key",
        description: "The trail has no `KMSKeyId`, so its log files get only the bucket's default \
            encryption. With SSE-S3 anyone who can read the bucket reads the whole audit record; \
            with a customer managed KMS key reading also needs `kms:Decrypt` on that key, a \
            second, separately granted and separately logged permission. The audit trail maps \
            the account (every principal, resource and call), so it deserves that second lock.",
        fix: "Create a KMS key whose policy lets CloudTrail encrypt and only the audit readers decrypt, \
            and set `KMSKeyId` on the trail.",
        fix_snippet: "Trail:\n  Type: AWS::CloudTrail::Trail\n  Properties:\n    IsLogging: true\n    KMSKeyId: !Ref TrailKey\n    S3BucketName: !Ref TrailBucket",
        resource_types: &["AWS::CloudTrail::Trail"],
        cis: &["4.5"],
        fsbp: &["CloudTrail.2"],
        well_architected: &["SEC04-BP01", "SEC08-BP02"],
        checkov: &["CKV_AWS_35"],
        requires: &["cloudtrail:DescribeTrails"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    for (i, res) in model.resources.iter().enumerate().filter(|(_, r)| r.is_type("AWS::CloudTrail::Trail")) {
        // Missing, or an empty string (a parameter left at an empty default).
        let bad = res.lookup("KMSKeyId").into_iter().find(|alt| match alt {
            None => true,
            Some(node) => node.as_str().is_some_and(|s| s.trim().is_empty()),
        });
        if let Some(found) = bad {
            out.add(
                i,
                "KMSKeyId",
                format!("Trail {} does not encrypt its log files with a KMS key", res.logical_id),
                match found {
                    Some(_) => "KMSKeyId: \"\"".to_string(),
                    None => "KMSKeyId not set (SSE-S3 only)".to_string(),
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["EmptyDefault", "NoKey", "NoValueBranch"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
