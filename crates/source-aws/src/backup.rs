//! AWS Backup in one region: vaults (with their lock) and plans.

use crate::scope::{time, Scope};
use aws_sdk_backup::Client;
use nextgap_model::Fact;
use serde_json::json;

pub async fn collect(scope: &Scope) {
    let backup = Client::new(&scope.config);
    tokio::join!(vaults(scope, &backup), plans(scope, &backup));
}

async fn vaults(scope: &Scope, backup: &Client) {
    let list = scope
        .read("backup:ListBackupVaults", backup.list_backup_vaults().into_paginator().items().send().try_collect())
        .await;
    for v in list.unwrap_or_default() {
        let name = v.backup_vault_name().unwrap_or_default();
        let p = json!({
            "BackupVaultName": name, "Locked": v.locked().unwrap_or(false), "MinRetentionDays": v.min_retention_days(),
            "MaxRetentionDays": v.max_retention_days(), "NumberOfRecoveryPoints": v.number_of_recovery_points(),
            "LockDate": time(v.lock_date()), "EncryptionKeyArn": v.encryption_key_arn(),
        });
        let arn = v
            .backup_vault_arn()
            .map(String::from)
            .unwrap_or_else(|| scope.arn("backup", &format!("backup-vault:{name}")));
        scope.push("AWS::Backup::BackupVault", arn, p);
    }
}

async fn plans(scope: &Scope, backup: &Client) {
    let list = scope
        .read("backup:ListBackupPlans", backup.list_backup_plans().into_paginator().items().send().try_collect())
        .await;
    let fact = match &list {
        Ok(plans) => Fact::Known(plans.len()),
        Err(reason) => Fact::Unknown(reason.clone()),
    };
    for plan in list.unwrap_or_default() {
        let id = plan.backup_plan_id().unwrap_or_default();
        let p = json!({"BackupPlanName": plan.backup_plan_name(), "BackupPlanId": id});
        let arn = plan
            .backup_plan_arn()
            .map(String::from)
            .unwrap_or_else(|| scope.arn("backup", &format!("backup-plan:{id}")));
        scope.push("AWS::Backup::BackupPlan", arn, p);
    }
    scope.region_facts(|r| r.backup_plans = fact);
}
