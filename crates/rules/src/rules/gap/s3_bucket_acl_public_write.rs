use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-S3-057",
        name: "s3-bucket-acl-public-write",
        family: "GAP-PUBLIC-S3",
        severity: Severity::Critical,
        title: "S3 bucket writable by everyone through its ACL",
        description: "The bucket's canned ACL is `PublicReadWrite`: anyone on the internet can list and \
            read it, and also upload and overwrite objects. Strangers can replace the files your \
            site or pipeline serves (malware, defacement), store their own content at your cost, \
            or fill the bucket until something downstream breaks. This finding also covers the \
            public read that `PublicReadWrite` includes. Not reported when the template also sets \
            `IgnorePublicAcls` or `BlockPublicAcls` to true.",
        fix: "Remove `AccessControl` (or set it to `Private`), disable ACLs with `BucketOwnerEnforced`, and \
            grant writers access through IAM or a bucket policy naming them.",
        fix_snippet: "Bucket:\n  Type: AWS::S3::Bucket\n  Properties:\n    OwnershipControls:\n      Rules:\n        - ObjectOwnership: BucketOwnerEnforced\n    PublicAccessBlockConfiguration:\n      BlockPublicAcls: true\n      BlockPublicPolicy: true\n      IgnorePublicAcls: true\n      RestrictPublicBuckets: true",
        resource_types: &["AWS::S3::Bucket"],
        fsbp: &["S3.2", "S3.3", "S3.12"],
        well_architected: &["SEC03-BP07", "SEC07-BP02"],
        checkov: &["CKV_AWS_57", "CKV_AWS_20"],
        cfn_nag: &["F14"],
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
        if super::acl_values(res).iter().any(|acl| acl == "PublicReadWrite") {
            out.add(
                bucket.resource,
                "AccessControl",
                format!(
                    "Bucket {} has AccessControl PublicReadWrite: anyone on the internet can read and overwrite its objects",
                    bucket.logical_id
                ),
                "AccessControl: PublicReadWrite",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["ChoiceWrite", "ReadWrite"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
