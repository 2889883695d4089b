use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-S3-058",
        name: "s3-public-access-block-off",
        family: "GAP-PUBLIC-S3",
        severity: Severity::Medium,
        title: "S3 bucket turns Block Public Access flags off",
        description: "The bucket declares `PublicAccessBlockConfiguration` but leaves one or more of its \
            four flags false (a flag left out of the configuration is false too). Block Public \
            Access is the guardrail that keeps a bucket private when someone later adds a public \
            ACL or policy, by mistake or \"temporarily\": `BlockPublicAcls` and \
            `BlockPublicPolicy` refuse new public grants, `IgnorePublicAcls` and \
            `RestrictPublicBuckets` neutralise existing ones. Each flag off is a way back to a \
            public bucket. The finding lists which flags are off; a bucket that must serve the \
            public should do it through CloudFront with origin access control, which works with \
            all four flags on. On a live account, buckets are not reported when account-level \
            Block Public Access has all four settings on.",
        fix: "Set all four flags of `PublicAccessBlockConfiguration` to true.",
        fix_snippet: "Bucket:\n  Type: AWS::S3::Bucket\n  Properties:\n    PublicAccessBlockConfiguration:\n      BlockPublicAcls: true\n      BlockPublicPolicy: true\n      IgnorePublicAcls: true\n      RestrictPublicBuckets: true",
        resource_types: &["AWS::S3::Bucket"],
        cis: &["3.1.4"],
        fsbp: &["S3.8"],
        well_architected: &["SEC03-BP07", "SEC07-BP02"],
        checkov: &["CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56"],
        requires: &["s3:GetPublicAccessBlock"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

const FLAGS: [&str; 4] = ["BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"];

fn check(model: &Model, out: &mut Hits) {
    // Live: account-level Block Public Access with all four settings on covers every bucket.
    if super::account_public_access_block(model).is_some_and(|a| a.all_on()) {
        return;
    }
    for bucket in &model.buckets {
        let res = &model.resources[bucket.resource];
        // Absent configurations are NG-S3-059's; unresolved ones are unknown.
        let configs = res.lookup("PublicAccessBlockConfiguration");
        for config in configs.into_iter().flatten().filter(|c| matches!(c.value, Value::Map(_))) {
            let mut off = Vec::new();
            let mut evidence = Vec::new();
            for flag in FLAGS {
                let bad = config.lookup(flag).into_iter().find(|alt| match alt {
                    None => true,
                    Some(node) => node.as_bool() == Some(false),
                });
                if let Some(found) = bad {
                    off.push(flag);
                    evidence.push(super::seen(flag, found, "false"));
                }
            }
            if off.is_empty() {
                continue;
            }
            let path = match off.as_slice() {
                [one] => format!("PublicAccessBlockConfiguration.{one}"),
                _ => "PublicAccessBlockConfiguration".to_string(),
            };
            out.add(
                bucket.resource,
                &path,
                format!("Bucket {} has Block Public Access off for {}", bucket.logical_id, off.join(", ")),
                evidence.join("; "),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["ChoiceFlag", "OneFalse", "Partial", "StringFalse"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
