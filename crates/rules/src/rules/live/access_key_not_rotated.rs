use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-IAM-260",
        name: "access-key-not-rotated",
        family: "IAM-KEYS",
        severity: Severity::Medium,
        title: "Active access key older than 90 days",
        description: "An IAM user's active access key was created more than 90 days before the data was \
            collected. Long-lived keys end up in shell histories, CI variables, old laptops and \
            public repositories; the older a key, the more places it has been and the longer a \
            leaked copy keeps working. Keys are read from `ListAccessKeys`; an input without them \
            (an authorization-details export with a credential report) is judged from the \
            report's `access_key_N_last_rotated` columns. Root keys are NG-IAM-250's. Prowler: \
            `iam_rotate_access_key_90_days`.",
        fix: "Replace the key: create a second key, move its users to it, deactivate and then delete the \
            old one. Better, replace the user's keys with roles (IAM Identity Center, OIDC for CI, \
            instance profiles).",
        fix_snippet: "# aws iam create-access-key --user-name alice\n\
            # (switch the consumers to the new key)\n\
            # aws iam update-access-key --user-name alice --access-key-id AKIAOLD... --status Inactive\n\
            # aws iam delete-access-key --user-name alice --access-key-id AKIAOLD...",
        resource_types: &["AWS::IAM::AccessKey"],
        cis: &["2.13"],
        fsbp: &["IAM.3"],
        well_architected: &["SEC02-BP05", "SEC02-BP02"],
        requires: &["iam:ListAccessKeys"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    let Some((acct, account)) = super::account(model) else { return };
    let now = super::now(account);
    if super::keys_listed(model) {
        for (i, key) in model.resources.iter().enumerate().filter(|(_, r)| r.is_type("AWS::IAM::AccessKey")) {
            if !super::key_active(key) {
                continue;
            }
            let now = match &now {
                Ok(now) => *now,
                Err(reason) => {
                    out.unknown(i, reason.clone());
                    continue;
                }
            };
            match super::time_prop(key, "CreateDate") {
                Ok(Some(created)) if super::days(created, now) > super::ROTATE_DAYS => out.add(
                    i,
                    "CreateDate",
                    format!(
                        "Access key {} of user {} is {} days old",
                        super::key_id(key),
                        super::key_owner(key),
                        super::days(created, now)
                    ),
                    format!("Status: Active, CreateDate: {} (now {})", super::day(created), super::day(now)),
                ),
                Ok(Some(_)) => {}
                Ok(None) => out.unknown(i, "CreateDate not collected"),
                Err(reason) => out.unknown(i, reason),
            }
        }
        return;
    }
    let Ok(rows) = super::credential_report(account) else { return };
    for row in rows.iter().filter(|r| !r.is_root()) {
        let subject = super::row_subject(model, acct, row);
        for (n, active, rotated, _) in super::row_keys(row) {
            if !active {
                continue;
            }
            let column = format!("access_key_{n}_last_rotated");
            match (&now, super::report_time(rotated, &column)) {
                (Err(reason), _) => out.unknown(subject, reason.clone()),
                (_, Err(reason)) => out.unknown(subject, reason),
                (Ok(now), Ok(Some(created))) if super::days(created, *now) > super::ROTATE_DAYS => out.add(
                    subject,
                    &super::row_path(model, acct, row, &column),
                    format!("Access key {n} of user {} is {} days old", row.user, super::days(created, *now)),
                    format!("credential report: access_key_{n}_active true, {column} {}", super::day(created)),
                ),
                (Ok(_), Ok(Some(_))) => {}
                (Ok(_), Ok(None)) => out.unknown(subject, format!("{column} not in the credential report")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    const OLD: &str = "arn:aws:iam::111122223333:user/alice/accesskey/AKIAOLDKEY0000000001";
    const FRESH: &str = "arn:aws:iam::111122223333:user/alice/accesskey/AKIANEWKEY0000000002";
    const INACTIVE: &str = "arn:aws:iam::111122223333:user/bob/accesskey/AKIAOFFKEY0000000003";

    #[test]
    fn fixtures() {
        crate::assert_live!(RULE, ["fail.json"], [OLD]);
        crate::assert_checks!(
            RULE,
            ["fail.json"],
            [format!("FAIL {OLD}"), format!("PASS {FRESH}"), format!("PASS {INACTIVE}")]
        );
        crate::assert_live!(RULE, ["pass.json"], []);
        // ListAccessKeys failed: nothing to judge, and no pass either.
        crate::assert_checks!(RULE, ["unknown.json"], ["UNKNOWN arn:aws:iam::111122223333:root"]);
    }

    /// Without key resources, the credential report decides, on the user (or the account when
    /// the input has no users).
    #[test]
    fn credential_report_csv() {
        crate::assert_checks!(
            RULE,
            ["users.csv", "collected.json"],
            ["FAIL arn:aws:iam::111122223333:root", "FAIL arn:aws:iam::111122223333:user/carol"]
        );
    }
}
