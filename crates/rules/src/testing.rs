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
    (rule.model_check().expect("a model rule"))(&model, &mut hits);
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

/// The model of live fixtures (files in the rule's fixture folder): snapshots in the
/// `nextgap collect` format, authorization-details exports and credential-report CSVs, merged as
/// `nextgap audit` merges them. The fixtures must describe one account.
pub fn live_model(rule_file: &str, fixtures: &[&str]) -> nextgap_model::Model {
    let dir = fixture_dir(rule_file);
    let inputs = fixtures
        .iter()
        .map(|f| {
            let path = dir.join(f);
            nextgap_snapshot::read_input(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        })
        .collect();
    let snapshot = nextgap_snapshot::merge(inputs);
    assert_eq!(snapshot.accounts.len(), 1, "{fixtures:?} should describe one account");
    nextgap_snapshot::to_model(&snapshot.accounts[0])
}

/// ARNs hit by `rule` on live fixtures, sorted and unique.
pub fn live_ids_on(rule: &Rule, rule_file: &str, fixtures: &[&str]) -> Vec<String> {
    let model = live_model(rule_file, fixtures);
    let mut hits = Hits::new(&model);
    (rule.model_check().expect("a model rule"))(&model, &mut hits);
    let mut ids: Vec<String> =
        hits.into_vec().into_iter().map(|h| model.resources[h.resource].logical_id.clone()).collect();
    ids.sort();
    ids.dedup();
    ids
}

/// Every verdict of `rule` on live fixtures, as the engine gives them, one line each:
/// `STATUS <arn>`, or `STATUS <arn> <region>` when the verdict names a region other than the
/// resource's own (an account-level check judged per region); sorted.
pub fn live_checks_on(rule: &'static Rule, rule_file: &str, fixtures: &[&str]) -> Vec<String> {
    let model = live_model(rule_file, fixtures);
    let outcome = crate::check_model(&model, &[rule], &crate::Config::default());
    let mut lines: Vec<String> = outcome
        .checks
        .iter()
        .map(|c| {
            let status = match c.status {
                nextgap_findings::Status::Pass => "PASS",
                nextgap_findings::Status::Fail => "FAIL",
                nextgap_findings::Status::Unknown => "UNKNOWN",
            };
            let own_region = c.resource.split(':').nth(3).unwrap_or_default();
            if c.region.is_empty() || c.region == own_region {
                format!("{status} {}", c.resource)
            } else {
                format!("{status} {} {}", c.resource, c.region)
            }
        })
        .collect();
    lines.sort();
    lines
}

/// `assert_live!(RULE, ["fail.json"], ["arn:…", …])`: exactly these ARNs are hit.
#[macro_export]
macro_rules! assert_live {
    ($rule:expr, [$($fixture:literal),+ $(,)?], [$($id:expr),* $(,)?]) => {{
        let expected: Vec<String> = vec![$($id.to_string()),*];
        let got = $crate::testing::live_ids_on(&$rule, file!(), &[$($fixture),+]);
        assert_eq!(got, expected, "{} on {:?}", $rule.meta.id, [$($fixture),+]);
    }};
}

/// `assert_checks!(RULE, ["fail.json"], ["FAIL arn:…", "UNKNOWN arn:… eu-west-1", …])`: exactly
/// these verdicts (sorted).
#[macro_export]
macro_rules! assert_checks {
    ($rule:expr, [$($fixture:literal),+ $(,)?], [$($line:expr),* $(,)?]) => {{
        let mut expected: Vec<String> = vec![$($line.to_string()),*];
        expected.sort();
        let got = $crate::testing::live_checks_on(&$rule, file!(), &[$($fixture),+]);
        assert_eq!(got, expected, "{} verdicts on {:?}", $rule.meta.id, [$($fixture),+]);
    }};
}

/// Records of a CloudTrail fixture (`{"Records":[…]}`, a JSON array, one event, or NDJSON),
/// each as JSON text. Tests only: `nextgap trail` reads logs with the streaming reader.
pub fn trail_records(path: &std::path::Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let values: Vec<serde_json::Value> = match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(serde_json::Value::Object(mut o)) if o.contains_key("Records") => match o.remove("Records") {
            Some(serde_json::Value::Array(a)) => a,
            _ => panic!("{}: Records is not a list", path.display()),
        },
        Ok(serde_json::Value::Array(a)) => a,
        Ok(one) => vec![one],
        Err(_) => text.lines().filter(|l| !l.trim().is_empty()).map(|l| serde_json::from_str(l).unwrap()).collect(),
    };
    values.iter().map(|v| v.to_string()).collect()
}

/// Findings of one event rule over fixtures read in order as one run (several files let a test
/// split a story across files), as `(subject, [event ids])`, sorted.
pub fn trail_hits_on(rule: &'static Rule, rule_file: &str, fixtures: &[&str]) -> Vec<(String, Vec<String>)> {
    trail_findings_on(rule, rule_file, fixtures, &crate::trail::TrailSettings::default())
        .into_iter()
        .map(|f| (f.location.logical_id, f.events.into_iter().map(|e| e.event_id).collect()))
        .collect()
}

/// Findings of one event rule over fixtures, with explicit settings, sorted by subject and events.
pub fn trail_findings_on(
    rule: &'static Rule,
    rule_file: &str,
    fixtures: &[&str],
    settings: &crate::trail::TrailSettings,
) -> Vec<nextgap_findings::Finding> {
    use crate::trail::{Site, TrailEngine, TrailState};
    let config = crate::Config::parse(&format!("[rules]\nenable = [\"{}\"]\n", rule.meta.id)).unwrap();
    let engine = TrailEngine::new(&config, settings.clone());
    let mut state = TrailState::default();
    for fixture in fixtures {
        let path = fixture_dir(rule_file).join(fixture);
        for (index, text) in trail_records(&path).iter().enumerate() {
            let event = nextgap_model::event::Event::parse(text).expect("fixture event");
            let site = Site { file: fixture, index: index as u64, line: 0 };
            engine.observe(&event, site, &mut state);
        }
    }
    let mut findings: Vec<_> = engine.finish(state).into_iter().filter(|f| f.rule_id == rule.meta.id).collect();
    findings.sort_by(|a, b| {
        let key = |f: &nextgap_findings::Finding| {
            (f.location.logical_id.clone(), f.events.iter().map(|e| e.event_id.clone()).collect::<Vec<_>>())
        };
        key(a).cmp(&key(b))
    });
    findings
}

/// `assert_trail!(RULE, ["fail.json"], [("bucket-a", ["event-id-1", "event-id-2"]), …])`: exactly
/// these findings (subject and the event ids they name, in order), sorted by subject.
#[macro_export]
macro_rules! assert_trail {
    ($rule:expr, [$($fixture:literal),+ $(,)?], [$(($subject:expr, [$($id:expr),* $(,)?])),* $(,)?]) => {{
        let expected: Vec<(String, Vec<String>)> = vec![$(($subject.to_string(), vec![$($id.to_string()),*])),*];
        let got = $crate::testing::trail_hits_on(&$rule, file!(), &[$($fixture),+]);
        assert_eq!(got, expected, "{} on {:?}", $rule.meta.id, [$($fixture),+]);
    }};
}
