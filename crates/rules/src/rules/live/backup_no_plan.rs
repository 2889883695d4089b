use crate::prelude::*;
use nextgap_model::Fact;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-BACKUP-290",
        name: "backup-no-plan",
        family: "BACKUP-NONE",
        severity: Severity::Medium,
        title: "No AWS Backup plan in the account",
        description: "The account has no AWS Backup plan in any collected Region. Whatever backups exist \
            are then per-service settings (RDS retention, DynamoDB PITR) or scripts, with no \
            central schedule, retention, cross-account copy or report to show that every \
            database, table, volume and file system is covered. Plans are counted across Regions; \
            if none is found but some Region could not be read, the result is UNKNOWN. Prowler: \
            `backup_plans_exist`.",
        fix: "Create a backup plan (or an Organization backup policy) that selects resources by tag, keeps \
            daily and monthly recovery points, and copies them to a vault in a separate backup account.",
        fix_snippet: "Type: AWS::Backup::BackupPlan\nProperties:\n  BackupPlan:\n    BackupPlanName: daily\n    BackupPlanRule:\n      - RuleName: daily-35d\n        TargetBackupVault: !Ref Vault\n        ScheduleExpression: cron(0 3 * * ? *)\n        Lifecycle: {DeleteAfterDays: 35}",
        resource_types: &["AWS::Account"],
        well_architected: &["SEC10-BP02", "SEC07-BP04"],
        requires: &["backup:ListBackupPlans"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    let Some((acct, account)) = super::account(model) else { return };
    if model.of_type("AWS::Backup::BackupPlan").next().is_some() {
        return;
    }
    let regions = match super::regions(account) {
        Ok(r) => r,
        Err(reason) => return out.unknown(acct, reason),
    };
    let mut plans = 0;
    let mut unknown = Vec::new();
    for region in regions {
        match &super::region_facts(account, region).backup_plans {
            Fact::Known(n) => plans += n,
            Fact::Unknown(reason) => unknown.push((region, reason)),
        }
    }
    if plans > 0 {
        return;
    }
    if !unknown.is_empty() {
        for (region, reason) in unknown {
            out.unknown_in(acct, region, format!("{region}: backup plans: {reason}"));
        }
        return;
    }
    out.add(
        acct,
        "backup_plans",
        format!("Account {} has no AWS Backup plan", account.account_id),
        format!("backup plans in {}: 0", regions.join(", ")),
    );
}

#[cfg(test)]
mod tests {
    use super::RULE;

    const ROOT: &str = "arn:aws:iam::111122223333:root";

    #[test]
    fn fixtures() {
        crate::assert_checks!(RULE, ["fail.json"], [format!("FAIL {ROOT}")]);
        // One plan in us-east-1 covers the account; eu-west-1 has none.
        crate::assert_checks!(RULE, ["pass.json"], [format!("PASS {ROOT}")]);
        // No plan found, one Region unreadable.
        crate::assert_checks!(RULE, ["unknown.json"], [format!("UNKNOWN {ROOT} eu-west-1")]);
    }
}
