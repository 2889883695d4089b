//! A JSON tree that remembers where each value starts in the text, so lint issues can name a
//! line and column. serde_json does the parsing: each object or array is re-read from its
//! [`RawValue`] slice, whose address inside the input gives the offset. Objects keep their
//! keys in order, duplicates included (serde_json's `Value` would drop them silently).

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use std::fmt;

/// One JSON value with the byte offset where it starts (`None` for values given as a parsed
/// `serde_json::Value`).
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub at: Option<usize>,
    pub value: V,
}

#[derive(Debug, Clone)]
pub(crate) enum V {
    Null,
    Bool(bool),
    Number(String),
    Str(String),
    Array(Vec<Node>),
    /// Keys in input order, duplicates kept; each key with the offset of its value.
    Object(Vec<(String, Node)>),
}

impl Node {
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            V::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn entries(&self) -> Option<&[(String, Node)]> {
        match &self.value {
            V::Object(e) => Some(e),
            _ => None,
        }
    }

    /// The value of `key` (exact case); of a duplicated key, the last one, as serde_json reads it.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries()?.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// JSON type name for messages.
    pub fn type_name(&self) -> &'static str {
        match self.value {
            V::Null => "null",
            V::Bool(_) => "a boolean",
            V::Number(_) => "a number",
            V::Str(_) => "a string",
            V::Array(_) => "a list",
            V::Object(_) => "an object",
        }
    }
}

/// Ordered map entries of one object, values left raw.
struct Entries<'a>(Vec<(String, &'a RawValue)>);

impl<'de> Deserialize<'de> for Entries<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Ordered;
        impl<'de> Visitor<'de> for Ordered {
            type Value = Entries<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries<'de>, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry::<String, &'de RawValue>()? {
                    out.push(entry);
                }
                Ok(Entries(out))
            }
        }
        deserializer.deserialize_map(Ordered)
    }
}

/// Parses `text` into a located tree. The error is serde_json's, with its line and column.
pub(crate) fn parse(text: &str) -> Result<Node, serde_json::Error> {
    let raw: &RawValue = serde_json::from_str(text)?;
    located(raw, text)
}

fn located(raw: &RawValue, base: &str) -> Result<Node, serde_json::Error> {
    let slice = raw.get();
    let trimmed = slice.trim_start();
    let at = (trimmed.as_ptr() as usize).checked_sub(base.as_ptr() as usize);
    let value = match trimmed.as_bytes().first() {
        Some(b'{') => {
            let Entries(entries) = serde_json::from_str(trimmed)?;
            V::Object(entries.into_iter().map(|(k, v)| Ok((k, located(v, base)?))).collect::<Result<_, _>>()?)
        }
        Some(b'[') => {
            let items: Vec<&RawValue> = serde_json::from_str(trimmed)?;
            V::Array(items.into_iter().map(|v| located(v, base)).collect::<Result<_, _>>()?)
        }
        _ => scalar(&serde_json::from_str(trimmed)?),
    };
    Ok(Node { at, value })
}

fn scalar(v: &serde_json::Value) -> V {
    match v {
        serde_json::Value::Null => V::Null,
        serde_json::Value::Bool(b) => V::Bool(*b),
        serde_json::Value::Number(n) => V::Number(n.to_string()),
        serde_json::Value::String(s) => V::Str(s.clone()),
        other => from_value(other).value,
    }
}

/// A parsed value as a tree without positions.
pub(crate) fn from_value(v: &serde_json::Value) -> Node {
    let value = match v {
        serde_json::Value::Array(items) => V::Array(items.iter().map(from_value).collect()),
        serde_json::Value::Object(map) => V::Object(map.iter().map(|(k, v)| (k.clone(), from_value(v))).collect()),
        other => scalar(other),
    };
    Node { at: None, value }
}

/// 1-based line and column (in characters) of byte offsets of one text.
pub(crate) struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        Lines { text, starts }
    }

    pub fn position(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let column = self.text.get(start..offset).map_or(offset - start, |s| s.chars().count()) + 1;
        (line as u32, column as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_point_at_values() {
        let text = "{\n  \"a\": [1, {\"b\": \"x\"}],\n  \"a\": null\n}";
        let node = parse(text).unwrap();
        let lines = Lines::new(text);
        let entries = node.entries().unwrap();
        assert_eq!(entries.len(), 2, "duplicate keys are kept");
        assert_eq!(lines.position(entries[0].1.at.unwrap()), (2, 8));
        let V::Array(items) = &entries[0].1.value else { panic!() };
        assert_eq!(lines.position(items[1].at.unwrap()), (2, 12));
        assert_eq!(lines.position(entries[1].1.at.unwrap()), (3, 8));
        assert_eq!(lines.position(0), (1, 1));
    }

    #[test]
    fn columns_count_characters() {
        let text = "{\"é\": \"x\"}";
        let node = parse(text).unwrap();
        let lines = Lines::new(text);
        assert_eq!(lines.position(node.entries().unwrap()[0].1.at.unwrap()), (1, 7));
    }
}
