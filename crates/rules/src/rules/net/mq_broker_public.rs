use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-MQ-013",
        name: "mq-broker-public",
        family: "NET-OPEN",
        severity: Severity::High,
        title: "Amazon MQ broker publicly accessible",
        description: "An Amazon MQ broker sets `PubliclyAccessible: true`. Its wire-protocol \
            endpoints (AMQP, MQTT, STOMP, OpenWire) and its web console become reachable from the \
            internet, protected only by broker user names and passwords; anyone who guesses or \
            steals one can read and inject messages between your services. Brokers belong in \
            private subnets, reached by the producers and consumers inside the VPC.",
        fix: "Set PubliclyAccessible: false and deploy the broker into private subnets with a security \
            group that admits only its clients.",
        fix_snippet: "Broker:\n  Type: AWS::AmazonMQ::Broker\n  Properties:\n    PubliclyAccessible: false\n    SubnetIds: [!Ref PrivateSubnetA]\n    SecurityGroups: [!Ref BrokerClientsSecurityGroup]",
        resource_types: &["AWS::AmazonMQ::Broker"],
        well_architected: &["SEC05-BP01", "SEC05-BP02"],
        checkov: &["CKV_AWS_69"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    super::public_flag_hits(model, out, "AWS::AmazonMQ::Broker", "PubliclyAccessible", false, "Broker");
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["Public", "YamlYes"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
