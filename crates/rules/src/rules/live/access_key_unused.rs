use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-IAM-261",
        name: "access-key-unused",
        family: "IAM-PERSISTENT",
        severity: Severity::Medium,
        title: "Active access key unused for 45 days or more",
        description: "An IAM user's access key is active but has not been used for 45 days or more (or \
            was never used and is older than 45 days). Nobody needs it, yet it still works for \
            whoever holds a copy, and a leaked unused key is the hardest to notice: its owner \
            will not miss it. Last use is read from `GetAccessKeyLastUsed` (or the credential \
            report's `access_key_N_last_used_date` when keys were not listed). Prowler: \
            `iam_user_accesskey_unused`.",
        fix: "Deactivate the key, wait for complaints, then delete it.",
        fix_snippet: "# aws iam update-access-key --user-name alice --access-key-id AKIA... --status Inactive\n\
            # aws iam delete-access-key --user-name alice --access-key-id AKIA...",
        resource_types: &["AWS::IAM::AccessKey"],
        cis: &["2.11"],
        fsbp: &["IAM.8", "IAM.22"],
        well_architected: &["SEC02-BP05", "SEC03-BP04"],
        requires: &["iam:ListAccessKeys", "iam:GetAccessKeyLastUsed"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

/// What a key's last use says: `Some(message)` when it is unused past the limit.
fn judge(
    last_used: Option<chrono::DateTime<chrono::Utc>>,
    created: Option<chrono::DateTime<chrono::Utc>>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<String>, String> {
    match (last_used, created) {
        (Some(used), _) => {
            let idle = super::days(used, now);
            Ok((idle >= super::UNUSED_KEY_DAYS).then(|| format!("has not been used for {idle} days")))
        }
        (None, Some(created)) => {
            let age = super::days(created, now);
            Ok((age >= super::UNUSED_KEY_DAYS)
                .then(|| format!("was never used in the {age} days since it was created")))
        }
        (None, None) => Err("never used, and its creation date is unknown".into()),
    }
}

fn check(model: &Model, out: &mut Hits) {
    let Some((acct, account)) = super::account(model) else { return };
    let now = super::now(account);
    if super::keys_listed(model) {
        let last_use_failed = super::failed(model, "iam:GetAccessKeyLastUsed");
        for (i, key) in model.resources.iter().enumerate().filter(|(_, r)| r.is_type("AWS::IAM::AccessKey")) {
            if !super::key_active(key) {
                continue;
            }
            let facts = now.clone().and_then(|now| {
                if let Some(reason) = &last_use_failed {
                    return Err(reason.clone());
                }
                Ok((now, super::time_prop(key, "LastUsedDate")?, super::time_prop(key, "CreateDate")?))
            });
            let verdict = facts.and_then(|(now, used, created)| Ok((judge(used, created, now)?, used, created)));
            match verdict {
                Ok((Some(what), used, created)) => out.add(
                    i,
                    "LastUsedDate",
                    format!("Access key {} of user {} {what}", super::key_id(key), super::key_owner(key)),
                    format!(
                        "Status: Active, LastUsedDate: {}, CreateDate: {}",
                        used.map(super::day).unwrap_or_else(|| "never".into()),
                        created.map(super::day).unwrap_or_else(|| "unknown".into())
                    ),
                ),
                Ok((None, _, _)) => {}
                Err(reason) => out.unknown(i, reason),
            }
        }
        return;
    }
    let Ok(rows) = super::credential_report(account) else { return };
    for row in rows.iter().filter(|r| !r.is_root()) {
        let subject = super::row_subject(model, acct, row);
        for (n, active, rotated, used) in super::row_keys(row) {
            if !active {
                continue;
            }
            let used_column = format!("access_key_{n}_last_used_date");
            let facts = now.clone().and_then(|now| {
                let used = super::report_time(used, &used_column)?;
                let created = super::report_time(rotated, &format!("access_key_{n}_last_rotated"))?;
                Ok((judge(used, created, now)?, used))
            });
            match facts {
                Ok((Some(what), seen)) => out.add(
                    subject,
                    &super::row_path(model, acct, row, &used_column),
                    format!("Access key {n} of user {} {what}", row.user),
                    format!(
                        "credential report: access_key_{n}_active true, {used_column} {}",
                        seen.map(super::day).unwrap_or_else(|| "N/A".into())
                    ),
                ),
                Ok((None, _)) => {}
                Err(reason) => out.unknown(subject, reason),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    const IDLE: &str = "arn:aws:iam::111122223333:user/alice/accesskey/AKIAIDLEKEY000000001";
    const NEVER: &str = "arn:aws:iam::111122223333:user/bob/accesskey/AKIANEVERUSED0000002";
    const BUSY: &str = "arn:aws:iam::111122223333:user/bob/accesskey/AKIABUSYKEY000000003";
    const NEW: &str = "arn:aws:iam::111122223333:user/carol/accesskey/AKIANEWKEY0000000004";

    #[test]
    fn fixtures() {
        crate::assert_live!(RULE, ["fail.json"], [IDLE, NEVER]);
        crate::assert_checks!(
            RULE,
            ["fail.json"],
            [format!("FAIL {IDLE}"), format!("FAIL {NEVER}"), format!("PASS {BUSY}"), format!("PASS {NEW}")]
        );
        crate::assert_live!(RULE, ["pass.json"], []);
        // GetAccessKeyLastUsed failed: a missing LastUsedDate proves nothing.
        crate::assert_checks!(
            RULE,
            ["unknown.json"],
            [format!("UNKNOWN {IDLE}"), "UNKNOWN arn:aws:iam::111122223333:root"]
        );
    }
}
