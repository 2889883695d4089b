//! Evaluation of the `Conditions` section: `Some(bool)` when decided, `None` when the answer
//! depends on something only known at deployment (a parameter without default, a pseudo
//! parameter…). `Fn::And`/`Fn::Or` use three-valued logic, so `And[false, unknown]` is false.

use super::{is_concrete, Resolver};
use nextgap_model::{Node, Value};

/// Most combinations of `Choice` alternatives compared by one `Fn::Equals`.
const MAX_COMBINATIONS: usize = 16;

impl Resolver<'_> {
    /// Value of the named condition, computed once; cycles and unknown names give `None`.
    pub(super) fn condition_named(&mut self, name: &str, depth: usize) -> Option<bool> {
        if let Some(value) = self.condition_values.get(name) {
            return *value;
        }
        let node = *self.conditions.get(name)?;
        if depth > self.max_depth || !self.evaluating.insert(name.to_string()) {
            return None;
        }
        let value = self.condition(node, depth + 1);
        self.evaluating.remove(name);
        self.condition_values.insert(name.to_string(), value);
        value
    }

    /// Value of a condition expression.
    pub(super) fn condition(&mut self, node: &Node, depth: usize) -> Option<bool> {
        if depth > self.max_depth {
            return None;
        }
        match &node.value {
            Value::Intrinsic { name, arg } => match name.as_str() {
                "Fn::Equals" => self.equals(arg, depth + 1),
                "Fn::And" => self.all(arg.items(), depth + 1),
                "Fn::Or" => self.any(arg.items(), depth + 1),
                "Fn::Not" => self.condition(arg.items().first().unwrap_or(arg), depth + 1).map(|b| !b),
                "Condition" => arg.as_str().and_then(|n| self.condition_named(n, depth + 1)),
                _ => None,
            },
            // The long form `{"Condition": "Name"}`, meaningful only here.
            Value::Map(entries) if entries.len() == 1 && entries[0].0.name == "Condition" => {
                entries[0].1.as_str().and_then(|n| self.condition_named(n, depth + 1))
            }
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// Three-valued AND: false if any is false, true if all are true, else unknown.
    fn all(&mut self, items: &[Node], depth: usize) -> Option<bool> {
        let mut result = Some(true);
        for item in items {
            match self.condition(item, depth) {
                Some(false) => return Some(false),
                None => result = None,
                Some(true) => {}
            }
        }
        result
    }

    /// Three-valued OR: true if any is true, false if all are false, else unknown.
    fn any(&mut self, items: &[Node], depth: usize) -> Option<bool> {
        let mut result = Some(false);
        for item in items {
            match self.condition(item, depth) {
                Some(true) => return Some(true),
                None => result = None,
                Some(false) => {}
            }
        }
        result
    }

    /// `Fn::Equals [a, b]`, compared as CloudFormation does: as text. Operands that are a
    /// `Choice` decide the condition only when every combination agrees.
    fn equals(&mut self, arg: &Node, depth: usize) -> Option<bool> {
        let [a, b] = arg.items() else { return None };
        let a = self.operand(a, depth)?;
        let b = self.operand(b, depth)?;
        let (xs, ys) = (a.alternatives(), b.alternatives());
        if xs.len() * ys.len() > MAX_COMBINATIONS {
            return None;
        }
        let mut answers = xs.iter().flat_map(|x| ys.iter().map(move |y| same_value(x, y)));
        let first = answers.next()??;
        answers.all(|a| a == Some(first)).then_some(first)
    }

    fn operand(&mut self, node: &Node, depth: usize) -> Option<Node> {
        let copy = self.budget.copy(node)?;
        Some(self.value(copy, depth))
    }
}

fn same_value(a: &Node, b: &Node) -> Option<bool> {
    Some(canonical(a)? == canonical(b)?)
}

/// Text of a known value: scalars as CloudFormation prints them, structures as JSON.
fn canonical(node: &Node) -> Option<String> {
    match &node.value {
        Value::Null => Some(String::new()),
        Value::List(_) | Value::Map(_) => is_concrete(node).then(|| node.to_json().to_string()),
        _ => node.scalar_text(),
    }
}
