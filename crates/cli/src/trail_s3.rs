//! `s3://` inputs of `nextgap trail`: one S3 client and runtime for the run; objects are
//! listed up front (pruned by day) and read one by one by the workers, streamed.

use anyhow::{Context, Result};
use nextgap_findings::Report;
use nextgap_source_aws::trail_s3::{for_bucket, list_trail_objects, open_object, trail_s3_client, S3Location};
use nextgap_source_trail::DateRange;
use std::collections::HashMap;
use std::io::Read;
use std::sync::Mutex;

pub struct S3Reader {
    runtime: tokio::runtime::Runtime,
    client: aws_sdk_s3::Client,
    /// The client to use per bucket (a bucket in another region gets its own).
    buckets: Mutex<HashMap<String, aws_sdk_s3::Client>>,
}

impl S3Reader {
    /// A reader when some path is an `s3://` URL, else `None` (no runtime, no credentials).
    pub fn for_paths(paths: &[String], profile: Option<&str>, region: Option<&str>) -> Result<Option<S3Reader>> {
        if !paths.iter().any(|p| p.starts_with("s3://")) {
            return Ok(None);
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .context("starting the AWS client runtime")?;
        let client = runtime.block_on(trail_s3_client(profile, region)).map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(Some(S3Reader { runtime, client, buckets: Mutex::new(HashMap::new()) }))
    }

    /// The log objects under `url`, as (bucket, key); days outside `days` are not listed.
    pub fn list(&self, url: &str, days: &DateRange, report: &mut Report) -> Result<Vec<(String, String)>> {
        let loc = S3Location::parse(url).with_context(|| format!("`{url}` is not an s3://bucket/prefix URL"))?;
        let client = self.client_for(&loc.bucket)?;
        let listing = self
            .runtime
            .block_on(list_trail_objects(&client, &loc, days.since, days.until))
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        // Like the local walk: keys and whole day/month folders left out by date.
        report.summary.files_skipped += listing.pruned + listing.pruned_prefixes;
        Ok(listing.objects.into_iter().map(|o| (loc.bucket.clone(), o.key)).collect())
    }

    pub fn open(&self, bucket: &str, key: &str) -> Result<Box<dyn Read + Send>> {
        let client = self.client_for(bucket)?;
        open_object(self.runtime.handle(), &client, bucket, key).map_err(|e| anyhow::anyhow!("{e}"))
    }

    fn client_for(&self, bucket: &str) -> Result<aws_sdk_s3::Client> {
        let mut known = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = known.get(bucket) {
            return Ok(c.clone());
        }
        let client = self.runtime.block_on(for_bucket(&self.client, bucket)).map_err(|e| anyhow::anyhow!("{e}"))?;
        known.insert(bucket.to_string(), client.clone());
        Ok(client)
    }
}
