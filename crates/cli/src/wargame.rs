//! `nextgap wargame`: round-table questions answered from the account's IAM configuration.
//! Input: snapshots or `aws iam get-account-authorization-details` exports (or the live account
//! when no file is named); output: scenario reports, the blast-radius ranking and findings.

use crate::live::{live_snapshot, AwsArgs};
use crate::report::{findings_exit_code, threshold, ConfigArgs};
use crate::EXIT_ERROR;
use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use nextgap_findings::{Report, ScanError, Severity};
use nextgap_iam::graph::{self, Graph};
use nextgap_iam::wargame::{self as wg, Analysis};
use nextgap_sinks::wargame::{self as render, WargameReport};
use nextgap_snapshot::{read_input, Snapshot};
use std::io::Write;
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum WargameFormat {
    Text,
    Json,
    Dot,
    Mermaid,
    Sarif,
}

#[derive(Args)]
pub struct WargameArgs {
    /// Snapshots (`nextgap collect`) or `aws iam get-account-authorization-details` exports
    /// (`.json` or `.json.gz`). None: read the account live.
    pub inputs: Vec<PathBuf>,
    /// Rank every principal by blast radius and report findings.
    #[arg(long)]
    pub all: bool,
    /// A compromised principal: an ARN, `root`, an access key id (AKIA…), or a user or role
    /// name. Repeatable: the principals are compromised together.
    #[arg(long, value_name = "PRINCIPAL")]
    pub compromised: Vec<String>,
    /// A named scenario: lose-root, leaked-key, ci-role-compromised, insider-console.
    #[arg(long, value_name = "NAME")]
    pub scenario: Vec<String>,
    #[arg(long, short, value_enum, default_value_t = WargameFormat::Text)]
    pub format: WargameFormat,
    /// Write to FILE instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// How many principals the text ranking, the DOT/Mermaid drawings and a named scenario's
    /// candidates show.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// Exit 1 when a finding is at or above this severity, or `never`. Default: high.
    #[arg(long, value_name = "SEVERITY")]
    pub fail_on: Option<String>,
    #[command(flatten)]
    pub config: ConfigArgs,
    #[command(flatten)]
    pub aws: AwsArgs,
}

/// Reads every input; an unreadable one is reported (file and position) and the others are
/// still war-gamed.
fn load(args: &WargameArgs) -> Result<(Snapshot, Vec<String>, Vec<ScanError>)> {
    if args.inputs.is_empty() {
        return Ok((live_snapshot(&args.aws)?, vec!["(live)".into()], Vec::new()));
    }
    let mut inputs = Vec::new();
    let mut names = Vec::new();
    let mut errors = Vec::new();
    for path in &args.inputs {
        match read_input(path) {
            Ok(input) => {
                inputs.push(input);
                names.push(path.display().to_string());
            }
            Err(e) => {
                eprintln!("nextgap: {e}");
                errors.push(ScanError { file: path.display().to_string(), line: 0, column: 0, message: e.to_string() });
            }
        }
    }
    Ok((nextgap_snapshot::merge(inputs), names, errors))
}

/// Named scenarios run once per candidate principal, worst first, `--top` of them.
fn named(an: &Analysis, name: &str, top: usize) -> Result<Vec<wg::ScenarioReport>> {
    let question = wg::SCENARIOS.iter().find(|s| s.name == name).map(|s| s.question).unwrap_or_default();
    let candidates = wg::scenario_principals(an.g, name).map_err(anyhow::Error::msg)?;
    if candidates.is_empty() {
        eprintln!("nextgap: scenario {name}: no principal in the input fits it");
    }
    // Rank candidates on what the analysis already knows, then write full reports (chains
    // and explanations) only for the worst `top`.
    let mut ranked: Vec<(bool, usize, usize, usize)> = candidates
        .iter()
        .map(|&c| (an.can_become_admin(c), an.caps_of(c).count_ones(..), an.reached_by(c).count_ones(..), c))
        .collect();
    ranked.sort_by(|a, b| (b.0, b.1, b.2).cmp(&(a.0, a.1, a.2)).then(a.3.cmp(&b.3)));
    let reports: Vec<wg::ScenarioReport> =
        ranked.iter().take(top.max(1)).map(|&(_, _, _, c)| wg::scenario(an, name, question, &[c])).collect();
    Ok(reports)
}

pub fn run(args: WargameArgs) -> Result<u8> {
    if !args.all && args.compromised.is_empty() && args.scenario.is_empty() {
        bail!("say what to war-game: --compromised PRINCIPAL, --scenario NAME, or --all");
    }
    let cwd = std::env::current_dir().ok();
    let start = args.inputs.first().map(PathBuf::as_path).or(cwd.as_deref());
    let config = args.config.load(start)?;
    let fail_on = threshold(args.fail_on.as_deref(), &config, Severity::High)?;
    let timings = std::env::var_os("NEXTGAP_TIMINGS").is_some();
    let clock = std::time::Instant::now();
    let lap = |what: &str| {
        if timings {
            eprintln!("nextgap: {what}: {:.3} s", clock.elapsed().as_secs_f64());
        }
    };
    let (snapshot, names, errors) = load(&args)?;
    lap("read");
    if snapshot.accounts.is_empty() {
        eprintln!("nextgap: no input holds an account to war-game");
        return Ok(EXIT_ERROR);
    }
    let g: Graph = graph::build(&graph::Input { accounts: snapshot.accounts.iter().collect() });
    lap("graph");
    let an = Analysis::new(&g);
    lap("reach and capabilities");
    let mut scenarios = Vec::new();
    if !args.compromised.is_empty() {
        let ids = args
            .compromised
            .iter()
            .map(|c| wg::resolve(&g, c).map_err(anyhow::Error::msg))
            .collect::<Result<Vec<_>>>()?;
        scenarios.push(wg::scenario(&an, "compromised", "What can the compromised principals reach and do?", &ids));
    }
    for name in &args.scenario {
        scenarios.extend(named(&an, name, args.top)?);
    }
    let ranking = if args.all { wg::rank(&an) } else { Vec::new() };
    lap("scenarios and ranking");
    let mut report = Report::new(env!("CARGO_PKG_VERSION"));
    report.findings = nextgap_rules::graph::findings(&ranking, &config, names.first().map_or("", String::as_str));
    report.summary.files_scanned = names.len();
    report.errors = errors;
    report.finish();
    let out = WargameReport {
        tool: format!("nextgap {}", env!("CARGO_PKG_VERSION")),
        inputs: names,
        accounts: g.accounts.clone(),
        principals: g.nodes.len(),
        edges: g.edges.len(),
        modify_edges: g.modifies.len(),
        admins: (0..g.nodes.len()).filter(|&i| g.is_actor(i) && g.admin[i]).count(),
        can_become_admin: (0..g.nodes.len()).filter(|&i| g.is_actor(i) && an.can_become_admin(i)).count(),
        scenarios,
        ranking,
        findings: report.findings.clone(),
        unsupported_paths: graph::unsupported_paths().into_iter().map(String::from).collect(),
        unknowns: g.unknowns.clone(),
        errors: report.errors.clone(),
        summary: report.summary.clone(),
    };
    write(&args, &out, &report)?;
    lap("written");
    let code = findings_exit_code(&report, fail_on);
    // The process exits next: handing millions of small allocations back one by one would
    // cost half a second on a large account for nothing.
    std::mem::forget(an);
    std::mem::forget(g);
    std::mem::forget(snapshot);
    Ok(code)
}

fn write(args: &WargameArgs, out: &WargameReport, report: &Report) -> Result<()> {
    let text = match args.format {
        WargameFormat::Text => render::text(out, args.top),
        WargameFormat::Json => serde_json::to_string_pretty(out)? + "\n",
        WargameFormat::Dot => render::dot(out, args.top),
        WargameFormat::Mermaid => render::mermaid(out, args.top),
        WargameFormat::Sarif => {
            let mut buf = Vec::new();
            nextgap_sinks::write_sarif(report, &nextgap_rules::graph::rules(), &mut buf)?;
            String::from_utf8(buf)?
        }
    };
    match &args.output {
        Some(path) => std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?,
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
    }
    Ok(())
}
