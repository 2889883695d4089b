//! The SARIF 2.1.0 sink, shaped for GitHub code scanning (which reads `security-severity`,
//! `tags`, `partialFingerprints`, `help.markdown`) and valid against the OASIS schema.
//!
//! One run. `tool.driver.rules` holds every rule passed in (the rules that ran), plus a
//! minimal descriptor for any rule id a finding names that was not passed in, so every
//! result has a `ruleIndex`. Scan errors become `invocations[0].toolExecutionNotifications`.

use crate::references_line;
use nextgap_findings::{Finding, Location as FindingLocation, Report, ScanError, Severity};
use nextgap_rules::{Rule, RuleMeta};
use serde_json::{json, Value};
use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location, LogicalLocation, Message, MultiformatMessageString, Notification,
    PhysicalLocation, PropertyBag, Region, ReportingConfiguration, ReportingDescriptor, Result as SarifResult,
    ResultLevel, Run, Sarif, Tool, ToolComponent,
};
use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

/// The `$schema` written into every log.
pub const SARIF_SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// What relative artifact URIs are relative to: the directory the scan ran from.
const SRCROOT: &str = "%SRCROOT%";

/// `partialFingerprints` key; the value is `Finding::fingerprint`, stable across line moves.
const FINGERPRINT_KEY: &str = "nextgap/v1";

/// GitHub code scanning's `security-severity` (a CVSS-like score as a string): critical is
/// above 9.0, high 7.0–8.9, medium 4.0–6.9, low 0.1–3.9.
pub fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

fn level(s: Severity) -> ResultLevel {
    match s {
        Severity::Critical | Severity::High => ResultLevel::Error,
        Severity::Medium => ResultLevel::Warning,
        Severity::Low | Severity::Info => ResultLevel::Note,
    }
}

fn level_value(s: Severity) -> Value {
    serde_json::to_value(level(s)).unwrap_or(Value::Null)
}

pub fn write_sarif(report: &Report, rules: &[&Rule], out: &mut dyn Write) -> io::Result<()> {
    let log = build(report, rules);
    serde_json::to_writer_pretty(&mut *out, &log)?;
    out.write_all(b"\n")
}

fn build(report: &Report, rules: &[&Rule]) -> Sarif {
    // Descriptors: the rules passed in (first of each id), then any a finding names that was
    // not passed in.
    let mut descriptors = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for rule in rules {
        if !index.contains_key(rule.meta.id) {
            index.insert(rule.meta.id.to_string(), descriptors.len());
            descriptors.push(descriptor(&rule.meta));
        }
    }
    for f in &report.findings {
        if !index.contains_key(&f.rule_id) {
            index.insert(f.rule_id.clone(), descriptors.len());
            descriptors.push(descriptor_from_finding(f));
        }
    }

    let results: Vec<SarifResult> = report.findings.iter().map(|f| result(f, index[&f.rule_id])).collect();

    let version = if report.tool.version.is_empty() { env!("CARGO_PKG_VERSION") } else { &report.tool.version };
    let driver = ToolComponent::builder()
        .name("nextgap")
        .version(version)
        .semantic_version(version)
        .information_uri(env!("CARGO_PKG_REPOSITORY"))
        .rules(descriptors)
        .build();

    let mut invocation = Invocation::builder().execution_successful(true).build();
    if !report.errors.is_empty() {
        invocation.tool_execution_notifications = Some(report.errors.iter().map(notification).collect());
    }

    let summary = serde_json::to_value(&report.summary).unwrap_or(Value::Null);
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .invocations(vec![invocation])
        .results(results)
        .properties(bag(None, [("summary", summary)]))
        .build();

    Sarif::builder().schema(SARIF_SCHEMA_URI).version(json!("2.1.0")).runs(vec![run]).build()
}

fn bag<const N: usize>(tags: Option<Vec<String>>, props: [(&str, Value); N]) -> PropertyBag {
    PropertyBag {
        tags,
        additional_properties: props
            .into_iter()
            .filter(|(_, v)| !v.is_null() && v.as_str() != Some("") && v.as_array().is_none_or(|a| !a.is_empty()))
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    }
}

fn text(s: impl Into<String>) -> MultiformatMessageString {
    MultiformatMessageString::builder().text(s).build()
}

fn descriptor(m: &RuleMeta) -> ReportingDescriptor {
    let refs = m.references();
    let mut help_text = m.description.trim().to_string();
    let mut help_md = help_text.clone();
    if !m.fix.is_empty() {
        help_text.push_str(&format!("\n\nFix: {}", m.fix.trim()));
        help_md.push_str(&format!("\n\n**Fix:** {}", m.fix.trim()));
    }
    let snippet = m.fix_snippet.trim_matches('\n');
    if !snippet.trim().is_empty() {
        help_text.push_str(&format!("\n\n{snippet}"));
        help_md.push_str(&format!("\n\n```yaml\n{snippet}\n```"));
    }
    let refs_line = references_line(&refs);
    if !refs_line.is_empty() {
        help_text.push_str(&format!("\n\nReferences: {refs_line}"));
        help_md.push_str(&format!("\n\n**References:** {refs_line}"));
    }
    for link in &refs.links {
        help_text.push_str(&format!("\n{link}"));
        help_md.push_str(&format!("\n- <{link}>"));
    }

    let mut config = ReportingConfiguration::builder().level(level_value(m.severity)).build();
    if !m.default_enabled {
        config.enabled = Some(false);
    }
    let mut d = ReportingDescriptor::builder()
        .id(m.id)
        .name(m.name)
        .short_description(text(m.title))
        .full_description(text(if m.description.is_empty() { m.title } else { m.description.trim() }))
        .help(MultiformatMessageString::builder().text(help_text).markdown(help_md).build())
        .default_configuration(config)
        .properties(bag(
            Some(tags(m.family)),
            [
                ("security-severity", json!(security_severity(m.severity))),
                ("family", json!(m.family)),
                ("severity", json!(m.severity)),
                ("resource-types", json!(m.resource_types)),
                ("references", serde_json::to_value(&refs).unwrap_or(Value::Null)),
            ],
        ))
        .build();
    if let Some(link) = m.links.first() {
        d.help_uri = Some(link.to_string());
    }
    clear_empty_references(&mut d);
    d
}

/// A rule the caller did not pass in: described from what its finding carries.
fn descriptor_from_finding(f: &Finding) -> ReportingDescriptor {
    let title = if f.title.is_empty() { &f.rule_id } else { &f.title };
    let (help, help_md) = if f.fix.is_empty() {
        (title.clone(), title.clone())
    } else {
        (format!("{title}\n\nFix: {}", f.fix), format!("{title}\n\n**Fix:** {}", f.fix))
    };
    let mut d = ReportingDescriptor::builder()
        .id(f.rule_id.as_str())
        .short_description(text(title.as_str()))
        .help(MultiformatMessageString::builder().text(help).markdown(help_md).build())
        .default_configuration(ReportingConfiguration::builder().level(level_value(f.severity)).build())
        .properties(bag(
            Some(tags(&f.family)),
            [
                ("security-severity", json!(security_severity(f.severity))),
                ("family", json!(f.family)),
                ("severity", json!(f.severity)),
                ("references", serde_json::to_value(&f.references).unwrap_or(Value::Null)),
            ],
        ))
        .build();
    if !f.rule_name.is_empty() {
        d.name = Some(f.rule_name.clone());
    }
    if let Some(link) = f.references.links.first() {
        d.help_uri = Some(link.clone());
    }
    clear_empty_references(&mut d);
    d
}

fn clear_empty_references(d: &mut ReportingDescriptor) {
    if let Some(props) = &mut d.properties {
        if props.additional_properties.get("references").is_some_and(|r| r.as_object().is_some_and(|o| o.is_empty())) {
            props.additional_properties.remove("references");
        }
    }
}

fn tags(family: &str) -> Vec<String> {
    let mut tags = vec!["security".to_string()];
    if !family.is_empty() {
        tags.push(family.to_string());
    }
    tags
}

fn result(f: &Finding, rule_index: usize) -> SarifResult {
    let mut fingerprints = BTreeMap::new();
    if !f.fingerprint.is_empty() {
        fingerprints.insert(FINGERPRINT_KEY.to_string(), f.fingerprint.clone());
    }
    let mut r = SarifResult::builder()
        .rule_id(f.rule_id.as_str())
        .rule_index(rule_index as i64)
        .level(level(f.severity))
        .message(Message::builder().text(f.message.as_str()).build())
        .locations(vec![location(&f.location)])
        .properties(bag(
            None,
            [
                ("severity", json!(f.severity)),
                ("family", json!(f.family)),
                ("evidence", json!(f.evidence)),
                ("propertyPath", json!(f.location.path)),
            ],
        ))
        .build();
    if !fingerprints.is_empty() {
        r.partial_fingerprints = Some(fingerprints);
    }
    r
}

fn location(loc: &FindingLocation) -> Location {
    let mut l = Location::builder().build();
    if !loc.file.is_empty() {
        l.physical_location = Some(physical(&loc.file, loc.line, loc.column));
    }
    if !loc.logical_id.is_empty() {
        let qualified = if loc.resource_type.is_empty() {
            loc.logical_id.clone()
        } else {
            format!("{}/{}", loc.resource_type, loc.logical_id)
        };
        let mut logical = LogicalLocation::builder()
            .name(loc.logical_id.as_str())
            .kind("resource")
            .fully_qualified_name(qualified)
            .build();
        if let Some(arn) = loc.arn.as_deref().filter(|a| !a.is_empty()) {
            logical.properties = Some(bag(None, [("arn", json!(arn))]));
        }
        l.logical_locations = Some(vec![logical]);
    } else if let Some(arn) = loc.arn.as_deref().filter(|a| !a.is_empty()) {
        l.logical_locations =
            Some(vec![LogicalLocation::builder().name(arn).kind("resource").fully_qualified_name(arn).build()]);
    }
    l
}

fn physical(file: &str, line: u32, column: u32) -> PhysicalLocation {
    let (uri, base) = artifact_uri(file);
    let mut artifact = ArtifactLocation::builder().uri(uri).build();
    artifact.uri_base_id = base.map(String::from);
    let mut p = PhysicalLocation::builder().artifact_location(artifact).build();
    if line > 0 {
        let mut region = Region::builder().start_line(line as i64).build();
        if column > 0 {
            region.start_column = Some(column as i64);
        }
        p.region = Some(region);
    }
    p
}

fn notification(e: &ScanError) -> Notification {
    let mut n = Notification::builder()
        .level(json!("error"))
        .message(Message::builder().text(e.message.as_str()).build())
        .build();
    if !e.file.is_empty() {
        n.locations = Some(vec![Location::builder().physical_location(physical(&e.file, e.line, e.column)).build()]);
    }
    n
}

/// A file path as a SARIF artifact URI: relative paths use forward slashes, lose a leading
/// `./` and are relative to `%SRCROOT%`; absolute paths become `file://` URIs. Characters not
/// allowed in a URI path are percent-encoded.
pub(crate) fn artifact_uri(file: &str) -> (String, Option<&'static str>) {
    let mut path = file.replace('\\', "/");
    while let Some(rest) = path.strip_prefix("./") {
        path = rest.to_string();
    }
    let b = path.as_bytes();
    let drive = b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'/';
    if path.starts_with('/') {
        (format!("file://{}", encode_path(&path, true)), None)
    } else if drive {
        (format!("file:///{}", encode_path(&path, true)), None)
    } else {
        (encode_path(&path, false), Some(SRCROOT))
    }
}

/// Percent-encodes everything but RFC 3986 `pchar`s and `/`. A `:` is kept only in absolute
/// paths (in a relative one it could be read as a scheme).
fn encode_path(path: &str, keep_colon: bool) -> String {
    let mut out = String::with_capacity(path.len());
    for &b in path.as_bytes() {
        let keep = b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=@/".contains(&b) || (b == b':' && keep_colon);
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn artifact_uris() {
        assert_eq!(artifact_uri("templates/app.yaml"), ("templates/app.yaml".into(), Some(SRCROOT)));
        assert_eq!(artifact_uri("./templates/app.yaml"), ("templates/app.yaml".into(), Some(SRCROOT)));
        assert_eq!(artifact_uri(".\\infra\\my stack.json"), ("infra/my%20stack.json".into(), Some(SRCROOT)));
        assert_eq!(artifact_uri("a:b#c?.yaml"), ("a%3Ab%23c%3F.yaml".into(), Some(SRCROOT)));
        assert_eq!(artifact_uri("/srv/repo/x.yaml"), ("file:///srv/repo/x.yaml".into(), None));
        assert_eq!(artifact_uri("C:\\repo\\x.yaml"), ("file:///C:/repo/x.yaml".into(), None));
        assert_eq!(artifact_uri("dé.yaml").0, "d%C3%A9.yaml");
        assert_eq!(artifact_uri("<stdin>").0, "%3Cstdin%3E");
    }

    #[test]
    fn levels_and_scores() {
        assert_eq!(level(Severity::Critical), ResultLevel::Error);
        assert_eq!(level(Severity::High), ResultLevel::Error);
        assert_eq!(level(Severity::Medium), ResultLevel::Warning);
        assert_eq!(level(Severity::Low), ResultLevel::Note);
        assert_eq!(level(Severity::Info), ResultLevel::Note);
        let scores: Vec<f64> = Severity::ALL.iter().map(|&s| security_severity(s).parse().unwrap()).collect();
        assert!(scores.windows(2).all(|w| w[0] < w[1]), "{scores:?}");
        assert!(scores[4] > 9.0 && (7.0..9.0).contains(&scores[3]) && (4.0..7.0).contains(&scores[2]));
    }
}
