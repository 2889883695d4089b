//! Checks against the catalogue of actions: unknown services and actions, resources of the
//! wrong type, `Resource: "*"` where the action could be narrowed, condition keys that do not
//! apply to the action.

use std::collections::{HashMap, HashSet};

use super::{Code, Ctx, Here, Kind, UNRESOLVED};
use crate::catalog::{Action, Catalog, ResourceType};

/// A string of `Action`, `Resource` (or their `Not` forms) with where it is.
pub(super) struct Item<'a> {
    pub text: &'a str,
    pub path: String,
    pub at: Option<usize>,
}

/// A key of the `Condition` block, under its operator.
pub(super) struct ConditionKey<'a> {
    pub operator: &'a str,
    pub key: &'a str,
    pub values: Vec<&'a str>,
    pub path: String,
    pub at: Option<usize>,
}

/// What the catalogue checks need of a statement (its shape already checked).
pub(super) struct Stmt<'a> {
    pub here: Here<'a>,
    pub allow: bool,
    pub actions: Vec<Item<'a>>,
    pub not_action: bool,
    pub resources: Vec<Item<'a>>,
    pub not_resource: bool,
    pub conditions: Vec<ConditionKey<'a>>,
}

impl Stmt<'_> {
    /// Whether a resource or a condition value uses a policy variable (`${aws:username}`).
    pub fn uses_variables(&self) -> bool {
        self.resources.iter().any(|r| has_policy_variable(r.text))
            || self.conditions.iter().any(|c| c.values.iter().any(|v| has_policy_variable(v)))
    }
}

/// `${aws:username}`, `${saml:sub}`…, but not CloudFormation's `${AWS::Region}` or `${Bucket}`
/// (templates' `Fn::Sub` strings), nor [`UNRESOLVED`].
fn has_policy_variable(text: &str) -> bool {
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let tail = &rest[start + 2..];
        let Some(end) = tail.find('}') else { return false };
        let inner = &tail[..end];
        let is_marker = &rest[start..start + end + 3] == UNRESOLVED;
        if !is_marker && inner.contains(':') && !inner.contains("::") {
            return true;
        }
        rest = &tail[end + 1..];
    }
    false
}

/// An action of the statement as the catalogue reads it.
enum Resolved<'c> {
    /// A name without wildcards.
    One(&'c Action),
    /// A pattern and the actions it matches (at least one).
    Many(Vec<&'c Action>),
}

pub(super) fn check(cx: &mut Ctx, stmt: &Stmt) {
    let resolved: Vec<(&Item, Resolved)> =
        stmt.actions.iter().filter_map(|item| Some((item, resolve(cx, stmt.here, item)?))).collect();
    if stmt.not_action {
        return;
    }
    if !stmt.not_resource {
        resource_mismatch(cx, stmt, &resolved);
        resource_star(cx, stmt, &resolved);
    }
    conditions(cx, stmt, &resolved);
}

/// The actions an item names; unknown ones are reported, unresolved ones skipped.
fn resolve<'c>(cx: &mut Ctx, here: Here, item: &Item) -> Option<Resolved<'c>> {
    let catalog: &'c Catalog = cx.catalog;
    let text = item.text.trim();
    if text.contains("${") {
        return None;
    }
    let report = |cx: &mut Ctx, code, what: String| cx.report(here, code, text, &item.path, item.at, what);
    let Some((prefix, name)) = text.split_once(':') else {
        if text != "*" {
            report(cx, Code::UnknownAction, format!("action {text} is not of the form service:action"));
            return None;
        }
        return Some(Resolved::Many(catalog.expand("*")));
    };
    let wild = |s: &str| s.contains(['*', '?']);
    if !wild(prefix) && catalog.service(prefix).is_none() {
        report(cx, Code::UnknownService, format!("action {text}: unknown service prefix {prefix}"));
        return None;
    }
    if !wild(prefix) && !wild(name) {
        return match catalog.action(text) {
            Some(action) => Some(Resolved::One(action)),
            None => {
                report(cx, Code::UnknownAction, format!("action {text} is not an action of {prefix}"));
                None
            }
        };
    }
    let found = catalog.expand(text);
    if found.is_empty() {
        report(cx, Code::UnknownAction, format!("pattern {text} matches no action"));
        return None;
    }
    Some(Resolved::Many(found))
}

/// Specific resources none of which is of a type the action applies to.
fn resource_mismatch(cx: &mut Ctx, stmt: &Stmt, resolved: &[(&Item, Resolved)]) {
    let undecidable = |r: &Item| r.text.trim() == "*" || r.text.contains(UNRESOLVED);
    if stmt.resources.is_empty() || stmt.resources.iter().any(undecidable) {
        return;
    }
    let arns: Vec<&str> = stmt.resources.iter().map(|r| r.text.trim()).collect();
    let listed = arns.join(", ");
    let mut memo: HashMap<*const ResourceType, bool> = HashMap::new();
    for (item, res) in resolved {
        let what = match res {
            Resolved::One(action) if !fits(cx.catalog, action, &arns, &mut memo) => match type_names(action) {
                Some(types) => format!("action {} applies to {types}, and none of {listed} is one", action.id),
                None => format!("action {} supports only Resource \"*\", not {listed}", action.id),
            },
            Resolved::Many(actions) if !actions.iter().any(|a| fits(cx.catalog, a, &arns, &mut memo)) => {
                format!("no action of {} applies to {listed}", item.text.trim())
            }
            _ => continue,
        };
        cx.report(stmt.here, Code::ResourceMismatch, item.text.trim(), &item.path, item.at, what);
    }
}

/// Whether one of the ARNs can name a resource of one of the action's types. A type the
/// catalogue cannot resolve counts as fitting (unknown is not wrong).
fn fits(catalog: &Catalog, action: &Action, arns: &[&str], memo: &mut HashMap<*const ResourceType, bool>) -> bool {
    let service = catalog.service(action.service());
    action.resources.iter().any(|row| match service.and_then(|s| s.resource_type(&row.resource_type)) {
        Some(rt) => *memo.entry(rt as *const ResourceType).or_insert_with(|| arns.iter().any(|a| rt.matches_arn(a))),
        None => true,
    })
}

fn type_names(action: &Action) -> Option<String> {
    if action.resources.is_empty() {
        return None;
    }
    let names: Vec<&str> = action.resources.iter().map(|r| r.resource_type.as_str()).collect();
    Some(names.join(" or "))
}

/// `Resource: "*"` on an `Allow` of actions that could name their resources (identity
/// policies: in resource policies `*` means the resource the policy is attached to).
fn resource_star(cx: &mut Ctx, stmt: &Stmt, resolved: &[(&Item, Resolved)]) {
    if cx.kind != Kind::Identity || !stmt.allow {
        return;
    }
    let Some(star) = stmt.resources.iter().find(|r| r.text.trim() == "*") else { return };
    let mut patterns: Vec<&str> = Vec::new();
    let mut narrowable: HashSet<*const Action> = HashSet::new();
    for (item, res) in resolved {
        match res {
            Resolved::One(action) if action.supports_resource_level_permissions() => {
                let what = format!(
                    "action {} can be limited to {} but is allowed on Resource \"*\"",
                    action.id,
                    type_names(action).unwrap_or_default()
                );
                // At the action, so each action's issue has a path of its own (baselines).
                cx.report(stmt.here, Code::ResourceStar, &action.id, &item.path, item.at, what);
            }
            Resolved::Many(actions) if actions.iter().any(|a| a.supports_resource_level_permissions()) => {
                patterns.push(item.text.trim());
                narrowable.extend(
                    actions.iter().filter(|a| a.supports_resource_level_permissions()).map(|a| *a as *const Action),
                );
            }
            _ => {}
        }
    }
    if !narrowable.is_empty() {
        let list = patterns.join(", ");
        let what = format!(
            "{} actions granted by {list} can be limited to specific resources but are allowed on Resource \"*\"",
            narrowable.len()
        );
        cx.report(stmt.here, Code::ResourceStar, &list, &star.path, star.at, what);
    }
}

/// Service condition keys that apply to none of what an action (or a pattern) names. Global
/// `aws:` keys apply everywhere; identity-provider keys (`accounts.google.com:aud`) are not in
/// the catalogue; `…IfExists` and `Null` tolerate a missing key.
fn conditions(cx: &mut Ctx, stmt: &Stmt, resolved: &[(&Item, Resolved)]) {
    for ck in &stmt.conditions {
        let op = ck.operator.to_ascii_lowercase();
        if op.ends_with("ifexists") || op == "null" {
            continue;
        }
        let Some((prefix, _)) = ck.key.split_once(':') else { continue };
        if prefix.eq_ignore_ascii_case("aws") || prefix.contains('.') {
            continue;
        }
        if cx.catalog.service(prefix).is_none() && !listed_prefix(cx.catalog, prefix) {
            let what = format!("condition key {}: unknown prefix {prefix}", ck.key);
            cx.report(stmt.here, Code::UnknownConditionForAction, ck.key, &ck.path, ck.at, what);
            continue;
        }
        for (item, res) in resolved {
            let what = match res {
                Resolved::One(action) if !key_listed(cx.catalog, action, ck.key) => {
                    format!("condition key {} does not apply to {}", ck.key, action.id)
                }
                Resolved::Many(actions) if !listed_for_any(cx.catalog, actions, prefix, ck.key) => {
                    format!("condition key {} applies to no action of {}", ck.key, item.text.trim())
                }
                _ => continue,
            };
            cx.report(stmt.here, Code::UnknownConditionForAction, ck.key, &ck.path, ck.at, what);
        }
    }
}

/// Whether some action lists a condition key of this prefix although no service has it
/// (`saml:`): such keys are checked against the actions like service keys.
fn listed_prefix(catalog: &Catalog, prefix: &str) -> bool {
    static PREFIXES: std::sync::OnceLock<HashSet<String>> = std::sync::OnceLock::new();
    let prefixes = PREFIXES.get_or_init(|| {
        let mut out = HashSet::new();
        for service in catalog.services() {
            for action in service.actions() {
                let rows = action.resources.iter().flat_map(|r| r.conditions.iter());
                for key in action.conditions.iter().chain(rows) {
                    if let Some((p, _)) = key.split_once(':') {
                        if catalog.service(p).is_none() {
                            out.insert(p.to_ascii_lowercase());
                        }
                    }
                }
            }
        }
        out
    });
    prefixes.contains(&prefix.to_ascii_lowercase())
}

/// Whether the catalogue lists `key` for one of the actions; those of the key's own service
/// first, where a valid key nearly always is.
fn listed_for_any(catalog: &Catalog, actions: &[&Action], prefix: &str, key: &str) -> bool {
    let own = |a: &&&Action| a.service().eq_ignore_ascii_case(prefix);
    actions.iter().filter(own).any(|a| key_listed(catalog, a, key))
        || actions.iter().filter(|a| !own(a)).any(|a| key_listed(catalog, a, key))
}

/// Whether the catalogue lists `key` for the action: its own row, its resource-type rows, or
/// the resource types themselves. No allocation: this runs for every action of a pattern.
fn key_listed(catalog: &Catalog, action: &Action, key: &str) -> bool {
    let service = catalog.service(action.service());
    let any = |list: &[String]| list.iter().any(|t| template_matches(t, key));
    any(&action.conditions)
        || action.resources.iter().any(|row| {
            any(&row.conditions)
                || service.and_then(|s| s.resource_type(&row.resource_type)).is_some_and(|rt| any(&rt.conditions))
        })
}

/// A key against a catalogue template with at most one placeholder (`aws:RequestTag/${TagKey}`,
/// `s3:RequestObjectTag/<key>`), ASCII case-insensitively; the placeholder is not empty.
fn template_matches(template: &str, key: &str) -> bool {
    let Some(start) = template.find(['$', '<']) else { return template.eq_ignore_ascii_case(key) };
    let close = if template[start..].starts_with('<') { '>' } else { '}' };
    let end = template[start..].find(close).map_or(template.len(), |e| start + e + 1);
    let (head, tail) = (&template[..start], &template[end..]);
    key.len() > head.len() + tail.len()
        && key.get(..head.len()).is_some_and(|h| h.eq_ignore_ascii_case(head))
        && key.get(key.len() - tail.len()..).is_some_and(|t| t.eq_ignore_ascii_case(tail))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_variables_are_told_from_template_substitutions() {
        assert!(has_policy_variable("arn:aws:s3:::b/${aws:username}/*"));
        assert!(!has_policy_variable("arn:${AWS::Partition}:s3:::${BucketName}/*"));
        assert!(!has_policy_variable(UNRESOLVED));
        assert!(!has_policy_variable("arn:aws:s3:::b/${oops"));
    }

    #[test]
    fn templates_match_keys() {
        assert!(template_matches("s3:prefix", "S3:Prefix"));
        assert!(template_matches("aws:RequestTag/${TagKey}", "aws:requesttag/team"));
        assert!(template_matches("s3:RequestObjectTag/<key>", "s3:RequestObjectTag/k"));
        assert!(!template_matches("aws:RequestTag/${TagKey}", "aws:RequestTag/"));
        assert!(!template_matches("s3:prefix", "s3:prefixes"));
    }
}
