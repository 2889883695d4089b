//! `nextgap rules` and `nextgap explain`.

use crate::EXIT_ERROR;
use anyhow::Result;
use clap::{Args, ValueEnum};
use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};
use nextgap_rules::{registry, Rule, RuleMeta};
use serde_json::json;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

#[derive(Args)]
pub struct RulesArgs {
    /// Only rules of this family (`GAP-PUBLIC-S3`) or group (`GAP`).
    #[arg(long)]
    pub family: Option<String>,
    #[arg(long, short, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

#[derive(Args)]
pub struct ExplainArgs {
    /// Rule id (`NG-EC2-001`), name (`sg-world-ssh`), or a checkov / cfn_nag id.
    pub rule: String,
}

fn in_family(meta: &RuleMeta, family: &str) -> bool {
    meta.family.eq_ignore_ascii_case(family)
        || meta.family.split('-').next().is_some_and(|g| g.eq_ignore_ascii_case(family))
}

pub fn rules(args: RulesArgs) -> Result<u8> {
    let rules: Vec<&Rule> =
        registry().iter().copied().filter(|r| args.family.as_deref().is_none_or(|f| in_family(&r.meta, f))).collect();
    if rules.is_empty() {
        eprintln!("nextgap: no rules in family `{}`", args.family.unwrap_or_default());
        return Ok(EXIT_ERROR);
    }
    match args.format {
        ListFormat::Json => {
            let list: Vec<_> = rules.iter().map(|r| rule_json(&r.meta)).collect();
            println!("{}", serde_json::to_string_pretty(&list)?);
        }
        ListFormat::Text => {
            let mut table = Table::new();
            table.load_style(UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic);
            table.set_header(["id", "name", "family", "severity", "title"]);
            for r in &rules {
                let m = &r.meta;
                let title =
                    if m.default_enabled { m.title.to_string() } else { format!("{} (off by default)", m.title) };
                table.add_row([m.id, m.name, m.family, m.severity.as_str(), &title]);
            }
            println!("{table}");
            println!("{} rules", rules.len());
        }
    }
    Ok(0)
}

fn rule_json(m: &RuleMeta) -> serde_json::Value {
    json!({
        "id": m.id, "name": m.name, "family": m.family, "severity": m.severity, "title": m.title,
        "description": m.description, "fix": m.fix, "fix_snippet": m.fix_snippet,
        "resource_types": m.resource_types, "default_enabled": m.default_enabled,
        "references": m.references(),
    })
}

pub fn explain(args: ExplainArgs) -> Result<u8> {
    let rule = nextgap_rules::find(&args.rule).or_else(|| nextgap_rules::equivalents(&args.rule).first().copied());
    let Some(rule) = rule else {
        eprintln!("nextgap: no rule `{}` (see `nextgap rules`)", args.rule);
        return Ok(EXIT_ERROR);
    };
    print!("{}", explain_text(rule));
    Ok(0)
}

fn explain_text(rule: &Rule) -> String {
    let m = &rule.meta;
    let family = nextgap_findings::Family::get(m.family).map(|f| f.title).unwrap_or("");
    let mut out = format!("{} ({}) — {}\n", m.id, m.name, m.title);
    out += &format!("family: {} — {family}\nseverity: {}\n", m.family, m.severity);
    if !m.resource_types.is_empty() {
        out += &format!("resources: {}\n", m.resource_types.join(", "));
    }
    if !m.default_enabled {
        out += "enabled: no (turn on in nextgap.toml: [rules] enable = [\"";
        out += m.id;
        out += "\"])\n";
    }
    out += &format!("\nWhat and why\n{}\n\nFix\n{}\n", wrap(m.description), wrap(m.fix));
    if !m.fix_snippet.is_empty() {
        out += "\n";
        for line in m.fix_snippet.lines() {
            out += &format!("    {line}\n");
        }
    }
    out += "\nReferences\n";
    let refs = [
        ("CIS AWS Foundations 6.0", m.cis),
        ("AWS FSBP", m.fsbp),
        ("Well-Architected", m.well_architected),
        ("checkov", m.checkov),
        ("cfn_nag", m.cfn_nag),
        ("links", m.links),
    ];
    for (name, ids) in refs.iter().filter(|(_, ids)| !ids.is_empty()) {
        out += &format!("  {name}: {}\n", ids.join(", "));
    }
    if rule.trail_check().is_some() {
        // Events carry no metadata to suppress in: the rule is turned off or re-graded instead.
        out += &format!(
            "\nRuns in `nextgap trail`. Turn off or re-grade in nextgap.toml:\n  [rules]\n  disable = [\"{}\"]\n",
            m.id
        );
    } else {
        out += &format!("\nSuppress on a resource (reason required):\n  Metadata:\n    nextgap:\n      suppress:\n        - rule: {}\n          reason: \"…\"\n", m.id);
    }
    out
}

/// Descriptions are written as long lines in source; fold the whitespace runs.
fn wrap(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
