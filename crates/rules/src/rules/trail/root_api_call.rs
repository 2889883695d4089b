use crate::prelude::*;
use crate::trail::{Observe, Signal, TrailCheck, TrailHit, TrailSettings};
use nextgap_model::event::Event;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-ROOT-351",
        name: "root-api-call",
        family: "ACCOUNT-ROOT-USE",
        severity: Severity::High,
        title: "Root user called AWS APIs",
        description: "API calls (`eventType: AwsApiCall`) were made as the root user, by the root user \
            itself rather than by an AWS service on its behalf (no `userIdentity.invokedBy`). The root \
            user cannot be limited by IAM policies or permission boundaries, only by SCPs in an \
            organization; whatever it did, it could have done anything. Using it for daily work is \
            the ACCOUNT-ROOT-USE anti-pattern: the password, the MFA device and any root access key \
            become the one credential whose loss loses the account. Calls with root access keys are \
            worse still: a key cannot hold MFA and leaks like any other key. The finding counts the \
            calls per account and API, so a root session that changed ten things gives ten lines, not \
            ten thousand.",
        fix: "Find out who used the root user and why; if nobody can account for it, treat the account as \
            compromised (reset the root password, check its MFA and contact e-mail, delete root access \
            keys). Do the work with IAM Identity Center users or roles, keep root for the few tasks \
            that require it, and alert on every root call (EventBridge rule below; CIS 5.3).",
        fix_snippet: "# EventBridge rule pattern: every API call made as root\n{\n  \"detail-type\": [\"AWS API Call via CloudTrail\"],\n  \"detail\": {\n    \"userIdentity\": { \"type\": [\"Root\"], \"invokedBy\": [{ \"exists\": false }] }\n  }\n}\n# Members of an organization: deny root outright with an SCP\n{\n  \"Effect\": \"Deny\", \"Action\": \"*\", \"Resource\": \"*\",\n  \"Condition\": { \"StringLike\": { \"aws:PrincipalArn\": \"arn:aws:iam::*:root\" } }\n}",
        resource_types: &["AWS::CloudTrail::Event"],
        cis: &["2.6", "5.3"],
        well_architected: &["SEC01-BP02"],
        links: &[
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html",
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-tasks.html",
            "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html",
        ],
        ..RuleMeta::DEFAULT
    },
    // Any API can be called as root, so every event comes here: `observe` looks at the raw
    // identity text before decoding anything.
    check: Check::Trail(TrailCheck { event_names: &[], observe, correlate: Some(correlate) }),
};

fn observe(ev: &Event, out: &mut Observe) {
    match ev.raw("userIdentity") {
        Some(raw) if raw.get().contains("\"Root\"") => {}
        _ => return,
    }
    if ev.str("eventType") != "AwsApiCall" || ev.failed() {
        return;
    }
    let identity = ev.identity();
    if identity.kind != "Root" || !identity.invoked_by.is_empty() {
        return;
    }
    let name = ev.event_name();
    if name == "ConsoleLogin" {
        return;
    }
    let account = ev.account();
    out.tally(&format!("{account}|{name}"), "call", &name);
}

fn correlate(signals: &[Signal], _: &TrailSettings, out: &mut Vec<TrailHit>) {
    for s in signals {
        let (account, name) = s.key.split_once('|').unwrap_or(("", s.key.as_str()));
        let subject = if account.is_empty() { "root".to_string() } else { format!("arn:aws:iam::{account}:root") };
        let first = &s.event;
        let mut events = vec![first.clone()];
        let mut ips = vec![first.source_ip.as_str()];
        let when = match &s.last {
            Some(last) => {
                events.push(last.clone());
                if last.source_ip != first.source_ip {
                    ips.push(&last.source_ip);
                }
                format!("{} times between {} and {}", s.count, first.time, last.time)
            }
            None => format!("at {}", first.time),
        };
        out.push(TrailHit {
            arn: Some(subject.clone()).filter(|a| a.starts_with("arn:")),
            subject,
            message: format!("The root user of account {account} called {name} {when}"),
            evidence: format!(
                "{name} x{} as Root without invokedBy; sourceIPAddress {}; userAgent {}",
                s.count,
                ips.join(", "),
                first.user_agent
            ),
            events,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::trail::split_runs::assert_split_invariant;
    use crate::trail::TrailSettings;

    #[test]
    fn fixtures() {
        crate::assert_trail!(
            RULE,
            ["fail.json"],
            [
                ("arn:aws:iam::123456789012:root", ["root-list-keys"]),
                ("arn:aws:iam::123456789012:root", ["root-versioning-1", "root-versioning-3"]),
                ("arn:aws:iam::210987654321:root", ["root-versioning-other-account"]),
            ]
        );
        crate::assert_trail!(RULE, ["pass.json"], []);
    }

    /// One tally across two files read newest first: the first and last calls come from different files.
    #[test]
    fn counts_across_files() {
        crate::assert_trail!(
            RULE,
            ["split-later.json", "split-earlier.json"],
            [("arn:aws:iam::123456789012:root", ["root-split-1", "root-split-3"])]
        );
        let findings = crate::testing::trail_findings_on(
            &RULE,
            file!(),
            &["split-later.json", "split-earlier.json"],
            &TrailSettings::default(),
        );
        assert!(findings[0].message.contains("called PutBucketPolicy 3 times"), "{}", findings[0].message);
        assert_eq!(findings[0].location.arn.as_deref(), Some("arn:aws:iam::123456789012:root"));
    }

    #[test]
    fn threads_and_order_do_not_matter() {
        let settings = TrailSettings::default();
        assert_eq!(assert_split_invariant(&RULE, file!(), &["fail.json"], &settings), 3);
        assert_eq!(assert_split_invariant(&RULE, file!(), &["split-later.json", "split-earlier.json"], &settings), 1);
    }
}
