//! A source-independent value tree that remembers where every value came from.
//!
//! CloudFormation YAML/JSON, Terraform plans and live snapshots all become `Node`s, so rules
//! never see a parser's types. Intrinsic functions are kept as `Intrinsic` by the loader and
//! replaced by the resolver with a concrete value, a `ResourceRef`, a `Choice` (both branches of
//! an `Fn::If` whose condition is unknown) or `Unresolved` (never guessed).

use serde::Serialize;

/// 1-based line and column; `0` means "unknown" (a value the resolver synthesised).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

impl Pos {
    pub const fn new(line: u32, column: u32) -> Self {
        Pos { line, column }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub pos: Pos,
    pub value: Value,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Key {
    pub name: String,
    pub pos: Pos,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    List(Vec<Node>),
    /// Ordered as written; duplicate keys are rejected by the loaders.
    Map(Vec<(Key, Node)>),
    /// An intrinsic function as written (`Ref`, `Fn::Sub`, `!GetAtt` …), before resolution.
    Intrinsic {
        name: String,
        arg: Box<Node>,
    },
    /// `Ref` / `Fn::GetAtt` to a resource of the same template (or a live resource id).
    ResourceRef {
        logical_id: String,
        attribute: Option<String>,
    },
    /// The possible values when the choice between them is unknown (`Fn::If` on an unknown
    /// condition). Rules check every alternative.
    Choice(Vec<Node>),
    /// `AWS::NoValue`: the property is removed.
    Absent,
    /// A value that cannot be known before deployment; the text says what it was.
    Unresolved(String),
}

impl Node {
    pub fn new(pos: Pos, value: Value) -> Self {
        Node { pos, value }
    }

    pub fn synthetic(value: Value) -> Self {
        Node { pos: Pos::default(), value }
    }

    pub fn string(pos: Pos, s: impl Into<String>) -> Self {
        Node::new(pos, Value::String(s.into()))
    }

    /// Value of `key` in a map (exact, case-sensitive like CloudFormation).
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|(k, _)| k.name == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Key node (for its position) of `key` in a map.
    pub fn key(&self, key: &str) -> Option<&Key> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|(k, _)| k.name == key).map(|(k, _)| k),
            _ => None,
        }
    }

    /// Follows a dotted path of map keys, e.g. `"LoggingConfiguration.DestinationBucketName"`.
    /// Stops (returns `None`) at lists, choices and unresolved values: use [`Node::alternatives`]
    /// to look through those.
    pub fn path(&self, path: &str) -> Option<&Node> {
        path.split('.').try_fold(self, |node, key| node.get(key))
    }

    pub fn entries(&self) -> &[(Key, Node)] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::List(items) => items,
            _ => &[],
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// Booleans as CloudFormation reads them: `true`, `"true"`, `"True"`.
    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Bool(b) => Some(*b),
            Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }

    /// Integers as CloudFormation reads them: `22` or `"22"`.
    pub fn as_i64(&self) -> Option<i64> {
        match &self.value {
            Value::Number(n) if n.fract() == 0.0 => Some(*n as i64),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// A scalar rendered as text (numbers without a trailing `.0`), for comparisons and evidence.
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::String(s) => Some(s.clone()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => Some(format!("{}", *n as i64)),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    pub fn is_unresolved(&self) -> bool {
        matches!(self.value, Value::Unresolved(_) | Value::Intrinsic { .. })
    }

    pub fn is_absent(&self) -> bool {
        matches!(self.value, Value::Absent)
    }

    /// Every concrete value this node may take: a `Choice` expands (recursively) into its
    /// branches, anything else is itself. `Absent` branches are included so a rule can tell
    /// "property removed in one branch".
    pub fn alternatives(&self) -> Vec<&Node> {
        let mut out = Vec::new();
        self.collect_alternatives(&mut out);
        out
    }

    fn collect_alternatives<'a>(&'a self, out: &mut Vec<&'a Node>) {
        match &self.value {
            Value::Choice(branches) => branches.iter().for_each(|b| b.collect_alternatives(out)),
            _ => out.push(self),
        }
    }

    /// Items of a list, looking through choices: the union of the items of every branch.
    pub fn all_items(&self) -> Vec<&Node> {
        self.alternatives().into_iter().flat_map(|alt| alt.items().iter().flat_map(|i| i.alternatives())).collect()
    }

    /// Every possible value at a dotted path, looking through choices at each step. `None`
    /// entries mean "missing in that alternative" (absent key or `AWS::NoValue`).
    pub fn lookup(&self, path: &str) -> Vec<Option<&Node>> {
        let mut current: Vec<Option<&Node>> = self.alternatives().into_iter().map(Some).collect();
        for key in path.split('.').filter(|k| !k.is_empty()) {
            let mut next = Vec::new();
            for node in current {
                match node {
                    Some(n) if !n.is_unresolved() => match n.get(key) {
                        Some(child) => next.extend(child.alternatives().into_iter().map(Some)),
                        None => next.push(None),
                    },
                    // An unresolved parent hides what is below it: report it as itself, so
                    // rules see "unknown" instead of "missing".
                    Some(n) => next.push(Some(n)),
                    None => next.push(None),
                }
            }
            current = next;
        }
        current.into_iter().map(|n| n.filter(|n| !n.is_absent())).collect()
    }

    /// Depth-first walk over every node (choices expanded), with the node's key path.
    pub fn walk<'a>(&'a self, f: &mut dyn FnMut(&str, &'a Node)) {
        self.walk_inner(&mut String::new(), f);
    }

    fn walk_inner<'a>(&'a self, path: &mut String, f: &mut dyn FnMut(&str, &'a Node)) {
        f(path, self);
        let len = path.len();
        match &self.value {
            Value::Map(entries) => {
                for (k, v) in entries {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(&k.name);
                    v.walk_inner(path, f);
                    path.truncate(len);
                }
            }
            Value::List(items) | Value::Choice(items) => {
                for (i, v) in items.iter().enumerate() {
                    use std::fmt::Write;
                    let _ = write!(path, "[{i}]");
                    v.walk_inner(path, f);
                    path.truncate(len);
                }
            }
            Value::Intrinsic { arg, .. } => arg.walk_inner(path, f),
            _ => {}
        }
    }

    /// Short human text for evidence: scalars as-is, structures abbreviated.
    pub fn describe(&self) -> String {
        match &self.value {
            Value::Null => "null".into(),
            Value::Absent => "AWS::NoValue".into(),
            Value::List(items) => {
                let parts: Vec<String> = items.iter().take(8).map(|i| i.describe()).collect();
                let more = if items.len() > 8 { ", …" } else { "" };
                format!("[{}{more}]", parts.join(", "))
            }
            Value::Map(entries) => {
                let keys: Vec<&str> = entries.iter().take(8).map(|(k, _)| k.name.as_str()).collect();
                format!("{{{}}}", keys.join(", "))
            }
            Value::Intrinsic { name, .. } => format!("{name}(…)"),
            Value::ResourceRef { logical_id, attribute: None } => format!("Ref {logical_id}"),
            Value::ResourceRef { logical_id, attribute: Some(a) } => format!("GetAtt {logical_id}.{a}"),
            Value::Choice(branches) => {
                let parts: Vec<String> = branches.iter().map(|b| b.describe()).collect();
                format!("one of ({})", parts.join(" | "))
            }
            Value::Unresolved(what) => format!("<unresolved {what}>"),
            _ => self.scalar_text().unwrap_or_default(),
        }
    }

    /// Converts to plain JSON (for evidence and for exporting); unresolved parts become strings.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null | Value::Absent => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Number(n) => serde_json::Number::from_f64(*n).map(J::Number).unwrap_or(J::Null),
            Value::String(s) => J::String(s.clone()),
            Value::List(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => J::Object(entries.iter().map(|(k, v)| (k.name.clone(), v.to_json())).collect()),
            _ => J::String(self.describe()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(entries: Vec<(&str, Node)>) -> Node {
        Node::synthetic(Value::Map(
            entries.into_iter().map(|(k, v)| (Key { name: k.into(), pos: Pos::default() }, v)).collect(),
        ))
    }

    fn s(v: &str) -> Node {
        Node::synthetic(Value::String(v.into()))
    }

    #[test]
    fn lookup_expands_choices_and_reports_missing() {
        let props = map(vec![(
            "Encryption",
            Node::synthetic(Value::Choice(vec![map(vec![("Enabled", s("true"))]), Node::synthetic(Value::Absent)])),
        )]);
        let found = props.lookup("Encryption.Enabled");
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].and_then(|n| n.as_bool()), Some(true));
        assert!(found[1].is_none());
    }

    #[test]
    fn unresolved_parent_is_not_missing() {
        let props = map(vec![("Config", Node::synthetic(Value::Unresolved("Fn::ImportValue".into())))]);
        let found = props.lookup("Config.Enabled");
        assert!(found[0].unwrap().is_unresolved());
    }

    #[test]
    fn coerces_cloudformation_scalars() {
        assert_eq!(s("22").as_i64(), Some(22));
        assert_eq!(s("True").as_bool(), Some(true));
        assert_eq!(Node::synthetic(Value::Number(443.0)).scalar_text().unwrap(), "443");
    }
}
