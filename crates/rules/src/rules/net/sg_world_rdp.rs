use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-EC2-002",
        name: "sg-world-rdp",
        family: "NET-OPEN",
        severity: Severity::High,
        title: "RDP (port 3389) open to the internet",
        description: "A security group lets anyone on the internet reach port 3389, Windows Remote \
            Desktop. Internet-facing RDP is scanned continuously and is a favourite entry point for \
            password spraying and ransomware crews; a weak password or an unpatched RDP stack is \
            enough. Remote administration should go through Systems Manager Session Manager \
            (including its RDP port forwarding or Fleet Manager), a VPN, or a bastion that only \
            known ranges can reach.",
        fix: "Remove the 0.0.0.0/0 and ::/0 sources for port 3389; use Session Manager / Fleet Manager or \
            restrict the source to the administrators' network.",
        fix_snippet: "SecurityGroupIngress:\n  - IpProtocol: tcp\n    FromPort: 3389\n    ToPort: 3389\n    CidrIp: 10.20.0.0/24  # admin network only, never 0.0.0.0/0",
        resource_types: &["AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress"],
        cis: &["6.3", "6.4"],
        fsbp: &["EC2.14", "EC2.19"],
        well_architected: &["SEC05-BP02", "SEC06-BP05"],
        checkov: &["CKV_AWS_25"],
        cfn_nag: &["W2", "W9"],
        requires: &["ec2:DescribeSecurityGroups"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    super::world_port_hits(model, out, 3389, "RDP");
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(
            RULE,
            "fail.yaml",
            ["ChoiceSource", "ParamDefault", "Range", "StandaloneIngress", "V6Rdp"]
        );
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
