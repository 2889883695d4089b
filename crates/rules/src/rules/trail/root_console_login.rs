use crate::prelude::*;
use crate::trail::{Observe, TrailCheck};
use nextgap_model::event::Event;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-ROOT-350",
        name: "root-console-login",
        family: "ACCOUNT-ROOT-USE",
        severity: Severity::Critical,
        title: "Root user signed in to the console",
        description: "A `ConsoleLogin` event by the root user succeeded. The root user cannot be limited by \
            IAM policies or permission boundaries (only by SCPs in an organization), can close the \
            account, change its contact details and remove its MFA, and is the identity an attacker \
            who phished the account e-mail or reset the password ends up with. The anti-pattern \
            (ACCOUNT-ROOT-USE) is using it at all for daily work: every root sign-in should be an \
            expected break-glass event, known in advance to the people who watch for it. A root \
            sign-in nobody can account for means the account is lost until proven otherwise.",
        fix: "Confirm with the owner of the root credentials that the sign-in was theirs. If not, reset the \
            root password, check the root MFA device and the account's contact e-mail, and review what \
            the session did (`userIdentity.type == Root` events after the sign-in). Alert on every root \
            sign-in (EventBridge rule below) and use IAM Identity Center or roles for daily work.",
        fix_snippet: "# EventBridge rule pattern (us-east-1, where sign-in events are delivered)\n{\n  \"detail-type\": [\"AWS Console Sign In via CloudTrail\"],\n  \"detail\": {\n    \"userIdentity\": { \"type\": [\"Root\"] },\n    \"responseElements\": { \"ConsoleLogin\": [\"Success\"] }\n  }\n}",
        resource_types: &["AWS::CloudTrail::Event"],
        cis: &["2.6", "5.3"],
        well_architected: &["SEC01-BP02"],
        links: &[
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html",
            "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html",
        ],
        ..RuleMeta::DEFAULT
    },
    check: Check::Trail(TrailCheck { event_names: &["ConsoleLogin"], observe, correlate: None }),
};

fn observe(ev: &Event, out: &mut Observe) {
    if ev.get("userIdentity.type").as_str() != Some("Root")
        || ev.get("responseElements.ConsoleLogin").as_str() != Some("Success")
        || ev.failed()
    {
        return;
    }
    let identity = ev.identity();
    let account = ev.account();
    let subject = if !identity.arn.is_empty() {
        identity.arn.to_string()
    } else if !account.is_empty() {
        format!("arn:aws:iam::{account}:root")
    } else {
        "root".to_string()
    };
    let ip = ev.source_ip();
    let mfa = ev.get("additionalEventData.MFAUsed");
    let mfa = mfa.as_str().unwrap_or("not recorded");
    let message = format!("The root user of account {account} signed in to the console from {ip}");
    let evidence = format!("ConsoleLogin Success as Root, MFAUsed {mfa}, sourceIPAddress {ip}");
    out.report_arn(subject.clone(), subject, message, evidence);
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_trail!(
            RULE,
            ["fail.json"],
            [
                ("arn:aws:iam::123837392027:root", ["root-login-mfa"]),
                ("arn:aws:iam::123837392027:root", ["root-login-no-mfa"]),
            ]
        );
        crate::assert_trail!(RULE, ["pass.json"], []);
    }
}
