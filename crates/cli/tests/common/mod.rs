//! A `moto_server` on loopback for the tests that read AWS through the SDK (`trail_s3.rs`,
//! `wargame_live.rs`), and `nextgap` run against it alone.
//!
//! moto is found at `$NEXTGAP_MOTO_SERVER` or in the venv `scripts/setup-test-env` makes
//! (`${XDG_CACHE_HOME:-$HOME/.cache}/nextgap-venv`). Without it a test fails in CI (`CI`
//! set) and otherwise prints a notice and passes. The binary only ever talks to
//! `127.0.0.1`, with fake credentials, and reads no AWS configuration of the machine.

use serde_json::Value;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The fake access key id and secret the SDK clients and `nextgap` sign with.
pub const FAKE_KEY: &str = "testing";

/// A `moto_server` on 127.0.0.1 (free port, own process group, stopped on drop).
pub struct Moto {
    child: Child,
    port: u16,
    log: PathBuf,
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
    /// Starts moto with `env` added to its environment; `None` (after a notice naming the
    /// `skipped` tests) when moto is not installed outside CI.
    pub fn start(skipped: &str, env: &[(&str, &str)]) -> Option<Moto> {
        let Some(server) = moto_path() else {
            let message = "moto_server not found: run scripts/setup-test-env (or set NEXTGAP_MOTO_SERVER)";
            if std::env::var_os("CI").is_some() {
                panic!("{message}");
            }
            eprintln!("notice: {message}; skipping {skipped}");
            return None;
        };
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap().local_addr().unwrap().port();
        let log = std::env::temp_dir().join(format!("nextgap-moto-{}-{port}.log", std::process::id()));
        let log_file = std::fs::File::create(&log).expect("moto log file");
        let child = Command::new(&server)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .envs(env.iter().copied())
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
            if self.get("/moto-api/").is_some_and(|r| r.starts_with("HTTP/1.1 200") || r.starts_with("HTTP/1.0 200")) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        panic!("moto_server did not answer on port {} within 60 s:\n{log}", self.port);
    }

    fn get(&self, path: &str) -> Option<String> {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
        stream.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
        let request = format!("GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{}\r\n\r\n", self.port);
        stream.write_all(request.as_bytes()).ok()?;
        let mut answer = String::new();
        stream.read_to_string(&mut answer).ok()?;
        Some(answer)
    }
}

impl Drop for Moto {
    /// moto forks: stop its whole process group, then reap the child.
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

/// Runs the seeding calls of a test on a small runtime of its own.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    runtime.block_on(future)
}

/// `nextgap` with only this moto to talk to: every inherited `AWS_*` variable (and proxy) is
/// dropped, the configuration files point nowhere, and the credentials are fake.
pub fn nextgap(moto: &Moto, args: &[&str], dir: &Path) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_nextgap"));
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy().to_string();
        if key.starts_with("AWS_") || key.to_ascii_lowercase().ends_with("_proxy") {
            cmd.env_remove(key);
        }
    }
    let nowhere = dir.join("no-such-aws-config");
    cmd.args(args)
        .current_dir(dir)
        .env("AWS_ENDPOINT_URL", moto.endpoint())
        .env("AWS_ACCESS_KEY_ID", FAKE_KEY)
        .env("AWS_SECRET_ACCESS_KEY", FAKE_KEY)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", &nowhere)
        .env("AWS_SHARED_CREDENTIALS_FILE", &nowhere)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("NO_PROXY", "127.0.0.1")
        .output()
        .expect("run nextgap")
}

pub fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}
