//! Fixture helpers for rule tests: a rule's fixtures sit in a folder named like its file.

use crate::{Hits, Rule};
use nextgap_source_cfn::{load_path, Limits, Loaded};
use std::path::PathBuf;

/// Folder of a rule's fixtures, from the rule's `file!()`.
pub fn fixture_dir(rule_file: &str) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.join(rule_file.trim_end_matches(".rs"))
}

/// `(logical id, path)` of every hit of `rule` on a fixture, sorted.
pub fn hits_on(rule: &Rule, rule_file: &str, fixture: &str) -> Vec<(String, String)> {
    let path = fixture_dir(rule_file).join(fixture);
    let model = match load_path(&path, &Limits::default()) {
        Ok(Loaded::Template(model)) => model,
        Ok(Loaded::NotATemplate { reason }) => panic!("{}: not a template: {reason}", path.display()),
        Err(e) => panic!("{}: {e}", path.display()),
    };
    let mut hits = Hits::new(&model);
    (rule.check)(&model, &mut hits);
    let mut out: Vec<(String, String)> =
        hits.into_vec().into_iter().map(|h| (model.resources[h.resource].logical_id.clone(), h.path)).collect();
    out.sort();
    out.dedup();
    out
}

/// Logical ids hit by `rule` on a fixture, sorted and unique.
pub fn ids_on(rule: &Rule, rule_file: &str, fixture: &str) -> Vec<String> {
    let mut ids: Vec<String> = hits_on(rule, rule_file, fixture).into_iter().map(|(id, _)| id).collect();
    ids.dedup();
    ids
}

/// `assert_fixture!(RULE, "fail.yaml", ["BadA", "BadB"])`: exactly these logical ids are hit.
#[macro_export]
macro_rules! assert_fixture {
    ($rule:expr, $fixture:literal, [$($id:literal),* $(,)?]) => {{
        let expected: Vec<String> = vec![$($id.to_string()),*];
        let got = $crate::testing::ids_on(&$rule, file!(), $fixture);
        assert_eq!(got, expected, "{} on {}", $rule.meta.id, $fixture);
    }};
}
