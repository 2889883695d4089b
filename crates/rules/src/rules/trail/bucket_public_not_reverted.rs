use crate::prelude::*;
use crate::trail::{Observe, Signal, TrailCheck, TrailHit, TrailSettings};
use nextgap_model::event::{Event, Field};
use serde_json::Value as Json;
use std::collections::BTreeMap;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-S3-357",
        name: "bucket-public-not-reverted",
        family: "GAP-PUBLIC-S3",
        severity: Severity::Critical,
        title: "S3 bucket made public and not reverted",
        description: "A bucket was made public and stayed so: an ACL granting `AllUsers` or \
            `AuthenticatedUsers` (a grant URI or a canned `public-read`, `public-read-write`, \
            `authenticated-read`), a bucket policy allowing `Principal: \"*\"` without a condition, \
            or the bucket's Block Public Access removed or weakened — and no revert within the \
            window (60 minutes by default): no private ACL, no policy without the public statement \
            or its deletion, no Block Public Access with all four settings on, no deletion of the \
            bucket. \"Public for a minute to share a file\" is how most S3 leaks start (GAP-PUBLIC-S3): \
            the revert is forgotten, and crawlers list open buckets within hours. A revert that came \
            late is reported too, naming it: the data was exposed for that long. When the logs end \
            before the window did, the finding says so: the bucket may still be public.",
        fix: "Check whether the bucket is still public (`aws s3api get-bucket-policy-status`, the ACL, Block \
            Public Access) and revert if it should not be; find what was read while it was open (S3 \
            server access logs or data events). Keep account-level Block Public Access on, and share \
            objects with presigned URLs or CloudFront instead of opening the bucket.",
        fix_snippet: "aws s3control put-public-access-block --account-id 123456789012 \\\n  --public-access-block-configuration \\\n  BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
        resource_types: &["AWS::CloudTrail::Event"],
        cis: &["3.1.4", "5.8"],
        fsbp: &["S3.1", "S3.2", "S3.3", "S3.8"],
        well_architected: &["SEC03-BP07", "SEC08-BP04"],
        links: &[
            "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html",
            "https://docs.aws.amazon.com/AmazonS3/latest/userguide/cloudtrail-logging-s3-info.html",
            "https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#canned-acl",
        ],
        ..RuleMeta::DEFAULT
    },
    check: Check::Trail(TrailCheck {
        // CloudTrail names the bucket-level Block Public Access calls `PutBucketPublicAccessBlock`
        // and `DeleteBucketPublicAccessBlock`; the API's own names are kept as well.
        event_names: &[
            "PutBucketAcl",
            "PutBucketPolicy",
            "DeleteBucketPolicy",
            "DeletePublicAccessBlock",
            "DeleteBucketPublicAccessBlock",
            "PutPublicAccessBlock",
            "PutBucketPublicAccessBlock",
            "DeleteBucket",
        ],
        observe,
        correlate: Some(correlate),
    }),
};

/// Public events named in one finding at most (an episode can have many).
const NAMED_PUBLIC: usize = 10;

const PUBLIC_GROUPS: &[(&str, &str)] = &[
    ("acs.amazonaws.com/groups/global/AllUsers", "AllUsers"),
    ("acs.amazonaws.com/groups/global/AuthenticatedUsers", "AuthenticatedUsers"),
];

const PUBLIC_CANNED: &[&str] = &["public-read", "public-read-write", "authenticated-read"];

const PAB_FLAGS: &[&str] = &["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"];

fn observe(ev: &Event, out: &mut Observe) {
    if ev.failed() {
        return;
    }
    let bucket = match ev.get("requestParameters.bucketName") {
        Field::Str(b) if !b.is_empty() => b,
        _ => return,
    };
    let verdict = match ev.event_name().as_ref() {
        "PutBucketAcl" => match public_acl(ev) {
            Some(grants) => Verdict::Public(grants),
            None => Verdict::Revert("ACL without public grants"),
        },
        "PutBucketPolicy" => match policy_statements(ev) {
            Some(statements) => match public_statement(&statements) {
                Some(what) => Verdict::Public(what),
                None => Verdict::Revert("policy without a public statement"),
            },
            None => return,
        },
        "DeleteBucketPolicy" => Verdict::Revert("policy deleted"),
        "DeletePublicAccessBlock" | "DeleteBucketPublicAccessBlock" => {
            Verdict::Public("Block Public Access deleted".into())
        }
        "PutPublicAccessBlock" | "PutBucketPublicAccessBlock" => {
            let config = ev.get("requestParameters.PublicAccessBlockConfiguration");
            if config.raw().is_none() {
                return;
            }
            // An omitted setting is false: the call replaces the whole configuration.
            let off: Vec<&str> =
                PAB_FLAGS.iter().copied().filter(|f| !matches!(config.member(f).as_str(), Some("true"))).collect();
            if off.is_empty() {
                Verdict::Revert("Block Public Access all on")
            } else {
                Verdict::Public(format!("Block Public Access with {} off", off.join(", ")))
            }
        }
        "DeleteBucket" => Verdict::Revert("bucket deleted"),
        _ => return,
    };
    match verdict {
        Verdict::Public(what) => out.signal(bucket, "public", what),
        Verdict::Revert(what) => out.signal(bucket, "revert", what),
    }
}

enum Verdict {
    /// What made the bucket public.
    Public(String),
    /// How it was undone.
    Revert(&'static str),
}

/// The public grants of a `PutBucketAcl` (`x-amz-acl public-read`, `READ to AllUsers`), if any.
fn public_acl(ev: &Event) -> Option<String> {
    let params = ev.get("requestParameters");
    let mut found = Vec::new();
    let canned = params.member("x-amz-acl");
    let canned: Vec<String> = match &canned {
        Field::Array(_) => canned.elements().iter().filter_map(|e| e.as_str().map(String::from)).collect(),
        other => other.as_str().map(String::from).into_iter().collect(),
    };
    for acl in canned.iter().filter(|a| PUBLIC_CANNED.contains(&a.as_str())) {
        found.push(format!("x-amz-acl {acl}"));
    }
    let text = params.raw().map(|r| r.get()).unwrap_or_default();
    if PUBLIC_GROUPS.iter().any(|(uri, _)| text.contains(uri)) {
        let value = params.to_value();
        // Grants in the request body.
        let grants = &value["AccessControlPolicy"]["AccessControlList"]["Grant"];
        for grant in grants.as_array().map(|a| a.iter().collect()).unwrap_or_else(|| vec![grants]) {
            let uri = grant["Grantee"]["URI"].as_str().unwrap_or_default();
            if let Some((_, group)) = PUBLIC_GROUPS.iter().find(|(u, _)| uri.ends_with(u)) {
                found.push(format!("{} to {group}", grant["Permission"].as_str().unwrap_or("?")));
            }
        }
        // Grants in headers: `x-amz-grant-read: uri="http://acs.amazonaws.com/groups/global/AllUsers"`.
        if let Some(map) = value.as_object() {
            for (header, v) in map.iter().filter(|(k, _)| k.starts_with("x-amz-grant-")) {
                let text = v.to_string();
                for (_, group) in PUBLIC_GROUPS.iter().filter(|(u, _)| text.contains(u)) {
                    found.push(format!("{header} {group}"));
                }
            }
        }
    }
    (!found.is_empty()).then(|| found.join(", "))
}

/// The statements of a `PutBucketPolicy` (the policy may be an object or a JSON string).
fn policy_statements(ev: &Event) -> Option<Vec<Json>> {
    let policy = match ev.get("requestParameters.bucketPolicy").to_value() {
        Json::String(text) => serde_json::from_str(&text).ok()?,
        policy @ Json::Object(_) => policy,
        _ => return None,
    };
    match &policy["Statement"] {
        Json::Array(list) => Some(list.clone()),
        one @ Json::Object(_) => Some(vec![one.clone()]),
        _ => None,
    }
}

/// The first statement allowing everyone without a condition, described.
fn public_statement(statements: &[Json]) -> Option<String> {
    let everyone = |p: &Json| match p {
        Json::String(s) => s == "*",
        Json::Object(_) => match &p["AWS"] {
            Json::String(s) => s == "*",
            Json::Array(list) => list.iter().any(|s| s == "*"),
            _ => false,
        },
        _ => false,
    };
    let unconditional = |c: &Json| match c {
        Json::Null => true,
        Json::Object(o) => o.is_empty(),
        _ => false,
    };
    statements
        .iter()
        .find(|s| s["Effect"] == "Allow" && everyone(&s["Principal"]) && unconditional(&s["Condition"]))
        .map(|s| {
            let actions = match &s["Action"] {
                Json::String(a) => a.clone(),
                Json::Array(list) => list.iter().filter_map(Json::as_str).collect::<Vec<_>>().join(" "),
                _ => "?".into(),
            };
            let sid = s["Sid"].as_str().map(|sid| format!(" (Sid {sid})")).unwrap_or_default();
            format!("policy Allow Principal * {actions} without Condition{sid}")
        })
}

fn correlate(signals: &[Signal], settings: &TrailSettings, out: &mut Vec<TrailHit>) {
    let mut by_bucket: BTreeMap<&str, Vec<&Signal>> = BTreeMap::new();
    for s in signals {
        by_bucket.entry(&s.key).or_default().push(s);
    }
    for (bucket, mut events) in by_bucket {
        // Within one second the order is unknown: a revert counts as after the change.
        events.sort_by_key(|s| (s.time, s.tag == "revert", s.event.file.clone(), s.event.index));
        // A public episode runs from the first public event to the next revert.
        let mut episode: Vec<&Signal> = Vec::new();
        for s in events {
            if s.tag == "public" {
                episode.push(s);
            } else if !episode.is_empty() {
                judge(bucket, &episode, Some(s), settings, out);
                episode.clear();
            }
        }
        if !episode.is_empty() {
            judge(bucket, &episode, None, settings, out);
        }
    }
}

fn judge(bucket: &str, public: &[&Signal], revert: Option<&Signal>, settings: &TrailSettings, out: &mut Vec<TrailHit>) {
    let opened = public[0];
    let window = settings.revert_window;
    let minutes = |secs: i64| secs / 60;
    let by = &opened.event.principal;
    let made = format!("Bucket {bucket} was made public at {} by {by}", opened.event.time);
    let message = match revert {
        Some(r) if r.time - opened.time <= window => return,
        Some(r) => format!(
            "{made} and only reverted at {} ({} minutes later; window {} minutes)",
            r.event.time,
            minutes(r.time - opened.time),
            minutes(window)
        ),
        None => match settings.logs_end {
            Some(end) if end - opened.time < window => format!(
                "{made} and not reverted before the logs end at {} ({} minutes later, within the {}-minute \
                 window): it may still be public",
                chrono::DateTime::from_timestamp(end, 0)
                    .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
                    .unwrap_or_default(),
                minutes(end - opened.time),
                minutes(window)
            ),
            _ => format!("{made} and not reverted within {} minutes", minutes(window)),
        },
    };
    let mut events: Vec<_> = public.iter().take(NAMED_PUBLIC).map(|s| s.event.clone()).collect();
    let mut evidence: Vec<String> =
        public.iter().take(NAMED_PUBLIC).map(|s| format!("{} {}", s.event.event_name, s.data)).collect();
    if public.len() > NAMED_PUBLIC {
        evidence.push(format!("{} more public changes", public.len() - NAMED_PUBLIC));
    }
    match revert {
        Some(r) => {
            events.push(r.event.clone());
            evidence.push(format!("late revert: {} {}", r.event.event_name, r.data));
        }
        None => evidence.push("no revert".into()),
    }
    out.push(TrailHit {
        subject: bucket.to_string(),
        arn: Some(format!("arn:aws:s3:::{bucket}")),
        message,
        evidence: evidence.join("; "),
        events,
    });
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::trail::split_runs::assert_split_invariant;
    use crate::testing::trail_findings_on;
    use crate::trail::TrailSettings;

    #[test]
    fn fixtures() {
        crate::assert_trail!(
            RULE,
            ["fail.json"],
            [
                ("acl-authenticated-users", ["acl-authenticated-grant"]),
                ("acl-canned-public-read", ["acl-canned-public-read"]),
                ("acl-grant-header", ["acl-grant-header"]),
                ("late-revert", ["late-public-policy", "late-delete-policy"]),
                ("pab-deleted-then-policy", ["pab-deleted", "pab-then-public-policy"]),
                ("pab-weakened", ["pab-two-flags-off"]),
                ("policy-string-aws-star", ["policy-string-aws-star"]),
            ]
        );
        crate::assert_trail!(RULE, ["pass.json"], []);
    }

    #[test]
    fn messages_name_the_revert_or_its_absence() {
        let findings = trail_findings_on(&RULE, file!(), &["fail.json"], &TrailSettings::default());
        let late = findings.iter().find(|f| f.location.logical_id == "late-revert").unwrap();
        assert!(
            late.message.ends_with("only reverted at 2024-06-03T11:31:00Z (91 minutes later; window 60 minutes)"),
            "{}",
            late.message
        );
        assert!(late.evidence.contains("late revert: DeleteBucketPolicy policy deleted"), "{}", late.evidence);
        let acl = findings.iter().find(|f| f.location.logical_id == "acl-authenticated-users").unwrap();
        assert_eq!(acl.evidence, "PutBucketAcl READ to AuthenticatedUsers; no revert");
        let header = findings.iter().find(|f| f.location.logical_id == "acl-grant-header").unwrap();
        assert_eq!(header.evidence, "PutBucketAcl x-amz-grant-read AllUsers; no revert");
        assert_eq!(acl.location.arn.as_deref(), Some("arn:aws:s3:::acl-authenticated-users"));
        let policy = findings.iter().find(|f| f.location.logical_id == "policy-string-aws-star").unwrap();
        assert!(policy.message.ends_with("and not reverted within 60 minutes"), "{}", policy.message);
    }

    /// The window decides: a revert 91 minutes later is late in a 60-minute window, in time in a
    /// 91-minute one; the boundary itself counts as in time.
    #[test]
    fn window_boundary() {
        let subjects = |minutes: i64| -> Vec<String> {
            let settings = TrailSettings { revert_window: minutes * 60, ..Default::default() };
            trail_findings_on(&RULE, file!(), &["fail.json"], &settings)
                .into_iter()
                .map(|f| f.location.logical_id)
                .filter(|s| s == "late-revert")
                .collect()
        };
        assert_eq!(subjects(90), ["late-revert"]);
        assert!(subjects(91).is_empty());
        // pass.json reverts 30 minutes after: late in a 29-minute window.
        let settings = TrailSettings { revert_window: 29 * 60, ..Default::default() };
        let late: Vec<String> = trail_findings_on(&RULE, file!(), &["pass.json"], &settings)
            .into_iter()
            .map(|f| f.location.logical_id)
            .collect();
        assert_eq!(late, ["reverted-by-pab"]);
    }

    /// The public change in one file, the late revert in another read first; and logs that end
    /// before the window did.
    #[test]
    fn across_files_and_logs_that_end_early() {
        crate::assert_trail!(
            RULE,
            ["split-later.json", "split-earlier.json"],
            [("stratus-red-team-bdbp-lhfzvgcamn", ["split-public", "split-late-revert"])]
        );
        // split-earlier.json alone: the logs end 20 minutes after the bucket was opened.
        let findings = trail_findings_on(&RULE, file!(), &["split-earlier.json"], &TrailSettings::default());
        assert_eq!(findings.len(), 1);
        assert!(
            findings[0].message.ends_with(
                "and not reverted before the logs end at 2023-07-10T12:42:41Z (20 minutes later, within the 60-minute window): \
                 it may still be public"
            ),
            "{}",
            findings[0].message
        );
        // With a 15-minute window those 20 minutes are enough to call it not reverted.
        let settings = TrailSettings { revert_window: 15 * 60, ..Default::default() };
        let findings = trail_findings_on(&RULE, file!(), &["split-earlier.json"], &settings);
        assert!(findings[0].message.ends_with("and not reverted within 15 minutes"), "{}", findings[0].message);
    }

    #[test]
    fn threads_and_order_do_not_matter() {
        let settings = TrailSettings::default();
        assert_eq!(assert_split_invariant(&RULE, file!(), &["fail.json"], &settings), 7);
        assert_eq!(assert_split_invariant(&RULE, file!(), &["pass.json"], &settings), 0);
        assert_eq!(assert_split_invariant(&RULE, file!(), &["split-later.json", "split-earlier.json"], &settings), 1);
        assert_eq!(assert_split_invariant(&RULE, file!(), &["split-earlier.json"], &settings), 1);
    }
}
