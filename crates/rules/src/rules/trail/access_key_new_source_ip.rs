use crate::prelude::*;
use crate::trail::{Observe, Signal, TrailCheck, TrailHit, TrailSettings};
use nextgap_model::event::{Event, Field};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Write;
use std::net::IpAddr;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-KEYS-365",
        name: "access-key-new-source-ip",
        family: "IAM-KEYS",
        severity: Severity::Medium,
        title: "Long-term access key used from a new IP address",
        description: "A long-term access key (`AKIA…`) was used from an IP address it had not been used \
            from earlier in the logs, after it had already been used from another one. Long-lived keys \
            are copied into laptops, CI variables and repositories, and leak from there; the first sign \
            of a leaked key is usually the same key calling from somewhere new. A key that legitimately \
            moves (a laptop on another network, a CI runner pool) makes these findings too: that noise \
            is the cost of long-lived keys (IAM-KEYS), which roles and IAM Identity Center avoid. The \
            earliest address of each key in the logs is its baseline; each later new address is one \
            finding, on its first successful call. Calls made by AWS services on the caller's behalf \
            (`sourceIPAddress` a service name such as `s3.amazonaws.com` or `AWS Internal`) are \
            ignored.",
        fix: "Ask the key's owner whether the address is theirs. If not, deactivate the key at once, review \
            its calls from that address, and create a new one only if a key is still needed. Better, \
            replace the key with a role (instance profiles, OIDC for CI, IAM Roles Anywhere) or IAM \
            Identity Center, and restrict unavoidable keys with `aws:SourceIp` or `aws:SourceVpc`.",
        fix_snippet: "aws iam update-access-key --user-name USER --access-key-id AKIA... --status Inactive\n# Keys that must stay: allow their use only from known networks\n{\n  \"Effect\": \"Deny\", \"Action\": \"*\", \"Resource\": \"*\",\n  \"Condition\": {\n    \"NotIpAddress\": { \"aws:SourceIp\": [\"203.0.113.0/24\"] },\n    \"Bool\": { \"aws:ViaAWSService\": \"false\" }\n  }\n}",
        resource_types: &["AWS::CloudTrail::Event"],
        cis: &["2.13"],
        fsbp: &["IAM.3"],
        well_architected: &["SEC02-BP02", "SEC02-BP05"],
        links: &[
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html",
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#rotate-credentials",
            "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html",
        ],
        ..RuleMeta::DEFAULT
    },
    // Any call can carry a long-term key: every event comes here, and `observe` returns after
    // one substring search of the raw identity for the events without one.
    check: Check::Trail(TrailCheck { event_names: &[], observe, correlate: Some(correlate) }),
};

/// Earlier addresses a finding lists at most.
const LISTED_IPS: usize = 5;

fn observe(ev: &Event, out: &mut Observe) {
    let Some(identity) = ev.raw("userIdentity").map(|r| r.get()) else { return };
    let key = match access_key_id(identity) {
        Some(key) => Cow::Borrowed(key),
        // Laid out otherwise (escapes, no key at all): decode, if a long-term key is in there.
        None if identity.contains("AKIA") => match ev.get("userIdentity.accessKeyId") {
            Field::Str(key) => key,
            _ => return,
        },
        None => return,
    };
    if !key.starts_with("AKIA") {
        return;
    }
    let source = ev.source_ip();
    let Ok(ip) = source.parse::<IpAddr>() else { return };
    if ev.failed() || internal(ip) {
        return;
    }
    // `<key>|<ip>`, on the stack: most calls come from a key and address already seen. An IPv4
    // text that parses is already canonical; IPv6 is written out canonically (`2001:db8::17`).
    let mut buf = [0u8; 128];
    let mut w = &mut buf[..];
    let written = match ip {
        IpAddr::V4(_) => write!(w, "{key}|{source}"),
        IpAddr::V6(v6) => write!(w, "{key}|{v6}"),
    };
    let len = 128 - w.len();
    match std::str::from_utf8(&buf[..len]) {
        Ok(slot) if written.is_ok() => out.first(slot, "seen", ""),
        _ => out.first(&format!("{key}|{ip}"), "seen", ""),
    }
}

/// `userIdentity.accessKeyId` read from the identity's raw text without decoding the object;
/// `None` when it is not there as a plain string (absent, null, or holding escapes).
fn access_key_id(identity: &str) -> Option<&str> {
    let at = identity.find("\"accessKeyId\"")?;
    let rest = identity[at + 13..].trim_start().strip_prefix(':')?.trim_start().strip_prefix('"')?;
    let end = rest.find(['"', '\\'])?;
    (rest.as_bytes()[end] == b'"').then(|| &rest[..end])
}

/// Private, loopback and link-local addresses: calls through VPC endpoints show the endpoint's
/// private addresses, which change without anything changing hands (the S3 console alone
/// shows several). They are neither a baseline nor news.
fn internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_private() || v4.is_loopback() || v4.is_link_local() || v4.is_unspecified(),
        IpAddr::V6(v6) => {
            v6.is_loopback()
                || v6.is_unspecified()
                || (v6.segments()[0] & 0xfe00) == 0xfc00
                || (v6.segments()[0] & 0xffc0) == 0xfe80
        }
    }
}

fn correlate(signals: &[Signal], _: &TrailSettings, out: &mut Vec<TrailHit>) {
    // Signals come sorted by time: each key's addresses in the order they were first seen.
    let mut by_key: BTreeMap<&str, Vec<&Signal>> = BTreeMap::new();
    for s in signals {
        let (key, _) = s.key.split_once('|').unwrap_or((s.key.as_str(), ""));
        by_key.entry(key).or_default().push(s);
    }
    for (key, sightings) in by_key {
        let ip = |s: &Signal| s.key.split_once('|').map(|(_, ip)| ip.to_string()).unwrap_or_default();
        for (n, new) in sightings.iter().enumerate().skip(1) {
            let baseline = sightings[0];
            let earlier: Vec<String> = sightings[..n].iter().take(LISTED_IPS).map(|s| ip(s)).collect();
            let more = n.saturating_sub(LISTED_IPS);
            let more = if more > 0 { format!(" and {more} more") } else { String::new() };
            let (new_ip, who) = (ip(new), &new.event.principal);
            out.push(TrailHit {
                subject: key.to_string(),
                arn: None,
                message: format!(
                    "Access key {key} of {who} was used from {new_ip} at {}, after being used from {} since {}",
                    new.event.time,
                    ip(baseline),
                    baseline.event.time
                ),
                evidence: format!(
                    "new sourceIPAddress {new_ip} ({} {}); earlier: {}{more}",
                    new.event.event_name,
                    new.event.user_agent,
                    earlier.join(", ")
                ),
                events: vec![new.event.clone()],
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::trail::split_runs::assert_split_invariant;
    use crate::testing::trail_findings_on;
    use crate::trail::TrailSettings;

    #[test]
    fn reads_the_key_id_from_raw_text() {
        use super::access_key_id;
        assert_eq!(access_key_id(r#"{"type":"IAMUser","accessKeyId" : "AKIA1","userName":"a"}"#), Some("AKIA1"));
        assert_eq!(access_key_id(r#"{"type":"IAMUser","accessKeyId":""}"#), Some(""));
        assert_eq!(access_key_id(r#"{"type":"AssumedRole","arn":"x/AKIA-job"}"#), None);
        assert_eq!(access_key_id(r#"{"accessKeyId":null}"#), None);
        assert_eq!(access_key_id(r#"{"accessKeyId":"AKIA\u0031X"}"#), None);
    }

    #[test]
    fn fixtures() {
        crate::assert_trail!(
            RULE,
            ["fail.json"],
            [("AKIAIOSFODNN7EXAMPLE", ["contractor-from-tor"]), ("AKIAIOSFODNN7EXAMPLE", ["contractor-from-v6"]),]
        );
        // The invictus case: one key through a VPC endpoint shows two private addresses.
        crate::assert_trail!(RULE, ["pass.json"], []);
    }

    #[test]
    fn messages_name_the_baseline() {
        let findings = trail_findings_on(&RULE, file!(), &["fail.json"], &TrailSettings::default());
        let tor = &findings[0];
        assert_eq!(
            tor.message,
            "Access key AKIAIOSFODNN7EXAMPLE of arn:aws:iam::123456789012:user/contractor was used from \
             185.220.101.75 at 2024-01-16T09:30:00Z, after being used from 203.0.113.100 since 2024-01-16T08:15:00Z"
        );
        // IPv6 addresses are compared in their canonical form.
        assert!(findings[1].evidence.starts_with("new sourceIPAddress 2001:db8::17 "), "{}", findings[1].evidence);
        assert!(findings[1].evidence.ends_with("earlier: 203.0.113.100, 185.220.101.75"), "{}", findings[1].evidence);
    }

    /// The baseline is the earliest address even when its file is read last.
    #[test]
    fn across_files() {
        crate::assert_trail!(
            RULE,
            ["split-later.json", "split-earlier.json"],
            [("AKIATFQR7NSC8Q4X20BJ", ["split-new-ip"])]
        );
    }

    #[test]
    fn threads_and_order_do_not_matter() {
        let settings = TrailSettings::default();
        assert_eq!(assert_split_invariant(&RULE, file!(), &["fail.json"], &settings), 2);
        assert_eq!(assert_split_invariant(&RULE, file!(), &["pass.json"], &settings), 0);
        assert_eq!(assert_split_invariant(&RULE, file!(), &["split-later.json", "split-earlier.json"], &settings), 1);
    }
}
