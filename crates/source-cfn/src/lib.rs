//! Loads AWS CloudFormation templates (YAML or JSON) into nextgap's model.
//!
//! The work is split in three steps, each with hard limits so that hostile input can neither
//! crash nor hang the scanner:
//! 1. parsing (modules `yaml`, `json`) turns bytes into a [`Node`] tree with exact positions,
//!    short-form tags and long-form intrinsics both becoming [`Value::Intrinsic`]
//!    ([`parse_document`] stops here);
//! 2. `template` decides whether the tree is a template and takes it apart (`sam` applies SAM
//!    `Globals`);
//! 3. `resolve` replaces intrinsics by what is knowable before deployment and nothing more:
//!    values, [`Value::ResourceRef`], [`Value::Choice`] for an undecidable `Fn::If`, else
//!    [`Value::Unresolved`] saying what it was.

mod json;
mod resolve;
mod sam;
mod scalar;
mod tags;
mod template;
mod text;
mod yaml;

use nextgap_model::{Model, Node, Value};
use std::borrow::Cow;
use std::fmt;
use std::io::Read;
use std::path::Path;

/// Why a file could not be loaded. `line`/`column` are 1-based; `0` means "no position".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl LoadError {
    pub(crate) fn new(file: &str, pos: nextgap_model::Pos, message: impl Into<String>) -> Self {
        LoadError { file: file.to_string(), line: pos.line, column: pos.column, message: message.into() }
    }

    pub(crate) fn whole_file(file: &str, message: impl Into<String>) -> Self {
        Self::new(file, nextgap_model::Pos::default(), message)
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}:{}:{}: {}", self.file, self.line, self.column, self.message)
        }
    }
}

impl std::error::Error for LoadError {}

/// What a readable file turned out to be.
#[derive(Debug)]
pub enum Loaded {
    Template(Box<Model>),
    /// Parsed (or recognised as binary/empty) but not a CloudFormation template; the reason says
    /// why, for `--verbose` output.
    NotATemplate {
        reason: String,
    },
}

/// Bounds on the work one file may cause.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Larger files are refused without being read.
    pub max_bytes: u64,
    /// Deepest nesting of lists and maps accepted.
    pub max_depth: usize,
    /// Most nodes one file may produce, counting YAML alias expansion and the copies the
    /// resolver makes (parameter defaults, mapping values, SAM globals).
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_bytes: 64 * 1024 * 1024, max_depth: 512, max_nodes: 5_000_000 }
    }
}

/// Loads a template from bytes. `file` is used for error messages and as the model's origin;
/// its extension matters only for `.json` (no YAML fallback when JSON parsing fails).
pub fn load(file: &str, bytes: &[u8], limits: &Limits) -> Result<Loaded, LoadError> {
    match parse_document(file, bytes, limits)? {
        Document::Tree(root) => Ok(template::build(file, root, limits)),
        Document::Nothing { reason } => Ok(Loaded::NotATemplate { reason }),
    }
}

/// A parsed file before template recognition and resolution.
#[derive(Debug)]
pub enum Document {
    /// The (first) document, intrinsics as [`Value::Intrinsic`].
    Tree(Node),
    /// Binary, empty, or only comments.
    Nothing { reason: String },
}

/// Parses bytes into a tree with positions, without resolving anything (for tools and tests
/// that need the template as written).
pub fn parse_document(file: &str, bytes: &[u8], limits: &Limits) -> Result<Document, LoadError> {
    if bytes.len() as u64 > limits.max_bytes {
        return Err(too_big(file, bytes.len() as u64, limits));
    }
    let text = match text::decode_utf16(file, bytes) {
        Some(text) => Cow::Owned(text?),
        None => match sniff_binary(bytes) {
            Some(reason) => return Ok(Document::Nothing { reason }),
            None => Cow::Borrowed(text::decode_utf8(file, bytes)?),
        },
    };
    let text = text.as_ref();
    let Some(first) = text.trim_start().chars().next() else {
        return Ok(Document::Nothing { reason: "empty file".into() });
    };
    let root = if first == '{' || first == '[' {
        parse_json_like(file, text, limits)?
    } else {
        yaml::parse(file, text, limits)?
    };
    Ok(match root {
        Some(root) => Document::Tree(root),
        None => Document::Nothing { reason: "no YAML document (only comments or directives)".into() },
    })
}

/// Reads and loads a file, refusing (by its metadata, before reading) files over `max_bytes`.
pub fn load_path(path: &Path, limits: &Limits) -> Result<Loaded, LoadError> {
    let file = path.to_string_lossy();
    let io_error = |e: std::io::Error| LoadError::whole_file(&file, format!("cannot read: {e}"));
    let meta = std::fs::metadata(path).map_err(io_error)?;
    if !meta.is_file() {
        return Err(LoadError::whole_file(&file, "not a regular file"));
    }
    if meta.len() > limits.max_bytes {
        return Err(too_big(&file, meta.len(), limits));
    }
    // `take` guards against a file that grows between the metadata call and the read.
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(path)
        .and_then(|f| f.take(limits.max_bytes.saturating_add(1)).read_to_end(&mut bytes))
        .map_err(io_error)?;
    load(&file, &bytes, limits)
}

/// The template text behind a partly known string: `Fn::Sub` and `Fn::Join` results that could
/// not be completed become `Unresolved("Fn::Sub <text>")` / `Unresolved("Fn::Join <text>")`, where
/// the text is a `Fn::Sub` template with every known part filled in and the unknown ones left as
/// `${Name}` (e.g. `arn:aws:s3:::${MyBucket}/*`). Rules use it to look for wildcards or prefixes.
pub fn partial_text(node: &Node) -> Option<&str> {
    match &node.value {
        Value::Unresolved(text) => text.strip_prefix("Fn::Sub ").or_else(|| text.strip_prefix("Fn::Join ")),
        _ => None,
    }
}

fn too_big(file: &str, size: u64, limits: &Limits) -> LoadError {
    LoadError::whole_file(file, format!("file is {size} bytes, over the limit of {} bytes", limits.max_bytes))
}

/// A NUL byte early on means a binary file: templates are text.
fn sniff_binary(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(8192)];
    head.contains(&0).then(|| "binary file (NUL byte in the first 8 KiB)".to_string())
}

/// Text starting with `{` or `[` is parsed as JSON; when that fails and the file is not named
/// `.json`, YAML (a superset in practice) gets a chance before the JSON error is reported.
fn parse_json_like(file: &str, text: &str, limits: &Limits) -> Result<Option<Node>, LoadError> {
    match json::parse(file, text, limits) {
        Ok(node) => Ok(Some(node)),
        Err(json::Failure::Limit(e)) => Err(e),
        Err(json::Failure::Syntax(e)) if file.to_ascii_lowercase().ends_with(".json") => Err(e),
        Err(json::Failure::Syntax(e)) => yaml::parse(file, text, limits).map_err(|_| e),
    }
}
