use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-RDS-009",
        name: "rds-public-access-unset",
        family: "NET-OPEN",
        severity: Severity::Medium,
        title: "RDS instance leaves public accessibility to the VPC's default",
        description: "An RDS DB instance does not set `PubliclyAccessible`. RDS then decides by the \
            network it lands in: when the VPC of its subnet group — or the default VPC, when no \
            `DBSubnetGroupName` is given — has an internet gateway attached, the instance is \
            created publicly accessible, with a public IP and an internet-resolvable endpoint. \
            Default VPCs always have an internet gateway, and so do most VPCs that host any public \
            subnet. Whether the database faces the internet should be a decision written in the \
            template, not a side effect of the network it is deployed into. (checkov's \
            CKV_AWS_17 only flags the explicit `true`; this rule covers the implicit case.)",
        fix: "Set PubliclyAccessible: false explicitly, and give the instance a DBSubnetGroupName of \
            private subnets.",
        fix_snippet: "Database:\n  Type: AWS::RDS::DBInstance\n  Properties:\n    PubliclyAccessible: false\n    DBSubnetGroupName: !Ref PrivateSubnetGroup",
        resource_types: &["AWS::RDS::DBInstance"],
        cis: &["3.2.3"],
        fsbp: &["RDS.2"],
        well_architected: &["SEC05-BP01", "SEC05-BP02"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    for (index, res) in model.resources.iter().enumerate().filter(|(_, r)| r.is_type("AWS::RDS::DBInstance")) {
        if !super::settings(res, "PubliclyAccessible").iter().any(|s| matches!(s, super::Setting::Missing)) {
            continue;
        }
        let network = match res.prop("DBSubnetGroupName") {
            Some(group) if !group.is_absent() => format!("the VPC of subnet group {}", group.describe()),
            _ if res.prop("DBClusterIdentifier").is_some() => "the cluster's VPC".to_string(),
            _ => "the default VPC (no DBSubnetGroupName)".to_string(),
        };
        out.add(
            index,
            "PubliclyAccessible",
            format!(
                "DB instance {} does not set PubliclyAccessible: it becomes public if {network} has an internet gateway",
                res.logical_id
            ),
            "PubliclyAccessible absent".to_string(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["DefaultVpc", "RemovedInOneBranch", "WithSubnetGroup"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
