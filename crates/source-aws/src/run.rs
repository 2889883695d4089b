//! One account's collection: its credentials (the caller's, or an assumed role), its regions,
//! and the service tasks (global once, regional per region) under the shared semaphore.

use crate::client;
use crate::scope::{Scope, Sink};
use crate::Progress;
use aws_config::SdkConfig;
use aws_credential_types::Credentials;
use nextgap_model::account::{Account, RegionFacts, Unavailable};
use nextgap_model::Fact;
use nextgap_snapshot::AccountSnapshot;
use std::sync::Arc;
use tokio::sync::Semaphore;

/// Services read once per account.
pub const GLOBAL: &[&str] = &["iam", "iam-account", "s3", "s3control", "organizations", "account"];
/// Services read in every region.
pub const REGIONAL: &[&str] = &[
    "ec2",
    "rds",
    "cloudtrail",
    "config",
    "guardduty",
    "securityhub",
    "access-analyzer",
    "macie2",
    "dynamodb",
    "backup",
    "lambda",
    "cloudformation",
    "codebuild",
];

/// What every account's collection shares.
pub struct Run {
    pub base: SdkConfig,
    pub caller_account: String,
    pub partition: String,
    pub collected_at: String,
    pub regions: Vec<String>,
    pub all_regions: bool,
    pub role_name: Option<String>,
    pub custom_endpoint: bool,
    pub concurrency: usize,
    pub semaphore: Arc<Semaphore>,
    pub progress: Arc<dyn Progress>,
}

impl Run {
    fn new_account(&self, account_id: &str) -> Account {
        Account {
            account_id: account_id.to_string(),
            partition: self.partition.clone(),
            collected_at: self.collected_at.clone(),
            ..Default::default()
        }
    }

    fn scope(&self, account_id: &str, config: SdkConfig, sink: Arc<Sink>) -> Scope {
        Scope::new(account_id, &self.partition, config, self.custom_endpoint, self.concurrency, sink)
    }
}

/// Collects one account; `earlier` are failures already met for it (listing the Organization).
pub async fn account(run: Arc<Run>, account_id: String, earlier: Vec<Unavailable>) -> AccountSnapshot {
    let sink = Sink::new(run.new_account(&account_id));
    let caller_scope = run.scope(&account_id, run.base.clone(), sink.clone());
    for u in earlier {
        caller_scope.reporting_in(&u.region).unavailable(&u.operation, &u.reason);
    }
    let config = if account_id == run.caller_account {
        run.base.clone()
    } else {
        match assume_role(&run, &caller_scope, &account_id).await {
            Ok(credentials) => client::with_credentials(&run.base, credentials),
            Err(reason) => {
                caller_scope.account(|a| all_unknown(a, &format!("sts:AssumeRole failed: {reason}")));
                return sink.finish();
            }
        }
    };
    let scope = run.scope(&account_id, config, sink.clone());
    let regions = regions(&run, &scope).await;
    scope.account(|a| {
        a.regions = regions.clone();
        a.per_region = regions.iter().map(|r| (r.clone(), RegionFacts::default())).collect();
    });
    services(&run, &scope, &regions).await;
    sink.finish()
}

/// Temporary credentials of `<role_name>` in the account (session `nextgap`).
async fn assume_role(run: &Run, scope: &Scope, account_id: &str) -> Result<Credentials, String> {
    // `collect` refuses other accounts without a role name.
    let role_name = run.role_name.as_deref().unwrap_or_default();
    let role_arn = format!("arn:{}:iam::{account_id}:role/{role_name}", run.partition);
    let sts = aws_sdk_sts::Client::new(&run.base);
    let out =
        scope.read("sts:AssumeRole", sts.assume_role().role_arn(&role_arn).role_session_name("nextgap").send()).await?;
    let c = out.credentials().ok_or("AssumeRole returned no credentials")?;
    let expiry = std::time::SystemTime::try_from(*c.expiration()).ok();
    Ok(Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_string()),
        expiry,
        "nextgap-assume-role",
    ))
}

fn all_unknown(a: &mut Account, reason: &str) {
    a.credential_report = Fact::Unknown(reason.to_string());
    a.password_policy = Fact::Unknown(reason.to_string());
    a.summary = Fact::Unknown(reason.to_string());
    a.virtual_mfa_devices = Fact::Unknown(reason.to_string());
    a.alternate_contacts = Fact::Unknown(reason.to_string());
    a.organization = Fact::Unknown(reason.to_string());
    a.s3_public_access_block = Fact::Unknown(reason.to_string());
}

/// `--region`s, the enabled regions (`--all-regions`), or the configured one.
async fn regions(run: &Run, scope: &Scope) -> Vec<String> {
    if !run.regions.is_empty() {
        let mut regions = run.regions.clone();
        regions.sort();
        regions.dedup();
        return regions;
    }
    let home = client::home_region(&scope.config);
    if run.all_regions {
        let task = scope.task(&home);
        if let Ok(regions) = crate::ec2::enabled_regions(&task).await {
            if !regions.is_empty() {
                return regions;
            }
        }
    }
    vec![home]
}

/// Every service task of the account, concurrently, each holding a permit while it runs.
async fn services(run: &Arc<Run>, scope: &Scope, regions: &[String]) {
    let jobs: Vec<(&'static str, String)> = GLOBAL
        .iter()
        .map(|s| (*s, String::new()))
        .chain(regions.iter().flat_map(|r| REGIONAL.iter().map(move |s| (*s, r.clone()))))
        .collect();
    let handles: Vec<_> = jobs
        .iter()
        .map(|(service, region)| {
            let (run, task, service, region) = (run.clone(), scope.task(region), *service, region.clone());
            tokio::spawn(async move {
                let _permit = run.semaphore.acquire().await;
                run.progress.start(&task.account_id, service, &region);
                Box::pin(service_task(service, &task)).await;
                run.progress.finish(&task.account_id, service, &region, !task.failed_any());
            })
        })
        .collect();
    for (handle, (service, region)) in handles.into_iter().zip(&jobs) {
        if let Err(e) = handle.await {
            scope.reporting_in(region).unavailable(&format!("{service}:*"), &format!("collector failed: {e}"));
        }
    }
}

async fn service_task(service: &str, scope: &Scope) {
    match service {
        "iam" => Box::pin(crate::iam::collect(scope)).await,
        "iam-account" => Box::pin(crate::iam_account::collect(scope)).await,
        "s3" => Box::pin(crate::s3::collect(scope)).await,
        "s3control" => Box::pin(crate::s3control::collect(scope)).await,
        "organizations" => Box::pin(crate::organizations::collect(scope)).await,
        "account" => Box::pin(crate::account::collect(scope)).await,
        "ec2" => Box::pin(crate::ec2::collect(scope)).await,
        "rds" => Box::pin(crate::rds::collect(scope)).await,
        "cloudtrail" => Box::pin(crate::cloudtrail::collect(scope)).await,
        "config" => Box::pin(crate::config::collect(scope)).await,
        "guardduty" => Box::pin(crate::guardduty::collect(scope)).await,
        "securityhub" => Box::pin(crate::securityhub::collect(scope)).await,
        "access-analyzer" => Box::pin(crate::accessanalyzer::collect(scope)).await,
        "macie2" => Box::pin(crate::macie::collect(scope)).await,
        "dynamodb" => Box::pin(crate::dynamodb::collect(scope)).await,
        "backup" => Box::pin(crate::backup::collect(scope)).await,
        "lambda" => Box::pin(crate::lambda::collect(scope)).await,
        "cloudformation" => Box::pin(crate::cloudformation::collect(scope)).await,
        "codebuild" => Box::pin(crate::codebuild::collect(scope)).await,
        other => unreachable!("unknown service task {other}"),
    }
}
