//! The finding model every capability shares: what a finding says, the anti-pattern families
//! it belongs to, how severe it is, where it is, and which controls it maps to.

pub mod baseline;
mod family;

pub use family::{Family, FAMILIES};

use serde::{Deserialize, Serialize};
use std::fmt;

/// Version of the JSON report schema (`docs/json-schema.md`); bumped on breaking changes.
pub const SCHEMA_VERSION: &str = "1.0";

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] =
        [Severity::Info, Severity::Low, Severity::Medium, Severity::High, Severity::Critical];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|v| v.as_str().eq_ignore_ascii_case(s))
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Controls a rule maps to. Ids only: framework prose is not ours to copy.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct References {
    /// CIS AWS Foundations Benchmark 6.0 requirement ids (`2.3`).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub cis: Vec<String>,
    /// AWS Foundational Security Best Practices control ids (`S3.8`).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub fsbp: Vec<String>,
    /// Well-Architected security pillar best practices (`SEC03-BP02`).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub well_architected: Vec<String>,
    /// Equivalent checkov check ids (`CKV_AWS_20`), for teams migrating.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub checkov: Vec<String>,
    /// Equivalent cfn_nag rule ids (`F14`, `W35`).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub cfn_nag: Vec<String>,
    /// Documentation links.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub links: Vec<String>,
}

/// Where a finding is: a file position with the resource's logical id, or a live ARN.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub logical_id: String,
    pub resource_type: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub arn: Option<String>,
    /// Property path inside the resource (`Properties.SecurityGroupIngress[0]`).
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub path: String,
    /// Live sources: the account the resource is in.
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub account: String,
    /// Live sources: the region, empty for global resources.
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub region: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub rule_id: String,
    pub rule_name: String,
    pub family: String,
    pub severity: Severity,
    pub title: String,
    /// What is wrong with this resource, in a sentence.
    pub message: String,
    pub location: Location,
    /// The values that prove it (`CidrIp: 0.0.0.0/0, FromPort: 22`).
    pub evidence: String,
    pub fix: String,
    pub references: References,
    /// Stable across line moves: rule + file + logical id + path (see `baseline`).
    pub fingerprint: String,
    /// Log sources: the events that prove the finding, in time order.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub events: Vec<EventRef>,
}

/// One CloudTrail event a finding rests on: enough to find it again in the logs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRef {
    pub event_id: String,
    pub event_name: String,
    /// `eventTime` as recorded.
    pub time: String,
    pub account: String,
    pub region: String,
    /// Who acted (the role's ARN for assumed-role sessions).
    pub principal: String,
    pub source_ip: String,
    pub user_agent: String,
    /// The log file (or `s3://bucket/key`) the event was read from.
    pub file: String,
    /// Position of the record in its file: `Records[]` order, or line order for NDJSON.
    pub index: u64,
    /// Line the record starts on, 0 when not known.
    #[serde(skip_serializing_if = "is_zero", default)]
    pub line: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl Finding {
    pub fn compute_fingerprint(&mut self) {
        self.fingerprint = baseline::fingerprint(self);
    }
}

/// A file or source that could not be (fully) read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanError {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl fmt::Display for ScanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}:{}: {}", self.file, self.line, self.column, self.message)
        } else {
            write!(f, "{}: {}", self.file, self.message)
        }
    }
}

/// A file passed over because it is not a template.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    pub file: String,
    pub reason: String,
}

/// Outcome of one check on one subject (live sources).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Status {
    Pass,
    Fail,
    /// The data could not be read; never counted as a pass.
    Unknown,
}

/// One (rule, subject) verdict of a live audit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckResult {
    pub rule_id: String,
    pub family: String,
    pub status: Status,
    /// ARN of the subject (the account root for account-level checks).
    pub resource: String,
    pub resource_type: String,
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub account: String,
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub region: String,
    /// Why UNKNOWN (or a short FAIL message).
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub reason: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckCounts {
    pub pass: usize,
    pub fail: usize,
    pub unknown: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub files_scanned: usize,
    pub files_skipped: usize,
    pub files_failed: usize,
    pub resources: usize,
    pub findings: usize,
    pub suppressed: usize,
    pub baselined: usize,
    pub by_severity: std::collections::BTreeMap<String, usize>,
    pub by_family: std::collections::BTreeMap<String, usize>,
    /// Live audits: PASS / FAIL / UNKNOWN over every (check, subject).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub checks: Option<CheckCounts>,
    /// Log sources: events read.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub events: Option<u64>,
}

/// Everything a run produced: what every sink renders.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: String,
    pub tool: Tool,
    pub findings: Vec<Finding>,
    pub errors: Vec<ScanError>,
    pub skipped: Vec<Skipped>,
    /// Live audits: every (check, subject) verdict, PASS and UNKNOWN included.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub checks: Vec<CheckResult>,
    pub summary: Summary,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

impl Report {
    pub fn new(version: &str) -> Self {
        Report {
            schema_version: SCHEMA_VERSION.into(),
            tool: Tool { name: "nextgap".into(), version: version.into() },
            ..Default::default()
        }
    }

    /// Sorts findings (file, line, rule) so output is deterministic, and fills the summary
    /// counts that derive from the findings.
    pub fn finish(&mut self) {
        self.findings.sort_by(|a, b| {
            (&a.location.file, a.location.line, a.location.column, &a.rule_id, &a.location.logical_id).cmp(&(
                &b.location.file,
                b.location.line,
                b.location.column,
                &b.rule_id,
                &b.location.logical_id,
            ))
        });
        self.errors.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        self.skipped.sort_by(|a, b| a.file.cmp(&b.file));
        let s = &mut self.summary;
        s.findings = self.findings.len();
        s.files_failed = self.errors.iter().map(|e| &e.file).collect::<std::collections::BTreeSet<_>>().len();
        s.files_skipped = self.skipped.len();
        s.by_severity.clear();
        s.by_family.clear();
        if !self.checks.is_empty() {
            self.checks.sort_by(|a, b| (&a.rule_id, &a.resource, a.status).cmp(&(&b.rule_id, &b.resource, b.status)));
            let mut counts = CheckCounts::default();
            for c in &self.checks {
                match c.status {
                    Status::Pass => counts.pass += 1,
                    Status::Fail => counts.fail += 1,
                    Status::Unknown => counts.unknown += 1,
                }
            }
            s.checks = Some(counts);
        }
        for f in &self.findings {
            *s.by_severity.entry(f.severity.as_str().to_string()).or_default() += 1;
            *s.by_family.entry(f.family.clone()).or_default() += 1;
        }
    }

    /// Highest severity among the findings.
    pub fn max_severity(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }
}
