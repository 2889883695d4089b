//! The JUnit XML sink, for CI dashboards (GitLab, Jenkins, Azure DevOps, …).
//!
//! - one `<testsuite>` per file, named by its path, suites in path order;
//! - one failing `<testcase>` per (rule, resource) in that file, `name` = `RULE-ID LogicalId`,
//!   `classname` = the file, `<failure type="RULE-ID" message="…">` with severity, location,
//!   evidence, fix and references as its text (several findings of one rule on one resource,
//!   e.g. two open ingress rules, share the test case and are all listed in the text);
//! - one `<testcase>` with an `<error>` per scan error;
//! - a passing `no findings` test case for each clean file, so dashboards count it. The report
//!   only counts clean files, so [`write_junit`] adds one `templates without findings` suite
//!   holding them together; [`write_junit_scanned`] takes the scanned paths and gives each
//!   clean file its own suite.
//!
//! No timestamps or durations are written, so the output depends only on the report.

use crate::{location_name, references_line};
use nextgap_findings::{Finding, Report, ScanError};
use quick_junit::{NonSuccessKind, Report as JunitReport, TestCase, TestCaseStatus, TestSuite};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

/// Name of the suite that stands for clean files when their paths are not known.
pub const CLEAN_SUITE: &str = "templates without findings";

pub fn write_junit(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    render(report, None, out)
}

/// Like [`write_junit`], knowing every scanned template's path (as the findings name them):
/// each one without findings gets its own suite with a passing test case.
pub fn write_junit_scanned(report: &Report, scanned: &[&str], out: &mut dyn Write) -> io::Result<()> {
    render(report, Some(scanned), out)
}

#[derive(Default)]
struct FileCases<'a> {
    /// (rule id, logical id) → findings, in report order.
    findings: Vec<((&'a str, &'a str), Vec<&'a Finding>)>,
    errors: Vec<&'a ScanError>,
}

fn render(report: &Report, scanned: Option<&[&str]>, out: &mut dyn Write) -> io::Result<()> {
    let mut files: BTreeMap<&str, FileCases> = BTreeMap::new();
    for f in &report.findings {
        let cases = &mut files.entry(location_name(&f.location)).or_default().findings;
        let key = (f.rule_id.as_str(), f.location.logical_id.as_str());
        match cases.iter_mut().find(|(k, _)| *k == key) {
            Some((_, list)) => list.push(f),
            None => cases.push((key, vec![f])),
        }
    }
    for e in &report.errors {
        files.entry(e.file.as_str()).or_default().errors.push(e);
    }
    let with_findings: BTreeSet<&str> =
        files.iter().filter(|(_, c)| !c.findings.is_empty()).map(|(file, _)| *file).collect();

    let mut junit = JunitReport::new("nextgap");
    let mut clean_files: BTreeSet<&str> = BTreeSet::new();
    if let Some(scanned) = scanned {
        for file in scanned {
            if !with_findings.contains(file) {
                clean_files.insert(file);
                files.entry(file).or_default();
            }
        }
    }

    for (file, cases) in &files {
        let mut suite = TestSuite::new(*file);
        for ((rule_id, logical_id), findings) in &cases.findings {
            suite.add_test_case(finding_case(file, rule_id, logical_id, findings));
        }
        for e in &cases.errors {
            suite.add_test_case(error_case(e));
        }
        if clean_files.contains(file) {
            let mut case = TestCase::new("no findings", TestCaseStatus::success());
            case.set_classname(*file);
            suite.add_test_case(case);
        }
        junit.add_test_suite(suite);
    }

    if scanned.is_none() {
        let clean = report.summary.files_scanned.saturating_sub(with_findings.len());
        if clean > 0 {
            let mut suite = TestSuite::new(CLEAN_SUITE);
            for i in 1..=clean {
                let mut case = TestCase::new(format!("template #{i}: no findings"), TestCaseStatus::success());
                case.set_classname(CLEAN_SUITE);
                suite.add_test_case(case);
            }
            junit.add_test_suite(suite);
        }
    }

    junit.serialize(&mut *out).map_err(io::Error::other)?;
    out.write_all(b"\n")
}

fn finding_case(file: &str, rule_id: &str, logical_id: &str, findings: &[&Finding]) -> TestCase {
    let first = findings[0];
    let name = if logical_id.is_empty() { rule_id.to_string() } else { format!("{rule_id} {logical_id}") };
    let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
    let message = match findings.len() {
        1 => first.message.clone(),
        n => format!("{} (and {} more)", first.message, n - 1),
    };
    status.set_type(rule_id).set_message(message);
    status.set_description(findings.iter().map(|f| describe(f)).collect::<Vec<_>>().join("\n\n"));
    let mut case = TestCase::new(name, status);
    case.set_classname(file);
    case
}

/// The failure text: what, where, the proof and the fix.
fn describe(f: &Finding) -> String {
    let loc = &f.location;
    let mut lines = vec![format!("{} {} {}: {}", f.severity, f.rule_id, f.rule_name, f.title)];
    let mut at = location_name(loc).to_string();
    if loc.line > 0 {
        at.push_str(&format!(":{}", loc.line));
        if loc.column > 0 {
            at.push_str(&format!(":{}", loc.column));
        }
    }
    let what: Vec<&str> = [loc.logical_id.as_str(), loc.resource_type.as_str(), loc.path.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    if what.is_empty() {
        lines.push(format!("at {at}"));
    } else {
        lines.push(format!("at {at} ({})", what.join(", ")));
    }
    lines.push(f.message.clone());
    if !f.evidence.is_empty() {
        lines.push(format!("evidence: {}", f.evidence));
    }
    if !f.fix.is_empty() {
        lines.push(format!("fix: {}", f.fix));
    }
    let refs = references_line(&f.references);
    if !refs.is_empty() {
        lines.push(format!("references: {refs}"));
    }
    for link in &f.references.links {
        lines.push(format!("see: {link}"));
    }
    lines.join("\n")
}

fn error_case(e: &ScanError) -> TestCase {
    let name = match (e.line, e.column) {
        (0, _) => "error".to_string(),
        (l, 0) => format!("error at line {l}"),
        (l, c) => format!("error at {l}:{c}"),
    };
    let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
    status.set_type("error").set_message(e.message.as_str()).set_description(e.to_string());
    let mut case = TestCase::new(name, status);
    case.set_classname(e.file.as_str());
    case
}
