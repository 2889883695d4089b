use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-S3-059",
        name: "s3-public-access-block-missing",
        family: "GAP-PUBLIC-S3",
        severity: Severity::Low,
        title: "S3 bucket does not declare Block Public Access",
        description: "The bucket has no `PublicAccessBlockConfiguration`. S3 turns Block Public Access on \
            for buckets created since April 2023, but the template does not say so: nothing \
            stops a later console change or script from switching it off, drift detection has \
            nothing to compare, and a stack update that used to carry the configuration removes \
            it. Declaring all four flags keeps the guardrail under version control. Turn this \
            rule off if account-level Block Public Access is enforced for every account you \
            deploy to (for example by an SCP). On a live account, buckets are not reported when \
            account-level Block Public Access has all four settings on.",
        fix: "Add `PublicAccessBlockConfiguration` with the four flags set to true.",
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

fn check(model: &Model, out: &mut Hits) {
    // Live: account-level Block Public Access with all four settings on covers every bucket.
    if super::account_public_access_block(model).is_some_and(|a| a.all_on()) {
        return;
    }
    for bucket in &model.buckets {
        let res = &model.resources[bucket.resource];
        let configs = res.lookup("PublicAccessBlockConfiguration");
        if !configs.iter().any(Option::is_none) {
            continue;
        }
        let (message, evidence) = if configs.len() > 1 {
            (
                format!(
                    "Bucket {} drops its PublicAccessBlockConfiguration under one Fn::If branch",
                    bucket.logical_id
                ),
                "PublicAccessBlockConfiguration: one branch is AWS::NoValue".to_string(),
            )
        } else {
            let what = if model.is_live() {
                "has no bucket-level Block Public Access"
            } else {
                "does not declare Block Public Access"
            };
            (format!("Bucket {} {what}", bucket.logical_id), "PublicAccessBlockConfiguration not set".to_string())
        };
        out.add(bucket.resource, "PublicAccessBlockConfiguration", message, evidence);
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["Bare", "NoValueBranch"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
