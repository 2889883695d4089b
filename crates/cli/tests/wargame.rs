//! `nextgap wargame` on the bundled example account: scenarios, ranking, findings, formats,
//! bad inputs.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/wargame-account.json")
}

fn nextgap(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nextgap"))
        .arg("wargame")
        .arg(example())
        .args(args)
        .arg("--no-config")
        .output()
        .expect("run nextgap")
}

fn json(args: &[&str]) -> Value {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let out = nextgap(&all);
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_string()).collect()
}

#[test]
fn leaked_ci_key_becomes_admin_through_cloudformation() {
    let report = json(&["--compromised", "AKIAEXAMPLECIDEPLOY1"]);
    let s = &report["scenarios"][0];
    assert_eq!(strings(&s["compromised"]), ["arn:aws:iam::111122223333:user/ci-deploy"]);
    assert_eq!(s["can_become_admin"], true);
    let chain = s["admin_chain"].as_array().unwrap();
    assert_eq!(chain.len(), 2);
    assert_eq!(chain[0]["kind"], "pass-role");
    assert_eq!(chain[0]["path"], "cloudformation-001");
    assert_eq!(chain[0]["to"], "arn:aws:iam::111122223333:role/cfn-exec");
    let perms: Vec<(&str, &str, u64)> = chain[0]["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["permission"].as_str().unwrap(), p["policy"].as_str().unwrap(), p["statement"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        perms,
        [
            ("iam:PassRole", "user/ci-deploy inline deploy", 1),
            ("cloudformation:CreateStack", "user/ci-deploy inline deploy", 0)
        ]
    );
    assert_eq!(chain[1]["kind"], "is-admin");
    // As administrator it can delete the database with its snapshot, and stop the trail.
    let db = s["data"].as_array().unwrap().iter().find(|d| d["resource_type"] == "AWS::RDS::DBInstance").unwrap();
    assert_eq!(db["same_domain"], true);
    assert!(s["audit"].as_array().unwrap().iter().any(|a| a["action"] == "cloudtrail:StopLogging"));
}

#[test]
fn ranking_and_findings_name_every_escalation() {
    let report = json(&["--all"]);
    assert_eq!(report["admins"], 5);
    assert_eq!(report["can_become_admin"], 10, "5 administrators and 5 principals that can become one");
    let escalations: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "NG-IAM-366")
        .map(|f| f["location"]["logical_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        escalations,
        [
            "oidc-provider/token.actions.githubusercontent.com",
            "role/github-deploy",
            "user/bob",
            "user/ci-deploy",
            "user/reporting"
        ]
    );
    for f in report["findings"].as_array().unwrap() {
        assert!(["IAM-ESCALATION", "IAM-SAME-DOMAIN", "IAM-BROAD"].contains(&f["family"].as_str().unwrap()));
        assert!(!f["evidence"].as_str().unwrap().is_empty());
    }
    let top = &report["ranking"][0];
    assert_eq!(top["rank"], 1);
    assert_eq!(top["can_become_admin"], true);
    // The vendor role is neither admin nor able to become one: its trust needs an external id.
    let vendor = report["ranking"].as_array().unwrap().iter().find(|r| r["name"] == "vendor-audit").unwrap();
    assert_eq!(vendor["can_become_admin"], false);
    assert_eq!(vendor["audit"], 1, "cloudtrail:StopLogging on the trail");
}

#[test]
fn named_scenarios_pick_their_principals() {
    let picked = |name: &str| -> Vec<String> {
        let report = json(&["--scenario", name, "--top", "50"]);
        let mut all: Vec<String> = report["scenarios"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| strings(&s["compromised"]))
            .map(|a| a.rsplit(':').next().unwrap().to_string())
            .collect();
        all.sort();
        all
    };
    assert_eq!(picked("lose-root"), ["root"]);
    assert_eq!(picked("leaked-key"), ["user/ci-deploy", "user/reporting"]);
    assert_eq!(picked("ci-role-compromised"), ["role/github-deploy", "user/ci-deploy"]);
    assert_eq!(picked("insider-console"), ["user/alice", "user/auditor", "user/bob"]);
}

#[test]
fn drawings_show_the_attack_path() {
    let dot = String::from_utf8(nextgap(&["--compromised", "bob", "--format", "dot"]).stdout).unwrap();
    assert!(dot.starts_with("digraph nextgap_wargame {"), "{dot}");
    assert!(dot.contains("\"user/bob\" -> \"role/lambda-admin-legacy\" [label=\"pass-role (lambda-001)\"];"), "{dot}");
    assert!(dot.contains("\"role/lambda-admin-legacy\" -> \"ADMINISTRATOR\""), "{dot}");
    let mermaid = String::from_utf8(nextgap(&["--compromised", "bob", "--format", "mermaid"]).stdout).unwrap();
    assert!(mermaid.starts_with("flowchart LR\n"), "{mermaid}");
    assert!(mermaid.contains("-->|\"pass-role (lambda-001)\"|"), "{mermaid}");
    let text = String::from_utf8(nextgap(&["--compromised", "bob"]).stdout).unwrap();
    assert!(text.contains("Becomes administrator: YES"), "{text}");
    assert!(
        text.contains("iam:PassRole on role/lambda-admin-legacy — group/developers inline developer, statement 1"),
        "{text}"
    );
}

#[test]
fn sarif_and_exit_codes() {
    let out = nextgap(&["--all", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(1), "high findings fail by default");
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["NG-IAM-366", "NG-IAM-367", "NG-IAM-368"]);
    assert_eq!(nextgap(&["--all", "--fail-on", "never", "--format", "json"]).status.code(), Some(0));
    let none = nextgap(&[]);
    assert_eq!(none.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&none.stderr).contains("--compromised"));
    let unknown = nextgap(&["--compromised", "nobody"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no principal \"nobody\""));
}

#[test]
fn bad_inputs_are_named_and_the_rest_is_war_gamed() {
    let dir = tempfile::tempdir().unwrap();
    let cut = dir.path().join("cut.json.gz");
    std::fs::write(&cut, [0x1f, 0x8b, 0x08, 0x00, 0x01]).unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"UserDetailList\": [").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_nextgap"))
        .args(["wargame", "--all", "--format", "json", "--no-config", "--fail-on", "never"])
        .arg(&cut)
        .arg(example())
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors: Vec<String> =
        report["errors"].as_array().unwrap().iter().map(|e| e["message"].as_str().unwrap().to_string()).collect();
    assert_eq!(errors.len(), 2);
    assert!(errors[0].contains("bad.json: line 1 column 20"), "{errors:?}");
    assert!(errors[1].contains("cut.json.gz: gzip"), "{errors:?}");
    assert_eq!(report["accounts"][0], "111122223333");
    let only_bad = Command::new(env!("CARGO_BIN_EXE_nextgap"))
        .args(["wargame", "--all", "--no-config"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(only_bad.status.code(), Some(2));
}
