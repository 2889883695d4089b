//! What a rule file needs.
pub use crate::{Check, Hits, Rule, RuleMeta};
pub use nextgap_findings::Severity;
pub use nextgap_model::policy::{PolicyDoc, PolicyKind, Statement};
pub use nextgap_model::{Model, Node, Pos, Resource, Value};
