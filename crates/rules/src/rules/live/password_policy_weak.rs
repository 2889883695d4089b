use crate::prelude::*;
use nextgap_model::Fact;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-IAM-264",
        name: "password-policy-weak",
        family: "IAM-KEYS",
        severity: Severity::Medium,
        title: "No IAM password policy, or a weak one",
        description: "The account has no IAM password policy (IAM users then only need 8 characters), or \
            its policy asks for fewer than 14 characters or remembers fewer than 24 previous \
            passwords, so short passwords and passwords cycled back after a forced change are \
            accepted. Length and reuse are what CIS asks for; character-class rules (FSBP IAM.7) \
            are listed in the evidence but not required, since length protects better than \
            composition rules (NIST SP 800-63B). Prowler: \
            `iam_password_policy_minimum_length_14`, `iam_password_policy_reuse_24`.",
        fix: "Set a password policy with a minimum length of 14 or more and password reuse prevention of 24, \
            and move people to IAM Identity Center so fewer IAM passwords exist at all.",
        fix_snippet: "# No CloudFormation resource for the account password policy:\n\
            # aws iam update-account-password-policy --minimum-password-length 14 --password-reuse-prevention 24 \\\n\
            #   --require-symbols --require-numbers --require-uppercase-characters --require-lowercase-characters",
        resource_types: &["AWS::Account"],
        cis: &["2.7", "2.8"],
        fsbp: &["IAM.7"],
        well_architected: &["SEC02-BP01"],
        requires: &["iam:GetAccountPasswordPolicy"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

const MIN_LENGTH: i64 = 14;
const MIN_REUSE: i64 = 24;

fn check(model: &Model, out: &mut Hits) {
    let Some((acct, account)) = super::account(model) else { return };
    let policy = match &account.password_policy {
        Fact::Known(Some(p)) => p,
        Fact::Known(None) => {
            return out.add(
                acct,
                "password_policy",
                format!(
                    "Account {} has no IAM password policy: 8-character passwords are accepted",
                    account.account_id
                ),
                "GetAccountPasswordPolicy: NoSuchEntity",
            )
        }
        Fact::Unknown(reason) => return out.unknown(acct, format!("password policy: {reason}")),
    };
    let mut weak = Vec::new();
    match policy.minimum_password_length {
        Some(n) if n >= MIN_LENGTH => {}
        Some(n) => weak.push(format!("minimum length {n} (less than {MIN_LENGTH})")),
        None => weak.push(format!("no minimum length (less than {MIN_LENGTH})")),
    }
    match policy.password_reuse_prevention {
        Some(n) if n >= MIN_REUSE => {}
        Some(n) => weak.push(format!("remembers {n} previous passwords (less than {MIN_REUSE})")),
        None => weak.push("no password reuse prevention".to_string()),
    }
    if weak.is_empty() {
        return;
    }
    let classes: Vec<&str> = [
        (policy.require_uppercase_characters, "uppercase"),
        (policy.require_lowercase_characters, "lowercase"),
        (policy.require_numbers, "numbers"),
        (policy.require_symbols, "symbols"),
    ]
    .into_iter()
    .filter(|(on, _)| *on)
    .map(|(_, name)| name)
    .collect();
    let number = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_else(|| "not set".into());
    out.add(
        acct,
        "password_policy",
        format!("The IAM password policy of account {} is weak: {}", account.account_id, weak.join(", ")),
        format!(
            "MinimumPasswordLength: {}, PasswordReusePrevention: {}, requires: [{}], MaxPasswordAge: {}",
            number(policy.minimum_password_length),
            number(policy.password_reuse_prevention),
            classes.join(", "),
            number(policy.max_password_age)
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::RULE;

    const ROOT: &str = "arn:aws:iam::111122223333:root";

    #[test]
    fn fixtures() {
        // fail.json: length 8, no reuse prevention; no_policy.json: none at all.
        crate::assert_checks!(RULE, ["fail.json"], [format!("FAIL {ROOT}")]);
        crate::assert_checks!(RULE, ["no_policy.json"], [format!("FAIL {ROOT}")]);
        crate::assert_checks!(RULE, ["pass.json"], [format!("PASS {ROOT}")]);
        crate::assert_checks!(RULE, ["unknown.json"], [format!("UNKNOWN {ROOT}")]);
    }

    #[test]
    fn message_says_what_is_weak() {
        let model = crate::testing::live_model(file!(), &["fail.json"]);
        let outcome = crate::check_model(&model, &[&RULE], &crate::Config::default());
        assert_eq!(outcome.findings.len(), 1);
        assert!(
            outcome.findings[0].message.contains("minimum length 8 (less than 14)"),
            "{}",
            outcome.findings[0].message
        );
        assert!(
            outcome.findings[0].message.contains("no password reuse prevention"),
            "{}",
            outcome.findings[0].message
        );
    }
}
