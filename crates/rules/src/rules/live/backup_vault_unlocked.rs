use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-BACKUP-291",
        name: "backup-vault-unlocked",
        family: "BACKUP-SAME-ACCOUNT",
        severity: Severity::Medium,
        title: "Backup vault without Vault Lock",
        description: "An AWS Backup vault that holds recovery points has no Vault Lock. Anyone with \
            `backup:DeleteRecoveryPoint` in the account (an administrator, a compromised role, \
            ransomware operators who got that far) can delete the backups before touching the \
            data, or shorten their retention. Vault Lock in compliance mode makes the minimum \
            retention binding even for root. Empty vaults are not reported. No Prowler \
            equivalent (AWS Backup Audit Manager: `BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED`).",
        fix: "Add Vault Lock to the vault (governance mode to test, then compliance mode with a grace \
            period), with minimum and maximum retention that fit the backup plans.",
        fix_snippet: "Type: AWS::Backup::BackupVault\nProperties:\n  BackupVaultName: central\n  LockConfiguration:\n    MinRetentionDays: 7\n    MaxRetentionDays: 400\n    ChangeableForDays: 3",
        resource_types: &["AWS::Backup::BackupVault"],
        well_architected: &["SEC08-BP04", "SEC10-BP02"],
        requires: &["backup:ListBackupVaults"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    if model.account.is_none() {
        return;
    }
    for (i, vault) in model.resources.iter().enumerate().filter(|(_, r)| r.is_type("AWS::Backup::BackupVault")) {
        // An empty vault is reported too: what is backed up into it later is deletable.
        let points = vault.prop("NumberOfRecoveryPoints").and_then(Node::as_i64);
        let name = vault.prop("BackupVaultName").and_then(Node::as_str).unwrap_or(&vault.logical_id);
        match vault.prop("Locked").and_then(Node::as_bool) {
            Some(true) => {}
            Some(false) => out.add(
                i,
                "Locked",
                match points {
                    Some(0) => {
                        format!("Backup vault {name} has no Vault Lock: recovery points stored in it can be deleted")
                    }
                    Some(n) => {
                        format!("Backup vault {name} holds {n} recovery points without Vault Lock: they can be deleted")
                    }
                    None => format!("Backup vault {name} has no Vault Lock: its recovery points can be deleted"),
                },
                format!(
                    "Locked: false, NumberOfRecoveryPoints: {}",
                    points.map(|n| n.to_string()).unwrap_or_else(|| "unknown".into())
                ),
            ),
            None => out.unknown(i, format!("whether backup vault {name} is locked was not collected")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    const V: &str = "arn:aws:backup:eu-west-1:111122223333:backup-vault:";

    #[test]
    fn fixtures() {
        crate::assert_checks!(
            RULE,
            ["fail.json"],
            [format!("FAIL {V}Default"), format!("PASS {V}locked"), format!("FAIL {V}empty")]
        );
        crate::assert_live!(RULE, ["pass.json"], []);
    }
}
