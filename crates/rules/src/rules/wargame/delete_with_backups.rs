use crate::graph::GraphHit;
use crate::prelude::*;
use nextgap_iam::wargame::Ranked;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-IAM-367",
        name: "principal-can-delete-data-and-backups",
        family: "IAM-SAME-DOMAIN",
        severity: Severity::High,
        title: "A principal can delete production data together with all of its backups",
        description: "Through its own permissions or the principals it can act as, this \
            principal can delete a data store (S3 objects, an RDS instance or cluster, a DynamoDB \
            table, an EBS volume) and every backup of it the input shows (object versions, EBS \
            and RDS snapshots, recovery points in unlocked AWS Backup vaults). Backups in the same \
            blast radius as the data are no backups against a stolen credential or a bad script. \
            Administrators are included: they are the most likely principals to be compromised \
            or to run the wrong automation.",
        fix: "Keep backups where production credentials cannot delete them: AWS Backup vault \
            lock (compliance mode), a separate backup account, S3 Object Lock; deny backup \
            deletion in an SCP except for a break-glass role.",
        fix_snippet: "Type: AWS::Backup::BackupVault\nProperties:\n  BackupVaultName: prod\n  LockConfiguration:\n    MinRetentionDays: 35",
        resource_types: &["AWS::IAM::User", "AWS::IAM::Role"],
        well_architected: &["SEC03-BP02", "SEC10-BP07"],
        links: &["https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html"],
        requires: &["iam:GetAccountAuthorizationDetails"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Graph(check),
};

fn check(r: &Ranked) -> Option<GraphHit> {
    if r.same_domain.is_empty() {
        return None;
    }
    let stores: Vec<&str> = r.same_domain.iter().map(|s| s.as_str()).collect();
    Some(GraphHit {
        message: format!(
            "{} can delete {} data store(s) together with every backup of them",
            crate::graph::short(&r.principal),
            stores.len()
        ),
        evidence: format!("stores: {}", stores.join(", ")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_stores_deletable_with_their_backups() {
        let mut r: Ranked = serde_json::from_value(serde_json::json!({
            "rank": 1, "principal": "arn:aws:iam::111122223333:role/deploy", "name": "deploy", "kind": "role",
            "account": "111122223333", "admin": false, "can_become_admin": false, "score": 0, "reaches": 0,
            "data_read": 0, "data_delete": 1, "backups_delete": 1, "same_domain": [], "audit": 0, "lockout": 0,
            "persist": 0, "exposed": false
        }))
        .unwrap();
        assert!(check(&r).is_none());
        r.same_domain = vec!["arn:aws:rds:eu-west-1:111122223333:db:prod".into()];
        let hit = check(&r).unwrap();
        assert_eq!(hit.message, "role/deploy can delete 1 data store(s) together with every backup of them");
        assert_eq!(hit.evidence, "stores: arn:aws:rds:eu-west-1:111122223333:db:prod");
    }
}
