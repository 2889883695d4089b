use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-KMS-120",
        name: "kms-key-policy-public",
        family: "IAM-BROAD",
        severity: Severity::Critical,
        title: "KMS key policy allows everyone (principal *)",
        description: "The key policy has an `Allow` statement for principal `*` (or `Allow` with `NotPrincipal`) and no condition that narrows the caller, such as `kms:CallerAccount`, `aws:PrincipalOrgID` or `aws:SourceAccount`. Key policies are the root of access to a KMS key: any AWS principal in any account can use the key as the statement allows, to decrypt the data it protects, to encrypt data you will not be able to read, or with `kms:*` to change the policy and schedule the key for deletion. Name the account root or the roles that use the key instead.",
        fix: "Replace `*` with your account root (`arn:aws:iam::<account>:root`) and the roles that use the key, or add a `kms:CallerAccount` / `aws:PrincipalOrgID` condition.",
        fix_snippet: "KeyPolicy:\n  Version: \"2012-10-17\"\n  Statement:\n    - Sid: AccountAdmin\n      Effect: Allow\n      Principal:\n        AWS: !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:root\n      Action: kms:*\n      Resource: \"*\"",
        resource_types: &["AWS::KMS::Key", "AWS::KMS::ReplicaKey"],
        fsbp: &["KMS.5"],
        well_architected: &["SEC08-BP01", "SEC03-BP07"],
        checkov: &["CKV_AWS_33"],
        cfn_nag: &["F76"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    super::public_resource_policy_hits(model, out, "kms", "Key policy of");
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["AwsStarInList", "JsonPolicy", "ViaServiceOnly", "Wildcard"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
