use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-IAM-142",
        name: "iam-user-password-plaintext",
        family: "IAM-KEYS",
        severity: Severity::High,
        title: "IAM user console password written in the template",
        description: "The `LoginProfile.Password` of an `AWS::IAM::User` is a literal string, or \
            the default value of a template parameter. Everyone who can read the template (its \
            repository, its S3 copy, the stack's template in the console) knows a working console \
            password. Passwords belong in Secrets Manager (a `{{resolve:secretsmanager:...}}` \
            dynamic reference) or in a `NoEcho` parameter without a default, and preferably not in \
            a template at all.",
        fix: "Use a `{{resolve:secretsmanager:...}}` dynamic reference (or a `NoEcho` parameter \
            with no `Default`), and rotate the password that was exposed.",
        fix_snippet: "LoginProfile:\n  Password: \"{{resolve:secretsmanager:console-users/alice:SecretString:password}}\"\n  PasswordResetRequired: true",
        resource_types: &["AWS::IAM::User"],
        cis: &["2.9"],
        well_architected: &["SEC02-BP03", "SEC02-BP05"],
        cfn_nag: &["F51"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

/// A dynamic reference is resolved by CloudFormation at deploy time; the template only names it.
fn is_dynamic_reference(text: &str) -> bool {
    text.trim_start().starts_with("{{resolve:")
}

fn check(model: &Model, out: &mut Hits) {
    for (index, res) in model.resources.iter().enumerate().filter(|(_, r)| r.is_type("AWS::IAM::User")) {
        let literal = super::texts_at(res, "LoginProfile.Password")
            .into_iter()
            .flatten()
            .any(|p| !p.is_empty() && !is_dynamic_reference(&p));
        if !literal {
            continue;
        }
        out.add(
            index,
            "LoginProfile.Password",
            format!(
                "User {} has a console password written in the template (a literal or a parameter default)",
                res.logical_id
            ),
            "LoginProfile.Password: <literal value, not shown>".to_string(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["DefaultPassword", "LiteralPassword"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
