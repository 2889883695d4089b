//! The rule registry and the rules.
//!
//! A rule is one file under `src/rules/<group>/` holding a `pub static RULE: Rule` (its
//! metadata, documentation and check function) and its tests; its fixtures sit in a folder of
//! the same name beside it. Registering a rule is one line in its group's `mod.rs`.
//! Rules read only the normalized model, so they run on any source.

mod engine;
pub mod graph;
mod hits;
mod meta;
pub mod prelude;
pub mod rules;
#[cfg(test)]
mod testing;
pub mod trail;

pub use engine::{check_model, Config, ConfigError, Outcome};
pub use hits::{Hit, Hits};
pub use meta::{Check, Rule, RuleMeta};

/// Every registered rule, in id order.
pub fn registry() -> &'static [&'static Rule] {
    static SORTED: std::sync::OnceLock<Vec<&'static Rule>> = std::sync::OnceLock::new();
    SORTED.get_or_init(|| {
        let mut all: Vec<&'static Rule> = rules::GROUPS.iter().flat_map(|g| g.iter().copied()).collect();
        all.sort_by_key(|r| r.meta.id);
        all
    })
}

/// Looks a rule up by id (`NG-S3-001`) or name (`s3-bucket-public-acl`), case-insensitively.
pub fn find(id_or_name: &str) -> Option<&'static Rule> {
    registry()
        .iter()
        .copied()
        .find(|r| r.meta.id.eq_ignore_ascii_case(id_or_name) || r.meta.name.eq_ignore_ascii_case(id_or_name))
}

/// Rules that declare `id` (a checkov `CKV_AWS_20` or cfn_nag `W35` id) as an equivalent.
pub fn equivalents(id: &str) -> Vec<&'static Rule> {
    registry()
        .iter()
        .copied()
        .filter(|r| r.meta.checkov.iter().chain(r.meta.cfn_nag).any(|e| e.eq_ignore_ascii_case(id)))
        .collect()
}

#[cfg(test)]
mod registry_tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_and_names_are_unique_and_well_formed() {
        let mut ids = HashSet::new();
        let mut names = HashSet::new();
        for rule in registry() {
            let m = &rule.meta;
            assert!(ids.insert(m.id), "duplicate id {}", m.id);
            assert!(names.insert(m.name), "duplicate name {}", m.name);
            assert!(m.id.starts_with("NG-"), "{}: ids look like NG-S3-001", m.id);
            assert!(nextgap_findings::Family::get(m.family).is_some(), "{}: unknown family {}", m.id, m.family);
            assert!(!m.fix.is_empty() && !m.description.is_empty(), "{}: needs description and fix", m.id);
            assert!(
                !(m.cis.is_empty() && m.fsbp.is_empty() && m.well_architected.is_empty()),
                "{}: needs at least one control reference",
                m.id
            );
            assert!(!m.well_architected.is_empty(), "{}: needs a Well-Architected reference", m.id);
        }
    }

    /// References must name controls that exist in the framework files (when present).
    #[test]
    fn references_exist_in_the_frameworks() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/compliance");
        let load = |file: &str| -> Option<HashSet<String>> {
            let text = std::fs::read_to_string(format!("{dir}/{file}")).ok()?;
            let v: serde_json::Value = serde_json::from_str(&text).ok()?;
            Some(v["Requirements"].as_array()?.iter().filter_map(|r| r["Id"].as_str().map(String::from)).collect())
        };
        let (Some(cis), Some(fsbp), Some(wa)) = (
            load("cis_6.0_aws.json"),
            load("aws_foundational_security_best_practices_aws.json"),
            load("aws_well_architected_framework_security_pillar_aws.json"),
        ) else {
            eprintln!("notice: ../shared/data/compliance absent; reference check skipped");
            return;
        };
        for rule in registry() {
            let m = &rule.meta;
            for c in m.cis {
                assert!(cis.contains(*c), "{}: CIS {c} unknown", m.id);
            }
            for c in m.fsbp {
                assert!(fsbp.contains(*c), "{}: FSBP {c} unknown", m.id);
            }
            for c in m.well_architected {
                assert!(wa.contains(*c), "{}: Well-Architected {c} unknown", m.id);
            }
        }
    }
}
