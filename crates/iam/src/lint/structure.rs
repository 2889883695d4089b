//! The shape of the document and its statements: what IAM refuses (`MalformedPolicyDocument`)
//! or reads differently from what the author meant.

use super::catalogue::{self, Item, Stmt};
use super::tree::{Node, V};
use super::{Code, Ctx, Here, Kind, UNRESOLVED};

const DOCUMENT_KEYS: &[&str] = &["Version", "Id", "Statement"];
const STATEMENT_KEYS: &[&str] =
    &["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"];

/// Condition operators, without the `ForAnyValue:`/`ForAllValues:` prefixes and the `IfExists`
/// suffix.
const OPERATORS: &[&str] = &[
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
    "Null",
];

const DOC: Here = Here { statement: None, sid: None };

pub(super) fn document(cx: &mut Ctx, root: &Node) {
    let Some(entries) = root.entries() else {
        let what = format!("the policy is {}, not a JSON object", root.type_name());
        cx.report(DOC, Code::Malformed, "", "", root.at, what);
        return;
    };
    keys(cx, DOC, entries, Some(DOCUMENT_KEYS), "");
    let version = root.get("Version");
    if let Some(v) = version {
        if !matches!(v.as_str(), Some("2012-10-17" | "2008-10-17")) {
            let what = format!("Version {} is neither \"2012-10-17\" nor \"2008-10-17\"", show(v));
            cx.report(DOC, Code::BadVersion, "Version", "Version", v.at, what);
        }
    }
    if let Some(id) = root.get("Id") {
        if id.as_str().is_none() {
            let what = format!("Id is {}, not a string", id.type_name());
            cx.report(DOC, Code::Malformed, "Id", "Id", id.at, what);
        }
    }
    let Some(list) = root.get("Statement") else {
        cx.report(DOC, Code::Malformed, "Statement", "", root.at, "the policy has no Statement".into());
        return;
    };
    let statements: Vec<(String, &Node)> = match &list.value {
        V::Object(_) => vec![("Statement".into(), list)],
        V::Array(items) if items.is_empty() => {
            cx.report(DOC, Code::EmptyValue, "Statement", "Statement", list.at, "Statement is an empty list".into());
            vec![]
        }
        V::Array(items) => items.iter().enumerate().map(|(i, s)| (format!("Statement[{i}]"), s)).collect(),
        V::Str(s) if s == UNRESOLVED => vec![],
        _ => {
            let what = format!("Statement is {}, not a list of statements", list.type_name());
            cx.report(DOC, Code::Malformed, "Statement", "Statement", list.at, what);
            vec![]
        }
    };
    let mut sids: Vec<&str> = Vec::new();
    let mut variables = false;
    for (index, (path, node)) in statements.into_iter().enumerate() {
        if node.as_str() == Some(UNRESOLVED) {
            continue;
        }
        let sid = node.get("Sid").and_then(Node::as_str);
        let here = Here { statement: Some(index), sid };
        if let Some(sid) = sid.filter(|s| !s.is_empty() && *s != UNRESOLVED) {
            if sids.contains(&sid) {
                let what = format!("Sid \"{sid}\" is used by an earlier statement too");
                cx.report(
                    here,
                    Code::DuplicateSid,
                    sid,
                    &format!("{path}.Sid"),
                    node.get("Sid").and_then(|n| n.at),
                    what,
                );
            }
            sids.push(sid);
        }
        if let Some(stmt) = statement(cx, here, &path, node) {
            variables |= stmt.uses_variables();
            catalogue::check(cx, &stmt);
        }
    }
    if variables && version.and_then(Node::as_str) != Some("2012-10-17") {
        let what = match version {
            Some(_) => "the policy uses policy variables (${…}) but Version \"2008-10-17\" reads them as plain text",
            None => "the policy uses policy variables (${…}) but has no Version, so they are read as plain text",
        };
        let at = version.and_then(|v| v.at).or(root.at);
        cx.report(DOC, Code::VariablesWithoutVersion, "Version", "Version", at, what.to_string());
    }
}

/// Duplicate keys of one object, and unknown ones when `known` is given.
fn keys(cx: &mut Ctx, here: Here, entries: &[(String, Node)], known: Option<&[&str]>, path: &str) {
    for (i, (key, value)) in entries.iter().enumerate() {
        let key_path = join(path, key);
        if entries[..i].iter().any(|(k, _)| k == key) {
            let what = format!("{key} is given twice; IAM keeps only one of them");
            cx.report(here, Code::DuplicateKey, key, &key_path, value.at, what);
        } else if let Some(known) = known.filter(|k| !k.contains(&key.as_str())) {
            let hint = known
                .iter()
                .find(|k| k.eq_ignore_ascii_case(key))
                .map(|k| format!(" (keys are case-sensitive: {k})"))
                .unwrap_or_default();
            let what = format!("unknown element {key}{hint}");
            cx.report(here, Code::UnknownKey, key, &key_path, value.at, what);
        }
    }
}

/// Checks one statement's elements; `None` when it is not an object.
fn statement<'a>(cx: &mut Ctx, here: Here<'a>, path: &str, node: &'a Node) -> Option<Stmt<'a>> {
    let Some(entries) = node.entries() else {
        let what = format!("the statement is {}, not an object", node.type_name());
        cx.report(here, Code::Malformed, "", path, node.at, what);
        return None;
    };
    keys(cx, here, entries, Some(STATEMENT_KEYS), path);
    sid(cx, here, path, node);
    let allow = effect(cx, here, path, node);
    let (actions, not_action) = pair(cx, here, path, node, "Action", "NotAction", true);
    let resources_required = cx.kind == Kind::Identity;
    let (resources, not_resource) = pair(cx, here, path, node, "Resource", "NotResource", resources_required);
    if cx.kind == Kind::Trust {
        for key in ["Resource", "NotResource"] {
            if let Some(v) = node.get(key) {
                let what = format!("a trust policy has no {key}: the resource is the role itself");
                cx.report(here, Code::FieldNotAllowed, key, &join(path, key), v.at, what);
            }
        }
    }
    principal(cx, here, path, node);
    let conditions = condition(cx, here, path, node);
    Some(Stmt { here, allow, actions, not_action, resources, not_resource, conditions })
}

fn sid(cx: &mut Ctx, here: Here, path: &str, node: &Node) {
    let Some(sid) = node.get("Sid") else { return };
    let sid_path = join(path, "Sid");
    match sid.as_str() {
        None => {
            let what = format!("Sid is {}, not a string", sid.type_name());
            cx.report(here, Code::Malformed, "Sid", &sid_path, sid.at, what);
        }
        // IAM accepts only letters and digits in the Sids of identity policies (resource
        // policies are more lenient).
        Some(s) if cx.kind == Kind::Identity && s != UNRESOLVED && !s.chars().all(|c| c.is_ascii_alphanumeric()) => {
            let what = format!("Sid \"{s}\" has characters other than A-Z, a-z and 0-9, which IAM refuses");
            cx.report(here, Code::Malformed, s, &sid_path, sid.at, what);
        }
        Some(_) => {}
    }
}

/// Whether the statement is an `Allow` (for the checks that only apply to grants).
fn effect(cx: &mut Ctx, here: Here, path: &str, node: &Node) -> bool {
    match node.get("Effect") {
        None => {
            cx.report(here, Code::BadEffect, "Effect", path, node.at, "the statement has no Effect".into());
            false
        }
        Some(v) => match v.as_str() {
            Some("Allow") => true,
            Some("Deny") | Some(UNRESOLVED) => false,
            _ => {
                let what = format!("Effect {} is neither \"Allow\" nor \"Deny\" (case-sensitive)", show(v));
                cx.report(here, Code::BadEffect, "Effect", &join(path, "Effect"), v.at, what);
                false
            }
        },
    }
}

/// `Action`/`NotAction` or `Resource`/`NotResource`: the items of the one given, and whether
/// it is the negated one.
fn pair<'a>(
    cx: &mut Ctx,
    here: Here,
    path: &str,
    node: &'a Node,
    key: &str,
    not_key: &str,
    required: bool,
) -> (Vec<Item<'a>>, bool) {
    let (plain, negated) = (node.get(key), node.get(not_key));
    match (plain, negated) {
        (Some(_), Some(n)) => {
            let what = format!("the statement has both {key} and {not_key}");
            cx.report(here, Code::BothFields, not_key, &join(path, not_key), n.at, what);
        }
        (None, None) if required => {
            let what = format!("the statement has neither {key} nor {not_key}");
            cx.report(here, Code::MissingField, key, path, node.at, what);
        }
        _ => {}
    }
    match (plain, negated) {
        (Some(v), _) => (strings(cx, here, &join(path, key), key, v), false),
        (None, Some(v)) => (strings(cx, here, &join(path, not_key), not_key, v), true),
        (None, None) => (Vec::new(), false),
    }
}

/// A string or a list of strings; other values are reported.
fn strings<'a>(cx: &mut Ctx, here: Here, path: &str, key: &str, node: &'a Node) -> Vec<Item<'a>> {
    let one = |s: &'a str, path: String, at| Item { text: s, path, at };
    match &node.value {
        V::Str(s) if s.trim().is_empty() => {
            cx.report(here, Code::EmptyValue, key, path, node.at, format!("{key} is an empty string"));
            vec![]
        }
        V::Str(s) => vec![one(s, path.to_string(), node.at)],
        V::Array(items) if items.is_empty() => {
            cx.report(here, Code::EmptyValue, key, path, node.at, format!("{key} is an empty list"));
            vec![]
        }
        V::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let item_path = format!("{path}[{i}]");
                match item.as_str() {
                    Some(s) if s.trim().is_empty() => {
                        let what = format!("{key} has an empty string");
                        cx.report(here, Code::EmptyValue, key, &item_path, item.at, what);
                    }
                    Some(s) => out.push(one(s, item_path, item.at)),
                    None => {
                        let what = format!("{key} lists {}, not a string", item.type_name());
                        cx.report(here, Code::Malformed, key, &item_path, item.at, what);
                    }
                }
            }
            out
        }
        _ => {
            let what = format!("{key} is {}, not a string or a list of strings", node.type_name());
            cx.report(here, Code::Malformed, key, path, node.at, what);
            vec![]
        }
    }
}

fn principal(cx: &mut Ctx, here: Here, path: &str, node: &Node) {
    let (p, np) = (node.get("Principal"), node.get("NotPrincipal"));
    if let (Some(_), Some(n)) = (p, np) {
        let what = "the statement has both Principal and NotPrincipal".to_string();
        cx.report(here, Code::BothFields, "NotPrincipal", &join(path, "NotPrincipal"), n.at, what);
    }
    match cx.kind {
        Kind::Identity | Kind::Scp => {
            for (key, v) in [("Principal", p), ("NotPrincipal", np)] {
                if let Some(v) = v {
                    let holder = if cx.kind == Kind::Scp { "a service control policy" } else { "an identity policy" };
                    let what = format!("{holder} has no {key}: it applies to whoever it is attached to");
                    cx.report(here, Code::FieldNotAllowed, key, &join(path, key), v.at, what);
                }
            }
        }
        Kind::Resource | Kind::Trust if p.is_none() && np.is_none() => {
            let what = "the statement names no Principal".to_string();
            cx.report(here, Code::MissingField, "Principal", path, node.at, what);
        }
        _ => {}
    }
    for (key, v) in [("Principal", p), ("NotPrincipal", np)] {
        if let Some(v) = v {
            principal_shape(cx, here, &join(path, key), key, v);
        }
    }
}

/// `"*"` or an object of `AWS`/`Service`/`Federated`/`CanonicalUser` to strings or lists.
fn principal_shape(cx: &mut Ctx, here: Here, path: &str, key: &str, v: &Node) {
    match &v.value {
        V::Str(s) if s == "*" || s == UNRESOLVED => {}
        V::Object(entries) => {
            keys(cx, here, entries, Some(&["AWS", "Service", "Federated", "CanonicalUser"]), path);
            for (k, value) in entries {
                strings(cx, here, &join(path, k), &format!("{key}.{k}"), value);
            }
        }
        _ => {
            let what = format!("{key} is {}, not \"*\" or an object such as {{\"AWS\": …}}", v.type_name());
            cx.report(here, Code::Malformed, key, path, v.at, what);
        }
    }
}

/// Checks the `Condition` block and gives its keys with their operators.
fn condition<'a>(cx: &mut Ctx, here: Here, path: &str, node: &'a Node) -> Vec<catalogue::ConditionKey<'a>> {
    let mut out = Vec::new();
    let Some(block) = node.get("Condition") else { return out };
    let path = join(path, "Condition");
    let Some(operators) = block.entries() else {
        if block.as_str() != Some(UNRESOLVED) {
            let what = format!("Condition is {}, not an object of operators", block.type_name());
            cx.report(here, Code::BadCondition, "Condition", &path, block.at, what);
        }
        return out;
    };
    keys(cx, here, operators, None, &path);
    for (operator, keys_node) in operators {
        let op_path = join(&path, operator);
        if !known_operator(operator) {
            let what = format!("unknown condition operator {operator}");
            cx.report(here, Code::BadCondition, operator, &op_path, keys_node.at, what);
        }
        let Some(entries) = keys_node.entries() else {
            let what = format!("{operator} is {}, not an object of condition keys", keys_node.type_name());
            cx.report(here, Code::BadCondition, operator, &op_path, keys_node.at, what);
            continue;
        };
        for (i, (key, value)) in entries.iter().enumerate() {
            let key_path = join(&op_path, key);
            if entries[..i].iter().any(|(k, _)| k.eq_ignore_ascii_case(key)) {
                let what = format!("condition key {key} is given twice under {operator}; IAM keeps only one");
                cx.report(here, Code::DuplicateKey, key, &key_path, value.at, what);
            }
            condition_value(cx, here, &key_path, key, value);
            if key == UNRESOLVED {
                continue;
            }
            match key.split_once(':') {
                Some((prefix, name)) if !prefix.is_empty() && !name.is_empty() => {
                    let values = match &value.value {
                        V::Array(items) => items.iter().filter_map(Node::as_str).collect(),
                        _ => value.as_str().into_iter().collect(),
                    };
                    out.push(catalogue::ConditionKey { operator, key, values, path: key_path, at: value.at })
                }
                _ => {
                    let what = format!("condition key {key} is not of the form prefix:name");
                    cx.report(here, Code::BadCondition, key, &key_path, value.at, what);
                }
            }
        }
    }
    out
}

fn condition_value(cx: &mut Ctx, here: Here, path: &str, key: &str, value: &Node) {
    let scalar = |n: &Node| matches!(n.value, V::Str(_) | V::Number(_) | V::Bool(_));
    let ok = match &value.value {
        V::Array(items) => items.iter().all(scalar),
        _ => scalar(value),
    };
    if !ok {
        let what = format!(
            "the value of condition key {key} is {}, not a string, number, boolean or list of them",
            value.type_name()
        );
        cx.report(here, Code::BadCondition, key, path, value.at, what);
    }
}

fn known_operator(operator: &str) -> bool {
    let lower = operator.to_ascii_lowercase();
    let base = lower.strip_prefix("foranyvalue:").or_else(|| lower.strip_prefix("forallvalues:")).unwrap_or(&lower);
    let base = match base.strip_suffix("ifexists") {
        Some(b) if b != "null" => b,
        _ => base,
    };
    OPERATORS.iter().any(|o| o.eq_ignore_ascii_case(base))
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// A scalar for messages.
fn show(node: &Node) -> String {
    match &node.value {
        V::Str(s) => format!("\"{s}\""),
        V::Number(n) => n.clone(),
        V::Bool(b) => b.to_string(),
        _ => node.type_name().to_string(),
    }
}
