//! End to end on moto: seed an insecure account and a clean one, collect through the SDK, run
//! every rule, and assert the exact set of (status, rule, resource) verdicts. Random ids moto
//! hands out (security groups, volumes, snapshots, keys, plans) are replaced by placeholders.

mod common;

use common::*;
use nextgap_rules::{check_model, Config};
use nextgap_snapshot::to_model;

/// `STATUS rule resource [region]` lines for every verdict, sorted, ids normalised.
fn verdicts(snapshot: &nextgap_snapshot::Snapshot) -> String {
    let config = Config::default();
    let model = to_model(&snapshot.accounts[0]);
    let outcome = check_model(&model, &config.rules(), &config);
    let placeholders = [
        (r"sg-[0-9a-f]+", "sg-*"),
        (r"vol-[0-9a-f]+", "vol-*"),
        (r"snap-[0-9a-f]+", "snap-*"),
        (r"ami-[0-9a-f]+", "ami-*"),
        (r"AKIA[0-9A-Z]+", "AKIA*"),
        (r"rds:([a-z0-9-]+)-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}", "rds:$1-<time>"),
        (r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<uuid>"),
        (r"detector/[0-9a-z]+", "detector/*"),
    ];
    let mut lines: Vec<String> = outcome
        .checks
        .iter()
        .map(|c| {
            let mut line = format!("{:?} {} {} [{}]", c.status, c.rule_id, c.resource, c.region).to_uppercase_status();
            for (pattern, with) in placeholders {
                line = regex::Regex::new(pattern).unwrap().replace_all(&line, with).into_owned();
            }
            line
        })
        .collect();
    lines.sort();
    lines.dedup();
    lines.join("\n")
}

trait UpperStatus {
    fn to_uppercase_status(self) -> String;
}

impl UpperStatus for String {
    /// `Pass …` → `PASS …` (Debug of the enum is title case).
    fn to_uppercase_status(self) -> String {
        match self.split_once(' ') {
            Some((status, rest)) => format!("{} {rest}", status.to_uppercase()),
            None => self,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn insecure_and_clean_accounts_get_exact_verdicts() {
    let Some(moto) = Moto::start() else { return };
    let config = moto.config().await;
    seed::insecure(&config).await;
    seed::default_security_group(&config).await;
    let insecure = collect(&options(&moto)).await;
    insta::assert_snapshot!("insecure", verdicts(&insecure));

    moto.reset();
    seed::clean(&config).await;
    seed::default_security_group(&config).await;
    let clean = collect(&options(&moto)).await;
    insta::assert_snapshot!("clean", verdicts(&clean));
}
