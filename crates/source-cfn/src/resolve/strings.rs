//! `Fn::Sub` and `Fn::Join`: strings assembled from parts.
//!
//! When a part is unknown the result is `Unresolved("Fn::Sub <template>")` (or `Fn::Join`), where
//! the template is what is left to substitute: known parts filled in (with `${` escaped as `${!`),
//! unknown ones as `${Name}`, `${Resource.Attribute}` or `${<description>}`. So rules can still
//! see `arn:aws:s3:::${MyBucket}/*` ends in a wildcard (see `crate::partial_text`).

use super::{brief, Resolver};
use nextgap_model::{Key, Node, Value};

/// One part of an assembled string.
enum Piece {
    Known(String),
    /// Not known: a `Fn::Sub` template standing for it.
    Partial(String),
}

/// The string being assembled, both as final text and as a template of what is missing.
#[derive(Default)]
struct Text {
    full: String,
    template: String,
    complete: bool,
}

impl Text {
    fn new() -> Self {
        Text { complete: true, ..Default::default() }
    }

    /// Literal text of a `Fn::Sub` template (already in template syntax).
    fn literal(&mut self, text: &str) {
        self.full.push_str(text);
        self.template.push_str(text);
    }

    /// `${!` in a template: a literal `${`.
    fn escaped_open(&mut self) {
        self.full.push_str("${");
        self.template.push_str("${!");
    }

    fn piece(&mut self, piece: Piece) {
        match piece {
            Piece::Known(text) => {
                self.full.push_str(&text);
                self.template.push_str(&text.replace("${", "${!"));
            }
            Piece::Partial(template) => {
                self.complete = false;
                self.template.push_str(&template);
            }
        }
    }

    fn finish(self, function: &str, resolver: &mut Resolver) -> Value {
        let len = self.full.len().max(self.template.len());
        if !resolver.budget.charge_text(len) {
            return Value::Unresolved(format!("{function} (resolution budget exhausted)"));
        }
        match self.complete {
            true => Value::String(self.full),
            false => Value::Unresolved(format!("{function} {}", self.template)),
        }
    }
}

impl Resolver<'_> {
    /// `Fn::Sub "template"` or `Fn::Sub ["template", {Var: value}]`.
    pub(super) fn sub(&mut self, arg: Node, depth: usize) -> Value {
        let (template, vars) = match arg.value {
            Value::String(template) => (template, Vec::new()),
            Value::List(items) if items.len() == 2 && items[0].as_str().is_some() => {
                let [template, vars] = <[Node; 2]>::try_from(items).expect("two items");
                let vars = match self.value(vars, depth).value {
                    Value::Map(entries) => entries,
                    _ => Vec::new(),
                };
                (template.as_str().unwrap_or_default().to_string(), vars)
            }
            value => {
                return Value::Unresolved(format!("Fn::Sub {}", brief(&self.value(Node::new(arg.pos, value), depth))))
            }
        };
        self.render_sub(&template, &vars)
    }

    fn render_sub(&mut self, template: &str, vars: &[(Key, Node)]) -> Value {
        let mut text = Text::new();
        let mut rest = template;
        while let Some(start) = rest.find("${") {
            text.literal(&rest[..start]);
            let after = &rest[start + 2..];
            if let Some(escaped) = after.strip_prefix('!') {
                text.escaped_open();
                rest = escaped;
                continue;
            }
            let Some(end) = after.find('}') else {
                // An unterminated `${` is literal text.
                text.escaped_open();
                rest = after;
                break;
            };
            let piece = self.sub_variable(&after[..end], vars);
            text.piece(piece);
            rest = &after[end + 1..];
        }
        text.literal(rest);
        text.finish("Fn::Sub", self)
    }

    /// `${Name}`: a variable of the `Fn::Sub`, else a parameter, resource, attribute or pseudo
    /// parameter.
    fn sub_variable(&mut self, name: &str, vars: &[(Key, Node)]) -> Piece {
        if let Some((_, value)) = vars.iter().find(|(k, _)| k.name == name) {
            return piece(value);
        }
        if !name.contains('.') {
            let value = Node::synthetic(self.ref_name(name));
            if let Some(text) = known_scalar(&value) {
                return Piece::Known(text);
            }
        }
        Piece::Partial(format!("${{{name}}}"))
    }

    /// `Fn::Join [delimiter, [parts…]]`.
    pub(super) fn join(&mut self, arg: Node, depth: usize) -> Value {
        let arg = self.value(arg, depth);
        let (Some(delimiter), Some(list)) = (arg.items().first().and_then(known_scalar), arg.items().get(1)) else {
            return Value::Unresolved(format!("Fn::Join {}", brief(&arg)));
        };
        let Value::List(items) = &list.value else {
            let Piece::Partial(template) = piece(list) else {
                return Value::Unresolved(format!("Fn::Join {}", brief(list)));
            };
            return Value::Unresolved(format!("Fn::Join {template}"));
        };
        let mut text = Text::new();
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                text.piece(Piece::Known(delimiter.clone()));
            }
            text.piece(piece(item));
        }
        text.finish("Fn::Join", self)
    }
}

/// Text of a known scalar (`Null` and structures are not usable in a string).
pub(super) fn known_scalar(node: &Node) -> Option<String> {
    match node.value {
        Value::String(_) | Value::Number(_) | Value::Bool(_) => node.scalar_text(),
        _ => None,
    }
}

fn piece(node: &Node) -> Piece {
    if let Some(text) = known_scalar(node) {
        return Piece::Known(text);
    }
    let placeholder = match &node.value {
        Value::Unresolved(what) => {
            if let Some(template) = what.strip_prefix("Fn::Sub ").or_else(|| what.strip_prefix("Fn::Join ")) {
                return Piece::Partial(template.to_string());
            }
            what.strip_prefix("Ref ").or_else(|| what.strip_prefix("Fn::GetAtt ")).unwrap_or(what).to_string()
        }
        Value::ResourceRef { logical_id, attribute: None } => logical_id.clone(),
        Value::ResourceRef { logical_id, attribute: Some(a) } => format!("{logical_id}.{a}"),
        _ => node.describe(),
    };
    // A `}` inside would end the placeholder early.
    Piece::Partial(format!("${{{}}}", placeholder.replace('}', ")")))
}
