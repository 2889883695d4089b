use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-EC2-003",
        name: "sg-world-all-traffic",
        family: "NET-OPEN",
        severity: Severity::Critical,
        title: "Security group open to the internet on every port",
        description: "A security group lets anyone on the internet in on every protocol \
            (`IpProtocol: -1`) or on every TCP or UDP port (0–65535). Whatever listens on the \
            instance — SSH, RDP, databases, admin consoles, debug ports, services installed later \
            — is reachable from the whole internet, and the security group no longer acts as a \
            firewall at all. Open only the ports the workload serves, and only to the sources \
            that need them.",
        fix: "Replace the rule with one rule per port the workload serves (for example 443), and restrict \
            every administrative or data port to internal ranges or to other security groups.",
        fix_snippet: "SecurityGroupIngress:\n  - IpProtocol: tcp\n    FromPort: 443\n    ToPort: 443\n    CidrIp: 0.0.0.0/0\n  - IpProtocol: tcp\n    FromPort: 5432\n    ToPort: 5432\n    SourceSecurityGroupId: !Ref AppSecurityGroup",
        resource_types: &["AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress"],
        cis: &["6.3", "6.4"],
        fsbp: &["EC2.18", "EC2.19"],
        well_architected: &["SEC05-BP01", "SEC05-BP02"],
        checkov: &["CKV_AWS_277"],
        cfn_nag: &["W2", "W27"],
        requires: &["ec2:DescribeSecurityGroups"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    for group in &model.security_groups {
        for rule in group.ingress.iter().filter(|r| super::from_world(r) && super::opens_everything(r)) {
            let what = if rule.all_protocols() {
                "all traffic (every protocol and port)".to_string()
            } else {
                format!("every {} port", rule.protocol.as_deref().map(protocol_name).unwrap_or("?"))
            };
            let note = if group.declared && attached_only_to_load_balancers(model, &group.logical_id) {
                " (today attached only to load balancers, which accept traffic on their listeners only)"
            } else {
                ""
            };
            out.add_at(
                rule.resource,
                &rule.path,
                rule.pos,
                format!(
                    "Security group {} allows {what} from {}{note}{}",
                    group.logical_id,
                    rule.source(),
                    super::group_note(model, group)
                ),
                super::ingress_evidence(rule),
            );
        }
    }
}

/// The group is referenced by load balancers and by nothing else that could receive traffic
/// (references from other security group rules do not count).
fn attached_only_to_load_balancers(model: &Model, group: &str) -> bool {
    let (mut balancer, mut other) = (false, false);
    for res in &model.resources {
        if matches!(
            res.resource_type.as_str(),
            "AWS::EC2::SecurityGroup" | "AWS::EC2::SecurityGroupIngress" | "AWS::EC2::SecurityGroupEgress"
        ) {
            continue;
        }
        let is_balancer = matches!(
            res.resource_type.as_str(),
            "AWS::ElasticLoadBalancingV2::LoadBalancer" | "AWS::ElasticLoadBalancing::LoadBalancer"
        );
        res.properties.walk(&mut |_, node| {
            if matches!(&node.value, Value::ResourceRef { logical_id, .. } if logical_id == group) {
                if is_balancer {
                    balancer = true;
                } else {
                    other = true;
                }
            }
        });
    }
    balancer && !other
}

fn protocol_name(p: &str) -> &str {
    match p {
        "6" => "tcp",
        "17" => "udp",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(
            RULE,
            "fail.yaml",
            ["AllProtocols", "AllTcp", "AllUdpMinusOne", "LoadBalancerGroup", "Standalone", "V6All"]
        );
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
