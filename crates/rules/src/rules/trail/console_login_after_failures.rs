use crate::prelude::*;
use crate::trail::{Observe, Signal, TrailCheck, TrailHit, TrailSettings};
use nextgap_findings::EventRef;
use nextgap_model::event::{Event, Identity};
use std::collections::{BTreeMap, VecDeque};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-SIGNIN-353",
        name: "console-login-after-failures",
        family: "IAM-KEYS",
        severity: Severity::High,
        title: "Console sign-in succeeded after repeated failures",
        description: "A user signed in to the console after a run of failed sign-ins (by default 5 or more \
            within 60 minutes, all before the success). A few typos are ordinary; a burst of failures \
            followed by a success is what password guessing or credential stuffing looks like when it \
            works, and IAM users with only a password (IAM-KEYS: console users without MFA, no \
            password policy) are the ones it works on. The finding names the success and the failures \
            (the first and last ten when there are more than twenty) with their source addresses, so \
            the sign-in can be confirmed with its owner.",
        fix: "Ask the user whether the failures and the sign-in were theirs. If not, reset the password, \
            revoke the user's sessions and access keys, and review what the session did. Require MFA for \
            every console user, set a strong password policy, move people to IAM Identity Center, and \
            alert on sign-in failures (CIS 5.6).",
        fix_snippet: "# CloudWatch Logs metric filter on the trail's log group (CIS 5.6)\naws logs put-metric-filter --log-group-name CloudTrail/logs \\\n  --filter-name ConsoleSigninFailures --metric-transformations \\\n  metricName=ConsoleSigninFailureCount,metricNamespace=CISBenchmark,metricValue=1 \\\n  --filter-pattern '{ ($.eventName = ConsoleLogin) && ($.errorMessage = \"Failed authentication\") }'",
        resource_types: &["AWS::CloudTrail::Event"],
        cis: &["5.6", "2.9"],
        fsbp: &["IAM.5"],
        well_architected: &["SEC02-BP01"],
        links: &[
            "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html",
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable_virtual.html",
        ],
        ..RuleMeta::DEFAULT
    },
    check: Check::Trail(TrailCheck { event_names: &["ConsoleLogin"], observe, correlate: Some(correlate) }),
};

/// Failures named in a finding: all up to this many, else the first and last half of it.
const NAMED_FAILURES: usize = 20;

fn observe(ev: &Event, out: &mut Observe) {
    let outcome = ev.get("responseElements.ConsoleLogin");
    let error = ev.get("errorMessage");
    let failed = outcome.as_str() == Some("Failure") || error.as_str().is_some_and(|m| !m.is_empty());
    let succeeded = !failed && outcome.as_str() == Some("Success") && !ev.failed();
    if !failed && !succeeded {
        return;
    }
    let identity = ev.identity();
    let user = user_name(ev, identity);
    if user.is_empty() {
        return;
    }
    let key = format!("{}|{user}", ev.account());
    out.signal(key, if failed { "failure" } else { "success" }, user);
}

/// The name the sign-in was for: `root`, the IAM user name, or else the principal.
fn user_name(ev: &Event, identity: &Identity) -> String {
    if identity.kind == "Root" {
        return "root".into();
    }
    if !identity.user_name.is_empty() {
        return identity.user_name.to_string();
    }
    match ev.get("additionalEventData.UserName").as_str() {
        Some(name) if !name.is_empty() => name.to_string(),
        _ => identity.principal(),
    }
}

fn correlate(signals: &[Signal], settings: &TrailSettings, out: &mut Vec<TrailHit>) {
    let mut by_user: BTreeMap<&str, Vec<&Signal>> = BTreeMap::new();
    for s in signals {
        by_user.entry(&s.key).or_default().push(s);
    }
    let threshold = settings.failed_logins.max(1);
    for (_, mut logins) in by_user {
        // Within one second the order is unknown: failures count as before the success.
        logins.sort_by_key(|s| (s.time, s.tag == "success", s.event.file.clone(), s.event.index));
        let mut failures: VecDeque<&Signal> = VecDeque::new();
        for s in logins {
            if s.tag == "failure" {
                failures.push_back(s);
                continue;
            }
            while failures.front().is_some_and(|f| f.time < s.time - settings.failed_login_window) {
                failures.pop_front();
            }
            if failures.len() >= threshold {
                out.push(hit(s, failures.make_contiguous(), settings));
            }
            // A success ends the run: later failures start a new one.
            failures.clear();
        }
    }
}

fn hit(success: &Signal, failures: &[&Signal], settings: &TrailSettings) -> TrailHit {
    let named: Vec<&Signal> = if failures.len() <= NAMED_FAILURES {
        failures.to_vec()
    } else {
        let half = NAMED_FAILURES / 2;
        failures[..half].iter().chain(&failures[failures.len() - half..]).copied().collect()
    };
    let mut events: Vec<EventRef> = named.iter().map(|f| f.event.clone()).collect();
    events.push(success.event.clone());
    let mut ips: Vec<&str> = failures.iter().map(|f| f.event.source_ip.as_str()).collect();
    ips.sort_unstable();
    ips.dedup();
    let (first, last) = (&failures[0].event, &failures[failures.len() - 1].event);
    let user = &success.data;
    let minutes = settings.failed_login_window / 60;
    TrailHit {
        subject: user.clone(),
        arn: None,
        message: format!(
            "{user} signed in to the console at {} from {} after {} failed sign-ins within {minutes} minutes",
            success.event.time,
            success.event.source_ip,
            failures.len()
        ),
        evidence: format!(
            "{} ConsoleLogin Failure between {} and {} from {}; then ConsoleLogin Success from {}",
            failures.len(),
            first.time,
            last.time,
            ips.join(", "),
            success.event.source_ip
        ),
        events,
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::trail::split_runs::assert_split_invariant;
    use crate::testing::trail_findings_on;
    use crate::trail::TrailSettings;

    /// `f1`…`f5`: the failures before the success `ok` in fail.json.
    #[test]
    fn fixtures() {
        crate::assert_trail!(
            RULE,
            ["fail.json"],
            [
                ("anaya", ["anaya-f1", "anaya-f2", "anaya-f3", "anaya-f4", "anaya-f5", "anaya-ok"]),
                ("root", ["root-f1", "root-f2", "root-f3", "root-f4", "root-f5", "root-f6", "root-ok"]),
            ]
        );
        crate::assert_trail!(RULE, ["pass.json"], []);
    }

    /// The failures in one file, the success in another read first.
    #[test]
    fn across_files() {
        crate::assert_trail!(
            RULE,
            ["split-later.json", "split-earlier.json"],
            [("bert-jan", ["bj-f1", "bj-f2", "bj-f3", "bj-f4", "bj-f5", "bj-ok"])]
        );
    }

    #[test]
    fn threshold_and_window_come_from_the_settings() {
        let six = TrailSettings { failed_logins: 6, ..Default::default() };
        let names = |s: &TrailSettings| -> Vec<String> {
            trail_findings_on(&RULE, file!(), &["fail.json"], s).into_iter().map(|f| f.location.logical_id).collect()
        };
        assert_eq!(names(&six), ["root"]);
        // anaya's first failure is 50 minutes before the success: out of a 49-minute window.
        let short = TrailSettings { failed_login_window: 49 * 60, ..Default::default() };
        assert_eq!(names(&short), ["root"]);
        let exact = TrailSettings { failed_login_window: 50 * 60, ..Default::default() };
        assert_eq!(names(&exact), ["anaya", "root"]);
        let findings = trail_findings_on(&RULE, file!(), &["fail.json"], &TrailSettings::default());
        assert!(findings[0].message.contains("after 5 failed sign-ins within 60 minutes"), "{}", findings[0].message);
    }

    #[test]
    fn threads_and_order_do_not_matter() {
        let settings = TrailSettings::default();
        assert_eq!(assert_split_invariant(&RULE, file!(), &["fail.json"], &settings), 2);
        assert_eq!(assert_split_invariant(&RULE, file!(), &["pass.json"], &settings), 0);
        assert_eq!(assert_split_invariant(&RULE, file!(), &["split-later.json", "split-earlier.json"], &settings), 1);
    }
}
