//! The JSON output against `docs/report.schema.json`, and the SARIF output against the
//! official OASIS SARIF 2.1.0 schema.
//!
//! The SARIF schema is not kept in this repository. The test reads the copy that the
//! `serde-sarif` crate (a dependency of this crate, so always downloaded by the build) ships
//! as `src/schema.json`, from the cargo registry source directory. Where it is looked for, in
//! order:
//! 1. `$SARIF_SCHEMA`, a path to a `sarif-schema-2.1.0.json`;
//! 2. `$CARGO_HOME/registry/src/*/serde-sarif-<version>/src/schema.json` (`CARGO_HOME`
//!    defaults to `~/.cargo`), the version the workspace `Cargo.lock` pins, else the newest
//!    there.
//!
//! When none is found the test says so and checks the structure only, unless `CI` or
//! `NEXTGAP_REQUIRE_SARIF_SCHEMA` is set, where it fails.

mod common;

use nextgap_findings::{Finding, Location, Report};
use nextgap_rules::Rule;
use nextgap_sinks::{write_json, write_sarif};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// Breaks a document in one way, for the tests that show a schema refuses it.
type Breaker = fn(&mut Value);

const SARIF_TITLE: &str = "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema";

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn workspace_root() -> PathBuf {
    manifest_dir().join("../..")
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::options().should_validate_formats(true).build(schema).expect("the schema compiles")
}

/// The official SARIF schema as published fails draft-07's meta-schema in one way: the
/// `language` patterns (`^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$`) have a stray `]`, accepted
/// by JavaScript's legacy regex syntax and rejected by jsonschema's ECMA-262 check. Those
/// patterns are repaired in memory, to what they meant; the rest is used as shipped.
fn sarif_schema_validator(mut schema: Value) -> jsonschema::Validator {
    const STRAY: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
    fn repair(v: &mut Value) {
        match v {
            Value::Object(map) => {
                if map.get("pattern").and_then(Value::as_str) == Some(STRAY) {
                    map.insert("pattern".into(), json!("^[a-zA-Z]{2}(-[a-zA-Z]{2})?$"));
                }
                map.values_mut().for_each(repair);
            }
            Value::Array(items) => items.iter_mut().for_each(repair),
            _ => {}
        }
    }
    repair(&mut schema);
    validator(&schema)
}

/// Every violation, one per line, with where it is in the instance.
fn violations(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator.iter_errors(instance).map(|e| format!("{}: {e}", e.instance_path())).collect()
}

fn assert_valid(validator: &jsonschema::Validator, instance: &Value, what: &str) {
    let errors = violations(validator, instance);
    assert!(errors.is_empty(), "{what} does not match its schema:\n{}", errors.join("\n"));
}

fn json_of(report: &Report) -> Value {
    let mut out = Vec::new();
    write_json(report, &mut out).unwrap();
    serde_json::from_slice(&out).expect("write_json writes JSON")
}

fn sarif_of(report: &Report, rules: &[&Rule]) -> Value {
    let mut out = Vec::new();
    write_sarif(report, rules, &mut out).unwrap();
    serde_json::from_slice(&out).expect("write_sarif writes JSON")
}

fn empty_report() -> Report {
    let mut r = Report::new(common::VERSION);
    r.finish();
    r
}

/// One finding for every registered rule, so every real rule's metadata goes through the
/// sinks and the schemas.
fn registry_report() -> Report {
    let mut r = Report::new(common::VERSION);
    for (i, rule) in nextgap_rules::registry().iter().enumerate() {
        let m = &rule.meta;
        let mut f = Finding {
            rule_id: m.id.into(),
            rule_name: m.name.into(),
            family: m.family.into(),
            severity: m.severity,
            title: m.title.into(),
            message: format!("{} (test finding)", m.title),
            location: Location {
                file: "templates/all rules.yaml".into(),
                line: i as u32 + 1,
                column: 3,
                logical_id: format!("Resource{i}"),
                resource_type: m.resource_types.first().copied().unwrap_or("AWS::CloudFormation::Stack").into(),
                arn: None,
                path: String::new(),
                ..Default::default()
            },
            evidence: String::new(),
            fix: m.fix.into(),
            references: m.references(),
            fingerprint: String::new(),
            events: Vec::new(),
        };
        f.compute_fingerprint();
        r.findings.push(f);
    }
    r.summary.files_scanned = 1;
    r.finish();
    r
}

// ---------------------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------------------

fn report_schema() -> Value {
    read_json(&workspace_root().join("docs/report.schema.json"))
}

#[test]
fn json_output_matches_the_report_schema() {
    let schema = report_schema();
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
    let v = validator(&schema);
    assert_valid(&v, &json_of(&common::report()), "the sample report");
    assert_valid(&v, &json_of(&common::maximal_report()), "a report with every optional field");
    assert_valid(&v, &json_of(&empty_report()), "an empty report");
    assert_valid(&v, &json_of(&registry_report()), "a finding of every registered rule");
}

/// The schema is strict: a field it does not document, or a value out of range, fails it (so
/// a new field in the report fails this test until the schema and docs describe it).
#[test]
fn report_schema_rejects_what_it_does_not_document() {
    let v = validator(&report_schema());
    let good = json_of(&common::maximal_report());
    let broken: [(&str, Breaker); 6] = [
        ("unknown top-level field", |r| r["extra"] = json!(1)),
        ("unknown finding field", |r| r["findings"][0]["cvss"] = json!(9.8)),
        ("bad severity", |r| r["findings"][0]["severity"] = json!("urgent")),
        ("missing location", |r| {
            r["findings"][0].as_object_mut().unwrap().remove("location");
        }),
        ("negative line", |r| r["errors"][0]["line"] = json!(-1)),
        ("bad schema version", |r| r["schema_version"] = json!("2.0")),
    ];
    for (what, breaks) in broken {
        let mut bad = good.clone();
        breaks(&mut bad);
        assert!(!violations(&v, &bad).is_empty(), "the schema accepts a report with {what}");
    }
}

/// Every field the schema names is described in `docs/json-schema.md`.
#[test]
fn json_schema_doc_covers_every_field() {
    let doc = std::fs::read_to_string(workspace_root().join("docs/json-schema.md")).expect("docs/json-schema.md");
    let mut fields = Vec::new();
    collect_properties(&report_schema(), &mut fields);
    let missing: Vec<_> = fields.iter().filter(|f| !doc.contains(&format!("`{f}`"))).collect();
    assert!(missing.is_empty(), "docs/json-schema.md does not describe {missing:?}");
}

fn collect_properties(schema: &Value, out: &mut Vec<String>) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::Object(props)) = map.get("properties") {
                out.extend(props.keys().cloned());
            }
            map.values().for_each(|v| collect_properties(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_properties(v, out)),
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------------
// SARIF
// ---------------------------------------------------------------------------------------------

/// Where the official schema is on this machine, if anywhere (see the module docs).
fn find_sarif_schema() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SARIF_SCHEMA").map(PathBuf::from) {
        assert!(p.is_file(), "SARIF_SCHEMA={} is not a file", p.display());
        return Some(p);
    }
    from_registry()
}

/// The `serde-sarif` version the workspace lock file pins.
fn locked_serde_sarif_version() -> Option<String> {
    let lock = std::fs::read_to_string(workspace_root().join("Cargo.lock")).ok()?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"serde-sarif\"" {
            let version = lines.next()?.trim().strip_prefix("version = \"")?.strip_suffix('"')?;
            return Some(version.to_string());
        }
    }
    None
}

/// `serde-sarif-<version>/src/schema.json` in the cargo registry sources: the locked version,
/// else the newest one there.
fn from_registry() -> Option<PathBuf> {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
    let mut found: Vec<(PathBuf, String)> = Vec::new();
    for registry in std::fs::read_dir(cargo_home.join("registry/src")).ok()?.flatten() {
        for package in std::fs::read_dir(registry.path()).into_iter().flatten().flatten() {
            let name = package.file_name().to_string_lossy().into_owned();
            let Some(version) = name.strip_prefix("serde-sarif-") else { continue };
            let schema = package.path().join("src/schema.json");
            if schema.is_file() {
                found.push((schema, version.to_string()));
            }
        }
    }
    let locked = locked_serde_sarif_version();
    if let Some(hit) = found.iter().find(|(_, v)| Some(v) == locked.as_ref()) {
        return Some(hit.0.clone());
    }
    found.sort_by_key(|(_, v)| v.split('.').map(|n| n.parse::<u64>().unwrap_or(0)).collect::<Vec<_>>());
    found.pop().map(|(p, _)| p)
}

fn schema_required() -> bool {
    ["CI", "NEXTGAP_REQUIRE_SARIF_SCHEMA"]
        .iter()
        .any(|name| std::env::var(name).is_ok_and(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false")))
}

/// The official schema's validator, or `None` (after saying why) when it is not here.
fn sarif_validator() -> Option<jsonschema::Validator> {
    let Some(path) = find_sarif_schema() else {
        let notice = "official SARIF 2.1.0 schema not found (serde-sarif's src/schema.json in the cargo registry, \
                      or $SARIF_SCHEMA)";
        assert!(!schema_required(), "{notice}; it is required when CI or NEXTGAP_REQUIRE_SARIF_SCHEMA is set");
        eprintln!("NOTICE: {notice}: checking the SARIF structure only");
        return None;
    };
    let schema = read_json(&path);
    assert_eq!(schema["title"], SARIF_TITLE, "{} is not the SARIF 2.1.0 schema", path.display());
    let id = schema["$id"].as_str().or(schema["id"].as_str()).unwrap_or_default();
    assert!(id.ends_with("sarif-schema-2.1.0.json"), "{} has $id {id}", path.display());
    eprintln!("validating SARIF against {}", path.display());
    Some(sarif_schema_validator(schema))
}

fn sample_rules() -> Vec<Rule> {
    common::rules()
}

/// The logs every SARIF test checks: the sample (with rules passed in and one not), a report
/// with every optional field, an empty one, and every registered rule with a finding each.
fn sarif_logs() -> Vec<(&'static str, Value)> {
    let rules = sample_rules();
    let rules: Vec<&Rule> = rules.iter().collect();
    vec![
        ("the sample report", sarif_of(&common::report(), &rules)),
        ("a report with every optional field", sarif_of(&common::maximal_report(), &rules)),
        ("an empty report", sarif_of(&empty_report(), &[])),
        ("every registered rule", sarif_of(&registry_report(), nextgap_rules::registry())),
    ]
}

#[test]
fn sarif_output_matches_the_official_schema() {
    let logs = sarif_logs();
    for (what, log) in &logs {
        check_sarif_structure(log, what);
    }
    let Some(v) = sarif_validator() else { return };
    for (what, log) in &logs {
        assert_valid(&v, log, what);
    }
    // The schema is really in force: logs it must refuse are refused.
    let broken: [(&str, Breaker); 4] = [
        ("an unknown level", |log| log["runs"][0]["results"][0]["level"] = json!("fatal")),
        ("a space in a URI", |log| {
            log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] =
                json!("templates/my app.yaml")
        }),
        ("line 0", |log| {
            log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = json!(0)
        }),
        ("a property SARIF does not define", |log| log["runs"][0]["results"][0]["severity"] = json!("high")),
    ];
    for (what, breaks) in broken {
        let mut bad = logs[0].1.clone();
        breaks(&mut bad);
        assert!(!violations(&v, &bad).is_empty(), "the SARIF schema accepts a result with {what}");
    }
}

/// What GitHub code scanning needs beyond the schema, checked with or without it.
fn check_sarif_structure(log: &Value, what: &str) {
    assert_eq!(log["version"], "2.1.0", "{what}");
    let runs = log["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1, "{what}: one run");
    let run = &runs[0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "nextgap", "{what}");
    assert!(driver["version"].as_str().is_some_and(|v| !v.is_empty()), "{what}: driver version");
    assert!(driver["informationUri"].as_str().is_some_and(|u| u.starts_with("https://")), "{what}");
    let rules = driver["rules"].as_array().expect("driver.rules");
    let mut ids = std::collections::HashSet::new();
    for rule in rules {
        let id = rule["id"].as_str().expect("rule id");
        assert!(ids.insert(id), "{what}: rule {id} listed twice");
        assert!(rule["shortDescription"]["text"].as_str().is_some_and(|t| !t.is_empty()), "{what}: {id}");
        assert!(rule["help"]["text"].as_str().is_some_and(|t| !t.is_empty()), "{what}: {id} help");
        let props = &rule["properties"];
        let score: f64 = props["security-severity"].as_str().expect("security-severity string").parse().unwrap();
        assert!((0.0..=10.0).contains(&score), "{what}: {id}");
        let tags: Vec<&str> = props["tags"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
        assert!(tags.contains(&"security") && tags.contains(&props["family"].as_str().unwrap()), "{what}: {id}");
        assert!(["error", "warning", "note"].contains(&rule["defaultConfiguration"]["level"].as_str().unwrap()));
    }
    for result in run["results"].as_array().expect("results") {
        let id = result["ruleId"].as_str().expect("ruleId");
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], id, "{what}: ruleIndex of {id}");
        assert!(["error", "warning", "note"].contains(&result["level"].as_str().unwrap()));
        assert!(result["message"]["text"].as_str().is_some_and(|t| !t.is_empty()));
        assert!(result["partialFingerprints"]["nextgap/v1"].as_str().is_some_and(|f| f.len() == 16));
        let location = &result["locations"][0];
        if let Some(artifact) = location["physicalLocation"]["artifactLocation"].as_object() {
            let uri = artifact["uri"].as_str().unwrap();
            assert!(!uri.contains('\\') && !uri.starts_with("./") && !uri.contains(' '), "{what}: uri {uri}");
            assert_eq!(artifact["uriBaseId"], "%SRCROOT%", "{what}: {uri}");
            let region = &location["physicalLocation"]["region"];
            assert!(region["startLine"].as_u64().is_some_and(|l| l > 0), "{what}: {id} startLine");
        }
        let logical = &location["logicalLocations"][0];
        assert_eq!(logical["kind"], "resource");
        assert!(logical["fullyQualifiedName"].as_str().is_some_and(|n| n.ends_with(logical["name"].as_str().unwrap())));
    }
}

#[test]
fn sarif_lists_every_rule_passed_in_and_every_rule_found() {
    let (_, log) = sarif_logs().swap_remove(0);
    let ids: Vec<&str> = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    // Passed in (in order), then found but not passed in.
    assert_eq!(ids, ["NG-S3-901", "NG-EC2-901", "NG-IAM-901", "NG-RDS-901"]);
    let notifications = &log["runs"][0]["invocations"][0]["toolExecutionNotifications"];
    assert_eq!(notifications.as_array().unwrap().len(), 1);
    assert_eq!(notifications[0]["level"], "error");
}

#[test]
fn sarif_live_finding_has_a_logical_location_only() {
    let rules = sample_rules();
    let rules: Vec<&Rule> = rules.iter().collect();
    let log = sarif_of(&common::maximal_report(), &rules);
    let live = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["locations"][0]["physicalLocation"].is_null())
        .expect("the live finding");
    let logical = &live["locations"][0]["logicalLocations"][0];
    assert_eq!(logical["fullyQualifiedName"], "AWS::S3::Bucket/assets-prod");
    assert_eq!(logical["properties"]["arn"], "arn:aws:s3:::assets-prod");
}
