//! `nextgap iac`: scan templates before they are deployed.

use crate::discover::{self, Filters, Input};
use crate::{EXIT_ERROR, EXIT_FINDINGS};
use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use nextgap_findings::baseline::Baseline;
use nextgap_findings::{Report, ScanError, Severity, Skipped};
use nextgap_rules::{check_model, Config, Rule};
use nextgap_sinks::TextOptions;
use nextgap_source_cfn::{load, load_path, Limits, LoadError, Loaded};
use rayon::prelude::*;
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
    Sarif,
    Junit,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Args)]
pub struct IacArgs {
    /// Files or directories to scan; `-` reads one template from standard input.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    #[arg(long, short, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Exit 1 when a finding is at or above this severity (low, medium, high, critical), or
    /// `never`. Default: low.
    #[arg(long, value_name = "SEVERITY")]
    pub fail_on: Option<String>,
    /// Only scan files matching this glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,
    /// Skip files matching this glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Configuration file (default: `nextgap.toml` found upward from the first path).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Do not look for `nextgap.toml`.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
    /// Report only findings not in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write all current findings to this baseline file.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Text output: show evidence, fix and references under each finding.
    #[arg(long, short)]
    pub verbose: bool,
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Worker threads (default: one per core).
    #[arg(long, short)]
    pub jobs: Option<usize>,
    /// Largest file to read, in MiB.
    #[arg(long, default_value_t = 64, value_name = "MIB")]
    pub max_file_size: u64,
    /// Only run these rules (ids, names or families; repeatable).
    #[arg(long, value_name = "RULE")]
    pub rule: Vec<String>,
}

/// What one input gave.
enum FileResult {
    Checked { file: String, outcome: nextgap_rules::Outcome, resources: usize },
    Skipped(Skipped),
    Failed(ScanError),
}

pub fn run(args: IacArgs) -> Result<u8> {
    let config = load_config(&args)?;
    let threshold = fail_threshold(args.fail_on.as_deref().or(config.scan.fail_on.as_deref()))?;
    let mut include = config.scan.include.clone();
    include.extend(args.include.iter().cloned());
    let mut exclude = config.scan.exclude.clone();
    exclude.extend(args.exclude.iter().cloned());
    let filters = Filters::new(&include, &exclude)?;
    let rules = selected_rules(&config, &args.rule)?;
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
    apply_baseline(&mut report, &args)?;
    report.finish();
    write_report(&report, &args, &rules, &scanned)?;
    Ok(exit_code(&report, threshold))
}

fn load_config(args: &IacArgs) -> Result<Config> {
    let path = match (&args.config, args.no_config) {
        (Some(p), _) => Some(p.clone()),
        (None, true) => None,
        (None, false) => args.paths.iter().find(|p| p.as_os_str() != "-").and_then(|p| discover::find_config(p)),
    };
    let Some(path) = path else { return Ok(Config::default()) };
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    Config::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

fn fail_threshold(value: Option<&str>) -> Result<Option<Severity>> {
    match value {
        None => Ok(Some(Severity::Low)),
        Some(v) if v.eq_ignore_ascii_case("never") || v.eq_ignore_ascii_case("none") => Ok(None),
        Some(v) => match Severity::parse(v) {
            Some(s) => Ok(Some(s)),
            None => bail!("--fail-on takes low, medium, high, critical or never, not `{v}`"),
        },
    }
}

fn selected_rules(config: &Config, only: &[String]) -> Result<Vec<&'static Rule>> {
    let enabled = config.rules();
    if only.is_empty() {
        return Ok(enabled);
    }
    for name in only {
        if nextgap_rules::find(name).is_none() && nextgap_findings::Family::get(name).is_none() {
            bail!("unknown rule or family `{name}` (see `nextgap rules`)");
        }
    }
    let named = |r: &Rule| {
        only.iter().any(|n| {
            n.eq_ignore_ascii_case(r.meta.id)
                || n.eq_ignore_ascii_case(r.meta.name)
                || n.eq_ignore_ascii_case(r.meta.family)
        })
    };
    Ok(nextgap_rules::registry().iter().copied().filter(|r| named(r)).collect())
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
            report.summary.resources += resources;
            report.summary.suppressed += outcome.suppressed;
            report.findings.extend(outcome.findings);
            report.errors.extend(outcome.warnings);
        }
        FileResult::Skipped(s) => report.skipped.push(s),
        FileResult::Failed(e) => report.errors.push(e),
    }
}

fn apply_baseline(report: &mut Report, args: &IacArgs) -> Result<()> {
    if let Some(path) = &args.write_baseline {
        let baseline = Baseline::from_findings(&report.findings);
        let text = serde_json::to_string_pretty(&baseline)?;
        std::fs::write(path, text + "\n").with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(path) = &args.baseline {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading baseline {}", path.display()))?;
        let baseline: Baseline =
            serde_json::from_str(&text).with_context(|| format!("{} is not a nextgap baseline", path.display()))?;
        let (new, known) = baseline.partition(std::mem::take(&mut report.findings));
        report.summary.baselined = known.len();
        report.findings = new;
    }
    Ok(())
}

fn write_report(report: &Report, args: &IacArgs, rules: &[&'static Rule], scanned: &[String]) -> Result<()> {
    let mut out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            args.output.is_none() && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    match args.format {
        OutputFormat::Text => {
            nextgap_sinks::write_text(report, &TextOptions { color, verbose: args.verbose }, &mut out)
        }
        OutputFormat::Json => nextgap_sinks::write_json(report, &mut out),
        OutputFormat::Sarif => nextgap_sinks::write_sarif(report, rules, &mut out),
        OutputFormat::Junit => {
            let names: Vec<&str> = scanned.iter().map(String::as_str).collect();
            nextgap_sinks::write_junit_scanned(report, &names, &mut out)
        }
    }
    .and_then(|_| out.flush())
    .or_else(|e| if e.kind() == std::io::ErrorKind::BrokenPipe { Ok(()) } else { Err(e) })
    .context("writing the report")
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
    match (threshold, report.max_severity()) {
        (Some(t), Some(max)) if max >= t => EXIT_FINDINGS,
        _ => 0,
    }
}
