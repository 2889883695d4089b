//! Live-account rules: what only an account can answer (the root user, credentials in use,
//! detective controls per region, the backups that exist). They read `Model::account` and the
//! CloudFormation-shaped live resources (`docs/snapshot.md`), skip templates (`model.account`
//! is `None`), and report UNKNOWN with the reason whenever a fact they need could not be read:
//! never a PASS on missing data.
//!
//! Account-level findings are reported on the synthetic `AWS::Account` resource (logical id =
//! the root ARN); per-region ones with [`Hits::add_in`] / [`Hits::unknown_in`], so each region
//! gets its finding or its UNKNOWN. "Now" is when the data was collected (`collected_at`;
//! `--now` replaces it).

use crate::prelude::*;
use crate::Rule;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use nextgap_model::account::{Account, CredentialRow, RegionFacts};
use nextgap_model::Fact;
use std::sync::LazyLock;

pub mod access_analyzer_off;
pub mod access_key_not_rotated;
pub mod access_key_unused;
pub mod account_alternate_contacts_missing;
pub mod account_not_in_organization;
pub mod ami_public;
pub mod backup_in_production_account;
pub mod backup_no_plan;
pub mod backup_vault_unlocked;
pub mod cloudtrail_account_not_covered;
pub mod config_recorder_off;
pub mod console_user_with_access_keys;
pub mod console_user_without_mfa;
pub mod default_security_group_open;
pub mod ebs_default_encryption_off;
pub mod ebs_snapshot_public;
pub mod ebs_snapshot_stale;
pub mod guardduty_off;
pub mod macie_off;
pub mod organization_no_scp;
pub mod password_policy_weak;
pub mod rds_snapshot_public;
pub mod rds_snapshot_stale;
pub mod role_unused;
pub mod root_access_keys;
pub mod root_mfa_off;
pub mod root_mfa_virtual;
pub mod root_used_recently;
pub mod s3_account_public_access_block_off;
pub mod s3_replication_as_backup;
pub mod securityhub_off;
pub mod snapshot_zero_size;
pub mod user_two_active_keys;
pub mod user_unused;

pub(crate) const RULES: &[&Rule] = &[
    &access_analyzer_off::RULE,
    &access_key_not_rotated::RULE,
    &access_key_unused::RULE,
    &account_alternate_contacts_missing::RULE,
    &account_not_in_organization::RULE,
    &ami_public::RULE,
    &backup_in_production_account::RULE,
    &backup_no_plan::RULE,
    &backup_vault_unlocked::RULE,
    &cloudtrail_account_not_covered::RULE,
    &config_recorder_off::RULE,
    &console_user_with_access_keys::RULE,
    &console_user_without_mfa::RULE,
    &default_security_group_open::RULE,
    &ebs_default_encryption_off::RULE,
    &ebs_snapshot_public::RULE,
    &ebs_snapshot_stale::RULE,
    &guardduty_off::RULE,
    &macie_off::RULE,
    &organization_no_scp::RULE,
    &password_policy_weak::RULE,
    &rds_snapshot_public::RULE,
    &rds_snapshot_stale::RULE,
    &role_unused::RULE,
    &root_access_keys::RULE,
    &root_mfa_off::RULE,
    &root_mfa_virtual::RULE,
    &root_used_recently::RULE,
    &s3_account_public_access_block_off::RULE,
    &s3_replication_as_backup::RULE,
    &securityhub_off::RULE,
    &snapshot_zero_size::RULE,
    &user_two_active_keys::RULE,
    &user_unused::RULE,
];

// ---------------------------------------------------------------------------------------------
// Thresholds
// ---------------------------------------------------------------------------------------------

/// Access keys older than this are due for rotation (CIS 2.13, FSBP IAM.3).
pub(crate) const ROTATE_DAYS: i64 = 90;
/// Active keys unused this long should be disabled (CIS 2.11, FSBP IAM.22).
pub(crate) const UNUSED_KEY_DAYS: i64 = 45;
/// Users and roles unused this long are kept for nothing (FSBP IAM.8).
pub(crate) const UNUSED_DAYS: i64 = 90;
/// Root use this recent is reported.
pub(crate) const ROOT_USE_DAYS: i64 = 90;
/// Recovery point objective for snapshot freshness, in hours. Fixed for now; meant to become a
/// `nextgap.toml` setting. A daily schedule's newest snapshot is up to a day plus the time the
/// schedule takes old, so [`RPO_GRACE_HOURS`] is added before a snapshot counts as stale.
/// Slack on top of the RPO (`Settings::rpo_hours`, 24 h unless configured) so a healthy daily schedule does not flap.
pub(crate) const RPO_GRACE_HOURS: i64 = 1;

// ---------------------------------------------------------------------------------------------
// The account and time
// ---------------------------------------------------------------------------------------------

/// The live account and the index of its `AWS::Account` resource; `None` for templates.
pub(crate) fn account(model: &Model) -> Option<(usize, &Account)> {
    let account = model.account.as_ref()?;
    let index = model
        .index_of(&account.root_arn())
        .or_else(|| model.resources.iter().position(|r| r.is_type("AWS::Account")))?;
    Some((index, account))
}

/// "Now" for age checks: when the data was read (`--now` replaces it).
pub(crate) fn now(account: &Account) -> Result<DateTime<Utc>, String> {
    if account.collected_at.trim().is_empty() {
        return Err("no reference time: the input does not say when it was collected (pass --now)".into());
    }
    parse_time(&account.collected_at)
        .ok_or_else(|| format!("collected_at {:?} is not an RFC 3339 time", account.collected_at))
}

/// RFC 3339 (what AWS and the snapshot write), and the near forms other tools write: a space
/// instead of `T`, no offset (UTC), or a bare date.
pub(crate) fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    let t = text.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        return Some(d.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%d %H:%M:%S%.f%:z", "%Y-%m-%d %H:%M:%S%.f%z", "%Y-%m-%dT%H:%M:%S%.f%z"] {
        if let Ok(d) = DateTime::parse_from_str(t, format) {
            return Some(d.with_timezone(&Utc));
        }
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(d) = NaiveDateTime::parse_from_str(t, format) {
            return Some(d.and_utc());
        }
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0)).map(|d| d.and_utc())
}

/// A time property: text as [`parse_time`] reads it, or seconds since the epoch.
pub(crate) fn time_of(node: &Node) -> Option<DateTime<Utc>> {
    match &node.value {
        Value::String(s) => parse_time(s),
        Value::Number(n) => DateTime::from_timestamp(*n as i64, 0),
        _ => None,
    }
}

/// The time at `path` of a live resource: `Ok(None)` when absent (or null), `Err` when present
/// but unreadable.
pub(crate) fn time_prop(res: &Resource, path: &str) -> Result<Option<DateTime<Utc>>, String> {
    match res.prop(path) {
        None => Ok(None),
        Some(n) if matches!(n.value, Value::Null) => Ok(None),
        Some(n) => time_of(n).map(Some).ok_or_else(|| format!("{path} {} is not a time", n.describe())),
    }
}

/// A time cell of the credential report (already `None` for `N/A`); `Err` when unreadable.
pub(crate) fn report_time(cell: &Option<String>, column: &str) -> Result<Option<DateTime<Utc>>, String> {
    match cell {
        None => Ok(None),
        Some(text) => parse_time(text).map(Some).ok_or_else(|| format!("{column} {text:?} is not a time")),
    }
}

/// Whole days from `then` to `now`.
pub(crate) fn days(then: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    (now - then).num_days()
}

pub(crate) fn day(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d").to_string()
}

// ---------------------------------------------------------------------------------------------
// Facts
// ---------------------------------------------------------------------------------------------

/// The credential report's rows, or why they are unknown.
pub(crate) fn credential_report(account: &Account) -> Result<&[CredentialRow], String> {
    match &account.credential_report {
        Fact::Known(rows) => Ok(rows),
        Fact::Unknown(reason) => Err(format!("credential report: {reason}")),
    }
}

/// The root user's row, or why it is unknown (the report could not be read, or has no root row:
/// emulators leave it out).
pub(crate) fn root_row(account: &Account) -> Result<&CredentialRow, String> {
    credential_report(account)?
        .iter()
        .find(|r| r.is_root())
        .ok_or_else(|| "credential report has no <root_account> row".to_string())
}

/// The report row of the user with this ARN; `Ok(None)` when the report lacks it.
pub(crate) fn user_row<'a>(account: &'a Account, arn: &str) -> Result<Option<&'a CredentialRow>, String> {
    Ok(credential_report(account)?.iter().find(|r| !r.is_root() && r.arn == arn))
}

/// A `GetAccountSummary` entry, or why it is unknown.
pub(crate) fn summary_value(account: &Account, key: &str) -> Result<i64, String> {
    match &account.summary {
        Fact::Known(map) => map.get(key).copied().ok_or_else(|| format!("account summary has no {key}")),
        Fact::Unknown(reason) => Err(format!("account summary: {reason}")),
    }
}

/// Regions the input covers. An export without a collection names none, and then the absence of
/// a resource (no trail, no vault) proves nothing.
pub(crate) fn regions(account: &Account) -> Result<&[String], String> {
    if account.regions.is_empty() {
        return Err("the input covers no region (not a collected snapshot), so absence proves nothing".into());
    }
    Ok(&account.regions)
}

fn not_collected<T>() -> Fact<T> {
    Fact::Unknown("region not collected".into())
}

static NOT_COLLECTED: LazyLock<RegionFacts> = LazyLock::new(|| RegionFacts {
    config_recorders: not_collected(),
    guardduty_detectors: not_collected(),
    securityhub_enabled: not_collected(),
    access_analyzers: not_collected(),
    macie_enabled: not_collected(),
    backup_plans: not_collected(),
    ebs_encryption_by_default: not_collected(),
});

/// The facts of one region (every one unknown when the region was not collected).
pub(crate) fn region_facts<'a>(account: &'a Account, region: &str) -> &'a RegionFacts {
    account.per_region.get(region).unwrap_or(&NOT_COLLECTED)
}

/// What a per-region check found in one region.
pub(crate) enum InRegion {
    Ok,
    /// (path inside the account, message, evidence)
    Bad(String, String, String),
    Unknown(String),
}

/// Runs a per-region check over every collected region, reporting each bad region and each
/// unknown one on the account.
pub(crate) fn judge_regions(model: &Model, out: &mut Hits, judge: impl Fn(&str, &RegionFacts) -> InRegion) {
    let Some((acct, account)) = account(model) else { return };
    let regions = match regions(account) {
        Ok(r) => r,
        Err(reason) => return out.unknown(acct, reason),
    };
    for region in regions {
        match judge(region, region_facts(account, region)) {
            InRegion::Ok => {}
            InRegion::Bad(path, message, evidence) => out.add_in(acct, region, &path, message, evidence),
            InRegion::Unknown(reason) => out.unknown_in(acct, region, format!("{region}: {reason}")),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Users and keys
// ---------------------------------------------------------------------------------------------

/// Where a finding about a credential-report row goes: the user's resource, or the account when
/// the input has none (a credential report audited alone).
pub(crate) fn row_subject(model: &Model, acct: usize, row: &CredentialRow) -> usize {
    model.index_of(&row.arn).filter(|&i| model.resources[i].is_type("AWS::IAM::User")).unwrap_or(acct)
}

/// Property path for a finding about a report row (the user's resource, or the account).
pub(crate) fn row_path(model: &Model, acct: usize, row: &CredentialRow, column: &str) -> String {
    if row_subject(model, acct, row) == acct {
        format!("credential_report.{}.{column}", row.user)
    } else {
        column.to_string()
    }
}

/// Report rows of users the input has no `AWS::IAM::User` resource for.
pub(crate) fn rows_without_user<'a>(model: &'a Model, account: &'a Account) -> impl Iterator<Item = &'a CredentialRow> {
    account.credential_report.known().into_iter().flatten().filter(move |r| {
        !r.is_root() && !model.index_of(&r.arn).is_some_and(|i| model.resources[i].is_type("AWS::IAM::User"))
    })
}

/// The input lists access keys as resources (`ListAccessKeys` was collected). Otherwise key
/// checks read the credential report.
pub(crate) fn keys_listed(model: &Model) -> bool {
    model.of_type("AWS::IAM::AccessKey").next().is_some()
}

/// Access keys of a user, as resources.
pub(crate) fn keys_of<'a>(model: &'a Model, user: &'a Resource) -> impl Iterator<Item = (usize, &'a Resource)> + 'a {
    let name = user.prop("UserName").and_then(Node::as_str);
    let prefix = format!("{}/accesskey/", user.logical_id);
    model.resources.iter().enumerate().filter(move |(_, k)| {
        k.is_type("AWS::IAM::AccessKey")
            && (k.logical_id.starts_with(&prefix)
                || (name.is_some() && k.prop("UserName").and_then(Node::as_str) == name))
    })
}

/// The key is active (a key without `Status` is read as active: that is how it is created).
pub(crate) fn key_active(key: &Resource) -> bool {
    key.prop("Status").and_then(Node::as_str).is_none_or(|s| s.eq_ignore_ascii_case("Active"))
}

/// The key id from an access key's ARN (`…:user/alice/accesskey/AKIA…`).
pub(crate) fn key_id(key: &Resource) -> &str {
    key.prop("AccessKeyId")
        .and_then(Node::as_str)
        .unwrap_or_else(|| key.logical_id.rsplit('/').next().unwrap_or(&key.logical_id))
}

/// Owner of an access key, for messages.
pub(crate) fn key_owner(key: &Resource) -> &str {
    key.prop("UserName").and_then(Node::as_str).unwrap_or("?")
}

/// A user's name for messages.
pub(crate) fn user_name(user: &Resource) -> &str {
    user.prop("UserName")
        .and_then(Node::as_str)
        .unwrap_or_else(|| user.logical_id.rsplit('/').next().unwrap_or(&user.logical_id))
}

/// The two key slots of a credential-report row: (slot, active, last rotated, last used).
pub(crate) fn row_keys(row: &CredentialRow) -> [(u8, bool, &Option<String>, &Option<String>); 2] {
    [
        (1, row.access_key_1_active, &row.access_key_1_last_rotated, &row.access_key_1_last_used_date),
        (2, row.access_key_2_active, &row.access_key_2_last_rotated, &row.access_key_2_last_used_date),
    ]
}

/// Whether the user has a console password: `Some(true/false)` when known. The credential report
/// says so; a user resource collected by `nextgap collect` carries `LoginProfile` when there is
/// one (and `MFADevices` always, which tells a collected user from an authorization-details
/// export, where `LoginProfile` is never present). A missing `LoginProfile` proves nothing when
/// `iam:GetLoginProfile` failed.
pub(crate) fn has_password(model: &Model, row: Option<&CredentialRow>, user: Option<&Resource>) -> Option<bool> {
    let read = failed(model, "iam:GetLoginProfile").is_none();
    let from_resource = user.and_then(|u| {
        if u.prop("LoginProfile").is_some_and(|p| !matches!(p.value, Value::Null)) {
            Some(true)
        } else if read && u.prop("MFADevices").is_some() {
            Some(false)
        } else {
            None
        }
    });
    either(row.map(|r| r.password_enabled), from_resource)
}

/// Whether the user has an MFA device: the report's `mfa_active`, or `MFADevices` on the resource
/// (an empty list proves nothing when `iam:ListMFADevices` failed).
pub(crate) fn has_mfa(model: &Model, row: Option<&CredentialRow>, user: Option<&Resource>) -> Option<bool> {
    let read = failed(model, "iam:ListMFADevices").is_none();
    let from_resource =
        user.and_then(|u| u.prop("MFADevices")).map(|d| !d.items().is_empty()).filter(|&some| some || read);
    either(row.map(|r| r.mfa_active), from_resource)
}

/// Two sources of one yes/no fact: yes when either says yes (the other may be stale), no when
/// one says no and none says yes.
fn either(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), _) | (_, Some(false)) => Some(false),
        (None, None) => None,
    }
}

/// `iam:GetLoginProfile` style reads that failed, as an unknown reason.
pub(crate) fn failed(model: &Model, operation: &str) -> Option<String> {
    model.unavailable(operation, "").map(|u| format!("{} failed: {}", u.operation, u.reason))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_time_forms_seen() {
        let t = parse_time("2026-11-20T10:00:00+00:00").unwrap();
        assert_eq!(parse_time("2026-11-20T10:00:00Z"), Some(t));
        assert_eq!(parse_time("2026-11-20 10:00:00+00:00"), Some(t));
        assert_eq!(parse_time("2026-11-20T10:00:00.000Z"), Some(t));
        assert_eq!(parse_time("2026-11-20T10:00:00"), Some(t));
        assert_eq!(day(parse_time("2026-11-20").unwrap()), "2026-11-20");
        assert_eq!(parse_time("yesterday"), None);
        assert_eq!(days(parse_time("2026-01-01").unwrap(), parse_time("2026-04-01T12:00:00Z").unwrap()), 90);
    }
}

// ---------------------------------------------------------------------------------------------
// Public snapshots and images
// ---------------------------------------------------------------------------------------------

/// Reports each resource of `resource_type` whose `Public` flag is true; a resource without the
/// flag (its sharing attribute was not read) is unknown.
pub(crate) fn public_hits(
    model: &Model,
    out: &mut Hits,
    resource_type: &str,
    id_property: &str,
    noun: &str,
    consequence: &str,
) {
    for (i, res) in model.resources.iter().enumerate().filter(|(_, r)| r.is_type(resource_type)) {
        let id = res.prop(id_property).and_then(Node::as_str).unwrap_or(&res.logical_id);
        match res.prop("Public").and_then(Node::as_bool) {
            Some(true) => out.add(
                i,
                "Public",
                format!("{noun} {id} is shared publicly: {consequence}"),
                "Public: true (shared with group all)",
            ),
            Some(false) => {}
            None => out.unknown(i, format!("whether {noun} {id} is shared publicly was not collected")),
        }
    }
}

/// The older rules (written for templates) on live shapes: an insecure account as the collector
/// writes it (`shapes/insecure.json`), and the same account with account-level Block Public
/// Access on (`shapes/account_bpa.json`).
#[cfg(test)]
mod shapes {
    use nextgap_findings::Status;

    /// (rule, last part of the resource ARN, status) of every verdict of the enabled rules
    /// outside this group, and the findings' messages.
    fn verdicts(fixture: &str) -> (Vec<(String, String, Status)>, Vec<String>) {
        let model = crate::testing::live_model(&file!().replace("mod.rs", "shapes.rs"), &[fixture]);
        let config = crate::Config::default();
        let outcome = crate::check_model(&model, &config.rules(), &config);
        let live: Vec<&str> = super::RULES.iter().map(|r| r.meta.id).collect();
        let mut checks: Vec<(String, String, Status)> = outcome
            .checks
            .iter()
            .filter(|c| !live.contains(&c.rule_id.as_str()))
            .map(|c| {
                (c.rule_id.clone(), c.resource.rsplit([':', '/']).next().unwrap_or_default().to_string(), c.status)
            })
            .collect();
        checks.sort();
        (checks, outcome.findings.iter().map(|f| f.message.clone()).collect())
    }

    fn failing(checks: &[(String, String, Status)]) -> Vec<String> {
        checks.iter().filter(|c| c.2 == Status::Fail).map(|c| format!("{} {}", c.0, c.1)).collect()
    }

    #[test]
    fn insecure_account() {
        let (checks, messages) = verdicts("insecure.json");
        assert!(checks.iter().all(|c| c.2 != Status::Unknown), "{checks:?}");
        assert_eq!(
            failing(&checks),
            [
                "NG-CLOUDTRAIL-050 local",
                "NG-CLOUDTRAIL-051 local",
                "NG-CLOUDTRAIL-052 local",
                "NG-CLOUDTRAIL-053 local",
                "NG-CLOUDTRAIL-054 local",
                "NG-DYNAMODB-152 sessions",
                "NG-DYNAMODB-163 sessions",
                "NG-EC2-001 sg-ssh",
                "NG-EC2-002 sg-rdp",
                "NG-EC2-174 vol-plain",
                "NG-IAM-100 admin",
                "NG-IAM-104 admin",
                "NG-IAM-105 admin",
                "NG-IAM-107 open-trust",
                "NG-RDS-008 legacy",
                "NG-RDS-151 legacy",
                "NG-RDS-160 legacy",
                "NG-RDS-171 legacy",
                "NG-S3-056 public-site",
                "NG-S3-059 public-site",
                "NG-S3-060 policy",
            ]
        );
        // Template-only rules do not run on accounts: the access key and login profile of a live
        // user are not "minted by a template", and live resources have no DeletionPolicy.
        for template_only in
            ["NG-IAM-140", "NG-IAM-141", "NG-IAM-142", "NG-CFN-150", "NG-CFN-193", "NG-CFN-194", "NG-RDS-009"]
        {
            assert!(checks.iter().all(|c| c.0 != template_only), "{template_only} ran on a live account");
        }
        // Open security groups say whether anything uses them.
        assert!(messages.iter().any(|m| m.contains("sg-ssh (attached to network interfaces)")), "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("sg-rdp (not attached to any network interface)")), "{messages:?}");
    }

    /// Account-level Block Public Access neutralises the public ACL and policy, and covers the
    /// bucket without a configuration of its own.
    #[test]
    fn account_block_public_access() {
        let (checks, _) = verdicts("account_bpa.json");
        let fails = failing(&checks);
        for gone in ["NG-S3-056 public-site", "NG-S3-059 public-site", "NG-S3-060 policy", "NG-CLOUDTRAIL-054 local"] {
            assert!(!fails.iter().any(|f| f == gone), "{gone} still fails: {fails:?}");
            let (rule, resource) = gone.split_once(' ').unwrap();
            assert!(checks.iter().any(|c| c.0 == rule && c.1 == resource && c.2 == Status::Pass), "{gone} has no PASS");
        }
    }
}
