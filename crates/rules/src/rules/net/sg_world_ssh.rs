use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-EC2-001",
        name: "sg-world-ssh",
        family: "NET-OPEN",
        severity: Severity::High,
        title: "SSH (port 22) open to the internet",
        description: "A security group lets anyone on the internet reach port 22. SSH exposed to \
            0.0.0.0/0 or ::/0 is brute-forced within minutes of going up, and a single leaked \
            key or unpatched daemon becomes a way in. Administrative access belongs behind \
            Systems Manager Session Manager, a bastion restricted to known ranges, or a VPN.",
        fix: "Remove the 0.0.0.0/0 and ::/0 sources for port 22; use Session Manager or restrict the \
            source to the ranges that need it.",
        fix_snippet: "SecurityGroupIngress:\n  - IpProtocol: tcp\n    FromPort: 22\n    ToPort: 22\n    CidrIp: 10.0.0.0/16  # your admin network, not 0.0.0.0/0",
        resource_types: &["AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress"],
        cis: &["6.3", "6.4"],
        fsbp: &["EC2.13", "EC2.19"],
        well_architected: &["SEC05-BP02"],
        checkov: &["CKV_AWS_24"],
        cfn_nag: &["W2", "W9"],
        requires: &["ec2:DescribeSecurityGroups"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    super::world_port_hits(model, out, 22, "SSH");
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["InlineRange", "InlineSsh", "SeparateIngress", "V6Ssh"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
