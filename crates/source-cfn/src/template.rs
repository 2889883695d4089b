//! Recognises a template and turns its sections into the model's resources and parameters.

use crate::resolve::{size_of, Budget, Resolver};
use crate::{sam, Limits, Loaded};
use nextgap_model::{Key, Model, Node, Parameter, Resource, Value};

/// Top-level sections the loader uses; everything else (Outputs, Rules, Metadata…) is ignored.
#[derive(Default)]
pub struct Sections {
    pub parameters: Option<Node>,
    pub mappings: Option<Node>,
    pub conditions: Option<Node>,
    pub resources: Option<Node>,
    pub globals: Option<Node>,
    pub transform: Option<Node>,
}

pub fn build(file: &str, root: Node, limits: &Limits) -> Loaded {
    let entries = match root.value {
        Value::Map(entries) => entries,
        other => {
            let what = Node::synthetic(other).describe();
            return not_template(format!("the document is not a mapping ({})", shorten(&what)));
        }
    };
    let has = |name: &str| entries.iter().any(|(k, _)| k.name == name);
    let size = entries.iter().map(|(_, v)| size_of(v)).sum();
    if !has("Resources") && !has("AWSTemplateFormatVersion") && !has("Transform") {
        return not_template("a mapping without Resources, AWSTemplateFormatVersion or Transform".into());
    }
    let mut sections = split(entries);
    let parameters = sections.parameters.as_ref().map(parameters).unwrap_or_default();
    let mut resources = sections.resources.take().map(|r| r.value);
    let budget = Budget::for_document(size, limits.max_nodes);
    let mut resolver = Resolver::new(&sections, &parameters, resources.as_ref(), limits, budget);
    if sam::is_serverless(sections.transform.as_ref()) {
        if let (Some(globals), Some(Value::Map(resources))) = (&sections.globals, &mut resources) {
            sam::merge_globals(globals, resources, &mut resolver.budget);
        }
    }
    let resources = match resources {
        Some(Value::Map(entries)) => {
            entries.into_iter().filter_map(|(key, node)| resource(&mut resolver, key, node)).collect()
        }
        _ => Vec::new(),
    };
    Loaded::Template(Box::new(Model::new(file, resources, parameters)))
}

fn not_template(reason: String) -> Loaded {
    Loaded::NotATemplate { reason }
}

fn shorten(text: &str) -> String {
    match text.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

fn split(entries: Vec<(Key, Node)>) -> Sections {
    let mut sections = Sections::default();
    for (key, node) in entries {
        let slot = match key.name.as_str() {
            "Parameters" => &mut sections.parameters,
            "Mappings" => &mut sections.mappings,
            "Conditions" => &mut sections.conditions,
            "Resources" => &mut sections.resources,
            "Globals" => &mut sections.globals,
            "Transform" => &mut sections.transform,
            _ => continue,
        };
        *slot = Some(node);
    }
    sections
}

fn parameters(section: &Node) -> Vec<Parameter> {
    section.entries().iter().filter(|(_, v)| matches!(v.value, Value::Map(_))).map(|(k, v)| parameter(k, v)).collect()
}

fn parameter(key: &Key, node: &Node) -> Parameter {
    let allowed = node.get("AllowedValues").map(|v| v.items().iter().filter_map(Node::scalar_text).collect());
    Parameter {
        name: key.name.clone(),
        pos: key.pos,
        param_type: node.get("Type").and_then(Node::scalar_text).unwrap_or_else(|| "String".into()),
        default: node.get("Default").cloned(),
        no_echo: node.get("NoEcho").and_then(Node::as_bool).unwrap_or(false),
        allowed_values: allowed.unwrap_or_default(),
    }
}

/// One entry of `Resources`. Entries that are not maps (e.g. `Fn::ForEach::*` loops of the
/// LanguageExtensions transform) are skipped; an odd `Type` (a Rain module's mapping) is kept as
/// its description, so no rule matches it but nothing fails.
fn resource(resolver: &mut Resolver, key: Key, node: Node) -> Option<Resource> {
    let Value::Map(entries) = node.value else { return None };
    let mut resource = Resource {
        logical_id: key.name,
        resource_type: String::new(),
        pos: key.pos,
        properties: Node::new(key.pos, Value::Map(Vec::new())),
        metadata: None,
        deletion_policy: None,
        update_replace_policy: None,
        condition: None,
        arn: None,
    };
    for (attr, value) in entries {
        match attr.name.as_str() {
            "Type" => resource.resource_type = value.as_str().map_or_else(|| value.describe(), str::to_string),
            "Properties" => resource.properties = resolver.resolve(value),
            "Metadata" => resource.metadata = Some(resolver.resolve(value)),
            "DeletionPolicy" => resource.deletion_policy = Some(resolver.resolve(value)),
            "UpdateReplacePolicy" => resource.update_replace_policy = Some(resolver.resolve(value)),
            "Condition" => resource.condition = value.scalar_text(),
            _ => {}
        }
    }
    // `Properties:` left empty, or removed by `AWS::NoValue`, means no properties.
    if matches!(resource.properties.value, Value::Null | Value::Absent) {
        resource.properties = Node::new(resource.pos, Value::Map(Vec::new()));
    }
    Some(resource)
}
