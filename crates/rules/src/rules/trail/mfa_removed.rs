use crate::prelude::*;
use crate::trail::{Observe, TrailCheck};
use nextgap_model::event::Event;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-IAM-356",
        name: "mfa-removed",
        family: "IAM-KEYS",
        severity: Severity::High,
        title: "MFA device deactivated or deleted",
        description: "An MFA device was taken off a user (`DeactivateMFADevice`) or a virtual MFA device \
            was deleted (`DeleteVirtualMFADevice`). From then on the user's password alone opens the \
            console (IAM-KEYS: single-factor sign-in), and policies that require \
            `aws:MultiFactorAuthPresent` stop protecting anything for a session the attacker can start. \
            Removing MFA is a step attackers take right after getting hold of a password or an \
            administrator's session, so that they can come back; it is also what happens, legitimately, \
            when a user replaces a lost phone, which is why each event needs a look.",
        fix: "Confirm with the user that they are replacing their device, and check that a new device was \
            enabled (`EnableMFADevice`) soon after. If not, re-enable MFA, reset the user's password and \
            keys, and review the sessions of the caller.",
        fix_snippet: "# EventBridge rule pattern\n{\n  \"detail-type\": [\"AWS API Call via CloudTrail\"],\n  \"detail\": {\n    \"eventSource\": [\"iam.amazonaws.com\"],\n    \"eventName\": [\"DeactivateMFADevice\", \"DeleteVirtualMFADevice\"]\n  }\n}",
        resource_types: &["AWS::CloudTrail::Event"],
        cis: &["2.9"],
        fsbp: &["IAM.5", "IAM.19"],
        well_architected: &["SEC02-BP01"],
        links: &["https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_disable.html"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Trail(TrailCheck {
        event_names: &["DeactivateMFADevice", "DeleteVirtualMFADevice"],
        observe,
        correlate: None,
    }),
};

fn observe(ev: &Event, out: &mut Observe) {
    if ev.failed() {
        return;
    }
    let user = ev.get("requestParameters.userName");
    let user = user.as_str().filter(|u| !u.is_empty());
    let serial = ev.get("requestParameters.serialNumber");
    let serial = serial.as_str().filter(|s| !s.is_empty());
    let identity = ev.identity();
    let caller = identity.principal();
    let name = ev.event_name();
    let (subject, message) = match (name.as_ref(), user, serial) {
        ("DeactivateMFADevice", Some(user), _) => {
            (user.to_string(), format!("{caller} deactivated the MFA device of IAM user {user}"))
        }
        ("DeactivateMFADevice", None, _) if identity.kind == "Root" => {
            (caller.clone(), format!("The root user of account {} deactivated its own MFA device", ev.account()))
        }
        (_, _, Some(serial)) => (serial.to_string(), format!("{caller} deleted the virtual MFA device {serial}")),
        (_, Some(user), None) => (user.to_string(), format!("{caller} removed an MFA device of IAM user {user}")),
        _ => (caller.clone(), format!("{caller} removed an MFA device")),
    };
    let mut evidence = name.to_string();
    if let Some(user) = user {
        evidence.push_str(&format!(" userName {user}"));
    }
    if let Some(serial) = serial {
        evidence.push_str(&format!(" serialNumber {serial}"));
    }
    evidence.push_str(&format!(" by {caller}"));
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
                ("arn:aws:iam::123837392027:mfa/Mobile", ["virtual-deleted"]),
                ("arn:aws:iam::123837392027:root", ["root-deactivated"]),
                ("bert-jan", ["user-deactivated"]),
            ]
        );
        crate::assert_trail!(RULE, ["pass.json"], []);
    }
}
