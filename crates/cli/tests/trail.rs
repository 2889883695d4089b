//! End-to-end tests of `nextgap trail`: the bundled example in every output format, the input
//! shapes CloudTrail logs come in, bad input next to good input, date pruning, the revert
//! window, rule selection, Sigma rules, and that no secret of an event is ever printed.

use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn nextgap(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nextgap")).args(args).current_dir(dir).output().expect("run nextgap")
}

fn nextgap_stdin(args: &[&str], dir: &Path, input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nextgap"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run nextgap");
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("UTF-8 output")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\nstderr: {}", String::from_utf8_lossy(&out.stdout), stderr(out)))
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `../shared` next to the repository (read-only data), when it is there.
fn shared() -> Option<PathBuf> {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"));
    if dir.join("rules/sigma-aws/rules").is_dir() {
        Some(dir)
    } else {
        eprintln!("notice: {} not found; skipping the Sigma part of this test", dir.display());
        None
    }
}

fn pair(f: &Value) -> (String, String) {
    (f["rule_id"].as_str().unwrap().to_string(), f["location"]["logical_id"].as_str().unwrap().to_string())
}

/// `(rule_id, logical_id)` of the findings, sorted.
fn pairs(report: &Value) -> Vec<(String, String)> {
    let mut v: Vec<_> = report["findings"].as_array().unwrap().iter().map(pair).collect();
    v.sort();
    v
}

fn owned(v: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<_> = v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
    v.sort();
    v
}

/// `(file, index)` of the first event of each finding of `rule`, sorted.
fn sites(report: &Value, rule: &str) -> Vec<(String, u64)> {
    let mut v: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == rule)
        .map(|f| (f["events"][0]["file"].as_str().unwrap().to_string(), f["events"][0]["index"].as_u64().unwrap()))
        .collect();
    v.sort();
    v
}

/// `(file, line, message)` of the errors.
fn errors(report: &Value) -> Vec<(String, u64, String)> {
    report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["file"].as_str().unwrap().to_string(),
                e["line"].as_u64().unwrap(),
                e["message"].as_str().unwrap().into(),
            )
        })
        .collect()
}

fn schema_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(repo().join("docs/report.schema.json")).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::options().should_validate_formats(true).build(&schema).expect("the schema compiles")
}

fn assert_schema_valid(report: &Value) {
    let validator = schema_validator();
    let errors: Vec<String> = validator.iter_errors(report).map(|e| format!("{}: {e}", e.instance_path())).collect();
    assert!(errors.is_empty(), "the report does not match docs/report.schema.json:\n{}", errors.join("\n"));
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, bytes).unwrap();
    path
}

fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

fn records(events: &[Value]) -> String {
    json!({ "Records": events }).to_string()
}

fn ndjson(events: &[Value]) -> String {
    events.iter().map(|e| format!("{e}\n")).collect()
}

const ACCOUNT: &str = "111122223333";
const MALLORY: &str = "arn:aws:iam::111122223333:user/mallory";

fn mallory() -> Value {
    json!({"type": "IAMUser", "principalId": "AIDAMALLORY", "arn": MALLORY, "accountId": ACCOUNT,
           "userName": "mallory", "accessKeyId": "ASIAMALLORYSESSION01"})
}

/// A CloudTrail event as CloudTrail writes it.
fn event(name: &str, source: &str, id: &str, time: &str, request: Value, response: Value) -> Value {
    json!({
        "eventVersion": "1.09",
        "userIdentity": mallory(),
        "eventTime": time,
        "eventSource": source,
        "eventName": name,
        "awsRegion": "eu-west-1",
        "sourceIPAddress": "198.51.100.99",
        "userAgent": "aws-cli/2.15.30",
        "requestParameters": request,
        "responseElements": response,
        "requestID": format!("req-{id}"),
        "eventID": id,
        "readOnly": false,
        "eventType": "AwsApiCall",
        "managementEvent": true,
        "recipientAccountId": ACCOUNT,
        "eventCategory": "Management"
    })
}

/// `StopLogging` of trail `trail`: NG-TRAIL-359 fires on it, with the trail as subject.
fn stop_logging(id: &str, time: &str, trail: &str) -> Value {
    event("StopLogging", "cloudtrail.amazonaws.com", id, time, json!({"name": trail}), Value::Null)
}

/// A read-only call no built-in rule fires on.
fn list_trails(id: &str, time: &str) -> Value {
    let mut e = event("DescribeTrails", "cloudtrail.amazonaws.com", id, time, json!({}), Value::Null);
    e["readOnly"] = json!(true);
    e
}

const EXAMPLE: &str = "examples/cloudtrail";
const EXAMPLE_DAY: &str = "examples/cloudtrail/AWSLogs/111122223333/CloudTrail/eu-west-1/2026/03/14/";

/// Every built-in finding of the bundled example.
const EXAMPLE_FINDINGS: &[(&str, &str)] = &[
    ("NG-BACKUP-362", "orders-db-final"),
    ("NG-BACKUP-363", "arn:aws:iam::111122223333:role/ops-admin"),
    ("NG-CONFIG-360", "default"),
    ("NG-CONSOLE-354", "arn:aws:iam::111122223333:root"),
    ("NG-CONSOLE-354", "arn:aws:iam::111122223333:user/alice"),
    ("NG-EC2-358", "sg-0a1b2c3d4e5f67890"),
    ("NG-EC2-361", "snap-0123456789abcdef0"),
    ("NG-IAM-355", "bob"),
    ("NG-IAM-356", "bob"),
    ("NG-KEYS-365", "AKIAEXAMPLECIDEPLOY1"),
    ("NG-ORG-364", "111122223333"),
    ("NG-ROOT-350", "arn:aws:iam::111122223333:root"),
    ("NG-ROOT-351", "arn:aws:iam::111122223333:root"),
    ("NG-S3-357", "acme-reports"),
    ("NG-SIGNIN-352", "arn:aws:iam::111122223333:root"),
    ("NG-SIGNIN-353", "alice"),
    ("NG-TRAIL-359", "arn:aws:cloudtrail:eu-west-1:111122223333:trail/org-trail"),
];

fn example_json(extra: &[&str]) -> (Output, Value) {
    let mut args = vec!["trail", EXAMPLE, "-f", "json", "--no-config"];
    args.extend_from_slice(extra);
    let out = nextgap(&args, &repo());
    let report = json_of(&out);
    (out, report)
}

#[test]
fn bundled_example_findings_events_and_exit_codes() {
    let (out, report) = example_json(&[]);
    // Critical findings, default --fail-on high.
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(pairs(&report), owned(EXAMPLE_FINDINGS));
    assert_eq!(report["errors"], json!([]));
    assert_eq!(report["skipped"], json!([]));
    assert_eq!(report["summary"]["files_scanned"], 6);
    assert_eq!(report["summary"]["files_skipped"], 0);
    assert_eq!(report["summary"]["files_failed"], 0);
    assert_eq!(report["summary"]["events"], 26);
    assert_eq!(report["summary"]["findings"], 17);
    assert_eq!(report["summary"]["by_severity"], json!({"critical": 4, "high": 9, "medium": 4}));

    for f in report["findings"].as_array().unwrap() {
        let events = f["events"].as_array().unwrap();
        assert!(!events.is_empty(), "{} has no events", f["rule_id"]);
        for e in events {
            for key in ["event_id", "event_name", "time", "account", "region", "principal", "source_ip", "file"] {
                assert!(e[key].as_str().is_some_and(|v| !v.is_empty()), "{}: event without {key}: {e}", f["rule_id"]);
            }
            assert!(e["file"].as_str().unwrap().starts_with(EXAMPLE_DAY), "{e}");
            assert!(e["file"].as_str().unwrap().ends_with(".json.gz"), "{e}");
            assert!(e["index"].is_u64(), "{e}");
            assert_eq!(e["account"], ACCOUNT);
            assert!(e["time"].as_str().unwrap().starts_with("2026-03-14T"), "{e}");
        }
        assert_eq!(f["location"]["resource_type"], "AWS::CloudTrail::Event");
    }
    // The sign-in after failures names the success and the five failures.
    let after_failures =
        report["findings"].as_array().unwrap().iter().find(|f| f["rule_id"] == "NG-SIGNIN-353").unwrap();
    assert_eq!(after_failures["events"].as_array().unwrap().len(), 6);
    // One principal deleting data and its backup: both events.
    let both = report["findings"].as_array().unwrap().iter().find(|f| f["rule_id"] == "NG-BACKUP-363").unwrap();
    let names: BTreeSet<&str> =
        both["events"].as_array().unwrap().iter().map(|e| e["event_name"].as_str().unwrap()).collect();
    assert_eq!(names, BTreeSet::from(["DeleteDBInstance", "DeleteDBSnapshot"]));

    let never = nextgap(&["trail", EXAMPLE, "--no-config", "--fail-on", "never"], &repo());
    assert_eq!(never.status.code(), Some(0), "{}", stderr(&never));
    let critical = nextgap(&["trail", EXAMPLE, "--no-config", "--fail-on", "critical"], &repo());
    assert_eq!(critical.status.code(), Some(1));
    assert_eq!(nextgap(&["trail", EXAMPLE, "--no-config", "--fail-on", "bogus"], &repo()).status.code(), Some(2));
}

#[test]
fn a_file_named_twice_is_read_once() {
    let run = |paths: &[&str]| {
        let mut args = vec!["trail", "-f", "json", "--no-config"];
        args.extend_from_slice(paths);
        json_of(&nextgap(&args, &repo()))
    };
    for paths in [&[EXAMPLE, "./examples/cloudtrail"][..], &[EXAMPLE, "examples/cloudtrail/AWSLogs/111122223333"]] {
        let report = run(paths);
        assert_eq!(report["summary"]["files_scanned"], 6, "{paths:?}");
        assert_eq!(pairs(&report), owned(EXAMPLE_FINDINGS), "{paths:?}");
    }
}

#[test]
fn the_report_does_not_depend_on_the_number_of_workers() {
    let (_, one) = example_json(&["--jobs", "1"]);
    for jobs in ["2", "8"] {
        let (_, many) = example_json(&["--jobs", jobs]);
        assert_eq!(one, many, "--jobs {jobs}");
    }
}

#[test]
fn bundled_example_timeline_snapshot() {
    let out = nextgap(&["trail", EXAMPLE, "--no-config", "--color", "never"], &repo());
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(!text.contains('\u{1b}'), "colour with --color never");
    insta::assert_snapshot!(text);
}

#[test]
fn bundled_example_csv_snapshot_and_rows() {
    let out = nextgap(&["trail", EXAMPLE, "--no-config", "-f", "csv"], &repo());
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, nextgap_sinks::CSV_HEADER.to_vec());
    let rule = header.iter().position(|h| h == "rule_id").unwrap();
    let subject = header.iter().position(|h| h == "subject").unwrap();
    let file = header.iter().position(|h| h == "file").unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), EXAMPLE_FINDINGS.len());
    let mut got: Vec<(String, String)> = rows.iter().map(|r| (r[rule].to_string(), r[subject].to_string())).collect();
    got.sort();
    assert_eq!(got, owned(EXAMPLE_FINDINGS));
    assert!(rows.iter().all(|r| r[file].starts_with(EXAMPLE_DAY)));
    insta::assert_snapshot!(text);
}

#[test]
fn json_output_matches_the_report_schema() {
    let (_, report) = example_json(&[]);
    assert_schema_valid(&report);
    assert_eq!(report["schema_version"], "1.0");
    assert_eq!(report["tool"]["name"], "nextgap");
}

#[test]
fn jsonl_is_one_finding_per_line_with_the_json_findings() {
    let (_, report) = example_json(&[]);
    let out = nextgap(&["trail", EXAMPLE, "--no-config", "-f", "jsonl"], &repo());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("line is not JSON ({e}): {l}")))
        .collect();
    assert_eq!(lines.len(), EXAMPLE_FINDINGS.len());
    assert!(lines.iter().all(|f| f.is_object() && f["rule_id"].is_string() && f["events"].is_array()));
    let mut got: Vec<_> = lines.iter().map(pair).collect();
    got.sort();
    assert_eq!(got, pairs(&report));
    // The same findings, field for field (order aside).
    let key = |f: &Value| (f["rule_id"].to_string(), f["fingerprint"].to_string());
    let mut a = lines.clone();
    let mut b = report["findings"].as_array().unwrap().clone();
    a.sort_by_key(key);
    b.sort_by_key(key);
    assert_eq!(a, b);
    // The summary goes to standard error.
    assert!(stderr(&out).contains("17 findings"), "{}", stderr(&out));
    // --fail-on never: exit 0.
    let never = nextgap(&["trail", EXAMPLE, "--no-config", "-f", "jsonl", "--fail-on", "never"], &repo());
    assert_eq!(never.status.code(), Some(0));
}

#[test]
fn output_file_gets_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.json");
    let out = nextgap(&["trail", EXAMPLE, "--no-config", "-f", "json", "-o", target.to_str().unwrap()], &repo());
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&target).unwrap()).unwrap();
    assert_eq!(pairs(&report), owned(EXAMPLE_FINDINGS));
}

#[test]
fn sarif_lists_the_example_findings() {
    let out = nextgap(&["trail", EXAMPLE, "--no-config", "-f", "sarif"], &repo());
    assert_eq!(out.status.code(), Some(1));
    let sarif = json_of(&out);
    assert_eq!(sarif["version"], "2.1.0");
    let mut ids: Vec<&str> =
        sarif["runs"][0]["results"].as_array().unwrap().iter().map(|r| r["ruleId"].as_str().unwrap()).collect();
    ids.sort();
    let mut expect: Vec<&str> = EXAMPLE_FINDINGS.iter().map(|(r, _)| *r).collect();
    expect.sort();
    assert_eq!(ids, expect);
    assert_rule_indexes(&sarif);
    // Sigma rules are described too.
    if let Some(shared) = shared() {
        let rules = shared.join("rules/sigma-aws/rules");
        let out =
            nextgap(&["trail", EXAMPLE, "--no-config", "-f", "sarif", "--sigma", rules.to_str().unwrap()], &repo());
        let sarif = json_of(&out);
        assert_rule_indexes(&sarif);
        assert!(sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["ruleId"] == "4db60cc0-36fb-42b7-9b58-a5b53019fb74"));
    }
}

/// Every result's `ruleIndex` points at the driver rule of its `ruleId`.
fn assert_rule_indexes(sarif: &Value) {
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    for r in sarif["runs"][0]["results"].as_array().unwrap() {
        let index = r["ruleIndex"].as_u64().unwrap_or_else(|| panic!("no ruleIndex: {r}")) as usize;
        assert_eq!(rules[index]["id"], r["ruleId"], "{r}");
    }
}

#[test]
fn sigma_rules_run_with_their_id_and_title_and_unsupported_ones_are_listed() {
    let Some(shared) = shared() else { return };
    let rules = shared.join("rules/sigma-aws/rules");
    let unsupported = shared.join("rules/sigma-aws/unsupported");
    let rules_arg = rules.to_str().unwrap();

    let (out, report) = example_json(&["--sigma", rules_arg]);
    assert_eq!(out.status.code(), Some(1));
    assert_schema_valid(&report);
    assert_eq!(report["skipped"], json!([]), "every rule in rules/ is supported");
    assert_eq!(report["errors"], json!([]));
    let findings = report["findings"].as_array().unwrap();
    let (sigma, builtin): (Vec<&Value>, Vec<&Value>) = findings.iter().partition(|f| f["family"] == "GAP-DETECT");
    let mut builtin_pairs: Vec<_> = builtin.iter().map(|f| pair(f)).collect();
    builtin_pairs.sort();
    assert_eq!(builtin_pairs, owned(EXAMPLE_FINDINGS), "Sigma rules leave the built-in findings as they are");

    // `aws_cloudtrail_disable_logging` fires on the StopLogging of the example, under the
    // rule's own id and title (read from the rule file).
    let file = yaml_files(&rules)
        .into_iter()
        .find(|p| p.file_stem().is_some_and(|s| s == "aws_cloudtrail_disable_logging"))
        .expect("aws_cloudtrail_disable_logging.yml in the shared rules");
    let text = std::fs::read_to_string(&file).unwrap();
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}: ")))
            .map(|v| v.trim().trim_matches('\'').trim_matches('"').to_string())
            .unwrap()
    };
    let (id, title) = (field("id"), field("title"));
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let hits: Vec<&&Value> = sigma.iter().filter(|f| f["rule_id"] == id.as_str()).collect();
    assert_eq!(hits.len(), 1, "{hits:?}");
    let hit = hits[0];
    assert_eq!(hit["title"], title.as_str());
    assert_eq!(hit["rule_name"], "aws_cloudtrail_disable_logging");
    assert_eq!(hit["events"][0]["event_name"], "StopLogging");
    assert_eq!(hit["location"]["logical_id"], "arn:aws:iam::111122223333:role/ops-admin");
    for f in &sigma {
        let id = f["rule_id"].as_str().unwrap();
        assert!(
            id.len() == 36 && id.chars().filter(|c| *c == '-').count() == 4,
            "Sigma findings carry the rule's UUID: {id}"
        );
        assert!(!f["title"].as_str().unwrap().is_empty());
        assert!(!f["events"].as_array().unwrap().is_empty());
    }
    let mut sigma_rules: Vec<&str> = sigma.iter().map(|f| f["rule_name"].as_str().unwrap()).collect();
    sigma_rules.sort();
    sigma_rules.dedup();
    assert_eq!(
        sigma_rules,
        [
            "aws_cloudtrail_console_login_failed_authentication",
            "aws_cloudtrail_console_login_success_without_mfa",
            "aws_cloudtrail_disable_logging",
            "aws_cloudtrail_security_group_change_ingress_egress",
            "aws_config_disable_recording",
            "aws_enum_buckets",
            "aws_iam_backdoor_users_keys",
            "aws_root_account_usage",
            "aws_snapshot_backup_exfiltration",
            "aws_sts_assumerole_misuse",
        ]
    );
    // Five failed sign-ins: five matches of the failed-authentication rule.
    assert_eq!(
        sigma.iter().filter(|f| f["rule_name"] == "aws_cloudtrail_console_login_failed_authentication").count(),
        5
    );

    // Sigma only.
    let (_, only) = example_json(&["--sigma", rules_arg, "--no-builtin"]);
    assert_eq!(only["findings"].as_array().unwrap().len(), sigma.len());
    assert!(only["findings"].as_array().unwrap().iter().all(|f| f["family"] == "GAP-DETECT"));

    // The unsupported rules: each listed in `skipped` with its reason, none dropped silently.
    let (out, with_unsupported) = example_json(&["--sigma", rules_arg, "--sigma", unsupported.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert_schema_valid(&with_unsupported);
    let mut expect: Vec<String> = yaml_files(&unsupported).iter().map(|p| p.display().to_string()).collect();
    expect.sort();
    assert!(!expect.is_empty());
    let skipped = with_unsupported["skipped"].as_array().unwrap();
    let mut files: Vec<String> = skipped.iter().map(|s| s["file"].as_str().unwrap().to_string()).collect();
    files.sort();
    assert_eq!(files, expect);
    for s in skipped {
        let reason = s["reason"].as_str().unwrap();
        assert!(reason.starts_with("Sigma rule not run"), "{reason}");
        assert!(reason.contains("correlates several events"), "{reason}");
    }
    assert_eq!(with_unsupported["findings"].as_array().unwrap().len(), findings.len());
    // `skipped` are Sigma rules, not log files.
    assert_eq!(with_unsupported["summary"]["files_skipped"], 0);
    for s in skipped {
        assert!(stderr(&out).contains(s["file"].as_str().unwrap()), "the text of the run names {s}");
    }
}

/// The `.yml` / `.yaml` files under `dir`, at any depth.
fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(yaml_files(&path));
        } else if path.extension().is_some_and(|x| x == "yml" || x == "yaml") {
            out.push(path);
        }
    }
    out
}

/// A file of each shape CloudTrail events come in, with a `StopLogging` in each: NG-TRAIL-359
/// fires once per file, naming the file and the record.
#[test]
fn every_input_shape_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let other = list_trails("other", "2026-03-14T11:00:00Z");
    let stop = stop_logging("stop", "2026-03-14T12:00:05Z", "shapes-trail");
    let both = [other.clone(), stop.clone()];
    write(dir.path(), "in/records.json", records(&both));
    write(dir.path(), "in/records.json.gz", gz(records(&both).as_bytes()));
    let with_extras: Vec<Value> = [other.clone(), other.clone(), stop.clone()]
        .iter()
        .map(|e| {
            let mut e = e.clone();
            e["@timestamp"] = json!("2026-03-14T12:00:06.123Z");
            e["host"] = json!({"name": "collector-1"});
            e
        })
        .collect();
    write(dir.path(), "in/events.ndjson", ndjson(&with_extras));
    write(dir.path(), "in/array.json", Value::Array(both.to_vec()).to_string());
    write(dir.path(), "in/single.json", serde_json::to_string_pretty(&stop).unwrap());
    let envelope = json!({
        "version": "0", "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
        "detail-type": "AWS API Call via CloudTrail", "source": "aws.cloudtrail", "account": ACCOUNT,
        "time": "2026-03-14T12:00:05Z", "region": "eu-west-1", "resources": [], "detail": stop
    });
    write(dir.path(), "in/eventbridge.json", envelope.to_string());
    // CloudTrail Lake: one cell per column, nested values as JSON text.
    let row = |e: &Value| -> Value {
        Value::Array(
            e.as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| match v {
                    Value::Object(_) | Value::Array(_) => json!({ k: v.to_string() }),
                    v => json!({ k: v }),
                })
                .collect(),
        )
    };
    let lake = json!({"QueryStatus": "FINISHED", "QueryResultRows": [row(&other), row(&stop)], "QueryStatistics": {}});
    write(dir.path(), "in/lake.json", lake.to_string());
    let event_json = ndjson(&[json!({"eventJson": other.to_string()}), json!({"eventJson": stop.to_string()})]);
    write(dir.path(), "in/eventjson.jsonl", event_json);
    // CloudTrail Lake `SELECT eventJson FROM …`: rows of one `eventJson` cell.
    let selected = json!({"QueryResultRows": [[{"eventJson": other.to_string()}], [{"eventJson": stop.to_string()}]]});
    write(dir.path(), "in/lake-eventjson.json", selected.to_string());
    // EventBridge archive: one envelope per line.
    let envelopes: Vec<Value> = both
        .iter()
        .map(|e| {
            let mut env = envelope.clone();
            env["detail"] = e.clone();
            env
        })
        .collect();
    write(dir.path(), "in/eventbridge.jsonl", ndjson(&envelopes));

    let out = nextgap(&["trail", "in", "-f", "json", "--no-config", "--rule", "NG-TRAIL-359"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json_of(&out);
    assert_eq!(report["errors"], json!([]));
    assert_eq!(
        sites(&report, "NG-TRAIL-359"),
        vec![
            ("in/array.json".to_string(), 1),
            ("in/eventbridge.json".to_string(), 0),
            ("in/eventbridge.jsonl".to_string(), 1),
            ("in/eventjson.jsonl".to_string(), 1),
            ("in/events.ndjson".to_string(), 2),
            ("in/lake-eventjson.json".to_string(), 1),
            ("in/lake.json".to_string(), 1),
            ("in/records.json".to_string(), 1),
            ("in/records.json.gz".to_string(), 1),
            ("in/single.json".to_string(), 0),
        ]
    );
    assert_eq!(report["summary"]["files_scanned"], 10);
    assert_eq!(report["summary"]["events"], 2 + 2 + 3 + 2 + 1 + 1 + 2 + 2 + 2 + 2);
    for f in report["findings"].as_array().unwrap() {
        assert_eq!(f["location"]["logical_id"], "shapes-trail");
        let e = &f["events"][0];
        assert_eq!(e["event_id"], "stop", "{e}");
        // The Lake row's userIdentity came as JSON text: still the principal.
        assert_eq!(e["principal"], MALLORY, "{e}");
        assert_eq!(e["time"], "2026-03-14T12:00:05Z");
        assert_eq!(e["region"], "eu-west-1");
    }
    // NDJSON lines are numbered by line.
    let nd =
        report["findings"].as_array().unwrap().iter().find(|f| f["events"][0]["file"] == "in/events.ndjson").unwrap();
    assert_eq!(nd["events"][0]["line"], 3);

    // Standard input, gzipped: `-`.
    let out = nextgap_stdin(
        &["trail", "-", "-f", "json", "--no-config", "--rule", "NG-TRAIL-359"],
        dir.path(),
        &gz(records(&both).as_bytes()),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json_of(&out);
    assert_eq!(sites(&report, "NG-TRAIL-359"), vec![("-".to_string(), 1)]);
    assert_eq!(report["summary"]["files_scanned"], 1);
}

/// Log files glued together — `zcat *.json.gz > all.json` (one `{"Records":…}` per line) or
/// `cat *.json.gz > all.json.gz` (a multi-member gzip) — read as the files themselves.
#[test]
fn concatenated_log_files_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(repo().join(EXAMPLE_DAY)).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let (mut plain, mut members) = (Vec::new(), Vec::new());
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        let mut text = Vec::new();
        flate2::read::GzDecoder::new(&bytes[..]).read_to_end(&mut text).unwrap();
        plain.extend(text);
        plain.push(b'\n');
        members.extend(bytes);
    }
    write(dir.path(), "all.json", plain);
    write(dir.path(), "all.json.gz", members);
    for name in ["all.json", "all.json.gz"] {
        let out = nextgap(&["trail", name, "-f", "json", "--no-config"], dir.path());
        let report = json_of(&out);
        assert_eq!(report["errors"], json!([]), "{name}");
        assert_eq!(report["summary"]["events"], 26, "{name}");
        assert_eq!(pairs(&report), owned(EXAMPLE_FINDINGS), "{name}");
    }
}

/// Every kind of bad input in one run next to a good file: each is an error naming the file
/// and line, what could be read is read, and the exit status is about the findings.
#[test]
fn bad_input_is_reported_and_the_rest_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "good.json", records(&[stop_logging("good", "2026-03-14T12:00:00Z", "good-trail")]));

    // Truncated gzip: the detection event comes first, before the break.
    let mut many = vec![stop_logging("early", "2026-03-14T08:00:00Z", "early-trail")];
    for i in 0..3000 {
        let mut e = list_trails(&format!("pad-{i}"), "2026-03-14T08:00:01Z");
        // Incompressible padding, so half the gzip is far from the end of the events.
        e["requestParameters"] =
            json!({"trailNameList": [format!("{:x}", (i as u64 + 1).wrapping_mul(0x9e3779b97f4a7c15))]});
        e["requestID"] = json!(format!("{:x}{:x}", (i as u64).wrapping_mul(0xbf58476d1ce4e5b9), i * 7919));
        many.push(e);
    }
    let full = gz(records(&many).as_bytes());
    write(d, "truncated.json.gz", &full[..full.len() / 2]);

    write(d, "empty.json", "{}");

    let lines = [
        list_trails("nd-0", "2026-03-14T09:00:00Z").to_string(),
        r#"{"eventName": "StopLogging", "eventSource": oops"#.to_string(),
        stop_logging("nd-2", "2026-03-14T09:00:02Z", "ndjson-trail").to_string(),
        "this line is not JSON".to_string(),
        list_trails("nd-4", "2026-03-14T09:00:04Z").to_string(),
        r#"{"eventName": "StopLogging", "requestParameters": {"name": "never-read"}"#.to_string(),
        stop_logging("nd-6", "2026-03-14T09:00:06Z", "ndjson-trail-2").to_string(),
    ];
    write(d, "mixed.jsonl", lines.join("\n") + "\n");

    let mut mars = stop_logging("mars", "2026-03-14T10:00:00Z", "mars-trail");
    mars["awsRegion"] = json!("mars-north-9");
    write(d, "fake-region.json", records(&[mars]));

    // Records missing fields: no identity, time or id still detects; no name and source is
    // not an event.
    let bare = json!({"eventName": "StopLogging", "eventSource": "cloudtrail.amazonaws.com",
                      "requestParameters": {"name": "bare-trail"}});
    write(d, "missing-fields.json", records(&[bare, json!({"awsRegion": "eu-west-1"}), json!({})]));

    let mut bad_utf8 = list_trails("u-0", "2026-03-14T11:00:00Z").to_string().into_bytes();
    bad_utf8.extend_from_slice(
        b"\n{\"eventName\":\"StopLogging\",\"eventSource\":\"cloudtrail.amazonaws.com\",\"userAgent\":\"",
    );
    bad_utf8.extend_from_slice(&[0xff, 0xfe, 0xc3]);
    bad_utf8.extend_from_slice(b"\",\"requestParameters\":{\"name\":\"utf8-trail\"}}\n");
    write(d, "bad-utf8.jsonl", bad_utf8);

    write(d, "not-json.json", "this is not JSON\nat all\n");
    // A gzip header, then a deflate block of the reserved type.
    write(d, "not-gzip.json.gz", [0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 0, 0x07, 0x00, 0x00]);
    write(d, "no-logs/readme.txt", "no logs in here");

    let args = [
        "trail",
        "good.json",
        "truncated.json.gz",
        "empty.json",
        "mixed.jsonl",
        "fake-region.json",
        "missing-fields.json",
        "bad-utf8.jsonl",
        "not-json.json",
        "not-gzip.json.gz",
        "no-logs",
        "-f",
        "json",
        "--no-config",
        "--rule",
        "NG-TRAIL-359",
    ];
    let out = nextgap(&args, d);
    // Findings at the threshold (not 2: files were read).
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json_of(&out);
    assert_schema_valid(&report);
    assert_eq!(
        pairs(&report),
        owned(&[
            ("NG-TRAIL-359", "bare-trail"),
            ("NG-TRAIL-359", "early-trail"),
            ("NG-TRAIL-359", "good-trail"),
            ("NG-TRAIL-359", "mars-trail"),
            ("NG-TRAIL-359", "ndjson-trail"),
            ("NG-TRAIL-359", "ndjson-trail-2"),
        ])
    );
    assert_eq!(
        sites(&report, "NG-TRAIL-359"),
        vec![
            ("fake-region.json".to_string(), 0),
            ("good.json".to_string(), 0),
            ("missing-fields.json".to_string(), 0),
            ("mixed.jsonl".to_string(), 2),
            ("mixed.jsonl".to_string(), 6),
            ("truncated.json.gz".to_string(), 0),
        ]
    );
    let mars =
        report["findings"].as_array().unwrap().iter().find(|f| f["location"]["logical_id"] == "mars-trail").unwrap();
    assert_eq!(mars["events"][0]["region"], "mars-north-9");
    let bare =
        report["findings"].as_array().unwrap().iter().find(|f| f["location"]["logical_id"] == "bare-trail").unwrap();
    assert_eq!(bare["events"][0]["event_name"], "StopLogging");
    assert_eq!(bare["events"][0]["principal"], "(unknown principal)");

    let errors = errors(&report);
    let at = |file: &str| errors.iter().filter(|e| e.0 == file).map(|e| (e.1, e.2.as_str())).collect::<Vec<_>>();
    assert_eq!(at("good.json"), vec![]);
    assert_eq!(at("fake-region.json"), vec![]);
    assert_eq!(
        at("mixed.jsonl"),
        vec![
            (2, "record 1: the line is not complete JSON; skipped"),
            (4, "record 3: a value that is not an object where a record should be; skipped"),
            (6, "record 5: the line is not complete JSON; skipped"),
        ]
    );
    assert_eq!(at("empty.json"), vec![(1, "record 0: not a CloudTrail event (no eventName or eventSource); skipped")]);
    assert_eq!(
        at("missing-fields.json"),
        vec![
            (1, "record 1: not a CloudTrail event (no eventName or eventSource); skipped"),
            (1, "record 2: not a CloudTrail event (no eventName or eventSource); skipped"),
        ]
    );
    assert_eq!(at("bad-utf8.jsonl"), vec![(2, "record 1: invalid UTF-8 at byte 81 of the record; skipped")]);
    assert_eq!(
        at("not-json.json"),
        vec![(1, "record 0: a value that is not an object where a record should be; skipped")]
    );
    assert_eq!(
        at("no-logs"),
        vec![(0, "no CloudTrail log files (.json, .json.gz, .jsonl, .ndjson) in this directory")]
    );
    let truncated = at("truncated.json.gz");
    assert!(truncated.iter().any(|(_, m)| m.contains("gzip stream ends early (truncated file)")), "{truncated:?}");
    assert_eq!(at("not-gzip.json.gz"), vec![(1, "read error: corrupt deflate stream; events before it were read")]);
    let files: BTreeSet<&str> = errors.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(
        files,
        BTreeSet::from([
            "bad-utf8.jsonl",
            "empty.json",
            "missing-fields.json",
            "mixed.jsonl",
            "no-logs",
            "not-gzip.json.gz",
            "not-json.json",
            "truncated.json.gz",
        ])
    );
    assert_eq!(report["summary"]["files_scanned"], 9);
    assert_eq!(report["summary"]["files_failed"], 8);
    // The events before the break of the truncated file were read (some, not all 3001).
    let events = report["summary"]["events"].as_u64().unwrap();
    assert!(events > 1 + 10 && events < 3001, "{events}");

    // The text output lists the errors with file and line.
    let text = nextgap(&args[..11].iter().copied().chain(["--no-config", "--color", "never"]).collect::<Vec<_>>(), d);
    assert_eq!(text.status.code(), Some(1));
    let text = stdout(&text);
    assert!(text.contains("mixed.jsonl:2:0: record 1: the line is not complete JSON; skipped"), "{text}");
    assert!(text.contains(&format!("errors ({})", errors.len())), "{text}");
}

#[test]
fn nothing_to_read_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    for path in ["does-not-exist", "empty"] {
        let out = nextgap(&["trail", path, "--no-config", "-f", "json"], dir.path());
        assert_eq!(out.status.code(), Some(2), "{path}: {}", stderr(&out));
        let report = json_of(&out);
        assert_eq!(errors(&report).len(), 1, "{report}");
        assert_eq!(errors(&report)[0].0, path);
        assert!(stderr(&out).contains("no log file could be read"), "{}", stderr(&out));
    }
    // A file that is read but holds nothing is a run: exit 0.
    write(dir.path(), "not-json.json", "nothing here");
    let out = nextgap(&["trail", "not-json.json", "--no-config"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// `AWSLogs/<account>/CloudTrail/<region>/2026/03/DD/` over five days, a `StopLogging` per day
/// at noon (subject `trail-DD`), plus one at 23:59:30 on the 13th delivered in the 14th's folder.
fn days_fixture(root: &Path) {
    for day in 10..=14 {
        let folder = format!("AWSLogs/{ACCOUNT}/CloudTrail/eu-west-1/2026/03/{day}");
        let mut events =
            vec![stop_logging(&format!("d{day}"), &format!("2026-03-{day}T12:00:00Z"), &format!("trail-{day}"))];
        if day == 14 {
            events.insert(0, stop_logging("late-13", "2026-03-13T23:59:30Z", "trail-13-late"));
        }
        if day == 12 {
            // Delivered on the 12th, happened on the 11th.
            events.insert(0, stop_logging("late-11", "2026-03-11T23:58:00Z", "trail-11-late"));
        }
        let name = format!("{ACCOUNT}_CloudTrail_eu-west-1_202603{day}T1205Z_abc{day}.json.gz");
        write(root, &format!("{folder}/{name}"), gz(records(&events).as_bytes()));
    }
}

#[test]
fn since_and_until_prune_files_and_cut_events() {
    let dir = tempfile::tempdir().unwrap();
    days_fixture(dir.path());
    let run = |extra: &[&str]| {
        let mut args = vec!["trail", "AWSLogs", "-f", "json", "--no-config", "--rule", "NG-TRAIL-359"];
        args.extend_from_slice(extra);
        let out = nextgap(&args, dir.path());
        assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
        json_of(&out)
    };
    let subjects = |r: &Value| pairs(r).into_iter().map(|p| p.1).collect::<Vec<_>>();

    let all = run(&[]);
    assert_eq!(all["summary"]["files_scanned"], 5);
    assert_eq!(all["summary"]["files_skipped"], 0);
    assert_eq!(subjects(&all).len(), 7);

    let range = run(&["--since", "2026-03-12", "--until", "2026-03-13"]);
    // The 12th, the 13th, and the 14th for what happened on the 13th's last minutes.
    assert_eq!(range["summary"]["files_scanned"], 3);
    assert_eq!(range["summary"]["files_skipped"], 2);
    assert_eq!(range["summary"]["events"], 3);
    assert_eq!(subjects(&range), ["trail-12", "trail-13", "trail-13-late"]);
    let late =
        range["findings"].as_array().unwrap().iter().find(|f| f["location"]["logical_id"] == "trail-13-late").unwrap();
    assert!(late["events"][0]["file"].as_str().unwrap().contains("/2026/03/14/"), "{late}");

    // Exact times.
    let times = run(&["--since", "2026-03-12T12:00:00Z", "--until", "2026-03-13T23:59:00Z"]);
    assert_eq!(subjects(&times), ["trail-12", "trail-13"]);
    let times = run(&["--since", "2026-03-11T23:00:00+00:00"]);
    assert_eq!(times["summary"]["files_scanned"], 4);
    assert_eq!(subjects(&times), ["trail-11-late", "trail-12", "trail-13", "trail-13-late", "trail-14"]);

    // Only --until.
    let until = run(&["--until", "2026-03-10"]);
    assert_eq!(until["summary"]["files_scanned"], 2);
    assert_eq!(subjects(&until), ["trail-10"]);

    // Nothing in range: a run, not an error.
    let out = nextgap(&["trail", "AWSLogs", "--since", "2027-01-01", "--no-config", "-f", "json"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let none = json_of(&out);
    assert_eq!(none["summary"]["files_scanned"], 0);
    assert!(none["summary"]["files_skipped"].as_u64().unwrap() > 0);

    // Bad dates and reversed ranges are usage errors.
    for bad in
        [&["--since", "yesterday"][..], &["--since", "2026-03-14", "--until", "2026-03-10"], &["--until", "2026-02-30"]]
    {
        let mut args = vec!["trail", "AWSLogs", "--no-config"];
        args.extend_from_slice(bad);
        assert_eq!(nextgap(&args, dir.path()).status.code(), Some(2), "{bad:?}");
    }
}

fn bucket_policy(id: &str, time: &str, bucket: &str, public: bool) -> Value {
    if public {
        let policy = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
            "Action": "s3:GetObject", "Resource": format!("arn:aws:s3:::{bucket}/*")}]});
        event(
            "PutBucketPolicy",
            "s3.amazonaws.com",
            id,
            time,
            json!({"bucketName": bucket, "bucketPolicy": policy}),
            Value::Null,
        )
    } else {
        event("DeleteBucketPolicy", "s3.amazonaws.com", id, time, json!({"bucketName": bucket}), Value::Null)
    }
}

#[test]
fn revert_window() {
    let (_, default) = example_json(&["--rule", "NG-S3-357"]);
    assert_eq!(pairs(&default), owned(&[("NG-S3-357", "acme-reports")]));
    // acme-assets was reverted after 15 minutes: too late for a 5-minute window.
    let (_, short) = example_json(&["--rule", "NG-S3-357", "--window", "5"]);
    assert_eq!(pairs(&short), owned(&[("NG-S3-357", "acme-assets"), ("NG-S3-357", "acme-reports")]));
    let assets =
        short["findings"].as_array().unwrap().iter().find(|f| f["location"]["logical_id"] == "acme-assets").unwrap();
    let names: Vec<&str> =
        assets["events"].as_array().unwrap().iter().map(|e| e["event_name"].as_str().unwrap()).collect();
    assert_eq!(names, ["PutBucketPolicy", "DeleteBucketPolicy"]);

    let dir = tempfile::tempdir().unwrap();
    // Public at 10:00, private again at 10:10 — in two files, the revert read first.
    write(dir.path(), "logs/b.json", records(&[bucket_policy("revert", "2026-03-14T10:10:00Z", "late-revert", false)]));
    write(dir.path(), "logs/a.json", records(&[bucket_policy("public", "2026-03-14T10:00:00Z", "late-revert", true)]));
    let run = |extra: &[&str]| {
        let mut args = vec!["trail", "logs", "-f", "json", "--no-config", "--rule", "NG-S3-357"];
        args.extend_from_slice(extra);
        let out = nextgap(&args, dir.path());
        (out.status.code(), json_of(&out))
    };
    let (code, report) = run(&[]);
    assert_eq!((code, pairs(&report)), (Some(0), vec![]));
    let (code, report) = run(&["--window", "5"]);
    assert_eq!((code, pairs(&report)), (Some(1), owned(&[("NG-S3-357", "late-revert")])));
    assert_eq!(report["findings"][0]["severity"], "critical");
    let (code, report) = run(&["--window", "10"]);
    assert_eq!((code, pairs(&report)), (Some(0), vec![]), "a revert at the end of the window counts");
    // The window from nextgap.toml, overridden by --window.
    write(dir.path(), "nextgap.toml", "[trail]\nrevert-window-minutes = 5\n");
    let toml = |extra: &[&str]| {
        let mut args = vec!["trail", "logs", "-f", "json", "--config", "nextgap.toml", "--rule", "NG-S3-357"];
        args.extend_from_slice(extra);
        pairs(&json_of(&nextgap(&args, dir.path())))
    };
    assert_eq!(toml(&[]), owned(&[("NG-S3-357", "late-revert")]));
    assert_eq!(toml(&["--window", "60"]), vec![]);

    for bad in ["0", "-5", "soon", "9223372036854775807", "5270401"] {
        let out = nextgap(&["trail", "logs", "--no-config", "--window", bad], dir.path());
        assert_eq!(out.status.code(), Some(2), "--window {bad}");
    }
}

#[test]
fn rule_selection() {
    let (out, report) = example_json(&["--rule", "NG-TRAIL-359"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(pairs(&report), owned(&[("NG-TRAIL-359", "arn:aws:cloudtrail:eu-west-1:111122223333:trail/org-trail")]));
    let (_, by_name) = example_json(&["--rule", "trail-logging-reduced"]);
    assert_eq!(pairs(&by_name), pairs(&report));
    let (_, by_family) = example_json(&["--rule", "IAM-KEYS"]);
    let rules: BTreeSet<String> = pairs(&by_family).into_iter().map(|p| p.0).collect();
    assert_eq!(
        rules,
        BTreeSet::from(["NG-KEYS-365".into(), "NG-IAM-356".into(), "NG-SIGNIN-352".into(), "NG-SIGNIN-353".into()])
    );
    let (_, two) = example_json(&["--rule", "NG-TRAIL-359", "--rule", "NG-ORG-364"]);
    assert_eq!(
        pairs(&two),
        owned(&[
            ("NG-ORG-364", "111122223333"),
            ("NG-TRAIL-359", "arn:aws:cloudtrail:eu-west-1:111122223333:trail/org-trail")
        ])
    );

    let out = nextgap(&["trail", EXAMPLE, "--no-config", "--no-builtin"], &repo());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--no-builtin without Sigma rules"), "{}", stderr(&out));
    assert!(out.stdout.is_empty());

    let out = nextgap(&["trail", EXAMPLE, "--no-config", "--rule", "NG-NOPE-999"], &repo());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unknown rule or family `NG-NOPE-999`"), "{}", stderr(&out));
    // A template rule never fires on events: an error, not a silent empty run.
    let out = nextgap(&["trail", EXAMPLE, "--no-config", "--rule", "NG-EC2-001"], &repo());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not CloudTrail events"), "{}", stderr(&out));
}

/// CreateAccessKey and GetSessionToken answer with the secret key and the session token, and a
/// CreateLoginProfile request holds a password: none of it is ever printed, whatever the format.
#[test]
fn no_secret_is_ever_printed() {
    const SECRETS: &[&str] = &[
        "wJalrXUtnFEMIK7MDENGbPxRfiCYSECRETKEY01",
        "SessionSecretXYZabcdefghijklmnopqrstuv02",
        "FwoGZXIvYXdzEXAMPLESESSIONTOKENVALUE03",
        "HUNTER2-PASSWORD-SECRET-04",
        "RequestSecretInParameters05",
    ];
    let root =
        json!({"type": "Root", "principalId": ACCOUNT, "arn": "arn:aws:iam::111122223333:root", "accountId": ACCOUNT});
    let mut create_key = event(
        "CreateAccessKey",
        "iam.amazonaws.com",
        "s1",
        "2026-03-14T10:00:00Z",
        json!({"userName": "bob"}),
        json!({"accessKey": {"accessKeyId": "AKIABOBNEWKEY0000001", "secretAccessKey": SECRETS[0],
                             "status": "Active", "userName": "bob", "createDate": "Mar 14, 2026 10:00:00 AM"}}),
    );
    create_key["sessionCredentialFromConsole"] = json!("true");
    let mut session = event(
        "GetSessionToken",
        "sts.amazonaws.com",
        "s2",
        "2026-03-14T10:01:00Z",
        json!({"durationSeconds": 3600}),
        json!({"credentials": {"accessKeyId": "ASIASESSIONKEY000001", "secretAccessKey": SECRETS[1],
                               "sessionToken": SECRETS[2], "expiration": "Mar 14, 2026, 11:01:00 AM"}}),
    );
    session["userIdentity"] = root;
    let login_profile = event(
        "CreateLoginProfile",
        "iam.amazonaws.com",
        "s3",
        "2026-03-14T10:02:00Z",
        json!({"userName": "carol", "password": SECRETS[3], "passwordResetRequired": false}),
        json!({"loginProfile": {"userName": "carol"}}),
    );
    let mut odd = event(
        "ModifySnapshotAttribute",
        "ec2.amazonaws.com",
        "s4",
        "2026-03-14T10:03:00Z",
        json!({"snapshotId": "snap-1", "createVolumePermission": {"add": {"items": [{"group": "all"}]}},
               "secretAccessKey": SECRETS[4]}),
        json!({"_return": true}),
    );
    odd["userIdentity"]["accessKeyId"] = json!("AKIAMALLORYLONGTERM1");
    let dir = tempfile::tempdir().unwrap();
    let events = [create_key, session, login_profile, odd];
    write(dir.path(), "secrets.json", records(&events));
    let raw = std::fs::read_to_string(dir.path().join("secrets.json")).unwrap();
    assert!(SECRETS.iter().all(|s| raw.contains(s)), "the fixture holds the secrets");

    let sigma = shared().map(|s| s.join("rules/sigma-aws/rules").display().to_string());
    let mut runs = 0;
    for format in ["text", "json", "jsonl", "csv", "sarif"] {
        for verbose in [false, true] {
            let mut args = vec!["trail", "secrets.json", "--no-config", "-f", format, "--color", "never"];
            if verbose {
                args.push("-v");
            }
            if let Some(s) = &sigma {
                args.extend(["--sigma", s.as_str()]);
            }
            let out = nextgap(&args, dir.path());
            assert_eq!(out.status.code(), Some(1), "{format}: {}", stderr(&out));
            let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
            assert!(all.contains("NG-IAM-355"), "{format}: the findings are there: {all}");
            for secret in SECRETS {
                assert!(!all.contains(secret), "{format} (verbose {verbose}) printed a secret {secret}:\n{all}");
            }
            runs += 1;
        }
    }
    assert_eq!(runs, 10);
    // The same through standard input and as NDJSON.
    let out = nextgap_stdin(&["trail", "-", "--no-config", "-f", "json"], dir.path(), ndjson(&events).as_bytes());
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
    assert!(all.contains("NG-EC2-361"), "{all}");
    assert!(SECRETS.iter().all(|s| !all.contains(s)), "{all}");
}

/// A hunting rule that matches most events can be turned off by id or file stem; it is then
/// listed as skipped, and a name that is not a loaded rule is a usage error.
#[test]
fn sigma_rules_can_be_disabled() {
    let Some(shared) = shared() else { return };
    let rules = shared.join("rules/sigma-aws/rules");
    let rules = rules.to_str().unwrap();
    let names = |report: &Value| -> Vec<String> {
        let mut v: Vec<String> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| !f["rule_id"].as_str().unwrap().starts_with("NG-"))
            .map(|f| f["rule_name"].as_str().unwrap().to_string())
            .collect();
        v.sort();
        v.dedup();
        v
    };
    let (_, all) = example_json(&["--sigma", rules, "--fail-on", "never"]);
    assert!(names(&all).contains(&"aws_sts_assumerole_misuse".to_string()));
    let (out, fewer) = example_json(&[
        "--sigma",
        rules,
        "--fail-on",
        "never",
        "--sigma-disable",
        "aws_sts_assumerole_misuse",
        "--sigma-disable",
        "f305fd62-beca-47da-ad95-7690a0620084",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut expected = names(&all);
    expected.retain(|n| n != "aws_sts_assumerole_misuse" && n != "aws_enum_buckets");
    assert_eq!(names(&fewer), expected);
    let skipped: Vec<&str> = fewer["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["reason"] == "Sigma rule disabled in configuration")
        .map(|s| s["file"].as_str().unwrap())
        .collect();
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    let out = nextgap(&["trail", EXAMPLE, "--no-config", "--sigma", rules, "--sigma-disable", "no-such-rule"], &repo());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("`no-such-rule`"), "{}", stderr(&out));
}
