use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-IAM-100",
        name: "iam-policy-full-admin",
        family: "IAM-BROAD",
        severity: Severity::High,
        title: "IAM policy grants every action on every resource (*:*)",
        description: "An identity policy has an `Allow` statement whose `Action` includes `*` and \
            whose `Resource` includes `*`. Whoever holds it is an administrator of the whole \
            account: it can read every secret, delete every resource and its backups, create new \
            users and keys, and switch off CloudTrail. When the credentials of such a principal \
            leak, or the workload using it is compromised, nothing limits the damage. Grant the \
            actions the workload calls on the resources it uses; keep real administrator access for \
            a few break-glass roles assumed with MFA.",
        fix: "Replace `Action: \"*\"` / `Resource: \"*\"` with the actions and resource ARNs the \
            principal needs (IAM Access Analyzer can generate a policy from CloudTrail activity).",
        fix_snippet: "PolicyDocument:\n  Version: \"2012-10-17\"\n  Statement:\n    - Effect: Allow\n      Action:\n        - s3:GetObject\n        - s3:PutObject\n      Resource: !Sub \"${DataBucket.Arn}/*\"",
        resource_types: &[
            "AWS::IAM::Policy",
            "AWS::IAM::ManagedPolicy",
            "AWS::IAM::Role",
            "AWS::IAM::User",
            "AWS::IAM::Group",
            "AWS::IAM::RolePolicy",
            "AWS::IAM::UserPolicy",
            "AWS::IAM::GroupPolicy",
            "AWS::Serverless::Function",
        ],
        cis: &["2.15"],
        fsbp: &["IAM.1"],
        well_architected: &["SEC03-BP02", "SEC03-BP04"],
        checkov: &["CKV_AWS_62", "CKV_AWS_63"],
        cfn_nag: &["F3", "F4", "F5"],
        requires: &["iam:GetAccountAuthorizationDetails"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    super::report_identity_statements(model, out, |_, stmt| {
        let cond = if stmt.has_condition() { " (only a Condition limits it)" } else { "" };
        stmt.is_admin().then(|| format!("allows every action on every resource{cond}"))
    });
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(
            RULE,
            "fail.yaml",
            [
                "AdminGroup",
                "AdminManaged",
                "AdminRole",
                "AdminStarColon",
                "ChoiceRole",
                "JsonStringPolicy",
                "SamFunction"
            ]
        );
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
