//! End-to-end tests of the `nextgap` binary: exit codes, inputs, suppressions, configuration,
//! baselines, bad input. Each asserts exact rule ids and resources.

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn nextgap(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nextgap")).args(args).current_dir(dir).output().expect("run nextgap")
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// `(rule_id, logical_id)` pairs of a JSON report, sorted.
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

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

const SSH_OPEN: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Open:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: open
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 22
          ToPort: 22
          CidrIp: 0.0.0.0/0
"#;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

fn ssh_rules(report: &Value) -> Vec<(String, String)> {
    pairs(report).into_iter().filter(|(r, _)| r == "NG-EC2-001").collect()
}

#[test]
fn findings_exit_1_with_exact_location() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "stack.yaml", SSH_OPEN);
    let out = nextgap(&["iac", "stack.yaml", "--format", "json", "--rule", "NG-EC2-001"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let report = json_of(&out);
    let f = &report["findings"][0];
    assert_eq!(f["rule_id"], "NG-EC2-001");
    assert_eq!(f["family"], "NET-OPEN");
    assert_eq!(f["severity"], "high");
    assert_eq!(f["location"]["file"], "stack.yaml");
    assert_eq!(f["location"]["logical_id"], "Open");
    assert_eq!(f["location"]["resource_type"], "AWS::EC2::SecurityGroup");
    assert_eq!(f["location"]["line"], 8);
    assert_eq!(f["location"]["column"], 11);
    assert_eq!(report["schema_version"], "1.0");
    assert_eq!(report["summary"]["files_scanned"], 1);
}

#[test]
fn fail_on_threshold_and_never() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "stack.yaml", SSH_OPEN);
    let code =
        |t: &str| nextgap(&["iac", "stack.yaml", "--rule", "NG-EC2-001", "--fail-on", t], dir.path()).status.code();
    assert_eq!(code("high"), Some(1));
    assert_eq!(code("critical"), Some(0));
    assert_eq!(code("never"), Some(0));
    assert_eq!(code("bogus"), Some(2));
}

#[test]
fn stdin_is_scanned() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nextgap"))
        .args(["iac", "-", "--format", "json", "--rule", "NG-EC2-001"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(SSH_OPEN.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let report = json_of(&out);
    assert_eq!(ssh_rules(&report), vec![("NG-EC2-001".into(), "Open".into())]);
    assert_eq!(report["findings"][0]["location"]["file"], "<stdin>");
}

#[test]
fn one_bad_file_never_aborts_the_others() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "t/a-good.yaml", SSH_OPEN);
    write(dir.path(), "t/b-bad.yaml", "Resources:\n  X:\n    Type: [unclosed\n");
    write(dir.path(), "t/c-bad.json", "{\"Resources\": {\"X\": }}");
    write(dir.path(), "t/d-config.yaml", "name: not a template\nversion: 3\n");
    write(dir.path(), "t/notes.txt", "ignored: wrong extension");
    let out = nextgap(&["iac", "t", "--format", "json", "--rule", "NG-EC2-001"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let report = json_of(&out);
    assert_eq!(ssh_rules(&report).len(), 1);
    let errors: Vec<&str> = report["errors"].as_array().unwrap().iter().map(|e| e["file"].as_str().unwrap()).collect();
    assert_eq!(errors, vec!["t/b-bad.yaml", "t/c-bad.json"]);
    for e in report["errors"].as_array().unwrap() {
        assert!(e["line"].as_u64().unwrap() > 0, "error without a position: {e}");
    }
    assert_eq!(report["skipped"][0]["file"], "t/d-config.yaml");
    assert_eq!(report["summary"]["files_scanned"], 1);
}

#[test]
fn nothing_scannable_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "bad.yaml", "Resources: [\n");
    assert_eq!(nextgap(&["iac", "bad.yaml"], dir.path()).status.code(), Some(2));
    assert_eq!(nextgap(&["iac", "missing.yaml"], dir.path()).status.code(), Some(2));
    assert_eq!(nextgap(&["iac"], dir.path()).status.code(), Some(2));
    assert_eq!(nextgap(&["iac", "x.yaml", "--rule", "NO-SUCH-RULE"], dir.path()).status.code(), Some(2));
}

#[test]
fn huge_file_is_refused_without_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.yaml");
    std::fs::File::create(&big).unwrap().set_len(200 * 1024 * 1024).unwrap();
    write(dir.path(), "ok.yaml", SSH_OPEN);
    let out = nextgap(&["iac", ".", "--format", "json", "--rule", "NG-EC2-001"], dir.path());
    let report = json_of(&out);
    let err = &report["errors"][0];
    assert_eq!(err["file"], "./big.yaml");
    assert!(err["message"].as_str().unwrap().contains("over the limit"), "{err}");
    assert_eq!(ssh_rules(&report).len(), 1);
}

const SUPPRESSED: &str = r#"Resources:
  WithReason:
    Type: AWS::EC2::SecurityGroup
    Metadata:
      nextgap:
        suppress:
          - rule: NG-EC2-001
            reason: bastion, reviewed in SEC-123
    Properties:
      GroupDescription: x
      SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}]
  NoReason:
    Type: AWS::EC2::SecurityGroup
    Metadata:
      nextgap:
        suppress:
          - rule: NG-EC2-001
    Properties:
      GroupDescription: x
      SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}]
  CfnNagForm:
    Type: AWS::EC2::SecurityGroup
    Metadata:
      cfn_nag:
        rules_to_suppress:
          - id: W9
            reason: legacy
    Properties:
      GroupDescription: x
      SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}]
  CheckovForm:
    Type: AWS::EC2::SecurityGroup
    Metadata:
      checkov:
        skip:
          - id: CKV_AWS_24
            comment: legacy
    Properties:
      GroupDescription: x
      SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}]
"#;

#[test]
fn suppressions_need_a_reason_and_map_peer_ids() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "s.yaml", SUPPRESSED);
    let report = json_of(&nextgap(&["iac", "s.yaml", "--format", "json", "--rule", "NG-EC2-001"], dir.path()));
    assert_eq!(ssh_rules(&report), vec![("NG-EC2-001".into(), "NoReason".into())]);
    assert_eq!(report["summary"]["suppressed"], 3);
    let warning = report["errors"][0]["message"].as_str().unwrap();
    assert!(warning.contains("no reason"), "{warning}");
}

#[test]
fn config_is_found_upward_and_applied() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "nextgap.toml", "[rules]\ndisable = [\"NET-OPEN\"]\n");
    write(dir.path(), "stacks/deep/s.yaml", SSH_OPEN);
    let report = json_of(&nextgap(&["iac", "stacks/deep", "--format", "json"], dir.path()));
    assert!(ssh_rules(&report).is_empty());
    write(dir.path(), "nextgap.toml", "[rules.severity]\nNG-EC2-001 = \"low\"\n[scan]\nfail-on = \"medium\"\n");
    let out = nextgap(&["iac", "stacks/deep", "--format", "json", "--rule", "NG-EC2-001"], dir.path());
    assert_eq!(json_of(&out)["findings"][0]["severity"], "low");
    assert_eq!(out.status.code(), Some(0));
    write(dir.path(), "nextgap.toml", "[rules]\ndisable = [\"NG-NOPE-1\"]\n");
    assert_eq!(nextgap(&["iac", "stacks/deep"], dir.path()).status.code(), Some(2));
}

#[test]
fn baseline_reports_only_new_findings() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "s.yaml", SSH_OPEN);
    let base = ["iac", "s.yaml", "--format", "json", "--rule", "NG-EC2-001"];
    let mut args = base.to_vec();
    args.extend(["--write-baseline", "base.json"]);
    nextgap(&args, dir.path());
    // Lines move (a comment above) and a second open group appears: only it is new.
    let moved = format!("# moved\n# down\n{SSH_OPEN}  Open2:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: y\n      SecurityGroupIngress: [{{IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}}]\n");
    write(dir.path(), "s.yaml", &moved);
    let mut args = base.to_vec();
    args.extend(["--baseline", "base.json"]);
    let report = json_of(&nextgap(&args, dir.path()));
    assert_eq!(ssh_rules(&report), vec![("NG-EC2-001".into(), "Open2".into())]);
    assert_eq!(report["summary"]["baselined"], 1);
}

#[test]
fn explain_and_rules() {
    let out = nextgap(&["explain", "CKV_AWS_24"], &repo());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("NG-EC2-001 (sg-world-ssh)"), "{text}");
    assert!(text.contains("checkov: CKV_AWS_24"));
    let out = nextgap(&["rules", "--family", "NET", "--format", "json"], &repo());
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(list.as_array().unwrap().iter().any(|r| r["id"] == "NG-EC2-001"));
    assert!(list.as_array().unwrap().iter().all(|r| r["family"].as_str().unwrap().starts_with("NET-")));
    assert_eq!(nextgap(&["explain", "NG-NOPE-404"], &repo()).status.code(), Some(2));
}

#[test]
fn secure_example_is_clean() {
    let out = nextgap(&["iac", "examples/secure-stack.yaml", "--format", "json"], &repo());
    let report = json_of(&out);
    assert_eq!(pairs(&report), vec![], "false positives on the hardened example");
    assert_eq!(out.status.code(), Some(0));
}

/// The bundled insecure example: every expected (rule, resource, line), as a reviewed snapshot.
#[test]
fn insecure_example_findings() {
    let out = nextgap(&["iac", "examples/insecure-stack.yaml", "--format", "json"], &repo());
    assert_eq!(out.status.code(), Some(1));
    let report = json_of(&out);
    let lines: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{}:{} {} {} {} {}",
                f["location"]["line"],
                f["location"]["column"],
                f["severity"].as_str().unwrap(),
                f["rule_id"].as_str().unwrap(),
                f["family"].as_str().unwrap(),
                f["location"]["logical_id"].as_str().unwrap()
            )
        })
        .collect();
    insta::assert_snapshot!(lines.join("\n"));
    let families: std::collections::BTreeSet<&str> =
        report["findings"].as_array().unwrap().iter().map(|f| f["family"].as_str().unwrap()).collect();
    for family in [
        "NET-OPEN",
        "NET-IP-ONLY",
        "IAM-BROAD",
        "IAM-ESCALATION",
        "IAM-KEYS",
        "GAP-TRAIL",
        "GAP-PUBLIC-S3",
        "GAP-LOGS",
        "OUTAGE-STATEFUL",
        "BACKUP-NONE",
        "DATA-ENCRYPT",
        "DATA-SECRETS",
    ] {
        assert!(families.contains(family), "example shows no {family}");
    }
}
