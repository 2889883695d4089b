use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-IAM-371",
        name: "iam-policy-unknown-action",
        family: "IAM-BROAD",
        severity: Severity::Medium,
        title: "IAM policy names an unknown service or action",
        description: "An identity policy names an action that does not exist: an unknown service \
            prefix (`s4:GetObject`), a misspelt action (`s3:GetObjekt`), or a pattern that matches \
            no action (`s3:Frobnicate*`). IAM accepts such names and they match nothing: in an \
            `Allow` the permission the author meant is missing, and in a `Deny` or a `NotAction` \
            the guard the author meant is not there. Checked against the catalogue of the AWS \
            Service Authorization Reference built into nextgap, so an action newer than that \
            catalogue is reported too.",
        fix: "Correct the action name (see the service's page in the Service Authorization \
            Reference), or remove it.",
        fix_snippet: "Statement:\n  - Effect: Deny\n    Action: iam:ChangePassword\n    Resource: \"*\"",
        resource_types: crate::rules::iam::IDENTITY_POLICY_HOLDERS,
        well_architected: &["SEC01-BP06", "SEC03-BP02"],
        links: &["https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html"],
        requires: &["iam:GetAccountAuthorizationDetails"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    super::report(model, out, &RULE);
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["DenyTypo", "UnknownPattern", "UnknownService"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }

    /// Snapshots: inline and customer-managed policies are linted; AWS-managed ones are AWS's.
    #[test]
    fn live() {
        crate::assert_live!(
            RULE,
            ["authz.json"],
            ["arn:aws:iam::111122223333:policy/ops", "arn:aws:iam::111122223333:user/alice"]
        );
    }
}
