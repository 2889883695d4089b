//! Runs the hand-written AWS evaluation cases in
//! `../shared/oracles/iam/policy-evaluation-cases.json` (issue 5).
//!
//! Case format: `policies` holds `identity` (list), `permissions_boundary`, `session_policy`,
//! `scps` (list of levels, each a list), `rcps` (same), `resource_policy` and
//! `trust_policy` (both the resource's policy: a role's trust policy is the role's resource
//! policy, which must allow even in the same account); `context` maps condition keys to values, except `principal`, the caller ARN.
//! The cases list the whole request context, so absent keys are absent (not unknown).
//! The cases are set in account 111122223333: the caller defaults to a user there and
//! resources without an account in their ARN (S3) belong to it.

use std::collections::HashMap;
use std::path::PathBuf;

use nextgap_iam::eval::{evaluate, ContextValue, Outcome, Policy, PolicySet, Request};
use serde_json::Value;
use std::sync::Arc;

const HOME_ACCOUNT: &str = "111122223333";
const DEFAULT_CALLER: &str = "arn:aws:iam::111122223333:user/caller";

fn oracle() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"))
        .join("oracles/iam/policy-evaluation-cases.json")
}

fn policy(name: &str, doc: &Value) -> Result<Arc<Policy>, String> {
    Policy::parse(name, doc).map(Arc::new).map_err(|e| e.to_string())
}

fn list(v: Option<&Value>, name: &str) -> Result<Vec<Arc<Policy>>, String> {
    let items = v.and_then(Value::as_array).cloned().unwrap_or_default();
    items.iter().enumerate().map(|(i, d)| policy(&format!("{name}[{i}]"), d)).collect()
}

fn levels(v: Option<&Value>, name: &str) -> Result<Vec<Vec<Arc<Policy>>>, String> {
    let items = v.and_then(Value::as_array).cloned().unwrap_or_default();
    items.iter().enumerate().map(|(i, l)| list(Some(l), &format!("{name}[{i}]"))).collect()
}

fn policy_set(p: &Value) -> Result<PolicySet, String> {
    let one = |key: &str| p.get(key).map(|d| policy(key, d)).transpose();
    let trust = one("trust_policy")?;
    // A role's trust policy must allow even in the same account.
    let resource_policy_required = trust.is_some();
    let resource = match (one("resource_policy")?, trust) {
        (Some(_), Some(_)) => return Err("both resource_policy and trust_policy".into()),
        (r, t) => r.or(t),
    };
    Ok(PolicySet {
        identity: list(p.get("identity"), "identity")?,
        boundary: one("permissions_boundary")?,
        session: one("session_policy")?.into_iter().collect(),
        scps: levels(p.get("scps"), "scp")?,
        rcps: levels(p.get("rcps"), "rcp")?,
        resource,
        principal_account: None,
        resource_account: Some(HOME_ACCOUNT.into()),
        resource_policy_required,
    })
}

fn context_value(v: &Value) -> Option<ContextValue> {
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(_) | Value::Number(_) => Some(v.to_string()),
        _ => None,
    };
    match v {
        Value::Array(items) => items.iter().map(text).collect::<Option<_>>().map(ContextValue::Multi),
        v => text(v).map(ContextValue::Single),
    }
}

fn request(case: &Value) -> Result<Request, String> {
    let s = |k: &str| case[k].as_str().map(str::to_string).ok_or(format!("no {k}"));
    let mut context = HashMap::new();
    let mut principal = DEFAULT_CALLER.to_string();
    for (k, v) in case["context"].as_object().into_iter().flatten() {
        if k == "principal" {
            principal = v.as_str().ok_or("principal not a string")?.to_string();
        } else {
            context.insert(k.clone(), context_value(v).ok_or(format!("bad context {k}"))?);
        }
    }
    Ok(Request { principal, action: s("action")?, resource: s("resource")?, context, known_keys_complete: true })
}

fn outcome_name(o: &Outcome) -> &'static str {
    match o {
        Outcome::Allowed => "Allow",
        Outcome::ExplicitDeny => "ExplicitDeny",
        Outcome::ImplicitDeny => "ImplicitDeny",
        Outcome::Conditional { .. } => "Conditional",
    }
}

/// Runs one case: `Ok(())` when the decision is the expected one.
fn run(case: &Value) -> Result<(), String> {
    let set = policy_set(&case["policies"])?;
    let decision = evaluate(&set, &request(case)?);
    let got = outcome_name(&decision.result);
    match case["expected"].as_str() {
        Some(want) if want == got => Ok(()),
        want => Err(format!("expected {want:?}, got {got} ({decision:?})")),
    }
}

#[test]
fn evaluation_cases() {
    let path = oracle();
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("oracle {} absent: evaluation cases skipped", path.display());
        return;
    };
    let doc: Value = serde_json::from_str(&text).expect("oracle is JSON");
    let cases = doc["cases"].as_array().expect("oracle has cases");
    let mut failures = Vec::new();
    for case in cases {
        let id = case["id"].as_str().unwrap_or("?");
        if let Err(e) = run(case) {
            failures.push(format!("{id}: {e}"));
        }
    }
    println!("iam evaluation cases: {}/{} pass", cases.len() - failures.len(), cases.len());
    assert!(failures.is_empty(), "failing cases:\n{}", failures.join("\n"));
}
