//! Account-level facts a live source knows and a template never does: the credential report,
//! the password policy, root MFA, alternate contacts, the Organization, and per-region
//! detective controls. Every fact is either known or unknown with the reason, so a check that
//! could not read its data says so instead of passing.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A value that was read, or the reason it could not be.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Fact<T> {
    Known(T),
    Unknown(String),
}

impl<T> Default for Fact<T> {
    fn default() -> Self {
        Fact::Unknown("not collected".into())
    }
}

impl<T> Fact<T> {
    pub fn known(&self) -> Option<&T> {
        match self {
            Fact::Known(v) => Some(v),
            Fact::Unknown(_) => None,
        }
    }

    /// The reason it is unknown, if it is.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Fact::Known(_) => None,
            Fact::Unknown(r) => Some(r),
        }
    }
}

/// One row of the IAM credential report (`<root_account>` is the root user). Times are
/// RFC 3339 strings as AWS writes them; `None` for `N/A`, `no_information` or `not_supported`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CredentialRow {
    pub user: String,
    pub arn: String,
    pub user_creation_time: Option<String>,
    pub password_enabled: bool,
    pub password_last_used: Option<String>,
    pub password_last_changed: Option<String>,
    pub mfa_active: bool,
    pub access_key_1_active: bool,
    pub access_key_1_last_rotated: Option<String>,
    pub access_key_1_last_used_date: Option<String>,
    pub access_key_2_active: bool,
    pub access_key_2_last_rotated: Option<String>,
    pub access_key_2_last_used_date: Option<String>,
}

impl CredentialRow {
    pub fn is_root(&self) -> bool {
        self.user == "<root_account>"
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PasswordPolicy {
    pub minimum_password_length: Option<i64>,
    pub require_symbols: bool,
    pub require_numbers: bool,
    pub require_uppercase_characters: bool,
    pub require_lowercase_characters: bool,
    pub max_password_age: Option<i64>,
    pub password_reuse_prevention: Option<i64>,
    pub hard_expiry: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PublicAccessBlockFlags {
    pub block_public_acls: bool,
    pub ignore_public_acls: bool,
    pub block_public_policy: bool,
    pub restrict_public_buckets: bool,
}

impl PublicAccessBlockFlags {
    pub fn all_on(&self) -> bool {
        self.block_public_acls && self.ignore_public_acls && self.block_public_policy && self.restrict_public_buckets
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Organization {
    pub id: String,
    pub management_account_id: String,
    /// Service control policies (names, documents and targets), when readable.
    pub service_control_policies: Fact<Vec<NamedPolicy>>,
    /// The account's path in the Organization: the root id first, then the OU ids down to the
    /// account's parent (`["r-ab12", "ou-ab12-1111"]`). An SCP or RCP applies to the account
    /// when it targets one of these or the account itself.
    #[serde(default)]
    pub parents: Fact<Vec<String>>,
    /// Resource control policies (names, documents and targets), when readable.
    #[serde(default)]
    pub resource_control_policies: Fact<Vec<NamedPolicy>>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NamedPolicy {
    pub id: String,
    pub name: String,
    pub document: serde_json::Value,
    /// Ids of the root, OUs and accounts the policy is attached to (empty when unknown, as in
    /// snapshots written before targets were collected).
    #[serde(default)]
    pub targets: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ConfigRecorder {
    pub name: String,
    pub recording: bool,
    pub all_supported: bool,
}

/// Detective controls of one region.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RegionFacts {
    #[serde(default)]
    pub config_recorders: Fact<Vec<ConfigRecorder>>,
    /// Ids of GuardDuty detectors whose status is enabled.
    #[serde(default)]
    pub guardduty_detectors: Fact<Vec<String>>,
    #[serde(default)]
    pub securityhub_enabled: Fact<bool>,
    /// Number of IAM Access Analyzer analyzers.
    #[serde(default)]
    pub access_analyzers: Fact<usize>,
    #[serde(default)]
    pub macie_enabled: Fact<bool>,
    #[serde(default)]
    pub backup_plans: Fact<usize>,
    #[serde(default)]
    pub ebs_encryption_by_default: Fact<bool>,
}

/// What a live source knows about the account as a whole.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Account {
    pub account_id: String,
    #[serde(default = "aws")]
    pub partition: String,
    /// When the data was read (RFC 3339); age checks measure from here unless `--now` says
    /// otherwise.
    pub collected_at: String,
    pub regions: Vec<String>,
    #[serde(default)]
    pub credential_report: Fact<Vec<CredentialRow>>,
    /// `Known(None)`: the account has no password policy.
    #[serde(default)]
    pub password_policy: Fact<Option<PasswordPolicy>>,
    /// `GetAccountSummary` (`AccountMFAEnabled`, `AccountAccessKeysPresent`, …).
    #[serde(default)]
    pub summary: Fact<BTreeMap<String, i64>>,
    /// Serial numbers of virtual MFA devices with the ARN of the user they belong to (root's
    /// is `arn:aws:iam::<account>:root`).
    #[serde(default)]
    pub virtual_mfa_devices: Fact<Vec<(String, Option<String>)>>,
    /// `BILLING`, `OPERATIONS`, `SECURITY` → whether set.
    #[serde(default)]
    pub alternate_contacts: Fact<BTreeMap<String, bool>>,
    /// `Known(None)`: not in an Organization.
    #[serde(default)]
    pub organization: Fact<Option<Organization>>,
    /// Account-level S3 Block Public Access; `Known(None)`: not configured.
    #[serde(default)]
    pub s3_public_access_block: Fact<Option<PublicAccessBlockFlags>>,
    #[serde(default)]
    pub per_region: BTreeMap<String, RegionFacts>,
}

fn aws() -> String {
    "aws".into()
}

impl Account {
    pub fn root_arn(&self) -> String {
        format!("arn:{}:iam::{}:root", self.partition, self.account_id)
    }
}

/// A read that failed: checks that need it report UNKNOWN with this reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unavailable {
    /// `service:Operation`, e.g. `ec2:DescribeSecurityGroups`.
    pub operation: String,
    /// Region, or empty for global services.
    #[serde(default)]
    pub region: String,
    pub reason: String,
}
