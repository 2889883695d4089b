//! JSON → `Node` via jsonc-parser's AST (which keeps byte ranges for positions).
//!
//! jsonc-parser recurses once per nesting level, so the nesting depth is measured with a flat
//! byte scan first and deep documents are refused before the parser sees them.

use crate::{scalar, tags, text::LineIndex, Limits, LoadError};
use jsonc_parser::ast;
use jsonc_parser::{CollectOptions, ParseOptions};
use nextgap_model::{Key, Node, Value};
use std::collections::HashSet;

pub enum Failure {
    /// Not valid JSON: the caller may try YAML.
    Syntax(LoadError),
    /// Valid or not, too big to handle: reported as is.
    Limit(LoadError),
}

pub fn parse(file: &str, text: &str, limits: &Limits) -> Result<Node, Failure> {
    let mut lines = LineIndex::new(text);
    if let Some(offset) = too_deep(text, limits.max_depth) {
        let message = format!("nesting deeper than {}", limits.max_depth);
        return Err(Failure::Limit(LoadError::new(file, lines.pos(offset), message)));
    }
    let value = parse_ast(file, text, &mut lines)?;
    let mut converter = Converter { file, lines, nodes: 0, max_nodes: limits.max_nodes };
    converter.value(value)
}

/// Strict JSON except that comments and trailing commas are tolerated (tools emit them and they
/// change no value).
fn options() -> ParseOptions {
    ParseOptions {
        allow_comments: true,
        allow_loose_object_property_names: false,
        allow_trailing_commas: true,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    }
}

fn parse_ast<'t>(file: &str, text: &'t str, lines: &mut LineIndex) -> Result<ast::Value<'t>, Failure> {
    let parsed = jsonc_parser::parse_to_ast(text, &CollectOptions::default(), &options()).map_err(|e| {
        let pos = lines.pos(e.range().start);
        Failure::Syntax(LoadError::new(file, pos, e.kind().to_string()))
    })?;
    parsed.value.ok_or_else(|| Failure::Syntax(LoadError::whole_file(file, "no JSON value")))
}

/// Offset of the first bracket opening a level deeper than `max`, skipping strings and comments.
fn too_deep(text: &str, max: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let (mut depth, mut i) = (0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'"' => i = skip_string(bytes, i),
            b'/' if bytes.get(i + 1) == Some(&b'/') => i = find(bytes, i, b"\n"),
            b'/' if bytes.get(i + 1) == Some(&b'*') => i = find(bytes, i + 2, b"*/") + 1,
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

/// Index of the closing quote of the string opening at `start` (or the end of the text).
fn skip_string(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i,
            _ => i += 1,
        }
    }
    bytes.len()
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> usize {
    let from = from.min(bytes.len());
    bytes[from..].windows(needle.len()).position(|w| w == needle).map_or(bytes.len(), |p| from + p)
}

struct Converter<'f, 't> {
    file: &'f str,
    lines: LineIndex<'t>,
    nodes: usize,
    max_nodes: usize,
}

impl Converter<'_, '_> {
    /// Recursive, but only over documents whose depth `too_deep` has bounded.
    fn value(&mut self, value: ast::Value) -> Result<Node, Failure> {
        let pos = self.lines.pos(value_start(&value));
        self.nodes += 1;
        if self.nodes > self.max_nodes {
            let message = format!("more than {} nodes", self.max_nodes);
            return Err(Failure::Limit(LoadError::new(self.file, pos, message)));
        }
        let value = match value {
            ast::Value::StringLit(s) => Value::String(s.value.into_owned()),
            ast::Value::NumberLit(n) => scalar::json_number(n.value),
            ast::Value::BooleanLit(b) => Value::Bool(b.value),
            ast::Value::NullKeyword(_) => Value::Null,
            ast::Value::Array(array) => {
                let items = array.elements.into_iter().map(|v| self.value(v)).collect::<Result<_, _>>()?;
                Value::List(items)
            }
            ast::Value::Object(object) => return self.object(pos, object),
        };
        Ok(Node::new(pos, value))
    }

    fn object(&mut self, pos: nextgap_model::Pos, object: ast::Object) -> Result<Node, Failure> {
        // Small objects (nearly all) are checked for duplicates by a scan, big ones by a set.
        let mut seen = HashSet::new();
        let big = object.properties.len() > 16;
        let mut entries: Vec<(Key, Node)> = Vec::with_capacity(object.properties.len());
        for prop in object.properties {
            let key_pos = self.lines.pos(prop.range.start);
            let name = prop.name.into_string();
            let duplicate = match big {
                true => !seen.insert(name.clone()),
                false => entries.iter().any(|(k, _)| k.name == name),
            };
            if duplicate {
                let error = LoadError::new(self.file, key_pos, format!("duplicate key \"{name}\""));
                return Err(Failure::Syntax(error));
            }
            let node = self.value(prop.value)?;
            entries.push((Key { name, pos: key_pos }, node));
        }
        Ok(tags::map_or_intrinsic(pos, entries))
    }
}

fn value_start(value: &ast::Value) -> usize {
    match value {
        ast::Value::StringLit(v) => v.range.start,
        ast::Value::NumberLit(v) => v.range.start,
        ast::Value::BooleanLit(v) => v.range.start,
        ast::Value::NullKeyword(v) => v.range.start,
        ast::Value::Array(v) => v.range.start,
        ast::Value::Object(v) => v.range.start,
    }
}
