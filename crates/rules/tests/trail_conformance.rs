//! Conformance of the built-in CloudTrail detections (`nextgap trail`) against two public corpora
//! in `../shared/corpora/cloudtrail`:
//!
//! - **Panther** (`panther-analysis/`): `labels.json` gives, per file of `rules/`, a Panther rule
//!   and its unit tests (`expected` true/false), in the order of the file's `Records`. For every
//!   Panther rule whose behaviour one of our rules covers, each record is run on its own and our
//!   verdict must match Panther's, except for the differences listed (with their reason) in
//!   [`PANTHER`]. A summary line per Panther rule is printed (`agree/total`).
//! - **Stratus Red Team** (`stratus-red-team/`): real attack runs, one file per technique. Each file
//!   is read as one run and the set of built-in rule ids with findings must be exactly the one in
//!   [`STRATUS`] (nothing, for techniques not listed).
//!
//! Only the public API is used. Mappings that name a rule the registry does not know (yet) are
//! skipped with a notice, so the test passes while rules are being added.

use nextgap_model::event::Event;
use nextgap_rules::trail::{Site, TrailEngine, TrailSettings, TrailState};
use nextgap_rules::{find, registry, Config};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// A Panther rule (by its file in `panther-analysis/rules/`) and the rules of ours covering it.
struct Mapping {
    file: &'static str,
    /// A record counts as detected when any of these fires on it.
    rules: &'static [&'static str],
    /// Panther tests (by name) where our verdict differs on purpose, and why.
    differ: &'static [(&'static str, &'static str)],
}

const NOT_PUBLIC: &str = "shared with one named account, not with everyone: a cross-account copy is not \
    what NG-EC2-361 (made public) reports";
const NOT_A_BUCKET: &str = "not an S3 bucket (ECR, Elasticsearch, KMS, SQS): NG-S3-357 is about buckets only";
const ROLE_CALLER: &str = "the caller is an assumed-role session named like the user; the contract reports any \
    non-IAMUser caller naming a user, since a role session has no password or keys of its own";

const PANTHER: &[Mapping] = &[
    Mapping { file: "AWS_Console_RootLogin.json", rules: &["NG-ROOT-350"], differ: &[] },
    Mapping {
        file: "AWS_Root_Activity.json",
        rules: &["NG-ROOT-350", "NG-ROOT-351"],
        differ: &[
            (
                "Root Activity - CreateServiceLinkedRole",
                "Panther allow-lists CreateServiceLinkedRole; every root API call is a finding for NG-ROOT-351",
            ),
            (
                "Root Read-Only Enumeration",
                "Panther ignores read-only root calls; root use of any kind is the anti-pattern",
            ),
        ],
    },
    Mapping {
        file: "AWS_CloudTrail_RootAccessKeyCreated.json",
        rules: &["NG-ROOT-351"],
        differ: &[(
            "Root Access Key Created",
            "the event carries userIdentity.invokedBy (signin.amazonaws.com), which NG-ROOT-351 leaves out by contract",
        )],
    },
    Mapping {
        file: "AWS_Console_LoginWithoutMFA.json",
        rules: &["NG-SIGNIN-352"],
        differ: &[(
            "No MFA Login - New User",
            "Panther mocks a lookup of users created the same day; we keep no such state, and a password-only \
             sign-in is a finding whatever the user's age",
        )],
    },
    Mapping {
        file: "AWS_CloudTrail_LoginProfileCreatedOrModified.json",
        rules: &["NG-IAM-355"],
        differ: &[("ChangeOwnPassword", ROLE_CALLER)],
    },
    Mapping {
        file: "AWS_User_Login_Profile_Modified.json",
        rules: &["NG-IAM-355"],
        differ: &[
            ("ChangeOwnPassword", ROLE_CALLER),
            (
                "User changed password for other reset required",
                "a password set by someone else is known to them until the user signs in; the contract does not \
                 exempt passwordResetRequired",
            ),
        ],
    },
    Mapping { file: "AWS_IAM_Backdoor_User_Keys.json", rules: &["NG-IAM-355"], differ: &[] },
    Mapping {
        file: "AWS_EC2_ManualSecurityGroupChange.json",
        rules: &["NG-EC2-358"],
        differ: &[(
            "AWS Console - Ingress SG Authorization",
            "0.0.0.0/16 is not the whole internet; Panther flags any console-made ingress rule, NG-EC2-358 only \
             rules open to 0.0.0.0/0 or ::/0",
        )],
    },
    Mapping { file: "AWS_CloudTrail_Stopped.json", rules: &["NG-TRAIL-359"], differ: &[] },
    Mapping { file: "AWS_CloudTrail_EventSelectorsDisabled.json", rules: &["NG-TRAIL-359"], differ: &[] },
    // Its CloudTrail part (DeleteTrail); the other security settings it watches have no rule of ours.
    Mapping { file: "AWS_CloudTrail_SecurityConfigurationChange.json", rules: &["NG-TRAIL-359"], differ: &[] },
    Mapping { file: "AWS_ConfigService_DisabledDeleted.json", rules: &["NG-CONFIG-360"], differ: &[] },
    Mapping {
        file: "AWS_CloudTrail_SnapshotMadePublic.json",
        rules: &["NG-EC2-361"],
        differ: &[("Snapshot Mader Available to Single Person", NOT_PUBLIC)],
    },
    Mapping {
        file: "AWS_CloudTrail_AMIModifiedForPublicAccess.json",
        rules: &["NG-EC2-361"],
        differ: &[("Access Granted To Unknown User", NOT_PUBLIC)],
    },
    Mapping { file: "AWS_RDS_SnapshotDeleted.json", rules: &["NG-BACKUP-362"], differ: &[] },
    Mapping {
        file: "AWS_RDS_AutomatedBackupDeleted.json",
        rules: &["NG-BACKUP-362"],
        differ: &[
            ("Automated Backup Deleted", "DeleteDBInstanceAutomatedBackup is not in the contract's event list"),
            ("Cluster Automated Backup Deleted", "DeleteDBClusterAutomatedBackup is not in the contract's event list"),
        ],
    },
    Mapping {
        file: "AWS_CloudTrail_AttemptToLeaveOrg.json",
        rules: &["NG-ORG-364"],
        differ: &[(
            "Failed Attempt to Leave Org",
            "the call was denied (AccessDenied): the contract counts successful events only",
        )],
    },
    Mapping {
        file: "AWS_CloudTrail_ResourceMadePublic.json",
        rules: &["NG-S3-357"],
        differ: &[
            ("ECR Made Public", NOT_A_BUCKET),
            ("Public Finding Keywords (Should Alert)", NOT_A_BUCKET),
            ("Wildcard Principal No Conditions (Should Alert)", NOT_A_BUCKET),
            ("Mixed Conditions Some Restrictive (Should Alert)", NOT_A_BUCKET),
        ],
    },
    Mapping { file: "AWS_S3_DeletePublicAccessBlock.json", rules: &["NG-S3-357"], differ: &[] },
];

/// Stratus Red Team techniques (the last part of `aws.<tactic>.<technique>.json`) and the exact
/// built-in rules firing on their run. Techniques not listed must fire nothing. Worth knowing:
/// `organizations-leave` is denied (AccessDenied), and `ec2-share-ebs-snapshot`, `ec2-share-ami`
/// and `rds-share-snapshot` share with one account, not with everyone, so none of them is a
/// finding under the contract; the SSH rule's CIDR is anonymized (`208.236.235.254/0`), still /0.
const STRATUS: &[(&str, &[&str])] = &[
    ("cloudtrail-delete", &["NG-TRAIL-359"]),
    ("cloudtrail-event-selectors", &["NG-TRAIL-359"]),
    ("cloudtrail-stop", &["NG-TRAIL-359"]),
    ("console-login-without-mfa", &["NG-SIGNIN-352"]),
    ("ec2-security-group-open-port-22-ingress", &["NG-EC2-358"]),
    ("iam-backdoor-user", &["NG-IAM-355"]),
    ("iam-create-admin-user", &["NG-IAM-355"]),
    ("iam-create-user-login-profile", &["NG-IAM-355"]),
    ("iam-update-user-login-profile", &["NG-IAM-355"]),
    ("organizations-leave", &[]),
    ("ec2-share-ebs-snapshot", &[]),
    ("ec2-share-ami", &[]),
    ("rds-share-snapshot", &[]),
];

fn corpus() -> Option<PathBuf> {
    let shared = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"));
    if !shared.is_dir() {
        eprintln!("notice: ../shared absent; trail conformance skipped");
        return None;
    }
    Some(shared.join("corpora/cloudtrail"))
}

/// Every built-in event rule, enabled whatever its default.
fn engine() -> TrailEngine {
    let ids: Vec<String> =
        registry().iter().filter(|r| r.trail_check().is_some()).map(|r| format!("\"{}\"", r.meta.id)).collect();
    let config = Config::parse(&format!("[rules]\nenable = [{}]\n", ids.join(", "))).expect("config");
    TrailEngine::new(&config, TrailSettings::default())
}

/// The records of a `{"Records": [...]}` file, each as JSON text.
fn records(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let value: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let list = match value {
        Value::Object(mut o) => o.remove("Records").unwrap_or(Value::Null),
        other => other,
    };
    match list {
        Value::Array(items) => items.iter().map(Value::to_string).collect(),
        _ => panic!("{}: no Records list", path.display()),
    }
}

/// Ids of the rules with findings when `records` are read, in order, as one file of one run.
fn fired(engine: &TrailEngine, file: &str, records: &[String]) -> BTreeSet<String> {
    let mut state = TrailState::default();
    for (index, text) in records.iter().enumerate() {
        let event = Event::parse(text).unwrap_or_else(|e| panic!("{file} record {index}: {e}"));
        engine.observe(&event, Site { file, index: index as u64, line: 0 }, &mut state);
    }
    engine.finish(state).into_iter().map(|f| f.rule_id).collect()
}

/// The rules of `ids` the registry does not know, after printing a notice for them.
fn missing(ids: &[&str], what: &str) -> bool {
    let unknown: Vec<&str> = ids.iter().copied().filter(|id| find(id).is_none()).collect();
    if !unknown.is_empty() {
        eprintln!("notice: {} not registered (yet); {what} skipped", unknown.join(", "));
    }
    !unknown.is_empty()
}

#[test]
fn panther_labelled_events() {
    let Some(corpus) = corpus() else { return };
    let root = corpus.join("panther-analysis");
    let labels: Value = serde_json::from_str(&std::fs::read_to_string(root.join("labels.json")).unwrap()).unwrap();
    let labels = labels.as_object().expect("labels.json: an object keyed by file");

    // Every labelled file has exactly one record per test (the tests are in the order of the
    // records: checked by hand against the upstream YAML for the mapped rules).
    for (file, entry) in labels {
        let tests = entry["tests"].as_array().map_or(0, Vec::len);
        let count = records(&root.join("rules").join(file)).len();
        assert_eq!(tests, count, "{file}: {tests} tests but {count} records");
    }

    let engine = engine();
    let mut problems = Vec::new();
    for mapping in PANTHER {
        let entry = labels.get(mapping.file).unwrap_or_else(|| panic!("{}: not in labels.json", mapping.file));
        let panther_id = entry["rule_id"].as_str().unwrap_or(mapping.file);
        let tests = entry["tests"].as_array().unwrap();
        let names: Vec<&str> = tests.iter().map(|t| t["name"].as_str().unwrap_or("")).collect();
        for (name, _) in mapping.differ {
            assert!(names.contains(name), "{}: no Panther test named {name:?}", mapping.file);
        }
        if missing(mapping.rules, &format!("Panther {panther_id}")) {
            continue;
        }
        let recs = records(&root.join("rules").join(mapping.file));
        let mut agree = 0;
        for (index, (test, record)) in tests.iter().zip(&recs).enumerate() {
            let name = names[index];
            let expected = test["expected"].as_bool().expect("expected: a boolean");
            let ours = fired(&engine, mapping.file, std::slice::from_ref(record));
            let detected = mapping.rules.iter().any(|r| ours.contains(*r));
            let justified = mapping.differ.iter().find(|(n, _)| *n == name);
            match (detected == expected, justified) {
                (true, None) => agree += 1,
                (false, Some(_)) => {}
                (true, Some(_)) => problems.push(format!(
                    "{} [{index}] {name:?}: listed as a difference but we agree with Panther (expected {expected}); \
                     remove it from the list",
                    mapping.file
                )),
                (false, None) => problems.push(format!(
                    "{} [{index}] {name:?}: Panther expects {expected}, {} {}",
                    mapping.file,
                    mapping.rules.join("/"),
                    if detected { "fired" } else { "did not fire" }
                )),
            }
        }
        println!(
            "panther {panther_id} → {}: {agree}/{} agree, {} justified differences",
            mapping.rules.join(" + "),
            tests.len(),
            mapping.differ.len()
        );
    }
    assert!(problems.is_empty(), "Panther conformance:\n{}", problems.join("\n"));
}

#[test]
fn stratus_red_team_runs() {
    let Some(corpus) = corpus() else { return };
    let dir = corpus.join("stratus-red-team");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.starts_with("aws.") && name.ends_with(".json")
        })
        .collect();
    files.sort();
    let technique = |p: &Path| -> String {
        let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        stem.rsplit('.').next().unwrap_or(stem).to_string()
    };
    let known: BTreeSet<String> = files.iter().map(|p| technique(p)).collect();
    for (name, _) in STRATUS {
        assert!(known.contains(*name), "no Stratus Red Team file for technique {name}");
    }

    let engine = engine();
    let mut problems = Vec::new();
    for path in &files {
        let name = technique(path);
        let listed: &[&str] = STRATUS.iter().find(|(t, _)| *t == name).map_or(&[], |(_, ids)| ids);
        if missing(listed, &format!("Stratus {name}")) {
            continue;
        }
        let file = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let got = fired(&engine, file, &records(path));
        let expected: BTreeSet<String> = listed.iter().map(|s| s.to_string()).collect();
        println!(
            "stratus {name}: {}",
            if got.is_empty() { "-".into() } else { got.iter().cloned().collect::<Vec<_>>().join(", ") }
        );
        if got != expected {
            problems.push(format!("{name}: expected {expected:?}, got {got:?}"));
        }
    }
    assert!(problems.is_empty(), "Stratus Red Team runs:\n{}", problems.join("\n"));
}
