use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-IAM-104",
        name: "iam-privileged-managed-policy",
        family: "IAM-BROAD",
        severity: Severity::High,
        title: "AdministratorAccess (or another account-wide AWS managed policy) attached",
        description: "A user, group, role or function gets the AWS managed policy \
            `AdministratorAccess` (every action on every resource), `PowerUserAccess` (everything \
            except IAM and Organizations) or `IAMFullAccess` (which can grant itself anything). \
            Attached to a workload role, a compromise of the workload is a compromise of the \
            account; attached to a user, its long-lived keys and password are administrator \
            credentials. Administrator access belongs to a few break-glass roles assumed with MFA, \
            not to workloads or everyday users.",
        fix: "Remove the managed policy from `ManagedPolicyArns` (or SAM `Policies`) and attach a \
            policy scoped to what the principal does.",
        fix_snippet: "AppRole:\n  Type: AWS::IAM::Role\n  Properties:\n    AssumeRolePolicyDocument: ...\n    ManagedPolicyArns:\n      - !Ref AppScopedPolicy   # not arn:aws:iam::aws:policy/AdministratorAccess",
        resource_types: &["AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group", "AWS::Serverless::Function"],
        cis: &["2.15"],
        well_architected: &["SEC03-BP02", "SEC03-BP04"],
        cfn_nag: &["W43"],
        requires: &["iam:GetAccountAuthorizationDetails"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

/// AWS managed policies that hand over (nearly) the whole account, with what they grant.
const PRIVILEGED: &[(&str, &str)] = &[
    ("AdministratorAccess", "every action on every resource"),
    ("AdministratorAccess-Amplify", "administrator access to most services"),
    ("AdministratorAccess-AWSElasticBeanstalk", "administrator access to most services"),
    ("PowerUserAccess", "every action except IAM and Organizations"),
    ("IAMFullAccess", "full IAM, so it can grant itself anything"),
];

/// `arn:<partition>:iam::aws:policy/<Name>` (partition literal or `${AWS::Partition}`), or a
/// bare SAM policy name.
fn privileged(text: &str, bare_name_ok: bool) -> Option<(&'static str, &'static str)> {
    let name = match text.split_once(":iam::aws:policy/") {
        Some((prefix, name)) if prefix.starts_with("arn:") => name,
        _ if bare_name_ok => text,
        _ => return None,
    };
    PRIVILEGED.iter().copied().find(|(n, _)| *n == name)
}

fn check(model: &Model, out: &mut Hits) {
    for (index, res) in model.resources.iter().enumerate() {
        let (prop, sam) = match res.resource_type.as_str() {
            "AWS::IAM::Role" | "AWS::IAM::User" | "AWS::IAM::Group" => ("ManagedPolicyArns", false),
            "AWS::Serverless::Function" | "AWS::Serverless::StateMachine" => ("Policies", true),
            _ => continue,
        };
        let mut seen = Vec::new();
        for list in res.lookup(prop).into_iter().flatten() {
            let items: Vec<&Node> = if sam && list.as_str().is_some() { vec![list] } else { list.all_items() };
            for item in items {
                let Some(text) = super::text_or_template(item) else { continue };
                let Some((name, grants)) = privileged(&text, sam) else { continue };
                if seen.contains(&name) {
                    continue;
                }
                seen.push(name);
                let short_type = res.resource_type.rsplit("::").next().unwrap_or_default();
                out.add(
                    index,
                    prop,
                    format!("{short_type} {} has the AWS managed policy {name} ({grants})", res.logical_id),
                    format!("{prop}: {text}"),
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
        crate::assert_fixture!(
            RULE,
            "fail.yaml",
            ["AdminUser", "ConditionalRole", "OpsGroup", "PartitionRole", "SamAdmin"]
        );
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
