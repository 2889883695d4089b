use crate::prelude::*;
use chrono::{DateTime, Utc};
use nextgap_model::account::CredentialRow;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-IAM-265",
        name: "user-unused",
        family: "IAM-PERSISTENT",
        severity: Severity::Medium,
        title: "IAM user with credentials unused for 90 days",
        description: "An IAM user older than 90 days holds a console password or an active access key, \
            yet has neither signed in nor used a key in the last 90 days. It is a door nobody \
            walks through but anyone with the old password or key can: people who left, \
            experiments, integrations long replaced. Console use comes from the credential report \
            (`password_last_used`), key use from `GetAccessKeyLastUsed` or the report. Users \
            without any credential are not reported. Prowler: `iam_user_console_access_unused`, \
            `iam_user_accesskey_unused`.",
        fix: "Confirm with the owner, then remove the user's password and keys, and delete the user.",
        fix_snippet: "# aws iam delete-login-profile --user-name old-user\n\
            # aws iam update-access-key --user-name old-user --access-key-id AKIA... --status Inactive\n\
            # (later) aws iam delete-user --user-name old-user  # after removing keys, groups and policies",
        resource_types: &["AWS::IAM::User"],
        cis: &["2.11"],
        fsbp: &["IAM.8"],
        well_architected: &["SEC03-BP04", "SEC02-BP05"],
        requires: &["iam:GetCredentialReport", "iam:ListAccessKeys", "iam:GetAccessKeyLastUsed"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

type Time = DateTime<Utc>;

/// One user's credentials and their last use.
struct Usage {
    created: Option<Time>,
    password: Option<bool>,
    /// Last console sign-in; `Err` when it cannot be known (no credential report).
    signed_in: Result<Option<Time>, String>,
    /// (key label, last used) of each active key.
    keys: Vec<(String, Result<Option<Time>, String>)>,
}

fn from_row(row: &CredentialRow) -> Result<Usage, String> {
    let mut keys = Vec::new();
    for (n, active, _, used) in super::row_keys(row) {
        if active {
            keys.push((format!("access key {n}"), super::report_time(used, &format!("access_key_{n}_last_used_date"))));
        }
    }
    Ok(Usage {
        created: super::report_time(&row.user_creation_time, "user_creation_time")?,
        password: Some(row.password_enabled),
        signed_in: super::report_time(&row.password_last_used, "password_last_used"),
        keys,
    })
}

fn from_user(model: &Model, account: &nextgap_model::Account, user: &Resource) -> Result<Usage, String> {
    let row = super::user_row(account, &user.logical_id);
    let found = row.as_ref().ok().copied().flatten();
    let signed_in = match (&row, found) {
        (_, Some(r)) => super::report_time(&r.password_last_used, "password_last_used"),
        (Err(reason), None) => Err(format!("last console sign-in unknown: {reason}")),
        (Ok(_), None) => Err("last console sign-in unknown: the user is not in the credential report".into()),
    };
    let mut keys = Vec::new();
    if super::keys_listed(model) {
        let last_use_failed = super::failed(model, "iam:GetAccessKeyLastUsed");
        for (_, key) in super::keys_of(model, user).filter(|(_, k)| super::key_active(k)) {
            let used = match &last_use_failed {
                Some(reason) => Err(reason.clone()),
                None => super::time_prop(key, "LastUsedDate"),
            };
            keys.push((format!("access key {}", super::key_id(key)), used));
        }
    } else if let Some(r) = found {
        keys = from_row(r)?.keys;
    }
    let created = match super::time_prop(user, "CreateDate")? {
        Some(t) => Some(t),
        None => found.map(|r| super::report_time(&r.user_creation_time, "user_creation_time")).transpose()?.flatten(),
    };
    Ok(Usage { created, password: super::has_password(model, found, Some(user)), signed_in, keys })
}

/// `Ok(Some((message, evidence)))` when the user is unused.
fn judge(name: &str, usage: Usage, now: Time) -> Result<Option<(String, String)>, String> {
    if usage.created.is_some_and(|c| super::days(c, now) < super::UNUSED_DAYS) {
        return Ok(None);
    }
    let password = match usage.password {
        Some(p) => p,
        None if usage.keys.is_empty() => return Err("whether the user has a console password is unknown".into()),
        None => false,
    };
    if !password && usage.keys.is_empty() {
        return Ok(None);
    }
    let mut last: Option<Time> = None;
    let mut evidence = Vec::new();
    if password {
        let t = usage.signed_in.clone()?;
        evidence.push(format!("password_last_used: {}", t.map(super::day).unwrap_or_else(|| "never".into())));
        last = last.max(t);
    }
    for (label, used) in &usage.keys {
        let t = used.clone()?;
        evidence.push(format!("{label} last used: {}", t.map(super::day).unwrap_or_else(|| "never".into())));
        last = last.max(t);
    }
    if last.is_some_and(|t| super::days(t, now) < super::UNUSED_DAYS) {
        return Ok(None);
    }
    let mut held = Vec::new();
    if password {
        held.push("a console password".to_string());
    }
    match usage.keys.len() {
        0 => {}
        1 => held.push("an active access key".into()),
        n => held.push(format!("{n} active access keys")),
    }
    let since = match last {
        Some(t) => format!("last activity {} days ago", super::days(t, now)),
        None => "never used".into(),
    };
    if let Some(c) = usage.created {
        evidence.push(format!("created {}", super::day(c)));
    }
    Ok(Some((
        format!(
            "User {name} has {} but has used none of them in {} days ({since})",
            held.join(" and "),
            super::UNUSED_DAYS
        ),
        evidence.join("; "),
    )))
}

fn check(model: &Model, out: &mut Hits) {
    let Some((acct, account)) = super::account(model) else { return };
    let now = super::now(account);
    for (i, user) in model.resources.iter().enumerate().filter(|(_, r)| r.is_type("AWS::IAM::User")) {
        let verdict = now.clone().and_then(|now| judge(super::user_name(user), from_user(model, account, user)?, now));
        match verdict {
            Ok(Some((message, evidence))) => out.add(i, "", message, evidence),
            Ok(None) => {}
            Err(reason) => out.unknown(i, reason),
        }
    }
    for row in super::rows_without_user(model, account) {
        let verdict = now.clone().and_then(|now| judge(&row.user, from_row(row)?, now));
        match verdict {
            Ok(Some((message, evidence))) => {
                out.add(acct, &super::row_path(model, acct, row, "password_last_used"), message, evidence)
            }
            Ok(None) => {}
            Err(reason) => out.unknown(acct, format!("user {}: {reason}", row.user)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    const U: &str = "arn:aws:iam::111122223333:user/";

    #[test]
    fn fixtures() {
        // stale: password last used 200 days ago, key never used; keyonly: key last used 100
        // days ago; active: signed in last week; fresh: created 10 days ago, never used;
        // nocreds: no password, no key.
        crate::assert_checks!(
            RULE,
            ["fail.json"],
            [
                format!("FAIL {U}stale"),
                format!("FAIL {U}keyonly"),
                format!("PASS {U}active"),
                format!("PASS {U}fresh"),
                format!("PASS {U}nocreds"),
            ]
        );
        // No credential report: no user is judged. (The key-only user could be, from its key
        // alone, but the engine withdraws every finding on a subject whose required reads
        // failed, so none ever rests on missing data.)
        crate::assert_checks!(
            RULE,
            ["unknown.json"],
            [format!("UNKNOWN {U}stale"), format!("UNKNOWN {U}keyonly"), "UNKNOWN arn:aws:iam::111122223333:root"]
        );
    }
}
