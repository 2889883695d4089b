//! `nextgap iam lint`: files and directories of policies, bad files, formats and exit codes.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn nextgap(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nextgap")).args(args).current_dir(dir).output().expect("run nextgap")
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

/// `file:line:column rule logical_id` of every finding.
fn lines(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let l = &f["location"];
            format!(
                "{}:{}:{} {} {}",
                l["file"].as_str().unwrap(),
                l["line"],
                l["column"],
                f["rule_id"].as_str().unwrap(),
                l["logical_id"].as_str().unwrap()
            )
        })
        .collect()
}

const BAD: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Read",
      "Effect": "Allow",
      "Action": ["s3:GetObjekt", "s3:ListBucket"],
      "Resource": "arn:aws:s3:::reports/*"
    },
    {
      "Effect": "Allow",
      "Action": "dynamodb:GetItem",
      "Resource": "*"
    }
  ]
}
"#;

fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir_all(p.join("policies/nested")).unwrap();
    std::fs::write(p.join("policies/nested/bad.json"), BAD).unwrap();
    std::fs::write(
        p.join("policies/good.json"),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::r/*"}]}"#,
    )
    .unwrap();
    std::fs::write(p.join("policies/broken.json"), "{\"Version\": \"2012-10-17\",\n \"Statement\": [}\n").unwrap();
    std::fs::write(p.join("policies/latin1.json"), b"{\"Version\": \"2012-10-17\", \"Statement\": \"\xe9\"}").unwrap();
    std::fs::write(p.join("policies/package.json"), r#"{"name": "not-a-policy"}"#).unwrap();
    std::fs::write(p.join("policies/notes.txt"), "not read").unwrap();
    dir
}

#[test]
fn directory_of_policies() {
    let dir = fixture();
    let out = nextgap(&["iam", "lint", "policies", "--format", "json", "--no-config"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let report = json_of(&out);
    assert_eq!(
        lines(&report),
        vec!["policies/nested/bad.json:7:18 NG-IAM-371 Read", "policies/nested/bad.json:7:34 NG-IAM-372 Read",]
    );
    let errors: Vec<String> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!("{}:{}:{} {}", e["file"].as_str().unwrap(), e["line"], e["column"], e["message"].as_str().unwrap())
        })
        .collect();
    assert_eq!(
        errors,
        vec![
            "policies/broken.json:2:16 not valid JSON: expected value",
            "policies/latin1.json:1:41 not UTF-8 text (byte 40 is invalid)",
        ]
    );
    assert_eq!(report["summary"]["files_scanned"], 2);
    assert_eq!(report["skipped"][0]["file"], "policies/package.json");
}

#[test]
fn resource_star_rule_is_opt_in() {
    let dir = fixture();
    let file = "policies/nested/bad.json";
    let out = nextgap(&["iam", "lint", file, "--format", "json", "--no-config", "--rule", "NG-IAM-373"], dir.path());
    assert_eq!(lines(&json_of(&out)), vec!["policies/nested/bad.json:12:17 NG-IAM-373 Statement[1]"]);
    std::fs::write(dir.path().join("nextgap.toml"), "[rules]\nenable = [\"iam-policy-resource-star-supported\"]\n")
        .unwrap();
    let out = nextgap(&["iam", "lint", file, "--format", "json"], dir.path());
    assert_eq!(json_of(&out)["summary"]["findings"], 3);
}

#[test]
fn exit_codes_and_sarif() {
    let dir = fixture();
    let p = dir.path();
    assert_eq!(nextgap(&["iam", "lint", "policies/good.json", "--no-config"], p).status.code(), Some(0));
    let high = nextgap(&["iam", "lint", "policies/nested/bad.json", "--fail-on", "high", "--no-config"], p);
    assert_eq!(high.status.code(), Some(0));
    assert_eq!(nextgap(&["iam", "lint", "policies/broken.json", "--no-config"], p).status.code(), Some(2));
    assert_eq!(nextgap(&["iam", "lint", "policies/package.json", "--no-config"], p).status.code(), Some(2));
    assert_eq!(nextgap(&["iam", "lint", "missing.json", "--no-config"], p).status.code(), Some(2));
    assert_eq!(nextgap(&["iam", "lint", "policies", "--kind", "bogus"], p).status.code(), Some(2));
    let out =
        nextgap(&["iam", "lint", "policies/nested/bad.json", "--format", "sarif", "-o", "out.sarif", "--no-config"], p);
    assert_eq!(out.status.code(), Some(1));
    let sarif: Value = serde_json::from_str(&std::fs::read_to_string(p.join("out.sarif")).unwrap()).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let ids: Vec<&str> = results.iter().map(|r| r["ruleId"].as_str().unwrap()).collect();
    assert_eq!(ids, ["NG-IAM-371", "NG-IAM-372"]);
}

#[test]
fn kinds() {
    let dir = tempfile::tempdir().unwrap();
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    std::fs::write(dir.path().join("trust.json"), trust).unwrap();
    let as_trust =
        nextgap(&["iam", "lint", "trust.json", "--kind", "trust", "--format", "json", "--no-config"], dir.path());
    assert_eq!(lines(&json_of(&as_trust)), Vec::<String>::new());
    let as_identity = nextgap(&["iam", "lint", "trust.json", "--format", "json", "--no-config"], dir.path());
    // No Resource (at the statement), and a Principal (at its value).
    assert_eq!(
        lines(&json_of(&as_identity)),
        vec!["trust.json:1:38 NG-IAM-370 Statement[0]", "trust.json:1:68 NG-IAM-370 Statement[0]"]
    );
}
