use crate::prelude::*;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "NG-EC2-004",
        name: "sg-world-http",
        family: "NET-OPEN",
        severity: Severity::Low,
        title: "Plain-text HTTP (port 80) open to the internet",
        description: "A security group lets anyone on the internet reach port 80. Whatever answers \
            there speaks unencrypted HTTP: credentials, cookies and data cross the internet in \
            clear text and can be read or altered on the way, unless the listener does nothing \
            but redirect to HTTPS. Internet-facing web tiers belong behind a load balancer or \
            CloudFront that terminates TLS; when port 80 must stay open for redirects, make sure \
            it serves nothing else.",
        fix: "Serve the site on 443 only (or through a load balancer / CloudFront with an HTTP-to-HTTPS \
            redirect) and drop the 0.0.0.0/0 and ::/0 sources for port 80 on instance security groups.",
        fix_snippet: "SecurityGroupIngress:\n  - IpProtocol: tcp\n    FromPort: 443\n    ToPort: 443\n    CidrIp: 0.0.0.0/0\n  # port 80 only on the load balancer, which redirects to HTTPS",
        resource_types: &["AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress"],
        fsbp: &["EC2.18"],
        well_architected: &["SEC05-BP02", "SEC09-BP02"],
        checkov: &["CKV_AWS_260"],
        cfn_nag: &["W2"],
        requires: &["ec2:DescribeSecurityGroups"],
        ..RuleMeta::DEFAULT
    },
    check: Check::Model(check),
};

fn check(model: &Model, out: &mut Hits) {
    super::world_port_hits(model, out, 80, "HTTP");
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn fixtures() {
        crate::assert_fixture!(RULE, "fail.yaml", ["Both", "Standalone", "V6Web"]);
        crate::assert_fixture!(RULE, "pass.yaml", []);
    }
}
