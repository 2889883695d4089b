use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-IAM-267",
        name: "console-user-with-access-keys",
        family: "IAM-KEYS",
        severity: Severity::Medium,
        title: "Console user also holds active access keys",
        description: "An IAM user signs in to the console with a password and also has an active access \
            key. That is a person carrying long-lived programmatic credentials: the key sits in \
            their `~/.aws/credentials`, keeps working without MFA, and outlives the session \
            controls the console has. People should get short-lived credentials (IAM Identity \
            Center, `aws sso login`); machines should use roles. Prowler: \
            `iam_user_no_setup_initial_access_key` (the nearest check).",
        fix: "Move the person to IAM Identity Center (or at least to `aws sts get-session-token` with MFA) \
            and delete the access key; if the key belongs to an integration, give the integration its own \
            role and remove the user's password.",
        fix_snippet: "# ~/.aws/config for a person, instead of an access key:\n\
            # [profile work]\n\
            # sso_session = corp\n\
            # sso_account_id = 111122223333\n\
            # sso_role_name = Developer\n\
            # then: aws iam delete-access-key --user-name alice --access-key-id AKIA...",
        resource_types: &["AWS::IAM::User"],
        cis: &["2.10"],
        well_architected: &["SEC02-BP02"],
        requires: &["iam:ListAccessKeys", "iam:GetLoginProfile"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    let Some((acct, account)) = super::account(model) else { return };
    let listed = super::keys_listed(model);
    for (i, user) in model.resources.iter().enumerate().filter(|(_, r)| r.is_type("AWS::IAM::User")) {
        let row = super::user_row(account, &user.logical_id);
        let found = row.as_ref().ok().copied().flatten();
        let keys: Vec<String> = if listed {
            super::keys_of(model, user)
                .filter(|(_, k)| super::key_active(k))
                .map(|(_, k)| super::key_id(k).to_string())
                .collect()
        } else if let Some(r) = found {
            super::row_keys(r)
                .into_iter()
                .filter(|(_, active, _, _)| *active)
                .map(|(n, ..)| format!("access key {n}"))
                .collect()
        } else {
            continue;
        };
        if keys.is_empty() {
            continue;
        }
        match super::has_password(model, found, Some(user)) {
            Some(true) => out.add(
                i,
                "LoginProfile",
                format!(
                    "User {} signs in to the console and also holds {} active access key(s)",
                    super::user_name(user),
                    keys.len()
                ),
                format!("console password: yes; active keys: {}", keys.join(", ")),
            ),
            Some(false) => {}
            None => out.unknown(
                i,
                match row {
                    Err(reason) => format!("whether the user has a console password is unknown: {reason}"),
                    Ok(_) => "whether the user has a console password is unknown".into(),
                },
            ),
        }
    }
    for row in super::rows_without_user(model, account) {
        let active = super::row_keys(row).into_iter().filter(|(_, a, _, _)| *a).count();
        if row.password_enabled && active > 0 {
            out.add(
                acct,
                &super::row_path(model, acct, row, "password_enabled"),
                format!("User {} signs in to the console and also holds {active} active access key(s)", row.user),
                "credential report: password_enabled true, access key active",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    const U: &str = "arn:aws:iam::111122223333:user/";

    #[test]
    fn fixtures() {
        // alice: password and an active key; ci: key only; bob: password, key inactive.
        crate::assert_checks!(
            RULE,
            ["fail.json"],
            [format!("FAIL {U}alice"), format!("PASS {U}ci"), format!("PASS {U}bob")]
        );
        crate::assert_live!(RULE, ["pass.json"], []);
    }
}
