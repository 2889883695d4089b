use crate::prelude::*;
use nextgap_model::account::NamedPolicy;
use nextgap_model::Fact;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-ORGANIZATIONS-256",
        name: "organization-no-scp",
        family: "ACCOUNT-SINGLE",
        severity: Severity::Medium,
        title: "No service control policy limits the account",
        description: "No service control policy other than the default `FullAWSAccess` exists, so \
            nothing above the account's own IAM sets guardrails: an administrator (or an attacker \
            holding administrator credentials) can leave the Organization, stop CloudTrail and \
            GuardDuty, delete backups, or use any Region. An account outside any Organization has \
            no SCP either and is reported too. SCPs never restrict the management account itself, \
            which should run no workloads. Prowler: `organizations_scp_check_deny_regions` (the \
            nearest check).",
        fix: "Attach SCPs to the organizational units that deny leaving the Organization, disabling \
            CloudTrail, GuardDuty, Config and Security Hub, deleting backup vaults and recovery \
            points, and the Regions you do not use.",
        fix_snippet: "Type: AWS::Organizations::Policy\nProperties:\n  Name: guardrails\n  Type: SERVICE_CONTROL_POLICY\n  TargetIds: [ou-abcd-11111111]\n  Content:\n    Version: \"2012-10-17\"\n    Statement:\n      - Effect: Deny\n        Action: [organizations:LeaveOrganization, cloudtrail:StopLogging, cloudtrail:DeleteTrail, guardduty:DeleteDetector, backup:DeleteRecoveryPoint, backup:DeleteBackupVault]\n        Resource: \"*\"",
        resource_types: &["AWS::Account"],
        well_architected: &["SEC01-BP01", "SEC03-BP05"],
        requires: &["organizations:DescribeOrganization", "organizations:ListPolicies", "organizations:DescribePolicy"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

/// The policy AWS attaches everywhere by default: it allows everything and restricts nothing.
fn is_full_access(p: &NamedPolicy) -> bool {
    p.id == "p-FullAWSAccess" || p.name == "FullAWSAccess"
}

fn check(model: &Model, out: &mut Hits) {
    let Some((acct, account)) = super::account(model) else { return };
    let org = match &account.organization {
        Fact::Known(Some(org)) => org,
        Fact::Known(None) => {
            return out.add(
                acct,
                "organization",
                format!("Account {} is in no Organization, so no service control policy limits it", account.account_id),
                "DescribeOrganization: AWSOrganizationsNotInUseException",
            )
        }
        Fact::Unknown(reason) => return out.unknown(acct, format!("organization: {reason}")),
    };
    match &org.service_control_policies {
        Fact::Known(policies) => {
            if policies.iter().all(is_full_access) {
                let names: Vec<&str> = policies.iter().map(|p| p.name.as_str()).collect();
                out.add(
                    acct,
                    "organization.service_control_policies",
                    format!(
                        "Organization {} of account {} has no service control policy besides FullAWSAccess",
                        org.id, account.account_id
                    ),
                    format!("service control policies: [{}]", names.join(", ")),
                );
            }
        }
        Fact::Unknown(reason) => out.unknown(acct, format!("service control policies of {}: {reason}", org.id)),
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    const ROOT: &str = "arn:aws:iam::111122223333:root";

    #[test]
    fn fixtures() {
        // fail.json: only FullAWSAccess; no_org.json: outside any Organization.
        crate::assert_checks!(RULE, ["fail.json"], [format!("FAIL {ROOT}")]);
        crate::assert_checks!(RULE, ["no_org.json"], [format!("FAIL {ROOT}")]);
        crate::assert_checks!(RULE, ["pass.json"], [format!("PASS {ROOT}")]);
        // A member account cannot list SCPs: AccessDenied.
        crate::assert_checks!(RULE, ["unknown.json"], [format!("UNKNOWN {ROOT}")]);
    }
}
