//! Where a collector runs (account, region, configuration) and where its results go. Every
//! SDK call goes through [`Scope::read`] or [`Scope::read_or`] with its `service:Operation`
//! literal, so failures are recorded uniformly and the operation list can be checked.

use crate::errors::{classify, Failure};
use aws_config::SdkConfig;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use nextgap_model::account::{Account, RegionFacts, Unavailable};
use nextgap_snapshot::{AccountSnapshot, LiveResource};
use serde_json::Value;
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// What the collectors of one account produce, filled concurrently.
#[derive(Default)]
pub struct Sink {
    account: Mutex<Account>,
    resources: Mutex<Vec<LiveResource>>,
    unavailable: Mutex<Vec<Unavailable>>,
    aws_managed_policies: Mutex<BTreeMap<String, Value>>,
}

impl Sink {
    pub fn new(account: Account) -> Arc<Self> {
        Arc::new(Sink { account: Mutex::new(account), ..Default::default() })
    }

    /// The account snapshot, resources and failures sorted so output is deterministic.
    pub fn finish(&self) -> AccountSnapshot {
        let mut resources = std::mem::take(&mut *lock(&self.resources));
        resources.sort_by(|a, b| (&a.resource_type, &a.arn).cmp(&(&b.resource_type, &b.arn)));
        let mut unavailable = std::mem::take(&mut *lock(&self.unavailable));
        unavailable.sort_by(|a, b| (&a.operation, &a.region, &a.reason).cmp(&(&b.operation, &b.region, &b.reason)));
        unavailable.dedup();
        let aws_managed_policies = std::mem::take(&mut *lock(&self.aws_managed_policies));
        AccountSnapshot { account: lock(&self.account).clone(), resources, unavailable, aws_managed_policies }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[derive(Clone)]
pub struct Scope {
    pub account_id: String,
    pub partition: String,
    /// Empty for global services.
    pub region: String,
    /// Configuration whose region is `region` (the home region for global services).
    pub config: SdkConfig,
    /// A custom endpoint is set (emulator or private endpoint).
    pub custom_endpoint: bool,
    pub concurrency: usize,
    sink: Arc<Sink>,
    failures: Arc<AtomicUsize>,
}

impl Scope {
    pub fn new(
        account_id: &str,
        partition: &str,
        config: SdkConfig,
        custom_endpoint: bool,
        concurrency: usize,
        sink: Arc<Sink>,
    ) -> Self {
        Scope {
            account_id: account_id.to_string(),
            partition: partition.to_string(),
            region: String::new(),
            config,
            custom_endpoint,
            concurrency: concurrency.max(1),
            sink,
            failures: Arc::default(),
        }
    }

    /// A scope for one service task in `region` ("" = global), counting its own failures.
    pub fn task(&self, region: &str) -> Scope {
        let mut scope = self.clone();
        scope.failures = Arc::default();
        if !region.is_empty() {
            scope.config = crate::client::in_region(&self.config, region);
        }
        scope.region = region.to_string();
        scope
    }

    /// The same scope reporting failures under another region (S3 buckets live in one).
    pub fn reporting_in(&self, region: &str) -> Scope {
        let mut scope = self.clone();
        scope.region = region.to_string();
        scope
    }

    pub fn failed_any(&self) -> bool {
        self.failures.load(Ordering::Relaxed) > 0
    }

    /// The call's output, or the reason it failed (recorded as unavailable).
    pub async fn read<T, E, F>(&self, operation: &'static str, call: F) -> Result<T, String>
    where
        F: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        self.read_or(operation, call, |_| false).await?.ok_or_else(|| "no value".to_string())
    }

    /// Like [`read`](Self::read), but a failure for which `absent` holds means "not set":
    /// `Ok(None)`, not recorded.
    pub async fn read_or<T, E, F>(
        &self,
        operation: &'static str,
        call: F,
        absent: impl Fn(&Failure) -> bool,
    ) -> Result<Option<T>, String>
    where
        F: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        match call.await {
            Ok(out) => Ok(Some(out)),
            Err(err) => {
                let failure = classify(&err, self.custom_endpoint, !self.region.is_empty());
                if absent(&failure) {
                    return Ok(None);
                }
                self.unavailable(operation, &failure.reason);
                Err(failure.reason)
            }
        }
    }

    /// Records a failed read.
    pub fn unavailable(&self, operation: &str, reason: &str) {
        self.failures.fetch_add(1, Ordering::Relaxed);
        lock(&self.sink.unavailable).push(Unavailable {
            operation: operation.to_string(),
            region: self.region.clone(),
            reason: reason.to_string(),
        });
    }

    pub fn push(&self, resource_type: &str, arn: String, properties: Value) {
        let properties = prune(properties);
        lock(&self.sink.resources).push(LiveResource { resource_type: resource_type.to_string(), arn, properties });
    }

    /// The default document of an AWS-managed policy attached in the account.
    pub fn aws_managed_policy(&self, arn: String, document: Value) {
        lock(&self.sink.aws_managed_policies).insert(arn, document);
    }

    pub fn account(&self, f: impl FnOnce(&mut Account)) {
        f(&mut lock(&self.sink.account));
    }

    /// The facts of this scope's region.
    pub fn region_facts(&self, f: impl FnOnce(&mut RegionFacts)) {
        let mut account = lock(&self.sink.account);
        f(account.per_region.entry(self.region.clone()).or_default());
    }

    /// `arn:<partition>:<service>:<region>:<account>:<resource>`.
    pub fn arn(&self, service: &str, resource: &str) -> String {
        format!("arn:{}:{service}:{}:{}:{resource}", self.partition, self.region, self.account_id)
    }
}

/// Drops null members of objects (absent optional values), recursively.
pub fn prune(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            Value::Object(map.into_iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k, prune(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(prune).collect()),
        other => other,
    }
}

/// RFC 3339 text of an SDK timestamp.
pub fn time(t: Option<&aws_smithy_types::DateTime>) -> Value {
    t.and_then(|t| t.fmt(aws_smithy_types::date_time::Format::DateTime).ok()).map(Value::String).unwrap_or(Value::Null)
}
