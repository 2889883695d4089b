//! Test harness: a `moto_server` on 127.0.0.1 (free port, own process group, stopped on drop),
//! reset between cases, and SDK clients with fake credentials for seeding.
//!
//! moto is found at `$NEXTGAP_MOTO_SERVER` or in the venv `scripts/setup-test-env` makes
//! (`${XDG_CACHE_HOME:-$HOME/.cache}/nextgap-venv`). Without it the tests fail in CI (`CI`
//! set) and otherwise print a notice and pass.

#![allow(dead_code)]

pub mod seed;
pub mod stub;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use nextgap_source_aws::Credentials;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const ACCOUNT: &str = "123456789012";
pub const REGION: &str = "us-east-1";

pub struct Moto {
    child: Child,
    pub port: u16,
    pub log: PathBuf,
}

fn moto_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("NEXTGAP_MOTO_SERVER") {
        return Some(PathBuf::from(p)).filter(|p| p.exists());
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(cache.join("nextgap-venv/bin/moto_server")).filter(|p| p.exists())
}

impl Moto {
    /// Starts moto, or `None` (with a notice) when it is not installed outside CI.
    pub fn start() -> Option<Moto> {
        let Some(server) = moto_path() else {
            let message = "moto_server not found: run scripts/setup-test-env (or set NEXTGAP_MOTO_SERVER)";
            if std::env::var_os("CI").is_some() {
                panic!("{message}");
            }
            eprintln!("notice: {message}; skipping the live-account tests");
            return None;
        };
        let port = free_port();
        let log = std::env::temp_dir().join(format!("nextgap-moto-{}-{port}.log", std::process::id()));
        let log_file = std::fs::File::create(&log).expect("moto log file");
        let child = Command::new(&server)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .env("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
            .env("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().expect("log"))
            .stderr(log_file)
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", server.display()));
        let moto = Moto { child, port, log };
        moto.wait_until_ready();
        Some(moto)
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn wait_until_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if self
                .http("GET", "/moto-api/")
                .is_some_and(|r| r.starts_with("HTTP/1.1 200") || r.starts_with("HTTP/1.0 200"))
            {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        panic!("moto_server did not answer on port {} within 60 s:\n{log}", self.port);
    }

    /// Forgets every resource (`POST /moto-api/reset`).
    pub fn reset(&self) {
        let answer = self.http("POST", "/moto-api/reset").unwrap_or_default();
        assert!(answer.contains(" 200 "), "moto reset failed: {answer}");
    }

    /// A minimal HTTP/1.0 exchange with moto on loopback.
    fn http(&self, method: &str, path: &str) -> Option<String> {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
        stream.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
        let request = format!("{method} {path} HTTP/1.0\r\nHost: 127.0.0.1:{}\r\nContent-Length: 0\r\n\r\n", self.port);
        stream.write_all(request.as_bytes()).ok()?;
        let mut answer = String::new();
        stream.read_to_string(&mut answer).ok()?;
        Some(answer)
    }

    /// SDK configuration for seeding: fake credentials, this endpoint, us-east-1.
    pub async fn config(&self) -> SdkConfig {
        config_with(&self.endpoint(), fake_credentials()).await
    }

    /// The same, as another account (moto maps assumed-role credentials to the role's account).
    pub async fn config_as(&self, account: &str) -> SdkConfig {
        let sts = aws_sdk_sts::Client::new(&self.config().await);
        let out = sts
            .assume_role()
            .role_arn(format!("arn:aws:iam::{account}:role/seed"))
            .role_session_name("seed")
            .send()
            .await
            .expect("assume role for seeding");
        let c = out.credentials().expect("credentials");
        let credentials = Credentials::new(
            c.access_key_id(),
            c.secret_access_key(),
            Some(c.session_token().to_string()),
            None,
            "seed",
        );
        config_with(&self.endpoint(), credentials).await
    }
}

impl Drop for Moto {
    /// moto forks: stop the whole process group, then reap the child.
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = Command::new("kill").args(["-KILL", "--", &group]).stderr(Stdio::null()).status();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind a free port");
    listener.local_addr().expect("local addr").port()
}

pub fn fake_credentials() -> Credentials {
    Credentials::new("testing", "testing", Some("testing".to_string()), None, "nextgap-tests")
}

pub async fn config_with(endpoint: &str, credentials: Credentials) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(REGION))
        .endpoint_url(endpoint)
        .credentials_provider(credentials)
        .load()
        .await
}

pub fn s3(config: &SdkConfig) -> aws_sdk_s3::Client {
    aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(config).force_path_style(true).build())
}

/// s3control through the same host rewrite the collector uses.
pub fn s3control(config: &SdkConfig) -> aws_sdk_s3control::Client {
    aws_sdk_s3control::Client::from_conf(
        aws_sdk_s3control::config::Builder::from(config).interceptor(nextgap_source_aws::StripAccountHost).build(),
    )
}

/// Options for collecting from this moto.
pub fn options(moto: &Moto) -> nextgap_source_aws::CollectOptions {
    nextgap_source_aws::CollectOptions {
        regions: vec![REGION.to_string()],
        endpoint_url: Some(moto.endpoint()),
        now: Some("2026-11-23T00:00:00Z".to_string()),
        concurrency: 8,
        ..Default::default()
    }
}

pub async fn collect(opts: &nextgap_source_aws::CollectOptions) -> nextgap_snapshot::Snapshot {
    nextgap_source_aws::collect_with_credentials(
        opts,
        fake_credentials(),
        std::sync::Arc::new(nextgap_source_aws::NoProgress),
    )
    .await
    .expect("collect")
}
