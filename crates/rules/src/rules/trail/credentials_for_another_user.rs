use crate::prelude::*;
use crate::trail::{Observe, TrailCheck};
use nextgap_model::event::Event;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-IAM-355",
        name: "credentials-for-another-user",
        family: "IAM-ESCALATION",
        severity: Severity::High,
        title: "Credentials created or reset for another IAM user",
        description: "A principal created an access key (`CreateAccessKey`) or a console password \
            (`CreateLoginProfile`), or changed the console password (`UpdateLoginProfile`), of an IAM \
            user other than itself. Whoever holds the new secret acts as that user, with all of its \
            permissions: this is one of the classic IAM-ESCALATION paths (a principal with \
            `iam:CreateAccessKey` on `*` is as powerful as the most powerful user), and the usual way \
            an attacker leaves a backdoor that survives the rotation of the key they came in with. \
            Calls by roles, federated sessions and the root user are always reported when they name a \
            user, since those callers have no keys or password of their own to manage this way.",
        fix: "Confirm with the user concerned and the caller that the change was expected (an administrator \
            resetting a forgotten password). If not, delete the new key or login profile, rotate the \
            user's other credentials, and restrict `iam:CreateAccessKey`, `iam:CreateLoginProfile` and \
            `iam:UpdateLoginProfile` to `arn:aws:iam::*:user/${aws:username}` for everyone but the \
            identity administrators.",
        fix_snippet: "# Let users manage only their own keys and password\n{\n  \"Effect\": \"Allow\",\n  \"Action\": [\"iam:CreateAccessKey\", \"iam:UpdateLoginProfile\", \"iam:CreateLoginProfile\"],\n  \"Resource\": \"arn:aws:iam::*:user/${aws:username}\"\n}",
        resource_types: &["AWS::CloudTrail::Event"],
        well_architected: &["SEC03-BP02", "SEC02-BP05"],
        links: &[
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html",
            "https://pathfinding.cloud",
        ],
        ..RuleMeta::DEFAULT
    },
    check: Check::Trail(TrailCheck {
        event_names: &["CreateAccessKey", "CreateLoginProfile", "UpdateLoginProfile"],
        observe,
        correlate: None,
    }),
};

fn observe(ev: &Event, out: &mut Observe) {
    if ev.failed() {
        return;
    }
    let target = ev.get("requestParameters.userName");
    let Some(target) = target.as_str().map(str::trim).filter(|t| !t.is_empty()) else { return };
    let identity = ev.identity();
    // IAM user names are unique regardless of case.
    if identity.iam_user_name().is_some_and(|own| own.eq_ignore_ascii_case(target)) {
        return;
    }
    let caller = identity.principal();
    let name = ev.event_name();
    let (what, detail) = match name.as_ref() {
        "CreateAccessKey" => {
            let key = ev.get("responseElements.accessKey.accessKeyId");
            ("created an access key for", key.as_str().map(|k| format!(", new key {k}")).unwrap_or_default())
        }
        "CreateLoginProfile" => ("created a console password for", reset_required(ev)),
        _ => ("changed the console password of", reset_required(ev)),
    };
    let message = format!("{caller} {what} IAM user {target}");
    let evidence = format!("{name} userName {target} by {caller} ({}){detail}", identity.kind);
    out.report(target, message, evidence);
}

fn reset_required(ev: &Event) -> String {
    let reset = ev.get("requestParameters.passwordResetRequired");
    reset.as_str().map(|r| format!(", passwordResetRequired {r}")).unwrap_or_default()
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
                ("malicious-iam-user", ["key-for-other"]),
                ("ops-alice", ["profile-by-role"]),
                ("stratus-red-team-login-profile-user", ["profile-for-other"]),
                ("stratus-red-team-update-login-profile-user", ["password-of-other"]),
            ]
        );
        crate::assert_trail!(RULE, ["pass.json"], []);
    }
}
