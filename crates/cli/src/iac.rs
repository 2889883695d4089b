//! `nextgap iac`: scan templates before they are deployed.

use crate::discover::{self, Filters, Input};
use crate::report::{findings_exit_code, ReportArgs};
use crate::EXIT_ERROR;
use anyhow::Result;
use clap::Args;
use nextgap_findings::{Report, ScanError, Severity, Skipped};
use nextgap_rules::{check_model, Config, Rule};
use nextgap_source_cfn::{load, load_path, Limits, LoadError, Loaded};
use rayon::prelude::*;
use std::io::Read;
use std::path::PathBuf;

#[derive(Args)]
pub struct IacArgs {
    /// Files or directories to scan; `-` reads one template from standard input.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub report: ReportArgs,
    /// Only scan files matching this glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,
    /// Skip files matching this glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Worker threads (default: one per core).
    #[arg(long, short)]
    pub jobs: Option<usize>,
    /// Largest file to read, in MiB.
    #[arg(long, default_value_t = 64, value_name = "MIB")]
    pub max_file_size: u64,
}

/// What one input gave.
enum FileResult {
    Checked { file: String, outcome: nextgap_rules::Outcome, resources: usize },
    Skipped(Skipped),
    Failed(ScanError),
}

pub fn run(args: IacArgs) -> Result<u8> {
    let first = args.paths.iter().find(|p| p.as_os_str() != "-");
    let config = args.report.load_config(first.map(PathBuf::as_path))?;
    let threshold = args.report.threshold(&config)?;
    let mut include = config.scan.include.clone();
    include.extend(args.include.iter().cloned());
    let mut exclude = config.scan.exclude.clone();
    exclude.extend(args.exclude.iter().cloned());
    let filters = Filters::new(&include, &exclude)?;
    let rules = args.report.rules(&config)?;
    if let Some(jobs) = args.jobs {
        rayon::ThreadPoolBuilder::new().num_threads(jobs.max(1)).build_global().ok();
    }

    let mut missing = Vec::new();
    let inputs = discover::inputs(&args.paths, &filters, &mut missing);
    let limits = Limits { max_bytes: args.max_file_size.saturating_mul(1024 * 1024), ..Limits::default() };
    let results: Vec<FileResult> = inputs.par_iter().map(|input| scan_one(input, &limits, &rules, &config)).collect();

    let mut report = Report::new(env!("CARGO_PKG_VERSION"));
    for (file, message) in missing {
        report.errors.push(ScanError { file, line: 0, column: 0, message });
    }
    let scanned: Vec<String> = results
        .iter()
        .filter_map(|r| match r {
            FileResult::Checked { file, .. } => Some(file.clone()),
            _ => None,
        })
        .collect();
    for result in results {
        merge(&mut report, result);
    }
    args.report.apply_baseline(&mut report)?;
    report.finish();
    args.report.write(&report, &rules, &scanned)?;
    Ok(exit_code(&report, threshold))
}

fn scan_one(input: &Input, limits: &Limits, rules: &[&'static Rule], config: &Config) -> FileResult {
    let file = input.display();
    let loaded = match input {
        Input::File(path) => load_path(path, limits),
        Input::Stdin => read_stdin(limits).and_then(|bytes| load(&file, &bytes, limits)),
    };
    match loaded {
        Ok(Loaded::Template(model)) => {
            let resources = model.resources.len();
            FileResult::Checked { file, outcome: check_model(&model, rules, config), resources }
        }
        Ok(Loaded::NotATemplate { reason }) => FileResult::Skipped(Skipped { file, reason }),
        Err(e) => FileResult::Failed(ScanError { file: e.file, line: e.line, column: e.column, message: e.message }),
    }
}

fn read_stdin(limits: &Limits) -> Result<Vec<u8>, LoadError> {
    let mut bytes = Vec::new();
    let err = |message: String| LoadError { file: "<stdin>".into(), line: 0, column: 0, message };
    std::io::stdin()
        .take(limits.max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| err(format!("cannot read standard input: {e}")))?;
    if bytes.len() as u64 > limits.max_bytes {
        return Err(err(format!("input larger than the {} MiB limit (--max-file-size)", limits.max_bytes >> 20)));
    }
    Ok(bytes)
}

fn merge(report: &mut Report, result: FileResult) {
    match result {
        FileResult::Checked { file: _, outcome, resources } => {
            report.summary.files_scanned += 1;
            report.checks.extend(outcome.checks);
            report.summary.resources += resources;
            report.summary.suppressed += outcome.suppressed;
            report.findings.extend(outcome.findings);
            report.errors.extend(outcome.warnings);
        }
        FileResult::Skipped(s) => report.skipped.push(s),
        FileResult::Failed(e) => report.errors.push(e),
    }
}

/// 2 when no template could be scanned (every input failed, was not a template, or there was
/// none), else 1 when a finding reaches the threshold.
fn exit_code(report: &Report, threshold: Option<Severity>) -> u8 {
    if report.summary.files_scanned == 0 {
        eprintln!(
            "nextgap: no template could be scanned ({} failed, {} not templates)",
            report.summary.files_failed, report.summary.files_skipped
        );
        return EXIT_ERROR;
    }
    findings_exit_code(report, threshold)
}
