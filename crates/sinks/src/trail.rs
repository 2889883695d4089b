//! Sinks for findings from logs (`nextgap trail`): a timeline per principal for people, JSON
//! Lines streamed as findings are made, and CSV for spreadsheets and SIEM imports.

use crate::text::{clean, plural, severity_style, write_summary, Painter, BOLD, DIM, ERROR, HEADER};
use crate::TextOptions;
use nextgap_findings::{EventRef, Finding, Report};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// The principal a finding is about: who acted in its first event.
fn principal(f: &Finding) -> &str {
    f.events.first().map(|e| e.principal.as_str()).filter(|p| !p.is_empty()).unwrap_or("(unknown principal)")
}

fn first_time(f: &Finding) -> &str {
    f.events.first().map(|e| e.time.as_str()).unwrap_or_default()
}

/// Findings grouped by principal, each group in time order; groups ordered by their first
/// finding, so the story reads top to bottom.
pub fn write_timeline(report: &Report, opts: &TextOptions, out: &mut dyn Write) -> io::Result<()> {
    let p = Painter { color: opts.color };
    let mut groups: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in &report.findings {
        groups.entry(principal(f)).or_default().push(f);
    }
    let mut ordered: Vec<(&str, Vec<&Finding>)> = groups.into_iter().collect();
    for (_, findings) in &mut ordered {
        findings.sort_by(|a, b| (first_time(a), &a.rule_id).cmp(&(first_time(b), &b.rule_id)));
    }
    ordered.sort_by(|a, b| (first_time(a.1[0]), a.0).cmp(&(first_time(b.1[0]), b.0)));
    for (who, findings) in &ordered {
        let span = match (findings.first(), findings.last()) {
            (Some(a), Some(b)) if first_time(a) != first_time(b) => format!(", {} … {}", first_time(a), first_time(b)),
            (Some(a), _) => format!(", {}", first_time(a)),
            _ => String::new(),
        };
        let count = plural(findings.len(), "finding", "findings");
        writeln!(out, "{} {}", p.paint(HEADER, clean(who)), p.paint(DIM, format!("({count}{})", clean(&span))))?;
        for f in findings {
            write_entry(f, opts, p, out)?;
        }
        writeln!(out)?;
    }
    write_problems(report, opts, p, out)?;
    write_summary(report, p, out)
}

fn write_entry(f: &Finding, opts: &TextOptions, p: Painter, out: &mut dyn Write) -> io::Result<()> {
    let first = f.events.first().cloned().unwrap_or_default();
    let severity = p.paint(severity_style(f.severity), format!("{:<8}", f.severity.as_str()));
    let place = [first.account.as_str(), first.region.as_str()]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join("/");
    writeln!(
        out,
        "  {}  {severity}  {}  {}  {}",
        p.paint(BOLD, clean(&first.time)),
        clean(&f.rule_id),
        clean(&f.message),
        p.paint(DIM, clean(&format!("[{} {place} from {}]", first.event_name, first.source_ip))),
    )?;
    if opts.verbose {
        for e in &f.events {
            writeln!(out, "      {} {}", p.paint(DIM, "event:"), clean(&event_line(e)))?;
        }
        if !f.evidence.is_empty() {
            writeln!(out, "      {} {}", p.paint(DIM, "evidence:"), clean(&f.evidence))?;
        }
        if !f.fix.is_empty() {
            writeln!(out, "      {} {}", p.paint(DIM, "fix:"), clean(&f.fix))?;
        }
    }
    Ok(())
}

/// `eventID time eventName file#index`.
fn event_line(e: &EventRef) -> String {
    let line = if e.line > 0 { format!(":{}", e.line) } else { String::new() };
    format!("{} {} {} {}{line} (record {})", e.event_id, e.time, e.event_name, e.file, e.index)
}

fn write_problems(report: &Report, opts: &TextOptions, p: Painter, out: &mut dyn Write) -> io::Result<()> {
    if !report.errors.is_empty() {
        writeln!(out, "{}", p.paint(ERROR, format!("errors ({})", report.errors.len())))?;
        for e in &report.errors {
            writeln!(out, "  {}", clean(&e.to_string()))?;
        }
        writeln!(out)?;
    }
    if !report.skipped.is_empty() {
        writeln!(out, "{}", p.paint(BOLD, format!("skipped ({})", report.skipped.len())))?;
        let shown = if opts.verbose { report.skipped.len() } else { report.skipped.len().min(5) };
        for s in &report.skipped[..shown] {
            writeln!(out, "  {}: {}", clean(&s.file), clean(&s.reason))?;
        }
        if shown < report.skipped.len() {
            writeln!(out, "  … {} more (-v lists them)", report.skipped.len() - shown)?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// One finding as one JSON line (the JSON report's finding object).
pub fn write_jsonl_finding(f: &Finding, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer(&mut *out, f)?;
    out.write_all(b"\n")
}

pub const CSV_HEADER: [&str; 17] = [
    "time",
    "severity",
    "rule_id",
    "rule_name",
    "family",
    "title",
    "message",
    "principal",
    "event_name",
    "event_id",
    "account",
    "region",
    "source_ip",
    "subject",
    "file",
    "index",
    "other_event_ids",
];

/// Findings as CSV, one row per finding, named after its first event; RFC 4180 quoting.
pub fn write_csv(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(CSV_HEADER)?;
    for f in &report.findings {
        let e = f.events.first().cloned().unwrap_or_default();
        let others: Vec<&str> = f.events.iter().skip(1).map(|e| e.event_id.as_str()).collect();
        w.write_record([
            e.time.as_str(),
            f.severity.as_str(),
            &f.rule_id,
            &f.rule_name,
            &f.family,
            &f.title,
            &f.message,
            &e.principal,
            &e.event_name,
            &e.event_id,
            &e.account,
            &e.region,
            &e.source_ip,
            &f.location.logical_id,
            &e.file,
            &e.index.to_string(),
            &others.join(" "),
        ])?;
    }
    w.flush()
}
