//! CloudTrail logs read from S3 on moto: listing with date pruning over the `AWSLogs/` layout
//! (and the fallbacks beside it), streaming downloads, and errors that name the bucket.

mod common;

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use chrono::NaiveDate;
use common::*;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use nextgap_source_aws::trail_s3::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const BUCKET: &str = "trail-logs";
const A: &str = "111111111111";
const B: &str = "222222222222";
const ORG_MEMBER: &str = "333333333333";
const ORG: &str = "o-abcdef1234";
const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];
const DAYS: [(&str, &str, &str); 4] =
    [("2024", "12", "30"), ("2024", "12", "31"), ("2025", "01", "01"), ("2025", "01", "02")];
/// The object downloaded in `downloads_stream_the_stored_bytes`.
const BIG: &str =
    "AWSLogs/111111111111/CloudTrail/us-east-1/2025/01/01/111111111111_CloudTrail_us-east-1_20250101T1205Z_big.json.gz";
/// The one uncompressed log.
const PLAIN: &str =
    "AWSLogs/222222222222/CloudTrail/eu-west-1/2025/01/01/222222222222_CloudTrail_eu-west-1_20250101T1205Z_plain.json";

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn log_key(base: &str, account: &str, region: &str, (y, m, d): (&str, &str, &str), tag: &str) -> String {
    format!(
        "{base}{account}/CloudTrail/{region}/{y}/{m}/{d}/{account}_CloudTrail_{region}_{y}{m}{d}T1205Z_{tag}.json.gz"
    )
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

fn records(id: &str) -> Vec<u8> {
    format!(r#"{{"Records":[{{"eventVersion":"1.08","eventID":"{id}","eventName":"ListBuckets"}}]}}"#).into_bytes()
}

/// A log of many records that barely compress (several network chunks once gzipped).
fn big_log() -> Vec<u8> {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut out = String::from(r#"{"Records":["#);
    for i in 0..20_000 {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        if i > 0 {
            out.push(',');
        }
        out.push_str(&format!(r#"{{"eventID":"{state:016x}-{i}","eventName":"GetObject","n":{}}}"#, state >> 7));
    }
    out.push_str("]}");
    out.into_bytes()
}

/// Every key seeded; `(key, body as stored)`.
fn objects() -> Vec<(String, Vec<u8>)> {
    let mut all = vec![];
    for account in [A, B] {
        for region in REGIONS {
            for day in DAYS {
                let key = log_key("AWSLogs/", account, region, day, "abc");
                all.push((key.clone(), gzip(&records(&key))));
            }
        }
    }
    all.push((log_key("AWSLogs/", A, "us-east-1", ("2023", "06", "15"), "old"), gzip(&records("old"))));
    all.push((BIG.to_string(), gzip(&big_log())));
    all.push((PLAIN.to_string(), records("plain")));
    let org = format!("org/AWSLogs/{ORG}/");
    for day in [("2025", "01", "01"), ("2025", "02", "01")] {
        all.push((log_key(&org, ORG_MEMBER, "us-east-1", day, "org"), gzip(&records("org"))));
    }
    for key in ["exports/2024/12/30/dump.json", "exports/2025/01/01/dump.json", "exports/undated.json"] {
        all.push((key.to_string(), records(key)));
    }
    // Not logs: a digest, Insights, another service, a note, a folder marker.
    for key in [
        "AWSLogs/111111111111/CloudTrail-Digest/us-east-1/2025/01/01/111111111111_CloudTrail-Digest_us-east-1_t_us-east-1_20250101T120500Z.json.gz",
        "AWSLogs/111111111111/CloudTrail-Insight/us-east-1/2025/01/01/111111111111_CloudTrail-Insight_us-east-1_20250101T1205Z_i.json.gz",
        "AWSLogs/111111111111/elasticloadbalancing/us-east-1/2025/01/01/lb.json",
        "AWSLogs/111111111111/CloudTrail/us-east-1/2025/01/01/notes.txt",
        "AWSLogs/111111111111/CloudTrail/us-east-1/2025/01/01/",
    ] {
        all.push((key.to_string(), b"{}".to_vec()));
    }
    all
}

async fn seed(moto: &Moto) -> Vec<(String, Vec<u8>)> {
    let s3 = s3(&moto.config().await);
    s3.create_bucket().bucket(BUCKET).send().await.unwrap();
    let all = objects();
    for (key, body) in &all {
        s3.put_object().bucket(BUCKET).key(key).body(body.clone().into()).send().await.unwrap();
    }
    all
}

/// Records every request the client sends.
#[derive(Clone, Debug, Default)]
struct Recorder(Arc<Mutex<Vec<String>>>);

impl Intercept for Recorder {
    fn name(&self) -> &'static str {
        "Recorder"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.lock().unwrap().push(context.request().uri().to_string());
        Ok(())
    }
}

/// A ListObjectsV2 request: its prefix and whether it used the delimiter.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Listed {
    prefix: String,
    delimited: bool,
}

impl Recorder {
    fn listings(&self) -> Vec<Listed> {
        let mut out: Vec<Listed> = self
            .0
            .lock()
            .unwrap()
            .iter()
            .filter_map(|uri| {
                let query = uri.split_once('?')?.1;
                let pairs: Vec<(String, String)> = query
                    .split('&')
                    .map(|p| {
                        let (k, v) = p.split_once('=').unwrap_or((p, ""));
                        (k.to_string(), percent_decode(v))
                    })
                    .collect();
                let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
                (get("list-type").as_deref() == Some("2")).then(|| Listed {
                    prefix: get("prefix").unwrap_or_default(),
                    delimited: get("delimiter").as_deref() == Some("/"),
                })
            })
            .collect();
        out.sort();
        out
    }

    fn clear(&self) {
        self.0.lock().unwrap().clear();
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = vec![];
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(if b[i] == b'+' { b' ' } else { b[i] });
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

async fn client(endpoint: &str) -> aws_sdk_s3::Client {
    trail_s3_client_with(&TrailClientOptions {
        region: Some(REGION.to_string()),
        endpoint_url: Some(endpoint.to_string()),
        credentials: Some(fake_credentials()),
        ..Default::default()
    })
    .await
    .unwrap()
}

async fn recording_client(moto: &Moto) -> (aws_sdk_s3::Client, Recorder) {
    let recorder = Recorder::default();
    let base = client(&moto.endpoint()).await;
    let conf = base.config().to_builder().interceptor(recorder.clone()).build();
    (aws_sdk_s3::Client::from_conf(conf), recorder)
}

fn keys(listing: &TrailListing) -> Vec<&str> {
    listing.objects.iter().map(|o| o.key.as_str()).collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn loc(prefix: &str) -> S3Location {
    S3Location { bucket: BUCKET.to_string(), prefix: prefix.to_string() }
}

/// The seeded log keys (what a listing may return) on these days.
fn logs_on(seeded: &[(String, Vec<u8>)], days: &[&str]) -> Vec<String> {
    let all: Vec<String> = seeded
        .iter()
        .map(|(k, _)| k.clone())
        .filter(|k| {
            !k.ends_with('/')
                && !k.contains("Digest")
                && !k.contains("Insight")
                && !k.contains("elasticloadbalancing")
                && !k.ends_with(".txt")
        })
        .filter(|k| k.contains("undated") || days.iter().any(|d| k.contains(&d.replace('-', "/"))))
        .collect();
    sorted(all)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_logs_and_prunes_days_out_of_range() {
    let Some(moto) = Moto::start() else { return };
    let seeded = seed(&moto).await;
    let (s3, recorder) = recording_client(&moto).await;

    // Everything: one plain listing.
    let all = list_trail_objects(&s3, &loc(""), None, None).await.unwrap();
    let every_day = ["2023-06-15", "2024-12-30", "2024-12-31", "2025-01-01", "2025-01-02", "2025-02-01"];
    assert_eq!(keys(&all), logs_on(&seeded, &every_day));
    assert_eq!(all.objects.len(), 24);
    assert_eq!((all.pruned, all.pruned_prefixes, all.list_calls), (0, 0, 1));
    assert_eq!(recorder.listings(), vec![Listed { prefix: String::new(), delimited: false }]);
    let big = all.objects.iter().find(|o| o.key == BIG).unwrap();
    assert_eq!(big.size, seeded.iter().find(|(k, _)| k == BIG).unwrap().1.len() as u64);
    recorder.clear();

    // Two days across a year boundary, from the bucket root.
    let listing = list_trail_objects(&s3, &loc(""), Some(date("2024-12-31")), Some(date("2025-01-01"))).await.unwrap();
    assert_eq!(keys(&listing), logs_on(&seeded, &["2024-12-31", "2025-01-01"]));
    // 8 layout logs, BIG, PLAIN, the org's, exports/2025/01/01/dump.json, exports/undated.json.
    assert_eq!(listing.objects.len(), 2 * 2 * 2 + 5);
    // exports/2024/12/30/dump.json, listed in the fallback and dropped by its date.
    assert_eq!(listing.pruned, 1);
    // Per account and region 2024/12/30 and 2025/01/02; A's us-east-1 2023; the org's 2025/02.
    assert_eq!(listing.pruned_prefixes, 2 * 2 * 2 + 1 + 1);
    let listed = recorder.listings();
    assert_eq!(listing.list_calls, listed.len());
    for l in &listed {
        for out_of_range in ["/2024/12/30/", "/2025/01/02/", "/2023/", "/2025/02/", "Digest", "Insight", "elasticload"]
        {
            assert!(!l.prefix.contains(out_of_range), "listed {l:?}");
        }
    }
    let flat: Vec<&str> = listed.iter().filter(|l| !l.delimited).map(|l| l.prefix.as_str()).collect();
    let mut expected_flat: Vec<String> = vec![];
    for account in [A, B] {
        for region in REGIONS {
            for day in ["2024/12/31", "2025/01/01"] {
                expected_flat.push(format!("AWSLogs/{account}/CloudTrail/{region}/{day}/"));
            }
        }
    }
    expected_flat.push(format!("org/AWSLogs/{ORG}/{ORG_MEMBER}/CloudTrail/us-east-1/2025/01/01/"));
    expected_flat.extend(["exports/2024/12/".to_string(), "exports/2025/01/".to_string()]);
    assert_eq!(flat, sorted(expected_flat));
    let delimited: Vec<&str> = listed.iter().filter(|l| l.delimited).map(|l| l.prefix.as_str()).collect();
    assert!(delimited.contains(&"AWSLogs/111111111111/"), "{delimited:?}");
    assert!(delimited.contains(&"AWSLogs/111111111111/CloudTrail/us-east-1/2024/"), "{delimited:?}");
    assert!(delimited.contains(&"org/AWSLogs/o-abcdef1234/333333333333/CloudTrail/us-east-1/2025/"), "{delimited:?}");
    recorder.clear();

    // Inside the layout, since only: the whole of 2024 is skipped.
    let prefix = format!("AWSLogs/{A}/CloudTrail/eu-west-1/");
    let listing = list_trail_objects(&s3, &loc(&prefix), Some(date("2025-01-01")), None).await.unwrap();
    assert_eq!(
        keys(&listing),
        vec![
            log_key("AWSLogs/", A, "eu-west-1", ("2025", "01", "01"), "abc"),
            log_key("AWSLogs/", A, "eu-west-1", ("2025", "01", "02"), "abc"),
        ]
    );
    assert_eq!((listing.pruned, listing.pruned_prefixes), (0, 1));
    assert!(recorder.listings().iter().all(|l| !l.prefix.contains("/2024/")));
    assert_eq!(
        recorder.listings(),
        vec![
            Listed { prefix: prefix.clone(), delimited: true },
            Listed { prefix: format!("{prefix}2025/"), delimited: true },
            Listed { prefix: format!("{prefix}2025/01/"), delimited: true },
            Listed { prefix: format!("{prefix}2025/01/01/"), delimited: false },
            Listed { prefix: format!("{prefix}2025/01/02/"), delimited: false },
        ]
    );
    recorder.clear();

    // A partial prefix, until only: B's December days.
    let listing = list_trail_objects(&s3, &loc("AWSLogs/2"), None, Some(date("2024-12-31"))).await.unwrap();
    let mut expected = vec![];
    for region in REGIONS {
        for day in [DAYS[0], DAYS[1]] {
            expected.push(log_key("AWSLogs/", B, region, day, "abc"));
        }
    }
    assert_eq!(keys(&listing), sorted(expected));
    assert_eq!((listing.pruned, listing.pruned_prefixes), (0, 2));
    assert!(recorder.listings().iter().all(|l| !l.prefix.contains("2025/") && !l.prefix.contains(A)));
    recorder.clear();

    // An organization trail.
    let prefix = format!("org/AWSLogs/{ORG}/");
    let listing = list_trail_objects(&s3, &loc(&prefix), Some(date("2025-02-01")), None).await.unwrap();
    assert_eq!(keys(&listing), vec![log_key(&prefix, ORG_MEMBER, "us-east-1", ("2025", "02", "01"), "org")]);
    assert_eq!((listing.pruned, listing.pruned_prefixes), (0, 1));

    // A day folder out of range given directly: nothing is listed.
    recorder.clear();
    let day = format!("AWSLogs/{A}/CloudTrail/us-east-1/2024/12/30/");
    let listing = list_trail_objects(&s3, &loc(&day), Some(date("2025-01-01")), None).await.unwrap();
    assert_eq!((listing.objects.len(), listing.pruned_prefixes, listing.list_calls), (0, 1, 0));
    assert!(recorder.listings().is_empty());

    // Outside the layout only: the fallback filters by the date in the key.
    let listing =
        list_trail_objects(&s3, &loc("exports/"), Some(date("2025-01-01")), Some(date("2025-01-01"))).await.unwrap();
    assert_eq!(keys(&listing), vec!["exports/2025/01/01/dump.json", "exports/undated.json"]);
    assert_eq!((listing.pruned, listing.pruned_prefixes), (1, 0));
}

#[test]
fn downloads_stream_the_stored_bytes() {
    let Some(moto) = Moto::start() else { return };
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let seeded = rt.block_on(seed(&moto));
    let s3 = rt.block_on(client(&moto.endpoint()));
    let stored = |key: &str| seeded.iter().find(|(k, _)| k == key).unwrap().1.clone();

    // Read from plain threads, as rayon workers would, in small reads.
    std::thread::scope(|scope| {
        let big = scope.spawn(|| {
            let mut reader = open_object(rt.handle(), &s3, BUCKET, BIG).unwrap();
            let mut raw = vec![];
            let mut buf = [0u8; 1000];
            loop {
                let n = reader.read(&mut buf).unwrap();
                if n == 0 {
                    break;
                }
                raw.extend_from_slice(&buf[..n]);
            }
            raw
        });
        let unzipped = scope.spawn(|| {
            let reader = open_object(rt.handle(), &s3, BUCKET, BIG).unwrap();
            let mut text = vec![];
            GzDecoder::new(reader).read_to_end(&mut text).unwrap();
            text
        });
        let big_raw = big.join().unwrap();
        assert!(big_raw.len() > 300_000, "{}", big_raw.len());
        assert_eq!(big_raw, stored(BIG));
        assert_eq!(unzipped.join().unwrap(), big_log());
    });
    let mut plain = vec![];
    open_object(rt.handle(), &s3, BUCKET, PLAIN).unwrap().read_to_end(&mut plain).unwrap();
    assert_eq!(plain, records("plain"));

    let err = open_object(rt.handle(), &s3, BUCKET, "AWSLogs/missing.json.gz").err().unwrap();
    assert_eq!(err.kind, TrailS3ErrorKind::NoSuchKey);
    assert!(err.to_string().contains("s3://trail-logs/AWSLogs/missing.json.gz"), "{err}");

    let err = open_object(rt.handle(), &s3, "no-such-bucket", "k.json").err().unwrap();
    assert_eq!(err.kind, TrailS3ErrorKind::NoSuchBucket, "{err}");
    assert!(err.to_string().contains("no-such-bucket"), "{err}");

    let single = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let err = open_object(single.handle(), &s3, BUCKET, BIG).err().unwrap();
    assert_eq!(err.kind, TrailS3ErrorKind::Usage);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_bucket_is_named() {
    let Some(moto) = Moto::start() else { return };
    let s3 = client(&moto.endpoint()).await;
    let missing = S3Location { bucket: "no-such-bucket".to_string(), prefix: "AWSLogs/".to_string() };
    for (since, until) in [(None, None), (Some(date("2025-01-01")), None)] {
        let err = list_trail_objects(&s3, &missing, since, until).await.unwrap_err();
        assert_eq!(err.kind, TrailS3ErrorKind::NoSuchBucket, "{err}");
        assert_eq!(err.bucket, "no-such-bucket");
        let message = err.to_string();
        assert!(message.starts_with("s3:ListObjectsV2 s3://no-such-bucket/AWSLogs/: NoSuchBucket"), "{message}");
        assert!(!message.contains("testing"), "{message}");
    }
    let err = for_bucket(&s3, "no-such-bucket").await.unwrap_err();
    assert_eq!(err.kind, TrailS3ErrorKind::NoSuchBucket, "{err}");
    assert_eq!(err.to_string(), "s3:HeadBucket s3://no-such-bucket/: NoSuchBucket: the bucket does not exist");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_follows_the_bucket_region() {
    let Some(moto) = Moto::start() else { return };
    let seeding = s3(&moto.config().await);
    seeding
        .create_bucket()
        .bucket("eu-logs")
        .create_bucket_configuration(
            aws_sdk_s3::types::CreateBucketConfiguration::builder()
                .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::EuWest1)
                .build(),
        )
        .send()
        .await
        .unwrap();
    seeding.create_bucket().bucket(BUCKET).send().await.unwrap();
    let s3 = client(&moto.endpoint()).await;
    let eu = for_bucket(&s3, "eu-logs").await.unwrap();
    assert_eq!(eu.config().region().map(|r| r.to_string()).as_deref(), Some("eu-west-1"));
    let same = for_bucket(&s3, BUCKET).await.unwrap();
    assert_eq!(same.config().region().map(|r| r.to_string()).as_deref(), Some(REGION));
}

/// The endpoint and credentials from the environment (`AWS_ENDPOINT_URL`), addressed
/// path-style: `trail-logs.127.0.0.1` would not resolve.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_endpoint_comes_from_the_environment() {
    let Some(moto) = Moto::start() else { return };
    seed(&moto).await;
    let empty = std::env::temp_dir().join(format!("nextgap-no-aws-config-{}", std::process::id()));
    std::env::set_var("AWS_CONFIG_FILE", &empty);
    std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", &empty);
    std::env::set_var("AWS_ENDPOINT_URL", moto.endpoint());
    std::env::set_var("AWS_ACCESS_KEY_ID", "testing");
    std::env::set_var("AWS_SECRET_ACCESS_KEY", "testing");
    let s3 = trail_s3_client(None, Some("us-east-1")).await.unwrap();
    let listing =
        list_trail_objects(&s3, &loc(&format!("AWSLogs/{B}/")), Some(date("2025-01-02")), None).await.unwrap();
    assert_eq!(listing.objects.len(), 2);
}

/// An S3 stand-in on loopback answering every request with one error.
struct Stub {
    port: u16,
    stop: Arc<AtomicBool>,
    hits: Arc<AtomicUsize>,
}

impl Stub {
    fn start(status: &'static str, code: &'static str, message: &'static str) -> Stub {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let hits = Arc::new(AtomicUsize::new(0));
        let (flag, count) = (stop.clone(), hits.clone());
        std::thread::spawn(move || {
            while !flag.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        count.fetch_add(1, Ordering::Relaxed);
                        answer(stream, status, code, message)
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Stub { port, stop, hits }
    }

    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Stub {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn answer(stream: TcpStream, status: &str, code: &str, message: &str) {
    stream.set_nonblocking(false).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut head = String::new();
    let mut line = String::new();
    while reader.read_line(&mut line).unwrap_or(0) > 0 {
        if line == "\r\n" {
            break;
        }
        head.push_str(&line);
        line.clear();
    }
    let body = if head.starts_with("HEAD ") {
        String::new()
    } else {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><Error><Code>{code}</Code><Message>{message}</Message><RequestId>1</RequestId></Error>"#
        )
    };
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut stream = stream;
    let _ = stream.write_all(response.as_bytes());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_denied_and_throttling_are_named() {
    let denied = Stub::start("403 Forbidden", "AccessDenied", "Access Denied");
    let s3 = client(&denied.endpoint()).await;
    let err = list_trail_objects(&s3, &loc("AWSLogs/"), None, None).await.unwrap_err();
    assert_eq!(err.kind, TrailS3ErrorKind::AccessDenied);
    assert_eq!(err.to_string(), "s3:ListObjectsV2 s3://trail-logs/AWSLogs/: AccessDenied: Access Denied");
    let err = list_trail_objects(&s3, &loc(""), Some(date("2025-01-01")), None).await.unwrap_err();
    assert_eq!(err.kind, TrailS3ErrorKind::AccessDenied);
    let err = for_bucket(&s3, BUCKET).await.unwrap_err();
    assert_eq!(err.kind, TrailS3ErrorKind::AccessDenied, "{err}");
    assert!(err.to_string().contains("s3://trail-logs/"), "{err}");
    let handle = tokio::runtime::Handle::current();
    let err = tokio::task::spawn_blocking(move || open_object(&handle, &s3, BUCKET, "k.json.gz").err().unwrap())
        .await
        .unwrap();
    assert_eq!(err.to_string(), "s3:GetObject s3://trail-logs/k.json.gz: AccessDenied: Access Denied");

    let throttled = Stub::start("503 Slow Down", "SlowDown", "Please reduce your request rate.");
    let s3 = client(&throttled.endpoint()).await;
    let err = list_trail_objects(&s3, &loc("AWSLogs/"), None, None).await.unwrap_err();
    assert_eq!(err.kind, TrailS3ErrorKind::Throttled, "{err}");
    assert_eq!(
        err.to_string(),
        "s3:ListObjectsV2 s3://trail-logs/AWSLogs/: throttled after retries: SlowDown: Please reduce your request rate."
    );
    assert_eq!(throttled.hits.load(Ordering::Relaxed), 5, "one call and four retries");
}
