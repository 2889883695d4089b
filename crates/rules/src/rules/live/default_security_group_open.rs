use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-EC2-270",
        name: "default-security-group-open",
        family: "NET-OPEN",
        severity: Severity::Medium,
        title: "Default security group allows traffic",
        description: "A VPC's default security group has inbound or outbound rules. Every instance, \
            interface or endpoint launched without an explicit group lands in it, and by default \
            its members can reach each other on every port and reach anything outside: a forgotten \
            launch setting quietly joins a flat network. The default group cannot be deleted, so \
            it should have no rules at all, leaving every resource to use a group made for it. \
            The finding says whether network interfaces use the group today. Prowler: \
            `ec2_securitygroup_default_restrict_traffic`.",
        fix: "Move the members to purpose-made groups, then remove every inbound and outbound rule of the \
            default group.",
        fix_snippet: "# The default group is not a CloudFormation resource; strip its rules:\n\
            # aws ec2 revoke-security-group-ingress --group-id sg-0123 --ip-permissions \"$(aws ec2 describe-security-groups --group-ids sg-0123 --query 'SecurityGroups[0].IpPermissions')\"\n\
            # aws ec2 revoke-security-group-egress  --group-id sg-0123 --ip-permissions \"$(aws ec2 describe-security-groups --group-ids sg-0123 --query 'SecurityGroups[0].IpPermissionsEgress')\"",
        resource_types: &["AWS::EC2::SecurityGroup"],
        cis: &["6.5"],
        fsbp: &["EC2.2"],
        well_architected: &["SEC05-BP02", "SEC05-BP01"],
        requires: &["ec2:DescribeSecurityGroups"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    if model.account.is_none() {
        return;
    }
    for (i, group) in model.resources.iter().enumerate().filter(|(_, r)| r.is_type("AWS::EC2::SecurityGroup")) {
        if group.prop("IsDefault").and_then(Node::as_bool) != Some(true) {
            continue;
        }
        let inbound = group.prop("SecurityGroupIngress").map_or(0, |n| n.items().len());
        let outbound = group.prop("SecurityGroupEgress").map_or(0, |n| n.items().len());
        if inbound + outbound == 0 {
            continue;
        }
        let id = group.prop("GroupId").and_then(Node::as_str).unwrap_or(&group.logical_id);
        let vpc = group.prop("VpcId").and_then(Node::as_str).map(|v| format!(" of {v}")).unwrap_or_default();
        let path = if inbound > 0 { "SecurityGroupIngress" } else { "SecurityGroupEgress" };
        out.add(
            i,
            path,
            format!(
                "Default security group {id}{vpc} has {inbound} inbound and {outbound} outbound rule(s){}",
                crate::rules::net::attachment_note(group)
            ),
            format!(
                "IsDefault: true, SecurityGroupIngress: {inbound} rule(s), SecurityGroupEgress: {outbound} rule(s)"
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;

    const SG: &str = "arn:aws:ec2:eu-west-1:111122223333:security-group/";

    #[test]
    fn fixtures() {
        // sg-default1: default with the stock rules (attached); sg-default2: default, emptied;
        // sg-web: not a default group.
        crate::assert_checks!(
            RULE,
            ["fail.json"],
            [format!("FAIL {SG}sg-default1"), format!("PASS {SG}sg-default2"), format!("PASS {SG}sg-web")]
        );
        // DescribeSecurityGroups failed in eu-west-1: no group to judge there, and the region is unknown.
        crate::assert_checks!(RULE, ["unknown.json"], ["UNKNOWN arn:aws:iam::111122223333:root eu-west-1"]);
        crate::assert_fixture!(RULE, "template.yaml", []);
    }

    #[test]
    fn message_says_attached() {
        let model = crate::testing::live_model(file!(), &["fail.json"]);
        let outcome = crate::check_model(&model, &[&RULE], &crate::Config::default());
        assert_eq!(outcome.findings.len(), 1);
        assert!(
            outcome.findings[0].message.ends_with("(attached to network interfaces)"),
            "{}",
            outcome.findings[0].message
        );
        assert_eq!(outcome.findings[0].location.region, "eu-west-1");
    }
}
