//! Baselines let CI fail only on new findings. A finding is identified by rule, file, logical
//! id and property path — never by line numbers, which move with every edit above them.

use crate::Finding;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

pub fn fingerprint(f: &Finding) -> String {
    fingerprint_of(&f.rule_id, &f.location.file, &f.location.logical_id, &f.location.path)
}

/// The fingerprint of a finding with these parts (for sinks that write findings without
/// building a [`Finding`]).
pub fn fingerprint_of(rule_id: &str, file: &str, logical_id: &str, path: &str) -> String {
    let key = format!("{rule_id}|{}|{logical_id}|{path}", normalize_path(file));
    format!("{:016x}", fnv1a(key.as_bytes()))
}

/// `./a/b.yaml` and `a\b.yaml` name the same file.
fn normalize_path(p: &str) -> String {
    let p = p.replace('\\', "/");
    p.strip_prefix("./").unwrap_or(&p).to_string()
}

/// FNV-1a: stable across platforms and releases (the std hasher is not).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325, |h, &b| (h ^ b as u64).wrapping_mul(0x100000001b3))
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    pub schema_version: String,
    pub entries: Vec<Entry>,
}

/// The readable parts are kept so a reviewer can see what a baseline accepts.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Entry {
    pub rule_id: String,
    pub file: String,
    pub logical_id: String,
    #[serde(default)]
    pub path: String,
    pub fingerprint: String,
}

impl Baseline {
    pub fn from_findings(findings: &[Finding]) -> Self {
        let entries: BTreeSet<Entry> = findings
            .iter()
            .map(|f| Entry {
                rule_id: f.rule_id.clone(),
                file: normalize_path(&f.location.file),
                logical_id: f.location.logical_id.clone(),
                path: f.location.path.clone(),
                fingerprint: fingerprint(f),
            })
            .collect();
        Baseline { schema_version: "1".into(), entries: entries.into_iter().collect() }
    }

    pub fn contains(&self, f: &Finding) -> bool {
        let fp = fingerprint(f);
        self.entries.iter().any(|e| e.fingerprint == fp)
    }

    /// Splits findings into (new, already in the baseline).
    pub fn partition(&self, findings: Vec<Finding>) -> (Vec<Finding>, Vec<Finding>) {
        let known: BTreeSet<&str> = self.entries.iter().map(|e| e.fingerprint.as_str()).collect();
        findings.into_iter().partition(|f| !known.contains(fingerprint(f).as_str()))
    }
}
