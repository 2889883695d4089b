use crate::prelude::*;
use crate::trail::{Observe, TrailCheck};
use nextgap_model::event::Event;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-SIGNIN-352",
        name: "console-login-without-mfa",
        family: "IAM-KEYS",
        severity: Severity::High,
        title: "Console sign-in without MFA",
        description: "An IAM user or the root user signed in to the console with a password alone \
            (`additionalEventData.MFAUsed` is `No`). A password is one leaked file, reused password \
            or phishing page away from an attacker; with MFA the password alone does not open the \
            console. This is the weak sign-in half of IAM-KEYS: long-lived, single-factor \
            credentials on humans. Sign-ins through SAML or IAM Identity Center (assumed-role and \
            federated sessions) are not reported: their MFA is enforced, or not, by the identity \
            provider and does not show in this field.",
        fix: "Require MFA for the user (assign a device and deny actions without \
            `aws:MultiFactorAuthPresent`), or better, remove the console password and give the person \
            access through IAM Identity Center. Confirm with the user that the sign-in was theirs.",
        fix_snippet: "# IAM policy statement for console users: nothing but MFA set-up until MFA is used\n{\n  \"Sid\": \"DenyAllExceptMfaSetupWithoutMFA\",\n  \"Effect\": \"Deny\",\n  \"NotAction\": [\"iam:CreateVirtualMFADevice\", \"iam:EnableMFADevice\", \"iam:ListMFADevices\", \"iam:GetUser\", \"sts:GetSessionToken\"],\n  \"Resource\": \"*\",\n  \"Condition\": { \"BoolIfExists\": { \"aws:MultiFactorAuthPresent\": \"false\" } }\n}",
        resource_types: &["AWS::CloudTrail::Event"],
        cis: &["2.9", "5.2"],
        fsbp: &["IAM.5"],
        well_architected: &["SEC02-BP01"],
        links: &[
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa.html",
            "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html",
        ],
        ..RuleMeta::DEFAULT
    },
    check: Check::Trail(TrailCheck { event_names: &["ConsoleLogin"], observe, correlate: None }),
};

fn observe(ev: &Event, out: &mut Observe) {
    if ev.get("additionalEventData.MFAUsed").as_str() != Some("No")
        || ev.get("responseElements.ConsoleLogin").as_str() != Some("Success")
        || ev.failed()
    {
        return;
    }
    let identity = ev.identity();
    if identity.kind != "IAMUser" && identity.kind != "Root" {
        return;
    }
    // A SAML sign-in: MFA is the identity provider's business.
    if !ev.get("additionalEventData.SamlProviderArn").is_absent_or_null() {
        return;
    }
    let subject = identity.principal();
    let who = match identity.iam_user_name() {
        Some(name) => format!("IAM user {name}"),
        None => format!("The root user of account {}", ev.account()),
    };
    let ip = ev.source_ip();
    let message = format!("{who} signed in to the console without MFA from {ip}");
    let evidence =
        format!("ConsoleLogin Success, MFAUsed No, userIdentity.type {}, sourceIPAddress {ip}", identity.kind);
    if subject.starts_with("arn:") {
        out.report_arn(subject.clone(), subject, message, evidence);
    } else {
        out.report(subject, message, evidence);
    }
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
                ("arn:aws:iam::123837392027:root", ["root-no-mfa"]),
                ("arn:aws:iam::123837392027:user/stratus-red-team-nmfalu-gfjyeaypjt", ["user-no-mfa"]),
            ]
        );
        crate::assert_trail!(RULE, ["pass.json"], []);
    }
}
