//! Sigma rules for AWS CloudTrail (`logsource: product: aws, service: cloudtrail`), compiled
//! once and evaluated against [`nextgap_model::event::Event`].
//!
//! # Why an own evaluator, not a Sigma crate
//!
//! A `nextgap trail` run must cost at most 1.5× the CPU of `zcat` on the same logs, so the
//! per-event cost of hundreds of rules has to be a few hash lookups. The crates were checked:
//!
//! - **sigma-rust 0.7** (~33 CPU s to build) evaluates its own `Event`: a `HashMap<String,
//!   EventValue>` tree built per event (from `serde_json::Value`), i.e. the tree our
//!   borrowed [`Event`] exists to avoid (7× slower, 5× the memory, RUST-NOTES). It does have
//!   `|fieldref`, `|all`, `|cidr`, `|base64`, but its matching returns `false` for any list
//!   or map value (its issue #9), so `requestParameters|contains: 'Suspended'` and array
//!   fields never match — the CloudTrail rules rely on both. It lowercases the event's text
//!   on every comparison (an allocation each), has no rule index (every rule runs on every
//!   event), and parses YAML with serde_norway, which gives no line numbers for our
//!   `LoadError`s.
//! - **rsigma** is the most complete (all modifiers, correlations, a rule index), but its
//!   newest version needs a newer rustc than our 1.95, it builds very slowly here, and it
//!   too evaluates `serde_json::Value`-like events.
//!
//! The CloudTrail rules use a small part of Sigma, so this crate has its own: YAML via
//! saphyr's event parser (positions on every node), patterns compiled once (lowercased
//! literals, precompiled regexes, CIDR, base64), field lookups that walk the event's raw JSON
//! without building values, and an index by the literals a rule requires of `eventName`,
//! `eventSource` or another field, so an event evaluates only the few rules that can match.
//! Matching an event allocates nothing unless a value it looks at has JSON escapes or is
//! non-ASCII, an object it matches is pretty-printed (it is compacted first), or a rule uses
//! `|fieldref`. Measured on the 3,766 corpus events with the 57 SigmaHQ rules: ~0.6 µs per
//! event, less than parsing the event (`tests/oracle.rs`, `bench_matching`).
//!
//! YAML is read with `saphyr_parser` (saphyr's event parser, as `nextgap-source-cfn` does), not
//! serde_yaml: positions on every node, no recursion, bounded nesting.
//!
//! # Supported
//!
//! Selections as maps (AND of fields) and lists of maps (OR); keyword lists; value lists (OR,
//! or AND with `|all`); wildcards `*` and `?` with `\` escapes; `null` (absent or null);
//! modifiers `contains startswith endswith all cased re` (with `i m s`), `cidr`, `base64`,
//! `base64offset` (with `utf16le utf16be utf16 wide`), `gt gte lt lte`, `exists` (null counts
//! as absent), `fieldref`; conditions with `and or not`, parentheses, `1 of X*`, `all of X*`,
//! `N of`, `them`, and a list of conditions (any). Matching ignores case (except `|re`, `|cased` and base64 text);
//! numbers and booleans compare by their text; an object is matched as its compact JSON text
//! (keys in document order); an array matches if an element does, or as compact JSON; a path
//! through an array applies the rest of the path to each element. A keyword is searched in
//! every top-level value (objects as compact JSON).
//!
//! Not supported, reported as [`Unsupported`] at load time with the reason: aggregations
//! (`| count() by x > N`, `| near`), `timeframe`, correlation rules, rule collections
//! (`action:`), the `expand` and `windash` modifiers and any modifier it does not know. Rules
//! for other log sources are [`Unsupported`] too. Malformed YAML or rules are [`LoadError`]s with a position; nothing
//! here panics on input.

mod condition;
mod detection;
mod index;
mod json;
mod load;
mod matcher;
mod value;
mod yaml;

use index::{Compiled, Index};
use nextgap_findings::Severity;
use nextgap_model::event::Event;
use std::path::PathBuf;

/// A loaded rule's descriptive fields.
#[derive(Clone, Debug, PartialEq)]
pub struct SigmaRule {
    pub id: String,
    pub title: String,
    /// Sigma's `level` (`informational` → `Info`); `Medium` when the rule has none.
    pub level: Severity,
    pub description: String,
    /// The file as given (or found under a given directory).
    pub file: String,
    /// The file stem (`aws_cloudtrail_disable_logging`).
    pub name: String,
    pub tags: Vec<String>,
    pub references: Vec<String>,
    pub falsepositives: Vec<String>,
    pub status: String,
}

/// A valid rule this evaluator does not run, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unsupported {
    pub file: String,
    pub id: String,
    pub title: String,
    pub reason: String,
}

/// A file or rule that could not be read. `line` and `column` are 1-based (0 when the
/// problem is the file itself).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}: {}", self.file, self.line, self.column, self.message)
    }
}

/// What loading found.
#[derive(Debug)]
pub struct Loaded {
    pub rules: RuleSet,
    pub unsupported: Vec<Unsupported>,
    pub errors: Vec<LoadError>,
}

/// Loads rules from files and directories (searched recursively for `*.yml` / `*.yaml`),
/// in sorted path order.
pub fn load_dirs(paths: &[PathBuf]) -> Loaded {
    let mut collector = load::Collector::default();
    collector.add_paths(paths);
    collector.finish()
}

/// Loads the rules (YAML documents) of one text; `file` names it in results.
pub fn load_str(text: &str, file: &str) -> Loaded {
    let mut collector = load::Collector::default();
    collector.add_text(text, file);
    collector.finish()
}

/// Compiled rules with their index. Immutable, so it can be shared across threads.
#[derive(Debug)]
pub struct RuleSet {
    rules: Vec<SigmaRule>,
    compiled: Vec<Compiled>,
    index: Index,
}

impl RuleSet {
    fn new(rules: Vec<SigmaRule>, compiled: Vec<Compiled>) -> RuleSet {
        let index = Index::build(&compiled);
        RuleSet { rules, compiled, index }
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Rule `i` (an index given by [`RuleSet::matches`]).
    pub fn rule(&self, i: usize) -> &SigmaRule {
        &self.rules[i]
    }

    /// Appends the indices of the rules `ev` matches, in increasing order.
    pub fn matches(&self, ev: &Event<'_>, out: &mut Vec<usize>) {
        let start = out.len();
        self.index.candidates(ev, out);
        let mut kept = start;
        for r in start..out.len() {
            let i = out[r];
            if self.compiled[i].matches(ev) {
                out[kept] = i;
                kept += 1;
            }
        }
        out.truncate(kept);
    }

    /// The fields rules are indexed by, and how many rules run on every event.
    pub fn index_shape(&self) -> (Vec<&str>, usize) {
        self.index.shape()
    }
}

#[cfg(test)]
mod tests;
