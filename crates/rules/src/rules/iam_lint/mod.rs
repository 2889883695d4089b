//! Lint of every identity policy found (templates and snapshots) against the catalogue of AWS
//! actions, with `nextgap_iam::lint`: one rule per kind of issue. `nextgap iam lint` reports
//! the same issues under the same rules for policy files.

use crate::prelude::*;
use crate::Rule;
use nextgap_iam::lint::{self, Code, Kind, LintIssue, UNRESOLVED};
use std::collections::HashSet;

pub mod policy_condition_key_invalid;
pub mod policy_malformed;
pub mod policy_resource_mismatch;
pub mod policy_resource_star_supported;
pub mod policy_unknown_action;

pub(crate) const RULES: &[&Rule] = &[
    &policy_malformed::RULE,
    &policy_unknown_action::RULE,
    &policy_resource_mismatch::RULE,
    &policy_resource_star_supported::RULE,
    &policy_condition_key_invalid::RULE,
];

/// The rule that reports a lint code.
pub fn rule_for(code: Code) -> &'static Rule {
    match code {
        Code::UnknownService | Code::UnknownAction => &policy_unknown_action::RULE,
        Code::ResourceMismatch => &policy_resource_mismatch::RULE,
        Code::ResourceStar => &policy_resource_star_supported::RULE,
        Code::UnknownConditionForAction => &policy_condition_key_invalid::RULE,
        Code::Malformed
        | Code::UnknownKey
        | Code::DuplicateKey
        | Code::BadVersion
        | Code::VariablesWithoutVersion
        | Code::BadEffect
        | Code::MissingField
        | Code::FieldNotAllowed
        | Code::BothFields
        | Code::EmptyValue
        | Code::DuplicateSid
        | Code::BadCondition => &policy_malformed::RULE,
    }
}

/// Evidence of an issue: its code and what it is about.
pub fn evidence(issue: &LintIssue) -> String {
    if issue.subject.is_empty() {
        issue.code.as_str().to_string()
    } else {
        format!("{}: {}", issue.code, issue.subject)
    }
}

/// Reports, as hits of `rule`, the lint issues of every identity policy of the model that
/// [`rule_for`] gives to it.
pub(crate) fn report(model: &Model, out: &mut Hits, rule: &Rule) {
    let mut seen: HashSet<(usize, &str)> = HashSet::new();
    for doc in super::iam::identity_docs(model) {
        // Documents under an `Fn::If` appear once per branch with the same path.
        if !seen.insert((doc.resource, doc.path.as_str())) {
            continue;
        }
        let res = &model.resources[doc.resource];
        let label = super::iam::doc_label(doc);
        let sam = res.resource_type.starts_with("AWS::Serverless::");
        for node in nodes_at(&res.properties, &doc.path) {
            if sam && node.get("Statement").is_none() {
                continue;
            }
            for issue in lint_node(&label, node).into_iter().filter(|i| std::ptr::eq(rule_for(i.code), rule)) {
                let path =
                    if issue.path.is_empty() { doc.path.clone() } else { format!("{}.{}", doc.path, issue.path) };
                let evidence = evidence(&issue);
                out.add(doc.resource, &path, issue.message, evidence);
            }
        }
    }
}

/// Lints a document node: a map, or JSON text (policies written as strings).
fn lint_node(label: &str, node: &Node) -> Vec<LintIssue> {
    match &node.value {
        Value::String(text) => lint::lint_text(label, text, Kind::Identity),
        Value::Map(_) => lint::lint_value(label, &to_json(node), Kind::Identity),
        _ => Vec::new(),
    }
}

/// The nodes at a property path with list indices (`Policies[0].PolicyDocument`), looking
/// through `Fn::If` choices; absent and unresolved ones left out.
fn nodes_at<'a>(root: &'a Node, path: &str) -> Vec<&'a Node> {
    let mut current = vec![root];
    for segment in path.split('.').filter(|s| !s.is_empty()) {
        let (key, indices) = match segment.find('[') {
            Some(i) => (&segment[..i], &segment[i..]),
            None => (segment, ""),
        };
        let mut next: Vec<&Node> = current.iter().filter_map(|n| n.get(key)).flat_map(|n| n.alternatives()).collect();
        for index in indices.split('[').filter_map(|s| s.strip_suffix(']')?.parse::<usize>().ok()) {
            next = next.iter().filter_map(|n| n.items().get(index)).flat_map(|n| n.alternatives()).collect();
        }
        current = next;
    }
    current.into_iter().filter(|n| !n.is_absent() && !n.is_unresolved()).collect()
}

/// A document as plain JSON for the lint: values not known before deployment become
/// [`UNRESOLVED`] (skipped by every check), partly known strings their template
/// (`arn:${AWS::Partition}:s3:::${Bucket}/*`, whose placeholders match anything).
pub(crate) fn to_json(node: &Node) -> serde_json::Value {
    use serde_json::Value as J;
    match &node.value {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => J::from(*n as i64),
        Value::Number(n) => serde_json::Number::from_f64(*n).map_or(J::Null, J::Number),
        Value::String(s) => J::String(s.clone()),
        Value::List(items) => J::Array(items.iter().map(to_json).collect()),
        Value::Map(entries) => J::Object(
            entries.iter().filter(|(_, v)| !v.is_absent()).map(|(k, v)| (k.name.clone(), to_json(v))).collect(),
        ),
        Value::Unresolved(text) => match text.strip_prefix("Fn::Sub ").or_else(|| text.strip_prefix("Fn::Join ")) {
            Some(template) => J::String(template.to_string()),
            None => J::String(UNRESOLVED.into()),
        },
        _ => J::String(UNRESOLVED.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nextgap_model::policy::from_json;

    #[test]
    fn every_code_has_a_registered_rule() {
        for code in Code::ALL {
            let rule = rule_for(code);
            assert!(crate::registry().iter().any(|r| std::ptr::eq(*r, rule)), "{code}");
        }
    }

    #[test]
    fn unknown_values_become_the_marker() {
        let node = Node::synthetic(Value::List(vec![
            Node::synthetic(Value::Unresolved("Fn::Sub arn:${AWS::Partition}:s3:::${B}/*".into())),
            Node::synthetic(Value::Unresolved("Fn::ImportValue x".into())),
            Node::synthetic(Value::ResourceRef { logical_id: "B".into(), attribute: Some("Arn".into()) }),
            Node::synthetic(Value::Number(3.0)),
        ]));
        assert_eq!(to_json(&node), serde_json::json!(["arn:${AWS::Partition}:s3:::${B}/*", UNRESOLVED, UNRESOLVED, 3]));
    }

    #[test]
    fn paths_with_indices() {
        let root = from_json(&serde_json::json!({"Policies": [{"PolicyDocument": {"a": 1}}, {"PolicyDocument": "x"}]}));
        let found = nodes_at(&root, "Policies[1].PolicyDocument");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].as_str(), Some("x"));
        assert!(nodes_at(&root, "Policies[2].PolicyDocument").is_empty());
    }
}
