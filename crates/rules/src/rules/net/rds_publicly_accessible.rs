use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-RDS-008",
        name: "rds-publicly-accessible",
        family: "NET-OPEN",
        severity: Severity::High,
        title: "RDS database publicly accessible",
        description: "An RDS DB instance or Multi-AZ DB cluster sets `PubliclyAccessible: true`. \
            The database gets a public IP address and a DNS name that resolves to it from the \
            internet; with a public subnet route and any permissive security group rule, the \
            database port is one password (or one engine vulnerability) away from the data. \
            Databases belong in private subnets, reached by the application tier, a bastion or \
            Session Manager port forwarding.",
        fix: "Set PubliclyAccessible to false and place the database in private subnets (DBSubnetGroupName); \
            reach it from inside the VPC.",
        fix_snippet: "Database:\n  Type: AWS::RDS::DBInstance\n  Properties:\n    PubliclyAccessible: false\n    DBSubnetGroupName: !Ref PrivateSubnetGroup",
        resource_types: &["AWS::RDS::DBInstance", "AWS::RDS::DBCluster"],
        cis: &["3.2.3"],
        fsbp: &["RDS.2"],
        well_architected: &["SEC05-BP01", "SEC05-BP02"],
        checkov: &["CKV_AWS_17"],
        cfn_nag: &["F22"],
        requires: &["rds:DescribeDBInstances", "rds:DescribeDBClusters"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    super::public_flag_hits(model, out, "AWS::RDS::DBInstance", "PubliclyAccessible", false, "DB instance");
    super::public_flag_hits(model, out, "AWS::RDS::DBCluster", "PubliclyAccessible", false, "DB cluster");
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["Cluster", "Conditional", "Public", "StringTrue"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
