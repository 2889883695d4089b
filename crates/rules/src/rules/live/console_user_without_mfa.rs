use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-IAM-263",
        name: "console-user-without-mfa",
        family: "IAM-KEYS",
        severity: Severity::High,
        title: "Console user without MFA",
        description: "An IAM user can sign in to the console with a password and has no MFA device. A \
            phished, reused or guessed password is then enough to act as that user in the \
            console. Read from the credential report (`password_enabled`, `mfa_active`) and from \
            the collected user (`LoginProfile`, `MFADevices`): either source showing a password, \
            or an MFA device, counts. Prowler: `iam_user_mfa_enabled_console_access`.",
        fix: "Require the user to register an MFA device (and deny actions without MFA until then), or \
            remove the console password and move people to IAM Identity Center.",
        fix_snippet: "# Deny everything but MFA self-service until MFA is on (attach to the user's group):\n\
            Type: AWS::IAM::ManagedPolicy\nProperties:\n  PolicyDocument:\n    Version: \"2012-10-17\"\n    Statement:\n      - Effect: Deny\n        NotAction: [iam:CreateVirtualMFADevice, iam:EnableMFADevice, iam:ListMFADevices, iam:ChangePassword, sts:GetSessionToken]\n        Resource: \"*\"\n        Condition:\n          BoolIfExists: {aws:MultiFactorAuthPresent: \"false\"}",
        resource_types: &["AWS::IAM::User"],
        cis: &["2.9"],
        fsbp: &["IAM.5", "IAM.19"],
        well_architected: &["SEC02-BP01"],
        requires: &["iam:GetLoginProfile", "iam:ListMFADevices"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    let Some((acct, account)) = super::account(model) else { return };
    for (i, user) in model.resources.iter().enumerate().filter(|(_, r)| r.is_type("AWS::IAM::User")) {
        let row = super::user_row(account, &user.logical_id);
        let found = row.as_ref().ok().copied().flatten();
        let password = super::has_password(model, found, Some(user));
        let mfa = super::has_mfa(model, found, Some(user));
        match (password, mfa) {
            (Some(true), Some(false)) => out.add(
                i,
                "MFADevices",
                format!("User {} can sign in to the console without MFA", super::user_name(user)),
                match found {
                    Some(_) => "credential report: password_enabled true, mfa_active false".to_string(),
                    None => "LoginProfile set, MFADevices: []".to_string(),
                },
            ),
            (Some(false), _) | (_, Some(true)) => {}
            _ => out.unknown(
                i,
                match row {
                    Err(reason) => reason,
                    Ok(_) => "the user is not in the credential report and its login profile was not read".into(),
                },
            ),
        }
    }
    for row in super::rows_without_user(model, account).filter(|r| r.password_enabled && !r.mfa_active) {
        out.add(
            acct,
            &super::row_path(model, acct, row, "mfa_active"),
            format!("User {} can sign in to the console without MFA", row.user),
            "credential report: password_enabled true, mfa_active false",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    const ALICE: &str = "arn:aws:iam::111122223333:user/alice";
    const BOB: &str = "arn:aws:iam::111122223333:user/bob";
    const CI: &str = "arn:aws:iam::111122223333:user/ci";
    const DAVE: &str = "arn:aws:iam::111122223333:user/dave";

    #[test]
    fn fixtures() {
        // alice: password, no MFA (collected user, report agrees); bob: password and MFA;
        // ci: no password; dave: password per the report, MFA device on the resource.
        crate::assert_checks!(
            RULE,
            ["fail.json"],
            [format!("FAIL {ALICE}"), format!("PASS {BOB}"), format!("PASS {CI}"), format!("PASS {DAVE}")]
        );
        crate::assert_live!(RULE, ["pass.json"], []);
        // An authorization-details export alone says nothing about passwords: unknown.
        crate::assert_checks!(RULE, ["authz.json"], [format!("UNKNOWN {ALICE}")]);
        // With the credential report beside it, the report decides.
        crate::assert_checks!(RULE, ["authz.json", "users.csv"], [format!("FAIL {ALICE}")]);
    }
}
