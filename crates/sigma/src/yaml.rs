//! YAML → a small owned tree with positions, built from saphyr's event stream.
//!
//! Like `nextgap-source-cfn`, the tree is built from `saphyr_parser` events with an explicit
//! stack: no recursion while parsing, nesting is bounded before a collection is opened, and
//! every node keeps its line and column for error messages. Scalars keep their text as
//! written (`0x10` stays `0x10`): Sigma compares numbers by their text, and only plain `null`
//! / `~` / empty need telling apart from strings. Sigma rules use no anchors, so aliases are
//! refused instead of expanded (no "billion laughs" to budget for).

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Span};

/// Deepest nesting accepted; real rules need 5.
const MAX_DEPTH: usize = 64;

/// Line (1-based) and column (1-based).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    /// A scalar as written; `plain` when unquoted (only then can it be `null`).
    Scalar {
        text: String,
        plain: bool,
        pos: Pos,
    },
    Seq {
        items: Vec<Node>,
        pos: Pos,
    },
    /// Entries in order: key, key position, value.
    Map {
        entries: Vec<(String, Pos, Node)>,
        pos: Pos,
    },
}

impl Node {
    pub fn pos(&self) -> Pos {
        match self {
            Node::Scalar { pos, .. } | Node::Seq { pos, .. } | Node::Map { pos, .. } => *pos,
        }
    }

    /// Member `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Map { entries, .. } => entries.iter().find(|(k, _, _)| k == key).map(|(_, _, v)| v),
            _ => None,
        }
    }

    /// YAML null: `null`, `Null`, `NULL`, `~` or nothing, unquoted.
    pub fn is_null(&self) -> bool {
        matches!(self, Node::Scalar { text, plain: true, .. } if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// The text of a non-null scalar.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Node::Scalar { text, .. } if !self.is_null() => Some(text),
            _ => None,
        }
    }
}

/// A YAML syntax or structure error.
#[derive(Debug)]
pub struct YamlError {
    pub pos: Pos,
    pub message: String,
}

/// Parses every document of `text`.
pub fn parse(text: &str) -> Result<Vec<Node>, YamlError> {
    let mut builder = Builder::default();
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| scan_error(&e))?;
        builder.event(event, span)?;
    }
    Ok(builder.docs)
}

fn scan_error(e: &ScanError) -> YamlError {
    let pos = Pos { line: clamp(e.marker().line()), column: clamp(e.marker().col() + 1) };
    YamlError { pos, message: format!("invalid YAML: {}", e.info()) }
}

fn clamp(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn pos_of(span: Span) -> Pos {
    Pos { line: clamp(span.start.line()), column: clamp(span.start.col() + 1) }
}

/// An open collection; a mapping keeps its pending key.
enum Frame {
    Seq(Vec<Node>, Pos),
    Map(Vec<(String, Pos, Node)>, Option<(String, Pos)>, Pos),
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    docs: Vec<Node>,
}

impl Builder {
    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), YamlError> {
        let pos = pos_of(span);
        match event {
            Event::Scalar(text, style, _, _) => {
                let plain = style == ScalarStyle::Plain;
                self.deliver(Node::Scalar { text: text.into_owned(), plain, pos })
            }
            Event::SequenceStart(..) => self.open(Frame::Seq(Vec::new(), pos), pos),
            Event::MappingStart(..) => self.open(Frame::Map(Vec::new(), None, pos), pos),
            Event::SequenceEnd | Event::MappingEnd => self.close(),
            Event::Alias(_) => Err(YamlError { pos, message: "YAML aliases are not supported in Sigma rules".into() }),
            _ => Ok(()),
        }
    }

    fn open(&mut self, frame: Frame, pos: Pos) -> Result<(), YamlError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(YamlError { pos, message: format!("nesting deeper than {MAX_DEPTH}") });
        }
        self.stack.push(frame);
        Ok(())
    }

    fn close(&mut self) -> Result<(), YamlError> {
        let node = match self.stack.pop() {
            Some(Frame::Seq(items, pos)) => Node::Seq { items, pos },
            Some(Frame::Map(entries, _, pos)) => Node::Map { entries, pos },
            None => return Ok(()),
        };
        self.deliver(node)
    }

    /// Hands a finished node to the open collection, or makes it a document.
    fn deliver(&mut self, node: Node) -> Result<(), YamlError> {
        match self.stack.last_mut() {
            None => self.docs.push(node),
            Some(Frame::Seq(items, _)) => items.push(node),
            Some(Frame::Map(entries, key, _)) => match key.take() {
                Some((k, kpos)) => entries.push((k, kpos, node)),
                None => *key = Some(map_key(entries, node)?),
            },
        }
        Ok(())
    }
}

/// A mapping key must be a scalar, and unique in its mapping.
fn map_key(entries: &[(String, Pos, Node)], node: Node) -> Result<(String, Pos), YamlError> {
    let pos = node.pos();
    let Node::Scalar { text, .. } = node else {
        return Err(YamlError { pos, message: "a mapping key must be a scalar".into() });
    };
    if entries.iter().any(|(k, _, _)| *k == text) {
        return Err(YamlError { pos, message: format!("duplicate key `{text}`") });
    }
    Ok((text, pos))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_keep_text_and_position() {
        let docs = parse("a: 0x10\nb: 'null'\nc: ~\nd:\n  - x\n").unwrap();
        let doc = &docs[0];
        assert_eq!(doc.get("a").unwrap().as_str(), Some("0x10"));
        assert_eq!(doc.get("b").unwrap().as_str(), Some("null"));
        assert!(doc.get("c").unwrap().is_null());
        assert_eq!(doc.get("d").unwrap().pos(), Pos { line: 5, column: 3 });
    }

    #[test]
    fn errors_have_positions() {
        let e = parse("a: 1\na: 2\n").unwrap_err();
        assert_eq!((e.pos.line, e.message.as_str()), (2, "duplicate key `a`"));
        let e = parse("a: [1, 2\n").unwrap_err();
        assert!(e.message.starts_with("invalid YAML"), "{}", e.message);
        assert!(parse("a: &x 1\nb: *x\n").is_err());
        assert!(parse(&"[".repeat(100)).is_err());
    }

    #[test]
    fn several_documents() {
        assert_eq!(parse("a: 1\n---\nb: 2\n").unwrap().len(), 2);
        assert!(parse("").unwrap().is_empty());
    }
}
