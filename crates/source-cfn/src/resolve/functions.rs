//! List and lookup functions: `Fn::Select`, `Fn::Split`, `Fn::FindInMap`, `Fn::Cidr`,
//! `Fn::Length`, `Fn::ToJsonString`. Each resolves its arguments, computes the result when they
//! are all known and says `Unresolved` otherwise.

use super::strings::known_scalar;
use super::{brief, cidr, contains_intrinsic, is_concrete, Resolver};
use nextgap_model::{Node, Pos, Value};

impl Resolver<'_> {
    /// `Fn::Select [index, list]`.
    pub(super) fn select(&mut self, arg: Node, depth: usize) -> Value {
        let arg = self.value(arg, depth);
        let Value::List(mut args) = arg.value else { return Value::Unresolved(format!("Fn::Select {}", brief(&arg))) };
        let index = args.first().and_then(Node::as_i64);
        match (index, args.get_mut(1).map(|l| &mut l.value)) {
            (Some(i), Some(Value::List(items))) if i >= 0 && (i as usize) < items.len() => {
                items.swap_remove(i as usize).value
            }
            _ => {
                let parts: Vec<String> = args.iter().map(brief).collect();
                Value::Unresolved(format!("Fn::Select [{}]", parts.join(", ")))
            }
        }
    }

    /// `Fn::Split [delimiter, text]`.
    pub(super) fn split(&mut self, pos: Pos, arg: Node, depth: usize) -> Value {
        let arg = self.value(arg, depth);
        match arg.items() {
            [delimiter, source] => match (known_scalar(delimiter), known_scalar(source)) {
                (Some(d), Some(s)) if !d.is_empty() => {
                    Value::List(s.split(d.as_str()).map(|part| Node::string(pos, part)).collect())
                }
                _ => Value::Unresolved(format!("Fn::Split {}", brief(source))),
            },
            _ => Value::Unresolved(format!("Fn::Split {}", brief(&arg))),
        }
    }

    /// `Fn::FindInMap [MapName, TopKey, SecondKey]`, optionally with `{DefaultValue: …}`.
    pub(super) fn find_in_map(&mut self, arg: Node, depth: usize) -> Value {
        let arg = self.value(arg, depth);
        let args = arg.items();
        let keys: Option<Vec<String>> = args.iter().take(3).map(known_scalar).collect();
        let keys = match keys {
            Some(keys) if keys.len() == 3 => keys,
            _ => {
                let parts: Vec<String> = args.iter().take(3).map(brief).collect();
                return Value::Unresolved(format!("Fn::FindInMap [{}]", parts.join(", ")));
            }
        };
        let found =
            self.mappings.and_then(|m| m.get(&keys[0])).and_then(|m| m.get(&keys[1])).and_then(|m| m.get(&keys[2]));
        let path = keys.join(".");
        match found {
            // Functions are not allowed in Mappings: refuse rather than resolve (no loops).
            Some(value) if contains_intrinsic(value) => Value::Unresolved(format!("Fn::FindInMap {path}")),
            Some(value) => match self.budget.copy(value) {
                Some(copy) => copy.value,
                None => Value::Unresolved(format!("Fn::FindInMap {path} (resolution budget exhausted)")),
            },
            None => match args.get(3).and_then(|options| options.get("DefaultValue")) {
                Some(default) => default.value.clone(),
                None => Value::Unresolved(format!("Fn::FindInMap {path} (not in Mappings)")),
            },
        }
    }

    /// `Fn::Cidr [ipBlock, count, cidrBits]`: the subnet blocks, computed.
    pub(super) fn cidr(&mut self, pos: Pos, arg: Node, depth: usize) -> Value {
        let arg = self.value(arg, depth);
        let blocks = match arg.items() {
            [block, count, bits] => match (block.as_str(), count.as_i64(), bits.as_i64()) {
                (Some(block), Some(count), Some(bits)) => cidr::subnets(block, count, bits),
                _ => None,
            },
            _ => None,
        };
        match blocks {
            Some(blocks) => Value::List(blocks.into_iter().map(|b| Node::string(pos, b)).collect()),
            None => Value::Unresolved(format!("Fn::Cidr {}", brief(&arg))),
        }
    }

    /// `Fn::Length list`: known when the list is, even if its items are not.
    pub(super) fn length(&mut self, arg: Node, depth: usize) -> Value {
        let arg = self.value(arg, depth);
        match &arg.value {
            Value::List(items) => Value::Number(items.len() as f64),
            _ => Value::Unresolved(format!("Fn::Length {}", brief(&arg))),
        }
    }

    /// `Fn::ToJsonString value`: compact JSON text, keys in template order.
    pub(super) fn json_string(&mut self, arg: Node, depth: usize) -> Value {
        let arg = self.value(arg, depth);
        if !is_concrete(&arg) {
            return Value::Unresolved("Fn::ToJsonString".into());
        }
        let mut out = String::new();
        write_json(&arg, &mut out);
        if !self.budget.charge_text(out.len()) {
            return Value::Unresolved("Fn::ToJsonString (resolution budget exhausted)".into());
        }
        Value::String(out)
    }
}

/// Compact JSON of a concrete node (`serde_json` would sort the keys).
fn write_json(node: &Node, out: &mut String) {
    match &node.value {
        Value::String(s) => out.push_str(&serde_json::Value::String(s.clone()).to_string()),
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out);
            }
            out.push(']');
        }
        Value::Map(entries) => {
            out.push('{');
            for (i, (key, value)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::Value::String(key.name.clone()).to_string());
                out.push(':');
                write_json(value, out);
            }
            out.push('}');
        }
        _ => out.push_str(&node.scalar_text().unwrap_or_else(|| "null".into())),
    }
}
