use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-IAM-250",
        name: "root-access-keys",
        family: "ACCOUNT-ROOT-USE",
        severity: Severity::Critical,
        title: "The root user has access keys",
        description: "The account's root user has an active access key. Root keys carry every \
            permission in the account, cannot be limited by IAM policies or permissions \
            boundaries, and are long-lived: a key left in a script, a laptop or a CI variable \
            hands the whole account to whoever finds it, including the power to close it. \
            Nothing needs root keys. Read from `GetAccountSummary` (`AccountAccessKeysPresent`, \
            current) and the credential report's `<root_account>` row (which says which key and \
            when it was last used). Prowler: `iam_no_root_access_key`.",
        fix: "Sign in as root, open Security credentials, and delete the access keys (deactivate first if \
            you must find out what breaks); give automation an IAM role instead.",
        fix_snippet: "# Root keys are not CloudFormation resources. As root:\n\
            #   Console > account menu > Security credentials > Access keys > Delete\n\
            # Then check: aws iam get-account-summary --query SummaryMap.AccountAccessKeysPresent  # 0",
        resource_types: &["AWS::Account"],
        cis: &["2.3"],
        fsbp: &["IAM.4"],
        well_architected: &["SEC01-BP02", "SEC02-BP02"],
        requires: &["iam:GetAccountSummary", "iam:GetCredentialReport"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    let Some((acct, account)) = super::account(model) else { return };
    let row = super::root_row(account);
    let details: Vec<String> = match &row {
        Ok(row) => super::row_keys(row)
            .into_iter()
            .filter(|(_, active, _, _)| *active)
            .map(|(n, _, rotated, used)| {
                format!(
                    "access_key_{n}_active: true (last rotated {}, last used {})",
                    rotated.as_deref().unwrap_or("unknown"),
                    used.as_deref().unwrap_or("never")
                )
            })
            .collect(),
        Err(_) => vec![],
    };
    // The summary is current; the report may be up to four hours old, so the summary decides
    // when it is known.
    let present = match (super::summary_value(account, "AccountAccessKeysPresent"), &row) {
        (Ok(n), _) => Some((n > 0, format!("AccountAccessKeysPresent: {n}"))),
        (Err(_), Ok(_)) => Some((!details.is_empty(), "credential report <root_account> row".to_string())),
        (Err(summary), Err(report)) => return out.unknown(acct, format!("{summary}; {report}")),
    };
    if let Some((true, source)) = present {
        let mut evidence = vec![source];
        evidence.extend(details.iter().cloned());
        let which = match details.len() {
            0 => "an active access key".to_string(),
            1 => "1 active access key".to_string(),
            n => format!("{n} active access keys"),
        };
        out.add(
            acct,
            "AccountAccessKeysPresent",
            format!("The root user of account {} has {which}", account.account_id),
            evidence.join("; "),
        );
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
        crate::assert_checks!(RULE, ["fail.json"], [format!("FAIL {ROOT}")]);
        crate::assert_checks!(RULE, ["pass.json"], [format!("PASS {ROOT}")]);
        // Summary unreadable and the report has no root row (as on moto): unknown, not a pass.
        crate::assert_checks!(RULE, ["unknown.json"], [format!("UNKNOWN {ROOT}")]);
    }

    /// The credential report CSV alone, as `nextgap audit report.csv` reads it: the root row has
    /// an active key.
    #[test]
    fn credential_report_csv() {
        crate::assert_live!(RULE, ["root.csv"], [ROOT]);
        crate::assert_checks!(RULE, ["root.csv"], [format!("FAIL {ROOT}")]);
    }
}
