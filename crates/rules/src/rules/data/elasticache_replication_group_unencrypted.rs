use super::{each, is_set, report_switch_off, subject};
use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-ELASTICACHE-183",
        name: "elasticache-replication-group-unencrypted",
        family: "DATA-ENCRYPT",
        severity: Severity::Medium,
        title: "ElastiCache replication group without encryption at rest or in transit",
        description: "An `AWS::ElastiCache::ReplicationGroup` (Redis OSS / Valkey) leaves \
            `AtRestEncryptionEnabled` or `TransitEncryptionEnabled` false or unset; both default \
            to off. Without at-rest encryption, data swapped to disk and backups in S3 are \
            unencrypted; without in-transit encryption, cached data (often sessions and tokens) \
            and the AUTH token cross the network in clear text. Both are fixed at creation. Groups \
            that join a global datastore or are built from an existing primary cluster inherit \
            the settings and are not reported.",
        fix: "Set `AtRestEncryptionEnabled: true` and `TransitEncryptionEnabled: true` (with \
            `TransitEncryptionMode: required` once clients use TLS).",
        fix_snippet: "Type: AWS::ElastiCache::ReplicationGroup\nProperties:\n  AtRestEncryptionEnabled: true\n  TransitEncryptionEnabled: true\n  TransitEncryptionMode: required\n  KmsKeyId: !Ref CacheKey",
        resource_types: &["AWS::ElastiCache::ReplicationGroup"],
        fsbp: &["ElastiCache.4", "ElastiCache.5"],
        well_architected: &["SEC08-BP02", "SEC09-BP02"],
        checkov: &["CKV_AWS_29", "CKV_AWS_30"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    for (i, res) in each(model, "AWS::ElastiCache::ReplicationGroup") {
        if is_set(res, "GlobalReplicationGroupId") || is_set(res, "PrimaryClusterId") {
            continue;
        }
        let who = subject("Replication group", res);
        report_switch_off(out, i, &res.properties, "", "AtRestEncryptionEnabled", &who, "encryption at rest");
        report_switch_off(out, i, &res.properties, "", "TransitEncryptionEnabled", &who, "encryption in transit");
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::testing::hits_on;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["Default", "NoTransit"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }

    #[test]
    fn reports_each_missing_setting() {
        let hits = hits_on(&RULE, file!(), "fail.yaml");
        let default: Vec<&str> = hits.iter().filter(|(id, _)| id == "Default").map(|(_, p)| p.as_str()).collect();
        assert_eq!(default, ["AtRestEncryptionEnabled", "TransitEncryptionEnabled"]);
    }
}
