//! `nextgap iam lint`: lint IAM policy documents (JSON files, directories of them, or standard
//! input) against the catalogue of AWS actions. Each issue is a finding of the `iam_lint` rules
//! (NG-IAM-370…374), the ones that check the policies of templates and accounts, so output,
//! configuration, baselines and exit codes are those of `nextgap iac`.

use crate::discover::{self, Filters, Input};
use crate::report::{findings_exit_code, ReportArgs};
use crate::EXIT_ERROR;
use anyhow::Result;
use clap::{Args, Subcommand, ValueEnum};
use nextgap_findings::{Finding, Location, Report, ScanError, Skipped};
use nextgap_iam::lint::{self, Kind, LintIssue};
use nextgap_rules::rules::iam_lint::{evidence, rule_for};
use nextgap_rules::{Config, Rule};
use std::io::Read;
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct IamArgs {
    #[command(subcommand)]
    pub command: IamCommand,
}

#[derive(Subcommand)]
pub enum IamCommand {
    /// Lint IAM policy documents: structure, unknown actions, resources of the wrong type,
    /// condition keys that do not apply (files, directories walked for *.json, or `-`).
    Lint(Box<LintArgs>),
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum KindArg {
    Identity,
    Resource,
    Trust,
    Scp,
}

impl KindArg {
    fn kind(self) -> Kind {
        match self {
            KindArg::Identity => Kind::Identity,
            KindArg::Resource => Kind::Resource,
            KindArg::Trust => Kind::Trust,
            KindArg::Scp => Kind::Scp,
        }
    }

    /// The resource type findings name.
    fn resource_type(self) -> &'static str {
        match self {
            KindArg::Identity => "AWS::IAM::Policy",
            KindArg::Resource => "resource policy",
            KindArg::Trust => "trust policy",
            KindArg::Scp => "AWS::Organizations::Policy",
        }
    }
}

#[derive(Args)]
pub struct LintArgs {
    /// Policy files or directories (walked recursively for `*.json`); `-` reads standard input.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub report: ReportArgs,
    /// The kind of policy: which elements are allowed (`Principal`, `Resource`) and which
    /// checks apply (`Resource: "*"` is only reported in identity policies).
    #[arg(long, value_enum, default_value_t = KindArg::Identity)]
    pub kind: KindArg,
    /// Largest file to read, in MiB.
    #[arg(long, default_value_t = 16, value_name = "MIB")]
    pub max_file_size: u64,
}

pub fn run(args: IamArgs) -> Result<u8> {
    match args.command {
        IamCommand::Lint(lint) => lint_run(*lint),
    }
}

/// What one input gave.
enum FileResult {
    Linted(String, Vec<Finding>),
    Skipped(Skipped),
    Failed(ScanError),
}

fn lint_run(args: LintArgs) -> Result<u8> {
    let first = args.paths.iter().find(|p| p.as_os_str() != "-");
    let config = args.report.load_config(first.map(PathBuf::as_path))?;
    let threshold = args.report.threshold(&config)?;
    let rules = args.report.rules(&config)?;
    let max_bytes = args.max_file_size.saturating_mul(1024 * 1024);

    let mut missing = Vec::new();
    let inputs = json_inputs(&args.paths, &mut missing)?;
    let mut report = Report::new(env!("CARGO_PKG_VERSION"));
    for (file, message) in missing {
        report.errors.push(ScanError { file, line: 0, column: 0, message });
    }
    let mut scanned = Vec::new();
    for input in &inputs {
        match lint_input(input, max_bytes, args.kind, &rules, &config) {
            FileResult::Linted(file, findings) => {
                report.summary.files_scanned += 1;
                report.summary.resources += 1;
                report.findings.extend(findings);
                scanned.push(file);
            }
            FileResult::Skipped(s) => report.skipped.push(s),
            FileResult::Failed(e) => report.errors.push(e),
        }
    }
    args.report.apply_baseline(&mut report)?;
    report.finish();
    args.report.write(&report, &rules, &scanned)?;
    if report.summary.files_scanned == 0 {
        eprintln!(
            "nextgap: no policy could be read ({} failed, {} not policies)",
            report.summary.files_failed, report.summary.files_skipped
        );
        return Ok(EXIT_ERROR);
    }
    Ok(findings_exit_code(&report, threshold))
}

/// Files named on the command line whatever their extension; `*.json` files of directories.
fn json_inputs(paths: &[PathBuf], missing: &mut Vec<(String, String)>) -> Result<Vec<Input>> {
    let filters = Filters::new(&[], &[])?;
    let mut out = Vec::new();
    for path in paths {
        let found = discover::inputs(std::slice::from_ref(path), &filters, missing);
        if path.is_dir() {
            out.extend(found.into_iter().filter(|i| matches!(i, Input::File(p) if is_json(p))));
        } else {
            out.extend(found);
        }
    }
    Ok(out)
}

fn is_json(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

fn lint_input(input: &Input, max_bytes: u64, kind: KindArg, rules: &[&'static Rule], config: &Config) -> FileResult {
    let file = input.display();
    let error =
        |line, column, message: String| FileResult::Failed(ScanError { file: file.clone(), line, column, message });
    let bytes = match read(input, max_bytes) {
        Ok(bytes) => bytes,
        Err(message) => return error(0, 0, message),
    };
    let text = match std::str::from_utf8(&bytes) {
        Ok(text) => text.strip_prefix('\u{feff}').unwrap_or(text),
        Err(e) => {
            let (line, column) = position(&bytes[..e.valid_up_to()]);
            return error(line, column, format!("not UTF-8 text (byte {} is invalid)", e.valid_up_to()));
        }
    };
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let message = format!("not valid JSON: {}", lint::json_error_text(&e));
            return error(e.line() as u32, e.column() as u32, message);
        }
    };
    if !looks_like_policy(&value) {
        let reason = "not an IAM policy document (no Version or Statement)".to_string();
        return FileResult::Skipped(Skipped { file, reason });
    }
    let findings = lint::lint_text("", text, kind.kind())
        .into_iter()
        .filter_map(|issue| finding(&file, kind, issue, rules, config))
        .collect();
    FileResult::Linted(file, findings)
}

fn read(input: &Input, max_bytes: u64) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    let limit = max_bytes.saturating_add(1);
    let read = match input {
        Input::File(path) => std::fs::File::open(path).and_then(|f| f.take(limit).read_to_end(&mut bytes)),
        Input::Stdin => std::io::stdin().take(limit).read_to_end(&mut bytes),
    };
    read.map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > max_bytes {
        return Err(format!("larger than the {} MiB limit (--max-file-size)", max_bytes >> 20));
    }
    Ok(bytes)
}

/// 1-based line and column just after `prefix` (valid UTF-8 up to an invalid byte).
fn position(prefix: &[u8]) -> (u32, u32) {
    let text = String::from_utf8_lossy(prefix);
    let line = text.matches('\n').count() + 1;
    let column = text.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line as u32, column as u32)
}

/// A JSON object with `Version` or `Statement` (in any case, or misspelt `Statment`): other
/// JSON files of a directory (package.json…) are skipped, not reported.
fn looks_like_policy(value: &serde_json::Value) -> bool {
    value.as_object().is_some_and(|o| {
        o.keys().any(|k| {
            let k = k.to_ascii_lowercase();
            k == "version" || k.starts_with("statem") || k == "statment"
        })
    })
}

/// The finding of an issue, when its rule is enabled.
fn finding(file: &str, kind: KindArg, issue: LintIssue, rules: &[&'static Rule], config: &Config) -> Option<Finding> {
    let rule = rule_for(issue.code);
    if !rules.iter().any(|r| std::ptr::eq(*r, rule)) {
        return None;
    }
    let logical_id = match (issue.statement, issue.sid.as_deref().filter(|s| !s.is_empty())) {
        (Some(_), Some(sid)) => sid.to_string(),
        (Some(i), None) => format!("Statement[{i}]"),
        (None, _) => "policy".to_string(),
    };
    let evidence = evidence(&issue);
    let location = Location {
        file: file.to_string(),
        line: issue.line,
        column: issue.column,
        logical_id,
        resource_type: kind.resource_type().into(),
        path: issue.path,
        ..Location::default()
    };
    Some(config.finding(rule, issue.message, location, evidence))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_of_invalid_bytes() {
        assert_eq!(position(b"{\n  \"a\": \""), (2, 9));
        assert_eq!(position(b""), (1, 1));
    }

    #[test]
    fn policies_are_told_from_other_json() {
        assert!(looks_like_policy(&serde_json::json!({"Version": "2012-10-17"})));
        assert!(looks_like_policy(&serde_json::json!({"statement": []})));
        assert!(!looks_like_policy(&serde_json::json!({"name": "pkg"})));
        assert!(!looks_like_policy(&serde_json::json!([1])));
    }
}
