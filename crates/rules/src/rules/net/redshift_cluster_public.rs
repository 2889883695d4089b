use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-REDSHIFT-011",
        name: "redshift-cluster-public",
        family: "NET-OPEN",
        severity: Severity::High,
        title: "Redshift cluster publicly accessible",
        description: "An Amazon Redshift cluster sets `PubliclyAccessible: true`: its leader node \
            gets a public IP and an endpoint that resolves from the internet. A data warehouse \
            typically holds the organisation's most complete copy of its data; exposing its port \
            leaves that data behind a database password. Keep clusters private and let analysts \
            in through a VPN, a bastion, or the Redshift Data API.",
        fix: "Set PubliclyAccessible: false and use a cluster subnet group of private subnets.",
        fix_snippet: "Warehouse:\n  Type: AWS::Redshift::Cluster\n  Properties:\n    PubliclyAccessible: false\n    ClusterSubnetGroupName: !Ref PrivateClusterSubnets",
        resource_types: &["AWS::Redshift::Cluster"],
        fsbp: &["Redshift.1"],
        well_architected: &["SEC05-BP01", "SEC05-BP02"],
        checkov: &["CKV_AWS_87"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    super::public_flag_hits(model, out, "AWS::Redshift::Cluster", "PubliclyAccessible", false, "Redshift cluster");
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["Conditional", "Public"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
