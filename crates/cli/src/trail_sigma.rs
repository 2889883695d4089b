//! Sigma matches as findings.
//!
//! A hunting rule can match every other event (`aws_sts_assumerole_misuse` matches every
//! assumed-role call), and building a `Finding` — some thirty small strings — per match cost as
//! much as reading the logs. So JSON Lines output writes each match straight from the event and
//! the rule ([`SigmaLine`]); the other formats build the same finding as a [`Finding`]
//! ([`sigma_finding`]). A test holds the two to the same bytes.

use nextgap_findings::{baseline::fingerprint_of, Finding, References, Severity};
use nextgap_model::event::Event;
use nextgap_rules::trail::{event_ref, trail_location, Site};
use serde::Serialize;
use std::borrow::Cow;

/// The parts of a Sigma rule's findings that do not depend on the event, built once per rule.
pub struct SigmaMeta {
    rule_id: String,
    rule_name: String,
    title: String,
    pub severity: Severity,
    file_name: String,
    fix: String,
    references: References,
}

impl SigmaMeta {
    pub fn of(rule: &nextgap_sigma::SigmaRule) -> SigmaMeta {
        SigmaMeta {
            rule_id: if rule.id.is_empty() { format!("sigma:{}", rule.name) } else { rule.id.clone() },
            rule_name: rule.name.clone(),
            title: rule.title.clone(),
            severity: rule.level,
            file_name: file_name(&rule.file).to_string(),
            fix: fix(rule),
            references: References {
                well_architected: vec!["SEC04-BP03".into(), "SEC10-BP02".into()],
                links: rule.references.clone(),
                ..Default::default()
            },
        }
    }

    fn message(&self, event_name: &str, principal: &str, source_ip: &str) -> String {
        format!("{}: {event_name} by {principal} from {source_ip}", self.title)
    }

    fn evidence(&self, ev: &Event, event_name: &str) -> String {
        format!("eventSource {} eventName {event_name} (Sigma rule {})", ev.event_source(), self.file_name)
    }
}

const FAMILY: &str = "GAP-DETECT";

/// Kept short: it is repeated on every hit.
fn fix(rule: &nextgap_sigma::SigmaRule) -> String {
    if rule.falsepositives.iter().any(|f| !f.eq_ignore_ascii_case("unknown")) {
        format!(
            "Confirm with the principal's owner that the call was intended; known benign causes are listed in {}.",
            file_name(&rule.file)
        )
    } else {
        "Confirm with the principal's owner that the call was intended; if not, treat it as an incident.".into()
    }
}

fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// A Sigma match as a finding: the rule's id, title and level, about the event's principal.
pub fn sigma_finding(meta: &SigmaMeta, ev: &Event, site: Site) -> Finding {
    let event = event_ref(ev, site);
    let principal = event.principal.clone();
    let mut finding = Finding {
        rule_id: meta.rule_id.clone(),
        rule_name: meta.rule_name.clone(),
        family: FAMILY.into(),
        severity: meta.severity,
        title: meta.title.clone(),
        message: meta.message(&event.event_name, &principal, &event.source_ip),
        location: trail_location(&event, principal, None),
        evidence: meta.evidence(ev, &event.event_name),
        fix: meta.fix.clone(),
        references: meta.references.clone(),
        fingerprint: String::new(),
        events: vec![event],
    };
    finding.compute_fingerprint();
    finding
}

/// The JSON of [`sigma_finding`], borrowed from the event and the rule.
#[derive(Serialize)]
pub struct SigmaLine<'a> {
    rule_id: &'a str,
    rule_name: &'a str,
    family: &'a str,
    severity: Severity,
    title: &'a str,
    message: String,
    location: LocationLine<'a>,
    evidence: String,
    fix: &'a str,
    references: &'a References,
    fingerprint: String,
    events: [EventLine<'a>; 1],
}

#[derive(Serialize)]
struct LocationLine<'a> {
    file: &'a str,
    line: u32,
    column: u32,
    logical_id: &'a str,
    resource_type: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    path: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    account: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    region: &'a str,
}

#[derive(Serialize)]
struct EventLine<'a> {
    event_id: Cow<'a, str>,
    event_name: Cow<'a, str>,
    time: Cow<'a, str>,
    account: Cow<'a, str>,
    region: Cow<'a, str>,
    principal: &'a str,
    source_ip: Cow<'a, str>,
    user_agent: Cow<'a, str>,
    file: &'a str,
    index: u64,
    #[serde(skip_serializing_if = "is_zero")]
    line: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Writes one match as a JSON line (the same bytes as [`sigma_finding`]'s).
pub fn write_sigma_line(meta: &SigmaMeta, ev: &Event, site: Site, out: &mut Vec<u8>) -> serde_json::Result<()> {
    let principal = ev.identity().principal();
    let (event_id, event_name, source_ip) = (ev.event_id(), ev.event_name(), ev.source_ip());
    let path: Cow<str> = if event_id.is_empty() { format!("Records[{}]", site.index).into() } else { event_id.clone() };
    let account = ev.account();
    let twelve_digits = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
    let region = ev.region();
    let line = SigmaLine {
        rule_id: &meta.rule_id,
        rule_name: &meta.rule_name,
        family: FAMILY,
        severity: meta.severity,
        title: &meta.title,
        message: meta.message(&event_name, &principal, &source_ip),
        location: LocationLine {
            file: site.file,
            line: site.line.min(u32::MAX as u64) as u32,
            column: 0,
            logical_id: &principal,
            resource_type: "AWS::CloudTrail::Event",
            path: &path,
            account: if twelve_digits { &account } else { "" },
            region: &region,
        },
        evidence: meta.evidence(ev, &event_name),
        fix: &meta.fix,
        references: &meta.references,
        fingerprint: fingerprint_of(&meta.rule_id, site.file, &principal, &path),
        events: [EventLine {
            event_id: event_id.clone(),
            event_name: event_name.clone(),
            time: ev.event_time(),
            account: account.clone(),
            region: region.clone(),
            principal: &principal,
            source_ip: source_ip.clone(),
            user_agent: ev.user_agent(),
            file: site.file,
            index: site.index,
            line: site.line,
        }],
    };
    serde_json::to_writer(&mut *out, &line)?;
    out.push(b'\n');
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> SigmaMeta {
        let rule = "title: Trail stopped\nid: 4db60cc0-36fb-42b7-9b58-a5b53019fb74\nstatus: test\nlevel: medium\n\
            references:\n  - https://example.invalid/a\nfalsepositives:\n  - Valid change\n\
            logsource:\n  product: aws\n  service: cloudtrail\n\
            detection:\n  selection:\n    eventName: StopLogging\n  condition: selection\n";
        let loaded = nextgap_sigma::load_str(rule, "rules/aws_trail_stopped.yml");
        assert_eq!(loaded.rules.len(), 1, "{:?}", loaded.errors.iter().map(|e| &e.message).collect::<Vec<_>>());
        SigmaMeta::of(loaded.rules.rule(0))
    }

    /// JSON Lines and the other formats must say the same thing about a match.
    #[test]
    fn lines_are_the_findings_json() {
        let events = [
            r#"{"eventID":"e-1","eventName":"StopLogging","eventSource":"cloudtrail.amazonaws.com","eventTime":"2026-03-14T12:00:05Z","awsRegion":"eu-west-1","recipientAccountId":"111122223333","sourceIPAddress":"198.51.100.99","userAgent":"aws-cli/2 \"quoted\"","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::111122223333:assumed-role/ops/x","sessionContext":{"sessionIssuer":{"arn":"arn:aws:iam::111122223333:role/ops"}}}}"#,
            r#"{"eventName":"StopLogging","eventSource":"cloudtrail.amazonaws.com","recipientAccountId":"1111","awsRegion":"mars-1"}"#,
        ];
        let meta = meta();
        for (n, text) in events.iter().enumerate() {
            let ev = Event::parse(text).unwrap();
            let site = Site { file: "logs/a.json", index: n as u64, line: n as u64 };
            let mut line = Vec::new();
            write_sigma_line(&meta, &ev, site, &mut line).unwrap();
            let mut expected = serde_json::to_vec(&sigma_finding(&meta, &ev, site)).unwrap();
            expected.push(b'\n');
            assert_eq!(String::from_utf8(line).unwrap(), String::from_utf8(expected).unwrap());
        }
    }
}
