use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-IAM-253",
        name: "root-used-recently",
        family: "ACCOUNT-ROOT-USE",
        severity: Severity::High,
        title: "The root user was used recently",
        description: "The credential report shows the root user signing in with its password, or one \
            of its access keys being used, within the last 90 days. Root is for the handful of \
            tasks only root can do (changing the support plan, closing the account, restoring \
            lost administrator access); day-to-day use means its credentials are handled often, \
            by people, and that its actions are not tied to a named person in CloudTrail. Measured \
            from the time the data was collected (or `--now`). Prowler: `iam_avoid_root_usage`.",
        fix: "Stop using root: give administrators named roles through IAM Identity Center, lock the root \
            credentials away, and alarm on root activity (CloudTrail `userIdentity.type = Root`).",
        fix_snippet: "# Alarm on root use (EventBridge rule on CloudTrail events):\n\
            Type: AWS::Events::Rule\nProperties:\n  EventPattern:\n    detail-type: [AWS Console Sign In via CloudTrail, AWS API Call via CloudTrail]\n    detail:\n      userIdentity:\n        type: [Root]\n  Targets:\n    - Arn: !Ref SecurityAlertsTopic\n      Id: root-use",
        resource_types: &["AWS::Account"],
        cis: &["2.6"],
        well_architected: &["SEC01-BP02", "SEC03-BP03"],
        requires: &["iam:GetCredentialReport"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    let Some((acct, account)) = super::account(model) else { return };
    let (row, now) = match (super::root_row(account), super::now(account)) {
        (Ok(row), Ok(now)) => (row, now),
        (Err(reason), _) | (_, Err(reason)) => return out.unknown(acct, reason),
    };
    let mut uses = vec![("signed in with its password", "password_last_used", &row.password_last_used)];
    uses.push(("used access key 1", "access_key_1_last_used_date", &row.access_key_1_last_used_date));
    uses.push(("used access key 2", "access_key_2_last_used_date", &row.access_key_2_last_used_date));
    let mut recent = Vec::new();
    let mut evidence = Vec::new();
    for (what, column, cell) in uses {
        match super::report_time(cell, column) {
            Ok(Some(t)) if super::days(t, now) <= super::ROOT_USE_DAYS => {
                recent.push(format!("{what} {} day(s) ago", super::days(t, now).max(0)));
                evidence.push(format!("{column}: {}", cell.as_deref().unwrap_or_default()));
            }
            Ok(_) => {}
            Err(reason) => return out.unknown(acct, reason),
        }
    }
    if !recent.is_empty() {
        out.add(
            acct,
            "credential_report.<root_account>",
            format!("The root user of account {} {}", account.account_id, recent.join(" and ")),
            format!("{} (now {})", evidence.join("; "), super::day(now)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    const ROOT: &str = "arn:aws:iam::111122223333:root";

    #[test]
    fn fixtures() {
        crate::assert_live!(RULE, ["fail.json"], [ROOT]);
        // Last root sign-in 200 days before collection.
        crate::assert_live!(RULE, ["pass.json"], []);
        crate::assert_checks!(RULE, ["pass.json"], [format!("PASS {ROOT}")]);
        // The report has no root row (moto leaves it out).
        crate::assert_checks!(RULE, ["unknown.json"], [format!("UNKNOWN {ROOT}")]);
    }

    /// The CSV alone says nothing about when it was taken: unknown until `--now` (here, a
    /// snapshot giving `collected_at`) supplies the time.
    #[test]
    fn credential_report_csv() {
        crate::assert_checks!(RULE, ["root.csv"], [format!("UNKNOWN {ROOT}")]);
        crate::assert_checks!(RULE, ["root.csv", "collected.json"], [format!("FAIL {ROOT}")]);
    }
}
