use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-S3-056",
        name: "s3-bucket-acl-public-read",
        family: "GAP-PUBLIC-S3",
        severity: Severity::Critical,
        title: "S3 bucket readable by everyone through its ACL",
        description: "The bucket's canned ACL is `PublicRead` (anyone on the internet) or \
            `AuthenticatedRead` (anyone with any AWS account, which is the same thing). Every \
            object key can be listed and every object whose ACL inherits the grant read, \
            without credentials of yours and without a trace in your CloudTrail management \
            events. Buckets opened \"for a quick test\" and never closed are one of the most \
            common causes of data leaks. Public content belongs behind CloudFront with origin \
            access control; ACLs should be disabled altogether (Object Ownership \
            `BucketOwnerEnforced`). Not reported when the template also sets `IgnorePublicAcls` \
            or `BlockPublicAcls` to true, which makes the ACL ineffective or refused.",
        fix: "Remove `AccessControl` (or set it to `Private`), set `OwnershipControls` to \
            `BucketOwnerEnforced`, and serve public content through CloudFront with origin access control.",
        fix_snippet: "Bucket:\n  Type: AWS::S3::Bucket\n  Properties:\n    OwnershipControls:\n      Rules:\n        - ObjectOwnership: BucketOwnerEnforced\n    PublicAccessBlockConfiguration:\n      BlockPublicAcls: true\n      BlockPublicPolicy: true\n      IgnorePublicAcls: true\n      RestrictPublicBuckets: true",
        resource_types: &["AWS::S3::Bucket"],
        fsbp: &["S3.2", "S3.12"],
        well_architected: &["SEC03-BP07", "SEC07-BP02"],
        checkov: &["CKV_AWS_20"],
        cfn_nag: &["W31"],
        requires: &["s3:GetBucketAcl", "s3:GetPublicAccessBlock"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    for bucket in &model.buckets {
        let res = &model.resources[bucket.resource];
        if super::public_acls_neutralised(model, res) {
            continue;
        }
        for acl in super::acl_values(res) {
            if !matches!(acl.as_str(), "PublicRead" | "AuthenticatedRead") {
                continue;
            }
            let grant = super::public_acl_grant(&acl).unwrap_or_default();
            out.add(
                bucket.resource,
                "AccessControl",
                format!("Bucket {} has AccessControl {acl}: {grant}", bucket.logical_id),
                format!("AccessControl: {acl}"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(
            RULE,
            "fail.yaml",
            ["Authenticated", "ChoicePublic", "FromDefault", "PartialBlock", "Website"]
        );
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
