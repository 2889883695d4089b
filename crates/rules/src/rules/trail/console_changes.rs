use crate::prelude::*;
use crate::trail::{Observe, Signal, TrailCheck, TrailHit, TrailSettings};
use nextgap_model::event::{Event, Field};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-CONSOLE-354",
        name: "console-changes",
        family: "GAP-CONSOLE",
        severity: Severity::Medium,
        title: "Infrastructure changed by hand in the console",
        description: "Someone changed resources through the AWS console: mutating calls (`readOnly: false`) \
            made with console credentials (`sessionCredentialFromConsole: \"true\"`) or with a console \
            user agent. A console change is not reviewed, not versioned and not repeatable; it drifts \
            from the templates that are supposed to describe the account, the next deployment may undo \
            it (or fail on it), and when it was the fix during an incident nobody can tell later what \
            was changed. That is the GAP-CONSOLE anti-pattern: the automation exists, but the real \
            changes bypass it. The finding is one line per principal with the number of changes, the \
            first and last time and the APIs called most, so a long console session is one finding \
            to follow up, not hundreds.",
        fix: "Ask the principal what was changed and why; bring the change into the templates (or revert \
            it) and detect drift. Give people read-only console roles and make changes through the \
            pipeline; keep a break-glass role for incidents, and alert when it is used.",
        fix_snippet: "# Console users get read-only access; changes go through the pipeline's role\nConsoleReadOnly:\n  Type: AWS::IAM::Role\n  Properties:\n    ManagedPolicyArns:\n      - arn:aws:iam::aws:policy/ReadOnlyAccess\n    AssumeRolePolicyDocument:\n      Statement:\n        - Effect: Allow\n          Principal: {Federated: !Sub 'arn:aws:iam::${AWS::AccountId}:saml-provider/Corp'}\n          Action: sts:AssumeRoleWithSAML",
        resource_types: &["AWS::CloudTrail::Event"],
        well_architected: &["SEC06-BP05", "SEC01-BP06"],
        links: &[
            "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html",
            "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-stack-drift.html",
        ],
        ..RuleMeta::DEFAULT
    },
    // Any API can be called from the console, so every event comes here: `observe` checks the
    // two console markers (one top-level field each) before anything else.
    check: Check::Trail(TrailCheck { event_names: &[], observe, correlate: Some(correlate) }),
};

/// Event name prefixes of calls that read (used when `readOnly` is not recorded).
const READ_PREFIXES: &[&str] = &["Get", "List", "Describe", "Head", "Lookup"];

/// How many event names the evidence lists.
const TOP_NAMES: usize = 5;

fn observe(ev: &Event, out: &mut Observe) {
    let console_credentials = match ev.get("sessionCredentialFromConsole") {
        Field::Str(s) => s == "true",
        Field::Bool(b) => b,
        _ => false,
    };
    if !console_credentials && !console_agent(&ev.user_agent()) {
        return;
    }
    if ev.failed() {
        return;
    }
    let name = ev.event_name();
    if name == "ConsoleLogin" {
        return;
    }
    let mutating = match ev.read_only() {
        Some(read_only) => !read_only,
        None => !READ_PREFIXES.iter().any(|p| name.starts_with(p)),
    };
    if !mutating {
        return;
    }
    out.tally(&ev.identity().principal(), "change", &name);
}

/// User agents the console's own calls carry.
/// The console's own user agents: the generic ones, per-service hosts
/// (`console.ec2.amazonaws.com`), and the bracketed console clients (`[S3Console/0.4]`,
/// `RDS Console, aws-internal/3`).
fn console_agent(agent: &str) -> bool {
    agent == "console.amazonaws.com"
        || agent == "signin.amazonaws.com"
        || agent.ends_with(".console.aws.amazon.com")
        || (agent.starts_with("console.") && agent.ends_with(".amazonaws.com"))
        || agent.starts_with("[S3Console")
        || agent.starts_with("RDS Console")
}

fn correlate(signals: &[Signal], _: &TrailSettings, out: &mut Vec<TrailHit>) {
    for s in signals {
        let principal = &s.key;
        let mut names: Vec<&(String, u64)> = s.labels.iter().collect();
        names.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let top: Vec<String> = names.iter().take(TOP_NAMES).map(|(name, n)| format!("{name} x{n}")).collect();
        let more = names.len().saturating_sub(TOP_NAMES);
        let top = if more > 0 { format!("{} and {more} more", top.join(", ")) } else { top.join(", ") };
        let mut events = vec![s.event.clone()];
        let span = match &s.last {
            Some(last) => {
                events.push(last.clone());
                format!("between {} and {}", s.event.time, last.time)
            }
            None => format!("at {}", s.event.time),
        };
        let changes = if s.count == 1 { "1 change".to_string() } else { format!("{} changes", s.count) };
        out.push(TrailHit {
            subject: principal.clone(),
            arn: Some(principal.clone()).filter(|p| p.starts_with("arn:")),
            message: format!("{principal} made {changes} through the console {span}"),
            evidence: format!("{changes} {span}: {top}"),
            events,
        });
    }
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
                ("arn:aws:iam::112233445566:role/Operator", ["op-create-user", "op-attach-policy-2"]),
                ("arn:aws:iam::123837392027:user/bert-jan", ["bj-delete-db"]),
            ]
        );
        crate::assert_trail!(RULE, ["pass.json"], []);
    }

    #[test]
    fn one_finding_per_principal_with_counts() {
        let findings = trail_findings_on(&RULE, file!(), &["fail.json"], &TrailSettings::default());
        let operator = &findings[0];
        assert_eq!(
            operator.message,
            "arn:aws:iam::112233445566:role/Operator made 5 changes through the console between \
             2024-02-12T14:00:00Z and 2024-02-12T15:10:00Z"
        );
        assert!(
            operator.evidence.ends_with(": AttachUserPolicy x2, CreateUser x1, ModifyDBInstance x1, StopLogging x1"),
            "{}",
            operator.evidence
        );
        assert_eq!(
            findings[1].message,
            "arn:aws:iam::123837392027:user/bert-jan made 1 change through the console at 2023-07-10T12:28:39Z"
        );
    }

    /// One principal's console session split over two files read newest first.
    #[test]
    fn across_files() {
        crate::assert_trail!(
            RULE,
            ["split-later.json", "split-earlier.json"],
            [("arn:aws:iam::112233445566:role/Operator", ["split-1", "split-4"])]
        );
        let findings =
            trail_findings_on(&RULE, file!(), &["split-later.json", "split-earlier.json"], &TrailSettings::default());
        assert!(findings[0].message.contains("made 6 changes"), "{}", findings[0].message);
    }

    #[test]
    fn threads_and_order_do_not_matter() {
        let settings = TrailSettings::default();
        assert_eq!(assert_split_invariant(&RULE, file!(), &["fail.json"], &settings), 2);
        assert_eq!(assert_split_invariant(&RULE, file!(), &["split-later.json", "split-earlier.json"], &settings), 1);
    }
}
