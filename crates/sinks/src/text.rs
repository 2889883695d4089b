//! The text sink: for people at a terminal or reading a CI log.
//!
//! ```text
//! templates/app.yaml (2 findings)
//!   templates/app.yaml:12:5  critical  NG-S3-001  PublicBucket (AWS::S3::Bucket)  The bucket ACL …
//! ```
//!
//! Every string that comes from a template (logical ids, messages, evidence) passes through
//! [`clean`] first, so a template cannot send escape sequences to the reader's terminal.

use crate::{location_name, references_line};
use anstyle::{AnsiColor, Style};
use nextgap_findings::{Finding, Report, Severity};
use std::collections::BTreeMap;
use std::fmt::Display;
use std::io::{self, Write};

/// How the text sink renders.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TextOptions {
    /// ANSI colours; the caller decides (terminal, `--color`, `NO_COLOR`).
    pub color: bool,
    /// Show evidence, property path, fix and references under each finding, and list skipped files.
    pub verbose: bool,
}

const SEVERITY_WIDTH: usize = 8; // "critical"
const INDENT: &str = "  ";
const DETAIL_INDENT: &str = "      ";

pub(crate) const BOLD: Style = Style::new().bold();
pub(crate) const DIM: Style = Style::new().dimmed();
pub(crate) const HEADER: Style = Style::new().bold().underline();
pub(crate) const ERROR: Style = Style::new().bold().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red)));

pub(crate) fn severity_style(s: Severity) -> Style {
    let fg = |c: AnsiColor| Style::new().fg_color(Some(c.into()));
    match s {
        Severity::Critical => fg(AnsiColor::Red).bold(),
        Severity::High => fg(AnsiColor::Red),
        Severity::Medium => fg(AnsiColor::Yellow),
        Severity::Low => fg(AnsiColor::Cyan),
        Severity::Info => DIM,
    }
}

/// Applies styles only when colour is on.
#[derive(Clone, Copy)]
pub(crate) struct Painter {
    pub(crate) color: bool,
}

impl Painter {
    pub(crate) fn paint(self, style: Style, text: impl Display) -> String {
        if self.color && !style.is_plain() {
            format!("{style}{text}{style:#}")
        } else {
            text.to_string()
        }
    }
}

/// Makes untrusted text safe to print on one line: control characters (ESC, CR, BEL, …) are
/// shown escaped (`\u{1b}`), line breaks and tabs become spaces.
pub(crate) fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\t' => out.push(' '),
            '\r' => {}
            c if c.is_control() || is_bidi_control(c) => out.extend(c.escape_unicode()),
            c => out.push(c),
        }
    }
    out
}

/// Bidirectional overrides reorder what a reader sees (Trojan Source): show them escaped.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// `file:line:col`, leaving out what is unknown (0).
fn position(file: &str, line: u32, column: u32) -> String {
    match (line, column) {
        (0, _) => file.to_string(),
        (l, 0) => format!("{file}:{l}"),
        (l, c) => format!("{file}:{l}:{c}"),
    }
}

pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub fn write_text(report: &Report, opts: &TextOptions, out: &mut dyn Write) -> io::Result<()> {
    let p = Painter { color: opts.color };

    // Findings grouped by file, files in order, findings in report order (`Report::finish`).
    let mut by_file: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in &report.findings {
        by_file.entry(location_name(&f.location)).or_default().push(f);
    }
    for (file, findings) in &by_file {
        writeln!(
            out,
            "{} {}",
            p.paint(HEADER, clean(file)),
            p.paint(DIM, format!("({})", plural(findings.len(), "finding", "findings")))
        )?;
        let widths = Widths {
            at: findings.iter().map(|f| at(f).chars().count()).max().unwrap_or(0),
            rule: findings.iter().map(|f| clean(&f.rule_id).chars().count()).max().unwrap_or(0),
        };
        for f in findings {
            write_finding(f, opts, widths, p, out)?;
        }
        writeln!(out)?;
    }

    if !report.errors.is_empty() {
        writeln!(out, "{}", p.paint(ERROR, format!("errors ({})", report.errors.len())))?;
        for e in &report.errors {
            let at = position(&e.file, e.line, e.column);
            writeln!(out, "{INDENT}{}: {}", p.paint(BOLD, clean(&at)), clean(&e.message))?;
        }
        writeln!(out)?;
    }

    let unknown: Vec<_> = report.checks.iter().filter(|c| c.status == nextgap_findings::Status::Unknown).collect();
    if !unknown.is_empty() {
        writeln!(out, "{}", p.paint(BOLD, format!("unknown: could not be checked ({})", unknown.len())))?;
        for c in unknown {
            let region = if c.region.is_empty() { String::new() } else { format!(" [{}]", c.region) };
            writeln!(out, "{INDENT}{} {}{}: {}", c.rule_id, clean(&c.resource), clean(&region), clean(&c.reason))?;
        }
        writeln!(out)?;
    }

    if opts.verbose && !report.skipped.is_empty() {
        writeln!(out, "{}", p.paint(BOLD, format!("skipped ({})", report.skipped.len())))?;
        for s in &report.skipped {
            writeln!(out, "{INDENT}{}: {}", clean(&s.file), clean(&s.reason))?;
        }
        writeln!(out)?;
    }

    write_summary(report, p, out)
}

/// Column widths within one file's findings, so severities and rule ids line up.
#[derive(Clone, Copy)]
struct Widths {
    at: usize,
    rule: usize,
}

/// `file:line:col` of a finding, cleaned.
fn at(f: &Finding) -> String {
    clean(&position(location_name(&f.location), f.location.line, f.location.column))
}

fn write_finding(f: &Finding, opts: &TextOptions, w: Widths, p: Painter, out: &mut dyn Write) -> io::Result<()> {
    let loc = &f.location;
    let at = at(f);
    let at_pad = " ".repeat(w.at.saturating_sub(at.chars().count()));
    let rule = clean(&f.rule_id);
    let rule_pad = " ".repeat(w.rule.saturating_sub(rule.chars().count()));
    let severity = format!("{:<SEVERITY_WIDTH$}", f.severity.as_str());
    let resource = match (loc.logical_id.is_empty(), loc.resource_type.is_empty()) {
        (false, false) => {
            format!("{} {}", clean(&loc.logical_id), p.paint(DIM, format!("({})", clean(&loc.resource_type))))
        }
        (false, true) => clean(&loc.logical_id),
        (true, false) => p.paint(DIM, format!("({})", clean(&loc.resource_type))),
        (true, true) => String::new(),
    };
    let mut line = format!(
        "{INDENT}{}{at_pad}  {}  {rule}{rule_pad}",
        p.paint(BOLD, &at),
        p.paint(severity_style(f.severity), severity),
    );
    if !resource.is_empty() {
        line.push_str("  ");
        line.push_str(&resource);
    }
    line.push_str("  ");
    line.push_str(&clean(&f.message));
    writeln!(out, "{}", line.trim_end())?;

    if !opts.verbose {
        return Ok(());
    }
    let mut details: Vec<(&str, String)> = Vec::new();
    if let Some(arn) = loc.arn.as_deref().filter(|a| !a.is_empty() && clean(a) != at) {
        details.push(("arn", clean(arn)));
    }
    if !loc.path.is_empty() {
        details.push(("property", clean(&loc.path)));
    }
    if !f.evidence.is_empty() {
        details.push(("evidence", clean(&f.evidence)));
    }
    if !f.fix.is_empty() {
        details.push(("fix", clean(&f.fix)));
    }
    let refs = references_line(&f.references);
    if !refs.is_empty() {
        details.push(("references", clean(&refs)));
    }
    for link in &f.references.links {
        details.push(("see", clean(link)));
    }
    let width = details.iter().map(|(label, _)| label.len() + 1).max().unwrap_or(0);
    for (label, value) in details {
        let label = format!("{:<width$}", format!("{label}:"));
        writeln!(out, "{DETAIL_INDENT}{} {value}", p.paint(DIM, label))?;
    }
    Ok(())
}

/// `4 findings: 1 critical, 2 high, 1 low · 2 files scanned, 1 failed, 1 skipped · 1 suppressed`
pub(crate) fn write_summary(report: &Report, p: Painter, out: &mut dyn Write) -> io::Result<()> {
    let s = &report.summary;
    let mut parts = Vec::new();

    let total = report.findings.len();
    if total == 0 {
        parts.push(p.paint(BOLD, "no findings"));
    } else {
        let counts: Vec<String> = Severity::ALL
            .iter()
            .rev()
            .filter_map(|&sev| {
                let n = report.findings.iter().filter(|f| f.severity == sev).count();
                (n > 0).then(|| p.paint(severity_style(sev), format!("{n} {sev}")))
            })
            .collect();
        parts.push(format!("{}: {}", p.paint(BOLD, plural(total, "finding", "findings")), counts.join(", ")));
    }

    // Live audits count accounts and every (check, subject) verdict; UNKNOWN is shown, never
    // folded into PASS.
    if let Some(c) = &s.checks {
        parts.push(format!(
            "checks: {} pass, {}, {}",
            c.pass,
            p.paint(ERROR, format!("{} fail", c.fail)),
            p.paint(BOLD, format!("{} unknown", c.unknown))
        ));
    }
    let unit = if s.checks.is_some() {
        ("account audited", "accounts audited")
    } else if s.events.is_some() {
        ("log file read", "log files read")
    } else {
        ("file scanned", "files scanned")
    };
    let mut files = vec![plural(s.files_scanned, unit.0, unit.1)];
    if let Some(events) = s.events {
        files.push(format!("{events} events"));
    }
    if s.files_failed > 0 {
        files.push(p.paint(ERROR, format!("{} failed", s.files_failed)));
    }
    if s.files_skipped > 0 {
        let what = if s.events.is_some() { "skipped" } else { "skipped (not templates)" };
        files.push(format!("{} {what}", s.files_skipped));
    }
    parts.push(files.join(", "));

    let mut hidden = Vec::new();
    if s.suppressed > 0 {
        hidden.push(format!("{} suppressed", s.suppressed));
    }
    if s.baselined > 0 {
        hidden.push(format!("{} in baseline", s.baselined));
    }
    if !hidden.is_empty() {
        parts.push(hidden.join(", "));
    }
    writeln!(out, "{}", parts.join(" · "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_escapes_terminal_controls() {
        assert_eq!(clean("a\u{1b}[31mred"), "a\\u{1b}[31mred");
        assert_eq!(clean("two\nlines\r\n\tx"), "two lines  x");
        assert_eq!(clean("abc\u{202E}def"), "abc\\u{202e}def");
        assert_eq!(clean("Ünïcødé ok"), "Ünïcødé ok");
    }

    #[test]
    fn position_leaves_out_unknowns() {
        assert_eq!(position("a.yaml", 0, 0), "a.yaml");
        assert_eq!(position("a.yaml", 3, 0), "a.yaml:3");
        assert_eq!(position("a.yaml", 3, 7), "a.yaml:3:7");
    }

    #[test]
    fn colour_only_when_asked() {
        assert_eq!(Painter { color: false }.paint(ERROR, "x"), "x");
        let red = Painter { color: true }.paint(ERROR, "x");
        assert!(red.starts_with('\u{1b}') && red.contains('x') && red.ends_with('m'), "{red:?}");
    }
}
