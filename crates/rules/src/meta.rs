use crate::hits::Hits;
use crate::trail::TrailCheck;
use nextgap_findings::{References, Severity};
use nextgap_model::Model;

/// Everything known about a rule apart from its check: what `nextgap rules` lists,
/// `nextgap explain` prints, and every finding carries.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable id, never reused: `NG-<SERVICE>-<NNN>`.
    pub id: &'static str,
    /// Stable kebab-case name, usable wherever an id is.
    pub name: &'static str,
    /// Anti-pattern family id from the catalogue (`GAP-PUBLIC-S3`).
    pub family: &'static str,
    pub severity: Severity,
    pub title: &'static str,
    /// What the rule finds and why it matters (Markdown).
    pub description: &'static str,
    /// How to fix it, in a sentence or two.
    pub fix: &'static str,
    /// A CloudFormation snippet showing the fixed form.
    pub fix_snippet: &'static str,
    /// Resource types the rule reads (documentation and `nextgap rules` output).
    pub resource_types: &'static [&'static str],
    pub cis: &'static [&'static str],
    pub fsbp: &'static [&'static str],
    pub well_architected: &'static [&'static str],
    pub checkov: &'static [&'static str],
    pub cfn_nag: &'static [&'static str],
    pub links: &'static [&'static str],
    /// Off unless enabled in `nextgap.toml` (for rules that are opinionated or noisy).
    pub default_enabled: bool,
    /// Live sources: the read operations (`ec2:DescribeSecurityGroups`) the rule needs. A rule
    /// with none runs on templates only. When one of them failed, the rule's subjects are
    /// UNKNOWN instead of PASS.
    pub requires: &'static [&'static str],
}

impl RuleMeta {
    /// Defaults for the optional parts, for `..RuleMeta::DEFAULT` in rule files.
    pub const DEFAULT: RuleMeta = RuleMeta {
        id: "",
        name: "",
        family: "",
        severity: Severity::Medium,
        title: "",
        description: "",
        fix: "",
        fix_snippet: "",
        resource_types: &[],
        cis: &[],
        fsbp: &[],
        well_architected: &[],
        checkov: &[],
        cfn_nag: &[],
        links: &[],
        default_enabled: true,
        requires: &[],
    };

    pub fn references(&self) -> References {
        let own = |list: &[&str]| list.iter().map(|s| s.to_string()).collect();
        References {
            cis: own(self.cis),
            fsbp: own(self.fsbp),
            well_architected: own(self.well_architected),
            checkov: own(self.checkov),
            cfn_nag: own(self.cfn_nag),
            links: own(self.links),
        }
    }
}

/// A rule: metadata plus its check.
pub struct Rule {
    pub meta: RuleMeta,
    pub check: Check,
}

/// What a rule reads.
pub enum Check {
    /// Resources: templates, accounts, snapshots (the normalized model).
    Model(fn(&Model, &mut Hits)),
    /// CloudTrail events (`nextgap trail`).
    Trail(TrailCheck),
    /// One principal's blast radius in the principal graph (`nextgap wargame --all`).
    Graph(crate::graph::GraphCheck),
}

impl Rule {
    /// The model check, `None` for rules on events.
    pub fn model_check(&self) -> Option<fn(&Model, &mut Hits)> {
        match self.check {
            Check::Model(f) => Some(f),
            Check::Trail(_) | Check::Graph(_) => None,
        }
    }

    pub fn trail_check(&self) -> Option<&TrailCheck> {
        match &self.check {
            Check::Trail(t) => Some(t),
            Check::Model(_) | Check::Graph(_) => None,
        }
    }
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.meta.id)
    }
}
