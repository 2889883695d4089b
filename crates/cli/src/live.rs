//! Live accounts: `nextgap collect` (read an account into a snapshot), `nextgap audit` (run the
//! rules on snapshots and AWS CLI exports, offline) and `nextgap scan` (both at once).

use crate::report::{findings_exit_code, ReportArgs};
use crate::EXIT_ERROR;
use anyhow::{bail, Context, Result};
use clap::Args;
use nextgap_findings::{Report, ScanError};
use nextgap_rules::check_model;
use nextgap_snapshot::{read_input, Snapshot};
use std::path::PathBuf;

#[derive(Args)]
pub struct AuditArgs {
    /// Snapshots (`.json`, `.json.gz`), `aws iam get-account-authorization-details` exports,
    /// IAM credential reports (CSV).
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    #[command(flatten)]
    pub report: ReportArgs,
    /// Measure ages (key age, last use, snapshot freshness) from this time (RFC 3339)
    /// instead of when the snapshot was collected.
    #[arg(long, value_name = "TIMESTAMP")]
    pub now: Option<String>,
    /// Recovery point objective in hours: a newest snapshot older than this is stale
    /// (default 24, or `[live] rpo-hours` in nextgap.toml).
    #[arg(long, value_name = "HOURS", value_parser = clap::value_parser!(i64).range(1..))]
    pub rpo_hours: Option<i64>,
}

/// Checks `--now` early so a typo is a usage error, not a silent wrong clock.
pub fn check_now(now: Option<&str>) -> Result<()> {
    if let Some(now) = now {
        chrono::DateTime::parse_from_rfc3339(now)
            .with_context(|| format!("--now `{now}` is not an RFC 3339 timestamp (2026-11-23T12:00:00Z)"))?;
    }
    Ok(())
}

pub fn audit(args: AuditArgs) -> Result<u8> {
    check_now(args.now.as_deref())?;
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for path in &args.inputs {
        match read_input(path) {
            Ok(input) => inputs.push(input),
            Err(e) => {
                errors.push(ScanError { file: path.display().to_string(), line: 0, column: 0, message: e.to_string() })
            }
        }
    }
    let snapshot = nextgap_snapshot::merge(inputs);
    let names: Vec<String> = args.inputs.iter().map(|p| p.display().to_string()).collect();
    report_on(snapshot, errors, &args.report, &Clock { now: args.now.as_deref(), rpo_hours: args.rpo_hours }, &names)
}

/// The clock and recovery objective an audit measures ages with.
pub struct Clock<'a> {
    pub now: Option<&'a str>,
    pub rpo_hours: Option<i64>,
}

/// Runs the rules on every account of the snapshot and writes the report.
pub fn report_on(
    mut snapshot: Snapshot,
    errors: Vec<ScanError>,
    report_args: &ReportArgs,
    clock: &Clock,
    scanned: &[String],
) -> Result<u8> {
    let cwd = std::env::current_dir().ok();
    let config = report_args.load_config(cwd.as_deref())?;
    let threshold = report_args.threshold(&config)?;
    let rules = report_args.rules(&config)?;
    let mut report = Report::new(env!("CARGO_PKG_VERSION"));
    report.errors = errors;
    for account in &mut snapshot.accounts {
        if let Some(now) = clock.now {
            account.account.collected_at = now.to_string();
        }
        let mut model = nextgap_snapshot::to_model(account);
        if let Some(hours) = clock.rpo_hours.or(config.live.rpo_hours) {
            model.settings.rpo_hours = hours;
        }
        let outcome = check_model(&model, &rules, &config);
        report.summary.resources += model.resources.len();
        report.summary.suppressed += outcome.suppressed;
        report.findings.extend(outcome.findings);
        report.checks.extend(outcome.checks);
    }
    report.summary.files_scanned = snapshot.accounts.len();
    report_args.apply_baseline(&mut report)?;
    report.finish();
    report_args.write(&report, &rules, scanned)?;
    if snapshot.accounts.is_empty() {
        eprintln!("nextgap: no account could be audited");
        return Ok(EXIT_ERROR);
    }
    Ok(findings_exit_code(&report, threshold))
}

/// Where and how to read live accounts.
#[derive(Args, Debug)]
pub struct AwsArgs {
    /// Named profile from the AWS config files (default: the standard credential chain).
    #[arg(long)]
    pub profile: Option<String>,
    /// Regions to read (repeatable or comma-separated; default: the configured region).
    #[arg(long = "region", value_name = "REGION", value_delimiter = ',', num_args = 1..)]
    pub regions: Vec<String>,
    /// Every region enabled for the account.
    #[arg(long, conflicts_with = "regions")]
    pub all_regions: bool,
    /// Send every API call to this endpoint (emulators, private endpoints).
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Every active account of the Organization, through `--role-name`.
    #[arg(long, requires = "role_name")]
    pub org: bool,
    /// Role to assume in each member account.
    #[arg(long, value_name = "NAME")]
    pub role_name: Option<String>,
    /// These accounts (through `--role-name`), besides or instead of `--org`.
    #[arg(long, value_name = "ID", value_delimiter = ',', num_args = 1.., requires = "role_name")]
    pub accounts: Vec<String>,
    /// Calls in flight at once.
    #[arg(long, default_value_t = 16)]
    pub concurrency: usize,
    /// Measure ages from this time (RFC 3339) instead of now.
    #[arg(long, value_name = "TIMESTAMP")]
    pub now: Option<String>,
}

#[derive(Args)]
pub struct CollectArgs {
    #[command(flatten)]
    pub aws: AwsArgs,
    /// Snapshot file to write (`.json`, or `.json.gz` for gzip).
    #[arg(long, short, required = true)]
    pub output: PathBuf,
}

#[derive(Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub aws: AwsArgs,
    #[command(flatten)]
    pub report: ReportArgs,
    /// Also keep what was read as a snapshot file.
    #[arg(long, value_name = "FILE")]
    pub snapshot: Option<PathBuf>,
    /// Recovery point objective in hours (default 24, or `[live] rpo-hours`).
    #[arg(long, value_name = "HOURS", value_parser = clap::value_parser!(i64).range(1..))]
    pub rpo_hours: Option<i64>,
}

#[cfg(feature = "aws")]
mod aws {
    use super::*;
    use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
    use nextgap_source_aws::{collect_blocking, CollectOptions, NoProgress, Progress};
    use std::collections::HashMap;
    use std::io::IsTerminal;
    use std::sync::{Arc, Mutex};

    fn options(a: &AwsArgs) -> Result<CollectOptions> {
        check_now(a.now.as_deref())?;
        if a.concurrency == 0 {
            bail!("--concurrency must be at least 1");
        }
        Ok(CollectOptions {
            profile: a.profile.clone(),
            regions: a.regions.clone(),
            all_regions: a.all_regions,
            endpoint_url: a.endpoint_url.clone(),
            org: a.org,
            role_name: a.role_name.clone(),
            accounts: a.accounts.clone(),
            concurrency: a.concurrency,
            now: a.now.clone(),
        })
    }

    /// One bar per service, counting its (account, region) reads; only on a terminal, never in CI.
    struct Bars {
        multi: MultiProgress,
        bars: Mutex<HashMap<String, ProgressBar>>,
    }

    impl Bars {
        fn bar(&self, service: &str) -> ProgressBar {
            let mut bars = self.bars.lock().unwrap_or_else(|e| e.into_inner());
            bars.entry(service.to_string())
                .or_insert_with(|| {
                    let style = ProgressStyle::with_template("{prefix:>16} {bar:30} {pos}/{len} {msg}")
                        .unwrap_or_else(|_| ProgressStyle::default_bar());
                    let bar = self.multi.add(ProgressBar::new(0).with_style(style));
                    bar.set_prefix(service.to_string());
                    bar
                })
                .clone()
        }
    }

    impl Progress for Bars {
        fn start(&self, _account: &str, service: &str, region: &str) {
            let bar = self.bar(service);
            bar.inc_length(1);
            bar.set_message(region.to_string());
        }

        fn finish(&self, _account: &str, service: &str, _region: &str, _ok: bool) {
            self.bar(service).inc(1);
        }
    }

    fn progress() -> Arc<dyn Progress> {
        if std::io::stderr().is_terminal() && std::env::var_os("CI").is_none() {
            let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
            Arc::new(Bars { multi, bars: Mutex::new(HashMap::new()) })
        } else {
            Arc::new(NoProgress)
        }
    }

    /// Reads the account(s) live, for commands that work on a snapshot (`wargame`).
    pub fn live_snapshot(a: &AwsArgs) -> Result<Snapshot> {
        collect_blocking(&options(a)?, progress())
    }

    pub fn collect(args: CollectArgs) -> Result<u8> {
        let snapshot = collect_blocking(&options(&args.aws)?, progress())?;
        nextgap_snapshot::write(&args.output, &snapshot)?;
        let unavailable: usize = snapshot.accounts.iter().map(|a| a.unavailable.len()).sum();
        eprintln!(
            "nextgap: wrote {} ({} account(s), {} resources, {} reads unavailable)",
            args.output.display(),
            snapshot.accounts.len(),
            snapshot.accounts.iter().map(|a| a.resources.len()).sum::<usize>(),
            unavailable
        );
        Ok(0)
    }

    pub fn scan(args: ScanArgs) -> Result<u8> {
        let snapshot = collect_blocking(&options(&args.aws)?, progress())?;
        if let Some(path) = &args.snapshot {
            nextgap_snapshot::write(path, &snapshot)?;
        }
        let accounts: Vec<String> = snapshot.accounts.iter().map(|a| a.account.account_id.clone()).collect();
        let clock = Clock { now: args.aws.now.as_deref(), rpo_hours: args.rpo_hours };
        report_on(snapshot, vec![], &args.report, &clock, &accounts)
    }
}

#[cfg(feature = "aws")]
pub use aws::{collect, live_snapshot, scan};

#[cfg(not(feature = "aws"))]
pub fn collect(_: CollectArgs) -> Result<u8> {
    bail!("this nextgap was built without the `aws` feature: `collect` is not available (use `audit` on a snapshot)")
}

#[cfg(not(feature = "aws"))]
pub fn live_snapshot(_: &AwsArgs) -> Result<Snapshot> {
    bail!("this nextgap was built without the `aws` feature: name an input file (a snapshot or an authorization-details export)")
}

#[cfg(not(feature = "aws"))]
pub fn scan(_: ScanArgs) -> Result<u8> {
    bail!("this nextgap was built without the `aws` feature: `scan` is not available (use `audit` on a snapshot)")
}
