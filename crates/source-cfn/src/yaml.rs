//! YAML → `Node`, built from saphyr's event stream with an explicit stack.
//!
//! Building from events (instead of saphyr's own tree) keeps every tag, including tags on
//! mappings and sequences, gives each node its position, and lets us bound the work: nesting is
//! checked before a collection is opened (no recursion anywhere), and alias expansion is charged
//! before anything is copied. Copies made for aliases may add at most `10,000 + 4 × file size`
//! nodes (a plain document has fewer nodes than bytes), so a "billion laughs" file fails after a
//! few thousand copies instead of exhausting memory. CloudFormation itself rejects aliases. saphyr itself limits flow nesting (`[[[`,
//! `{{{`) to 255 levels; block nesting needs ever deeper indentation and costs it nothing.

use crate::{scalar, tags, text::clamp, Limits, LoadError};
use nextgap_model::{Key, Node, Pos, Value};
use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Span, Tag};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// Parses the first document of `text`; `None` when the stream has no document at all.
pub fn parse(file: &str, text: &str, limits: &Limits) -> Result<Option<Node>, LoadError> {
    let mut text = Cow::Borrowed(text);
    for _ in 0..MAX_REINDENTS {
        match parse_once(file, &text, limits) {
            Err(Failure::Scan(e)) => match closing_bracket_line(&text, &e) {
                Some(line_start) => text.to_mut().insert(line_start, ' '),
                None => return Err(scan_error(file, &e)),
            },
            Err(Failure::Load(e)) => return Err(e),
            Ok(root) => return Ok(root),
        }
    }
    parse_once(file, &text, limits).map_err(|f| match f {
        Failure::Scan(e) => scan_error(file, &e),
        Failure::Load(e) => e,
    })
}

/// Most closing brackets [`parse`] re-indents in one file.
const MAX_REINDENTS: usize = 32;

enum Failure {
    Scan(ScanError),
    Load(LoadError),
}

fn parse_once(file: &str, text: &str, limits: &Limits) -> Result<Option<Node>, Failure> {
    let mut builder = Builder::new(file, limits, 10_000 + 4 * text.len());
    let mut parser = Parser::new_from_str(text);
    while let Some(event) = parser.next_event() {
        let (event, span) = event.map_err(Failure::Scan)?;
        match event {
            Event::DocumentEnd | Event::StreamEnd => break,
            _ => builder.event(event, span).map_err(Failure::Load)?,
        }
    }
    Ok(builder.root)
}

/// Templates often close a multi-line flow list at the indentation of its key:
///
/// ```yaml
/// Command: [
///   "echo", "hi"
/// ]
/// ```
///
/// YAML 1.2 wants the `]` indented further and saphyr refuses it, but PyYAML (cfn-lint,
/// checkov) and CloudFormation accept it. For that one case the line is indented by a space and
/// the text parsed again; the returned byte offset is where the line starts.
fn closing_bracket_line(text: &str, e: &ScanError) -> Option<usize> {
    if e.info() != "invalid indentation" {
        return None;
    }
    let line_start = match e.marker().line() {
        0 | 1 => 0,
        n => text.match_indices('\n').nth(n - 2)?.0 + 1,
    };
    let line = text[line_start..].split('\n').next()?;
    line.trim_start_matches([' ', '\t']).starts_with([']', '}']).then_some(line_start)
}

fn scan_error(file: &str, e: &ScanError) -> LoadError {
    let pos = Pos::new(clamp(e.marker().line()), clamp(e.marker().col() + 1));
    let message = match e.info() {
        "recursion limit exceeded" => "nesting deeper than 255 (YAML flow style)",
        info => info,
    };
    LoadError::new(file, pos, message)
}

/// A finished node with what alias expansion needs to know about it.
struct Built {
    node: Node,
    /// Nodes in the subtree (aliases inside it counted expanded).
    size: usize,
    /// Nesting levels in the subtree (a scalar is 0).
    height: usize,
}

/// An open sequence or mapping.
struct Frame {
    pos: Pos,
    tag: Option<String>,
    anchor: usize,
    nodes_before: usize,
    height: usize,
    items: Items,
}

enum Items {
    Seq(Vec<Node>),
    Map(MapItems),
}

#[derive(Default)]
struct MapItems {
    entries: Vec<(Key, Node)>,
    key: Option<Key>,
    /// Filled once the map is big enough for linear duplicate checks to matter.
    seen: HashSet<String>,
}

struct Builder<'a> {
    file: &'a str,
    limits: &'a Limits,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Built>,
    nodes: usize,
    /// Nodes that alias expansion may still copy.
    alias_budget: usize,
    root: Option<Node>,
}

impl<'a> Builder<'a> {
    fn new(file: &'a str, limits: &'a Limits, alias_budget: usize) -> Self {
        Builder { file, limits, stack: Vec::new(), anchors: HashMap::new(), nodes: 0, alias_budget, root: None }
    }

    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), LoadError> {
        let pos = Pos::new(clamp(span.start.line()), clamp(span.start.col() + 1));
        match event {
            Event::Scalar(text, style, anchor, tag) => self.scalar(pos, &text, style, anchor, tag.as_deref()),
            Event::Alias(id) => self.alias(pos, id),
            Event::SequenceStart(anchor, tag) => self.open(pos, anchor, tag.as_deref(), Items::Seq(Vec::new())),
            Event::MappingStart(anchor, tag) => self.open(pos, anchor, tag.as_deref(), Items::Map(MapItems::default())),
            Event::SequenceEnd | Event::MappingEnd => self.close(),
            _ => Ok(()),
        }
    }

    fn count(&mut self, pos: Pos, n: usize) -> Result<(), LoadError> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > self.limits.max_nodes {
            let message = format!("more than {} nodes", self.limits.max_nodes);
            return Err(LoadError::new(self.file, pos, message));
        }
        Ok(())
    }

    fn scalar(
        &mut self,
        pos: Pos,
        text: &str,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
    ) -> Result<(), LoadError> {
        self.count(pos, 1)?;
        let node = Node::new(pos, scalar_value(pos, text, style, tag));
        self.finish(Built { node, size: 1, height: 0 }, anchor)
    }

    fn alias(&mut self, pos: Pos, id: usize) -> Result<(), LoadError> {
        let Some(target) = self.anchors.get(&id) else {
            return Err(LoadError::new(self.file, pos, "alias to an unknown anchor"));
        };
        let (size, height) = (target.size, target.height);
        self.check_depth(pos, self.stack.len() + height)?;
        if size > self.alias_budget {
            let message = "YAML aliases expand to too many nodes (more than 10,000 + 4 per byte of the file)";
            return Err(LoadError::new(self.file, pos, message));
        }
        self.alias_budget -= size;
        self.count(pos, size)?;
        let mut node = self.anchors[&id].node.clone();
        node.pos = pos;
        self.deliver(Built { node, size, height })
    }

    fn check_depth(&self, pos: Pos, depth: usize) -> Result<(), LoadError> {
        if depth > self.limits.max_depth {
            return Err(LoadError::new(self.file, pos, format!("nesting deeper than {}", self.limits.max_depth)));
        }
        Ok(())
    }

    fn open(&mut self, pos: Pos, anchor: usize, tag: Option<&Tag>, items: Items) -> Result<(), LoadError> {
        self.check_depth(pos, self.stack.len() + 1)?;
        self.count(pos, 1)?;
        let tag = tag.and_then(collection_tag);
        let nodes_before = self.nodes - 1;
        self.stack.push(Frame { pos, tag, anchor, nodes_before, height: 0, items });
        Ok(())
    }

    fn close(&mut self) -> Result<(), LoadError> {
        let Some(frame) = self.stack.pop() else { return Ok(()) };
        let size = self.nodes - frame.nodes_before;
        let mut height = frame.height + 1;
        let mut node = match frame.items {
            Items::Seq(items) => Node::new(frame.pos, Value::List(items)),
            // `!Base64 {Fn::Sub: …}`: a tagged map can itself be a long-form function.
            Items::Map(map) => tags::map_or_intrinsic(frame.pos, map.entries),
        };
        if let Some(name) = frame.tag {
            node = Node::new(frame.pos, Value::Intrinsic { name, arg: Box::new(node) });
            height += 1;
        }
        self.finish(Built { node, size, height }, frame.anchor)
    }

    /// Records an anchored node (a copy, as the tree takes the original) and delivers it.
    fn finish(&mut self, built: Built, anchor: usize) -> Result<(), LoadError> {
        if anchor != 0 {
            let copy = Built { node: built.node.clone(), size: built.size, height: built.height };
            self.anchors.insert(anchor, copy);
        }
        self.deliver(built)
    }

    /// Hands a finished node to the open collection, or makes it the document.
    fn deliver(&mut self, built: Built) -> Result<(), LoadError> {
        let file = self.file;
        let Some(frame) = self.stack.last_mut() else {
            self.root.get_or_insert(built.node);
            return Ok(());
        };
        frame.height = frame.height.max(built.height);
        match &mut frame.items {
            Items::Seq(items) => items.push(built.node),
            Items::Map(map) => match map.key.take() {
                Some(key) => map.entries.push((key, built.node)),
                None => {
                    let key = Key { name: key_name(&built.node), pos: built.node.pos };
                    check_duplicate(file, map, &key)?;
                    map.key = Some(key);
                }
            },
        }
        Ok(())
    }
}

/// Keys are text as written; a non-scalar key (legal YAML, never CloudFormation) is described.
fn key_name(node: &Node) -> String {
    match &node.value {
        Value::Null => String::new(),
        Value::Intrinsic { arg, .. } => key_name(arg),
        _ => node.scalar_text().unwrap_or_else(|| node.describe()),
    }
}

/// CloudFormation rejects duplicate keys, and a scanner must not pick one of two values.
fn check_duplicate(file: &str, map: &mut MapItems, key: &Key) -> Result<(), LoadError> {
    const LINEAR: usize = 16;
    let duplicate = if map.entries.len() < LINEAR {
        map.entries.iter().any(|(k, _)| k.name == key.name)
    } else {
        if map.seen.is_empty() {
            map.seen.extend(map.entries.iter().map(|(k, _)| k.name.clone()));
        }
        !map.seen.insert(key.name.clone())
    };
    if duplicate {
        return Err(LoadError::new(file, key.pos, format!("duplicate key \"{}\"", key.name)));
    }
    Ok(())
}

/// Intrinsic name for a tag on a sequence or mapping (`!If [...]`, `!Transform {...}`).
/// Core-schema tags (`!!map`) and the non-specific `!` change nothing there.
fn collection_tag(tag: &Tag) -> Option<String> {
    match tag.handle.as_str() {
        "!" if tag.suffix.is_empty() => None,
        "!" => Some(tags::intrinsic_for_tag(&tag.suffix)),
        _ if tag.is_yaml_core_schema() => None,
        _ => Some(tag.to_string()),
    }
}

fn scalar_value(pos: Pos, text: &str, style: ScalarStyle, tag: Option<&Tag>) -> Value {
    let Some(tag) = tag else {
        return match style {
            ScalarStyle::Plain => scalar::plain(text),
            _ => Value::String(text.to_string()),
        };
    };
    if tag.is_yaml_core_schema() {
        return scalar::core_tagged(&tag.suffix, text);
    }
    let Some(name) = collection_tag(tag) else { return Value::String(text.to_string()) };
    let arg = tags::scalar_arg(&name, Node::string(pos, text));
    Value::Intrinsic { name, arg: Box::new(arg) }
}
