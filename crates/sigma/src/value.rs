//! A rule's field, looked up in an event.
//!
//! Lookup follows `Event::get`: the whole dotted name as a top-level key first, then the path
//! member by member. One addition: an array met before the path ends applies the rest of the
//! path to each element (`requestParameters.containerDefinitions.command` reaches the command
//! of every container), as log backends that flatten arrays do. A value is matched as text:
//! strings unescaped, numbers and booleans as written, objects as compact JSON, arrays by each
//! element and then as compact JSON.

use crate::json;
use nextgap_model::event::Event;
use std::borrow::Cow;

/// A dotted field name, split once at load time.
#[derive(Clone, Debug)]
pub struct FieldPath {
    full: Box<str>,
    head: Box<str>,
    rest: Box<[Box<str>]>,
}

impl FieldPath {
    pub fn new(name: &str) -> FieldPath {
        let mut parts = name.split('.');
        let head = parts.next().unwrap_or_default().into();
        FieldPath { full: name.into(), head, rest: parts.map(Into::into).collect() }
    }

    pub fn name(&self) -> &str {
        &self.full
    }
}

/// A field's value in one event, borrowed from it.
#[derive(Clone, Debug)]
pub enum Val<'a, 'p> {
    Absent,
    Null,
    /// A string (unescaped), number or boolean, as text.
    Scalar(Cow<'a, str>),
    Object(&'a str),
    Array(&'a str),
    /// An array met before the end of the path: the rest applies to each element.
    Spread(&'a str, &'p [Box<str>]),
}

/// The value of `path` in `ev`.
pub fn resolve<'a, 'p>(ev: &Event<'a>, path: &'p FieldPath) -> Val<'a, 'p> {
    if let Some(raw) = ev.raw(&path.full) {
        return of(raw.get());
    }
    if path.rest.is_empty() {
        return Val::Absent;
    }
    match ev.raw(&path.head) {
        Some(raw) => descend(raw.get(), &path.rest),
        None => Val::Absent,
    }
}

fn descend<'a, 'p>(mut text: &'a str, parts: &'p [Box<str>]) -> Val<'a, 'p> {
    for (i, part) in parts.iter().enumerate() {
        match text.trim_start().as_bytes().first() {
            Some(b'{') => match json::member(text, part) {
                Some(v) => text = v,
                None => return Val::Absent,
            },
            Some(b'[') => return Val::Spread(text, &parts[i..]),
            _ => return Val::Absent,
        }
    }
    of(text)
}

/// A raw JSON value as a `Val`.
pub fn of<'a, 'p>(text: &'a str) -> Val<'a, 'p> {
    let text = text.trim();
    match text.as_bytes().first() {
        Some(b'"') => json::unquote(text).map_or(Val::Absent, Val::Scalar),
        Some(b'{') => Val::Object(text),
        Some(b'[') => Val::Array(text),
        Some(b'n') => Val::Null,
        Some(_) => Val::Scalar(Cow::Borrowed(text)),
        None => Val::Absent,
    }
}

impl Val<'_, '_> {
    /// Absent or null (for a spread: in every element).
    pub fn is_null(&self) -> bool {
        match self {
            Val::Absent | Val::Null => true,
            Val::Spread(arr, rest) => json::elements(arr).all(|el| descend(el, rest).is_null()),
            _ => false,
        }
    }

    /// Whether `f` holds for the value's text, or for one of its elements'.
    pub fn any(&self, f: &mut dyn FnMut(&str) -> bool) -> bool {
        match self {
            Val::Absent | Val::Null => false,
            Val::Scalar(s) => f(s),
            Val::Object(text) => f(&json::compact(text)),
            Val::Array(text) => {
                let mut elements = json::elements(text).peekable();
                let non_empty = elements.peek().is_some();
                elements.any(|el| of(el).any(f)) || (non_empty && f(&json::compact(text)))
            }
            Val::Spread(arr, rest) => json::elements(arr).any(|el| descend(el, rest).any(f)),
        }
    }

    /// The value as one text (the first non-null one of a spread), for `|fieldref`.
    pub fn text(&self) -> Option<Cow<'_, str>> {
        match self {
            Val::Absent | Val::Null => None,
            Val::Scalar(s) => Some(Cow::Borrowed(s)),
            Val::Object(text) | Val::Array(text) => Some(json::compact(text)),
            Val::Spread(arr, rest) => {
                json::elements(arr).find_map(|el| descend(el, rest).text().map(|t| Cow::Owned(t.into_owned())))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(ev: &Event<'_>, path: &str) -> Vec<String> {
        let path = FieldPath::new(path);
        let mut seen = Vec::new();
        resolve(ev, &path).any(&mut |t| {
            seen.push(t.to_string());
            false
        });
        seen
    }

    #[test]
    fn resolves_paths() {
        let text = r#"{"a.b": 1, "a": {"b": 2, "c": [{"d": "x"}, {"d": ["y", null]}], "e": null}, "f": [1, "z"]}"#;
        let ev = Event::parse(text).unwrap();
        assert_eq!(texts(&ev, "a.b"), ["1"]);
        assert_eq!(texts(&ev, "a.c.d"), ["x", "y", r#"["y",null]"#]);
        assert_eq!(texts(&ev, "f"), ["1", "z", r#"[1,"z"]"#]);
        assert!(resolve(&ev, &FieldPath::new("a.e")).is_null());
        assert!(resolve(&ev, &FieldPath::new("a.x.y")).is_null());
        assert!(!resolve(&ev, &FieldPath::new("a.c.d")).is_null());
        assert!(resolve(&ev, &FieldPath::new("a.c.q")).is_null());
        assert_eq!(resolve(&ev, &FieldPath::new("a.c.d")).text().as_deref(), Some("x"));
    }
}
