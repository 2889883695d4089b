//! Reads a live AWS account (or several, or a whole Organization) through the official AWS SDK
//! for Rust into a `nextgap_snapshot::Snapshot`: CloudFormation-shaped resources and account
//! facts as `docs/snapshot.md` describes. Every failed read becomes an `unavailable` entry
//! with a classified reason and leaves the facts it feeds UNKNOWN; nothing aborts the
//! collection but failing to identify the caller.

mod accessanalyzer;
mod account;
mod backup;
mod client;
mod cloudformation;
mod cloudtrail;
mod codebuild;
mod config;
mod dynamodb;
mod ec2;
mod errors;
mod guardduty;
mod iam;
mod iam_account;
mod lambda;
mod macie;
mod operations;
mod organizations;
mod rds;
mod run;
mod s3;
mod s3control;
mod scope;
mod securityhub;
pub mod trail_s3;

pub use aws_credential_types::Credentials;
pub use client::{strip_account_label, StripAccountHost};
pub use operations::{iam_action, iam_actions, iam_policy, OPERATIONS};
pub use trail_s3::{
    for_bucket, list_trail_objects, open_object, trail_s3_client, trail_s3_client_with, S3Location, TrailClientOptions,
    TrailListing, TrailObject, TrailS3Error, TrailS3ErrorKind,
};

use anyhow::Context;
use aws_config::SdkConfig;
use futures::StreamExt;
use nextgap_model::account::Unavailable;
use nextgap_snapshot::{Snapshot, SCHEMA_VERSION};
use scope::{Scope, Sink};
use std::sync::Arc;

#[derive(Clone, Debug)]
pub struct CollectOptions {
    pub profile: Option<String>,
    pub regions: Vec<String>,
    pub all_regions: bool,
    pub endpoint_url: Option<String>,
    pub org: bool,
    pub role_name: Option<String>,
    pub accounts: Vec<String>,
    /// Service tasks (and accounts) in flight at once; default 16.
    pub concurrency: usize,
    /// RFC 3339 override of `collected_at`.
    pub now: Option<String>,
}

impl Default for CollectOptions {
    fn default() -> Self {
        CollectOptions {
            profile: None,
            regions: vec![],
            all_regions: false,
            endpoint_url: None,
            org: false,
            role_name: None,
            accounts: vec![],
            concurrency: 16,
            now: None,
        }
    }
}

/// Told when each (account, service, region) read starts and ends; `ok` is false when any
/// of its calls failed.
pub trait Progress: Send + Sync {
    fn start(&self, account: &str, service: &str, region: &str);
    fn finish(&self, account: &str, service: &str, region: &str, ok: bool);
}

pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _account: &str, _service: &str, _region: &str) {}
    fn finish(&self, _account: &str, _service: &str, _region: &str, _ok: bool) {}
}

/// Collects with the standard credential chain (and `profile`).
pub async fn collect(opts: &CollectOptions, progress: Arc<dyn Progress>) -> anyhow::Result<Snapshot> {
    let base = client::base_config(opts, None).await;
    collect_from(opts, base, progress).await
}

/// Collects with the given credentials instead of the standard chain (tests, emulators).
pub async fn collect_with_credentials(
    opts: &CollectOptions,
    credentials: Credentials,
    progress: Arc<dyn Progress>,
) -> anyhow::Result<Snapshot> {
    let base = client::base_config(opts, Some(credentials)).await;
    collect_from(opts, base, progress).await
}

/// [`collect`] on a runtime of its own.
pub fn collect_blocking(opts: &CollectOptions, progress: Arc<dyn Progress>) -> anyhow::Result<Snapshot> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?
        .block_on(collect(opts, progress))
}

async fn collect_from(opts: &CollectOptions, base: SdkConfig, progress: Arc<dyn Progress>) -> anyhow::Result<Snapshot> {
    let custom_endpoint = opts.endpoint_url.is_some();
    let (caller_account, partition) = identify(&base, custom_endpoint).await?;
    let concurrency = opts.concurrency.max(1);
    let run = Arc::new(run::Run {
        base,
        caller_account: caller_account.clone(),
        partition,
        collected_at: opts.now.clone().unwrap_or_else(now),
        regions: opts.regions.clone(),
        all_regions: opts.all_regions,
        role_name: opts.role_name.clone(),
        custom_endpoint,
        concurrency,
        semaphore: Arc::new(tokio::sync::Semaphore::new(concurrency)),
        progress,
    });
    let (targets, earlier) = targets(opts, &run).await;
    if targets.iter().any(|a| *a != caller_account) && opts.role_name.is_none() {
        anyhow::bail!("--role-name is required to read other accounts (--org, --accounts)");
    }
    let mut accounts: Vec<_> = futures::stream::iter(targets)
        .map(|id| {
            let earlier = if id == caller_account { earlier.clone() } else { vec![] };
            run::account(run.clone(), id, earlier)
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    accounts.sort_by(|a, b| a.account.account_id.cmp(&b.account.account_id));
    Ok(Snapshot {
        schema_version: SCHEMA_VERSION.into(),
        tool: format!("nextgap {}", env!("CARGO_PKG_VERSION")),
        accounts,
    })
}

/// The caller's account id and partition (`sts:GetCallerIdentity`); failing here is fatal:
/// there are no usable credentials.
async fn identify(base: &SdkConfig, custom_endpoint: bool) -> anyhow::Result<(String, String)> {
    const OPERATION: &str = "sts:GetCallerIdentity";
    let sts = aws_sdk_sts::Client::new(base);
    let out = sts
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| anyhow::anyhow!("{OPERATION}: {}", errors::classify(&e, custom_endpoint, false).reason))?;
    let account = out.account().with_context(|| format!("{OPERATION} returned no account"))?.to_string();
    let partition = out.arn().and_then(|a| a.split(':').nth(1)).unwrap_or("aws").to_string();
    Ok((account, partition))
}

/// The accounts to read: the Organization's active ones (`--org`), `--accounts`, else the
/// caller's. Failing to list the Organization falls back to the caller's account and is
/// reported there.
async fn targets(opts: &CollectOptions, run: &run::Run) -> (Vec<String>, Vec<Unavailable>) {
    let mut ids: Vec<String> = opts.accounts.clone();
    let mut earlier = vec![];
    if opts.org {
        let sink = Sink::new(Default::default());
        let scope =
            Scope::new(&run.caller_account, &run.partition, run.base.clone(), run.custom_endpoint, 1, sink.clone());
        match organizations::active_accounts(&scope).await {
            Ok(list) => ids.extend(list),
            Err(_) => {
                ids.push(run.caller_account.clone());
                earlier = sink.finish().unavailable;
            }
        }
    }
    if ids.is_empty() {
        ids.push(run.caller_account.clone());
    }
    ids.sort();
    ids.dedup();
    (ids, earlier)
}

fn now() -> String {
    aws_smithy_types::DateTime::from(std::time::SystemTime::now())
        .fmt(aws_smithy_types::date_time::Format::DateTime)
        .unwrap_or_default()
}
