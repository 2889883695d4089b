//! The lint against expectations: our own corpus (`tests/lint_cases.json`, exact codes) and,
//! when present, parliament's findings on policies (`../shared/oracles/iam/
//! parliament-policy-findings.json`: a list of `{policy, findings: [{issue, …}]}`), whose issue
//! codes that have an equivalent here must be found.

use std::collections::BTreeSet;
use std::path::PathBuf;

use nextgap_iam::lint::{lint_text, lint_value, Code, Kind, LintIssue};
use serde_json::Value;

fn lint_case(policy: &Value, kind: Kind) -> Vec<LintIssue> {
    match policy {
        // Text: linted as written (invalid JSON included). Objects are read as serde_json
        // values, whose keys are sorted: issues come in key order.
        Value::String(text) => lint_text("", text, kind),
        doc => lint_value("", doc, kind),
    }
}

#[test]
fn own_corpus() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/lint_cases.json");
    let cases: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert!(cases.len() >= 15, "the corpus has {} cases", cases.len());
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let kind = Kind::parse(case["kind"].as_str().unwrap_or("identity")).unwrap();
        let got: Vec<(String, Option<u64>, String)> = lint_case(&case["policy"], kind)
            .into_iter()
            .map(|i| (i.code.as_str().to_string(), i.statement.map(|s| s as u64), i.subject))
            .collect();
        let expected: Vec<(String, Option<u64>, String)> = case["expected"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e[0].as_str().unwrap().to_string(), e[1].as_u64(), e[2].as_str().unwrap().to_string()))
            .collect();
        assert_eq!(got, expected, "case {name}");
    }
}

/// Our code for a parliament issue code; `None` for the issues we do not check.
fn from_parliament(issue: &str) -> Option<Code> {
    Some(match issue {
        "UNKNOWN_ACTION" => Code::UnknownAction,
        "UNKNOWN_PREFIX" => Code::UnknownService,
        "RESOURCE_MISMATCH" => Code::ResourceMismatch,
        "RESOURCE_STAR" => Code::ResourceStar,
        "UNKNOWN_CONDITION_FOR_ACTION" => Code::UnknownConditionForAction,
        "MALFORMED" | "MALFORMED_JSON" => Code::Malformed,
        "UNKNOWN_OPERATOR" => Code::BadCondition,
        _ => return None,
    })
}

#[test]
fn parliament_oracle() {
    let path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"))
        .join("oracles/iam/parliament-policy-findings.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("notice: {} absent; parliament oracle skipped", path.display());
        return;
    };
    let cases: Vec<Value> = serde_json::from_str(&text).expect("the oracle is a JSON list");
    if cases.is_empty() {
        eprintln!("notice: {} has no cases; nothing compared", path.display());
        return;
    }
    let mut extra = 0;
    for (i, case) in cases.iter().enumerate() {
        let expected: BTreeSet<Code> = case["findings"]
            .as_array()
            .map(|f| f.iter().filter_map(|f| f["issue"].as_str().and_then(from_parliament)).collect())
            .unwrap_or_default();
        let got: BTreeSet<Code> = lint_case(&case["policy"], Kind::Identity).into_iter().map(|i| i.code).collect();
        let missed: Vec<&Code> = expected.difference(&got).collect();
        assert!(missed.is_empty(), "oracle case {i}: parliament finds {missed:?}, we find {got:?}");
        extra += got.difference(&expected).count();
    }
    eprintln!("notice: {} oracle cases agree; {extra} codes found here only", cases.len());
}
