//! What every command that produces a report shares: output format and file, colour, the
//! failure threshold, configuration, rule selection and baselines.

use crate::discover;
use crate::EXIT_FINDINGS;
use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use nextgap_findings::baseline::Baseline;
use nextgap_findings::{Report, Severity};
use nextgap_rules::{Config, Rule};
use nextgap_sinks::TextOptions;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

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

/// `--config FILE` / `--no-config`, shared by every command that reads `nextgap.toml`.
#[derive(Args, Debug)]
pub struct ConfigArgs {
    /// Configuration file (default: `nextgap.toml` found upward from the first path, or from
    /// the current directory).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Do not look for `nextgap.toml`.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
}

impl ConfigArgs {
    /// `--config`, else (unless `--no-config`) `nextgap.toml` upward from `start`.
    pub fn load(&self, start: Option<&Path>) -> Result<Config> {
        load_config(self.config.as_deref(), self.no_config, start)
    }
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    #[arg(long, short, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Exit 1 when a finding is at or above this severity (low, medium, high, critical), or
    /// `never`. Default: low.
    #[arg(long, value_name = "SEVERITY")]
    pub fail_on: Option<String>,
    #[command(flatten)]
    pub config: ConfigArgs,
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
    /// Only run these rules (ids, names or families; repeatable).
    #[arg(long, value_name = "RULE")]
    pub rule: Vec<String>,
}

impl ReportArgs {
    /// The configuration: `--config`, else `nextgap.toml` upward from `start`.
    pub fn load_config(&self, start: Option<&Path>) -> Result<Config> {
        self.config.load(start)
    }

    pub fn threshold(&self, config: &Config) -> Result<Option<Severity>> {
        threshold(self.fail_on.as_deref(), config, Severity::Low)
    }

    /// The enabled rules, narrowed by `--rule`.
    pub fn rules(&self, config: &Config) -> Result<Vec<&'static Rule>> {
        let only = &self.rule;
        if only.is_empty() {
            return Ok(config.rules());
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

    pub fn apply_baseline(&self, report: &mut Report) -> Result<()> {
        if let Some(path) = &self.write_baseline {
            let baseline = Baseline::from_findings(&report.findings);
            let text = serde_json::to_string_pretty(&baseline)?;
            std::fs::write(path, text + "\n").with_context(|| format!("writing {}", path.display()))?;
        }
        if let Some(path) = &self.baseline {
            let text = std::fs::read_to_string(path).with_context(|| format!("reading baseline {}", path.display()))?;
            let baseline: Baseline =
                serde_json::from_str(&text).with_context(|| format!("{} is not a nextgap baseline", path.display()))?;
            let (new, known) = baseline.partition(std::mem::take(&mut report.findings));
            report.summary.baselined = known.len();
            report.findings = new;
        }
        Ok(())
    }

    /// Renders the report; `scanned` names the inputs for JUnit's per-file suites.
    pub fn write(&self, report: &Report, rules: &[&'static Rule], scanned: &[String]) -> Result<()> {
        let mut out: Box<dyn Write> = match &self.output {
            Some(path) => Box::new(std::io::BufWriter::new(
                std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
            )),
            None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
        };
        let color = match self.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                self.output.is_none() && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        };
        match self.format {
            OutputFormat::Text => {
                nextgap_sinks::write_text(report, &TextOptions { color, verbose: self.verbose }, &mut out)
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
}

/// `--config FILE`, else (unless `--no-config`) `nextgap.toml` found upward from `start`.
fn load_config(config: Option<&Path>, no_config: bool, start: Option<&Path>) -> Result<Config> {
    let path = match (config, no_config) {
        (Some(p), _) => Some(p.to_path_buf()),
        (None, true) => None,
        (None, false) => start.and_then(discover::find_config),
    };
    let Some(path) = path else { return Ok(Config::default()) };
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    Config::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

/// `--fail-on`, else `[scan] fail-on`, else the command's default; `never` turns it off.
pub fn threshold(fail_on: Option<&str>, config: &Config, default: Severity) -> Result<Option<Severity>> {
    match fail_on.or(config.scan.fail_on.as_deref()) {
        None => Ok(Some(default)),
        Some(v) if v.eq_ignore_ascii_case("never") || v.eq_ignore_ascii_case("none") => Ok(None),
        Some(v) => match Severity::parse(v) {
            Some(s) => Ok(Some(s)),
            None => bail!("--fail-on takes low, medium, high, critical or never, not `{v}`"),
        },
    }
}

/// 1 when a finding reaches the threshold, else 0.
pub fn findings_exit_code(report: &Report, threshold: Option<Severity>) -> u8 {
    match (threshold, report.max_severity()) {
        (Some(t), Some(max)) if max >= t => EXIT_FINDINGS,
        _ => 0,
    }
}
