use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-IAM-141",
        name: "iam-user-login-profile",
        family: "IAM-KEYS",
        severity: Severity::Medium,
        title: "Template creates an IAM user with a console password",
        description: "An `AWS::IAM::User` has a `LoginProfile`: the template gives a person a \
            long-lived console password. The password passes through the stack's parameters or \
            the template, whoever deploys the stack knows it, and the template cannot attach an \
            MFA device, so the user signs in with a password only until someone adds MFA by hand. \
            People should sign in through IAM Identity Center or an identity provider, with MFA \
            enforced there. A password written in the template itself is reported by \
            `iam-user-password-plaintext`.",
        fix: "Remove the `LoginProfile` and give people access through IAM Identity Center (or \
            federation); if an IAM user is unavoidable, create its password outside the template \
            and require MFA.",
        fix_snippet: "# No LoginProfile: people sign in through IAM Identity Center\nDeployUser:\n  Type: AWS::IAM::User\n  Properties:\n    Groups: [!Ref Deployers]",
        resource_types: &["AWS::IAM::User"],
        cis: &["2.9", "2.20"],
        fsbp: &["IAM.5", "IAM.19"],
        well_architected: &["SEC02-BP01", "SEC02-BP04"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    for (index, res) in model.resources.iter().enumerate().filter(|(_, r)| r.is_type("AWS::IAM::User")) {
        if !res.lookup("LoginProfile").iter().any(Option::is_some) {
            continue;
        }
        let reset = super::texts_at(res, "LoginProfile.PasswordResetRequired");
        let no_reset = reset.iter().any(|r| r.as_deref().is_none_or(|r| r.eq_ignore_ascii_case("false")));
        let extra = if no_reset { " and no password reset at first sign-in" } else { "" };
        out.add(
            index,
            "LoginProfile",
            format!("User {} gets a console password from the template{extra}", res.logical_id),
            format!(
                "LoginProfile.Password: {}",
                res.prop("LoginProfile.Password")
                    .map(|p| if p.is_unresolved() { p.describe() } else { "(set)".into() })
                    .unwrap_or_else(|| "?".into())
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["ConsoleUser", "DevOnlyConsole", "SecretsManagerPassword"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
