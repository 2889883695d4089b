//! `nextgap`: find, explain, rank and fix AWS security anti-patterns.

mod discover;
mod explain;
mod iac;
mod iam_lint;
mod live;
mod report;
mod trail;
#[cfg(feature = "aws")]
mod trail_s3;
mod trail_sigma;
mod wargame;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "nextgap", version, about = "Find, explain, rank and fix AWS security anti-patterns", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scan CloudFormation / SAM templates (files, directories, or `-` for stdin).
    Iac(Box<iac::IacArgs>),
    /// Audit a live AWS account (or Organization): collect, then run the rules.
    Scan(Box<live::ScanArgs>),
    /// Read a live account into a snapshot file, for `audit` later or elsewhere.
    Collect(Box<live::CollectArgs>),
    /// Run the rules offline on snapshots and AWS CLI exports.
    Audit(Box<live::AuditArgs>),
    /// Find anti-patterns and attacks in CloudTrail logs (files, folders, `s3://`), with the
    /// built-in detections and Sigma rules.
    Trail(Box<trail::TrailArgs>),
    /// IAM policy tools: `nextgap iam lint POLICY.json|DIR`.
    Iam(iam_lint::IamArgs),
    /// War-game a compromise from the account's IAM: who it reaches, whether it becomes
    /// administrator, what it can delete or blind; `--all` ranks every principal.
    Wargame(Box<wargame::WargameArgs>),
    /// List the rules.
    Rules(explain::RulesArgs),
    /// Explain a rule: what, why, the fix with a snippet, and references.
    Explain(explain::ExplainArgs),
}

/// Exit codes: 0 clean, 1 findings at or above the threshold, 2 usage error or nothing scanned.
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_ERROR } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Iac(args) => iac::run(*args),
        Command::Scan(args) => live::scan(*args),
        Command::Collect(args) => live::collect(*args),
        Command::Audit(args) => live::audit(*args),
        Command::Trail(args) => trail::run(*args),
        Command::Iam(args) => iam_lint::run(args),
        Command::Wargame(args) => wargame::run(*args),
        Command::Rules(args) => explain::rules(args),
        Command::Explain(args) => explain::explain(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("nextgap: error: {e:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}
