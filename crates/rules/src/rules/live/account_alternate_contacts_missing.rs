use crate::prelude::*;
use nextgap_model::Fact;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-ACCOUNT-254",
        name: "account-alternate-contacts-missing",
        family: "ACCOUNT-ROOT-PERSON",
        severity: Severity::Medium,
        title: "Account alternate contacts missing",
        description: "The account has no security, operations or billing alternate contact. AWS then \
            sends abuse reports, security notifications (an exposed key found on GitHub, a \
            compromised instance) and billing warnings only to the root e-mail address, which is \
            often one person's mailbox. When that person is away or gone, nobody acts on them. A \
            team address for each contact keeps the account from depending on one person. \
            Prowler: `account_security_contact_information_is_registered`, \
            `account_maintain_current_contact_details`.",
        fix: "Set the SECURITY, OPERATIONS and BILLING alternate contacts to team addresses (distribution \
            lists), in the account settings or centrally through AWS Organizations.",
        fix_snippet: "# No CloudFormation resource; with the CLI (from the account, or the management account with --account-id):\n\
            # aws account put-alternate-contact --alternate-contact-type SECURITY \\\n\
            #   --email-address security@example.com --name \"Security team\" --phone-number \"+1-555-0100\" --title \"Security\"",
        resource_types: &["AWS::Account"],
        cis: &["2.1", "2.2"],
        fsbp: &["Account.1"],
        well_architected: &["SEC10-BP01", "SEC01-BP02"],
        requires: &["account:GetAlternateContact"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

const KINDS: [&str; 3] = ["SECURITY", "OPERATIONS", "BILLING"];

fn check(model: &Model, out: &mut Hits) {
    let Some((acct, account)) = super::account(model) else { return };
    let contacts = match &account.alternate_contacts {
        Fact::Known(c) => c,
        Fact::Unknown(reason) => return out.unknown(acct, format!("alternate contacts: {reason}")),
    };
    let missing: Vec<&str> = KINDS.into_iter().filter(|k| contacts.get(*k) != Some(&true)).collect();
    if missing.is_empty() {
        return;
    }
    let evidence: Vec<String> = KINDS.iter().map(|k| format!("{k}: {}", contacts.get(*k) == Some(&true))).collect();
    out.add(
        acct,
        "alternate_contacts",
        format!("Account {} has no {} alternate contact", account.account_id, missing.join(", ")),
        evidence.join(", "),
    );
}

#[cfg(test)]
mod tests {
    use super::RULE;

    const ROOT: &str = "arn:aws:iam::111122223333:root";

    #[test]
    fn fixtures() {
        crate::assert_live!(RULE, ["fail.json"], [ROOT]);
        crate::assert_live!(RULE, ["pass.json"], []);
        crate::assert_checks!(RULE, ["pass.json"], [format!("PASS {ROOT}")]);
        crate::assert_checks!(RULE, ["unknown.json"], [format!("UNKNOWN {ROOT}")]);
        // Templates have no account: the rule stays silent.
        crate::assert_fixture!(RULE, "template.yaml", []);
    }
}
