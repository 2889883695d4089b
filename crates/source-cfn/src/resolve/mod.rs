//! Replaces intrinsic functions by what can be known before deployment, and nothing more.
//!
//! * known values replace the function (parameter defaults, `Fn::Join` of known parts, …);
//! * `Ref`/`Fn::GetAtt` of a resource become `ResourceRef`;
//! * `Fn::If` on a condition that cannot be decided becomes a `Choice` of both branches;
//! * anything else becomes `Unresolved` with a text saying what it was.
//!
//! The result node keeps the position of the intrinsic it replaces. Work is bounded: recursion
//! depth by `Limits::max_depth` and copies (parameter defaults, mapping values, SAM globals) by a
//! node budget. Mapping values and parameter defaults are never resolved themselves
//! (CloudFormation allows no functions there), so no `Ref` loop can arise; condition cycles are
//! cut by an "evaluating" set.

mod budget;
mod cidr;
mod conditions;
mod functions;
mod strings;

pub use budget::{size_of, Budget};

use crate::template::Sections;
use crate::Limits;
use nextgap_model::{Node, Parameter, Pos, Value};
use std::collections::{HashMap, HashSet};

pub struct Resolver<'a> {
    /// Typed default per parameter; `None` when the value is only known at deployment.
    params: HashMap<&'a str, Option<Node>>,
    resources: HashSet<String>,
    mappings: Option<&'a Node>,
    conditions: HashMap<&'a str, &'a Node>,
    condition_values: HashMap<String, Option<bool>>,
    evaluating: HashSet<String>,
    max_depth: usize,
    pub budget: Budget,
}

impl<'a> Resolver<'a> {
    pub fn new(
        sections: &'a Sections,
        parameters: &'a [Parameter],
        resources: Option<&Value>,
        limits: &Limits,
        budget: Budget,
    ) -> Self {
        let resources = match resources {
            Some(Value::Map(entries)) => entries.iter().map(|(k, _)| k.name.clone()).collect(),
            _ => HashSet::new(),
        };
        let conditions =
            sections.conditions.iter().flat_map(|c| c.entries()).map(|(k, v)| (k.name.as_str(), v)).collect();
        Resolver {
            params: parameters.iter().map(|p| (p.name.as_str(), typed_default(p))).collect(),
            resources,
            mappings: sections.mappings.as_ref(),
            conditions,
            condition_values: HashMap::new(),
            evaluating: HashSet::new(),
            max_depth: limits.max_depth,
            budget,
        }
    }

    /// Resolves a tree (taken by value: resources are consumed, not copied).
    pub fn resolve(&mut self, node: Node) -> Node {
        self.value(node, 0)
    }

    fn value(&mut self, node: Node, depth: usize) -> Node {
        if depth > self.max_depth {
            return unresolved(node.pos, "nesting too deep to resolve");
        }
        let pos = node.pos;
        match node.value {
            Value::Map(entries) => {
                let entries = entries.into_iter().map(|(k, v)| (k, self.value(v, depth + 1)));
                Node::new(pos, Value::Map(entries.filter(|(_, v)| !v.is_absent()).collect()))
            }
            Value::List(items) => {
                let items = items.into_iter().map(|v| self.value(v, depth + 1));
                Node::new(pos, Value::List(items.filter(|v| !v.is_absent()).collect()))
            }
            Value::Intrinsic { name, arg } => self.intrinsic(pos, &name, *arg, depth + 1),
            value => Node::new(pos, value),
        }
    }

    /// Kept out of line so that `value`, the frame repeated for every nesting level, stays small.
    #[inline(never)]
    fn intrinsic(&mut self, pos: Pos, name: &str, arg: Node, depth: usize) -> Node {
        let value = match name {
            "Ref" => self.reference(arg, depth),
            "Fn::GetAtt" => self.get_att(arg, depth),
            "Fn::If" => return self.fn_if(pos, arg, depth),
            "Fn::Base64" => self.value(arg, depth).value,
            "Fn::Sub" => self.sub(arg, depth),
            "Fn::Join" => self.join(arg, depth),
            "Fn::Select" => self.select(arg, depth),
            "Fn::Split" => self.split(pos, arg, depth),
            "Fn::FindInMap" => self.find_in_map(arg, depth),
            "Fn::Cidr" => self.cidr(pos, arg, depth),
            "Fn::Length" => self.length(arg, depth),
            "Fn::ToJsonString" => self.json_string(arg, depth),
            "Fn::GetAZs" | "Fn::ImportValue" | "Fn::Transform" => self.unknowable(name, arg, depth),
            "Fn::Equals" | "Fn::And" | "Fn::Or" | "Fn::Not" | "Condition" => {
                let node = Node::new(pos, Value::Intrinsic { name: name.to_string(), arg: Box::new(arg) });
                match self.condition(&node, depth) {
                    Some(b) => Value::Bool(b),
                    None => Value::Unresolved(name.to_string()),
                }
            }
            _ => Value::Unresolved(name.to_string()),
        };
        Node::new(pos, value)
    }

    /// `Ref` to a parameter (its default), a resource, `AWS::NoValue` or a pseudo parameter.
    fn reference(&mut self, arg: Node, depth: usize) -> Value {
        let target = self.value(arg, depth);
        match target.as_str() {
            Some(name) => self.ref_name(name),
            None => Value::Unresolved(format!("Ref {}", brief(&target))),
        }
    }

    fn ref_name(&mut self, name: &str) -> Value {
        if name == "AWS::NoValue" {
            return Value::Absent;
        }
        if let Some(default) = self.params.get(name) {
            let Some(default) = default else { return Value::Unresolved(format!("Ref {name}")) };
            return match self.budget.copy(default) {
                Some(copy) => copy.value,
                None => Value::Unresolved(format!("Ref {name} (resolution budget exhausted)")),
            };
        }
        if self.resources.contains(name) {
            return Value::ResourceRef { logical_id: name.to_string(), attribute: None };
        }
        Value::Unresolved(format!("Ref {name}"))
    }

    /// `Fn::GetAtt` as `[Resource, Attribute]` or `"Resource.Attribute"`.
    fn get_att(&mut self, arg: Node, depth: usize) -> Value {
        let arg = self.value(arg, depth);
        let target = match &arg.value {
            Value::String(s) => s.split_once('.').map(|(r, a)| (r.to_string(), Some(a.to_string()))),
            Value::List(items) => {
                items.first().and_then(Node::as_str).map(|r| (r.to_string(), items.get(1).and_then(Node::scalar_text)))
            }
            _ => None,
        };
        match target {
            Some((resource, Some(attribute))) if self.resources.contains(&resource) => {
                Value::ResourceRef { logical_id: resource, attribute: Some(attribute) }
            }
            Some((resource, attribute)) => {
                Value::Unresolved(format!("Fn::GetAtt {resource}.{}", attribute.as_deref().unwrap_or("?")))
            }
            None => Value::Unresolved(format!("Fn::GetAtt {}", brief(&arg))),
        }
    }

    /// `Fn::If [Condition, WhenTrue, WhenFalse]`: the chosen branch, or a `Choice` of both.
    fn fn_if(&mut self, pos: Pos, arg: Node, depth: usize) -> Node {
        let Value::List(items) = arg.value else { return unresolved(pos, "Fn::If") };
        let Ok([condition, when_true, when_false]) = <[Node; 3]>::try_from(items) else {
            return unresolved(pos, "Fn::If");
        };
        let decided = match condition.as_str() {
            Some(name) => self.condition_named(name, depth),
            None => self.condition(&condition, depth),
        };
        let branch = |chosen: Node, this: &mut Self| {
            let node = this.value(chosen, depth);
            Node::new(pos, node.value)
        };
        match decided {
            Some(true) => branch(when_true, self),
            Some(false) => branch(when_false, self),
            None => {
                let branches = vec![self.value(when_true, depth), self.value(when_false, depth)];
                Node::new(pos, Value::Choice(branches))
            }
        }
    }

    /// Functions whose value only exists at deployment time.
    fn unknowable(&mut self, name: &str, arg: Node, depth: usize) -> Value {
        let arg = self.value(arg, depth);
        let detail = match name {
            "Fn::Transform" => arg.get("Name").map(brief).unwrap_or_default(),
            _ => brief(&arg),
        };
        Value::Unresolved(if detail.is_empty() { name.to_string() } else { format!("{name} {detail}") })
    }
}

/// The value `Ref` yields for a parameter before deployment: its default, with list types split
/// into lists (CloudFormation trims each member). SSM-typed parameters hold the name of an SSM
/// parameter, not the value, and a default with functions in it is not valid: both unknown.
fn typed_default(param: &Parameter) -> Option<Node> {
    let default = param.default.as_ref()?;
    if param.param_type.starts_with("AWS::SSM::Parameter::Value") || contains_intrinsic(default) {
        return None;
    }
    let is_list = param.param_type == "CommaDelimitedList" || param.param_type.starts_with("List<");
    match &default.value {
        Value::String(text) if is_list => {
            let items = text.split(',').map(|s| Node::string(default.pos, s.trim())).collect();
            Some(Node::new(default.pos, Value::List(items)))
        }
        Value::List(items) => {
            let items = items.iter().map(|i| Node::new(i.pos, scalar_as_string(i))).collect();
            Some(Node::new(default.pos, Value::List(items)))
        }
        Value::Map(_) => None,
        _ => Some(default.clone()),
    }
}

fn scalar_as_string(node: &Node) -> Value {
    node.scalar_text().map_or_else(|| node.value.clone(), Value::String)
}

pub(crate) fn contains_intrinsic(node: &Node) -> bool {
    let mut found = false;
    node.walk(&mut |_, n| found |= matches!(n.value, Value::Intrinsic { .. }));
    found
}

fn unresolved(pos: Pos, what: &str) -> Node {
    Node::new(pos, Value::Unresolved(what.to_string()))
}

/// Short text for an argument in an `Unresolved` message.
fn brief(node: &Node) -> String {
    match &node.value {
        Value::String(s) => s.clone(),
        Value::Unresolved(what) => what.clone(),
        _ => node.describe(),
    }
}

/// No unknown part anywhere inside.
fn is_concrete(node: &Node) -> bool {
    match &node.value {
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => true,
        Value::List(items) => items.iter().all(is_concrete),
        Value::Map(entries) => entries.iter().all(|(_, v)| is_concrete(v)),
        _ => false,
    }
}
