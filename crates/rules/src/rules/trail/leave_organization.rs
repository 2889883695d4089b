use crate::prelude::*;
use crate::trail::{Observe, TrailCheck};
use nextgap_model::event::Event;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-ORG-364",
        name: "leave-organization",
        family: "ACCOUNT-SINGLE",
        severity: Severity::High,
        title: "Account left or was removed from the organization",
        description: "An account left its AWS organization (`LeaveOrganization`) or was removed from it by \
            the management account (`RemoveAccountFromOrganization`). Outside the organization the \
            account is on its own (ACCOUNT-SINGLE): service control policies no longer apply, the \
            organization trail and delegated security services (GuardDuty, Security Hub, Config \
            aggregation) stop covering it, and centrally managed backups and access end. An attacker \
            with administrator rights in a member account leaves the organization precisely to shed \
            those guardrails and the eyes that come with them.",
        fix: "Confirm the move was planned (an account closure or transfer). If not, invite the account back, \
            check what was done in it since, and deny `organizations:LeaveOrganization` to every member \
            account with an SCP.",
        fix_snippet: "# SCP attached to the root or every OU\n{\n  \"Effect\": \"Deny\",\n  \"Action\": \"organizations:LeaveOrganization\",\n  \"Resource\": \"*\"\n}",
        resource_types: &["AWS::CloudTrail::Event"],
        cis: &["5.15"],
        well_architected: &["SEC01-BP01", "SEC03-BP05"],
        links: &[
            "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_remove.html",
            "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html",
        ],
        ..RuleMeta::DEFAULT
    },
    check: Check::Trail(TrailCheck {
        event_names: &["LeaveOrganization", "RemoveAccountFromOrganization"],
        observe,
        correlate: None,
    }),
};

fn observe(ev: &Event, out: &mut Observe) {
    if ev.failed() {
        return;
    }
    let caller = ev.identity().principal();
    let name = ev.event_name();
    let (account, message) = if name == "RemoveAccountFromOrganization" {
        let removed = ev.get("requestParameters.accountId");
        let removed = removed.as_str().unwrap_or("unknown").to_string();
        let message = format!("{caller} removed account {removed} from the organization");
        (removed, message)
    } else {
        let account = ev.account().into_owned();
        let message = format!("{caller} made account {account} leave its organization");
        (account, message)
    };
    let evidence = format!("{name} account {account}");
    out.report(account, message, evidence);
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_trail!(RULE, ["fail.json"], [("111122223333", ["removed"]), ("307578594326", ["left"])]);
        crate::assert_trail!(RULE, ["pass.json"], []);
    }
}
