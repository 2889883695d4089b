use crate::prelude::*;
use crate::rules::data::{each, is_set, report_switch_off, starts_with, subject};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-RDS-151",
        name: "database-deletion-protection-disabled",
        family: "OUTAGE-STATEFUL",
        severity: Severity::Medium,
        title: "Database without deletion protection",
        description: "An RDS DB instance or cluster, DocumentDB cluster or Neptune cluster leaves \
            `DeletionProtection` false or unset (the default is off). Then one API call, a stack \
            deletion, or a template change that replaces the database destroys it, together with \
            its automated backups, and nothing asks for confirmation. Deletion protection makes \
            every such path fail until someone deliberately turns it off. Instances that belong \
            to a cluster (protected at the cluster) and read replicas are not reported.",
        fix: "Set `DeletionProtection: true`; turn it off explicitly in a reviewed change when the \
            database really has to go.",
        fix_snippet: "Type: AWS::RDS::DBCluster\nDeletionPolicy: Snapshot\nUpdateReplacePolicy: Snapshot\nProperties:\n  DeletionProtection: true",
        resource_types: &["AWS::RDS::DBInstance", "AWS::RDS::DBCluster", "AWS::DocDB::DBCluster", "AWS::Neptune::DBCluster"],
        fsbp: &["RDS.7", "RDS.8", "DocumentDB.5", "Neptune.4"],
        well_architected: &["SEC07-BP04", "SEC08-BP04"],
        requires: &["rds:DescribeDBInstances", "rds:DescribeDBClusters"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

const CLUSTERS: &[(&str, &str)] = &[
    ("AWS::RDS::DBCluster", "DB cluster"),
    ("AWS::DocDB::DBCluster", "DocumentDB cluster"),
    ("AWS::Neptune::DBCluster", "Neptune cluster"),
];

fn check(model: &Model, out: &mut Hits) {
    for (i, res) in each(model, "AWS::RDS::DBInstance") {
        let in_cluster = is_set(res, "DBClusterIdentifier") || starts_with(res, "Engine", "aurora");
        if in_cluster || is_set(res, "SourceDBInstanceIdentifier") {
            continue;
        }
        report_switch_off(
            out,
            i,
            &res.properties,
            "",
            "DeletionProtection",
            &subject("DB instance", res),
            "deletion protection",
        );
    }
    for (rtype, noun) in CLUSTERS {
        for (i, res) in each(model, rtype) {
            report_switch_off(
                out,
                i,
                &res.properties,
                "",
                "DeletionProtection",
                &subject(noun, res),
                "deletion protection",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["Aurora", "DocDb", "Instance", "Neptune"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
