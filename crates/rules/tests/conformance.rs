//! Conformance against `../shared/oracles/iac-checkov.json`: for every checkov check mapped
//! to our families, every resource checkov fails on a template must get a nextgap finding of
//! one of those families on the same template and logical id. Prints recall per family and
//! fails below 100%. Findings on resources checkov passes are listed; each must be fixed or
//! justified in `docs/conformance-justified.md` (checked here too).
//!
//! `CONFORMANCE_CHECK=CKV_AWS_24` narrows the run to one check while working on a rule.

use nextgap_rules::{check_model, Config};
use nextgap_source_cfn::{load_path, Limits, Loaded};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn shared() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

/// (family, logical id) of every finding on a template, with the rule id.
fn findings_on(path: &Path) -> Vec<(String, String, String)> {
    let model = match load_path(path, &Limits::default()) {
        Ok(Loaded::Template(m)) => m,
        Ok(Loaded::NotATemplate { reason }) => panic!("{}: not a template: {reason}", path.display()),
        Err(e) => panic!("{}: {e}", path.display()),
    };
    let config = Config::default();
    let outcome = check_model(&model, &config.rules(), &config);
    outcome.findings.into_iter().map(|f| (f.family, f.location.logical_id, f.rule_id)).collect()
}

/// `file|logical id|rule id` lines from the justification list.
fn justified() -> BTreeSet<String> {
    let text =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/conformance-justified.md"))
            .unwrap_or_default();
    text.lines().filter_map(|l| l.strip_prefix("- `")).filter_map(|l| l.split('`').next()).map(String::from).collect()
}

#[test]
fn checkov_oracle_recall() {
    let oracle_path = shared().join("oracles/iac-checkov.json");
    let Ok(text) = std::fs::read_to_string(&oracle_path) else {
        eprintln!("notice: {} absent; conformance skipped", oracle_path.display());
        return;
    };
    let oracle: Value = serde_json::from_str(&text).unwrap();
    let root = shared().join("corpora/cfn/checkov");
    let only = std::env::var("CONFORMANCE_CHECK").ok();
    let justified = justified();

    let mut per_family: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut misses = Vec::new();
    let mut suspects = BTreeSet::new();
    let mut cache: BTreeMap<String, Vec<(String, String, String)>> = BTreeMap::new();

    for check in oracle["checks"].as_array().unwrap() {
        let id = check["check_id"].as_str().unwrap();
        if only.as_deref().is_some_and(|o| o != id) {
            continue;
        }
        let families: Vec<&str> = check["families"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
        for (file, result) in check["per_file"].as_object().unwrap() {
            let found = cache.entry(file.clone()).or_insert_with(|| findings_on(&root.join(file)));
            for expected in result["failed"].as_array().unwrap().iter().filter_map(Value::as_str) {
                let logical_id = expected.split_once('.').map(|(_, id)| id).unwrap_or(expected);
                let hit = found.iter().any(|(fam, lid, _)| lid == logical_id && families.contains(&fam.as_str()));
                let entry = per_family.entry(families.join("/")).or_default();
                entry.1 += 1;
                if hit {
                    entry.0 += 1;
                } else {
                    misses.push(format!("{id} {file} {expected}"));
                }
            }
            for passed in result["passed"].as_array().unwrap().iter().filter_map(Value::as_str) {
                let logical_id = passed.split_once('.').map(|(_, id)| id).unwrap_or(passed);
                let failed_too = result["failed"].as_array().unwrap().iter().any(|f| f.as_str() == Some(passed));
                for (_, lid, rule) in found.iter() {
                    let equivalent = nextgap_rules::find(rule).is_some_and(|r| r.meta.checkov.contains(&id));
                    if lid == logical_id && equivalent && !failed_too {
                        let key = format!("{file}|{logical_id}|{rule}");
                        if !justified.contains(&key) {
                            suspects.insert(format!("{key} (checkov {id} passes it)"));
                        }
                    }
                }
            }
        }
    }

    println!("\nrecall per family against iac-checkov.json:");
    let (mut hit, mut total) = (0, 0);
    for (family, (h, t)) in &per_family {
        println!("  {family:32} {h:3}/{t:<3} {:5.1}%", 100.0 * *h as f64 / (*t).max(1) as f64);
        hit += h;
        total += t;
    }
    println!("  {:32} {hit:3}/{total:<3} {:5.1}%", "all", 100.0 * hit as f64 / total.max(1) as f64);
    if !suspects.is_empty() {
        println!("\nfindings on resources checkov passes, not justified in docs/conformance-justified.md:");
        suspects.iter().for_each(|s| println!("  - {s}"));
    }
    assert!(misses.is_empty(), "missed {} expected failures:\n{}", misses.len(), misses.join("\n"));
    assert!(suspects.is_empty(), "{} unjustified findings on passing resources (listed above)", suspects.len());
}
