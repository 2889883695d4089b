use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-IAM-251",
        name: "root-mfa-off",
        family: "ACCOUNT-ROOT-MFA",
        severity: Severity::Critical,
        title: "The root user has no MFA",
        description: "The root user signs in with a password alone. Whoever phishes, guesses or \
            resets that password (through the root e-mail inbox) owns the account outright: \
            root is not subject to IAM policies and can change the root e-mail, close the \
            account or remove every other control. Read from `GetAccountSummary` \
            (`AccountMFAEnabled`, current) and, when that is unreadable, the credential \
            report's `<root_account>` row. Prowler: `iam_root_mfa_enabled`.",
        fix: "Sign in as root and assign an MFA device (a hardware key or passkey held by more than one \
            custodian, kept in a safe), then store the recovery procedure with it.",
        fix_snippet: "# Root MFA is not a CloudFormation resource. As root:\n\
            #   Console > account menu > Security credentials > Multi-factor authentication > Assign MFA device\n\
            # Then check: aws iam get-account-summary --query SummaryMap.AccountMFAEnabled  # 1",
        resource_types: &["AWS::Account"],
        cis: &["2.4"],
        fsbp: &["IAM.9"],
        well_architected: &["SEC01-BP02", "SEC02-BP01"],
        requires: &["iam:GetAccountSummary", "iam:GetCredentialReport"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

/// Whether root has MFA, from the summary (current) or else the report: `(on, evidence)`.
pub(crate) fn root_mfa(account: &nextgap_model::Account) -> Result<(bool, String), String> {
    match super::summary_value(account, "AccountMFAEnabled") {
        Ok(n) => Ok((n > 0, format!("AccountMFAEnabled: {n}"))),
        Err(summary) => match super::root_row(account) {
            Ok(row) => Ok((row.mfa_active, format!("credential report <root_account> mfa_active: {}", row.mfa_active))),
            Err(report) => Err(format!("{summary}; {report}")),
        },
    }
}

fn check(model: &Model, out: &mut Hits) {
    let Some((acct, account)) = super::account(model) else { return };
    match root_mfa(account) {
        Ok((true, _)) => {}
        Ok((false, evidence)) => out.add(
            acct,
            "AccountMFAEnabled",
            format!("The root user of account {} signs in without MFA", account.account_id),
            evidence,
        ),
        Err(reason) => out.unknown(acct, reason),
    }
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
    }

    #[test]
    fn credential_report_csv() {
        crate::assert_checks!(RULE, ["root.csv"], [format!("FAIL {ROOT}")]);
    }
}
