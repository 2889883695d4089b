//! Lint of IAM policy documents: structure (what IAM would refuse, or silently misread), and
//! the catalogue checks (unknown services and actions, resources of the wrong type, `Resource:
//! "*"` where the action could be narrowed, condition keys that do not apply to the action).
//!
//! [`lint`] reads JSON text and gives each issue the 1-based line and column of what it is
//! about; [`lint_value`] reads a document already parsed (templates, snapshots), without
//! positions but with the same JSON path (`Statement[1].Action[0]`), from which callers find
//! their own position. Statement indices are 0-based positions in the `Statement` list.
//!
//! Values that are not known before deployment (CloudFormation references) are passed as the
//! string [`UNRESOLVED`] and skipped by every check.

mod catalogue;
mod structure;
mod tree;

use std::fmt;

use crate::catalog::Catalog;

/// Stands for a value not known before deployment; every check skips it.
pub const UNRESOLVED: &str = "${nextgap:unresolved}";

/// What is wrong. The code is stable: tools and tests match on [`Code::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Code {
    /// Not JSON, not an object, no `Statement`, or an element of the wrong JSON type.
    Malformed,
    /// A key IAM does not know (`Statment`, `effect`).
    UnknownKey,
    /// The same key twice in one object: IAM keeps one, silently.
    DuplicateKey,
    /// `Version` other than `2012-10-17` or `2008-10-17`.
    BadVersion,
    /// Policy variables (`${aws:username}`) with no `Version` or `2008-10-17`: they are then
    /// plain text, not substituted.
    VariablesWithoutVersion,
    /// `Effect` missing, or other than `Allow` / `Deny`.
    BadEffect,
    /// A required element is missing (`Action`, `Resource` in identity policies, `Principal` in
    /// resource and trust policies).
    MissingField,
    /// An element this kind of policy may not have (`Principal` in an identity policy or SCP,
    /// `Resource` in a trust policy).
    FieldNotAllowed,
    /// `Action` with `NotAction` (or `Resource`/`NotResource`, `Principal`/`NotPrincipal`).
    BothFields,
    /// An empty list or string where a value is needed.
    EmptyValue,
    /// Two statements with the same `Sid`.
    DuplicateSid,
    /// `Condition` of the wrong shape, an unknown operator, or a key that is not `prefix:name`.
    BadCondition,
    /// An action whose service prefix is unknown (`s4:GetObject`).
    UnknownService,
    /// An action (or a pattern) that names no action of the catalogue.
    UnknownAction,
    /// An action none of whose resource types the statement's resources can name.
    ResourceMismatch,
    /// `Resource: "*"` on an `Allow` of an action that supports resource-level permissions.
    ResourceStar,
    /// A service condition key the catalogue does not list for the action.
    UnknownConditionForAction,
}

impl Code {
    pub const ALL: [Code; 17] = [
        Code::Malformed,
        Code::UnknownKey,
        Code::DuplicateKey,
        Code::BadVersion,
        Code::VariablesWithoutVersion,
        Code::BadEffect,
        Code::MissingField,
        Code::FieldNotAllowed,
        Code::BothFields,
        Code::EmptyValue,
        Code::DuplicateSid,
        Code::BadCondition,
        Code::UnknownService,
        Code::UnknownAction,
        Code::ResourceMismatch,
        Code::ResourceStar,
        Code::UnknownConditionForAction,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::Malformed => "MALFORMED",
            Code::UnknownKey => "UNKNOWN_KEY",
            Code::DuplicateKey => "DUPLICATE_KEY",
            Code::BadVersion => "BAD_VERSION",
            Code::VariablesWithoutVersion => "VARIABLES_WITHOUT_VERSION",
            Code::BadEffect => "BAD_EFFECT",
            Code::MissingField => "MISSING_FIELD",
            Code::FieldNotAllowed => "FIELD_NOT_ALLOWED",
            Code::BothFields => "BOTH_FIELDS",
            Code::EmptyValue => "EMPTY_VALUE",
            Code::DuplicateSid => "DUPLICATE_SID",
            Code::BadCondition => "BAD_CONDITION",
            Code::UnknownService => "UNKNOWN_SERVICE",
            Code::UnknownAction => "UNKNOWN_ACTION",
            Code::ResourceMismatch => "RESOURCE_MISMATCH",
            Code::ResourceStar => "RESOURCE_STAR",
            Code::UnknownConditionForAction => "UNKNOWN_CONDITION_FOR_ACTION",
        }
    }

    pub fn parse(s: &str) -> Option<Code> {
        Code::ALL.into_iter().find(|c| c.as_str().eq_ignore_ascii_case(s))
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which kind of policy the document is: the elements allowed differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Kind {
    /// Attached to a user, group or role: no `Principal`, `Resource` required.
    #[default]
    Identity,
    /// Attached to a resource (bucket, queue, key…): `Principal` required.
    Resource,
    /// A role's trust policy: `Principal` required, no `Resource`.
    Trust,
    /// A service control policy: no `Principal`.
    Scp,
}

impl Kind {
    pub fn parse(s: &str) -> Option<Kind> {
        match s.to_ascii_lowercase().as_str() {
            "identity" => Some(Kind::Identity),
            "resource" => Some(Kind::Resource),
            "trust" => Some(Kind::Trust),
            "scp" => Some(Kind::Scp),
            _ => None,
        }
    }
}

/// One problem of a policy document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintIssue {
    pub code: Code,
    /// 0-based index of the statement in `Statement`; `None` for the document as a whole.
    pub statement: Option<usize>,
    pub sid: Option<String>,
    /// The action, resource, condition key or element concerned (empty when none).
    pub subject: String,
    /// JSON path inside the document (`Statement[1].Action[0]`), empty for the document.
    pub path: String,
    /// A sentence: `statement 1 (Sid "Read"): action s3:GetObjekt is not an action of s3`.
    pub message: String,
    /// 1-based line and column in the text; 0 when unknown ([`lint_value`]).
    pub line: u32,
    pub column: u32,
}

/// Lints an identity policy given as JSON text. `name` prefixes the messages (may be empty).
pub fn lint(name: &str, text: &str) -> Vec<LintIssue> {
    lint_text(name, text, Kind::Identity)
}

/// Lints a policy of `kind` given as JSON text.
pub fn lint_text(name: &str, text: &str, kind: Kind) -> Vec<LintIssue> {
    let lines = tree::Lines::new(text);
    match tree::parse(text) {
        Ok(root) => finish(name, run(&root, kind), Some(&lines)),
        Err(e) => vec![LintIssue {
            code: Code::Malformed,
            statement: None,
            sid: None,
            subject: String::new(),
            path: String::new(),
            message: prefixed(name, &format!("not valid JSON: {}", json_error_text(&e)), false),
            line: e.line() as u32,
            column: e.column() as u32,
        }],
    }
}

/// Lints a policy of `kind` already parsed (no positions: `line` and `column` are 0).
pub fn lint_value(name: &str, doc: &serde_json::Value, kind: Kind) -> Vec<LintIssue> {
    finish(name, run(&tree::from_value(doc), kind), None)
}

/// An issue before positions are known.
struct Raw {
    code: Code,
    statement: Option<usize>,
    sid: Option<String>,
    subject: String,
    path: String,
    what: String,
    at: Option<usize>,
}

/// Where a check is: the statement and its Sid, for the issues it reports.
#[derive(Clone, Copy)]
struct Here<'a> {
    statement: Option<usize>,
    sid: Option<&'a str>,
}

struct Ctx {
    kind: Kind,
    catalog: &'static Catalog,
    out: Vec<Raw>,
}

impl Ctx {
    fn report(&mut self, here: Here, code: Code, subject: &str, path: &str, at: Option<usize>, what: String) {
        self.out.push(Raw {
            code,
            statement: here.statement,
            sid: here.sid.map(String::from),
            subject: subject.to_string(),
            path: path.to_string(),
            what,
            at,
        });
    }
}

fn run(root: &tree::Node, kind: Kind) -> Vec<Raw> {
    let mut cx = Ctx { kind, catalog: Catalog::get(), out: Vec::new() };
    structure::document(&mut cx, root);
    cx.out
}

fn finish(name: &str, raws: Vec<Raw>, lines: Option<&tree::Lines>) -> Vec<LintIssue> {
    raws.into_iter()
        .map(|r| {
            let (line, column) = match (lines, r.at) {
                (Some(lines), Some(at)) => lines.position(at),
                _ => (0, 0),
            };
            let label = match (r.statement, r.sid.as_deref().filter(|s| !s.is_empty())) {
                (Some(i), Some(sid)) => format!("statement {i} (Sid \"{sid}\"): "),
                (Some(i), None) => format!("statement {i}: "),
                (None, _) => String::new(),
            };
            LintIssue {
                code: r.code,
                statement: r.statement,
                sid: r.sid,
                subject: r.subject,
                path: r.path,
                message: prefixed(name, &format!("{label}{}", r.what), r.statement.is_some()),
                line,
                column,
            }
        })
        .collect()
}

/// serde_json's message without its " at line L column C" (the issue has them).
pub fn json_error_text(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// `policy P statement 1: …` for statements, `policy P: …` for the document.
fn prefixed(name: &str, text: &str, statement: bool) -> String {
    match (name.is_empty(), statement) {
        (true, _) => text.to_string(),
        (false, true) => format!("{name} {text}"),
        (false, false) => format!("{name}: {text}"),
    }
}

#[cfg(test)]
mod tests;
