//! Walking raw JSON text without building values.
//!
//! An event keeps each top-level field as raw JSON (`RawValue`). Rules name nested paths
//! (`userIdentity.sessionContext.sessionIssuer.type`), and `Event::get` finds them by parsing
//! every object on the way into a `Vec` — an allocation per lookup, on every event, for the
//! rules no index can skip. These functions find a member, step through an array or compact
//! a value by scanning the bytes, allocating only to unescape. The input comes from
//! serde_json and is valid JSON; on anything else they return `None` rather than panic.

use std::borrow::Cow;

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// End (exclusive) of the string whose opening quote is at `i`.
fn string_end(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    loop {
        j += memchr::memchr2(b'"', b'\\', b.get(j..)?)?;
        match b[j] {
            b'\\' => j += 2,
            _ => return Some(j + 1),
        }
    }
}

/// End (exclusive) of the value starting at `i`.
fn value_end(b: &[u8], i: usize) -> Option<usize> {
    match *b.get(i)? {
        b'"' => string_end(b, i),
        b'{' | b'[' => container_end(b, i),
        _ => {
            let len = b[i..].iter().position(|c| matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'));
            Some(i + len.unwrap_or(b.len() - i))
        }
    }
}

fn container_end(b: &[u8], i: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut j = i;
    while j < b.len() {
        match b[j] {
            b'"' => {
                j = string_end(b, j)?;
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(j + 1);
                }
            }
            _ => {}
        }
        j += 1;
    }
    None
}

/// Calls `f(key, value)` for each member of an object until it returns `true`.
fn each_member<'a>(obj: &'a str, mut f: impl FnMut(&'a str, &'a str) -> bool) -> Option<()> {
    let b = obj.as_bytes();
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    i = skip_ws(b, i + 1);
    while b.get(i) == Some(&b'"') {
        let key_end = string_end(b, i)?;
        let colon = skip_ws(b, key_end);
        if b.get(colon) != Some(&b':') {
            return None;
        }
        let start = skip_ws(b, colon + 1);
        let end = value_end(b, start)?;
        if f(obj.get(i..key_end)?, obj.get(start..end)?) {
            return Some(());
        }
        i = skip_ws(b, end);
        if b.get(i) == Some(&b',') {
            i = skip_ws(b, i + 1);
        }
    }
    Some(())
}

/// Raw value of member `key` of the object `obj`.
pub fn member<'a>(obj: &'a str, key: &str) -> Option<&'a str> {
    let mut found = None;
    each_member(obj, |k, v| {
        let hit = key_is(k, key);
        if hit {
            found = Some(v);
        }
        hit
    });
    found
}

/// Whether the quoted JSON string `quoted` is `key`.
fn key_is(quoted: &str, key: &str) -> bool {
    let inner = &quoted[1..quoted.len() - 1];
    if inner.contains('\\') {
        unquote(quoted).is_some_and(|k| k == key)
    } else {
        inner == key
    }
}

/// The elements of an array, as raw JSON.
pub fn elements(arr: &str) -> Elements<'_> {
    let b = arr.as_bytes();
    let i = skip_ws(b, 0);
    let pos = if b.get(i) == Some(&b'[') { skip_ws(b, i + 1) } else { b.len() };
    Elements { text: arr, pos }
}

pub struct Elements<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Iterator for Elements<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let b = self.text.as_bytes();
        if matches!(b.get(self.pos), None | Some(b']')) {
            return None;
        }
        let start = self.pos;
        // `end == start` only on malformed text (`[}`): stop rather than loop.
        let Some(end) = value_end(b, start).filter(|end| *end > start) else {
            self.pos = b.len();
            return None;
        };
        let mut i = skip_ws(b, end);
        if b.get(i) == Some(&b',') {
            i = skip_ws(b, i + 1);
        }
        self.pos = i;
        self.text.get(start..end)
    }
}

/// `"text"` → `text`, borrowed unless it holds escapes.
pub fn unquote(quoted: &str) -> Option<Cow<'_, str>> {
    let inner = quoted.strip_prefix('"')?.strip_suffix('"')?;
    if inner.contains('\\') {
        serde_json::from_str::<String>(quoted).ok().map(Cow::Owned)
    } else {
        Some(Cow::Borrowed(inner))
    }
}

/// An object or array as compact JSON — what `serde_json::to_string` writes for it, keys in
/// document order. CloudTrail delivers compact JSON, so this is usually the text itself.
pub fn compact(text: &str) -> Cow<'_, str> {
    if is_compact(text.as_bytes()) {
        return Cow::Borrowed(text);
    }
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'"' => {
                let end = string_end(b, i).unwrap_or(b.len());
                push_string(&mut out, &text[i..end]);
                i = end;
            }
            _ => {
                let run = b[i..].iter().position(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'"'));
                let end = i + run.unwrap_or(b.len() - i);
                out.push_str(&text[i..end]);
                i = end;
            }
        }
    }
    Cow::Owned(out)
}

/// No whitespace outside strings and no escape serde_json would write differently.
fn is_compact(b: &[u8]) -> bool {
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b' ' | b'\t' | b'\n' | b'\r' => return false,
            b'"' => {
                let Some(end) = string_end(b, i) else { return true };
                if needs_reescape(&b[i..end]) {
                    return false;
                }
                i = end;
            }
            _ => i += 1,
        }
    }
    true
}

/// `\u00e9` and `\/` are written as `é` and `/` by serde_json; other escapes are kept.
fn needs_reescape(quoted: &[u8]) -> bool {
    quoted.windows(2).any(|w| w[0] == b'\\' && matches!(w[1], b'u' | b'/'))
}

fn push_string(out: &mut String, quoted: &str) {
    if needs_reescape(quoted.as_bytes()) {
        if let Some(s) = unquote(quoted) {
            if let Ok(json) = serde_json::to_string(&s) {
                out.push_str(&json);
                return;
            }
        }
    }
    out.push_str(quoted);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_members() {
        let obj = r#" { "a" : 1, "b\u0063": {"x": [1, "]"]}, "d": "q\"}" } "#;
        assert_eq!(member(obj, "a"), Some("1"));
        assert_eq!(member(obj, "bc"), Some(r#"{"x": [1, "]"]}"#));
        assert_eq!(member(obj, "d"), Some(r#""q\"}""#));
        assert_eq!(member(obj, "e"), None);
        assert_eq!(member("[1]", "a"), None);
        assert_eq!(member(r#"{"a": "#, "a"), None);
    }

    #[test]
    fn walks_elements() {
        let items: Vec<_> = elements(r#"[ 1, {"a": [2]}, "x" ]"#).collect();
        assert_eq!(items, ["1", r#"{"a": [2]}"#, r#""x""#]);
        assert_eq!(elements("[]").count(), 0);
        assert_eq!(elements("{}").count(), 0);
        assert_eq!(elements("[}").count(), 0);
        assert_eq!(elements("[1,}").count(), 1);
    }

    #[test]
    fn compacts_like_serde_json() {
        let text = "{\n  \"a\": [1, 2],\n  \"b\": \"x y \\u00e9\\/\",\n  \"c\": \"\\\"q\\\"\"\n}";
        let value: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(compact(text), serde_json::to_string(&value).unwrap());
        assert!(matches!(compact(r#"{"a":"b c"}"#), Cow::Borrowed(_)));
    }
}
