//! Names of CloudFormation intrinsic functions in their short (YAML tag) and long (one-key map)
//! forms. Both loaders use this, so `!Sub x` and `{"Fn::Sub": "x"}` give the same node.

use nextgap_model::{Key, Node, Value};

/// Short-form tags that are spelled `Fn::<Tag>` in long form.
const FN_TAGS: &[&str] = &[
    "And",
    "Base64",
    "Cidr",
    "Equals",
    "FindInMap",
    "GetAZs",
    "GetAtt",
    "If",
    "ImportValue",
    "Join",
    "Length",
    "Not",
    "Or",
    "Select",
    "Split",
    "Sub",
    "ToJsonString",
    "Transform",
];

/// Intrinsic name for a local YAML tag (`!Sub` → `Fn::Sub`). Tags CloudFormation does not know
/// keep their spelling (`!Foo`), so the resolver reports them as unresolved instead of the
/// loader silently dropping the tag.
pub fn intrinsic_for_tag(suffix: &str) -> String {
    match suffix {
        "Ref" | "Condition" => suffix.to_string(),
        _ if FN_TAGS.contains(&suffix) => format!("Fn::{suffix}"),
        _ => format!("!{suffix}"),
    }
}

/// Argument of a tagged scalar. `!GetAtt A.B.C` is the list `[A, B.C]` (split at the first dot,
/// as CloudFormation does); other tagged scalars are strings whatever they look like.
pub fn scalar_arg(name: &str, node: Node) -> Node {
    let Value::String(text) = &node.value else { return node };
    match text.split_once('.') {
        Some((resource, attribute)) if name == "Fn::GetAtt" => {
            let items = vec![Node::string(node.pos, resource), Node::string(node.pos, attribute)];
            Node::new(node.pos, Value::List(items))
        }
        _ => node,
    }
}

/// Whether a map with the single key `key` is a long-form intrinsic. `Condition` is not: as a
/// one-key map it is a condition reference only inside condition expressions, which the resolver
/// handles. `Fn::ForEach::<Name>` is a template-level loop, not a value.
pub fn is_long_form(key: &str) -> bool {
    key == "Ref" || (key.starts_with("Fn::") && !key.starts_with("Fn::ForEach"))
}

/// Turns a one-entry map `{Ref: X}` / `{Fn::*: …}` into an intrinsic; other maps stay maps.
pub fn map_or_intrinsic(pos: nextgap_model::Pos, mut entries: Vec<(Key, Node)>) -> Node {
    if entries.len() == 1 && is_long_form(&entries[0].0.name) {
        let (key, arg) = entries.pop().expect("one entry");
        return Node::new(pos, Value::Intrinsic { name: key.name, arg: Box::new(arg) });
    }
    Node::new(pos, Value::Map(entries))
}
