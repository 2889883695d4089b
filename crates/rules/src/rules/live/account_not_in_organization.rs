use crate::prelude::*;
use nextgap_model::Fact;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-ORGANIZATIONS-255",
        name: "account-not-in-organization",
        family: "ACCOUNT-SINGLE",
        severity: Severity::Medium,
        title: "Account is not part of an AWS Organization",
        description: "The account stands alone: it belongs to no AWS Organization. Everything it runs \
            shares one blast radius and one administrative domain, nothing above it can set \
            guardrails (service control policies), and there is no separate account to keep \
            logs and backups out of reach of whoever controls this one. Prowler: \
            `organizations_account_part_of_organizations`.",
        fix: "Create an Organization (or join an existing one) and split workloads, logs and backups into \
            separate accounts, for example with AWS Control Tower.",
        fix_snippet: "# From the account that becomes the management account:\n\
            # aws organizations create-organization --feature-set ALL\n\
            # then create member accounts for workloads, log archive and backups (Control Tower does this).",
        resource_types: &["AWS::Account"],
        well_architected: &["SEC01-BP01"],
        requires: &["organizations:DescribeOrganization"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    let Some((acct, account)) = super::account(model) else { return };
    match &account.organization {
        Fact::Known(Some(_)) => {}
        Fact::Known(None) => out.add(
            acct,
            "organization",
            format!("Account {} is not part of an AWS Organization", account.account_id),
            "DescribeOrganization: AWSOrganizationsNotInUseException",
        ),
        Fact::Unknown(reason) => out.unknown(acct, format!("organization: {reason}")),
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    const ROOT: &str = "arn:aws:iam::111122223333:root";

    #[test]
    fn fixtures() {
        crate::assert_checks!(RULE, ["fail.json"], [format!("FAIL {ROOT}")]);
        crate::assert_checks!(RULE, ["pass.json"], [format!("PASS {ROOT}")]);
        crate::assert_checks!(RULE, ["unknown.json"], [format!("UNKNOWN {ROOT}")]);
    }
}
