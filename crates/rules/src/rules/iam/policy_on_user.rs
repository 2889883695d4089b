use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-IAM-105",
        name: "iam-policy-on-user",
        family: "IAM-BROAD",
        severity: Severity::Low,
        title: "IAM permissions attached directly to a user",
        description: "Permissions are given to an IAM user directly: the user has inline \
            `Policies` or `ManagedPolicyArns`, or a policy resource names it in `Users`. Per-user \
            grants drift apart, are forgotten when people change teams and make access reviews \
            slow, which is how principals keep permissions they no longer need. Give permissions \
            to groups (or better, to roles assumed through federation) and make users members.",
        fix: "Move the policy to a group (`Groups:` on the policy, or the group's `Policies`) and \
            add the user to the group.",
        fix_snippet: "Developers:\n  Type: AWS::IAM::Group\n  Properties:\n    ManagedPolicyArns:\n      - !Ref DeveloperPolicy\nAlice:\n  Type: AWS::IAM::User\n  Properties:\n    Groups: [!Ref Developers]",
        resource_types: &[
            "AWS::IAM::User",
            "AWS::IAM::Policy",
            "AWS::IAM::ManagedPolicy",
            "AWS::IAM::UserPolicy",
        ],
        cis: &["2.14"],
        fsbp: &["IAM.2"],
        well_architected: &["SEC03-BP02", "SEC02-BP06"],
        checkov: &["CKV_AWS_40"],
        cfn_nag: &["F10", "F11", "F12"],
        requires: &["iam:GetAccountAuthorizationDetails"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

/// Some alternative of the property is a non-empty list (unresolved lists are not guessed).
fn non_empty_list(res: &Resource, prop: &str) -> Option<usize> {
    res.lookup(prop).into_iter().flatten().filter(|n| !n.is_unresolved()).map(|n| n.all_items().len()).find(|&n| n > 0)
}

fn check(model: &Model, out: &mut Hits) {
    for (index, res) in model.resources.iter().enumerate() {
        match res.resource_type.as_str() {
            "AWS::IAM::User" => {
                for (prop, what) in [("Policies", "inline policies"), ("ManagedPolicyArns", "managed policies")] {
                    if let Some(n) = non_empty_list(res, prop) {
                        out.add(
                            index,
                            prop,
                            format!("User {} has {n} {what} attached directly ({prop})", res.logical_id),
                            format!("{prop}: {n} item(s)"),
                        );
                    }
                }
            }
            "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => {
                if let Some(n) = non_empty_list(res, "Users") {
                    out.add(
                        index,
                        "Users",
                        format!("Policy {} is attached directly to {n} user(s)", res.logical_id),
                        format!("Users: {n} item(s)"),
                    );
                }
            }
            "AWS::IAM::UserPolicy" => {
                out.add(
                    index,
                    "UserName",
                    format!("Inline policy {} is attached directly to a user", res.logical_id),
                    "AWS::IAM::UserPolicy".to_string(),
                );
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["Alice", "Bob", "DirectInline", "SharedPolicy", "SometimesUsers"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
