//! Rules on the principal graph (`nextgap wargame --all`): each judges one principal's blast
//! radius, as the IAM crate ranked it, and says why in a sentence and its evidence.

use crate::{registry, Check, Config, Rule};
use nextgap_findings::{Finding, Location};
use nextgap_iam::wargame::{ChainStep, Ranked};

/// What a graph rule found about one principal.
pub struct GraphHit {
    pub message: String,
    pub evidence: String,
}

pub type GraphCheck = fn(&Ranked) -> Option<GraphHit>;

/// The registered graph rules.
pub fn rules() -> Vec<&'static Rule> {
    registry().iter().copied().filter(|r| matches!(r.check, Check::Graph(_))).collect()
}

fn resource_type(kind: &str) -> &'static str {
    match kind {
        "user" => "AWS::IAM::User",
        "role" => "AWS::IAM::Role",
        "root" => "AWS::IAM::Root",
        _ => "AWS::IAM::ExternalPrincipal",
    }
}

/// `arn:aws:iam::1:role/x` → `role/x`.
pub fn short(arn: &str) -> &str {
    arn.split(':').nth(5).unwrap_or(arn)
}

/// A chain as one line: `user/a -pass-role(lambda-001)-> role/b -is-admin`.
pub fn chain_line(chain: &[ChainStep]) -> String {
    let mut out = chain.first().map(|s| short(&s.from).to_string()).unwrap_or_default();
    for s in chain {
        let path = s.path.as_deref().map(|p| format!(" ({p})")).unwrap_or_default();
        let grants: Vec<String> = s
            .permissions
            .iter()
            .map(|p| format!("{} by {} statement {}", p.permission, p.policy, p.statement))
            .collect();
        let to = if s.kind == "is-admin" { "administrator" } else { short(&s.to) };
        out.push_str(&format!(" -[{}{path}: {}]-> {to}", s.kind, grants.join("; ")));
    }
    out
}

/// Runs the enabled graph rules over the ranking. `file` names the input in locations.
pub fn findings(ranking: &[Ranked], config: &Config, file: &str) -> Vec<Finding> {
    let rules: Vec<&Rule> = rules().into_iter().filter(|r| config.is_enabled(r)).collect();
    let mut out = Vec::new();
    for r in ranking {
        for rule in &rules {
            let Check::Graph(check) = rule.check else { continue };
            let Some(hit) = check(r) else { continue };
            let location = Location {
                file: file.to_string(),
                logical_id: short(&r.principal).to_string(),
                resource_type: resource_type(&r.kind).into(),
                arn: Some(r.principal.clone()).filter(|a| a.starts_with("arn:")),
                account: r.account.clone(),
                ..Location::default()
            };
            let f = config.finding(rule, hit.message, location, hit.evidence);
            out.push(f);
        }
    }
    out
}
