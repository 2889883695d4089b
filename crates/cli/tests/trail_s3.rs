//! `nextgap trail s3://bucket/prefix` end to end, against a moto S3 on loopback: the findings
//! are those of the same objects read from a local folder, with `file` = `s3://bucket/key`;
//! `--since` prunes the other day; a missing bucket is an error naming it.
//! The moto harness (where moto is found, what happens without it) is in `common/mod.rs`.

#![cfg(feature = "aws")]

mod common;

use aws_sdk_s3::primitives::ByteStream;
use common::{block_on, json_of, nextgap, Moto, FAKE_KEY};
use serde_json::Value;
use std::io::Write;
use std::path::PathBuf;

const BUCKET: &str = "nextgap-trail-logs";
const DAY_14: &str = "AWSLogs/111122223333/CloudTrail/eu-west-1/2026/03/14";
const DAY_10: &str = "AWSLogs/111122223333/CloudTrail/eu-west-1/2026/03/10";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

/// The objects: the example's six files on 2026-03-14, one file with a `StopLogging` on
/// 2026-03-10, and a digest file (never read).
fn objects() -> Vec<(String, Vec<u8>)> {
    let example = repo().join("examples/cloudtrail").join(DAY_14);
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&example)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| (format!("{DAY_14}/{}", p.file_name().unwrap().to_string_lossy()), std::fs::read(&p).unwrap()))
        .collect();
    assert_eq!(out.len(), 6);
    let stop = serde_json::json!({"Records": [{
        "eventVersion": "1.09",
        "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/mallory",
                         "accountId": "111122223333", "userName": "mallory"},
        "eventTime": "2026-03-10T12:00:00Z", "eventSource": "cloudtrail.amazonaws.com", "eventName": "StopLogging",
        "awsRegion": "eu-west-1", "sourceIPAddress": "198.51.100.99", "userAgent": "aws-cli/2.15.30",
        "requestParameters": {"name": "day-10-trail"}, "responseElements": null, "eventID": "d10",
        "eventType": "AwsApiCall", "recipientAccountId": "111122223333"
    }]});
    out.push((
        format!("{DAY_10}/111122223333_CloudTrail_eu-west-1_20260310T1205Z_d10d10d10d10d10d.json.gz"),
        gz(stop.to_string().as_bytes()),
    ));
    out.push((
        "AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/2026/03/14/111122223333_CloudTrail-Digest_eu-west-1_org-trail_eu-west-1_20260314T130500Z.json.gz".into(),
        gz(br#"{"awsAccountId":"111122223333","digestStartTime":"2026-03-14T12:05:00Z"}"#),
    ));
    out
}

fn seed(moto: &Moto, objects: &[(String, Vec<u8>)]) {
    let config = aws_sdk_s3::Config::builder()
        .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
        .region(aws_sdk_s3::config::Region::new("us-east-1"))
        .endpoint_url(moto.endpoint())
        .credentials_provider(aws_sdk_s3::config::Credentials::new(FAKE_KEY, FAKE_KEY, None, None, "nextgap-tests"))
        .force_path_style(true)
        .build();
    let client = aws_sdk_s3::Client::from_conf(config);
    block_on(async {
        client.create_bucket().bucket(BUCKET).send().await.expect("create bucket");
        for (key, body) in objects {
            client
                .put_object()
                .bucket(BUCKET)
                .key(key)
                .body(ByteStream::from(body.clone()))
                .send()
                .await
                .unwrap_or_else(|e| panic!("put {key}: {e:?}"));
        }
    });
}

/// The findings with every `file` made relative (`s3://bucket/` dropped), sorted, for
/// comparing a run on S3 with one on a local copy.
fn normalized(report: &Value) -> Vec<Value> {
    let prefix = format!("s3://{BUCKET}/");
    let mut findings = report["findings"].as_array().unwrap().clone();
    for f in &mut findings {
        let strip = |v: &mut Value| {
            if let Some(s) = v.as_str() {
                *v = Value::String(s.strip_prefix(&prefix).unwrap_or(s).to_string());
            }
        };
        strip(&mut f["location"]["file"]);
        for e in f["events"].as_array_mut().unwrap() {
            strip(&mut e["file"]);
        }
        f.as_object_mut().unwrap().remove("fingerprint");
    }
    findings.sort_by_key(|f| f.to_string());
    findings
}

fn pairs(report: &Value) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule_id"].as_str().unwrap().into(), f["location"]["logical_id"].as_str().unwrap().into()))
        .collect();
    v.sort();
    v
}

#[test]
fn trail_reads_s3_like_a_local_folder() {
    let Some(moto) = Moto::start("the S3 trail tests", &[]) else { return };
    let objects = objects();
    seed(&moto, &objects);
    let local = tempfile::tempdir().unwrap();
    for (key, body) in &objects {
        let path = local.path().join(key);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, body).unwrap();
    }
    let dir = local.path();
    let s3 = |args: &[&str]| nextgap(&moto, args, dir);

    // The whole bucket, and the same objects from the folder.
    let out = s3(&["trail", &format!("s3://{BUCKET}"), "-f", "json", "--no-config"]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let remote = json_of(&out);
    let out = s3(&["trail", "AWSLogs", "-f", "json", "--no-config"]);
    assert_eq!(out.status.code(), Some(1));
    let folder = json_of(&out);
    assert_eq!(remote["errors"], serde_json::json!([]));
    assert_eq!(remote["summary"]["files_scanned"], 7, "the digest is not read");
    assert_eq!(remote["summary"]["events"], 27);
    assert_eq!(pairs(&remote).len(), 18);
    assert!(pairs(&remote).contains(&("NG-TRAIL-359".into(), "day-10-trail".into())));
    assert_eq!(normalized(&remote), normalized(&folder));
    for f in remote["findings"].as_array().unwrap() {
        let file = f["location"]["file"].as_str().unwrap();
        assert!(
            file.starts_with(&format!("s3://{BUCKET}/AWSLogs/111122223333/CloudTrail/eu-west-1/2026/03/")),
            "{file}"
        );
        for e in f["events"].as_array().unwrap() {
            let file = e["file"].as_str().unwrap();
            assert!(objects.iter().any(|(k, _)| file == format!("s3://{BUCKET}/{k}")), "{file}");
        }
    }

    // --since prunes the other day: the example's findings only.
    let out = s3(&["trail", &format!("s3://{BUCKET}/AWSLogs/"), "-f", "json", "--no-config", "--since", "2026-03-14"]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let since = json_of(&out);
    assert_eq!(since["summary"]["files_scanned"], 6);
    // The 2026/03/10 folder, never listed.
    assert_eq!(since["summary"]["files_skipped"], 1, "{}", since["summary"]);
    assert_eq!(pairs(&since).len(), 17);
    assert!(!pairs(&since).iter().any(|p| p.1 == "day-10-trail"));
    let local_since = json_of(&s3(&["trail", "AWSLogs", "-f", "json", "--no-config", "--since", "2026-03-14"]));
    assert_eq!(normalized(&since), normalized(&local_since));
    assert_eq!(local_since["summary"]["files_skipped"], 1);

    // Only the day before: one file, one finding; nothing in range is no error.
    let out = s3(&["trail", &format!("s3://{BUCKET}/AWSLogs/"), "-f", "json", "--no-config", "--until", "2026-03-12"]);
    let until = json_of(&out);
    assert_eq!(pairs(&until), vec![("NG-TRAIL-359".to_string(), "day-10-trail".to_string())]);
    assert_eq!(until["summary"]["files_scanned"], 1);
    let out = s3(&["trail", &format!("s3://{BUCKET}/AWSLogs/"), "--no-config", "--since", "2027-01-01"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));

    // Overlapping prefixes: each object is read once.
    let out = s3(&[
        "trail",
        &format!("s3://{BUCKET}"),
        &format!("s3://{BUCKET}/AWSLogs/111122223333/"),
        "-f",
        "json",
        "--no-config",
    ]);
    let twice = json_of(&out);
    assert_eq!(twice["summary"]["files_scanned"], 7);
    assert_eq!(normalized(&twice), normalized(&remote));

    // JSON Lines, streamed from S3.
    let out = s3(&["trail", &format!("s3://{BUCKET}"), "-f", "jsonl", "--no-config"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 18);

    // A missing bucket: an error naming it.
    let out = s3(&["trail", "s3://nextgap-no-such-bucket/AWSLogs/", "--no-config"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("nextgap-no-such-bucket"), "{stderr}");
    assert!(out.stdout.is_empty());
    // A prefix with nothing under it names nothing to read.
    let out = s3(&["trail", &format!("s3://{BUCKET}/no/such/prefix/"), "--no-config"]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    // A bad URL.
    let out = s3(&["trail", "s3://", "--no-config"]);
    assert_eq!(out.status.code(), Some(2));
}

/// A truncated object is an error naming `s3://bucket/key`; what came before the break is read.
#[test]
fn a_broken_object_is_an_error_naming_its_key() {
    let Some(moto) = Moto::start("the S3 trail tests", &[]) else { return };
    let body = serde_json::json!({"Records": (0..3000).map(|i| serde_json::json!({
        "eventVersion": "1.09", "eventSource": "cloudtrail.amazonaws.com",
        "eventName": if i == 0 { "StopLogging" } else { "DescribeTrails" },
        "eventTime": "2026-03-14T12:00:00Z", "eventID": format!("e{i}"),
        "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/mallory", "accountId": "111122223333"},
        "requestParameters": {"name": "cut-trail", "pad": format!("{:x}", (i as u64 + 1).wrapping_mul(0x9e3779b97f4a7c15))}
    })).collect::<Vec<_>>()});
    let full = gz(body.to_string().as_bytes());
    let key = format!("cut/{DAY_14}/111122223333_CloudTrail_eu-west-1_20260314T1205Z_cutcutcutcutcutc.json.gz");
    seed(&moto, &[(key.clone(), full[..full.len() / 2].to_vec())]);
    let dir = tempfile::tempdir().unwrap();
    let out = nextgap(&moto, &["trail", &format!("s3://{BUCKET}/cut/"), "-f", "json", "--no-config"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let report = json_of(&out);
    assert_eq!(pairs(&report), vec![("NG-TRAIL-359".to_string(), "cut-trail".to_string())]);
    assert_eq!(report["findings"][0]["events"][0]["file"], format!("s3://{BUCKET}/{key}"));
    let errors = report["errors"].as_array().unwrap();
    assert!(!errors.is_empty());
    assert!(errors.iter().all(|e| e["file"] == format!("s3://{BUCKET}/{key}")), "{errors:?}");
    assert!(errors.iter().any(|e| e["message"].as_str().unwrap().contains("truncated")), "{errors:?}");
}
