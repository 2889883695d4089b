//! `nextgap audit`: inputs, bad files, the clock, exit codes.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn nextgap(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nextgap")).args(args).current_dir(dir).output().expect("run nextgap")
}

const SNAPSHOT: &str = r#"{"schema_version":"1","tool":"test","accounts":[{"account":{"account_id":"111122223333","partition":"aws","collected_at":"2026-11-23T00:00:00Z","regions":["us-east-1"]},"resources":[],"unavailable":[]}]}"#;

#[test]
fn bad_inputs_are_reported_and_the_rest_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.json"), SNAPSHOT).unwrap();
    std::fs::write(dir.path().join("other.json"), r#"{"hello": 1}"#).unwrap();
    std::fs::write(dir.path().join("cut.json.gz"), [0x1f, 0x8b, 0x08, 0x00, 0x01]).unwrap();
    let out =
        nextgap(&["audit", "good.json", "other.json", "cut.json.gz", "--format", "json", "--no-config"], dir.path());
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let files: Vec<&str> = report["errors"].as_array().unwrap().iter().map(|e| e["file"].as_str().unwrap()).collect();
    assert_eq!(files, ["cut.json.gz", "other.json"]);
    assert!(report["errors"][0]["message"].as_str().unwrap().contains("gzip"));
    assert_eq!(report["summary"]["files_scanned"], 1);
    assert_ne!(out.status.code(), Some(2));
}

#[test]
fn nothing_auditable_exits_2_and_bad_clock_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("other.json"), r#"{"hello": 1}"#).unwrap();
    assert_eq!(nextgap(&["audit", "other.json", "--no-config"], dir.path()).status.code(), Some(2));
    std::fs::write(dir.path().join("good.json"), SNAPSHOT).unwrap();
    let out = nextgap(&["audit", "good.json", "--now", "yesterday", "--no-config"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("RFC 3339"));
}

/// A volume whose newest snapshot is 30 hours old: stale at the default 24 h RPO, fresh at 48 h
/// (flag or `[live] rpo-hours`), and judged against `--now`.
#[test]
fn recovery_point_objective_is_configurable() {
    let dir = tempfile::tempdir().unwrap();
    let snapshot = r#"{"schema_version":"1","tool":"test","accounts":[{"account":{"account_id":"111122223333","partition":"aws","collected_at":"2026-11-23T12:00:00Z","regions":["us-east-1"]},
      "resources":[
        {"type":"AWS::EC2::Volume","arn":"arn:aws:ec2:us-east-1:111122223333:volume/vol-1","properties":{"VolumeId":"vol-1","Encrypted":true,"Size":8}},
        {"type":"AWS::EC2::Snapshot","arn":"arn:aws:ec2:us-east-1:111122223333:snapshot/snap-1","properties":{"SnapshotId":"snap-1","VolumeId":"vol-1","VolumeSize":8,"StartTime":"2026-11-22T06:00:00Z","State":"completed","Encrypted":true,"Public":false}}
      ],"unavailable":[]}]}"#;
    std::fs::write(dir.path().join("s.json"), snapshot).unwrap();
    let status = |extra: &[&str]| {
        let mut args = vec!["audit", "s.json", "--format", "json", "--rule", "NG-EC2-292", "--fail-on", "never"];
        args.extend_from_slice(extra);
        let out = nextgap(&args, dir.path());
        let report: Value =
            serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
        report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["resource"] == "arn:aws:ec2:us-east-1:111122223333:volume/vol-1")
            .map(|c| c["status"].as_str().unwrap().to_string())
            .unwrap()
    };
    assert_eq!(status(&["--no-config"]), "FAIL");
    assert_eq!(status(&["--no-config", "--rpo-hours", "48"]), "PASS");
    assert_eq!(status(&["--no-config", "--now", "2026-11-22T12:00:00Z"]), "PASS");
    std::fs::write(dir.path().join("nextgap.toml"), "[live]\nrpo-hours = 48\n").unwrap();
    assert_eq!(status(&[]), "PASS");
}

/// The bundled account snapshot (recorded from the emulator seeded with the benchmark's
/// insecure account): every (status, rule, resource), as a reviewed snapshot.
#[test]
fn bundled_account_snapshot_verdicts() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = nextgap(&["audit", "examples/insecure-account.json", "--format", "json", "--no-config"], &repo);
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut lines: Vec<String> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] != "PASS")
        .map(|c| {
            format!(
                "{} {} {}",
                c["status"].as_str().unwrap(),
                c["rule_id"].as_str().unwrap(),
                c["resource"].as_str().unwrap()
            )
        })
        .collect();
    lines.sort();
    lines.dedup();
    insta::assert_snapshot!(lines.join("\n"));
}
