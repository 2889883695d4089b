#![allow(dead_code)]

use nextgap_model::{Model, Node, Pos, Resource, Value};
use nextgap_source_cfn::{load, Limits, LoadError, Loaded};

pub fn template(file: &str, text: &str) -> Model {
    match load(file, text.as_bytes(), &Limits::default()) {
        Ok(Loaded::Template(model)) => *model,
        Ok(Loaded::NotATemplate { reason }) => panic!("not a template: {reason}"),
        Err(e) => panic!("{e}"),
    }
}

pub fn yaml(text: &str) -> Model {
    template("t.yaml", text)
}

pub fn error(file: &str, bytes: &[u8]) -> LoadError {
    match load(file, bytes, &Limits::default()) {
        Err(e) => e,
        Ok(Loaded::Template(_)) => panic!("loaded as a template"),
        Ok(Loaded::NotATemplate { reason }) => panic!("not a template: {reason}"),
    }
}

pub fn not_template(file: &str, bytes: &[u8]) -> String {
    match load(file, bytes, &Limits::default()) {
        Ok(Loaded::NotATemplate { reason }) => reason,
        Ok(Loaded::Template(_)) => panic!("loaded as a template"),
        Err(e) => panic!("error instead of NotATemplate: {e}"),
    }
}

pub fn resource<'m>(model: &'m Model, id: &str) -> &'m Resource {
    model.resource(id).unwrap_or_else(|| panic!("no resource {id}"))
}

pub fn prop<'m>(model: &'m Model, id: &str, path: &str) -> &'m Node {
    resource(model, id).prop(path).unwrap_or_else(|| panic!("no {id}.{path}"))
}

pub fn pos(line: u32, column: u32) -> Pos {
    Pos::new(line, column)
}

pub fn s(text: &str) -> Value {
    Value::String(text.to_string())
}

pub fn unresolved(text: &str) -> Value {
    Value::Unresolved(text.to_string())
}

pub fn strings(node: &Node) -> Vec<String> {
    node.items().iter().map(|i| i.as_str().expect("string item").to_string()).collect()
}
