use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-DMS-010",
        name: "dms-replication-instance-public",
        family: "NET-OPEN",
        severity: Severity::High,
        title: "DMS replication instance publicly accessible",
        description: "An AWS DMS replication instance is publicly accessible: `PubliclyAccessible` \
            is true, or is left out, and DMS defaults it to true. The instance gets a public IP \
            address while it holds credentials for, and streams the contents of, both the source \
            and the target databases. Replication instances only need to reach the endpoints; \
            keep them private and connect through the VPC, peering, VPN or Direct Connect.",
        fix: "Set PubliclyAccessible: false and place the instance in a replication subnet group of \
            private subnets.",
        fix_snippet: "ReplicationInstance:\n  Type: AWS::DMS::ReplicationInstance\n  Properties:\n    ReplicationInstanceClass: dms.t3.medium\n    PubliclyAccessible: false\n    ReplicationSubnetGroupIdentifier: !Ref PrivateReplicationSubnets",
        resource_types: &["AWS::DMS::ReplicationInstance"],
        fsbp: &["DMS.1"],
        well_architected: &["SEC05-BP01", "SEC05-BP02"],
        checkov: &["CKV_AWS_89"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    super::public_flag_hits(
        model,
        out,
        "AWS::DMS::ReplicationInstance",
        "PubliclyAccessible",
        true,
        "Replication instance",
    );
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["Defaulted", "Explicit", "YesString"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
