//! SDK configuration shared by every client: the standard credential chain (or given
//! credentials), profile, region, custom endpoint, retry; and the per-service clients that
//! need more than the shared configuration (S3 path style, the s3control host rewrite).

use crate::CollectOptions;
use aws_config::meta::region::RegionProviderChain;
use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

pub const DEFAULT_REGION: &str = "us-east-1";
const MAX_ATTEMPTS: u32 = 5;

/// The base configuration: credentials from the standard chain (or `credentials`), the
/// profile, the first `--region` or the configured one (us-east-1 if none), the endpoint,
/// adaptive retry with 5 attempts.
pub async fn base_config(opts: &CollectOptions, credentials: Option<Credentials>) -> SdkConfig {
    let mut retry = RetryConfig::adaptive().with_max_attempts(MAX_ATTEMPTS);
    // An emulator on this machine has no throttling to wait out; its errors for APIs it lacks
    // (HTML 500s) would otherwise cost seconds of backoff each.
    if opts.endpoint_url.as_deref().is_some_and(is_loopback) {
        retry = retry.with_initial_backoff(std::time::Duration::from_millis(20));
    }
    let mut loader = aws_config::defaults(BehaviorVersion::latest()).retry_config(retry);
    if let Some(profile) = &opts.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(endpoint) = &opts.endpoint_url {
        loader = loader.endpoint_url(endpoint);
    }
    if let Some(credentials) = credentials {
        loader = loader.credentials_provider(credentials);
    }
    loader = match opts.regions.first() {
        Some(region) => loader.region(Region::new(region.clone())),
        None => loader.region(RegionProviderChain::default_provider().or_else(DEFAULT_REGION)),
    };
    loader.load().await
}

/// `http://127.0.0.1:5000`, `http://localhost:4566`, `http://[::1]:5000`.
pub fn is_loopback(endpoint: &str) -> bool {
    let rest = endpoint.split_once("://").map(|(_, r)| r).unwrap_or(endpoint);
    let host = rest.split('/').next().unwrap_or("");
    let host = if host.starts_with('[') {
        host.split(']').next().unwrap_or("").trim_start_matches('[')
    } else {
        host.split(':').next().unwrap_or("")
    };
    host == "localhost" || host == "::1" || host.parse::<std::net::Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
}

pub fn home_region(config: &SdkConfig) -> String {
    config.region().map(|r| r.to_string()).unwrap_or_else(|| DEFAULT_REGION.to_string())
}

/// The same configuration in another region.
pub fn in_region(config: &SdkConfig, region: &str) -> SdkConfig {
    config.to_builder().region(Region::new(region.to_string())).build()
}

/// The same configuration with other (assumed-role) credentials.
pub fn with_credentials(config: &SdkConfig, credentials: Credentials) -> SdkConfig {
    config
        .to_builder()
        .credentials_provider(aws_credential_types::provider::SharedCredentialsProvider::new(credentials))
        .build()
}

pub fn s3(config: &SdkConfig, custom_endpoint: bool) -> aws_sdk_s3::Client {
    let conf = aws_sdk_s3::config::Builder::from(config).force_path_style(custom_endpoint).build();
    aws_sdk_s3::Client::from_conf(conf)
}

pub fn s3control(config: &SdkConfig, custom_endpoint: bool) -> aws_sdk_s3control::Client {
    let mut builder = aws_sdk_s3control::config::Builder::from(config);
    if custom_endpoint {
        builder = builder.interceptor(StripAccountHost);
    }
    aws_sdk_s3control::Client::from_conf(builder.build())
}

/// s3control puts the account id in the host (`123456789012.127.0.0.1:5000`), which does not
/// resolve against an emulator or a private endpoint given by address: drop that label.
#[derive(Debug)]
pub struct StripAccountHost;

impl Intercept for StripAccountHost {
    fn name(&self) -> &'static str {
        "StripAccountHost"
    }

    fn modify_before_signing(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = context.request_mut();
        if let Some(uri) = strip_account_label(request.uri()) {
            request.set_uri(uri.as_str())?;
        }
        Ok(())
    }
}

/// `http://123456789012.host:port/path` → `http://host:port/path`; `None` when the host
/// does not start with a 12-digit label.
pub fn strip_account_label(uri: &str) -> Option<String> {
    let (scheme, rest) = uri.split_once("://")?;
    let (label, host) = rest.split_once('.')?;
    let is_account = label.len() == 12 && label.bytes().all(|b| b.is_ascii_digit());
    is_account.then(|| format!("{scheme}://{host}"))
}

#[cfg(test)]
mod tests {
    use super::{is_loopback, strip_account_label};

    #[test]
    fn loopback_endpoints() {
        assert!(is_loopback("http://127.0.0.1:5000"));
        assert!(is_loopback("http://localhost:4566/"));
        assert!(is_loopback("http://[::1]:5000"));
        assert!(!is_loopback("https://vpce-123.s3.eu-west-1.vpce.amazonaws.com"));
        assert!(!is_loopback("http://10.0.0.5:5000"));
    }

    #[test]
    fn strips_only_an_account_label() {
        assert_eq!(
            strip_account_label("http://123456789012.127.0.0.1:5000/v20180820/configuration/publicAccessBlock")
                .as_deref(),
            Some("http://127.0.0.1:5000/v20180820/configuration/publicAccessBlock")
        );
        assert_eq!(strip_account_label("http://127.0.0.1:5000/x"), None);
        assert_eq!(strip_account_label("https://s3-control.us-east-1.amazonaws.com/"), None);
    }
}
