//! CloudTrail log objects read from S3 (`s3://bucket/prefix`): listing with date pruning over
//! the `AWSLogs/[o-xxxx/]<account>/CloudTrail/<region>/YYYY/MM/DD/` layout, and a blocking,
//! bounded-memory reader over one object for synchronous (rayon) consumers.
//!
//! With `since`/`until` the listing descends the layout one level at a time with
//! `delimiter = "/"`, so folders of days (months, years) outside the range are never listed;
//! wherever the keys do not follow the layout it falls back to a plain listing filtered by the
//! date in the key (`…/YYYY/MM/DD/…` or the `YYYYMMDDTHHMMZ` of the file name).

use crate::client;
use crate::errors;
use aws_config::retry::RetryConfig;
use aws_config::Region;
use aws_credential_types::Credentials;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::Client;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use bytes::{Buf, Bytes};
use chrono::{Datelike, NaiveDate};
use futures::{stream, StreamExt, TryStreamExt};
use std::fmt;
use std::io::{self, Read};
use std::time::Duration;
use tokio::runtime::{Handle, RuntimeFlavor};

/// The IAM actions reading trails from S3 needs (on the bucket and its objects); they are not
/// part of the collector's policy (`OPERATIONS`).
pub const TRAIL_IAM_ACTIONS: &[&str] = &["s3:GetObject", "s3:ListBucket"];

/// Attempts per request (the SDK retries throttling, 5xx and transport errors).
const MAX_ATTEMPTS: u32 = 5;
/// Listing calls in flight at once.
const LIST_CONCURRENCY: usize = 16;
/// How many folder levels below the given prefix are searched for an `AWSLogs/` folder before
/// falling back to plain listings.
const GENERIC_DEPTH: u8 = 3;

/// One log object: its key and size in bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrailObject {
    pub key: String,
    pub size: u64,
}

/// `s3://bucket/prefix`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct S3Location {
    pub bucket: String,
    pub prefix: String,
}

impl S3Location {
    /// `s3://bucket`, `s3://bucket/`, `s3://bucket/some/prefix` (the prefix is taken as is:
    /// `AWSLogs/1` also matches `AWSLogs/123456789012/`). `None` for anything else.
    pub fn parse(url: &str) -> Option<S3Location> {
        let scheme = url.get(..5)?;
        if !scheme.eq_ignore_ascii_case("s3://") {
            return None;
        }
        let rest = &url[5..];
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() || bucket.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return None;
        }
        Some(S3Location { bucket: bucket.to_string(), prefix: prefix.to_string() })
    }
}

impl fmt::Display for S3Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s3://{}/{}", self.bucket, self.prefix)
    }
}

/// What [`list_trail_objects`] found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrailListing {
    /// Log objects (`.json`, `.json.gz`), sorted by key.
    pub objects: Vec<TrailObject>,
    /// Log keys that were listed (outside the layout) but skipped by their date.
    pub pruned: usize,
    /// Year, month and day folders of the layout skipped by date without being listed.
    pub pruned_prefixes: usize,
    /// ListObjectsV2 pages requested.
    pub list_calls: usize,
}

/// Why an S3 read failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrailS3ErrorKind {
    AccessDenied,
    NoSuchBucket,
    NoSuchKey,
    /// Still throttled after the SDK's retries.
    Throttled,
    /// The bucket is in another region than the client's.
    WrongRegion,
    /// A caller's mistake, e.g. reading on a current-thread runtime.
    Usage,
    Other,
}

/// A failed S3 read, naming the operation, the bucket and the key (or prefix). Never carries
/// credentials.
#[derive(Clone, Debug)]
pub struct TrailS3Error {
    pub kind: TrailS3ErrorKind,
    /// `s3:ListObjectsV2`, `s3:GetObject`, `s3:HeadBucket`.
    pub operation: &'static str,
    pub bucket: String,
    /// The object key, or the listed prefix.
    pub key: Option<String>,
    pub detail: String,
}

impl fmt::Display for TrailS3Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} s3://{}/{}: {}", self.operation, self.bucket, self.key.as_deref().unwrap_or(""), self.detail)
    }
}

impl std::error::Error for TrailS3Error {}

impl TrailS3Error {
    fn from_sdk<E>(err: &SdkError<E, HttpResponse>, operation: &'static str, bucket: &str, key: Option<&str>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let failure = errors::classify(err, false, false);
        let raw = err.raw_response();
        let status = raw.map(|r| r.status().as_u16());
        let bucket_region = raw.and_then(|r| r.headers().get("x-amz-bucket-region")).map(String::from);
        let code = failure.code.as_str();
        let kind = match code {
            "NoSuchBucket" => TrailS3ErrorKind::NoSuchBucket,
            "NoSuchKey" => TrailS3ErrorKind::NoSuchKey,
            "PermanentRedirect" | "AuthorizationHeaderMalformed" | "IllegalLocationConstraintException" => {
                TrailS3ErrorKind::WrongRegion
            }
            _ if failure.reason.starts_with("AccessDenied") => TrailS3ErrorKind::AccessDenied,
            _ if failure.reason.starts_with("throttled") => TrailS3ErrorKind::Throttled,
            "" | "NotFound" if status == Some(404) => match operation {
                "s3:HeadBucket" | "s3:ListObjectsV2" => TrailS3ErrorKind::NoSuchBucket,
                _ => TrailS3ErrorKind::NoSuchKey,
            },
            "" if status == Some(301) => TrailS3ErrorKind::WrongRegion,
            _ => TrailS3ErrorKind::Other,
        };
        let detail = match (kind, &bucket_region) {
            (TrailS3ErrorKind::WrongRegion, Some(region)) => {
                format!("the bucket is in region {region}: {}", failure.reason)
            }
            (TrailS3ErrorKind::NoSuchBucket, _) if code.is_empty() || code == "NotFound" => {
                "NoSuchBucket: the bucket does not exist".to_string()
            }
            (TrailS3ErrorKind::NoSuchKey, _) if code.is_empty() || code == "NotFound" => {
                "NoSuchKey: the object does not exist".to_string()
            }
            _ => failure.reason,
        };
        TrailS3Error { kind, operation, bucket: bucket.to_string(), key: key.map(String::from), detail }
    }
}

/// How to build the S3 client for reading trails.
#[derive(Clone, Debug, Default)]
pub struct TrailClientOptions {
    /// Named profile (default: the standard credential chain).
    pub profile: Option<String>,
    /// Region (default: the configured one, else us-east-1).
    pub region: Option<String>,
    /// Endpoint (default: `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL` / the profile's
    /// `endpoint_url`, else AWS).
    pub endpoint_url: Option<String>,
    /// Credentials instead of the standard chain (tests, emulators).
    pub credentials: Option<Credentials>,
}

/// An S3 client from the standard credential chain, `profile` and `region` (else the
/// configured region, else us-east-1); an endpoint set through `AWS_ENDPOINT_URL(_S3)` or the
/// profile is honoured and then addressed path-style (emulators on loopback).
pub async fn trail_s3_client(profile: Option<&str>, region: Option<&str>) -> Result<Client, TrailS3Error> {
    trail_s3_client_with(&TrailClientOptions {
        profile: profile.map(String::from),
        region: region.map(String::from),
        ..Default::default()
    })
    .await
}

/// [`trail_s3_client`] with every option.
pub async fn trail_s3_client_with(opts: &TrailClientOptions) -> Result<Client, TrailS3Error> {
    let collect = crate::CollectOptions {
        profile: opts.profile.clone(),
        regions: opts.region.iter().cloned().collect(),
        endpoint_url: opts.endpoint_url.clone(),
        ..Default::default()
    };
    let config = client::base_config(&collect, opts.credentials.clone()).await;
    // Standard retry rather than the collector's adaptive one: after a throttled answer the
    // adaptive rate limiter, shared by every client of the process, lets a request through
    // only every few seconds, which would serialise the parallel downloads.
    let mut retry = RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS);
    if config.endpoint_url().is_some_and(client::is_loopback) {
        retry = retry.with_initial_backoff(Duration::from_millis(20));
    }
    let config = config.to_builder().retry_config(retry).build();
    let custom_endpoint =
        config.endpoint_url().is_some() || std::env::var("AWS_ENDPOINT_URL_S3").is_ok_and(|v| !v.trim().is_empty());
    Ok(client::s3(&config, custom_endpoint))
}

/// The client to read `bucket` with: `client` itself, or the same configuration in the
/// bucket's region when S3 says the bucket lives elsewhere (`HeadBucket`). Also checks early
/// that the bucket exists and may be listed.
pub async fn for_bucket(client: &Client, bucket: &str) -> Result<Client, TrailS3Error> {
    const OPERATION: &str = "s3:HeadBucket";
    let region = match client.head_bucket().bucket(bucket).send().await {
        Ok(out) => out.bucket_region().map(String::from),
        Err(err) => {
            let redirect = err.raw_response().and_then(|r| {
                let status = r.status().as_u16();
                let region = r.headers().get("x-amz-bucket-region")?;
                matches!(status, 301 | 307 | 400).then(|| region.to_string())
            });
            match redirect {
                Some(region) => Some(region),
                None => return Err(TrailS3Error::from_sdk(&err, OPERATION, bucket, None)),
            }
        }
    };
    let current = client.config().region().map(|r| r.to_string());
    match region {
        Some(region) if !region.is_empty() && current.as_deref() != Some(region.as_str()) => {
            Ok(Client::from_conf(client.config().to_builder().region(Region::new(region)).build()))
        }
        _ => Ok(client.clone()),
    }
}

/// Lists the `.json` / `.json.gz` CloudTrail log objects under `loc` (digest, Insights and
/// other services' files of the layout are left out), sorted by key. With `since`/`until`
/// (UTC dates, inclusive) days outside the range are neither listed nor returned.
///
/// CloudTrail files a log under the day it was delivered: the first minutes of a day can hold
/// events of the day before.
pub async fn list_trail_objects(
    client: &Client,
    loc: &S3Location,
    since: Option<NaiveDate>,
    until: Option<NaiveDate>,
) -> Result<TrailListing, TrailS3Error> {
    let range = Range { since, until };
    let mut listing = TrailListing::default();
    let start = if since.is_none() && until.is_none() { Level::Flat } else { start_level(&loc.prefix) };
    let mut frontier = vec![];
    if range.admits(start) {
        frontier.push((loc.prefix.clone(), start));
    } else {
        listing.pruned_prefixes += 1;
    }
    while !frontier.is_empty() {
        let expansions: Vec<Expansion> = stream::iter(std::mem::take(&mut frontier))
            .map(|(prefix, level)| expand(client, &loc.bucket, prefix, level, range))
            .buffer_unordered(LIST_CONCURRENCY)
            .try_collect()
            .await?;
        for e in expansions {
            listing.objects.extend(e.objects);
            listing.pruned += e.pruned;
            listing.pruned_prefixes += e.pruned_prefixes;
            listing.list_calls += e.calls;
            frontier.extend(e.children);
        }
    }
    listing.objects.sort_by(|a, b| a.key.cmp(&b.key));
    listing.objects.dedup_by(|a, b| a.key == b.key);
    Ok(listing)
}

/// Downloads `bucket/key` and returns its bytes as they arrive (as stored: gzip for
/// `.json.gz`), holding one network chunk at a time. The reader blocks on `handle`: call it
/// from a plain thread (a rayon worker), never from inside an async task; `handle` must be
/// a multi-thread runtime's, whose workers drive the connection.
pub fn open_object(
    handle: &Handle,
    client: &Client,
    bucket: &str,
    key: &str,
) -> Result<Box<dyn Read + Send>, TrailS3Error> {
    const OPERATION: &str = "s3:GetObject";
    if handle.runtime_flavor() == RuntimeFlavor::CurrentThread {
        return Err(TrailS3Error {
            kind: TrailS3ErrorKind::Usage,
            operation: OPERATION,
            bucket: bucket.to_string(),
            key: Some(key.to_string()),
            detail: "reading needs a multi-thread tokio runtime".to_string(),
        });
    }
    let out = handle
        .block_on(client.get_object().bucket(bucket).key(key).send())
        .map_err(|e| TrailS3Error::from_sdk(&e, OPERATION, bucket, Some(key)))?;
    Ok(Box::new(ObjectReader {
        handle: handle.clone(),
        body: out.body,
        chunk: Bytes::new(),
        done: false,
        location: format!("s3://{bucket}/{key}"),
    }))
}

/// A blocking [`Read`] over a [`ByteStream`].
struct ObjectReader {
    handle: Handle,
    body: ByteStream,
    chunk: Bytes,
    done: bool,
    location: String,
}

impl Read for ObjectReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        while self.chunk.is_empty() {
            if self.done {
                return Ok(0);
            }
            match self.handle.block_on(self.body.try_next()) {
                Ok(Some(chunk)) => self.chunk = chunk,
                Ok(None) => self.done = true,
                Err(e) => {
                    return Err(io::Error::other(format!(
                        "s3:GetObject {}: reading the body failed: {}",
                        self.location,
                        errors::error_chain(&e)
                    )))
                }
            }
        }
        let n = buf.len().min(self.chunk.len());
        buf[..n].copy_from_slice(&self.chunk[..n]);
        self.chunk.advance(n);
        Ok(n)
    }
}

/// What the folders under a prefix (ending in `/`) are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Level {
    /// Unknown: searched for `AWSLogs/` (the depth below the given prefix).
    Generic(u8),
    /// `AWSLogs/`: accounts or organization ids.
    AwsLogs,
    /// `AWSLogs/o-xxxx/`: accounts.
    Org,
    /// `AWSLogs/<account>/`: services (only `CloudTrail/` is read).
    Account,
    /// `…/CloudTrail/`: regions.
    Regions,
    /// `…/<region>/`: years.
    Years,
    /// `…/YYYY/`: months.
    Months(i32),
    /// `…/YYYY/MM/`: days.
    Days(i32, u32),
    /// `…/YYYY/MM/DD/`: listed whole.
    Day(NaiveDate),
    /// A folder of the layout that holds no CloudTrail logs (digests, Insights, other services).
    Skip,
    /// Listed whole, keys filtered by their date.
    Flat,
}

#[derive(Clone, Copy, Debug)]
struct Range {
    since: Option<NaiveDate>,
    until: Option<NaiveDate>,
}

impl Range {
    fn contains(&self, date: NaiveDate) -> bool {
        self.since.is_none_or(|s| date >= s) && self.until.is_none_or(|u| date <= u)
    }

    /// The folder may hold days in the range.
    fn admits(&self, level: Level) -> bool {
        let month = |d: NaiveDate| (d.year(), d.month());
        match level {
            Level::Months(y) => self.since.is_none_or(|s| y >= s.year()) && self.until.is_none_or(|u| y <= u.year()),
            Level::Days(y, m) => {
                self.since.is_none_or(|s| (y, m) >= month(s)) && self.until.is_none_or(|u| (y, m) <= month(u))
            }
            Level::Day(d) => self.contains(d),
            _ => true,
        }
    }
}

/// One listed folder: its log objects, the folders to list next, what was pruned.
#[derive(Default)]
struct Expansion {
    objects: Vec<TrailObject>,
    children: Vec<(String, Level)>,
    pruned: usize,
    pruned_prefixes: usize,
    calls: usize,
}

impl Expansion {
    fn consider(&mut self, key: &str, size: Option<i64>, range: Range) {
        if !is_trail_key(key) {
            return;
        }
        if key_date(key).is_some_and(|d| !range.contains(d)) {
            self.pruned += 1;
            return;
        }
        self.objects.push(TrailObject { key: key.to_string(), size: size.unwrap_or(0).max(0) as u64 });
    }
}

async fn expand(
    client: &Client,
    bucket: &str,
    prefix: String,
    level: Level,
    range: Range,
) -> Result<Expansion, TrailS3Error> {
    const OPERATION: &str = "s3:ListObjectsV2";
    let flat = matches!(level, Level::Flat | Level::Day(_));
    let mut request = client.list_objects_v2().bucket(bucket);
    if !prefix.is_empty() {
        request = request.prefix(&prefix);
    }
    if !flat {
        request = request.delimiter("/");
    }
    let mut pages = request.into_paginator().send();
    let mut out = Expansion::default();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| TrailS3Error::from_sdk(&e, OPERATION, bucket, Some(&prefix)))?;
        out.calls += 1;
        for object in page.contents() {
            if let Some(key) = object.key() {
                out.consider(key, object.size(), range);
            }
        }
        for child in page.common_prefixes().iter().filter_map(|p| p.prefix()) {
            let child_level = match level {
                Level::Generic(depth) => level_of(child).unwrap_or(if depth + 1 < GENERIC_DEPTH {
                    Level::Generic(depth + 1)
                } else {
                    Level::Flat
                }),
                _ => level_of(child).unwrap_or(Level::Flat),
            };
            if child_level == Level::Skip {
                continue;
            }
            if range.admits(child_level) {
                out.children.push((child.to_string(), child_level));
            } else {
                out.pruned_prefixes += 1;
            }
        }
    }
    Ok(out)
}

/// Where the walk starts: the layout level of a prefix ending in `/`; a partial prefix
/// (`AWSLogs/1`) is listed with the delimiter and its folders classified.
fn start_level(prefix: &str) -> Level {
    if prefix.ends_with('/') {
        level_of(prefix).unwrap_or(Level::Generic(0))
    } else {
        Level::Generic(0)
    }
}

/// The layout level of a folder (`…/` ) below an `AWSLogs` component; `None` when the prefix
/// has none.
fn level_of(prefix: &str) -> Option<Level> {
    let parts: Vec<&str> = prefix.trim_end_matches('/').split('/').collect();
    let at = parts.iter().position(|p| *p == "AWSLogs")?;
    let mut rest = &parts[at + 1..];
    let Some((&first, tail)) = rest.split_first() else { return Some(Level::AwsLogs) };
    if is_org_id(first) {
        rest = tail;
        if rest.is_empty() {
            return Some(Level::Org);
        }
    }
    let Some((&account, rest)) = rest.split_first() else { return Some(Level::Flat) };
    if !is_account(account) {
        return Some(Level::Flat);
    }
    let level = match rest {
        [] => Level::Account,
        [service] => service_level(service),
        [service, _region] => match service_level(service) {
            Level::Regions => Level::Years,
            other => other,
        },
        [service, _region, year] => match (service_level(service), number(year, 4)) {
            (Level::Regions, Some(y)) => Level::Months(y as i32),
            (Level::Regions, None) => Level::Flat,
            (other, _) => other,
        },
        [service, _region, year, month] => match (service_level(service), number(year, 4), number(month, 2)) {
            (Level::Regions, Some(y), Some(m)) if (1..=12).contains(&m) => Level::Days(y as i32, m),
            (Level::Regions, _, _) => Level::Flat,
            (other, _, _) => other,
        },
        [service, _region, year, month, day, ..] => {
            let date = match (number(year, 4), number(month, 2), number(day, 2)) {
                (Some(y), Some(m), Some(d)) => NaiveDate::from_ymd_opt(y as i32, m, d),
                _ => None,
            };
            match (service_level(service), date, rest.len()) {
                (Level::Regions, Some(date), 5) => Level::Day(date),
                (Level::Regions, _, _) => Level::Flat,
                (other, _, _) => other,
            }
        }
    };
    Some(level)
}

fn service_level(service: &str) -> Level {
    if service == "CloudTrail" {
        Level::Regions
    } else {
        Level::Skip
    }
}

fn is_account(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// `o-` and 10 to 32 lowercase letters or digits.
fn is_org_id(s: &str) -> bool {
    s.strip_prefix("o-").is_some_and(|id| {
        (10..=32).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    })
}

/// `s` as a number when it is exactly `len` ASCII digits.
fn number(s: &str, len: usize) -> Option<u32> {
    (s.len() == len && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
}

/// A `.json` / `.json.gz` key that is not a digest, an Insights file or another service's log
/// of the `AWSLogs/` layout.
fn is_trail_key(key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    if !(lower.ends_with(".json") || lower.ends_with(".json.gz")) {
        return false;
    }
    let parts: Vec<&str> = key.split('/').collect();
    let (file, folders) = parts.split_last().expect("split yields one part");
    if file.contains("_CloudTrail-Digest_") || file.contains("_CloudTrail-Insight_") {
        return false;
    }
    if let Some(at) = folders.iter().position(|p| *p == "AWSLogs") {
        let mut rest = &folders[at + 1..];
        if rest.first().is_some_and(|p| is_org_id(p)) {
            rest = &rest[1..];
        }
        if let [account, service, ..] = rest {
            if is_account(account) {
                return *service == "CloudTrail";
            }
        }
    }
    !folders.iter().any(|p| *p == "CloudTrail-Digest" || *p == "CloudTrail-Insight")
}

/// The date of a key: its `YYYY/MM/DD` folders, else the `YYYYMMDDTHHMMZ` in its file name.
fn key_date(key: &str) -> Option<NaiveDate> {
    let parts: Vec<&str> = key.split('/').collect();
    let (file, folders) = parts.split_last()?;
    let from_folders = folders.windows(3).find_map(|w| match (number(w[0], 4), number(w[1], 2), number(w[2], 2)) {
        (Some(y), Some(m), Some(d)) => NaiveDate::from_ymd_opt(y as i32, m, d),
        _ => None,
    });
    from_folders.or_else(|| file_date(file))
}

/// `…_20250101T1205Z_…` → 2025-01-01.
fn file_date(file: &str) -> Option<NaiveDate> {
    let b = file.as_bytes();
    (0..b.len().saturating_sub(13)).find_map(|i| {
        let w = &b[i..i + 14];
        let shaped = w[..8].iter().all(u8::is_ascii_digit)
            && w[8] == b'T'
            && w[9..13].iter().all(u8::is_ascii_digit)
            && w[13] == b'Z'
            && (i == 0 || !b[i - 1].is_ascii_digit());
        if !shaped {
            return None;
        }
        let digits = std::str::from_utf8(&w[..8]).ok()?;
        NaiveDate::from_ymd_opt(digits[..4].parse().ok()?, digits[4..6].parse().ok()?, digits[6..8].parse().ok()?)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn parses_locations() {
        let loc = |b: &str, p: &str| Some(S3Location { bucket: b.into(), prefix: p.into() });
        assert_eq!(S3Location::parse("s3://logs"), loc("logs", ""));
        assert_eq!(S3Location::parse("s3://logs/"), loc("logs", ""));
        assert_eq!(S3Location::parse("S3://logs/AWSLogs/1/"), loc("logs", "AWSLogs/1/"));
        assert_eq!(S3Location::parse("s3://logs/a/b"), loc("logs", "a/b"));
        assert_eq!(S3Location::parse("s3://"), None);
        assert_eq!(S3Location::parse("s3:///x"), None);
        assert_eq!(S3Location::parse("https://logs/x"), None);
        assert_eq!(S3Location::parse("logs/x"), None);
        assert_eq!(S3Location::parse("s3"), None);
        assert_eq!(S3Location::parse("s3://logs/a").unwrap().to_string(), "s3://logs/a");
    }

    #[test]
    fn layout_levels() {
        assert_eq!(level_of("x/"), None);
        assert_eq!(level_of("AWSLogs/"), Some(Level::AwsLogs));
        assert_eq!(level_of("p/AWSLogs/"), Some(Level::AwsLogs));
        assert_eq!(level_of("AWSLogs/o-abcdef1234/"), Some(Level::Org));
        assert_eq!(level_of("AWSLogs/123456789012/"), Some(Level::Account));
        assert_eq!(level_of("AWSLogs/o-abcdef1234/123456789012/"), Some(Level::Account));
        assert_eq!(level_of("AWSLogs/readme/"), Some(Level::Flat));
        assert_eq!(level_of("AWSLogs/123456789012/CloudTrail/"), Some(Level::Regions));
        assert_eq!(level_of("AWSLogs/123456789012/CloudTrail-Digest/"), Some(Level::Skip));
        assert_eq!(level_of("AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2025/"), Some(Level::Skip));
        assert_eq!(level_of("AWSLogs/123456789012/CloudTrail/us-east-1/"), Some(Level::Years));
        assert_eq!(level_of("AWSLogs/123456789012/CloudTrail/us-east-1/2025/"), Some(Level::Months(2025)));
        assert_eq!(level_of("AWSLogs/123456789012/CloudTrail/us-east-1/old/"), Some(Level::Flat));
        assert_eq!(level_of("AWSLogs/123456789012/CloudTrail/us-east-1/2025/02/"), Some(Level::Days(2025, 2)));
        assert_eq!(level_of("AWSLogs/123456789012/CloudTrail/us-east-1/2025/13/"), Some(Level::Flat));
        assert_eq!(
            level_of("AWSLogs/o-abcdef1234/123456789012/CloudTrail/us-east-1/2025/02/28/"),
            Some(Level::Day(date("2025-02-28")))
        );
        assert_eq!(level_of("AWSLogs/123456789012/CloudTrail/us-east-1/2025/02/30/"), Some(Level::Flat));
        assert_eq!(level_of("AWSLogs/123456789012/CloudTrail/us-east-1/2025/02/28/x/"), Some(Level::Flat));
        assert_eq!(start_level(""), Level::Generic(0));
        assert_eq!(start_level("AWSLogs/1"), Level::Generic(0));
        assert_eq!(start_level("logs/"), Level::Generic(0));
        assert_eq!(start_level("AWSLogs/123456789012/CloudTrail/"), Level::Regions);
    }

    #[test]
    fn ranges() {
        let r = Range { since: Some(date("2024-12-31")), until: Some(date("2025-02-01")) };
        assert!(r.admits(Level::Months(2024)) && r.admits(Level::Months(2025)) && !r.admits(Level::Months(2023)));
        assert!(r.admits(Level::Days(2024, 12)) && !r.admits(Level::Days(2024, 11)));
        assert!(r.admits(Level::Days(2025, 2)) && !r.admits(Level::Days(2025, 3)));
        assert!(!r.admits(Level::Day(date("2024-12-30"))) && r.admits(Level::Day(date("2025-02-01"))));
        assert!(!r.admits(Level::Day(date("2025-02-02"))));
        let open = Range { since: None, until: Some(date("2025-01-01")) };
        assert!(open.admits(Level::Months(1999)) && !open.admits(Level::Months(2026)));
    }

    #[test]
    fn trail_keys() {
        let k = "AWSLogs/123456789012/CloudTrail/us-east-1/2025/01/01/123456789012_CloudTrail_us-east-1_20250101T1205Z_abc.json.gz";
        assert!(is_trail_key(k));
        assert!(is_trail_key("AWSLogs/o-abcdef1234/123456789012/CloudTrail/eu-west-1/2025/01/01/x.json"));
        assert!(!is_trail_key(
            "AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2025/01/01/123456789012_CloudTrail-Digest_us-east-1_t_us-east-1_20250101T120500Z.json.gz"
        ));
        assert!(!is_trail_key("AWSLogs/123456789012/CloudTrail-Insight/us-east-1/2025/01/01/x.json.gz"));
        assert!(!is_trail_key("AWSLogs/123456789012/elasticloadbalancing/us-east-1/2025/01/01/x.json"));
        assert!(!is_trail_key("AWSLogs/123456789012/CloudTrail/us-east-1/2025/01/01/x.txt"));
        assert!(!is_trail_key("AWSLogs/123456789012/CloudTrail/us-east-1/2025/01/01/"));
        assert!(is_trail_key("exports/events.JSON"));
        assert!(is_trail_key("events.json.gz"));
        assert!(!is_trail_key("backup/CloudTrail-Digest/x.json.gz"));
    }

    #[test]
    fn key_dates() {
        assert_eq!(key_date("AWSLogs/1/CloudTrail/r/2025/01/02/a_20250101T2359Z_b.json.gz"), Some(date("2025-01-02")));
        assert_eq!(key_date("exports/a_20241231T2355Z_b.json.gz"), Some(date("2024-12-31")));
        assert_eq!(key_date("exports/2024/12/30/dump.json"), Some(date("2024-12-30")));
        assert_eq!(key_date("exports/dump.json"), None);
        assert_eq!(key_date("exports/2024/13/30/dump.json"), None);
        assert_eq!(key_date("x_120250101T1205Z.json"), None);
        assert_eq!(key_date("20250101T1205Z"), Some(date("2025-01-01")));
    }
}
