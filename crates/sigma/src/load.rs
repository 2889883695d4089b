//! Rule files → rules, unsupported rules and errors.

use crate::condition::{self, Cond};
use crate::detection::{self, bad, unsupported, Problem};
use crate::index::Compiled;
use crate::yaml::{self, Node, Pos};
use crate::{LoadError, Loaded, RuleSet, SigmaRule, Unsupported};
use nextgap_findings::Severity;
use std::path::{Path, PathBuf};

/// Larger files are not Sigma rules (SigmaHQ's largest is ~10 KB); refusing them bounds
/// the work a stray file can cause.
const MAX_FILE_BYTES: usize = 1 << 20;

/// Collects what the files yield; builds the index once at the end.
#[derive(Default)]
pub struct Collector {
    rules: Vec<SigmaRule>,
    compiled: Vec<Compiled>,
    unsupported: Vec<Unsupported>,
    errors: Vec<LoadError>,
}

impl Collector {
    pub fn finish(self) -> Loaded {
        Loaded { rules: RuleSet::new(self.rules, self.compiled), unsupported: self.unsupported, errors: self.errors }
    }

    fn error(&mut self, file: &str, pos: Pos, message: impl Into<String>) {
        let message = message.into();
        self.errors.push(LoadError { file: file.to_string(), line: pos.line, column: pos.column, message });
    }

    /// Every rule (YAML document) of one file's text.
    pub fn add_text(&mut self, text: &str, file: &str) {
        if text.len() > MAX_FILE_BYTES {
            return self.error(file, Pos::default(), format!("larger than {MAX_FILE_BYTES} bytes: not a Sigma rule"));
        }
        let docs = match yaml::parse(text) {
            Ok(docs) => docs,
            Err(e) => return self.error(file, e.pos, e.message),
        };
        // `---` at the end of a file leaves an empty (null) document: nothing to load.
        let docs: Vec<&Node> = docs.iter().filter(|d| !d.is_null()).collect();
        if docs.is_empty() {
            return self.error(file, Pos { line: 1, column: 1 }, "no Sigma rule in the file");
        }
        for doc in docs {
            self.add_doc(doc, file);
        }
    }

    fn add_doc(&mut self, doc: &Node, file: &str) {
        let meta = match metadata(doc, file) {
            Ok(meta) => meta,
            Err(Problem::Bad(pos, message)) => return self.error(file, pos, message),
            Err(Problem::Unsupported(reason)) => return self.skip(file, doc, reason),
        };
        match rule_detection(doc) {
            Ok(compiled) => {
                self.rules.push(meta);
                self.compiled.push(compiled);
            }
            Err(Problem::Bad(pos, message)) => self.error(file, pos, message),
            Err(Problem::Unsupported(reason)) => self.skip(file, doc, reason),
        }
    }

    fn skip(&mut self, file: &str, doc: &Node, reason: String) {
        let text = |key| doc.get(key).and_then(Node::as_str).unwrap_or_default().to_string();
        self.unsupported.push(Unsupported { file: file.to_string(), id: text("id"), title: text("title"), reason });
    }

    /// Files, or directories searched recursively for `*.yml` / `*.yaml`, in sorted order.
    pub fn add_paths(&mut self, paths: &[PathBuf]) {
        let mut files = Vec::new();
        for path in paths {
            if path.is_dir() {
                if let Err(e) = collect_files(path, &mut files) {
                    self.error(&path.display().to_string(), Pos::default(), format!("cannot read directory: {e}"));
                }
            } else {
                files.push(path.clone());
            }
        }
        files.sort();
        files.dedup();
        for file in files {
            let name = file.display().to_string();
            match std::fs::read_to_string(&file) {
                Ok(text) => self.add_text(&text, &name),
                Err(e) => self.error(&name, Pos::default(), format!("cannot read: {e}")),
            }
        }
    }
}

fn collect_files(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let path = entry.path();
            let kind = entry.file_type()?;
            if kind.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "yml" || e == "yaml") {
                files.push(path);
            }
        }
    }
    Ok(())
}

/// The rule's descriptive fields; `Unsupported` for other log sources and rule kinds.
fn metadata(doc: &Node, file: &str) -> Result<SigmaRule, Problem> {
    if !matches!(doc, Node::Map { .. }) {
        return bad(doc.pos(), "a Sigma rule must be a YAML mapping");
    }
    if doc.get("correlation").is_some() {
        return Err(unsupported("correlation rules (several events) are not supported"));
    }
    if let Some(action) = doc.get("action") {
        let action = action.as_str().unwrap_or_default();
        return Err(unsupported(&format!("rule collections (`action: {action}`) are not supported")));
    }
    logsource(doc)?;
    let title = required_str(doc, "title")?;
    Ok(SigmaRule {
        id: optional_str(doc, "id")?,
        title,
        level: level(doc)?,
        description: optional_str(doc, "description")?,
        file: file.to_string(),
        name: Path::new(file).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default(),
        tags: str_list(doc, "tags")?,
        references: str_list(doc, "references")?,
        falsepositives: str_list(doc, "falsepositives")?,
        status: optional_str(doc, "status")?,
    })
}

fn logsource(doc: &Node) -> Result<(), Problem> {
    let Some(ls) = doc.get("logsource") else { return bad(doc.pos(), "missing `logsource`") };
    let Node::Map { entries, .. } = ls else { return bad(ls.pos(), "`logsource` must be a mapping") };
    let get = |key| ls.get(key).and_then(Node::as_str).unwrap_or_default();
    if get("product").eq_ignore_ascii_case("aws") && get("service").eq_ignore_ascii_case("cloudtrail") {
        return Ok(());
    }
    let described: Vec<String> =
        entries.iter().map(|(k, _, v)| format!("{k}: {}", v.as_str().unwrap_or("…"))).collect();
    Err(unsupported(&format!("logsource `{}` is not `product: aws, service: cloudtrail`", described.join(", "))))
}

fn required_str(doc: &Node, key: &str) -> Result<String, Problem> {
    match doc.get(key) {
        None => bad(doc.pos(), format!("missing `{key}`")),
        Some(node) => match node.as_str() {
            Some(s) if !s.trim().is_empty() => Ok(s.to_string()),
            _ => bad(node.pos(), format!("`{key}` must be a non-empty string")),
        },
    }
}

fn optional_str(doc: &Node, key: &str) -> Result<String, Problem> {
    match doc.get(key) {
        None => Ok(String::new()),
        Some(node) if node.is_null() => Ok(String::new()),
        Some(node) => node
            .as_str()
            .map(str::to_string)
            .ok_or(())
            .or_else(|_| bad(node.pos(), format!("`{key}` must be a string"))),
    }
}

/// A list of strings (a single string is a list of one).
fn str_list(doc: &Node, key: &str) -> Result<Vec<String>, Problem> {
    match doc.get(key) {
        None => Ok(Vec::new()),
        Some(node) if node.is_null() => Ok(Vec::new()),
        Some(Node::Seq { items, .. }) => items
            .iter()
            .map(|n| {
                n.as_str().map(str::to_string).ok_or(()).or_else(|_| bad(n.pos(), format!("`{key}` must list strings")))
            })
            .collect(),
        Some(node) => {
            optional_str(doc, key).map(|s| vec![s]).or_else(|_| bad(node.pos(), format!("`{key}` must be a list")))
        }
    }
}

/// `level`; a rule without one is `medium`, Sigma's middle ground.
fn level(doc: &Node) -> Result<Severity, Problem> {
    let Some(node) = doc.get("level") else { return Ok(Severity::Medium) };
    match node.as_str().map(str::to_ascii_lowercase).as_deref() {
        Some("informational") => Ok(Severity::Info),
        Some("low") => Ok(Severity::Low),
        Some("medium") => Ok(Severity::Medium),
        Some("high") => Ok(Severity::High),
        Some("critical") => Ok(Severity::Critical),
        _ => bad(node.pos(), "`level` must be informational, low, medium, high or critical"),
    }
}

/// Compiles `detection` (selections and condition).
fn rule_detection(doc: &Node) -> Result<Compiled, Problem> {
    let Some(det) = doc.get("detection") else { return bad(doc.pos(), "missing `detection`") };
    let Node::Map { entries, pos } = det else { return bad(det.pos(), "`detection` must be a mapping") };
    if let Some(tf) = det.get("timeframe") {
        let tf = tf.as_str().unwrap_or_default();
        return Err(unsupported(&format!(
            "`timeframe: {tf}` correlates several events; only single-event rules are evaluated"
        )));
    }
    let Some(cond_node) = det.get("condition") else { return bad(*pos, "`detection` has no `condition`") };
    let selections = entries
        .iter()
        .filter(|(k, _, _)| k != "condition")
        .map(|(k, _, v)| detection::selection(k, v))
        .collect::<Result<Vec<_>, _>>()?;
    let names: Vec<&str> = selections.iter().map(|s| s.name.as_str()).collect();
    let cond = conditions(cond_node, &names)?;
    Ok(Compiled { selections, cond })
}

/// A condition, or a list of them (any may match).
fn conditions(node: &Node, names: &[&str]) -> Result<Cond, Problem> {
    let one = |n: &Node| match n.as_str() {
        Some(text) => condition::parse(text, n.pos(), names),
        None => bad(n.pos(), "a condition must be a string"),
    };
    match node {
        Node::Seq { items, pos } if items.is_empty() => bad(*pos, "empty list of conditions"),
        Node::Seq { items, .. } => Ok(Cond::Or(items.iter().map(one).collect::<Result<_, _>>()?)),
        _ => one(node),
    }
}
