//! `nextgap trail`: find the traces of the anti-patterns, and of attacks on them, in CloudTrail.
//!
//! Files are read in parallel, one per worker at a time, each streamed record by record; rules
//! that need several events (a window, a count) keep small signals that are merged as workers
//! finish and judged once at the end. JSON Lines output is written as findings are made.

use crate::report::{findings_exit_code, ColorChoice};
use crate::trail_sigma::{sigma_finding, write_sigma_line, SigmaMeta};
use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use nextgap_findings::{Finding, Report, ScanError, Severity, Skipped};
use nextgap_model::event::Event;
use nextgap_rules::trail::{Site, TrailEngine, TrailState};
use nextgap_rules::Config;
use nextgap_sigma::RuleSet;
use nextgap_source_trail::{discover, read_file, read_stream, DateRange, ReadOptions};
use rayon::prelude::*;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Mutex;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TrailFormat {
    /// A timeline per principal.
    Text,
    Json,
    /// One finding per line, written as found.
    Jsonl,
    Csv,
    Sarif,
}

#[derive(Args)]
pub struct TrailArgs {
    /// Log files or directories (`.json`, `.json.gz`, NDJSON, …), `s3://bucket/prefix`, or `-`
    /// for standard input.
    #[arg(required = true)]
    pub paths: Vec<String>,
    /// Sigma rules (files or directories) to run besides the built-in detections (repeatable).
    #[arg(long, value_name = "DIR")]
    pub sigma: Vec<PathBuf>,
    /// Run only the Sigma rules.
    #[arg(long)]
    pub no_builtin: bool,
    /// A Sigma rule (id or file stem) not to run, such as a hunting rule that matches most
    /// events (repeatable; also `[trail] sigma-disable` in nextgap.toml).
    #[arg(long, value_name = "RULE")]
    pub sigma_disable: Vec<String>,
    #[arg(long, short, value_enum, default_value_t = TrailFormat::Text)]
    pub format: TrailFormat,
    /// Write to FILE instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Only events on or after this day (`2024-01-31`) or time (RFC 3339); prunes files and S3
    /// keys by the `YYYY/MM/DD` layout before reading them.
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only events on or before this day or time.
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Minutes within which a bucket made public must be made private again to pass.
    #[arg(long, value_name = "MINUTES")]
    pub window: Option<i64>,
    /// Worker threads (default: one per core).
    #[arg(long, short)]
    pub jobs: Option<usize>,
    /// Exit 1 when a finding is at or above this severity, or `never`. Default: high.
    #[arg(long, value_name = "SEVERITY")]
    pub fail_on: Option<String>,
    #[command(flatten)]
    pub config: crate::report::ConfigArgs,
    /// Only these built-in rules (ids, names or families; repeatable).
    #[arg(long, value_name = "RULE")]
    pub rule: Vec<String>,
    /// Text: list each finding's events, evidence and fix.
    #[arg(long, short)]
    pub verbose: bool,
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// AWS profile for `s3://` inputs.
    #[arg(long)]
    pub profile: Option<String>,
    /// Region of the S3 client for `s3://` inputs.
    #[arg(long)]
    pub region: Option<String>,
}

/// One thing to read.
enum Source {
    File(PathBuf),
    Stdin,
    #[cfg(feature = "aws")]
    S3 {
        bucket: String,
        key: String,
    },
}

impl Source {
    fn name(&self) -> String {
        match self {
            Source::File(p) => p.display().to_string(),
            Source::Stdin => "-".into(),
            #[cfg(feature = "aws")]
            Source::S3 { bucket, key } => format!("s3://{bucket}/{key}"),
        }
    }
}

/// Exact time bounds of `--since` / `--until` (Unix seconds), besides the day range for pruning.
#[derive(Clone, Copy, Default)]
struct TimeRange {
    since: Option<i64>,
    until: Option<i64>,
}

impl TimeRange {
    fn contains(&self, ev: &Event) -> bool {
        if self.since.is_none() && self.until.is_none() {
            return true;
        }
        match ev.epoch() {
            Some(t) => self.since.is_none_or(|s| t >= s) && self.until.is_none_or(|u| t <= u),
            None => false,
        }
    }
}

/// Everything the run shares between workers.
struct Run<'a> {
    engine: Option<TrailEngine>,
    sigma: &'a RuleSet,
    /// Per Sigma rule, what every finding of it repeats (built once: a hunting rule can hit
    /// every other event).
    sigma_meta: Vec<SigmaMeta>,
    /// Per Sigma rule: not disabled by `--sigma-disable` / `[trail] sigma-disable`.
    sigma_on: Vec<bool>,
    /// Files read, on a terminal only.
    progress: Option<Progress>,
    times: TimeRange,
    read: ReadOptions,
    /// JSON Lines: findings go out as soon as a file is done.
    stream: Option<&'a Mutex<Box<dyn Write + Send>>>,
    #[cfg(feature = "aws")]
    s3: Option<&'a crate::trail_s3::S3Reader>,
}

/// What some files gave.
#[derive(Default)]
struct Gathered {
    state: TrailState,
    findings: Vec<Finding>,
    streamed: Vec<Severity>,
    /// JSON Lines serialized but not yet written (the output was busy).
    pending: Vec<u8>,
    errors: Vec<ScanError>,
    files: usize,
    events: u64,
    write_error: Option<String>,
}

impl Gathered {
    fn merge(mut self, other: Gathered) -> Gathered {
        self.state.merge(other.state);
        self.findings.extend(other.findings);
        self.streamed.extend(other.streamed);
        self.errors.extend(other.errors);
        self.files += other.files;
        self.events += other.events;
        self.write_error = self.write_error.or(other.write_error);
        self
    }
}

pub fn run(args: TrailArgs) -> Result<u8> {
    let config = load_config(&args)?;
    let threshold = threshold(&args, &config)?;
    let mut settings = config.trail_settings();
    if let Some(minutes) = args.window {
        // Ten years: beyond it the window is "never reverted" anyway, and times would overflow.
        const MAX_WINDOW: i64 = 10 * 366 * 24 * 60;
        if !(1..=MAX_WINDOW).contains(&minutes) {
            bail!("--window takes a number of minutes from 1 to {MAX_WINDOW}, not {minutes}");
        }
        settings.revert_window = minutes * 60;
    }
    let (days, times) = date_range(&args)?;
    if let Some(jobs) = args.jobs {
        rayon::ThreadPoolBuilder::new().num_threads(jobs.max(1)).build_global().ok();
    }

    let mut report = Report::new(env!("CARGO_PKG_VERSION"));
    let sigma = load_sigma(&args.sigma, &mut report);
    let mut off: Vec<String> = config.trail.sigma_disable.clone();
    off.extend(args.sigma_disable.iter().cloned());
    let sigma_on = sigma_enabled(&sigma, &off, &mut report)?;
    let engine = if args.no_builtin { None } else { Some(TrailEngine::new(&rule_config(&args, config)?, settings)) };
    if engine.is_none() && !sigma_on.contains(&true) {
        bail!("nothing to run: --no-builtin without Sigma rules (--sigma DIR)");
    }
    #[cfg(feature = "aws")]
    let s3 = crate::trail_s3::S3Reader::for_paths(&args.paths, args.profile.as_deref(), args.region.as_deref())?;
    let mut sources = sources(
        &args.paths,
        &days,
        &mut report,
        #[cfg(feature = "aws")]
        s3.as_ref(),
    )?;

    let mut out = open_output(&args)?;
    let stream =
        (args.format == TrailFormat::Jsonl).then(|| Mutex::new(std::mem::replace(&mut out, Box::new(std::io::sink()))));
    let run = Run {
        engine,
        sigma: &sigma,
        sigma_meta: (0..sigma.len()).map(|i| SigmaMeta::of(sigma.rule(i))).collect(),
        sigma_on,
        progress: Progress::on_terminal(sources.len()),
        times,
        read: ReadOptions::default(),
        stream: stream.as_ref(),
        #[cfg(feature = "aws")]
        s3: s3.as_ref(),
    };
    largest_first(&mut sources);
    // One file per task, largest first, so no worker is left with a big file at the end.
    let gathered =
        sources.par_iter().with_max_len(1).map(|s| read_source(&run, s)).reduce(Gathered::default, Gathered::merge);
    if let Some(p) = &run.progress {
        p.bar.finish_and_clear();
    }
    if let Some(e) = &gathered.write_error {
        bail!("writing findings: {e}");
    }
    let streamed = gathered.streamed.clone();
    let mut findings = gathered.findings;
    if let Some(engine) = &run.engine {
        let late = engine.finish(gathered.state);
        match &stream {
            Some(out) => write_stream(out, &late, &mut Vec::new())?,
            None => findings.extend(late.iter().cloned()),
        }
        if stream.is_some() {
            report.findings = late;
        }
    }
    report.errors.extend(gathered.errors);
    report.summary.files_scanned = gathered.files;
    report.summary.events = Some(gathered.events);
    if stream.is_none() {
        report.findings = findings;
    }
    // `finish` counts `skipped` (here: Sigma rules not run) as skipped files; for logs it is
    // the files left out by date.
    let pruned = report.summary.files_skipped;
    report.finish();
    report.summary.files_skipped = pruned;
    sort_by_time(&mut report.findings);
    match stream {
        Some(out) => {
            let mut out = out.into_inner().unwrap_or_else(|e| e.into_inner());
            out.flush().context("writing findings")?;
            summarize_to_stderr(&report, &streamed);
            let max = streamed.iter().chain(report.findings.iter().map(|f| &f.severity)).max().copied();
            Ok(nothing_read(&report).unwrap_or_else(|| exit_for(max, threshold)))
        }
        None => {
            write_report(&args, &report, &mut out)?;
            Ok(nothing_read(&report).unwrap_or_else(|| findings_exit_code(&report, threshold)))
        }
    }
}

/// 2 when the paths named nothing to read: no log file found, none left out by date (a
/// mistyped path or prefix must not pass as "no findings").
fn nothing_read(report: &Report) -> Option<u8> {
    if report.summary.files_scanned > 0 || report.summary.files_skipped > 0 {
        return None;
    }
    match report.errors.len() {
        0 => eprintln!("nextgap: no log files found"),
        n => eprintln!("nextgap: no log file could be read ({n} error{})", if n == 1 { "" } else { "s" }),
    }
    Some(crate::EXIT_ERROR)
}

/// Local files by size, largest first (S3 objects and standard input keep their place after them).
fn largest_first(sources: &mut [Source]) {
    sources.sort_by_cached_key(|s| match s {
        Source::File(p) => std::cmp::Reverse(std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)),
        _ => std::cmp::Reverse(0),
    });
}

fn exit_for(max: Option<Severity>, threshold: Option<Severity>) -> u8 {
    match (threshold, max) {
        (Some(t), Some(m)) if m >= t => crate::EXIT_FINDINGS,
        _ => 0,
    }
}

fn sort_by_time(findings: &mut [Finding]) {
    let key = |f: &Finding| {
        let e = f.events.first();
        (e.map(|e| e.time.clone()), f.rule_id.clone(), e.map(|e| (e.file.clone(), e.index)))
    };
    findings.sort_by_cached_key(key);
}

/// The configuration: `--config`, else `nextgap.toml` upward from the first local path (as
/// `iac` does), or from the current directory for `s3://` and standard input.
fn load_config(args: &TrailArgs) -> Result<Config> {
    let first = args.paths.iter().find(|p| *p != "-" && !p.starts_with("s3://")).map(PathBuf::from);
    let start = first.or_else(|| std::env::current_dir().ok());
    args.config.load(start.as_deref())
}

/// `trail` fails on `high` by default: logs hold many low-severity traces of normal work.
fn threshold(args: &TrailArgs, config: &Config) -> Result<Option<Severity>> {
    crate::report::threshold(args.fail_on.as_deref(), config, Severity::High)
}

/// `--rule` narrows the enabled rules: the ones named are on, every other is off.
fn rule_config(args: &TrailArgs, mut config: Config) -> Result<Config> {
    if args.rule.is_empty() {
        return Ok(config);
    }
    let trail_rules = || nextgap_rules::registry().iter().filter(|r| r.trail_check().is_some());
    for name in &args.rule {
        match nextgap_rules::find(name) {
            Some(r) if r.trail_check().is_some() => {}
            // A template or account rule never fires on events: naming it must not pass as
            // "no findings".
            Some(r) => bail!("{} ({}) checks templates and accounts, not CloudTrail events", r.meta.id, r.meta.name),
            None if nextgap_findings::Family::get(name).is_some() => {
                if !trail_rules().any(|r| r.meta.family.eq_ignore_ascii_case(name)) {
                    bail!("no CloudTrail rule in family `{name}` (see `nextgap rules`)");
                }
            }
            None => bail!("unknown rule or family `{name}` (see `nextgap rules`)"),
        }
    }
    config.rules.enable = args.rule.clone();
    config.rules.disable = nextgap_rules::registry().iter().map(|r| r.meta.id.to_string()).collect();
    Ok(config)
}

/// `--since` / `--until`: a day (`2024-01-31`, the whole day) or an RFC 3339 time.
fn date_range(args: &TrailArgs) -> Result<(DateRange, TimeRange)> {
    let parse = |flag: &str, text: &str, end: bool| -> Result<(chrono::NaiveDate, i64)> {
        if let Ok(day) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            let time = if end { day.and_hms_opt(23, 59, 59) } else { day.and_hms_opt(0, 0, 0) };
            return Ok((day, time.map(|t| t.and_utc().timestamp()).unwrap_or_default()));
        }
        match chrono::DateTime::parse_from_rfc3339(text) {
            Ok(t) => Ok((t.with_timezone(&chrono::Utc).date_naive(), t.timestamp())),
            Err(_) => bail!("{flag} takes a day (2024-01-31) or an RFC 3339 time, not `{text}`"),
        }
    };
    let since = args.since.as_deref().map(|s| parse("--since", s, false)).transpose()?;
    let until = args.until.as_deref().map(|s| parse("--until", s, true)).transpose()?;
    if let (Some(s), Some(u)) = (since, until) {
        if s.1 > u.1 {
            bail!("--since is after --until");
        }
    }
    // CloudTrail files a log under the day it was delivered: the last minutes of the `--until`
    // day sit in the next day's folder, so pruning keeps one more day; events are then cut by time.
    let delivered_until = until.map(|u| u.0.succ_opt().unwrap_or(u.0));
    Ok((
        DateRange { since: since.map(|s| s.0), until: delivered_until },
        TimeRange { since: since.map(|s| s.1), until: until.map(|u| u.1) },
    ))
}

/// Loads Sigma rules; rules it cannot run are listed as skipped with the reason, never dropped.
/// Which Sigma rules run; every name to disable must be a loaded rule's id or file stem.
fn sigma_enabled(rules: &RuleSet, off: &[String], report: &mut Report) -> Result<Vec<bool>> {
    let named = |i: usize, n: &str| {
        let r = rules.rule(i);
        n.eq_ignore_ascii_case(&r.id) || n.eq_ignore_ascii_case(&r.name)
    };
    for n in off {
        if !(0..rules.len()).any(|i| named(i, n)) {
            bail!("Sigma rule `{n}` to disable is not among the loaded rules (give its id or file stem)");
        }
    }
    Ok((0..rules.len())
        .map(|i| {
            let on = !off.iter().any(|n| named(i, n));
            if !on {
                let r = rules.rule(i);
                report
                    .skipped
                    .push(Skipped { file: r.file.clone(), reason: "Sigma rule disabled in configuration".into() });
            }
            on
        })
        .collect())
}

fn load_sigma(paths: &[PathBuf], report: &mut Report) -> RuleSet {
    let loaded = nextgap_sigma::load_dirs(paths);
    for u in &loaded.unsupported {
        let what = if u.title.is_empty() { String::new() } else { format!(" ({})", u.title) };
        report
            .skipped
            .push(Skipped { file: u.file.clone(), reason: format!("Sigma rule not run{what}: {}", u.reason) });
        eprintln!("nextgap: sigma: {}: not run: {}", u.file, u.reason);
    }
    for e in &loaded.errors {
        report.errors.push(ScanError {
            file: e.file.clone(),
            line: e.line,
            column: e.column,
            message: e.message.clone(),
        });
    }
    loaded.rules
}

fn sources(
    paths: &[String],
    days: &DateRange,
    report: &mut Report,
    #[cfg(feature = "aws")] s3: Option<&crate::trail_s3::S3Reader>,
) -> Result<Vec<Source>> {
    let mut out = Vec::new();
    let mut local = Vec::new();
    #[cfg(feature = "aws")]
    let mut listed = std::collections::HashSet::new();
    for p in paths {
        if p == "-" {
            out.push(Source::Stdin);
        } else if p.starts_with("s3://") {
            #[cfg(feature = "aws")]
            {
                let reader = s3.context("internal: no S3 client")?;
                // Overlapping prefixes list some keys twice: each is read once.
                for (bucket, key) in reader.list(p, days, report)? {
                    if listed.insert((bucket.clone(), key.clone())) {
                        out.push(Source::S3 { bucket, key });
                    }
                }
            }
            #[cfg(not(feature = "aws"))]
            bail!("{p}: this nextgap was built without the `aws` feature; download the logs and pass the folder");
        } else {
            local.push(PathBuf::from(p));
        }
    }
    let found = discover(&local, days);
    for (file, message) in found.errors {
        report.errors.push(ScanError { file, line: 0, column: 0, message });
    }
    report.summary.files_skipped += found.pruned;
    out.extend(found.files.into_iter().map(Source::File));
    Ok(out)
}

/// Reads one source: every event through the built-in rules and the Sigma rules.
fn read_source(run: &Run, source: &Source) -> Gathered {
    let name = source.name();
    let mut g = Gathered { files: 1, ..Default::default() };
    let mut matched = Vec::new();
    let mut on_event = |ev: &Event, index: u64, line: u64| {
        if !run.times.contains(ev) {
            return;
        }
        g.events += 1;
        let site = Site { file: &name, index, line };
        if let Some(engine) = &run.engine {
            engine.observe(ev, site, &mut g.state);
        }
        run.sigma.matches(ev, &mut matched);
        for i in matched.drain(..).filter(|&i| run.sigma_on[i]) {
            let meta = &run.sigma_meta[i];
            if run.stream.is_some() {
                if let Err(e) = write_sigma_line(meta, ev, site, &mut g.pending) {
                    g.write_error.get_or_insert(e.to_string());
                }
                g.streamed.push(meta.severity);
            } else {
                g.findings.push(sigma_finding(meta, ev, site));
            }
        }
        // JSON Lines: out in small batches, so a noisy rule neither waits for the end of a
        // large file nor piles up findings in memory.
        if run.stream.is_some() && (g.findings.len() >= STREAM_BATCH || g.pending.len() >= STREAM_BYTES) {
            flush(run, &mut g, false);
        }
    };
    let stats = match source {
        Source::File(path) => read_file(path, &run.read, &mut on_event),
        Source::Stdin => read_stream(std::io::stdin().lock(), &run.read, &mut on_event),
        #[cfg(feature = "aws")]
        Source::S3 { bucket, key } => match run.s3.map(|s| s.open(bucket, key)) {
            Some(Ok(reader)) => read_stream(reader, &run.read, &mut on_event),
            Some(Err(e)) => {
                nextgap_source_trail::FileStats { errors: vec![read_error(&e.to_string())], ..Default::default() }
            }
            None => nextgap_source_trail::FileStats::default(),
        },
    };
    for e in stats.errors {
        g.errors.push(ScanError {
            file: name.clone(),
            line: e.line.min(u32::MAX as u64) as u32,
            column: e.column.min(u32::MAX as u64) as u32,
            message: e.message,
        });
    }
    if let Some(engine) = &run.engine {
        g.findings.extend(engine.drain_findings(&mut g.state));
    }
    flush(run, &mut g, true);
    if let Some(p) = &run.progress {
        p.file_done(g.events);
    }
    g
}

/// Files read and events seen, on standard error when it is a terminal (never in CI, pipes or
/// files), for sweeps that take minutes.
struct Progress {
    bar: indicatif::ProgressBar,
    events: std::sync::atomic::AtomicU64,
}

impl Progress {
    fn on_terminal(files: usize) -> Option<Progress> {
        if files < 2 || !std::io::stderr().is_terminal() || std::env::var_os("CI").is_some() {
            return None;
        }
        let style = indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} files · {msg} · {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
        let bar = indicatif::ProgressBar::with_draw_target(Some(files as u64), indicatif::ProgressDrawTarget::stderr())
            .with_style(style);
        Some(Progress { bar, events: Default::default() })
    }

    fn file_done(&self, events: u64) {
        let total = self.events.fetch_add(events, std::sync::atomic::Ordering::Relaxed) + events;
        self.bar.set_message(format!("{total} events"));
        self.bar.inc(1);
    }
}

/// Findings, or bytes of JSON Lines, per batch written while streaming.
const STREAM_BATCH: usize = 256;
const STREAM_BYTES: usize = 512 << 10;

/// Streams what a worker has found so far (JSON Lines only); `wait` at the end of a file.
fn flush(run: &Run, g: &mut Gathered, wait: bool) {
    let Some(out) = run.stream else { return };
    if let Some(engine) = &run.engine {
        g.findings.extend(engine.drain_findings(&mut g.state));
    }
    let findings = std::mem::take(&mut g.findings);
    if let Err(e) = write_stream_some(out, &findings, &mut g.streamed, &mut g.pending, wait) {
        g.write_error.get_or_insert(e.to_string());
    }
}

#[cfg(feature = "aws")]
fn read_error(message: &str) -> nextgap_source_trail::RecordError {
    nextgap_source_trail::RecordError { line: 0, column: 0, message: message.to_string() }
}

fn write_stream(
    out: &Mutex<Box<dyn Write + Send>>,
    findings: &[Finding],
    severities: &mut Vec<Severity>,
) -> Result<()> {
    let mut pending = Vec::new();
    write_stream_some(out, findings, severities, &mut pending, true)
}

/// Serializes `findings` into `pending` and writes it out. Serializing happens before taking
/// the lock, and unless `wait` (or much is pending) a worker that finds the output busy keeps
/// its bytes for later instead of queueing behind the other worker's write.
fn write_stream_some(
    out: &Mutex<Box<dyn Write + Send>>,
    findings: &[Finding],
    severities: &mut Vec<Severity>,
    pending: &mut Vec<u8>,
    wait: bool,
) -> Result<()> {
    pending.reserve(findings.len() * 2048);
    for f in findings {
        nextgap_sinks::write_jsonl_finding(f, &mut *pending).context("writing findings")?;
        severities.push(f.severity);
    }
    let mut guard = match out.try_lock() {
        Ok(guard) => guard,
        Err(std::sync::TryLockError::Poisoned(e)) => e.into_inner(),
        Err(std::sync::TryLockError::WouldBlock) if !wait && pending.len() < PENDING_LIMIT => return Ok(()),
        Err(std::sync::TryLockError::WouldBlock) => out.lock().unwrap_or_else(|e| e.into_inner()),
    };
    guard.write_all(pending).context("writing findings")?;
    pending.clear();
    Ok(())
}

/// Bytes a worker may hold back while the output is busy.
const PENDING_LIMIT: usize = 8 << 20;

fn open_output(args: &TrailArgs) -> Result<Box<dyn Write + Send>> {
    Ok(match &args.output {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout())),
    })
}

fn write_report(args: &TrailArgs, report: &Report, out: &mut Box<dyn Write + Send>) -> Result<()> {
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            args.output.is_none() && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let opts = nextgap_sinks::TextOptions { color, verbose: args.verbose };
    match args.format {
        TrailFormat::Text => nextgap_sinks::write_timeline(report, &opts, out),
        TrailFormat::Json => nextgap_sinks::write_json(report, out),
        TrailFormat::Csv => nextgap_sinks::write_csv(report, out),
        TrailFormat::Sarif => {
            let rules: Vec<_> =
                nextgap_rules::registry().iter().copied().filter(|r| r.trail_check().is_some()).collect();
            nextgap_sinks::write_sarif(report, &rules, out)
        }
        TrailFormat::Jsonl => Ok(()),
    }
    .and_then(|_| out.flush())
    .or_else(|e| if e.kind() == std::io::ErrorKind::BrokenPipe { Ok(()) } else { Err(e) })
    .context("writing the report")
}

/// JSON Lines carries findings only; the summary and errors go to standard error.
fn summarize_to_stderr(report: &Report, streamed: &[Severity]) {
    for e in &report.errors {
        eprintln!("nextgap: {e}");
    }
    let total = streamed.len() + report.findings.len();
    eprintln!(
        "nextgap: {total} findings · {} log files read, {} events{}",
        report.summary.files_scanned,
        report.summary.events.unwrap_or(0),
        if report.summary.files_failed > 0 {
            format!(", {} with errors", report.summary.files_failed)
        } else {
            String::new()
        }
    );
}
