//! War-game reports: text (chains as indented steps), Graphviz DOT and Mermaid of the attack
//! paths. JSON is the report structure itself (`WargameReport`).

use nextgap_findings::Finding;
use nextgap_iam::wargame::{ChainStep, Granted, Ranked, ScenarioReport};
use serde::Serialize;
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// Everything `nextgap wargame` answers, as written in JSON.
#[derive(Debug, Serialize)]
pub struct WargameReport {
    pub tool: String,
    pub inputs: Vec<String>,
    pub accounts: Vec<String>,
    /// Principals in the graph (users, roles, groups, roots, outside principals).
    pub principals: usize,
    /// "Can act as" edges.
    pub edges: usize,
    /// "Can rewrite the permissions of" edges.
    pub modify_edges: usize,
    pub admins: usize,
    pub can_become_admin: usize,
    pub scenarios: Vec<ScenarioReport>,
    pub ranking: Vec<Ranked>,
    pub findings: Vec<Finding>,
    /// Escalation paths of the catalogue the graph cannot follow with this input.
    pub unsupported_paths: Vec<String>,
    /// What could not be evaluated, and why.
    pub unknowns: Vec<String>,
    /// Inputs that could not be read.
    pub errors: Vec<nextgap_findings::ScanError>,
    pub summary: nextgap_findings::Summary,
}

/// `arn:aws:iam::111122223333:role/x` → `role/x`; other ARNs and names as they are.
pub fn short(arn: &str) -> &str {
    match arn.split(':').nth(2) {
        Some("iam") | Some("sts") => arn.split(':').nth(5).unwrap_or(arn),
        _ => arn,
    }
}

fn step_line(out: &mut String, indent: &str, s: &ChainStep) {
    let path = s.path.as_deref().map(|p| format!(" [{p}]")).unwrap_or_default();
    let via = s.via.as_deref().map(|v| format!(" via {}", short(v))).unwrap_or_default();
    let arrow =
        if s.kind == "is-admin" { "is administrator".to_string() } else { format!("{} → {}", s.kind, short(&s.to)) };
    let _ = writeln!(out, "{indent}└─ {arrow}{path}{via}");
    for p in &s.permissions {
        let sid = p.sid.as_deref().map(|s| format!(" sid {s}")).unwrap_or_default();
        // Synthetic grants (the root user, outside principals) have no statement to cite.
        let statement = if p.policy.starts_with('(') { String::new() } else { format!(", statement {}", p.statement) };
        let _ = writeln!(out, "{indent}     {} on {} — {}{statement}{sid}", p.permission, short(&p.resource), p.policy);
    }
    if !s.only_if.is_empty() {
        let _ = writeln!(out, "{indent}     only if: {}", s.only_if.join(", "));
    }
}

/// A chain as indented steps under its first principal.
pub fn chain_text(out: &mut String, indent: &str, chain: &[ChainStep]) {
    if let Some(first) = chain.first() {
        let _ = writeln!(out, "{indent}{}", short(&first.from));
    }
    for (i, s) in chain.iter().enumerate() {
        let pad = format!("{indent}{}", "   ".repeat(i));
        step_line(out, &pad, s);
    }
}

fn granted_text(out: &mut String, title: &str, list: &[Granted]) {
    if list.is_empty() {
        let _ = writeln!(out, "  {title}: no");
        return;
    }
    let _ = writeln!(out, "  {title}: YES ({})", list.len());
    for g in list.iter().take(8) {
        let only = if g.only_if.is_empty() { String::new() } else { format!(" (only if {})", g.only_if.join(", ")) };
        let from =
            g.permissions.first().map(|p| format!(" — {}, statement {}", p.policy, p.statement)).unwrap_or_default();
        let _ = writeln!(out, "    {} on {} as {}{from}{only}", g.action, short(&g.resource), short(&g.by));
    }
    if list.len() > 8 {
        let _ = writeln!(out, "    … and {} more (JSON has all)", list.len() - 8);
    }
}

pub fn scenario_text(out: &mut String, s: &ScenarioReport) {
    let _ = writeln!(out, "\n== {}: {}", s.scenario, s.question);
    let names: Vec<&str> = s.compromised.iter().map(|c| short(c)).collect();
    let _ = writeln!(out, "  Compromised: {}", names.join(", "));
    if s.can_become_admin {
        let _ = writeln!(out, "  Becomes administrator: YES");
        chain_text(out, "    ", &s.admin_chain);
    } else {
        let _ = writeln!(out, "  Becomes administrator: no");
    }
    let others: Vec<_> = s.reaches.iter().filter(|r| !r.chain.is_empty()).collect();
    let _ = writeln!(out, "  Reaches {} other principal(s)", others.len());
    for r in others.iter().take(12) {
        let hops: Vec<String> = r.chain.iter().map(|c| format!("{} → {}", c.kind, short(&c.to))).collect();
        let admin = if r.admin { " (administrator)" } else { "" };
        let _ = writeln!(out, "    {}{admin}: {}", short(&r.principal), hops.join(", "));
    }
    if others.len() > 12 {
        let _ = writeln!(out, "    … and {} more", others.len() - 12);
    }
    let _ = writeln!(out, "  Data stores:");
    for d in &s.data {
        let backups: Vec<String> = d
            .backups
            .iter()
            .map(|b| format!("{}{}", short(&b.resource), if b.deletable { " (deletable)" } else { " (safe)" }))
            .collect();
        let verdict = if d.same_domain {
            "DELETE WITH ALL BACKUPS (IAM-SAME-DOMAIN)"
        } else if d.delete {
            "delete"
        } else if d.read {
            "read"
        } else {
            "no access"
        };
        let read = if d.read && d.delete { ", read" } else { "" };
        let _ = writeln!(out, "    {}: {verdict}{read}", short(&d.resource));
        if !backups.is_empty() {
            let _ = writeln!(out, "      backups: {}", backups.join(", "));
        }
    }
    granted_text(out, "Can stop or blind the audit trail", &s.audit);
    granted_text(out, "Can lock the owners out", &s.lockout);
    granted_text(out, "Can persist", &s.persist);
}

pub fn ranking_text(out: &mut String, ranking: &[Ranked], top: usize) {
    let shown = &ranking[..top.min(ranking.len())];
    let width = shown.iter().map(|r| short(&r.principal).chars().count()).max().unwrap_or(9).max(9);
    let _ = writeln!(out, "\n== Blast radius, largest first (top {} of {})", shown.len(), ranking.len());
    let _ = writeln!(
        out,
        "  {:>4}  {:<width$}  {:>5}  {:>7}  {:>6}  {:>8}  {:>5}",
        "rank", "principal", "admin", "reaches", "delete", "same-dom", "audit"
    );
    for r in shown {
        let admin = match (r.admin, r.can_become_admin) {
            (true, _) => "is",
            (false, true) => "can",
            _ => "-",
        };
        let _ = writeln!(
            out,
            "  {:>4}  {:<width$}  {:>5}  {:>7}  {:>6}  {:>8}  {:>5}",
            r.rank,
            short(&r.principal),
            admin,
            r.reaches,
            r.data_delete,
            r.same_domain.len(),
            r.audit
        );
    }
}

pub fn text(report: &WargameReport, top: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "nextgap wargame: account(s) {} — {} principals, {} edges, {} administrators, {} more can become one",
        report.accounts.join(", "),
        report.principals,
        report.edges,
        report.admins,
        report.can_become_admin.saturating_sub(report.admins)
    );
    for s in &report.scenarios {
        scenario_text(&mut out, s);
    }
    if !report.ranking.is_empty() {
        ranking_text(&mut out, &report.ranking, top);
        for r in report.ranking.iter().filter(|r| !r.admin_chain.is_empty()).take(top.min(5)) {
            let _ = writeln!(out, "\n  How {} becomes administrator:", short(&r.principal));
            chain_text(&mut out, "    ", &r.admin_chain);
        }
    }
    if !report.findings.is_empty() {
        let _ = writeln!(out, "\n== Findings ({})", report.findings.len());
        for f in &report.findings {
            let _ =
                writeln!(out, "  {} {} [{}] {}", f.severity.as_str().to_uppercase(), f.rule_id, f.family, f.message);
        }
    }
    for e in &report.errors {
        let _ = writeln!(out, "\n  ERROR {}: {}", e.file, e.message);
    }
    if !report.unknowns.is_empty() {
        let _ = writeln!(out, "\n== Not evaluated ({})", report.unknowns.len());
        for u in report.unknowns.iter().take(20) {
            let _ = writeln!(out, "  UNKNOWN {u}");
        }
    }
    out
}

/// The attack-path edges to draw: scenario chains and the ranking's chains to administrator.
fn drawn(report: &WargameReport, top: usize) -> Vec<ChainStep> {
    let mut out = Vec::new();
    for s in &report.scenarios {
        out.extend(s.admin_chain.iter().cloned());
        out.extend(s.reaches.iter().flat_map(|r| r.chain.iter().cloned()));
    }
    for r in report.ranking.iter().take(top) {
        out.extend(r.admin_chain.iter().cloned());
    }
    // An administrator's reach over its whole account is one fact, drawn as its edge to
    // ADMINISTRATOR, not a fan of edges.
    out.retain(|s| s.kind != "as-admin");
    let mut seen = BTreeSet::new();
    out.retain(|s| seen.insert((s.from.clone(), s.to.clone(), s.kind.clone())));
    out
}

fn label(s: &ChainStep) -> String {
    match &s.path {
        Some(p) => format!("{} ({p})", s.kind),
        None => s.kind.clone(),
    }
}

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

pub fn dot(report: &WargameReport, top: usize) -> String {
    let mut out =
        String::from("digraph nextgap_wargame {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n");
    let compromised: BTreeSet<&str> =
        report.scenarios.iter().flat_map(|s| s.compromised.iter().map(String::as_str)).collect();
    for c in &compromised {
        let _ = writeln!(out, "  \"{}\" [style=filled, fillcolor=\"#f4cccc\"];", dot_escape(short(c)));
    }
    for s in drawn(report, top) {
        let to = if s.kind == "is-admin" { "ADMINISTRATOR".to_string() } else { short(&s.to).to_string() };
        let style = if s.kind == "modify" { ", style=dashed" } else { "" };
        let _ = writeln!(
            out,
            "  \"{}\" -> \"{}\" [label=\"{}\"{style}];",
            dot_escape(short(&s.from)),
            dot_escape(&to),
            dot_escape(&label(&s))
        );
    }
    out.push_str(
        "  \"ADMINISTRATOR\" [shape=doubleoctagon, style=filled, fillcolor=\"#cc0000\", fontcolor=white];\n}\n",
    );
    out
}

/// Mermaid node ids must be plain: index the principals.
pub fn mermaid(report: &WargameReport, top: usize) -> String {
    let steps = drawn(report, top);
    let mut ids: Vec<String> = Vec::new();
    let id = |name: &str, ids: &mut Vec<String>| -> String {
        let pos = ids.iter().position(|n| n == name).unwrap_or_else(|| {
            ids.push(name.to_string());
            ids.len() - 1
        });
        format!("n{pos}")
    };
    let mut lines = Vec::new();
    for s in &steps {
        let to = if s.kind == "is-admin" { "ADMINISTRATOR".to_string() } else { short(&s.to).to_string() };
        let a = id(short(&s.from), &mut ids);
        let b = id(&to, &mut ids);
        let arrow = if s.kind == "modify" { "-.->" } else { "-->" };
        lines.push(format!("  {a} {arrow}|\"{}\"| {b}", label(s).replace(['|', '"'], "/")));
    }
    let mut out = String::from("flowchart LR\n");
    for (i, name) in ids.iter().enumerate() {
        let _ = writeln!(out, "  n{i}[\"{}\"]", name.replace('"', "#quot;"));
    }
    for l in lines {
        let _ = writeln!(out, "{l}");
    }
    if let Some(pos) = ids.iter().position(|n| n == "ADMINISTRATOR") {
        let _ = writeln!(out, "  style n{pos} fill:#c00,color:#fff");
    }
    out
}
