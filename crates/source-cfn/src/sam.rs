//! AWS SAM: `AWS::Serverless::*` resources stay as they are (rules know those types), but the
//! `Globals` section is applied first, as the SAM translator does: `Globals.Function` goes into
//! every `AWS::Serverless::Function`, `Globals.Api` into every `AWS::Serverless::Api`, and so on.
//! Merging follows SAM: a value the resource sets wins, maps are merged key by key (recursively),
//! lists are concatenated with the global items first.

use crate::resolve::Budget;
use nextgap_model::{Key, Node, Value};

const TRANSFORM: &str = "AWS::Serverless-2016-10-31";

pub fn is_serverless(transform: Option<&Node>) -> bool {
    let Some(transform) = transform else { return false };
    transform.as_str() == Some(TRANSFORM) || transform.items().iter().any(|t| t.as_str() == Some(TRANSFORM))
}

pub fn merge_globals(globals: &Node, resources: &mut [(Key, Node)], budget: &mut Budget) {
    for (section, properties) in globals.entries() {
        if !matches!(properties.value, Value::Map(_)) {
            continue;
        }
        let resource_type = format!("AWS::Serverless::{}", section.name);
        for (_, resource) in resources.iter_mut() {
            if resource.get("Type").and_then(Node::as_str) != Some(resource_type.as_str()) {
                continue;
            }
            let Some(copy) = budget.copy(properties) else { return };
            if let Some(local) = properties_of(resource) {
                merge(local, copy);
            }
        }
    }
}

/// The resource's `Properties` map, created when missing or empty; `None` when it is something
/// else (an `Fn::If`…), which SAM would not merge into either.
fn properties_of(resource: &mut Node) -> Option<&mut Node> {
    let pos = resource.pos;
    let Value::Map(entries) = &mut resource.value else { return None };
    let index = match entries.iter().position(|(k, _)| k.name == "Properties") {
        Some(i) => i,
        None => {
            entries.push((Key { name: "Properties".into(), pos }, Node::new(pos, Value::Null)));
            entries.len() - 1
        }
    };
    let properties = &mut entries[index].1;
    if properties.value == Value::Null {
        properties.value = Value::Map(Vec::new());
    }
    matches!(properties.value, Value::Map(_)).then_some(properties)
}

fn merge(local: &mut Node, global: Node) {
    match (&mut local.value, global.value) {
        (Value::Map(local), Value::Map(global)) => {
            for (key, value) in global {
                match local.iter_mut().find(|(k, _)| k.name == key.name) {
                    Some((_, existing)) => merge(existing, value),
                    None => local.push((key, value)),
                }
            }
        }
        (Value::List(local), Value::List(mut global)) => {
            global.append(local);
            *local = global;
        }
        _ => {}
    }
}
