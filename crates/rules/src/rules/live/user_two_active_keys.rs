use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-IAM-262",
        name: "user-two-active-keys",
        family: "IAM-KEYS",
        severity: Severity::Low,
        title: "IAM user with two active access keys",
        description: "An IAM user has both of its access keys active. The second key is meant for the \
            short overlap of a rotation; left active, it doubles the long-lived credentials to \
            track, and usually means the old key was never retired after the rotation. Prowler: \
            `iam_user_two_active_access_key`.",
        fix: "Find which key is still in use (`aws iam get-access-key-last-used`), deactivate the other, \
            and delete it once nothing breaks.",
        fix_snippet: "# aws iam list-access-keys --user-name alice\n\
            # aws iam update-access-key --user-name alice --access-key-id AKIAOLD... --status Inactive",
        resource_types: &["AWS::IAM::User"],
        cis: &["2.12"],
        well_architected: &["SEC02-BP05"],
        requires: &["iam:ListAccessKeys"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    let Some((acct, account)) = super::account(model) else { return };
    if super::keys_listed(model) {
        for (i, user) in model.resources.iter().enumerate().filter(|(_, r)| r.is_type("AWS::IAM::User")) {
            let active: Vec<&str> = super::keys_of(model, user)
                .filter(|(_, k)| super::key_active(k))
                .map(|(_, k)| super::key_id(k))
                .collect();
            if active.len() >= 2 {
                out.add(
                    i,
                    "AccessKeys",
                    format!("User {} has {} active access keys", super::user_name(user), active.len()),
                    format!("active keys: {}", active.join(", ")),
                );
            }
        }
        return;
    }
    let Ok(rows) = super::credential_report(account) else { return };
    for row in rows.iter().filter(|r| !r.is_root() && r.access_key_1_active && r.access_key_2_active) {
        out.add(
            super::row_subject(model, acct, row),
            &super::row_path(model, acct, row, "access_key_2_active"),
            format!("User {} has 2 active access keys", row.user),
            "credential report: access_key_1_active true, access_key_2_active true",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    const ALICE: &str = "arn:aws:iam::111122223333:user/alice";
    const BOB: &str = "arn:aws:iam::111122223333:user/bob";

    #[test]
    fn fixtures() {
        // alice: two active keys; bob: one active, one inactive.
        crate::assert_checks!(RULE, ["fail.json"], [format!("FAIL {ALICE}"), format!("PASS {BOB}")]);
        crate::assert_live!(RULE, ["pass.json"], []);
    }

    #[test]
    fn credential_report_csv() {
        // carol has a user resource; dave is only in the report (reported on the account).
        crate::assert_live!(
            RULE,
            ["users.csv", "collected.json"],
            ["arn:aws:iam::111122223333:root", "arn:aws:iam::111122223333:user/carol"]
        );
    }
}
