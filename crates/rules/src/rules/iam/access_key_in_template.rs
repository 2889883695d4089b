use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-IAM-140",
        name: "iam-access-key-in-template",
        family: "IAM-KEYS",
        severity: Severity::Medium,
        title: "Template creates a long-lived IAM access key",
        description: "An `AWS::IAM::AccessKey` mints a long-lived access key for an IAM user. The \
            secret is returned to the stack (usually through an output or a parameter store \
            write, where everyone who can read the stack sees it), never expires, and is rotated \
            only when someone remembers: a leaked key stays valid until it is found. It is worse \
            when the user also has a console password. Workloads on AWS should use roles \
            (instance profiles, task and function roles); workloads elsewhere IAM Roles Anywhere \
            or OIDC federation; people IAM Identity Center. Inactive keys (`Status: Inactive`) are \
            not reported.",
        fix: "Remove the access key and give the workload a role (or federation); if a key is \
            unavoidable, create it outside the template, store it in Secrets Manager and rotate \
            it.",
        fix_snippet: "# Instead of AWS::IAM::User + AWS::IAM::AccessKey:\nAppRole:\n  Type: AWS::IAM::Role\n  Properties:\n    AssumeRolePolicyDocument:\n      Statement:\n        - Effect: Allow\n          Principal: {Service: ec2.amazonaws.com}\n          Action: sts:AssumeRole",
        resource_types: &["AWS::IAM::AccessKey"],
        cis: &["2.10", "2.13"],
        fsbp: &["IAM.3"],
        well_architected: &["SEC02-BP02", "SEC02-BP05"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

/// The template user the key belongs to, when named by `Ref` or literally.
fn key_user<'m>(model: &'m Model, res: &Resource) -> Option<&'m Resource> {
    match &res.prop("UserName")?.value {
        Value::ResourceRef { logical_id, .. } => model.resource(logical_id),
        Value::String(name) => {
            model.of_type("AWS::IAM::User").find(|u| u.prop("UserName").and_then(Node::as_str) == Some(name.as_str()))
        }
        _ => None,
    }
}

fn check(model: &Model, out: &mut Hits) {
    for (index, res) in model.resources.iter().enumerate().filter(|(_, r)| r.is_type("AWS::IAM::AccessKey")) {
        let statuses = super::texts_at(res, "Status");
        let active = statuses.iter().any(|s| s.as_deref().is_none_or(|s| s.eq_ignore_ascii_case("Active")));
        // All alternatives unresolved: the status is unknown.
        if !active || (statuses.is_empty() && res.lookup("Status").iter().any(Option::is_some)) {
            continue;
        }
        let user = key_user(model, res);
        let console = user.is_some_and(|u| u.lookup("LoginProfile").iter().any(Option::is_some));
        let who = match user {
            Some(u) => format!("user {}", u.logical_id),
            None => format!("user {}", res.prop("UserName").map(Node::describe).unwrap_or_else(|| "?".into())),
        };
        let extra = if console { ", which also has a console password" } else { "" };
        out.add(
            index,
            "UserName",
            format!("Access key {} is a long-lived credential for {who}{extra}", res.logical_id),
            format!(
                "AWS::IAM::AccessKey, Status: {}",
                statuses.into_iter().flatten().next().unwrap_or_else(|| "Active (default)".into())
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["ConsoleUserKey", "MaybeActive", "ServiceKey"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
